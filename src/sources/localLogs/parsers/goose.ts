/**
 * Goose: one SQLite database of sessions, each row a session's running totals.
 *
 * Where: `<data dir>/sessions/sessions.db` (WAL mode). The data dir is `$GOOSE_PATH_ROOT/data`
 * when GOOSE_PATH_ROOT is set (then nothing else), else etcetera's XDG strategy, which Goose uses
 * on every system but Windows: `$XDG_DATA_HOME/goose`, `~/.local/share/goose`; on Windows
 * `%APPDATA%\Block\goose\data`. ccusage also looks in `~/Library/Application Support/goose` and
 * `~/.local/share/Block/goose`; so does this.
 *
 * A row of `sessions` (the columns read; older databases lack the later ones, read as absent):
 * `id` (`YYYYMMDD_n`, unique within one database only), `working_dir`, `created_at`,
 * `model_config_json` (`{"model_name": …}`), `accumulated_input_tokens`,
 * `accumulated_output_tokens`, `accumulated_total_tokens` (the session's running totals; the
 * unprefixed `input_tokens`… are the last turn's, read only where the totals are missing, as
 * ccusage does), then `accumulated_cost` (schema 13) and `accumulated_cache_read_tokens`,
 * `accumulated_cache_write_tokens` (schema 14).
 *
 * Traps, and how they are counted:
 * - Running totals: one usage per session row, its totals; the database is read whole whenever it
 *   (or its `-wal`) changes, so a growing session replaces what it counted before. The whole
 *   session counts on the day it was created (the row keeps no per-day split; ccusage does the
 *   same). Being a sum of many requests, it is priced at the base tier (`aggregate`).
 * - `created_at` has no zone: it is SQLite's `CURRENT_TIMESTAMP`, UTC, and Goose reads it as UTC
 *   (`parse_sql_timestamp`, "assumed UTC"). Text with a zone (a session imported from a legacy
 *   file) is read with its zone; a number as epoch seconds, or milliseconds above 10^12 (ccusage).
 * - Input includes cached tokens: Goose's `Usage.input_tokens` is "the total input including
 *   cache read/write tokens; the cache fields are breakdown subsets of it". Cache reads and writes
 *   are taken out of the input here (each clamped to what is left of it). ccusage reads no cache
 *   column and prices every input token at the input rate: its cost is too high wherever the cache
 *   was used (the cross-check compares tokens in sum, and the cost against hand-computed totals).
 *   Databases older than schema 14 keep no cache split: all their input counts as uncached.
 * - Tokens the total counts beyond input and output (a provider whose reasoning is outside its
 *   output count, as Gemini's thoughts) are output: added to it, priced at the output rate, as
 *   ccusage prices them.
 * - A row without a model in `model_config_json` is skipped (ccusage too). The model's vendor
 *   prefix, if any, is dropped (`bareModel`). `accumulated_cost`, where set, is Goose's own cost.
 *
 * Dedupe: none needed within a database (one row per session; the whole file is read again);
 * ids repeat across databases, so no key is given.
 *
 * Read whole on every change (no `readSince`): every row is a running total rewritten in place,
 * the columns read include no change time (a session's `updated_at` is not among them, nor checked
 * against Goose's writes here), and the rows carry no key by which a row read again could replace
 * its old copy. The table holds one row per session, so a whole read stays small (thousands of
 * rows for a year of heavy use; `npm run bench:sqlite` times one).
 *
 * References:
 * - ccusage 20.0.11 rust/crates/ccusage/src/adapter/goose/{paths,loader,parser}.rs (commit
 *   5816e640 of ryoppippi/ccusage); the 20.0.24 binary runs the same SELECT (its strings).
 * - block/goose crates/goose/src/config/paths.rs (6397b6d1): GOOSE_PATH_ROOT, etcetera.
 * - aaif-goose/goose crates/goose/src/session/session_manager.rs (9922a92e): the sessions table,
 *   `created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP`, `parse_sql_timestamp` (UTC), WAL,
 *   `sessions/sessions.db` under the data dir.
 * - block/goose crates/goose-providers/src/conversation/token_usage.rs (8b3965be): input
 *   includes the cache; block/goose crates/goose/src/session/migrations.rs (865e4a03): v13
 *   `accumulated_cost`. Migration 14 (the accumulated cache columns) was read in a newer
 *   session_manager.rs (schema 16) whose repository and commit the search index did not name.
 */
import path from 'node:path';
import { utcMsOfFields } from '../../../core/dates';
import type { Env } from '../paths';
import type { SqliteDb, SqliteFormat, Usage } from './format';
import { bareModel } from './modelName';
import { columnsOf, countIn, numberIn, rowOf, selectList, textIn } from './sqliteRows';

const COLUMNS = [
  'id',
  'working_dir',
  'created_at',
  'model_config_json',
  'total_tokens',
  'input_tokens',
  'output_tokens',
  'accumulated_total_tokens',
  'accumulated_input_tokens',
  'accumulated_output_tokens',
  'accumulated_cache_read_tokens',
  'accumulated_cache_write_tokens',
  'accumulated_cost',
] as const;

/** Epoch values above this are milliseconds, below it seconds (ccusage's rule). */
const MS_THRESHOLD = 1e12;

