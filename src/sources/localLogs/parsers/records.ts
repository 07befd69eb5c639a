/**
 * An agent's `AgentFormat` (format.ts) as the scanner's `LogParser`: the reading half turns what a
 * line, a file or a database holds into entries, the counting half counts them, each usage once.
 *
 * - `jsonl`: lines containing the format's needle are JSON.parse'd and handed to `line` with the
 *   file's state (kept between reads: only appended bytes are read). JSON text is read as Latin-1
 *   and the strings kept are turned back into UTF-8 (`fromLatin1`): a format sees the other
 *   strings' non-ASCII text as its bytes, and compares them only with strings read the same way.
 * - `json`: the whole file is parsed and handed to `file` whenever it changed (the walker reads a
 *   changed file again from its start, having taken out what it contributed). A JSON-lines
 *   format's `companion` (an older layout beside its lines) is read so too, file by file
 *   (`whole`), its usage counted with the lines' (the same keys).
 * - `sqlite`: the database is opened read-only with node:sqlite (which sees rows still in the
 *   `-wal` file, and takes no lock that would block the agent) and handed to `read` whenever it or
 *   its `-wal` file changed. Where the editor's Node has no node:sqlite the scan fails with a
 *   message saying so (`SQLITE_NEEDS`). A format with `readSince` is read incrementally: the
 *   file's state keeps its cursor (`SqliteCursor`, with the database's schema version), the walker
 *   leaves what the database contributed in place (`resumes`), and only the rows added or changed
 *   since are read; their entries are flagged as read again (F_REREAD), so that a row counted
 *   before is replaced by its new copy. Where the rows since cannot be told (another schema, rows
 *   deleted, another database at the path) the database is read whole: `count` first takes out
 *   what it contributed (`restart`).
 *
 * An entry: [ms, key hash, rank, flags, input, output, cache read, cache write, logged cost, model,
 * project] (model and project as indices into the entries' names).
 * Counting: a usage without a key is added; a keyed one is looked up by its key's 53-bit hash
 * among the source's records: new → recorded and added; known → the copy with the higher rank
 * (default: its token total) replaces the one counted, a tie keeps the first; a row a database
 * read again (F_REREAD) replaces the copy counted from that same database, whatever the ranks
 * (its value now is the row's). A record's rank is
 * kept in its flags slot (flags + RANK_UNIT × rank): records of these sources carry no other flag
 * than FLAG_UNPRICED and R_LOGGED (the agent logged a cost, kept in the state's `recordLogged`).
 *
 * A logged cost (`Usage.loggedCost`) is counted beside list price, never instead of it: per bucket
 * the requests that had one, the USD logged, and list price for those same requests.
 */
import { readFileSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { BASE_PROBE_INPUT } from '../../../pricing/probe';
import { jsonWithoutLongStrings } from '../jsonBytes';
import { FLAG_UNPRICED, hash53, R_BUCKET, R_COST, R_FILE, R_FLAGS, R_INPUT, R_OUTPUT, R_READ, R_WRITE, RECORD, type FileState } from '../state';
import type { AgentFormat, JsonFileFormat, SqliteDb, SqliteFormat, Usage } from './format';
import { ENTRY, type CountContext, type Entries, type LogParser, type ParsedFile } from './types';

/** What a format-based parser remembers per file: the format's own state (JSON lines only). */
export interface RecordFileState {
  s: unknown;
  /** The log's path (set before each read). */
  file?: string;
  /** Set by a read that had to read a database whole although the walker left its contributions in place: `count` takes them out first. */
  restart?: boolean;
}

/** An SQLite database's `s`: where the next incremental read starts (plain JSON, in the state file). */
interface SqliteCursor {
  /** `PRAGMA schema_version` and `user_version` when it was read: another schema is read whole. */
  schema: string;
  /** The format's own cursor (`SqliteDelta.cursor`). */
  at: unknown;
}

function isCursor(s: unknown): s is SqliteCursor {
  return s !== null && typeof s === 'object' && typeof (s as Partial<SqliteCursor>).schema === 'string' && 'at' in s;
}

const F_KEYED = 1;
const F_LOGGED = 2;
/** The entry sums many requests (`Usage.aggregate`): priced at the base tier. */
const F_AGGREGATE = 4;
/** The entry is a database row read again since the last read: it replaces its copy from the same database. */
const F_REREAD = 8;
/** A record's flag: its agent logged a cost (beside FLAG_UNPRICED = 2). */
const R_LOGGED = 4;
const RANK_UNIT = 8;

/** Where node:sqlite is missing: the first VS Code whose Node provides it unflagged. */
export const SQLITE_NEEDS = 'VS Code 1.101';

function isCount(v: number): boolean {
  return Number.isFinite(v) && v >= 0;
}

/**
 * Strings longer than this (bytes) reach a format empty (jsonWithoutLongStrings): no usage field
 * (a model, an id, a time) is so long, and prompts and replies are. A working directory longer
 * than this is no project (its usage is counted, under no project).
 */
export const MAX_KEPT_STRING = 1024;

/** A character of the upper half of Latin-1: a byte ≥ 0x80 of text read as Latin-1. */
const HIGH_BYTE = /[\x80-\xff]/;
/** A character beyond Latin-1: the string is not bytes read as Latin-1. */
const BEYOND_LATIN1 = /[\u0100-\uffff]/;

/**
 * A string of JSON text read as Latin-1 (one character a byte: JSON.parse then works on a
 * one-byte string, decoded two to four times faster than UTF-8 and half the memory where the logs
 * hold non-ASCII text), turned back into what the UTF-8 text says. Only the strings the ledger
 * keeps go through here (model, key, project). A string holding characters beyond Latin-1, or whose bytes
 * are no valid UTF-8 (a `\u00e9` escape in the JSON, decoded as such), is left as it is.
 */
export function fromLatin1(s: string): string {
  if (!HIGH_BYTE.test(s) || BEYOND_LATIN1.test(s)) return s;
  const t = Buffer.from(s, 'latin1').toString('utf8');
  return t.includes('\ufffd') ? s : t;
}

/**
 * A usage as an entry of `out` (`flags`: more entry flags); usage with no tokens, or with a bad
 * instant or count, is dropped. `latin1`: its strings come from JSON text read as Latin-1 (see
 * fromLatin1).
 */
export function pushUsage(out: Entries, u: Usage, flags = 0, latin1 = false): void {
  const total = u.input + u.output + u.cacheRead + u.cacheWrite;
  if (!Number.isFinite(u.ms) || !isCount(u.input) || !isCount(u.output) || !isCount(u.cacheRead) || !isCount(u.cacheWrite) || !(total > 0)) return;
  const o = out.next();
  const d = out.data;
  const logged = u.loggedCost ?? NaN;
  d[o] = u.ms;
  d[o + 1] = u.key !== undefined ? hash53(latin1 ? fromLatin1(u.key) : u.key) : 0;
  d[o + 2] = u.rank !== undefined && Number.isFinite(u.rank) && u.rank >= 0 ? Math.floor(u.rank) : total;
  d[o + 3] = (u.key !== undefined ? F_KEYED : 0) | (Number.isFinite(logged) ? F_LOGGED : 0) | (u.aggregate === true ? F_AGGREGATE : 0) | flags;
  d[o + 4] = u.input;
  d[o + 5] = u.output;
  d[o + 6] = u.cacheRead;
  d[o + 7] = u.cacheWrite;
  d[o + 8] = Number.isFinite(logged) ? logged : 0;
  d[o + 9] = out.model(u.model === '' ? 'unknown' : latin1 ? fromLatin1(u.model) : u.model);
  d[o + 10] = out.model(u.project === undefined ? '' : latin1 ? fromLatin1(u.project) : u.project);
}

function isList(got: Usage | readonly Usage[]): got is readonly Usage[] {
  return Array.isArray(got);
}

function pushAll(out: Entries, got: Usage | readonly Usage[] | null, flags = 0, latin1 = false): void {
  if (got === null) return;
  if (isList(got)) for (const u of got) pushUsage(out, u, flags, latin1);
  else pushUsage(out, got, flags, latin1);
}

type SqliteModule = { DatabaseSync: new (path: string, options: { readOnly: boolean }) => SqliteDb & { close(): void } };
let sqlite: SqliteModule | null | undefined;

/** node:sqlite, where this Node has it (null otherwise). */
export function sqliteModule(): SqliteModule | null {
  if (sqlite === undefined) {
    try {
      // A plain `require` the bundler leaves alone: Node 20 has no node:sqlite.
      sqlite = createRequire(__filename)('node:sqlite') as SqliteModule;
    } catch {
      sqlite = null;
    }
  }
  return sqlite;
}

/** The companion files whose change is a change of the database (SQLite's write-ahead log; the walker stamps a database with them). */
export const SQLITE_COMPANIONS = ['-wal'];

/** The database's schema version and user version, as one text. */
function schemaOf(db: SqliteDb): string {
  const value = (pragma: string): unknown => {
    const row = db.prepare(`PRAGMA ${pragma}`).all()[0];
    return row !== null && typeof row === 'object' ? (row as Record<string, unknown>)[pragma] : undefined;
  };
  return `${String(value('schema_version'))}:${String(value('user_version'))}`;
}

/**
 * Reads a database with its format's `readSince`: from the state's cursor when it has one of this
 * schema, else (or when the format cannot tell the rows since) whole, flagging a restart when the
 * walker left the database's contributions in place. The new cursor goes to `state.s`.
 */
function readDelta(format: SqliteFormat, db: SqliteDb, file: string, state: RecordFileState, out: Entries): void {
  const readSince = (cursor: unknown) => format.readSince?.(db, file, cursor) ?? null;
  const schema = schemaOf(db);
  const prior = isCursor(state.s) ? state.s : null;
  let delta = prior && prior.schema === schema ? readSince(prior.at) : null;
  if (delta) pushAll(out, delta.usages, F_REREAD);
  else {
    if (prior) state.restart = true;
    delta = readSince(null);
    if (delta) pushAll(out, delta.usages);
    else pushAll(out, format.read(db, file));
  }
  state.s = delta && delta.cursor !== null && delta.cursor !== undefined ? ({ schema, at: delta.cursor } satisfies SqliteCursor) : null;
}

function readWhole(main: AgentFormat, file: string, out: Entries, state?: RecordFileState): number {
  const format = main.kind !== 'json' && main.companion?.isLog(path.basename(file)) ? main.companion : main;
  if (format.kind === 'json') {
    const text = readFileSync(file);
    let value: unknown;
    try {
      value = JSON.parse(jsonWithoutLongStrings(text, 0, text.length, MAX_KEPT_STRING)) as unknown;
    } catch {
      return text.length; // not (yet) a whole document: read again when it changes
    }
    pushAll(out, format.file(value, file), 0, true);
    return text.length;
  }
  if (format.kind !== 'sqlite') return 0;
  const mod = sqliteModule();
  if (!mod) throw new Error(`${format.source} keeps its usage in SQLite, which this editor's Node (${process.version}) cannot read: it needs ${SQLITE_NEEDS} or later.`);
  const db = new mod.DatabaseSync(file, { readOnly: true });
  try {
    if (format.readSince && state) readDelta(format, db, file, state, out);
    else pushAll(out, format.read(db, file));
  } finally {
    db.close();
  }
  return statSync(file).size;
}

/**
 * One recorded usage, replaced by a copy of higher rank, or by a row of the same database read
 * again (`reread`). `logged`: the USD its agent logged, NaN when none.
 */
function addKeyed(ctx: CountContext, fileId: number, hKey: number, rank: number, reread: boolean, bucket: number, day: string, cost: number, input: number, output: number, read: number, write: number, unpriced: number, logged: number): void {
  const state = ctx.state;
  let r = state.exact.get(hKey);
  if (r >= 0) {
    const rec = state.records;
    const q = r * RECORD;
    const flags = rec[q + R_FLAGS] as number;
    if (!(reread && rec[q + R_FILE] === fileId) && rank <= Math.floor(flags / RANK_UNIT)) return;
    const oldBucket = rec[q + R_BUCKET] as number;
    const oldFile = rec[q + R_FILE] as number;
    state.add(oldFile, oldBucket, -1, rec[q + R_COST] as number, rec[q + R_INPUT] as number, rec[q + R_OUTPUT] as number, rec[q + R_READ] as number, rec[q + R_WRITE] as number, 1, (flags & FLAG_UNPRICED) !== 0 ? 1 : 0);
    if ((flags & R_LOGGED) !== 0) state.addLogged(oldFile, oldBucket, -1, 1, state.recordLogged?.[r] ?? 0, rec[q + R_COST] as number);
    ctx.changed.add(state.bucketDay[oldBucket] as string);
  } else {
    r = state.newRecord();
    state.exact.set(hKey, r);
  }
  const rec = state.records;
  const o = r * RECORD;
  rec[o + R_FILE] = fileId;
  rec[o + R_BUCKET] = bucket;
  const isLogged = !Number.isNaN(logged);
  rec[o + R_FLAGS] = (unpriced ? FLAG_UNPRICED : 0) + (isLogged ? R_LOGGED : 0) + RANK_UNIT * rank;
  rec[o + R_INPUT] = input;
  rec[o + R_OUTPUT] = output;
  rec[o + R_READ] = read;
  rec[o + R_WRITE] = write;
  rec[o + R_COST] = cost;
  state.add(fileId, bucket, 1, cost, input, output, read, write, 1, unpriced);
  if (isLogged) {
    state.setRecordLogged(r, logged);
    state.addLogged(fileId, bucket, 1, 1, logged, cost);
  }
  ctx.changed.add(day);
}

function count(ctx: CountContext, f: FileState, parsed: ParsedFile, state: RecordFileState | undefined): void {
  if (state?.restart) {
    // Read whole after all: what the database contributed is taken out, as the walker does before a whole read.
    for (const b of ctx.state.dropFile(f.id)) ctx.changed.add(ctx.state.bucketDay[b] as string);
    delete state.restart;
  }
  const d = parsed.entries;
  for (let k = 0; k < parsed.count; k++) {
    const o = k * ENTRY;
    const ms = d[o] as number;
    const flags = d[o + 3] as number;
    const input = d[o + 4] as number;
    const output = d[o + 5] as number;
    const read = d[o + 6] as number;
    const write = d[o + 7] as number;
    const model = parsed.models[d[o + 9] as number] as string;
    const project = parsed.models[d[o + 10] as number] ?? '';
    ctx.counters.entries++;
    const day = ctx.day(ms);
    const rates = ctx.prices.rates(model, ms, (flags & F_AGGREGATE) !== 0 ? BASE_PROBE_INPUT : input + read + write);
    const cost = rates ? input * (rates[0] as number) + read * (rates[1] as number) + write * (rates[2] as number) + output * (rates[4] as number) : 0;
    const unpriced = rates ? 0 : 1;
    const bucket = ctx.bucket(day, model, project);
    const logged = (flags & F_LOGGED) !== 0 ? (d[o + 8] as number) : NaN;
    if ((flags & F_KEYED) !== 0) addKeyed(ctx, f.id, d[o + 1] as number, d[o + 2] as number, (flags & F_REREAD) !== 0, bucket, day, cost, input, output, read, write, unpriced, logged);
    else {
      ctx.state.add(f.id, bucket, 1, cost, input, output, read, write, 1, unpriced);
      if (!Number.isNaN(logged)) ctx.state.addLogged(f.id, bucket, 1, 1, logged, cost);
      ctx.changed.add(day);
    }
  }
}

/** The formats of a source: the agent's, and its companion's (read beside it, most specific first). */
export function partsOf(format: AgentFormat): AgentFormat[] {
  return format.kind !== 'json' && format.companion ? [format.companion, format] : [format];
}

/**
 * How deep below a scanned folder a format's logs lie: the folder is matched to the format whose
 * `dirs` of it, its parent or grandparent name it (the companion's, being more specific, first).
 */
function depthFor(format: AgentFormat, dir: string): number | undefined {
  for (const part of partsOf(format)) {
    for (let root = dir, up = 0; up < 3; up++, root = path.dirname(root)) {
      if (part.dirs(root).some((d) => path.resolve(d) === path.resolve(dir))) return part.depth;
    }
  }
  return undefined;
}

/** A JSON-lines format's companion documents: those files are read whole, the others by lines. */
function companionOfLines(companion: JsonFileFormat): Pick<LogParser<RecordFileState>, 'readWhole' | 'whole'> {
  return {
    readWhole: (file, _state, out) => readWhole(companion, file, out),
    whole: (file) => companion.isLog(path.basename(file)),
  };
}

/** The scanner's parser for an agent's format. */
export function recordParser(format: AgentFormat): LogParser<RecordFileState> {
  const whole = format.kind !== 'jsonl';
  const parts = partsOf(format);
  const needle = Buffer.from(format.kind === 'jsonl' ? format.needle : '\n');
  return {
    source: format.source,
    format,
    isLog: (name) => parts.some((p) => p.isLog(name)),
    depthFor: (dir) => depthFor(format, dir),
    needle,
    initial: () => ({ s: format.kind === 'jsonl' ? format.initial() : null }),
    copy: (state) => ({ s: state.s === null || typeof state.s !== 'object' ? state.s : (JSON.parse(JSON.stringify(state.s)) as unknown) }),
    open(state, file) {
      state.file = file;
    },
    parseLine(buf, start, limit, marker, state, out, counters) {
      let end = buf.indexOf(10, marker);
      if (end < 0 || end >= limit) end = limit - 1;
      if (format.kind !== 'jsonl') return end;
      counters.slow++;
      let value: unknown;
      try {
        value = JSON.parse(jsonWithoutLongStrings(buf, start, end, MAX_KEPT_STRING)) as unknown;
      } catch {
        return end; // a torn or garbled line: nothing to count
      }
      pushAll(out, format.line(value, state.s, state.file ?? ''), 0, true);
      return end;
    },
    count: (ctx, f, parsed, state) => count(ctx, f, parsed, state),
    ...(whole ? { readWhole: (file: string, state: RecordFileState, out: Entries) => readWhole(format, file, out, state) } : {}),
    ...(format.kind === 'sqlite' && format.readSince ? { resumes: (state: RecordFileState | undefined) => isCursor(state?.s) } : {}),
    ...(format.kind === 'jsonl' && format.companion ? companionOfLines(format.companion) : {}),
    ...(format.kind === 'sqlite' ? { companions: SQLITE_COMPANIONS } : {}),
    ...(format.assumedModel !== undefined ? { assumedModel: format.assumedModel } : {}),
  };
}
