/**
 * The message store OpenCode and its fork Kilo share: an SQLite database (WAL mode) whose
 * messages carry their usage, and the JSON files it was migrated from. What a message holds and
 * how it is counted is here once; opencode.ts and kilo.ts say where each agent keeps it.
 *
 * Record shapes (anomalyco/opencode and Kilo-Org/kilocode; commits in opencode.ts and kilo.ts):
 * - `message(id, session_id, time_created, time_updated, data)`: `data` is the message as JSON
 *   without its `id` and `sessionID` (session.sql.ts `MessageTable`). An assistant message:
 *   `{"role":"assistant","modelID","providerID","time":{"created":ms},"path":{"cwd","root"},
 *   "cost":USD,"tokens":{"total"?,"input","output","reasoning","cache":{"read","write"}}}`.
 * - OpenCode 2's `session_message(id, session_id, type, seq, time_created, …, data)`: the type
 *   is a column (`assistant` rows carry usage) and the model is nested,
 *   `{"model":{"id","providerID"},"time":{"created"},"cost","tokens":{…}}` (no `total`).
 * - The JSON store before the database: `storage/message/<sessionID>/<messageID>.json`, the v1
 *   shape plus `id` and `sessionID`. The migration (storage/json-migration.ts) copies each file to
 *   `message` under the file's name as id and leaves the file; messages of a session that had no
 *   project are not copied. Both copies carry the same id: `key` is the message id everywhere,
 *   and the database's copy outranks the file's.
 *
 * Counting (each checked against the agent's `getUsage`, session/index.ts):
 * - `tokens.input` is the input neither read from nor written to the cache (OpenCode subtracts the
 *   cache from the SDK's input), so it is the ledger's `input` as it stands.
 * - Output vs reasoning changed over time, and `tokens.total` (the SDK's `totalTokens`, stored
 *   since late 2025) tells which a row is. Since the AI SDK 6 upgrade `output` is the SDK's output
 *   minus reasoning, and total = input + cache + output + reasoning: the part of total beyond the
 *   four counts is reasoning, added to output. Before it, `output` was the SDK's output and total
 *   = input + cache + output: reasoning is already in output (anomalyco/opencode#17566: OpenCode
 *   then billed OpenAI reasoning twice). So with a total, output = output + (total − the four
 *   counts) when positive, else output (at least the reasoning it holds). OpenCode 2 rows have no
 *   total and keep reasoning apart (its accounting spec: "output excludes reasoning"): output +
 *   reasoning. A v1 row without total predates both (AI SDK 5): OpenAI-style providers counted
 *   reasoning inside the completion tokens, Google's provider (`candidatesTokenCount` beside
 *   `thoughtsTokenCount`) apart; reasoning is added for `google`/`google-vertex` only, or where it
 *   exceeds output (then it cannot be a part of it). ccusage 20.0.24 adds reasoning to every row
 *   (it counts the first and last eras right, and reasoning twice in the middle one).
 * - `cost` is what the agent charged itself: 0 for subscription, free and gateway models.
 *   It is kept as `loggedCost`; the ledger prices the tokens at list price either way.
 * - Model ids may carry a gateway's provider prefix (`anthropic/claude-sonnet-4.5` through
 *   OpenRouter or the Kilo gateway): the part after the last `/` is priced. OpenCode's own
 *   aliases `gemini-3-pro-high` and `k2p6` are the models ccusage prices them as.
 * - `time.created` is epoch ms (a value under 10^12 is read as seconds); a v2 row without one
 *   takes its `time_created` column. A row with no instant, no model or no tokens is skipped.
 * - The project is `path.cwd`, else the session's `directory`.
 *
 * Reading: incrementally (`readStoreSince`, the format's `readSince`): after a first whole read,
 * only the rows inserted since (rowid beyond the last one read) and the replies still open then
 * (no `time.completed`: written again in place while they stream) are read; a row deleted, the
 * database replaced or migrated makes a whole read (see `StoreCursor`, and `RowidCursor` in sqliteRows.ts).
 */
import path from 'node:path';
import type { Env } from '../paths';
import type { JsonFileFormat, SqliteDb, SqliteDelta, SqliteFormat, Usage } from './format';
import { isRowidCursor, readRowsSince, type RowidCursor, type RowState } from './sqliteRows';

/** Which layout a record comes from: it decides how reasoning is counted (see the header). */
export type StoreLayout = 'v1' | 'v2';

