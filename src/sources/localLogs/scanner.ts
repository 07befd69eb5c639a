/**
 * The incremental scanner of local agent logs. Synchronous on purpose: it runs in a worker thread
 * (worker.ts), where blocking reads are the fastest way through hundreds of megabytes; tests may
 * run it in-process.
 *
 * Per scan of one source:
 * 1. The state to start from, from memory, the state file or afresh (scanState.ts).
 * 2. The files to read and from where: walked or as a watcher reported, with rotation, renames,
 *    truncation and rewrites noticed (walker.ts).
 * 3. Each file's appended bytes read into compact entries (reader.ts, with the source's parser),
 *    on this thread or, for a large first scan, shared with a parser thread (parallel.ts); the
 *    entries are counted into the state in path order by the source's parser (parsers/), which
 *    deduplicates them.
 * 4. The result: the full set of rows for every day that changed (the ledger replaces whole days),
 *    from the state's aggregates, which include what deleted files contributed (rows.ts).
 */
import { LocalDayKeyCache } from '../../core/dates';
import type { DayKey, LedgerRow } from '../../core/types';
import type { ParserLease } from './parallel';
import { parserOf } from './parsers';
import { parseStateOf, keepParseState, type CountContext, type LogParser, type ParsedFile } from './parsers/types';
import type { LocalSourceId } from './paths';
import { RateCache } from './pricing';
import { CHUNK_BYTES, FileReader, runJob, type ParseJob } from './reader';
import { rowsOf, syncOf } from './rows';
import { recover, StateStore, type LocalSync, type ScanMode } from './scanState';
import type { SourceState } from './state';
import { plan, targeted, walk, type Job, type WalkCounters } from './walker';

export { FINGERPRINT_BYTES, MAX_LINE_BYTES } from './reader';
export { LocalSyncSchema, type LocalSync, type ScanMode } from './scanState';
/**
 * A scan with at least this many bytes to read is shared with a parser thread, when one is given
 * (kept from one scan to the next, a thread costs nothing to start after the first).
 */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
/** The part of the bytes the scan worker reads itself when sharing (it also applies all entries). */
const SHARE_OF_THIS_THREAD = 0.42;
/** A shared scan alternates this many runs of each thread (see scanShared). */
const SHARE_ROUNDS = 8;

/** A run of files (jobs [from, to)) read by this thread (`mine`) or by the parser thread. */
interface ShareRun {
  readonly from: number;
  readonly to: number;
  readonly mine: boolean;
}

/**
 * The files cut into runs, alternating between this thread and the parser thread, this thread
 * first: SHARE_ROUNDS rounds, each of about total / SHARE_ROUNDS bytes, of which this thread
 * reads SHARE_OF_THIS_THREAD. Every run holds at least one file.
 */
export function shareRuns(sizes: readonly number[], total: number): ShareRun[] {
  const round = total / SHARE_ROUNDS;
  const runs: ShareRun[] = [];
  let i = 0;
  let mine = true;
  let done = 0; // bytes in the runs so far
  let target = 0;
  while (i < sizes.length) {
    target += round * (mine ? SHARE_OF_THIS_THREAD : 1 - SHARE_OF_THIS_THREAD);
    const from = i;
    do done += sizes[i++] as number;
    while (i < sizes.length && done + (sizes[i] as number) / 2 < target);
    runs.push({ from, to: i, mine });
    mine = !mine;
  }
  return runs;
}

export interface ScanRequest {
  readonly source: LocalSourceId;
  /** The roots this state belongs to; a state of other roots is discarded. */
  readonly identity: string;
  /** Existing folders to scan recursively for `*.jsonl`. */
  readonly dirs: readonly string[];
  /** Only these files (a watcher's report); omitted = a full walk of `dirs`. */
  readonly paths?: readonly string[];
  /** What the ledger remembered (the previous result's `sync`). */
  readonly sync: unknown;
  /** Where the state is kept between sessions; omitted = in memory only. */
  readonly stateFile?: string;
}

