/**
 * What the local-log scanner remembers for one source, and its file on disk.
 *
 * - `files`: per log file (by path) its identity (dev + inode), size, mtime, the byte offset read
 *   up to (just after a newline, or at the end of a last line that is a whole JSON object without
 *   its newline) and a fingerprint of the bytes before that offset, so a file rewritten in place
 *   is noticed; for Codex also the running total and model.
 * - `contrib`: per file, per bucket (local day × model × project, the project '' where the log
 *   says none) what that file contributed. Totals per bucket are their sum. A deleted file's contributions stay (Claude Code deletes transcripts
 *   after 30 days; what was counted stays counted); a truncated file's are replaced on re-read.
 *   File id 0 holds what was recovered from the ledger's copy when this file was lost.
 * - Claude Code dedupe: one record per response (`message.id` + `requestId`), in a flat
 *   Float64Array (8 numbers a record), indexed by 53-bit hashes of the key and of `message.id`
 *   alone (for sidechain replays). A record remembers where it was counted, so a later copy with
 *   more tokens (streaming snapshots) replaces it rather than adding to it.
 * - Codex dedupe: 53-bit hashes of (timestamp, model, token counts) → file id.
 * - Codex forks: every turn of a rollout that names its session, as a 53-bit hash of (session id,
 *   the turn's index in the rollout, its token counts) → the second it was written. A fork's first
 *   turns are looked up there under its parent's id: those found are the history it replayed.
 *   Never pruned (a fork of a deleted rollout still finds its parent's turns).
 * - Logged costs (agents that log their own cost, parsers/records.ts): per bucket the requests
 *   that had one, their logged USD and their list price; per record the logged USD in
 *   `recordLogged`, a table kept only once a source has such a record.
 * - `fastUnknown`: models with fast-mode usage (`speed: "fast"`) but no known fast-mode
 *   multiplier, priced at standard rates: their cost is an underestimate, said in the source's note.
 *
 * On disk: `TBLL` magic, version, a JSON header (files, buckets, contributions) and the binary
 * tables, written atomically without fsync (see `saveState`).
 */
import { readFileSync } from 'node:fs';
import { removeLeftoversSync, writeFileAtomicSync } from '../../state/durableFile';
import type { CodexFileState } from './parsers/codex';
import type { LocalSourceId } from './paths';

/** Fields of an aggregate. */
export const COST = 0;
export const INPUT = 1;
export const OUTPUT = 2;
export const READ = 3;
export const WRITE = 4;
export const REQUESTS = 5;
export const UNPRICED = 6;
/** Requests whose agent logged a cost of its own (Usage.loggedCost), that cost (USD), and their list price. */
export const LOGGED_N = 7;
export const LOGGED = 8;
export const LOGGED_LIST = 9;
export const FIELDS = 10;

/** Record layout (Claude Code responses). */
export const R_FILE = 0;
export const R_BUCKET = 1;
export const R_FLAGS = 2;
export const R_INPUT = 3;
export const R_OUTPUT = 4;
export const R_READ = 5;
export const R_WRITE = 6;
export const R_COST = 7;
export const RECORD = 8;
export const FLAG_SIDECHAIN = 1;
export const FLAG_UNPRICED = 2;

export const ARCHIVE_FILE_ID = 0;

export interface FileState {
  id: number;
  path: string;
  dev: number;
  ino: number;
  /** Birth time where the file system reports one (0 otherwise): a reused inode is another file. */
  birth: number;
  size: number;
  mtimeMs: number;
  offset: number;
  /** Hash of the bytes just before `offset` (0 when offset is 0). */
  tail: number;
  codex?: CodexFileState;
  /**
   * Codex: where a fork is in the history it replayed (parsers/codex.ts, replayed). 'parent': each of
   * its turns so far equalled its parent's turn of the same index; a number: it is inside a burst of
   * replayed turns, the last one skipped written at that instant. Absent once past the replayed
   * history, and for a rollout that is not a fork.
   */
  replay?: CodexReplay;
}

export type CodexReplay = 'parent' | number;