/** `rank` of a database row: it wins over the JSON file of the same message. */
export const DB_RANK = 2;
/** `rank` of a message read from the JSON store. */
export const FILE_RANK = 1;

/** Providers whose AI SDK 5 adapter reported reasoning beside output, not inside it. */
const REASONING_APART = new Set(['google', 'google-vertex']);

/** OpenCode provider aliases, as ccusage prices them (rust/crates/ccusage/src/adapter/opencode/parser.rs). */
const MODEL_ALIASES: Readonly<Record<string, string>> = { 'gemini-3-pro-high': 'gemini-3-pro-preview', k2p6: 'kimi-k2.6' };

function record(value: unknown): Record<string, unknown> | null {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

function count(value: unknown): number {
  return typeof value === 'number' && Number.isFinite(value) && value > 0 ? Math.floor(value) : 0;
}

function text(value: unknown): string | null {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : null;
}

/** The model name the ledger prices: a gateway's provider prefix dropped, OpenCode's aliases resolved. */
export function ledgerModel(modelId: string): string {
  const slash = modelId.lastIndexOf('/');
  const bare = slash >= 0 ? modelId.slice(slash + 1) : modelId;
  return MODEL_ALIASES[bare] ?? bare;
}

/** Epoch ms of a `time.created`-like value; seconds (under 10^12) are scaled. Null when not an instant. */
export function instantMs(value: unknown): number | null {
  if (typeof value !== 'number' || !Number.isFinite(value) || value <= 0) return null;
  return value < 1e12 ? Math.round(value * 1000) : Math.round(value);
}

/** The four ledger counts of a `tokens` object; null when it is not one or counts nothing. */
export function ledgerTokens(tokensValue: unknown, provider: string | null, layout: StoreLayout): { input: number; output: number; cacheRead: number; cacheWrite: number } | null {
  const tokens = record(tokensValue);
  if (!tokens) return null;
  const cache = record(tokens['cache']);
  const input = count(tokens['input']);
  const logged = count(tokens['output']);
  const reasoning = count(tokens['reasoning']);
  const cacheRead = count(cache?.['read']);
  const cacheWrite = count(cache?.['write']);
  const total = count(tokens['total']);
  const known = input + logged + cacheRead + cacheWrite;
  let output: number;
  if (total > 0) output = total > known ? logged + (total - known) : Math.max(logged, reasoning);
  else if (layout === 'v2' || reasoning > logged || (provider !== null && REASONING_APART.has(provider))) output = logged + reasoning;
  else output = logged;
  if (input + output + cacheRead + cacheWrite === 0) return null;
  return { input, output, cacheRead, cacheWrite };
}

/** Where a message was read, for its key and its fallbacks. */
export interface MessageOrigin {
  readonly layout: StoreLayout;
  /** The message id (the row's `id` column, the file's name). */
  readonly id: string | null;
  /** Its session's working directory, when the session row says it. */
  readonly directory?: string | null;
  /** The row's `time_created`, used when the payload has no `time.created`. */
  readonly createdColumn?: unknown;
  readonly rank: number;
}

/**
 * The usage one message holds, or null (not an assistant message, no usage, malformed). `data`
 * is the parsed payload. v1 payloads must say `role: "assistant"`; v2 rows are filtered by their
 * `type` column before this.
 */
export function messageUsage(data: unknown, origin: MessageOrigin): Usage | null {
  const m = record(data);
  if (!m) return null;
  let modelId: string | null;
  let provider: string | null;
  if (origin.layout === 'v1') {
    if (m['role'] !== 'assistant') return null;
    modelId = text(m['modelID']);
    provider = text(m['providerID']);
  } else {
    const model = record(m['model']);
    modelId = text(model?.['id']) ?? text(model?.['modelID']) ?? text(m['modelID']);
    provider = text(model?.['providerID']) ?? text(m['providerID']);
  }
  if (!modelId) return null;
  const tokens = ledgerTokens(m['tokens'], provider, origin.layout);
  if (!tokens) return null;
  const ms = instantMs(record(m['time'])?.['created']) ?? (origin.layout === 'v2' ? instantMs(origin.createdColumn) : null);
  if (ms === null) return null;
  const cost = m['cost'];
  const project = text(record(m['path'])?.['cwd']) ?? origin.directory ?? null;
  return {
    ms,
    model: ledgerModel(modelId),
    ...tokens,
    ...(typeof cost === 'number' && Number.isFinite(cost) && cost >= 0 ? { loggedCost: cost } : {}),
    ...(origin.id ? { key: origin.id, rank: origin.rank } : {}),
    ...(project ? { project } : {}),
  };
}

function parseJson(value: unknown): unknown {
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as unknown;
  } catch {
    return null;
  }
}

