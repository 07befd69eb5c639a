/**
 * ZCode (Z.ai's agentic development environment): one SQLite database, a row per model request.
 *
 * ZCode is not open source: nothing here comes from its own code. The format is ccusage's reading
 * of it (its `zcode` adapter, newer than the mirrored 20.0.11 source, which has none), checked
 * against the 20.0.24 binary: its strings carry the same SQL, the layout names, ZCODE_HOME,
 * `.zcode` and the Z.ai provider ids, and its reports on generated databases behave as below.
 * Two earlier drafts of the adapter in forks of ccusage and third-party ZCode readers agree on
 * the table and on input including both cache slices.
 *
 * Where: `<home>/cli/db/db.sqlite`, for each home in ZCODE_HOME (a comma list, ccusage's reading;
 * whether ZCode itself honours the variable cannot be checked), else `~/.zcode`.
 *
 * Tables: `model_usage` (`id`, `session_id`, `started_at` epoch ms, `model_id`, `status`,
 * `input_tokens`, `output_tokens`; in newer layouts also `provider_id`,
 * `cache_creation_input_tokens`, `cache_read_input_tokens`, `computed_total_tokens`) and
 * `session` (`id`, `directory`; `version` in the session-versioned layout). A database without
 * the required columns is not ZCode's: nothing is read from it (ccusage likewise).
 *
 * Traps, and how they are counted:
 * - Only requests with `status = 'completed'` count (running, error and cancelled ones do not).
 * - Input includes cached tokens, both slices: cache reads are taken out of it first, then cache
 *   writes from what is left (each clamped), as ccusage does.
 * - `computed_total_tokens` above the sum of the counts: the rest is output (ccusage prices it as
 *   output and adds it to its total tokens, not to its output tokens).
 * - One request per row: its own tier, its own instant (`started_at`, epoch ms; a REAL is cut to
 *   its millisecond, as SQLite's integer reading in ccusage cuts it, so an instant just before a
 *   midnight stays on its day). Rows without an id, a session, a model or a positive instant are
 *   skipped.
 * - Several homes may hold copies of one database: the key is the request id (ccusage keeps the
 *   first home's copy; here the copy with the most tokens counts).
 * - Pricing: the ledger prices every model at list price with genai-prices. ccusage prices only
 *   Z.ai providers (`zai`, `z.ai`, `zai-coding-plan`, `builtin:zai-coding-plan`,
 *   `builtin:bigmodel-coding-plan`) and rows without a provider, at LiteLLM's `zai/<model>`
 *   prices with cache writes at the input rate; a custom provider's rows it leaves unpriced.
 *   genai-prices' GLM prices are not Z.ai's list (the cross-check compares their tokens only).
 * - The model's vendor prefix, if any, is dropped (`bareModel`); `session.directory` is the
 *   project.
 *
 * Read incrementally (`readSince`, a `RowidCursor` of sqliteRows.ts): after a first whole read,
 * the rows inserted since (by rowid) and the rows that were not `completed` then (a request
 * running, or ended otherwise, for up to OPEN_MS after it started: they may yet be rewritten in
 * place) are read; a deleted row or another database makes a whole read. ZCode's code is closed:
 * that a row is rewritten in place only until it completes is read from its layout (a request row
 * carries its `status`, and in the newer layout its `completed_at`), not from its writes. A
 * `completed` row written again later would be missed until the database is next read whole.
 *
 * References (commits where the search index named them):
 * - the ccusage binary 20.0.24 (node_modules/@ccusage/ccusage-linux-x64/bin/ccusage), its strings
 *   and its `zcode daily --json` on generated databases;
 * - ccusage's adapters/zcode loader.rs, parser.rs and paths.rs of the version the binary matches
 *   (SELECT, schema check, `row_to_entry`, `is_zai_provider`), read in the search index without
 *   a repository or commit;
 * - earlier drafts: axisrow/ccusage rust/crates/ccusage/src/adapter/zcode/parser.rs (14ab4a77)
 *   and anhdao0601/ccusage, same path (fefebb33): fresh input = input − cache read − cache write.
 */
import path from 'node:path';
import type { SqliteDb, SqliteDelta, SqliteFormat, Usage } from './format';
import { bareModel } from './modelName';
import { columnsOf, countIn, isRowidCursor, numberIn, readRowsSince, rowOf, selectList, textIn } from './sqliteRows';

