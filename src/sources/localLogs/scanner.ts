/**
 * The incremental scanner of local agent logs. Synchronous on purpose: it runs in a worker thread
 * (worker.ts), where blocking reads are the fastest way through hundreds of megabytes; tests may
 * run it in-process.
 *
 * Per scan of one source:
 * 1. List the files: a full walk of the scan folders (sorted by path, as ccusage does, so ties in
 *    the dedupe resolve the same way), or only the paths a watcher reported.
 * 2. Per file, compare with what is remembered: unchanged → nothing read; grown → only the bytes
 *    after the remembered offset are read (after checking a fingerprint of the bytes just before
 *    it, so a file rewritten in place is noticed); shorter or rewritten → what the file contributed
 *    is taken out and it is read again from the start; a new inode at the same path (rotation) →
 *    the old file counts as deleted and the new one is read; the same inode at a new path
 *    (renamed, e.g. Codex archiving) → its state moves with it; a file gone → what it contributed
 *    stays.
 * 3. Reading streams through one buffer: fs.readSync in 1 MB chunks, lines found with
 *    Buffer.indexOf; only lines containing the source's marker are parsed; an unterminated last
 *    line is not consumed (it is read again, complete, next time) unless it is a whole JSON object
 *    (a file left without its final newline; reader.ts).
 * 4. The result: the full set of rows for every day that changed (the ledger replaces whole days),
 *    from the state's aggregates, which include what deleted files contributed.
 */
import { closeSync, openSync, readdirSync, statSync, type Stats } from 'node:fs';
import path from 'node:path';
import * as v from 'valibot';
import type { LedgerRow } from '../../core/types';
import { fastModeMultiplier } from '../../pricing/fastMode';
import { CODEX_ASSUMED_LABEL, newCodexState, REPLAY_BURST_MS, type CodexFileState } from './codex';
import type { ParserThread } from './parallel';
import type { LocalSourceId } from './paths';
import { CHUNK_BYTES, E_FLAG_FAST, E_FLAG_KEYED, E_FLAG_SIDECHAIN, ENTRY, FileReader, fingerprintAt, runJob, type ParsedFile, type ParseJob } from './reader';
import { RateCache } from './pricing';
import {
  ARCHIVE_FILE_ID,
  COST,
  FIELDS,
  FLAG_SIDECHAIN,
  FLAG_UNPRICED,
  hash53,
  INPUT,
  loadState,
  OUTPUT,
  R_BUCKET,
  R_COST,
  R_FILE,
  R_FLAGS,
  R_INPUT,
  R_OUTPUT,
  R_READ,
  R_WRITE,
  READ,
  RECORD,
  REQUESTS,
  sameFile,
  saveState,
  secondOf,
  SourceState,
  UNPRICED,
  WRITE,
  type FileState,
} from './state';

export { FINGERPRINT_BYTES, MAX_LINE_BYTES } from './reader';
/** A scan with at least this many bytes to read is shared with a parser thread, when one is given. */
export const PARALLEL_MIN_BYTES = 48 * 1024 * 1024;
/** The part of the bytes the scan worker reads itself when sharing (it also applies all entries). */
const SHARE_OF_THIS_THREAD = 0.42;

// ---------------------------------------------------------------------------------------------
// The sync state kept in the ledger (small: a copy of the per-day totals, for recovery)

/** [model, cost, input, output, cacheRead, cacheWrite, requests, unpricedRequests] */
const DayRowSchema = v.tuple([v.string(), v.number(), v.number(), v.number(), v.number(), v.number(), v.number(), v.number()]);
export const LocalSyncSchema = v.object({
  v: v.literal(1),
  stateId: v.string(),
  generation: v.number(),
  days: v.record(v.string(), v.array(DayRowSchema)),
  /** Models whose fast-mode usage was priced at standard rates (kept here too, for a lost state). */
  fastUnknown: v.optional(v.array(v.string())),
});
export type LocalSync = v.InferOutput<typeof LocalSyncSchema>;

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

