/**
 * Reading one log file from an offset into compact usage entries: no scan state is touched, so a
 * second thread can read files while the scan worker reads others (parser.ts). The scanner then
 * applies the entries to its state in path order (dedupe, days, prices).
 *
 * Reading streams through one buffer: fs.readSync in 1 MB chunks, lines found with Buffer.indexOf
 * of the source's marker (`"usage":{` for Claude Code, `"type":"t` for Codex), so lines without
 * it cost only the search; an unterminated last line is not consumed (it is read again, complete,
 * next time) unless it is a whole JSON object (see `read`); a line longer than MAX_LINE_BYTES is
 * skipped.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { line, parseClaudeLine, USAGE_NEEDLE, usageObjectAt, type ParseCounters } from './claude';
import { CODEX_NEEDLE, newCodexState, parseCodexLine, parseCodexMeta, type CodexFileState } from './codex';
import { LBRACE, parseJsonLine, RBRACE } from './jsonBytes';
import type { LocalSourceId } from './paths';
import { hashBytes } from './state';

/** Bytes before the read offset whose hash is kept, to notice a file rewritten in place. */
export const FINGERPRINT_BYTES = 64;
/** A line longer than this is skipped (it cannot be a usage line). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
export const CHUNK_BYTES = 1 << 20;

/** Numbers per entry. */
export const ENTRY = 10;
// Claude Code: [ms, hExact, hMsg, flags, input, output, cacheRead, write5m, write1h, model]
export const E_FLAG_KEYED = 1;
export const E_FLAG_SIDECHAIN = 2;
/** `speed: "fast"`: priced at the model's fast-mode multiple. */
export const E_FLAG_FAST = 4;
// Codex: [ms, model, priceAs, assumed, input, cached, output, reasoning, total, index of the turn in its rollout]

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
  /** Codex: the file's state after the read. */
  readonly codex?: CodexFileState;
}

/** A growable list of entries with a small model table. */
class Entries {
  data = new Float64Array(ENTRY * 256);
  count = 0;
  readonly models: string[] = [];
  private readonly index = new Map<string, number>();
  private lastModel = '';
  private lastIndex = -1;

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
}

/** Whether buf[0, end) is one whole JSON object, white space around it allowed. */
function wholeObject(buf: Buffer, end: number): boolean {
  let a = 0;
  let b = end;
  const blank = (c: number | undefined) => c === 32 || c === 9 || c === 13;
  while (a < b && blank(buf[a])) a++;
  while (b > a && blank(buf[b - 1])) b--;
  return buf[a] === LBRACE && buf[b - 1] === RBRACE && parseJsonLine(buf, a, b) !== undefined;
}

/** Reads the hash of the `FINGERPRINT_BYTES` before `offset` (0 at offset 0). */
export function fingerprintAt(fd: number, offset: number, counters?: { fingerprintBytes: number }): number {
  if (offset === 0) return 0;
  const k = Math.min(FINGERPRINT_BYTES, offset);
  const b = Buffer.allocUnsafe(k);
  const n = readSync(fd, b, 0, k, offset - k);
  if (counters) counters.fingerprintBytes += n;
  return hashBytes(b, 0, n);
}

export class FileReader {
  private buf: Buffer;