const ZONELESS = /^(\d{4})-(\d{2})-(\d{2})[ T](\d{2}):(\d{2}):(\d{2})(?:\.(\d{1,9}))?$/;
const DATE_ONLY = /^(\d{4})-(\d{2})-(\d{2})$/;
const WITH_ZONE = /^\d{4}-\d{2}-\d{2}[ T]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})$/i;

/**
 * A Goose timestamp as epoch ms: zone-less SQL text as UTC; text with a zone as written; a date
 * alone as its UTC midnight; a number (or numeric text) as epoch seconds, milliseconds above
 * 10^12. NaN for anything else.
 */
export function gooseInstant(value: unknown): number {
  let n = numberIn(value);
  if (n === null && typeof value === 'string' && /^\d+(\.\d+)?$/.test(value.trim())) n = Number(value.trim());
  if (n !== null) {
    const ms = n > MS_THRESHOLD ? n : n * 1000;
    return ms > 0 ? Math.trunc(ms) : NaN;
  }
  const s = textIn(value);
  if (s === null) return NaN;
  const m = ZONELESS.exec(s) ?? DATE_ONLY.exec(s);
  if (m) {
    const [y, mo, d, h, mi, sec] = [1, 2, 3, 4, 5, 6].map((i) => Number(m[i] ?? 0)) as [number, number, number, number, number, number];
    if (mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60) return NaN;
    const frac = m[7] ? Math.trunc(Number(`0.${m[7]}`) * 1000) : 0;
    return utcMsOfFields(y, mo, d, h, mi, sec, frac);
  }
  return WITH_ZONE.test(s) ? Date.parse(s.replace(' ', 'T')) : NaN;
}

/** The model of a session: `model_name` of its `model_config_json`; null when there is none. */
export function gooseModel(json: unknown): string | null {
  const text = textIn(json);
  if (text === null) return null;
  let config: unknown;
  try {
    config = JSON.parse(text) as unknown;
  } catch {
    return null;
  }
  const name = textIn(rowOf(config)?.['model_name']);
  return name === null ? null : bareModel(name);
}

/** The usage a session row holds (see the header); null when it holds none or is malformed. */
export function gooseUsage(value: unknown): Usage | null {
  const row = rowOf(value);
  if (!row) return null;
  if (textIn(row['id']) === null && numberIn(row['id']) === null) return null;
  const model = gooseModel(row['model_config_json']);
  if (model === null) return null;
  const ms = gooseInstant(row['created_at']);
  if (Number.isNaN(ms)) return null;
  const inputAll = countIn(row['accumulated_input_tokens']) || countIn(row['input_tokens']);
  const output = countIn(row['accumulated_output_tokens']) || countIn(row['output_tokens']);
  const total = countIn(row['accumulated_total_tokens']) || countIn(row['total_tokens']) || inputAll + output;
  if (inputAll === 0 && output === 0 && total === 0) return null;
  const beyond = Math.max(0, total - inputAll - output);
  const cacheRead = Math.min(countIn(row['accumulated_cache_read_tokens']), inputAll);
  const cacheWrite = Math.min(countIn(row['accumulated_cache_write_tokens']), inputAll - cacheRead);
  const cost = numberIn(row['accumulated_cost']);
  const project = textIn(row['working_dir']);
  return {
    ms,
    model,
    input: inputAll - cacheRead - cacheWrite,
    output: output + beyond,
    cacheRead,
    cacheWrite,
    aggregate: true,
    ...(cost !== null ? { loggedCost: Math.max(0, cost) } : {}),
    ...(project !== null ? { project } : {}),
  };
}

/** Every session's usage in a Goose database; none when it has no `sessions` table. */
export function readGoose(db: SqliteDb): Usage[] {
  const have = columnsOf(db, 'sessions');
  if (!have.has('id') || !have.has('created_at') || !have.has('model_config_json')) return [];
  const out: Usage[] = [];
  for (const row of db.prepare(`SELECT ${selectList(have, COLUMNS)} FROM sessions`).all()) {
    const u = gooseUsage(row);
    if (u) out.push(u);
  }
  return out;
}

/** Goose's data dirs when GOOSE_PATH_ROOT is not set, in order. */
function defaultDataDirs(env: Env, home: string): string[] {
  const dirs: string[] = [];
  const xdg = env['XDG_DATA_HOME']?.trim();
  if (xdg && path.isAbsolute(xdg)) dirs.push(path.join(xdg, 'goose'));
  dirs.push(path.join(home, '.local', 'share', 'goose'));
  const appData = env['APPDATA']?.trim();
  if (appData) dirs.push(path.join(appData, 'Block', 'goose', 'data'));
  dirs.push(path.join(home, 'Library', 'Application Support', 'goose'), path.join(home, '.local', 'share', 'Block', 'goose'));
  return dirs;
}

export const gooseFormat: SqliteFormat = {
  kind: 'sqlite',
  source: 'goose',
  roots(env, home) {
    const root = env['GOOSE_PATH_ROOT']?.trim();
    return root ? [path.join(root, 'data')] : defaultDataDirs(env, home);
  },
  dirs: (root) => [path.join(root, 'sessions')],
  isLog: (name) => name === 'sessions.db',
  read: (db) => readGoose(db),
};