export type ScanMode = 'fresh' | 'incremental' | 'resync' | 'recovered';

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

function listJsonl(dir: string, out: string[]): void {
  let entries;
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch {
    return;
  }
  for (const e of entries) {
    const p = path.join(dir, e.name);
    if (e.isDirectory()) listJsonl(p, out);
    else if (e.isFile() && e.name.endsWith('.jsonl')) out.push(p);
  }
}

/** The local calendar day of an instant, `YYYY-MM-DD` (what core/dates' toDayKey gives, without date-fns' cost). */
export function localDayKey(ms: number): string {
  const d = new Date(ms);
  const y = d.getFullYear();
  const m = d.getMonth() + 1;
  const day = d.getDate();
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}

function statOrUndefined(p: string): Stats | undefined {
  try {
    return statSync(p);
  } catch {
    return undefined;
  }
}

function randomId(): string {
  return `${Date.now().toString(36)}-${Math.floor(Math.random() * 0xffffffff).toString(36)}`;
}

interface Counters {
  fast: number;
  slow: number;
  files: number;
  filesRead: number;
  bytesRead: number;
  fingerprintBytes: number;
  lines: number;
  entries: number;
  truncated: number;
  rotated: number;
  renamed: number;
  deleted: number;
  assumed: number;
}

/** A file to read: where from, and its place in the scan's order. */
interface Job {
  readonly f: FileState;
  readonly st: Stats;
  readonly from: number;
}

interface Prepared {
  readonly req: ScanRequest;
  readonly state: SourceState;
  readonly sync: LocalSync | undefined;
  readonly mode: ScanMode;
  readonly full: boolean;
  readonly jobs: Job[];
  readonly files: number;
  readonly t0: number;
  readonly c: Counters;
  /** Codex forks read from their start, applied after the scan's other files (see apply). */
  readonly forks: { readonly job: Job; readonly parsed: ParsedFile }[];
}

export class Scanner {
  private readonly states = new Map<LocalSourceId, SourceState>();
  private readonly stateFiles = new Map<LocalSourceId, string>();
  private readonly lastSave = new Map<LocalSourceId, number>();
  private readonly dirty = new Set<LocalSourceId>();
  private readonly saveSoon = new Set<LocalSourceId>();
  private readonly reader: FileReader;
  private readonly rates = new RateCache();
  private readonly dayCache = new Map<number, string>();
  private readonly clock: () => number;
  private changed = new Set<string>();
  private memoState: SourceState | undefined;
  private memoDay = '';
  private memoModel = '';
  private memoBucket = -1;

  constructor(private readonly options: ScannerOptions = {}) {
    this.reader = new FileReader(options.chunkBytes ?? CHUNK_BYTES);
    this.clock = options.clock ?? (() => Date.now());
  }

  /** The state kept for a source (tests and the bench look inside). */
  stateOf(source: LocalSourceId): SourceState | undefined {
    return this.states.get(source);
  }

  /** A scan on this thread. */
  scan(req: ScanRequest, onProgress?: (p: ScanProgress) => void): ScanResult {
    const p = this.prepare(req);
    const progress = this.progress(p, onProgress);
    for (const job of p.jobs) {
      this.apply(p, job, this.readJob(p, job));
      progress.add(job);
    }
    progress.done();
    return this.finish(p);
  }