/** Whether `st` is the file remembered as `f` (same device, inode and, where known, birth time). */
export function sameFile(f: FileState, st: { dev: number; ino: number; birthtimeMs: number }): boolean {
  return f.dev === st.dev && f.ino === st.ino && (f.birth === 0 || st.birthtimeMs === 0 || f.birth === st.birthtimeMs);
}

/** cyrb53: a fast 53-bit string hash (exact as a JS number), over UTF-16 code units. */
export function hash53(str: string, seed = 0): number {
  let h1 = 0xdeadbeef ^ seed;
  let h2 = 0x41c6ce57 ^ seed;
  for (let i = 0; i < str.length; i++) {
    const ch = str.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  return final53(h1, h2);
}

/**
 * The same hash over the bytes buf[start, end); given a second range, over buf[start, end), a
 * newline and buf[start2, end2) (an empty second range still adds the newline). Over ASCII
 * bytes it equals hash53 of the same text.
 */
export function hashBytes(buf: Uint8Array, start: number, end: number, start2 = 0, end2 = -1): number {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  for (let i = start; i < end; i++) {
    const ch = buf[i] as number;
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
  }
  if (end2 >= 0) {
    h1 = Math.imul(h1 ^ 10, 2654435761);
    h2 = Math.imul(h2 ^ 10, 1597334677);
    for (let i = start2; i < end2; i++) {
      const ch = buf[i] as number;
      h1 = Math.imul(h1 ^ ch, 2654435761);
      h2 = Math.imul(h2 ^ ch, 1597334677);
    }
  }
  return final53(h1, h2);
}

/** cyrb53's final mix of its two 32-bit lanes into 53 bits. */
function final53(h1: number, h2: number): number {
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return 4294967296 * (2097151 & h2) + (h1 >>> 0);
}

/**
 * A hash table from 53-bit hashes to non-negative int32 values, on one typed array (linear
 * probing, load ≤ 3/4; a slot is [low 32 bits, high bits, value] side by side, one cache line a
 * probe): a large Map keyed by non-small numbers costs several times more per lookup, and three
 * arrays at load ≤ 1/2 twice the memory (a million keys: 12 MB, not 24).
 */
export class HashIndex {
  /** Slot i: [3i] low 32 bits of the hash, [3i+1] high bits, [3i+2] value (-1: empty). */
  private slots: Int32Array;
  private mask: number;
  size = 0;

  constructor(capacity = 1024) {
    let cap = 16;
    while (cap * 3 < capacity * 4) cap *= 2;
    this.slots = HashIndex.empty(cap);
    this.mask = cap - 1;
  }

  private static empty(cap: number): Int32Array {
    const a = new Int32Array(cap * 3);
    for (let i = 2; i < a.length; i += 3) a[i] = -1;
    return a;
  }

  /** The value for `h`, or -1. */
  get(h: number): number {
    const lo = h | 0;
    const hi = Math.floor(h / 4294967296) | 0;
    const s = this.slots;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const o = i * 3;
      const v = s[o + 2] as number;
      if (v < 0) return -1;
      if (s[o] === lo && s[o + 1] === hi) return v;
    }
  }

  has(h: number): boolean {
    return this.get(h) >= 0;
  }

  set(h: number, value: number): void {
    if ((this.size + 1) * 4 > (this.mask + 1) * 3) this.resize((this.mask + 1) * 2);
    const lo = h | 0;
    const hi = Math.floor(h / 4294967296) | 0;
    const s = this.slots;
    for (let i = lo & this.mask; ; i = (i + 1) & this.mask) {
      const o = i * 3;
      const v = s[o + 2] as number;
      if (v < 0) {
        s[o] = lo;
        s[o + 1] = hi;
        s[o + 2] = value;
        this.size++;
        return;
      }
      if (s[o] === lo && s[o + 1] === hi) {
        s[o + 2] = value;
        return;
      }
    }
  }

  forEach(fn: (h: number, value: number) => void): void {
    const s = this.slots;
    for (let o = 0; o < s.length; o += 3) {
      const v = s[o + 2] as number;
      if (v >= 0) fn(((s[o + 1] as number) >>> 0) * 4294967296 + ((s[o] as number) >>> 0), v);
    }
  }

  /** Keeps only the entries `keep` accepts (rebuilds the table). */
  filter(keep: (h: number, value: number) => boolean): void {
    const entries: number[] = [];
    this.forEach((h, v) => {
      if (keep(h, v)) entries.push(h, v);
    });
    this.slots = HashIndex.empty(this.mask + 1);
    this.size = 0;
    for (let i = 0; i < entries.length; i += 2) this.set(entries[i] as number, entries[i + 1] as number);
  }

  private resize(cap: number): void {
    const old = this.slots;
    this.slots = HashIndex.empty(cap);
    this.mask = cap - 1;
    this.size = 0;
    for (let o = 0; o < old.length; o += 3) {
      const v = old[o + 2] as number;
      if (v >= 0) this.set(((old[o + 1] as number) >>> 0) * 4294967296 + ((old[o] as number) >>> 0), v);
    }
  }
}