export interface ScanStats {
  readonly mode: ScanMode;
  readonly full: boolean;
  /** Files looked at (stat). */
  readonly files: number;
  /** Files from which bytes were read. */
  readonly filesRead: number;
  /** Log bytes read (fingerprint checks not included). */
  readonly bytesRead: number;
  readonly fingerprintBytes: number;
  readonly linesParsed: number;
  readonly fastLines: number;
  readonly slowLines: number;
  /** Usage entries counted (before dedupe). */
  readonly entries: number;
  readonly truncated: number;
  readonly rotated: number;
  readonly renamed: number;
  readonly deleted: number;
  readonly ms: number;
}

export interface ScanResult {
  readonly days: string[];
  readonly rows: LedgerRow[];
  readonly sync: LocalSync;
  readonly stats: ScanStats;
  readonly unpricedModels: string[];
  /** Codex turns whose log named no model (priced as gpt-5), in this scan. */
  readonly assumedTurns: number;
  /** Whether any counted Codex turn had no model in its log. */
  readonly assumedModel: boolean;
  /**
   * Models with fast-mode usage (`speed: "fast"`) whose fast-mode multiplier is unknown: that
   * usage is priced at standard rates, an underestimate (ever counted, not only in this scan).
   */
  readonly fastUnknownModels: string[];
}

export interface ScanProgress {
  readonly source: LocalSourceId;
  readonly filesDone: number;
  readonly filesTotal: number;
  readonly bytesDone: number;
  readonly bytesTotal: number;
}

export interface ScannerOptions {
  /** Minimum time between two state saves (default 30 s; 0 = after every change). */
  readonly saveIntervalMs?: number;
  /** Read chunk (default 1 MB). */
  readonly chunkBytes?: number;
  /** scanShared reads with the parser thread from this many bytes (default PARALLEL_MIN_BYTES). */
  readonly parallelMinBytes?: number;
  readonly clock?: () => number;
}

interface Counters extends WalkCounters {
  fast: number;
  slow: number;
  filesRead: number;
  bytesRead: number;
  lines: number;
  entries: number;
  assumed: number;
}

/** What a parser counts with, for one scan of one source (CountContext). */
class Tally implements CountContext {
  readonly changed = new Set<DayKey>();
  private memoDay = '';
  private memoModel = '';
  private memoProject = '';
  private memoBucket = -1;

  constructor(
    readonly state: SourceState,
    readonly prices: RateCache,
    readonly counters: Counters,
    private readonly days: LocalDayKeyCache,
  ) {}

  day(ms: number): DayKey {
    return this.days.of(ms);
  }

  bucket(day: DayKey, model: string, project = ''): number {
    if (day !== this.memoDay || model !== this.memoModel || project !== this.memoProject || this.memoBucket < 0) {
      this.memoDay = day;
      this.memoModel = model;
      this.memoProject = project;
      this.memoBucket = this.state.bucket(day, model, project);
    }
    return this.memoBucket;
  }
}

/** A scan's progress reports (Scanner.progress). */
interface Progress {
  add(job: Job): void;
  done(): void;
}

interface Prepared {
  readonly req: ScanRequest;
  readonly parser: LogParser<unknown>;
  readonly state: SourceState;
  readonly sync: LocalSync | undefined;
  readonly mode: ScanMode;
  readonly full: boolean;
  readonly jobs: Job[];
  readonly t0: number;
  readonly c: Counters;
  readonly tally: Tally;
  /** Files counted after the scan's other files (parser.defer: Codex forks read from their start). */
  readonly deferred: { readonly job: Job; readonly parsed: ParsedFile }[];
}

export class Scanner {
  private readonly store: StateStore;
  private readonly reader: FileReader;
  private readonly prices = new RateCache();
  private readonly days = new LocalDayKeyCache();
  /** The time zone the cached days were computed in (the worker sets TZ to the extension host's). */
  private zone: string | undefined;

  constructor(private readonly options: ScannerOptions = {}) {
    // Entries lent: a file read on this thread is counted before the next is read (see apply).
    this.reader = new FileReader(options.chunkBytes ?? CHUNK_BYTES, true);
    this.store = new StateStore({ ...(options.saveIntervalMs !== undefined ? { saveIntervalMs: options.saveIntervalMs } : {}), ...(options.clock ? { clock: options.clock } : {}) });
  }

  /** The state kept for a source (tests and the bench look inside). */
  stateOf(source: LocalSourceId): SourceState | undefined {
    return this.store.get(source);
  }