  /**
   * A scan that shares the reading with a parser thread when there is a lot to read (a first
   * scan). The files, in path order, are cut in two: this thread reads and applies the first
   * part at once while the parser thread reads the second; then the second part's entries are
   * applied as they arrive. Entries are thus applied in exactly the order of a one-thread scan
   * (dedupe ties resolve the same), and only the parser thread's results wait in memory.
   */
  async scanShared(req: ScanRequest, onProgress: ((p: ScanProgress) => void) | undefined, parser: () => ParserThread): Promise<ScanResult> {
    const p = this.prepare(req);
    const sizes = p.jobs.map((j) => Math.max(0, j.st.size - j.from));
    const total = sizes.reduce((x, y) => x + y, 0);
    const progress = this.progress(p, onProgress);
    if (total < (this.options.parallelMinBytes ?? PARALLEL_MIN_BYTES) || p.jobs.length < 2) {
      for (const job of p.jobs) {
        this.apply(p, job, this.readJob(p, job));
        progress.add(job);
      }
      progress.done();
      return this.finish(p);
    }
    // This thread also applies every entry: it reads a little less than half.
    let cut = 0;
    for (let mine = 0; cut < p.jobs.length - 1 && mine + (sizes[cut] as number) / 2 < total * SHARE_OF_THIS_THREAD; cut++) mine += sizes[cut] as number;
    const thread = parser();
    try {
      const theirs: ParseJob[] = [];
      for (let i = Math.max(1, cut); i < p.jobs.length; i++) {
        const j = p.jobs[i] as Job;
        theirs.push({ id: i, source: req.source, path: j.f.path, from: j.from, ...(j.f.codex ? { codex: j.f.codex } : {}) });
      }
      thread.start(theirs);
      for (let i = 0; i < Math.max(1, cut); i++) {
        const job = p.jobs[i] as Job;
        this.apply(p, job, this.readJob(p, job));
        progress.add(job);
      }
      for (const t of theirs) {
        const job = p.jobs[t.id] as Job;
        this.apply(p, job, await thread.take(t.id));
        progress.add(job);
      }
      progress.done();
    } finally {
      await thread.stop();
    }
    return this.finish(p);
  }

  /** Saves every state with unsaved changes (on shutdown). */
  flush(): void {
    for (const source of [...this.dirty]) this.save(source);
  }

  private progress(p: Prepared, onProgress: ((p: ScanProgress) => void) | undefined) {
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
    const previous = v.safeParse(LocalSyncSchema, req.sync);
    const sync = previous.success ? previous.output : undefined;
    let state = this.states.get(req.source);
    if (state && state.identity !== req.identity) state = undefined;
    if (req.stateFile && (!state || (sync && (sync.stateId !== state.stateId || sync.generation !== state.generation)))) {
      // Not loaded yet, or the ledger is newer than this memory (another window scanned meanwhile): the file may know better.
      const disk = loadState(req.stateFile);
      if (disk && disk.identity === req.identity && disk.source === req.source) {
        if (!state || (disk.stateId === state.stateId ? disk.generation > state.generation : sync !== undefined && disk.stateId === sync.stateId)) state = disk;
      }
    }
    let mode: ScanMode;
    if (!state) {
      state = new SourceState(req.source, req.identity, randomId());
      mode = sync && Object.keys(sync.days).length > 0 ? 'recovered' : 'fresh';
    } else if (!sync) mode = 'resync';
    else if (sync.stateId !== state.stateId) mode = 'recovered';
    else if (sync.generation !== state.generation) mode = 'resync';
    else mode = 'incremental';
    this.states.set(req.source, state);
    if (req.stateFile) this.stateFiles.set(req.source, req.stateFile);
    this.changed = new Set();
    const c: Counters = { files: 0, filesRead: 0, bytesRead: 0, fingerprintBytes: 0, lines: 0, entries: 0, fast: 0, slow: 0, truncated: 0, rotated: 0, renamed: 0, deleted: 0, assumed: 0 };
    const full = req.paths === undefined;
    const work = full ? this.walk(state, req.dirs, c) : this.targeted(state, req.paths ?? [], req.dirs, c);
    const jobs: Job[] = [];
    for (const w of work) {
      const job = this.plan(state, w.path, w.st, c);
      if (job) jobs.push(job);
    }
    return { req, state, sync, mode, full, jobs, files: c.files, t0, c, forks: [] };
  }