function grow(a: Float64Array, need: number): Float64Array {
  if (need <= a.length) return a;
  let size = Math.max(1024, a.length);
  while (size < need) size *= 2;
  const b = new Float64Array(size);
  b.set(a);
  return b;
}

export class SourceState {
  generation = 0;
  readonly files = new Map<string, FileState>();
  nextFileId = 1;
  readonly bucketKeys: string[] = [];
  readonly bucketDay: string[] = [];
  readonly bucketModel: string[] = [];
  /** The bucket's project ('' = none known). */
  readonly bucketProject: string[] = [];
  private readonly bucketIndex = new Map<string, number>();
  totals: Float64Array = new Float64Array(FIELDS * 64);
  readonly contrib = new Map<number, Map<number, Float64Array>>();
  /** The contribution `add` touched last (entries of a file mostly share a bucket). */
  private lastFile = -1;
  private lastBucket = -1;
  private lastContrib: Float64Array | undefined;
  records: Float64Array = new Float64Array(RECORD * 1024);
  recordCount = 0;
  /** Per record, the USD its agent logged (parsers/records.ts); null until a source has a record with one. */
  recordLogged: Float64Array | null = null;
  readonly exact = new HashIndex(4096);
  readonly byMsg = new HashIndex(4096);
  readonly events = new HashIndex(1024);
  /** Codex: turns by (session id, index in the rollout, token counts) → secondOf(their instant). */
  readonly sessionTurns = new HashIndex(1024);
  /** Models whose fast-mode usage was priced at standard rates (no known multiplier). */
  readonly fastUnknown = new Set<string>();

  constructor(
    readonly source: LocalSourceId,
    readonly identity: string,
    readonly stateId: string,
  ) {}

  bucket(day: string, model: string, project = ''): number {
    const key = project === '' ? `${day}\u0000${model}` : `${day}\u0000${model}\u0000${project}`;
    let b = this.bucketIndex.get(key);
    if (b === undefined) {
      b = this.bucketKeys.length;
      this.bucketKeys.push(key);
      this.bucketDay.push(day);
      this.bucketModel.push(model);
      this.bucketProject.push(project);
      this.bucketIndex.set(key, b);
      this.totals = grow(this.totals, (b + 1) * FIELDS);
    }
    return b;
  }

  /** A file's contribution to a bucket (made when missing). */
  private contribOf(fileId: number, bucket: number): Float64Array {
    let c = this.lastFile === fileId && this.lastBucket === bucket ? this.lastContrib : undefined;
    if (!c) {
      let perFile = this.contrib.get(fileId);
      if (!perFile) {
        perFile = new Map();
        this.contrib.set(fileId, perFile);
      }
      c = perFile.get(bucket);
      if (!c) {
        c = new Float64Array(FIELDS);
        perFile.set(bucket, c);
      }
      this.lastFile = fileId;
      this.lastBucket = bucket;
      this.lastContrib = c;
    }
    return c;
  }