  constructor(private readonly chunkBytes: number = CHUNK_BYTES) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
  }

  /** Reads `fd` from `from` to its end. `codex` is the file's state at `from` (Codex only; not modified). */
  read(source: LocalSourceId, fd: number, from: number, codex?: CodexFileState): ParsedFile {
    const claude = source === 'claudeCode';
    const needle = claude ? USAGE_NEEDLE : CODEX_NEEDLE;
    const out = new Entries();
    const counters: ParseCounters = { fast: 0, slow: 0 };
    const codexState: CodexFileState = codex ? { ...codex, total: codex.total ? [...codex.total] : null } : newCodexState();
    let head = !claude && from === 0; // a rollout read from its start: its first line is its session_meta
    let buf = this.buf;
    let pos = from; // file position of the next read
    let base = from; // file offset of buf[0]
    let carry = 0; // bytes at buf[0..carry) not yet consumed (a partial line)
    let skipping = false; // inside an over-long line
    let consumed = from;
    let bytesRead = 0;
    let lines = 0;
    for (;;) {
      if (carry === buf.length) {
        if (buf.length < MAX_LINE_BYTES) {
          const bigger = Buffer.allocUnsafe(Math.min(MAX_LINE_BYTES, buf.length * 2));
          buf.copy(bigger, 0, 0, carry);
          buf = bigger;
        } else {
          skipping = true;
          base += carry;
          carry = 0;
        }
      }
      const n = readSync(fd, buf, carry, buf.length - carry, pos);
      let end: number;
      let lastNl: number;
      // At the end of the file, a last line without its newline that is a whole JSON object was
      // left so (ccusage counts it too): it is read as if its newline were there, and consumed to
      // its end. A line still being written is not a whole object (no proper prefix of one is), and
      // a newline written after it later only makes an empty line.
      let unterminated = false;
      if (n <= 0) {
        if (carry === 0 || skipping || !wholeObject(buf, carry)) break;
        buf[carry] = 10; // room: buf grows at the top of the loop when full
        end = carry + 1;
        lastNl = carry;
        unterminated = true;
      } else {
        bytesRead += n;
        pos += n;
        end = carry + n;
        lastNl = buf.lastIndexOf(10, end - 1);
        if (lastNl < 0) {
          carry = end;
          continue;
        }
      }
      if (head) {
        head = false;
        if (!skipping) codexState.meta = parseCodexMeta(buf, 0, buf.indexOf(10)); // an over-long first line is no session_meta
      }
      let from0 = 0;
      if (skipping) {
        from0 = buf.indexOf(10) + 1; // the rest of the over-long line ends here
        skipping = false;
      }
      const view = buf.subarray(0, lastNl + 1);
      let i = from0;
      for (;;) {
        const u = view.indexOf(needle, i);
        if (u < 0) break;
        if (claude && !usageObjectAt(buf, u)) {
          i = u + needle.length; // "usage" as a value or a key of something else
          continue;
        }
        const s = u === 0 ? 0 : Math.max(from0, view.lastIndexOf(10, u) + 1);
        lines++;
        let e: number;
        if (claude) {
          const entry = parseClaudeLine(buf, s, lastNl + 1, u, counters);
          e = line.end;
          if (entry && entry.input + entry.output + entry.cacheRead + entry.write5m + entry.write1h > 0) {
            const o = out.next();
            const d = out.data;
            d[o] = entry.ms;
            d[o + 1] = entry.hExact;
            d[o + 2] = entry.hMsg;
            d[o + 3] = (entry.keyed ? E_FLAG_KEYED : 0) | (entry.sidechain ? E_FLAG_SIDECHAIN : 0) | (entry.fast ? E_FLAG_FAST : 0);
            d[o + 4] = entry.input;
            d[o + 5] = entry.output;
            d[o + 6] = entry.cacheRead;
            d[o + 7] = entry.write5m;
            d[o + 8] = entry.write1h;
            d[o + 9] = out.model(entry.model);
          }
        } else {
          e = view.indexOf(10, u);
          const turn = parseCodexLine(buf, s, e, u, codexState);
          if (turn) {
            const o = out.next();
            const d = out.data;
            d[o] = turn.ms;
            d[o + 1] = out.model(turn.model);
            d[o + 2] = out.model(turn.priceAs);
            d[o + 3] = turn.assumed ? 1 : 0;
            d[o + 4] = turn.input;
            d[o + 5] = turn.cached;
            d[o + 6] = turn.output;
            d[o + 7] = turn.reasoning;
            d[o + 8] = turn.total;
            d[o + 9] = turn.index;
          }
        }
        i = e + 1;
      }
      if (unterminated) {
        consumed = base + lastNl;
        break;
      }
      consumed = base + lastNl + 1;
      carry = end - (lastNl + 1);
      buf.copy(buf, 0, lastNl + 1, end);
      base = consumed;
    }
    // Keep a grown buffer for the next file, unless it grew huge for an odd line.
    if (buf.length <= this.chunkBytes * 4) this.buf = buf;
    const fp = { fingerprintBytes: 0 };
    const tail = consumed === from ? -1 : fingerprintAt(fd, consumed, fp);
    return {
      consumed,
      tail,
      bytesRead,
      fingerprintBytes: fp.fingerprintBytes,
      lines,
      fast: counters.fast,
      slow: counters.slow,
      entries: out.take(),
      count: out.count,
      models: out.models,
      ...(claude ? {} : { codex: codexState }),
    };
  }
}

// ---------------------------------------------------------------------------------------------
// Jobs (what the parser thread is asked to read)

export interface ParseJob {
  readonly id: number;
  readonly source: LocalSourceId;
  readonly path: string;
  readonly from: number;
  readonly codex?: CodexFileState;
}

export type ToParser = { readonly type: 'parse'; readonly jobs: readonly ParseJob[] };
export type FromParser = { readonly type: 'parsed'; readonly id: number; readonly result: ParsedFile | null };

/** Reads one job's file; null when it cannot be opened any more. */
export function runJob(reader: FileReader, job: ParseJob): ParsedFile | null {
  let fd: number;
  try {
    fd = openSync(job.path, 'r');
  } catch {
    return null;
  }
  try {
    return reader.read(job.source, fd, job.from, job.codex);
  } finally {
    closeSync(fd);
  }
}