  private finish(p: Prepared): ScanResult {
    for (const { job, parsed } of p.forks) this.applyNow(p, job, parsed);
    const { state, sync, mode, req, c } = p;
    // The state may be behind what the ledger counted (lost, or older than another window's): keep the ledger's days.
    if (mode !== 'incremental' && sync) this.recover(state, sync);
    let days: Set<string>;
    if (mode === 'incremental') days = this.changed;
    else {
      days = state.days();
      for (const d of this.changed) days.add(d);
      if (sync) for (const d of Object.keys(sync.days)) days.add(d);
    }
    if (days.size > 0 || mode !== 'incremental') {
      state.generation++;
      this.dirty.add(req.source);
      // A first scan or a recovery is worth saving at once (see saveDue).
      if (mode !== 'incremental') this.saveSoon.add(req.source);
    }
    return {
      days: [...days].sort(),
      rows: this.rows(state, days),
      sync: this.syncOf(state),
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
      unpricedModels: [...this.rates.unpricedModels].filter((m) => state.bucketModel.includes(m)).sort(),
      assumedTurns: c.assumed,
      assumedModel: state.bucketModel.includes(CODEX_ASSUMED_LABEL),
      fastUnknownModels: [...state.fastUnknown].sort(),
    };
  }

  /**
   * Saves the states whose save is due: changed, and either a first scan or a recovery, or the
   * last save older than `saveIntervalMs`. Call after handing over a scan's result. Returns the
   * bytes written.
   */
  saveDue(): number {
    let bytes = 0;
    const interval = this.options.saveIntervalMs ?? 30_000;
    for (const source of [...this.dirty]) {
      if (!this.stateFiles.has(source)) continue;
      const last = this.lastSave.get(source);
      if (this.saveSoon.has(source) || last === undefined || this.clock() - last >= interval) bytes += this.save(source);
    }
    return bytes;
  }

  private save(source: LocalSourceId): number {
    const state = this.states.get(source);
    const file = this.stateFiles.get(source);
    if (!state || !file) return 0;
    const bytes = saveState(state, file);
    this.dirty.delete(source);
    this.saveSoon.delete(source);
    this.lastSave.set(source, this.clock());
    return bytes;
  }

  // -------------------------------------------------------------------------------------------
  // Which files to read

  private walk(state: SourceState, dirs: readonly string[], c: Counters): { path: string; st: Stats }[] {
    const found: string[] = [];
    for (const d of dirs) listJsonl(d, found);
    found.sort();
    const stats = new Map<string, Stats>();
    for (const p of found) {
      const st = statOrUndefined(p);
      if (st) stats.set(p, st);
    }
    c.files += stats.size;
    const work: { path: string; st: Stats }[] = [];
    for (const [p, st] of stats) {
      const known = state.files.get(p);
      if (known && sameFile(known, st)) {
        work.push({ path: p, st });
        continue;
      }
      const other = this.sameFileElsewhere(state, p, st);
      if (other) {
        const there = stats.get(other.path);
        if (there && sameFile(other, there)) continue; // the same file under a second name: read once
        this.move(state, other, p, c); // renamed (e.g. archived): its state moves with it
      }
      work.push({ path: p, st });
    }
    const reading = new Set(work.map((w) => w.path));
    for (const p of [...state.files.keys()]) {
      if (!reading.has(p)) {
        // Deleted: what it contributed stays in the totals.
        state.files.delete(p);
        c.deleted++;
      }
    }
    return work;
  }

  private targeted(state: SourceState, paths: readonly string[], dirs: readonly string[], c: Counters): { path: string; st: Stats }[] {
    const inside = (p: string) => dirs.some((d) => p.startsWith(d.endsWith(path.sep) ? d : d + path.sep));
    const work: { path: string; st: Stats }[] = [];
    const unique = [...new Set(paths.map((p) => path.resolve(p)))].filter((p) => p.endsWith('.jsonl') && inside(p)).sort();
    for (const p of unique) {
      const st = statOrUndefined(p);
      if (!st || !st.isFile()) continue; // gone: the next full walk notes it (what it contributed stays)
      c.files++;
      const known = state.files.get(p);
      if (!known || !sameFile(known, st)) {
        const other = this.sameFileElsewhere(state, p, st);
        if (other) {
          const there = statOrUndefined(other.path);
          if (there && sameFile(other, there)) continue; // an alias of a file already read
          this.move(state, other, p, c);
        }
      }
      work.push({ path: p, st });
    }
    return work;
  }