  /** Adds `sign` × values to a file's contribution and to the totals. */
  add(fileId: number, bucket: number, sign: number, cost: number, input: number, output: number, read: number, write: number, requests: number, unpriced: number): void {
    const c = this.contribOf(fileId, bucket);
    const t = this.totals;
    const o = bucket * FIELDS;
    c[COST] = (c[COST] as number) + sign * cost;
    c[INPUT] = (c[INPUT] as number) + sign * input;
    c[OUTPUT] = (c[OUTPUT] as number) + sign * output;
    c[READ] = (c[READ] as number) + sign * read;
    c[WRITE] = (c[WRITE] as number) + sign * write;
    c[REQUESTS] = (c[REQUESTS] as number) + sign * requests;
    c[UNPRICED] = (c[UNPRICED] as number) + sign * unpriced;
    t[o + COST] = (t[o + COST] as number) + sign * cost;
    t[o + INPUT] = (t[o + INPUT] as number) + sign * input;
    t[o + OUTPUT] = (t[o + OUTPUT] as number) + sign * output;
    t[o + READ] = (t[o + READ] as number) + sign * read;
    t[o + WRITE] = (t[o + WRITE] as number) + sign * write;
    t[o + REQUESTS] = (t[o + REQUESTS] as number) + sign * requests;
    t[o + UNPRICED] = (t[o + UNPRICED] as number) + sign * unpriced;
  }

  /** Adds `sign` × a logged cost (of `requests` requests whose list price is `list`) beside what `add` counted. */
  addLogged(fileId: number, bucket: number, sign: number, requests: number, logged: number, list: number): void {
    const c = this.contribOf(fileId, bucket);
    const t = this.totals;
    const o = bucket * FIELDS;
    c[LOGGED_N] = (c[LOGGED_N] as number) + sign * requests;
    c[LOGGED] = (c[LOGGED] as number) + sign * logged;
    c[LOGGED_LIST] = (c[LOGGED_LIST] as number) + sign * list;
    t[o + LOGGED_N] = (t[o + LOGGED_N] as number) + sign * requests;
    t[o + LOGGED] = (t[o + LOGGED] as number) + sign * logged;
    t[o + LOGGED_LIST] = (t[o + LOGGED_LIST] as number) + sign * list;
  }

  /** Removes everything a file contributed (before it is read again from the start); returns the buckets touched. */
  dropFile(fileId: number): number[] {
    const perFile = this.contrib.get(fileId);
    const touched: number[] = [];
    if (perFile) {
      for (const [bucket, c] of perFile) {
        const o = bucket * FIELDS;
        for (let k = 0; k < FIELDS; k++) this.totals[o + k] = (this.totals[o + k] as number) - (c[k] as number);
        touched.push(bucket);
      }
      this.contrib.delete(fileId);
    }
    this.lastFile = -1;
    this.lastContrib = undefined;
    // Its responses are forgotten too, so re-reading the file counts them again.
    const dead = new Set<number>();
    for (let r = 0; r < this.recordCount; r++) {
      if (this.records[r * RECORD + R_FILE] === fileId) {
        this.records[r * RECORD + R_FILE] = -1;
        dead.add(r);
      }
    }
    if (dead.size > 0) {
      this.exact.filter((_h, r) => !dead.has(r));
      this.byMsg.filter((_h, r) => !dead.has(r));
    }
    this.events.filter((_h, f) => f !== fileId);
    return touched;
  }

  newRecord(): number {
    this.records = grow(this.records, (this.recordCount + 1) * RECORD);
    if (this.recordLogged) this.recordLogged = grow(this.recordLogged, this.recordCount + 1);
    return this.recordCount++;
  }

  /** Keeps the USD record `r` logged (the table is made on first use). */
  setRecordLogged(r: number, logged: number): void {
    if (!this.recordLogged) this.recordLogged = new Float64Array(Math.max(1024, this.records.length / RECORD));
    this.recordLogged = grow(this.recordLogged, r + 1);
    this.recordLogged[r] = logged;
  }

  /** Every day with data. */
  days(): Set<string> {
    const out = new Set<string>();
    for (let b = 0; b < this.bucketKeys.length; b++) if ((this.totals[b * FIELDS + REQUESTS] as number) > 0) out.add(this.bucketDay[b] as string);
    return out;
  }
}

// ---------------------------------------------------------------------------------------------
// On disk