function rows(db: SqliteDb, sql: string): Record<string, unknown>[] {
  try {
    return db
      .prepare(sql)
      .all()
      .map(record)
      .filter((r): r is Record<string, unknown> => r !== null);
  } catch {
    return [];
  }
}

function columns(db: SqliteDb, table: string): Set<string> {
  return new Set(rows(db, `PRAGMA table_info(${table})`).map((r) => text(r['name']) ?? ''));
}

/** The session tables that may name a session's working directory, in the order they are asked. */
const SESSION_TABLES = ['session', 'session_v2'] as const;

/**
 * A session's working directory, from whichever session tables the database has: all of them
 * loaded at once for a whole read (`all`), else looked up per session as the rows ask.
 */
function sessionDirectories(db: SqliteDb, tables: Set<string>, all: boolean): (session: string) => string | null {
  const withDirectory = SESSION_TABLES.filter((t) => tables.has(t) && columns(db, t).has('directory'));
  const known = new Map<string, string | null>();
  if (all) {
    for (const table of withDirectory) {
      for (const r of rows(db, `SELECT id, directory FROM ${table}`)) {
        const id = text(r['id']);
        const dir = text(r['directory']);
        if (id && dir && !known.has(id)) known.set(id, dir);
      }
    }
    return (session) => known.get(session) ?? null;
  }
  const lookups = withDirectory.map((t) => db.prepare(`SELECT directory FROM ${t} WHERE id = ?`));
  return (session) => {
    let dir = known.get(session);
    if (dir === undefined) {
      dir = null;
      for (const q of lookups) {
        dir = text(record(q.all(session)[0])?.['directory']);
        if (dir) break;
      }
      known.set(session, dir);
    }
    return dir;
  };
}

/**
 * How long after its creation a reply without `time.completed` is still expected to be written
 * again (a reply streams for seconds to minutes; one left open longer was cut off: the process
 * ended mid-reply), counted back from the newest message read.
 */
const OPEN_MS = 6 * 3_600_000;

/**
 * Where the next read of a message table starts (`RowidCursor`, sqliteRows.ts). A message is
 * inserted as its reply starts and written again in place (an upsert: the same row and rowid)
 * while it streams, until OpenCode sets its `time.completed` (session/processor.ts, on the finish,
 * an error or an abort): a reply without it is open.
 */
type StoreCursor = Partial<Record<StoreTable, RowidCursor>>;

type StoreTable = 'message' | 'session_message';

/** The message tables: v1's, every row (user rows are told by their payload), and OpenCode 2's, assistant rows only. */
const STORE_TABLES: readonly { readonly table: StoreTable; readonly layout: StoreLayout }[] = [
  { table: 'message', layout: 'v1' },
  { table: 'session_message', layout: 'v2' },
];

/** Whether a message payload is a reply still being written (an assistant message without `time.completed`). */
function isOpen(m: Record<string, unknown> | null, layout: StoreLayout): boolean {
  if (!m || (layout === 'v1' && m['role'] !== 'assistant')) return false;
  return typeof record(m['time'])?.['completed'] !== 'number';
}

/** Reads one message table into `out`, whole or from its cursor (`readRowsSince`); null when the rows since cannot be told. */
function readTable(db: SqliteDb, table: StoreTable, layout: StoreLayout, dirOf: (session: string) => string | null, prior: RowidCursor | null, out: Usage[]): { read: number; cursor: RowidCursor | null } | null {
  const have = columns(db, table);
  const data = layout === 'v2' ? `CASE WHEN type = 'assistant' THEN data END AS data` : 'data';
  const query = { columns: `id, session_id, ${data}, ${have.has('time_created') ? 'time_created' : 'NULL AS time_created'}`, from: table, rowid: 'rowid' };
  const visit = (r: Record<string, unknown>): RowState => {
    const sid = text(r['session_id']);
    const payload = record(parseJson(r['data']));
    const u = messageUsage(payload, { layout, id: text(r['id']), directory: sid ? dirOf(sid) : null, createdColumn: r['time_created'], rank: DB_RANK });
    if (u) out.push(u);
    return { open: isOpen(payload, layout), created: instantMs(r['time_created']) ?? instantMs(record(payload?.['time'])?.['created']) ?? 0 };
  };
  if (prior) return readRowsSince(db, table, prior, query, visit, OPEN_MS);
  try {
    return readRowsSince(db, table, null, query, visit, OPEN_MS);
  } catch {
    return { read: 0, cursor: null }; // not a table of ours after all: nothing read from it
  }
}