  /** A remembered file with the identity of `st` at another path. */
  private sameFileElsewhere(state: SourceState, p: string, st: Stats): FileState | undefined {
    for (const f of state.files.values()) if (f.path !== p && sameFile(f, st)) return f;
    return undefined;
  }

  private move(state: SourceState, f: FileState, to: string, c: Counters): void {
    state.files.delete(f.path);
    f.path = to;
    state.files.set(to, f);
    c.renamed++;
  }

  // -------------------------------------------------------------------------------------------
  // Reading one file

  /** What to read of a file: nothing (unchanged), from its offset, or from the start (new, rotated, truncated, rewritten). */
  private plan(state: SourceState, p: string, st: Stats, c: Counters): Job | null {
    let f = state.files.get(p);
    if (f && !sameFile(f, st)) {
      // A new file at the same path (rotation): the old one counts as deleted.
      state.files.delete(p);
      c.rotated++;
      f = undefined;
    }
    if (!f) {
      f = { id: state.nextFileId++, path: p, dev: st.dev, ino: st.ino, birth: st.birthtimeMs, size: 0, mtimeMs: 0, offset: 0, tail: 0 };
      if (state.source === 'codex') f.codex = newCodexState();
      state.files.set(p, f);
    }
    if (st.size === f.offset && st.mtimeMs === f.mtimeMs) {
      f.size = st.size;
      return null;
    }
    if (st.size < f.offset || (f.offset > 0 && !this.fingerprintMatches(f, c))) {
      c.truncated++;
      this.reset(state, f);
    }
    return { f, st, from: f.offset };
  }

  private fingerprintMatches(f: FileState, c: Counters): boolean {
    let fd: number;
    try {
      fd = openSync(f.path, 'r');
    } catch {
      return true; // gone meanwhile: nothing will be read
    }
    try {
      return fingerprintAt(fd, f.offset, c) === f.tail;
    } finally {
      closeSync(fd);
    }
  }

  private reset(state: SourceState, f: FileState): void {
    for (const b of state.dropFile(f.id)) this.changed.add(state.bucketDay[b] as string);
    f.offset = 0;
    f.tail = 0;
    if (f.codex) f.codex = newCodexState();
    delete f.replay;
  }

  private readJob(p: Prepared, job: Job): ParsedFile | null {
    return runJob(this.reader, { id: 0, source: p.req.source, path: job.f.path, from: job.from, ...(job.f.codex ? { codex: job.f.codex } : {}) });
  }

  /**
   * Applies what was read of a file, in order; a Codex fork read from its start waits for the end
   * of the scan, so that its parent's turns are known whatever the paths' order (a fork moved to
   * archived_sessions is listed before its parent under sessions).
   */
  private apply(p: Prepared, job: Job, parsed: ParsedFile | null): void {
    if (parsed?.codex?.meta?.parent && job.from === 0) p.forks.push({ job, parsed });
    else this.applyNow(p, job, parsed);
  }

  private applyNow(p: Prepared, job: Job, parsed: ParsedFile | null): void {
    const { state, c } = p;
    const f = job.f;
    if (parsed) {
      if (parsed.bytesRead > 0) c.filesRead++;
      c.bytesRead += parsed.bytesRead;
      c.fingerprintBytes += parsed.fingerprintBytes;
      c.lines += parsed.lines;
      c.fast += parsed.fast;
      c.slow += parsed.slow;
      const d = parsed.entries;
      if (state.source === 'claudeCode') {
        for (let k = 0; k < parsed.count; k++) this.addClaude(state, f.id, d, k * ENTRY, parsed.models, c);
      } else if (parsed.codex) {
        // Read from the start: a fork first goes through the history it replayed.
        if (job.from === 0) {
          if (parsed.codex.meta?.parent) f.replay = 'parent';
          else delete f.replay;
        }
        for (let k = 0; k < parsed.count; k++) this.addCodex(state, f, parsed.codex, d, k * ENTRY, parsed.models, c);
      }
      if (parsed.consumed !== f.offset) {
        f.offset = parsed.consumed;
        f.tail = parsed.tail;
        if (parsed.codex) f.codex = parsed.codex;
      }
    }
    f.size = job.st.size;
    f.mtimeMs = job.st.mtimeMs;
  }

