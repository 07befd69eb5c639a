/**
 * What a coding agent's log format plugs into the scanner: one `LogParser` per agent
 * (parsers/claude.ts, parsers/codex.ts), listed in parsers/index.ts. The walker (walker.ts) finds
 * and tracks the files, the reader (reader.ts) streams their appended bytes line by line, the
 * scanner (scanner.ts) keeps the state, the days and the rows; a parser only says which files are
 * its logs, which lines to look at, what a line holds, and how its usage is counted once.
 *
 * A parser has two halves. The reading half (`needle`, `accepts`, `parseLine`, `head`, the
 * per-file state) runs in either reading thread (parser.ts is the second one), so it touches no
 * scan state and imports no prices: it writes compact entries (`Entries`, ENTRY numbers each,
 * laid out as the parser likes). The counting half (`count`) runs in the scan worker, in path
 * order, and turns the entries into the source's state, deduplicated, through `CountContext`.
 */
import type { DayKey } from '../../../core/types';
import type { LocalSourceId } from '../paths';
import type { AgentFormat } from './format';
import type { RateCache } from '../pricing';
import type { FileState, SourceState } from '../state';

/** Numbers per entry (each parser lays its entries out in these). */
export const ENTRY = 11;

/** Lines read by the byte-level fast path, and those left to JSON.parse. */
export interface ParseCounters {
  fast: number;
  slow: number;
}

/** Entries a list starts with room for. */
const FIRST_ENTRIES = 256;
/** A list emptied for reuse keeps its room up to this many entries (~8 MB), else starts small again. */
const KEPT_ENTRIES = 100_000;

/** A growable list of entries with a small table of names (models, and projects where a parser keeps them per entry). */
export class Entries {
  data = new Float64Array(ENTRY * FIRST_ENTRIES);
  count = 0;
  /** A new array after `reset` (a list handed out before keeps its own). */
  models: string[] = [];
  private readonly index = new Map<string, number>();
  private lastModel = '';
  private lastIndex = -1;

  /**
   * Empties the list for the next file, keeping its room: a view of its entries handed out before
   * now shows the next file's; `models` handed out stay (a new array).
   */
  reset(): void {
    this.count = 0;
    this.models = [];
    this.index.clear();
    this.lastModel = '';
    this.lastIndex = -1;
    if (this.data.length > ENTRY * KEPT_ENTRIES) this.data = new Float64Array(ENTRY * FIRST_ENTRIES);
  }

  /** The index of a model name (or another name, such as a project) in `models` (entries keep indices, not names). */
  model(name: string): number {
    if (name === this.lastModel && this.lastIndex >= 0) return this.lastIndex;
    let i = this.index.get(name);
    if (i === undefined) {
      i = this.models.length;
      this.models.push(name);
      this.index.set(name, i);
    }
    this.lastModel = name;
    this.lastIndex = i;
    return i;
  }

  /** The offset in `data` of a new entry (read `data` after calling: it may have grown). */
  next(): number {
    if ((this.count + 1) * ENTRY > this.data.length) {
      const bigger = new Float64Array(this.data.length * 2);
      bigger.set(this.data);
      this.data = bigger;
    }
    return this.count++ * ENTRY;
  }

  /** A right-sized copy (transferable). */
  take(): Float64Array {
    return this.data.slice(0, this.count * ENTRY);
  }

  /** The entries in place: valid until the list is reset. */
  view(): Float64Array {
    return this.data.subarray(0, this.count * ENTRY);
  }
}

/** What was read of one file, from an offset (reader.ts). */
export interface ParsedFile {
  /** Offset after the last complete line (its newline, or its end when it is the file's last and a whole object). */
  readonly consumed: number;
  /** Fingerprint of the bytes before `consumed`. */
  readonly tail: number;
  readonly bytesRead: number;
  readonly fingerprintBytes: number;
  readonly lines: number;
  readonly fast: number;
  readonly slow: number;
  /** `count` entries of ENTRY numbers. */
  readonly entries: Float64Array;
  readonly count: number;
  /** Model names the entries point to. */
  readonly models: string[];
  /** The parser's state of the file after the read (for a parser that keeps one). */
  readonly state?: unknown;
}