const MAGIC = 0x4c4c4254; // "TBLL" little-endian
/**
 * 2: fast-mode lines are priced at their multiple (version 1 priced them at standard rates; a
 * state of version 1 is discarded, so the logs still on disk are read and priced again).
 * 3: Codex rollouts keep their session, the turns read and where a fork is in its replayed history,
 * and the state the turns of every session (a state of version 2 has none of this: it is
 * discarded, and the rollouts on disk are read again).
 * 4: a request is priced in the tier its input reaches where the model starts it (version 3 priced
 * gpt-5.4 and gpt-5.5 requests of more than 272k input tokens at their base rates).
 * 5: buckets are day × model × project, a bucket's fields add the logged costs (LOGGED_N, LOGGED,
 * LOGGED_LIST), records the table of their logged costs, Claude Code files their working
 * directory (version 4 has none of it: it is discarded, the logs on disk are read again, and what
 * the ledger holds beyond them is recovered under no project).
 */
export const STATE_VERSION = 5;

/** Seconds since 2020-01-01 (a non-negative int32 until 2088): how `sessionTurns` keeps an instant. */
export function secondOf(ms: number): number {
  return Math.max(0, Math.floor(ms / 1000) - 1_577_836_800);
}

interface Header {
  v: number;
  source: LocalSourceId;
  identity: string;
  stateId: string;
  generation: number;
  nextFileId: number;
  /** [id, path, dev, ino, birth, size, mtimeMs, offset, tail, codex, replay] */
  files: [number, string, number, number, number, number, number, number, number, CodexFileState | null, CodexReplay | null][];
  buckets: string[];
  /** [fileId, bucket, ...FIELDS values] */
  contrib: number[][];
  records: number;
  exact: number;
  byMsg: number;
  events: number;
  sessionTurns: number;
  /** Records whose logged cost follows (0 or `records`). */
  logged: number;
  fastUnknown: string[];
}

/** Writes the state atomically; dead records are compacted away. Returns the bytes written. */
export function saveState(state: SourceState, file: string): number {
  // Compact records (a copy only when some are dead).
  const remap = new Int32Array(state.recordCount).fill(-1);
  let live = 0;
  for (let r = 0; r < state.recordCount; r++) if ((state.records[r * RECORD + R_FILE] as number) >= 0) remap[r] = live++;
  let records: Float64Array;
  if (live === state.recordCount) records = state.records.subarray(0, live * RECORD);
  else {
    records = new Float64Array(live * RECORD);
    for (let r = 0; r < state.recordCount; r++) {
      const to = remap[r] as number;
      if (to >= 0) records.set(state.records.subarray(r * RECORD, (r + 1) * RECORD), to * RECORD);
    }
  }
  const pairs = (m: HashIndex, mapValue: (v: number) => number) => {
    const a = new Float64Array(m.size * 2);
    let i = 0;
    m.forEach((k, v) => {
      const mv = mapValue(v);
      if (mv < 0) return;
      a[i++] = k;
      a[i++] = mv;
    });
    return a.subarray(0, i);
  };
  const exact = pairs(state.exact, (r) => remap[r] ?? -1);
  const byMsg = pairs(state.byMsg, (r) => remap[r] ?? -1);
  const events = pairs(state.events, (f) => f);
  const sessionTurns = pairs(state.sessionTurns, (s) => s);
  let logged = new Float64Array(0);
  const all = state.recordLogged;
  if (all) {
    logged = new Float64Array(live);
    for (let r = 0; r < state.recordCount; r++) {
      const to = remap[r] as number;
      if (to >= 0) logged[to] = all[r] as number;
    }
  }
  const contrib: number[][] = [];
  for (const [fileId, perFile] of state.contrib) for (const [bucket, c] of perFile) contrib.push([fileId, bucket, ...c]);
  const header: Header = {
    v: STATE_VERSION,
    source: state.source,
    identity: state.identity,
    stateId: state.stateId,
    generation: state.generation,
    nextFileId: state.nextFileId,
    files: [...state.files.values()].map((f) => [f.id, f.path, f.dev, f.ino, f.birth, f.size, f.mtimeMs, f.offset, f.tail, f.codex ?? null, f.replay ?? null]),
    buckets: state.bucketKeys,
    contrib,
    records: live,
    exact: exact.length / 2,
    byMsg: byMsg.length / 2,
    events: events.length / 2,
    sessionTurns: sessionTurns.length / 2,
    logged: logged.length,
    fastUnknown: [...state.fastUnknown].sort(),
  };
  const json = Buffer.from(JSON.stringify(header), 'utf8');
  const pad = (8 - ((12 + json.length) % 8)) % 8;
  const head = Buffer.alloc(12 + json.length + pad, 0x20);
  head.writeUInt32LE(MAGIC, 0);
  head.writeUInt32LE(STATE_VERSION, 4);
  head.writeUInt32LE(json.length + pad, 8);
  json.copy(head, 12);
  const parts = [head, records, exact, byMsg, events, sessionTurns, logged].map((part) => (part instanceof Buffer ? part : new Uint8Array(part.buffer, part.byteOffset, part.byteLength)));
  // Written atomically (durableFile.ts) but without fsync, on purpose: a state file lost or torn
  // by a power loss fails to load, and the scan then recovers from the ledger's copy of the
  // per-day totals (sync): nothing counted is lost, some bytes are read again. A killed process
  // leaves the old file or the new one, and its temporary file is removed by the next save.
  removeLeftoversSync(file);
  return writeFileAtomicSync(file, parts, { fsync: false });
}