  // -------------------------------------------------------------------------------------------
  // Counting

  /** state.bucket(day, model), remembering the last answer (lines of a file mostly share both). */
  private bucketOf(state: SourceState, day: string, model: string): number {
    if (this.memoState !== state || day !== this.memoDay || model !== this.memoModel) {
      this.memoState = state;
      this.memoDay = day;
      this.memoModel = model;
      this.memoBucket = state.bucket(day, model);
    }
    return this.memoBucket;
  }

  private dayOf(ms: number): string {
    const block = Math.floor(ms / 900_000); // every zone's offset is a multiple of 15 minutes
    let d = this.dayCache.get(block);
    if (d === undefined) {
      d = localDayKey(block * 900_000);
      if (this.dayCache.size > 50_000) this.dayCache.clear();
      this.dayCache.set(block, d);
    }
    return d;
  }

  /** One Claude Code response (entry `o` of `d`, see reader.ts) into the state, deduplicated. */
  private addClaude(state: SourceState, fileId: number, d: Float64Array, o: number, models: readonly string[], c: Counters): void {
    const ms = d[o] as number;
    const flags = d[o + 3] as number;
    const input = d[o + 4] as number;
    const output = d[o + 5] as number;
    const read = d[o + 6] as number;
    const w5 = d[o + 7] as number;
    const w1 = d[o + 8] as number;
    const model = models[d[o + 9] as number] as string;
    const sidechain = (flags & E_FLAG_SIDECHAIN) !== 0;
    const write = w5 + w1;
    const total = input + output + read + write;
    if (total === 0) return;
    c.entries++;
    const day = this.dayOf(ms);
    const rates = this.rates.rates(model, ms, input + read + write);
    let cost = rates ? input * (rates[0] as number) + read * (rates[1] as number) + w5 * (rates[2] as number) + w1 * (rates[3] as number) + output * (rates[4] as number) : 0;
    if (rates && (flags & E_FLAG_FAST) !== 0) {
      // Fast mode: every rate times the model's multiplier; unknown → standard rates, flagged.
      const k = fastModeMultiplier(model);
      if (k !== null) cost *= k;
      else state.fastUnknown.add(model);
    }
    const unpriced = rates ? 0 : 1;
    const bucket = this.bucketOf(state, day, model);
    if ((flags & E_FLAG_KEYED) === 0) {
      state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
      this.changed.add(day);
      return;
    }
    const hExact = d[o + 1] as number;
    const hMsg = d[o + 2] as number;
    let r = state.exact.get(hExact);
    if (r < 0) {
      const m = state.byMsg.get(hMsg);
      // A sidechain copy of a message (e.g. /btw replays the parent's with a new request id) is the same response.
      if (m >= 0 && (sidechain || ((state.records[m * RECORD + R_FLAGS] as number) & FLAG_SIDECHAIN) !== 0)) r = m;
    }
    if (r >= 0) {
      const rec = state.records;
      const q = r * RECORD;
      const existingSide = ((rec[q + R_FLAGS] as number) & FLAG_SIDECHAIN) !== 0;
      const existingTotal = (rec[q + R_INPUT] as number) + (rec[q + R_OUTPUT] as number) + (rec[q + R_READ] as number) + (rec[q + R_WRITE] as number);
      // Keep the main-chain copy over a sidechain one, else the copy with the most tokens (the last streaming snapshot).
      const replace = sidechain !== existingSide ? existingSide : total > existingTotal;
      if (replace) {
        const oldBucket = rec[q + R_BUCKET] as number;
        state.add(rec[q + R_FILE] as number, oldBucket, -1, rec[q + R_COST] as number, rec[q + R_INPUT] as number, rec[q + R_OUTPUT] as number, rec[q + R_READ] as number, rec[q + R_WRITE] as number, 1, ((rec[q + R_FLAGS] as number) & FLAG_UNPRICED) !== 0 ? 1 : 0);
        this.changed.add(state.bucketDay[oldBucket] as string);
        this.writeRecord(state, r, fileId, bucket, sidechain, input, output, read, write, cost, unpriced);
        state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
        this.changed.add(day);
      }
      state.exact.set(hExact, r);
      return;
    }
    r = state.newRecord();
    this.writeRecord(state, r, fileId, bucket, sidechain, input, output, read, write, cost, unpriced);
    state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
    state.exact.set(hExact, r);
    if (!state.byMsg.has(hMsg)) state.byMsg.set(hMsg, r);
    this.changed.add(day);
  }