  /** A scan on this thread. */
  scan(req: ScanRequest, onProgress?: (p: ScanProgress) => void): ScanResult {
    const p = this.prepare(req);
    return this.readAlone(p, this.progress(p, onProgress));
  }

  /** Reads and counts every file of a prepared scan on this thread. */
  private readAlone(p: Prepared, progress: Progress): ScanResult {
    for (const job of p.jobs) {
      this.apply(p, job, this.readJob(p, job));
      progress.add(job);
    }
    progress.done();
    return this.finish(p);
  }

  /**
   * A scan that shares the reading with a parser thread when there is a lot to read (a first
   * scan). The files, in path order, are cut into runs that alternate between the two threads:
   * this thread reads and applies one of its runs while the parser thread reads the next of its
   * own; then that run's entries are applied as they arrive, and so on. Entries are thus applied
   * in exactly the order of a one-thread scan (dedupe ties resolve the same), and only one or two
   * runs of the parser thread's results wait in memory (with one cut in two, more than half of
   * all entries waited: ~50 MB on a corpus of 900k lines).
   */
  async scanShared(req: ScanRequest, onProgress: ((p: ScanProgress) => void) | undefined, parser: ParserLease): Promise<ScanResult> {
    const p = this.prepare(req);
    const sizes = p.jobs.map((j) => Math.max(0, j.st.size - j.from));
    const total = sizes.reduce((x, y) => x + y, 0);
    const progress = this.progress(p, onProgress);
    // Logs read whole stay on this thread: an error reading a database (no node:sqlite) must reach
    // the extension, and a JSON document parsed there takes old-generation memory the parser
    // thread keeps (its young generation is small) for no gain in time.
    if (total < (this.options.parallelMinBytes ?? PARALLEL_MIN_BYTES) || p.jobs.length < 2 || (p.parser.readWhole && !p.parser.whole)) return this.readAlone(p, progress);
    const runs = shareRuns(sizes, total);
    const thread = parser.acquire();
    try {
      const theirs: ParseJob[] = [];
      for (const run of runs) if (!run.mine) for (let i = run.from; i < run.to; i++) theirs.push(this.job(p, p.jobs[i] as Job, i));
      thread.start(theirs);
      for (const run of runs) {
        for (let i = run.from; i < run.to; i++) {
          const job = p.jobs[i] as Job;
          this.apply(p, job, run.mine ? this.readJob(p, job) : await thread.take(i));
          progress.add(job);
        }
      }
      progress.done();
    } finally {
      await parser.release();
    }
    return this.finish(p);
  }

  /** Saves every state with unsaved changes (on shutdown). */
  flush(): void {
    this.store.flush();
  }

  /**
   * Saves the states whose save is due: changed, and either a first scan or a recovery, or the
   * last save older than `saveIntervalMs`. Call after handing over a scan's result. Returns the
   * bytes written.
   */
  saveDue(): number {
    return this.store.saveDue();
  }

  private progress(p: Prepared, onProgress: ((p: ScanProgress) => void) | undefined): Progress {
    const bytesTotal = p.jobs.reduce((s, j) => s + Math.max(0, j.st.size - j.from), 0);
    let bytesDone = 0;
    let filesDone = 0;
    let last = performance.now();
    const report = () => onProgress?.({ source: p.req.source, filesDone, filesTotal: p.jobs.length, bytesDone, bytesTotal });
    report();
    return {
      add: (job: Job) => {
        filesDone++;
        bytesDone += Math.max(0, job.st.size - job.from);
        const now = performance.now();
        if (now - last > 100) {
          last = now;
          report();
        }
      },
      done: () => {
        filesDone = p.jobs.length;
        bytesDone = bytesTotal;
        report();
      },
    };
  }

