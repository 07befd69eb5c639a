/**
 * Hermes (Nous Research's hermes-agent): one SQLite database per Hermes home, a row per session
 * with the session's token totals and costs.
 *
 * Where: `$HERMES_HOME/state.db` (WAL mode), else `~/.hermes/state.db`. HERMES_HOME is one
 * folder, as Hermes reads it. Named profiles are homes of their own, always under
 * `~/.hermes/profiles/<name>/` (whatever HERMES_HOME says): each profile's `state.db` is read
 * beside the home's. The home also holds Hermes' own checkout and virtualenv
 * (`~/.hermes/hermes-agent/`, gigabytes), so only the files directly in these folders are looked
 * at (`depth: 0`). ccusage reads the home's `state.db` only (and splits HERMES_HOME on commas).
 *
 * A row of `sessions` (the columns read; older databases lack the later ones, read as absent):
 * `id`, `model`, `started_at` (epoch seconds, a REAL: `time.time()`), `input_tokens`,
 * `output_tokens`, `cache_read_tokens`, `cache_write_tokens`, `reasoning_tokens`,
 * `estimated_cost_usd`, `actual_cost_usd`, `cwd`. Each API call adds its canonical usage to the
 * row (`update_token_counts`), so a row is a running total.
 *
 * Traps, and how they are counted:
 * - Running totals: one usage per session, read again whenever the database (or its `-wal`)
 *   changes; it counts on the day the session started (ccusage too), priced at the base tier as
 *   a sum of many requests (`aggregate`). A session compressed into a new one is a new row
 *   (`parent_session_id`) with its own tokens: nothing is counted twice.
 * - Input is uncached already: `normalize_usage` subtracts cache reads and writes from the prompt
 *   total (OpenAI, Codex) or takes Anthropic's uncached `input_tokens`.
 * - Output already includes reasoning: `output_tokens` is the API's completion/output count,
 *   which includes reasoning, and `reasoning_tokens` is `output_tokens_details.reasoning_tokens`,
 *   a part of it; Hermes' own estimate prices `output_tokens` alone. ccusage adds reasoning on
 *   top of output, to its cost and its total tokens: there it counts reasoning twice. Here it is
 *   not added (the cross-check compares the token kinds with ccusage and the totals and cost with
 *   hand-computed ones).
 * - Estimated vs actual cost: `actual_cost_usd` is the cost the provider reported (the agent's
 *   logged cost, `loggedCost`); `estimated_cost_usd` is Hermes' estimate from its own price
 *   table, which the list price here stands in for, so it is not kept. The ccusage 20.0.24 binary
 *   takes the actual cost when above 0, else its own price, and ignores the estimate (checked on
 *   generated databases; the 20.0.11 source took the estimate when the actual cost was NULL).
 * - The model may carry its router's vendor prefix (`anthropic/claude-opus-4.6`, Hermes' default
 *   through OpenRouter): dropped (`bareModel`). A row without a model is skipped (ccusage too).
 * - Copies of a session (a profile made with `--clone-all` copies `state.db`): the key is the
 *   session id, the copy with the most tokens counts.
 *
 * Read whole on every change (no `readSince`): every row is a running total rewritten in place by
 * each API call, and the table has no change-time column (`started_at` is the start,
 * `ended_at` only the end) that would tell the rows changed since a read. One row per session
 * keeps a whole read small (`npm run bench:sqlite` times one).
 *
 * References:
 * - ccusage 20.0.11 rust/crates/ccusage/src/adapter/hermes/{paths,loader,parser}.rs (commit
 *   5816e640 of ryoppippi/ccusage); the 20.0.24 binary runs the same SELECT (its strings).
 * - NousResearch/hermes-agent hermes_state.py (544ac55e): `state.db` under HERMES_HOME, WAL,
 *   `started_at` = `time.time()`; agent/usage_pricing.py (97fe12a2): `normalize_usage`,
 *   `estimate_usage_cost`; hermes_cli/profiles.py (a3c47b6e): profiles under
 *   `~/.hermes/profiles/`, the `hermes-agent` checkout in the default home. The columns added
 *   later (cache, reasoning, costs, `cwd`) and the per-call `update_token_counts(…canonical_usage…)`
 *   were read in newer copies of hermes_state.py and run_agent.py whose commit the search index
 *   did not name.
 */
