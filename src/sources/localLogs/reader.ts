/**
 * Reading one log file from an offset into compact usage entries: no scan state is touched, so a
 * second thread can read files while the scan worker reads others (parser.ts). The scanner then
 * has the source's parser count the entries into its state in path order (dedupe, days, prices).
 *
 * Reading streams through one buffer: fs.readSync in 1 MB chunks, lines found with Buffer.indexOf
 * of the parser's needle (`"usage"` for Claude Code, `"type":"t` for Codex), so lines without
 * it cost only the search; the parser reads each line found (parsers/types.ts); an unterminated last line is not consumed (it is read again, complete,
 * next time) unless it is a whole JSON object (see `read`); a line longer than MAX_LINE_BYTES is
 * skipped.
 */
import { closeSync, openSync, readSync } from 'node:fs';
import { LBRACE, parseJsonLine, RBRACE } from './jsonBytes';
import type { LocalSourceId } from './paths';
import { parserOf } from './parsers';
import { Entries, readsWhole, type LogParser, type ParseCounters, type ParsedFile } from './parsers/types';
import { hashBytes } from './state';

export type { ParsedFile } from './parsers/types';

/** Bytes before the read offset whose hash is kept, to notice a file rewritten in place. */
export const FINGERPRINT_BYTES = 64;
/** A line longer than this is skipped (it cannot be a usage line). */
export const MAX_LINE_BYTES = 64 * 1024 * 1024;
export const CHUNK_BYTES = 1 << 20;

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
  /** With `lend`: the one list every read fills. */
  private readonly lent: Entries | undefined;

  /**
   * `lend`: a read's entries are a view of a list the next read fills again (no allocation per
   * file, for a caller that counts them before reading on); else each read's are a right-sized
   * copy of their own, which can be transferred to another thread.
   */
  constructor(
    private readonly chunkBytes: number = CHUNK_BYTES,
    lend = false,
  ) {
    this.buf = Buffer.allocUnsafe(chunkBytes);
    this.lent = lend ? new Entries() : undefined;
  }

  /** A list for the next read: the lent one, emptied, or a new one. */
  private entries(): Entries {
    const out = this.lent;
    if (!out) return new Entries();
    out.reset();
    return out;
  }

  /** The entries read into `out`, as this reader hands them over (see the constructor). */
  private handOver(out: Entries): Float64Array {
    return this.lent ? out.view() : out.take();
  }

  /** Reads `fd` from `from` to its end with `parser`. `state` is the parser's state of the file at `from` (not modified). */
  read<S>(parser: LogParser<S>, fd: number, from: number, state: S | undefined, file = ''): ParsedFile {
    const needle = parser.needle;
    const out = this.entries();
    const counters: ParseCounters = { fast: 0, slow: 0 };
    const st: S = state !== undefined ? parser.copy(state) : parser.initial();
    parser.open?.(st, file);
    if (readsWhole(parser, file)) return this.whole(parser, file, st, out, counters);
    let head = parser.head !== undefined && from === 0; // read from its start: its first line is handed to `head`
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
        if (!skipping) parser.head?.(buf, 0, buf.indexOf(10), st); // an over-long first line is no head
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
        if (parser.accepts !== undefined && !parser.accepts(buf, u)) {
          i = u + needle.length; // e.g. "usage" as a value or a key of something else
          continue;
        }
        const s = u === 0 ? 0 : Math.max(from0, view.lastIndexOf(10, u) + 1);
        lines++;
        const e = parser.parseLine(buf, s, lastNl + 1, u, st, out, counters);
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
      entries: this.handOver(out),
      count: out.count,
      models: out.models,
      ...(st !== undefined ? { state: st } : {}),
    };
  }

  /** A log read whole (one JSON document, a database): consumed to its size, no fingerprint. */
  private whole<S>(parser: LogParser<S>, file: string, st: S, out: Entries, counters: ParseCounters): ParsedFile {
    const size = (parser.readWhole as NonNullable<LogParser<S>['readWhole']>)(file, st, out, counters);
    return { consumed: size, tail: 0, bytesRead: size, fingerprintBytes: 0, lines: out.count, fast: counters.fast, slow: counters.slow, entries: this.handOver(out), count: out.count, models: out.models, ...(st !== undefined ? { state: st } : {}) };
  }
}

// ---------------------------------------------------------------------------------------------
// Jobs (what the parser thread is asked to read)

export interface ParseJob {
  readonly id: number;
  readonly source: LocalSourceId;
  readonly path: string;
  readonly from: number;
  /** The parser's state of the file at `from`. */
  readonly state?: unknown;
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
    return reader.read(parserOf(job.source), fd, job.from, job.state, job.path);
  } finally {
    closeSync(fd);
  }
}