  private writeRecord(state: SourceState, r: number, fileId: number, bucket: number, sidechain: boolean, input: number, output: number, read: number, write: number, cost: number, unpriced: number): void {
    const rec = state.records;
    const o = r * RECORD;
    rec[o + R_FILE] = fileId;
    rec[o + R_BUCKET] = bucket;
    rec[o + R_FLAGS] = (sidechain ? FLAG_SIDECHAIN : 0) | (unpriced ? FLAG_UNPRICED : 0);
    rec[o + R_INPUT] = input;
    rec[o + R_OUTPUT] = output;
    rec[o + R_READ] = read;
    rec[o + R_WRITE] = write;
    rec[o + R_COST] = cost;
  }

  /**
   * One Codex turn (entry `o` of `d`, of the rollout `f`, whose state after the read is `codex`)
   * into the state, unless it is history a fork replayed, or the same turn was counted from another
   * copy of the rollout.
   */
  private addCodex(state: SourceState, f: FileState, codex: CodexFileState, d: Float64Array, o: number, models: readonly string[], c: Counters): void {
    const fileId = f.id;
    const ms = d[o] as number;
    const model = models[d[o + 1] as number] as string;
    const priceAs = models[d[o + 2] as number] as string;
    const input = d[o + 4] as number;
    const cached = d[o + 5] as number;
    const output = d[o + 6] as number;
    const index = d[o + 9] as number;
    const tokens = `${input}|${cached}|${output}|${d[o + 7] as number}|${d[o + 8] as number}`;
    const replayed = f.replay !== undefined && this.replayed(state, f, codex, index, tokens, ms);
    // Every turn, replayed or not, is a turn of this session that a fork of it may replay.
    const session = codex.meta?.id;
    if (session) state.sessionTurns.set(hash53(`${session}\u0000${index}|${tokens}`), secondOf(ms));
    if (replayed) return;
    const h = hash53(`${ms}|${priceAs}|${tokens}`);
    if (state.events.has(h)) return; // the same turn in another copy of the rollout
    state.events.set(h, fileId);
    c.entries++;
    if (d[o + 3] === 1) c.assumed++;
    const day = this.dayOf(ms);
    const uncached = input - cached;
    const rates = this.rates.rates(priceAs, ms, input);
    const cost = rates ? uncached * (rates[0] as number) + cached * (rates[1] as number) + output * (rates[4] as number) : 0;
    state.add(fileId, this.bucketOf(state, day, model), 1, cost, uncached, output, cached, 0, 1, rates ? 0 : 1);
    this.changed.add(day);
  }