/** What the scanner lends a parser's counting half, for one scan of one source. */
export interface CountContext {
  readonly state: SourceState;
  readonly prices: RateCache;
  /** Usage entries counted in this scan (after dedupe), and those whose log named no model. */
  readonly counters: { entries: number; assumed: number };
  /** Days whose rows changed in this scan. */
  readonly changed: Set<DayKey>;
  /** The local calendar day of an instant (cached per quarter hour). */
  day(ms: number): DayKey;
  /** `state.bucket(day, model, project)`, remembering the last answer (lines of a file mostly share all three). */
  bucket(day: DayKey, model: string, project?: string): number;
}

/**
 * One coding agent's log format. `S` is what it remembers per file between reads (plain data: it
 * is saved in the state file and sent to the parser thread); `undefined` for a parser that needs
 * nothing. Parsers are plain objects whose methods never use `this`.
 */
export interface LogParser<S = undefined> {
  readonly source: LocalSourceId;
  /** Whether a file found under the scan folders (by its name) is one of this agent's logs. */
  isLog(name: string): boolean;
  /** Bytes every line worth parsing contains: a line without them costs only the search. */
  readonly needle: Buffer;
  /** A finer check of the needle found at `at`; false = no line to parse there, search on. */
  accepts?(buf: Buffer, at: number): boolean;
  /** The state of a file not read yet. */
  initial(): S;
  /** A copy the reader may change (the caller's stays as it was). */
  copy(state: S): S;
  /** Reads the file's first line buf[start, end) into `state`, when the file is read from its start. */
  head?(buf: Buffer, start: number, end: number, state: S): void;
  /**
   * Parses the line starting at `start` whose needle is at `marker` (its newline lies before
   * `limit`), appends its usage to `out`, and returns the index of the line's newline.
   */
  parseLine(buf: Buffer, start: number, limit: number, marker: number, state: S, out: Entries, counters: ParseCounters): number;
  /**
   * Counts a file's entries into `ctx.state`, deduplicated. `state` is the file's after the read,
   * `fromStart` whether it was read from offset 0.
   */
  count(ctx: CountContext, f: FileState, parsed: ParsedFile, state: S, fromStart: boolean): void;
  /** Whether a file read from its start is counted only after the scan's other files (e.g. a fork after its parent). */
  defer?(parsed: ParsedFile, state: S): boolean;
  /** Forgets what the counting half keeps in `f` (the file is read again from its start). */
  forget?(f: FileState): void;
  /** The ledger's model name for usage whose log names no model (priced as a default model). */
  readonly assumedModel?: string;
  /** Told the file's path before a read (the parser's state is a fresh copy then). */
  open?(state: S, file: string): void;
  /**
   * For logs that are not read by appended lines (one JSON document, an SQLite database): reads
   * the whole of `file` into `out` and returns its size. The walker then has a changed file read
   * again from its start, what it contributed taken out first.
   */
  readWhole?(file: string, state: S, out: Entries, counters: ParseCounters): number;
  /**
   * With `readWhole`: whether a changed log is read from where its last read left off (its state
   * keeps a cursor, e.g. an SQLite database's change time): the walker then leaves what it
   * contributed in place. A read that finds it must read the whole log after all says so in the
   * state it returns, and `count` takes out what the log contributed before counting it.
   */
  resumes?(state: S): boolean;
  /** With `readWhole`: which of the logs are read whole, the others by appended lines (absent: all of them). */
  whole?(file: string): boolean;
  /** Suffixes of files beside a log whose change is a change of the log (SQLite's `-wal`). */
  readonly companions?: readonly string[];
  /** How many folder levels below a scanned folder its logs lie at most (undefined: any). */
  depthFor?(dir: string): number | undefined;
  /** The agent's format, for a parser made from one (records.ts): where its logs are (paths.ts). */
  readonly format?: AgentFormat;
}

/** The parser's state of a file. It lives in FileState's `codex` slot, the name the state file (state.ts) gives it. */
export function parseStateOf(f: FileState): unknown {
  return f.codex;
}

/** Keeps the parser's state of a file (undefined: none). */
export function keepParseState(f: FileState, state: unknown): void {
  if (state === undefined) delete f.codex;
  else f.codex = state as FileState['codex'];
}

/** Whether `parser` reads `file` whole (see `LogParser.readWhole`). */
export function readsWhole(parser: LogParser<unknown>, file: string): boolean {
  return parser.readWhole !== undefined && (parser.whole?.(file) ?? true);
}