  /** Loads the state, decides the mode, lists the files and what to read of each. */
  private prepare(req: ScanRequest): Prepared {
    const t0 = performance.now();
    const parser = parserOf(req.source);
    const zone = process.env['TZ'];
    if (zone !== this.zone) {
      this.days.clear();
      this.zone = zone;
    }
    const { state, sync, mode } = this.store.open(req.source, req.identity, req.sync, req.stateFile);
    const c: Counters = { files: 0, filesRead: 0, bytesRead: 0, fingerprintBytes: 0, lines: 0, entries: 0, fast: 0, slow: 0, truncated: 0, rotated: 0, renamed: 0, deleted: 0, assumed: 0 };
    const tally = new Tally(state, this.prices, c, this.days);
    const full = req.paths === undefined;
    const work = full ? walk(state, req.dirs, parser, c) : targeted(state, req.paths ?? [], req.dirs, parser, c);
    const jobs: Job[] = [];
    for (const w of work) {
      const job = plan(state, w.path, w.st, parser, c, tally.changed);
      if (job) jobs.push(job);
    }
    return { req, parser, state, sync, mode, full, jobs, t0, c, tally, deferred: [] };
  }

  private finish(p: Prepared): ScanResult {
    for (const { job, parsed } of p.deferred) this.count(p, job, parsed);
    const { state, sync, mode, c } = p;
    const changed = p.tally.changed;
    // The state may be behind what the ledger counted (lost, or older than another window's): keep the ledger's days.
    if (mode !== 'incremental' && sync) recover(state, sync, changed);
    let days: Set<string>;
    if (mode === 'incremental') days = changed;
    else {
      days = state.days();
      for (const d of changed) days.add(d);
      if (sync) for (const d of Object.keys(sync.days)) days.add(d);
    }
    // A first scan or a recovery is worth saving at once (see saveDue).
    if (days.size > 0 || mode !== 'incremental') this.store.changed(state, mode);
    const assumedModel = p.parser.assumedModel;
    return {
      days: [...days].sort(),
      rows: rowsOf(state, days),
      sync: syncOf(state),
      stats: {
        mode,
        full: p.full,
        files: c.files,
        filesRead: c.filesRead,
        bytesRead: c.bytesRead,
        fingerprintBytes: c.fingerprintBytes,
        linesParsed: c.lines,
        fastLines: c.fast,
        slowLines: c.slow,
        entries: c.entries,
        truncated: c.truncated,
        rotated: c.rotated,
        renamed: c.renamed,
        deleted: c.deleted,
        ms: performance.now() - p.t0,
      },
      unpricedModels: [...this.prices.unpricedModels].filter((m) => state.bucketModel.includes(m)).sort(),
      assumedTurns: c.assumed,
      assumedModel: assumedModel !== undefined && state.bucketModel.includes(assumedModel),
      fastUnknownModels: [...state.fastUnknown].sort(),
    };
  }

  // -------------------------------------------------------------------------------------------
  // Reading and counting one file

  private job(p: Prepared, job: Job, id: number): ParseJob {
    const state = parseStateOf(job.f);
    return { id, source: p.req.source, path: job.f.path, from: job.from, ...(state !== undefined ? { state } : {}) };
  }

  private readJob(p: Prepared, job: Job): ParsedFile | null {
    return runJob(this.reader, this.job(p, job, 0));
  }

  /**
   * Counts what was read of a file, now or, when its parser defers it, at the end of the scan (its
   * entries copied then: the reader fills the same list again for the next file).
   */
  private apply(p: Prepared, job: Job, parsed: ParsedFile | null): void {
    if (parsed && job.from === 0 && p.parser.defer?.(parsed, parsed.state)) p.deferred.push({ job, parsed: { ...parsed, entries: parsed.entries.slice() } });
    else this.count(p, job, parsed);
  }

  private count(p: Prepared, job: Job, parsed: ParsedFile | null): void {
    const c = p.c;
    const f = job.f;
    if (parsed) {
      if (parsed.bytesRead > 0) c.filesRead++;
      c.bytesRead += parsed.bytesRead;
      c.fingerprintBytes += parsed.fingerprintBytes;
      c.lines += parsed.lines;
      c.fast += parsed.fast;
      c.slow += parsed.slow;
      p.parser.count(p.tally, f, parsed, parsed.state, job.from === 0);
      // A log read whole keeps the state its read left (a database's cursor moves while its size stays).
      if (parsed.consumed !== f.offset || job.stamp !== undefined) {
        f.offset = parsed.consumed;
        f.tail = parsed.tail;
        if (parsed.state !== undefined) keepParseState(f, parsed.state);
      }
    }
    f.size = job.stamp?.size ?? job.st.size;
    f.mtimeMs = job.stamp?.mtimeMs ?? job.st.mtimeMs;
  }
}