import { readdirSync } from 'node:fs';
import path from 'node:path';
import type { SqliteDb, SqliteFormat, Usage } from './format';
import { bareModel } from './modelName';
import { columnsOf, countIn, numberIn, rowOf, selectList, textIn } from './sqliteRows';

const COLUMNS = [
  'id',
  'model',
  'started_at',
  'input_tokens',
  'output_tokens',
  'cache_read_tokens',
  'cache_write_tokens',
  'actual_cost_usd',
  'cwd',
] as const;

/** Epoch values above this are milliseconds, below it seconds (ccusage's rule). */
const MS_THRESHOLD = 1e12;

/** A session's start as epoch ms (seconds, or milliseconds above 10^12); NaN when not a positive number. */
export function hermesInstant(value: unknown): number {
  const n = numberIn(value);
  if (n === null) return NaN;
  const ms = n > MS_THRESHOLD ? n : n * 1000;
  return ms > 0 ? Math.trunc(ms) : NaN;
}

/** The usage a session row holds (see the header); null when it holds none or is malformed. */
export function hermesUsage(value: unknown): Usage | null {
  const row = rowOf(value);
  if (!row) return null;
  const id = textIn(row['id']);
  const rawModel = textIn(row['model']);
  if (id === null || rawModel === null) return null;
  const ms = hermesInstant(row['started_at']);
  if (Number.isNaN(ms)) return null;
  const actual = numberIn(row['actual_cost_usd']);
  const cwd = textIn(row['cwd']);
  return {
    ms,
    model: bareModel(rawModel),
    input: countIn(row['input_tokens']),
    output: countIn(row['output_tokens']),
    cacheRead: countIn(row['cache_read_tokens']),
    cacheWrite: countIn(row['cache_write_tokens']),
    key: `hermes:${id}`,
    aggregate: true,
    ...(actual !== null ? { loggedCost: Math.max(0, actual) } : {}),
    ...(cwd !== null ? { project: cwd } : {}),
  };
}

/** Every session's usage in a Hermes `state.db`; none when it has no `sessions` table. */
export function readHermes(db: SqliteDb): Usage[] {
  const have = columnsOf(db, 'sessions');
  if (!have.has('id') || !have.has('model') || !have.has('started_at')) return [];
  const out: Usage[] = [];
  for (const row of db.prepare(`SELECT ${selectList(have, COLUMNS)} FROM sessions`).all()) {
    const u = hermesUsage(row);
    if (u) out.push(u);
  }
  return out;
}

/** Hermes' profile name rule (hermes_cli/profiles.py `_PROFILE_ID_RE`). */
const PROFILE_NAME = /^[a-z0-9][a-z0-9_-]{0,63}$/;

/** A Hermes home and the homes of its named profiles (`profiles/<name>/`), existing or not. */
export function hermesHomes(root: string): string[] {
  const homes = [root];
  try {
    for (const e of readdirSync(path.join(root, 'profiles'), { withFileTypes: true })) {
      if (e.isDirectory() && PROFILE_NAME.test(e.name)) homes.push(path.join(root, 'profiles', e.name));
    }
  } catch {
    // no profiles
  }
  return homes;
}

export const hermesFormat: SqliteFormat = {
  kind: 'sqlite',
  source: 'hermes',
  roots(env, home) {
    const configured = env['HERMES_HOME']?.trim();
    return [configured ? configured : path.join(home, '.hermes')];
  },
  dirs: (root) => hermesHomes(root),
  isLog: (name) => name === 'state.db',
  depth: 0,
  read: (db) => readHermes(db),
};