const REQUIRED_USAGE = ['id', 'session_id', 'started_at', 'model_id', 'status', 'input_tokens', 'output_tokens'] as const;
const REQUIRED_SESSION = ['id', 'directory'] as const;
const USAGE_COLUMNS = [...REQUIRED_USAGE.filter((c) => c !== 'status'), 'cache_creation_input_tokens', 'cache_read_input_tokens', 'computed_total_tokens'];

/** The usage one `model_usage` row (with its session's `directory`) holds; null when none or malformed. */
export function zcodeUsage(value: unknown): Usage | null {
  const row = rowOf(value);
  if (!row) return null;
  const id = textIn(row['id']);
  const session = textIn(row['session_id']);
  const model = textIn(row['model_id']);
  const started = numberIn(row['started_at']);
  if (id === null || session === null || model === null || started === null || !(started > 0)) return null;
  const inputAll = countIn(row['input_tokens']);
  const output = countIn(row['output_tokens']);
  const cacheRead = Math.min(countIn(row['cache_read_input_tokens']), inputAll);
  const cacheWrite = Math.min(countIn(row['cache_creation_input_tokens']), inputAll - cacheRead);
  const beyond = Math.max(0, countIn(row['computed_total_tokens']) - inputAll - output);
  const directory = textIn(row['directory']);
  return {
    ms: Math.trunc(started),
    model: bareModel(model),
    input: inputAll - cacheRead - cacheWrite,
    output: output + beyond,
    cacheRead,
    cacheWrite,
    key: `zcode:${id}`,
    ...(directory !== null ? { project: directory } : {}),
  };
}

/** How long after its start a request that has not completed may still be rewritten in place (one that ran longer is taken as ended). */
const OPEN_MS = 6 * 3_600_000;

/**
 * The usage of the completed requests in a ZCode database: every row from a null cursor, else the
 * rows inserted since and those open then (see the header); null when those cannot be told. None
 * when its tables are not ZCode's.
 */
export function readZcodeSince(db: SqliteDb, cursor: unknown): SqliteDelta | null {
  const prior = isRowidCursor(cursor) ? cursor : null;
  if (cursor !== null && !prior) return null;
  const usage = columnsOf(db, 'model_usage');
  const session = columnsOf(db, 'session');
  if (!REQUIRED_USAGE.every((c) => usage.has(c)) || !REQUIRED_SESSION.every((c) => session.has(c))) return prior ? null : { usages: [], cursor: null, rows: 0 };
  const query = { columns: `${selectList(usage, USAGE_COLUMNS, 'm.')}, m."status" AS "status", s."directory" AS "directory"`, from: `model_usage m LEFT JOIN session s ON s."id" = m."session_id"`, rowid: 'm.rowid' };
  const out: Usage[] = [];
  const got = readRowsSince(
    db,
    'model_usage',
    prior,
    query,
    (row) => {
      const completed = row['status'] === 'completed';
      if (completed) {
        const u = zcodeUsage(row);
        if (u) out.push(u);
      }
      const started = numberIn(row['started_at']);
      return { open: !completed, created: started !== null && started > 0 ? Math.trunc(started) : 0 };
    },
    OPEN_MS,
  );
  return got ? { usages: out, cursor: got.cursor, rows: got.read } : null;
}

/** Every completed request's usage in a ZCode database; none when its tables are not ZCode's. */
export function readZcode(db: SqliteDb): Usage[] {
  return [...(readZcodeSince(db, null)?.usages ?? [])];
}

function splitList(value: string | undefined): string[] {
  return (value ?? '')
    .split(',')
    .map((s) => s.trim())
    .filter((s) => s !== '');
}

export const zcodeFormat: SqliteFormat = {
  kind: 'sqlite',
  source: 'zcode',
  roots(env, home) {
    const configured = splitList(env['ZCODE_HOME']);
    return configured.length > 0 ? configured : [path.join(home, '.zcode')];
  },
  dirs: (root) => [path.join(root, 'cli', 'db')],
  isLog: (name) => name === 'db.sqlite',
  read: (db) => readZcode(db),
  readSince: (db, _file, cursor) => readZcodeSince(db, cursor),
};