/** Reads a state file; undefined when missing, unreadable or of another version. */
export function loadState(file: string): SourceState | undefined {
  let data: Buffer;
  try {
    data = readFileSync(file);
  } catch {
    return undefined;
  }
  try {
    if (data.length < 12 || data.readUInt32LE(0) !== MAGIC || data.readUInt32LE(4) !== STATE_VERSION) return undefined;
    const headLen = data.readUInt32LE(8);
    const header = JSON.parse(data.toString('utf8', 12, 12 + headLen)) as Header;
    const state = new SourceState(header.source, header.identity, header.stateId);
    state.generation = header.generation;
    state.nextFileId = header.nextFileId;
    for (const [id, p, dev, ino, birth, size, mtimeMs, offset, tail, codex, replay] of header.files) {
      const f: FileState = { id, path: p, dev, ino, birth, size, mtimeMs, offset, tail };
      if (codex) f.codex = codex;
      if (replay !== null) f.replay = replay;
      state.files.set(p, f);
    }
    for (const m of header.fastUnknown) state.fastUnknown.add(m);
    for (const key of header.buckets) {
      const [day = '', model = '', project = ''] = key.split('\u0000');
      state.bucket(day, model, project);
    }
    for (const [fileId, bucket, ...values] of header.contrib) {
      const [cost = 0, input = 0, output = 0, read = 0, write = 0, requests = 0, unpriced = 0, loggedN = 0, logged = 0, loggedList = 0] = values;
      state.add(fileId as number, bucket as number, 1, cost, input, output, read, write, requests, unpriced);
      if (loggedN !== 0) state.addLogged(fileId as number, bucket as number, 1, loggedN, logged, loggedList);
    }
    // Binary tables: copy out of the file buffer into aligned arrays.
    let off = 12 + headLen;
    const take = (count: number): Float64Array => {
      const a = new Float64Array(count);
      Buffer.from(a.buffer).set(data.subarray(off, off + count * 8));
      off += count * 8;
      return a;
    };
    const records = take(header.records * RECORD);
    state.records = grow(records, Math.max(records.length, RECORD * 1024));
    state.recordCount = header.records;
    const fill = (m: HashIndex, a: Float64Array) => {
      for (let i = 0; i < a.length; i += 2) m.set(a[i] as number, a[i + 1] as number);
    };
    fill(state.exact, take(header.exact * 2));
    fill(state.byMsg, take(header.byMsg * 2));
    fill(state.events, take(header.events * 2));
    fill(state.sessionTurns, take(header.sessionTurns * 2));
    if (header.logged > 0) {
      const logged = take(header.logged);
      state.recordLogged = grow(logged, Math.max(logged.length, 1024));
    }
    if (off > data.length) return undefined;
    return state;
  } catch {
    return undefined;
  }
}