function isStoreCursor(value: unknown): value is StoreCursor {
  const c = record(value);
  return c !== null && Object.values(c).every(isRowidCursor);
}

/**
 * The usage in one of the store's databases, `message` (v1) and `session_message` (OpenCode 2)
 * rows: every row from a null cursor, else the rows added or changed since the cursor (see
 * `StoreCursor`); null when those cannot be told (a row deleted, a message table that appeared or
 * went). A database without either table (another program's) yields nothing.
 */
export function readStoreSince(db: SqliteDb, cursor: unknown): SqliteDelta | null {
  if (cursor !== null && !isStoreCursor(cursor)) return null;
  const tables = new Set(rows(db, "SELECT name FROM sqlite_master WHERE type = 'table'").map((r) => text(r['name']) ?? ''));
  const dirOf = sessionDirectories(db, tables, cursor === null);
  const out: Usage[] = [];
  const next: StoreCursor = {};
  let read = 0;
  let resumable = true;
  for (const { table, layout } of STORE_TABLES) {
    const prior = cursor?.[table] ?? null;
    if (!tables.has(table)) {
      if (prior) return null;
      continue;
    }
    if (cursor !== null && !prior) return null; // a table the last read did not see
    const got = readTable(db, table, layout, dirOf, prior, out);
    if (!got) return null;
    read += got.read;
    if (got.cursor) next[table] = got.cursor;
    else resumable = false;
  }
  return { usages: out, cursor: resumable ? next : null, rows: read };
}

/** Every usage in one of the store's databases (`readStoreSince` from no cursor). */
export function readStore(db: SqliteDb): Usage[] {
  return [...(readStoreSince(db, null)?.usages ?? [])];
}

/** The usage of one `storage/message/<session>/<message>.json` file (its id: the payload's, else the file's name). */
export function readMessageFile(value: unknown, file: string): Usage[] {
  const id = text(record(value)?.['id']) ?? path.basename(file, '.json');
  const u = messageUsage(value, { layout: 'v1', id, rank: FILE_RANK });
  return u ? [u] : [];
}

/** Database files of the store's data folder: `<name>.db`, `<name>-<channel>.db`. */
export function isDatabaseName(name: string): boolean {
  return /\.(db|sqlite|sqlite3)$/i.test(name);
}

/** How an OpenCode-family agent names its data: the folder under XDG_DATA_HOME, and the variable that points at its database. */
export interface StoreNaming {
  readonly source: 'openCode' | 'kilo';
  /** The data folder's name under `$XDG_DATA_HOME` (else `~/.local/share`). */
  readonly app: string;
  /** The environment variable naming a database file elsewhere. */
  readonly dbVariable: string;
  /** An environment variable's value as the agent reads it; null when empty. */
  readonly envValue: (v: string | undefined) => string | null;
}

/**
 * An OpenCode-family agent's formats: its databases (the data folder's own, and the folder of the
 * database its variable names when that is elsewhere), with the JSON store they were migrated from
 * (`storage/message/<session>/<message>.json` under the data folder) as the companion.
 */
export function storeFormats(naming: StoreNaming): { dataDir: (env: Env, home: string) => string; json: JsonFileFormat; db: SqliteFormat } {
  const { source, app, dbVariable, envValue } = naming;
  const dataDir = (env: Env, home: string) => path.join(envValue(env['XDG_DATA_HOME']) ?? path.join(home, '.local', 'share'), app);
  const json: JsonFileFormat = {
    kind: 'json',
    source,
    roots: (env, home) => [dataDir(env, home)],
    dirs: (root) => [path.join(root, 'storage', 'message')],
    depth: 1,
    isLog: (name) => name.endsWith('.json'),
    file: readMessageFile,
  };
  const db: SqliteFormat = {
    kind: 'sqlite',
    source,
    roots: (env, home) => {
      const roots = [dataDir(env, home)];
      const custom = envValue(env[dbVariable]);
      if (custom && custom !== ':memory:' && path.isAbsolute(custom)) roots.push(path.dirname(custom));
      return [...new Set(roots)];
    },
    dirs: (root) => [root],
    depth: 0,
    isLog: isDatabaseName,
    read: (db) => readStore(db),
    readSince: (db, _file, cursor) => readStoreSince(db, cursor),
    companion: json,
  };
  return { dataDir, json, db };
}