  /**
   * Whether turn `index` of the fork `f` is history it replayed; moves `f.replay` on. A fork (or a
   * spawned sub-agent) opens with its parent's turns, written again at the moment of the fork. As
   * ccusage 20 decides: while each turn equals the parent's turn of the same index (recorded before
   * the fork), it was replayed; at the first that does not, the fork's own turns begin. When not
   * even the first turn is the parent's (the parent's rollout was deleted before it was ever read,
   * or Codex rewrote the copied history), the burst the rollout opens with is taken for the replay,
   * if its first two token_counts came within REPLAY_BURST_MS: every turn within that of the one
   * before it. Whether they did is known once both are written: Codex writes the replay in one go.
   * The running total was kept through the skipped turns (codex.ts), so the next difference is right.
   */
  private replayed(state: SourceState, f: FileState, codex: CodexFileState, index: number, tokens: string, ms: number): boolean {
    const meta = codex.meta;
    if (f.replay === 'parent') {
      const parent = meta?.parent;
      if (parent && parent !== meta.id) {
        const at = state.sessionTurns.get(hash53(`${parent}\u0000${index}|${tokens}`));
        if (at >= 0 && (meta.ms === null || at <= secondOf(meta.ms))) return true;
      }
      if (index === 0 && codex.burst === true && codex.firstMs !== null) f.replay = codex.firstMs;
      else {
        delete f.replay;
        return false;
      }
    }
    const last = f.replay;
    if (typeof last === 'number' && ms >= last && ms - last <= REPLAY_BURST_MS) {
      f.replay = ms;
      return true;
    }
    delete f.replay;
    return false;
  }

  // -------------------------------------------------------------------------------------------
  // Results

  /** After a lost state: what the ledger had beyond what the files still hold is kept (file id 0). */
  private recover(state: SourceState, sync: LocalSync): void {
    for (const m of sync.fastUnknown ?? []) state.fastUnknown.add(m);
    for (const [day, rows] of Object.entries(sync.days)) {
      for (const [model, cost, input, output, read, write, requests, unpriced] of rows) {
        const b = state.bucket(day, model);
        const o = b * FIELDS;
        const t = state.totals;
        const d = (k: number, x: number) => Math.max(0, x - (t[o + k] as number));
        const delta = [d(COST, cost), d(INPUT, input), d(OUTPUT, output), d(READ, read), d(WRITE, write), d(REQUESTS, requests), d(UNPRICED, unpriced)] as const;
        if (delta.some((x) => x > 1e-9)) {
          state.add(ARCHIVE_FILE_ID, b, 1, ...delta);
          this.changed.add(day);
        }
      }
    }
  }

  private rows(state: SourceState, days: Set<string>): LedgerRow[] {
    const rows: LedgerRow[] = [];
    const t = state.totals;
    for (let b = 0; b < state.bucketKeys.length; b++) {
      const day = state.bucketDay[b] as string;
      if (!days.has(day)) continue;
      const o = b * FIELDS;
      const requests = Math.round(t[o + REQUESTS] as number);
      if (requests <= 0) continue;
      const unpriced = (t[o + UNPRICED] as number) > 0.5;
      const row: LedgerRow = {
        date: day,
        source: state.source,
        model: state.bucketModel[b] as string,
        cost: unpriced ? 0 : Math.max(0, t[o + COST] as number),
        inputTokens: Math.round(t[o + INPUT] as number),
        outputTokens: Math.round(t[o + OUTPUT] as number),
        cacheReadTokens: Math.round(t[o + READ] as number),
        cacheWriteTokens: Math.round(t[o + WRITE] as number),
        requests,
      };
      rows.push(unpriced ? { ...row, unpriced: true } : row);
    }
    rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
    return rows;
  }

  private syncOf(state: SourceState): LocalSync {
    const days: Record<string, [string, number, number, number, number, number, number, number][]> = {};
    const t = state.totals;
    for (let b = 0; b < state.bucketKeys.length; b++) {
      const o = b * FIELDS;
      if ((t[o + REQUESTS] as number) < 0.5) continue;
      const day = state.bucketDay[b] as string;
      const round = (x: number) => Math.round(x);
      (days[day] ??= []).push([state.bucketModel[b] as string, Number((t[o + COST] as number).toFixed(6)), round(t[o + INPUT] as number), round(t[o + OUTPUT] as number), round(t[o + READ] as number), round(t[o + WRITE] as number), round(t[o + REQUESTS] as number), round(t[o + UNPRICED] as number)]);
    }
    return { v: 1, stateId: state.stateId, generation: state.generation, days, ...(state.fastUnknown.size > 0 ? { fastUnknown: [...state.fastUnknown].sort() } : {}) };
  }
}
