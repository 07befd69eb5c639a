/**
 * SQLite agent bench: `npm run bench:sqlite` (node --import tsx bench/sqlite.ts, on a Node with
 * node:sqlite: this one when it has it, else the editor's Node 24, scripts/lib/editor.mjs).
 *
 * 1. Writes an OpenCode store of a year of heavy use (.cache/bench-sqlite, rewritten every run):
 *    50,000 messages in `message` (half of them assistant replies with usage, the other half user
 *    turns with a summary), 1,000 sessions over 365 days, in WAL mode; the writer connection
 *    stays open, as a running OpenCode's does, so the rows written during the bench sit in the
 *    `-wal` file. Row shapes: test/fakes/agents/opencode.ts (`v1Payload`).
 * 2. Scans it with the scanner in this process (`Scanner.scan`, as the scan worker runs it): the
 *    cold scan (no state), then, RUNS times each, (a) one new assistant message inserted as
 *    OpenCode inserts a reply (still streaming: no `time.completed`) and taken in as the watcher
 *    reports it (the `-wal` file changed), (b) that message written again in place as it completes
 *    (more tokens, `time.completed`), (c) an unchanged rescan. A
 *    whole re-read of the database costs what the cold scan costs (what it contributed taken out,
 *    every row read and counted again), so the cold scan is also the figure of a change read
 *    whole.
 * 3. Checks that the totals after the changes equal a cold scan of the final database.
 * 4. The other SQLite agents at the size of a year of heavy use: Goose and Hermes (a row per
 *    session, 3,000 sessions; read whole on every change, see their formats' headers), one
 *    session's running total rewritten in place; ZCode (a row per request, 50,000 requests; read
 *    incrementally), one new request. The cold scan, and the change taken in as the watcher
 *    reports it.
 *
 * TB_BENCH_RUNS (default 7): medians are reported. Target (issue #15): a new row counted in under
 * 50 ms, printed met / MISSED.
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, rmSync, statSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { editorNodeBin } from '../scripts/lib/editor.mjs';
import { candidateRoots, scanDirs } from '../src/sources/localLogs/paths';
import { Scanner, type ScanResult } from '../src/sources/localLogs/scanner';
import type { LocalSourceId } from '../src/sources/localLogs/paths';
import { openStore, v1Payload, type AssistantMessage } from '../test/fakes/agents/opencode';
import { openWriter, type WriterDb } from '../test/fakes/agents/sqlite';

function hasSqlite(): boolean {
  try {
    createRequire(__filename)('node:sqlite');
    return true;
  } catch {
    return false;
  }
}

if (!hasSqlite()) {
  // This Node (the machine's Node 20) has no node:sqlite: run on the editor's.
  const bin = editorNodeBin();
  const child = spawnSync(bin, ['--import', 'tsx', __filename], { stdio: 'inherit' });
  if (child.error) console.error(`node:sqlite is missing from Node ${process.version} and the editor's Node (${bin}) did not run: ${child.error.message}. Run npm test once, which installs it.`);
  process.exit(child.status ?? 1);
}

const ROOT = path.resolve(__dirname, '..');
const HOME = path.join(ROOT, '.cache', 'bench-sqlite');
const RUNS = Number(process.env['TB_BENCH_RUNS'] ?? 7);
const MESSAGES = 50_000;
const SESSIONS = 1_000;
const DAYS = 365;
const TARGET_MS = 50;
const START = Date.UTC(2025, 10, 20);
const MODELS = [
  ['claude-sonnet-4-5', 'anthropic'],
  ['gpt-5', 'openai'],
  ['claude-opus-4-1', 'anthropic'],
] as const;

function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)] as number;
}

/** A deterministic assistant message number `i`. */
function assistant(i: number, session: string, ms: number, cwd: string): AssistantMessage {
  const [model, provider] = MODELS[i % MODELS.length] as (typeof MODELS)[number];
  return { id: `msg_${String(i).padStart(7, '0')}`, session, ms, model, provider, tokens: { input: 200 + (i % 900), output: 100 + ((i * 7) % 2500), reasoning: 0, read: 1000 + ((i * 13) % 60_000), write: (i * 3) % 4000 }, cost: 0, cwd };
}

/** A user turn's payload with a summary, about the size OpenCode writes. */
function userPayload(ms: number): string {
  return JSON.stringify({ role: 'user', time: { created: ms }, agent: 'build', model: { providerID: 'anthropic', modelID: 'claude-sonnet-4-5' }, summary: { title: 'Refactor the scanner state and add incremental reads for the SQLite agents', diffs: [] }, tools: { bash: true, edit: true, read: true } });
}

const file = path.join(HOME, '.local', 'share', 'opencode', 'opencode.db');
rmSync(HOME, { recursive: true, force: true });
mkdirSync(HOME, { recursive: true });
const store = openStore(file);
const db = store.db;
const tBuild = performance.now();
const span = DAYS * 86_400_000;
db.exec('BEGIN');
const addSession = db.prepare('INSERT INTO session VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)');
const addMessage = db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)');
db.prepare('INSERT INTO project VALUES (?, ?, ?, ?)').run('prj_1', '/work/p', START, START);
for (let s = 0; s < SESSIONS; s++) addSession.run(`ses_${s}`, 'prj_1', `ses_${s}`, `/work/p${s % 25}`, 'a session', '1.1.0', START + (s * span) / SESSIONS, START + (s * span) / SESSIONS);
let last = 0;
for (let i = 0; i < MESSAGES; i++) {
  const ms = Math.round(START + (i * span) / MESSAGES);
  const s = Math.floor((i * SESSIONS) / MESSAGES);
  if (i % 2 === 0) addMessage.run(`msg_${String(i).padStart(7, '0')}`, `ses_${s}`, ms, ms, userPayload(ms));
  else {
    const m = assistant(i, `ses_${s}`, ms, `/work/p${s % 25}`);
    addMessage.run(m.id, m.session, ms, ms + 4000, JSON.stringify(v1Payload(m)));
  }
  last = ms;
}
db.exec('COMMIT');
store.checkpoint();
const buildMs = performance.now() - tBuild;

const roots = candidateRoots('openCode', [], {}, HOME);
const dirs = scanDirs('openCode', roots);
const identity = roots.join(path.delimiter);
process.env['TZ'] = 'UTC';
const scanner = new Scanner();
let sync: unknown;
function scan(paths?: string[], on: Scanner = scanner): ScanResult {
  const r = on.scan({ source: 'openCode', identity, dirs, sync, ...(paths ? { paths } : {}) });
  sync = r.sync;
  return r;
}
function totals(r: ScanResult): string {
  let cost = 0;
  let tokens = 0;
  let requests = 0;
  for (const rows of Object.values(r.sync.days)) {
    for (const [, c, i, o, rd, w, q] of rows) {
      cost += c;
      tokens += i + o + rd + w;
      requests += q;
    }
  }
  return `${requests} requests, ${tokens} tokens, $${cost.toFixed(4)}`;
}

const t0 = performance.now();
const cold = scan();
const coldMs = performance.now() - t0;
const wal = [`${file}-wal`];
const inserted: number[] = [];
const updated: number[] = [];
const unchanged: number[] = [];
/** Usage entries read per new row (1 when only the new row is read). */
const entries: number[] = [];
let n = MESSAGES;
for (let k = 0; k < RUNS; k++) {
  const ms = last + (k + 1) * 60_000;
  // A reply as OpenCode writes it: inserted while it streams (no `time.completed` yet), …
  const m = assistant(n, `ses_${SESSIONS - 1}`, ms, '/work/p0');
  const streaming = v1Payload(m);
  streaming['time'] = { created: ms };
  addMessage.run(m.id, m.session, ms, ms, JSON.stringify(streaming));
  n++;
  let a = performance.now();
  const r1 = scan(wal);
  inserted.push(performance.now() - a);
  entries.push(r1.stats.entries);
  // … then written again in place as it completes: more tokens, `time.completed` (OpenCode's upsert).
  const more = { ...m, tokens: { ...m.tokens, output: m.tokens.output + 500 } };
  db.prepare('UPDATE message SET data = ?, time_updated = ? WHERE id = ?').run(JSON.stringify(v1Payload(more)), ms + 30_000, m.id);
  a = performance.now();
  scan(wal);
  updated.push(performance.now() - a);
  a = performance.now();
  scan(wal);
  unchanged.push(performance.now() - a);
}
const final = scan();
const fresh = new Scanner().scan({ source: 'openCode', identity, dirs, sync: undefined });
const same = totals(final) === totals(fresh);

const mb = (p: string) => {
  try {
    return statSync(p).size / 1e6;
  } catch {
    return 0;
  }
};
const newRowMs = median(inserted);
console.log(`OpenCode store: ${MESSAGES.toLocaleString('en')} messages (${cold.stats.entries.toLocaleString('en')} with usage), ${SESSIONS} sessions over ${DAYS} days; opencode.db ${mb(file).toFixed(1)} MB, -wal ${mb(wal[0] as string).toFixed(2)} MB at the end; written in ${(buildMs / 1000).toFixed(1)} s`);
console.log(`Node ${process.version}, ${RUNS} runs, medians`);
console.log(`  cold scan (= a whole re-read)   ${coldMs.toFixed(1)} ms`);
console.log(`  one new row (-wal changed)      ${newRowMs.toFixed(1)} ms   [${inserted.map((x) => x.toFixed(1)).join(', ')}], ${median(entries).toLocaleString('en')} usage rows read`);
console.log(`  a row updated in place          ${median(updated).toFixed(1)} ms`);
console.log(`  unchanged rescan                ${median(unchanged).toFixed(2)} ms`);
console.log(`  totals after the changes equal a cold scan's: ${same ? 'yes' : `NO (${totals(final)} vs ${totals(fresh)})`}`);
store.close();
const figures: [string, number][] = [['openCode', newRowMs]];

/** An agent's database: cold scan, then `change` (a row rewritten in place, or a new one) taken in RUNS times. */
function agentDb(source: LocalSourceId, how: string, dbFile: string, rows: number, fill: (db: WriterDb) => void, change: (db: WriterDb, k: number) => void): number {
  const w = openWriter(dbFile);
  w.exec('BEGIN');
  fill(w);
  w.exec('COMMIT');
  w.exec('PRAGMA wal_checkpoint(TRUNCATE)');
  const rs = candidateRoots(source, [], {}, HOME);
  const req = { source, identity: rs.join(path.delimiter), dirs: scanDirs(source, rs) };
  const s = new Scanner();
  let last: unknown;
  let a = performance.now();
  last = s.scan({ ...req, sync: last }).sync;
  const coldMs = performance.now() - a;
  const times: number[] = [];
  for (let k = 0; k < RUNS; k++) {
    change(w, k);
    a = performance.now();
    last = s.scan({ ...req, sync: last, paths: [`${dbFile}-wal`] }).sync;
    times.push(performance.now() - a);
  }
  w.close();
  const ms = median(times);
  console.log(`  ${source.padEnd(7)} ${rows.toLocaleString('en').padStart(6)} rows, ${mb(dbFile).toFixed(1).padStart(4)} MB, ${how}: cold ${coldMs.toFixed(1)} ms, ${ms.toFixed(1)} ms`);
  figures.push([source, ms]);
  return ms;
}

console.log('The other SQLite agents:');
const SESSIONS_WHOLE = 3_000;
const REQUESTS = 50_000;
const day = (k: number, of: number) => START + Math.floor((k * span) / of);
agentDb(
  'goose',
  'read whole, a running total rewritten',
  path.join(HOME, '.local', 'share', 'goose', 'sessions', 'sessions.db'),
  SESSIONS_WHOLE,
  (g) => {
    g.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', working_dir TEXT NOT NULL, created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, extension_data TEXT DEFAULT '{}', total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER, accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER, accumulated_cache_read_tokens INTEGER, accumulated_cache_write_tokens INTEGER, accumulated_cost REAL, model_config_json TEXT)`);
    const put = g.prepare('INSERT INTO sessions (id, working_dir, created_at, accumulated_total_tokens, accumulated_input_tokens, accumulated_output_tokens, accumulated_cache_read_tokens, accumulated_cache_write_tokens, model_config_json) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let k = 0; k < SESSIONS_WHOLE; k++) put.run(`2025_${k}`, `/work/p${k % 25}`, new Date(day(k, SESSIONS_WHOLE)).toISOString().slice(0, 19).replace('T', ' '), 900_000, 800_000, 100_000, 600_000, 50_000, JSON.stringify({ model_name: 'claude-sonnet-4-5', context_limit: 200000 }));
  },
  (g, k) => g.prepare('UPDATE sessions SET accumulated_input_tokens = accumulated_input_tokens + ?, accumulated_total_tokens = accumulated_total_tokens + ? WHERE id = ?').run(1000 + k, 1000 + k, `2025_${SESSIONS_WHOLE - 1}`),
);
agentDb(
  'hermes',
  'read whole, a running total rewritten',
  path.join(HOME, '.hermes', 'state.db'),
  SESSIONS_WHOLE,
  (h) => {
    h.exec(`CREATE TABLE sessions (id TEXT PRIMARY KEY, source TEXT NOT NULL, model TEXT, started_at REAL NOT NULL, ended_at REAL, input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, cache_read_tokens INTEGER DEFAULT 0, cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0, cwd TEXT, estimated_cost_usd REAL, actual_cost_usd REAL)`);
    const put = h.prepare('INSERT INTO sessions (id, source, model, started_at, input_tokens, output_tokens, cache_read_tokens, cache_write_tokens, cwd) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let k = 0; k < SESSIONS_WHOLE; k++) put.run(`s${k}`, 'cli', 'anthropic/claude-sonnet-4.5', day(k, SESSIONS_WHOLE) / 1000, 200_000, 100_000, 600_000, 50_000, `/work/p${k % 25}`);
  },
  (h, k) => h.prepare('UPDATE sessions SET input_tokens = input_tokens + ? WHERE id = ?').run(1000 + k, `s${SESSIONS_WHOLE - 1}`),
);
agentDb(
  'zcode',
  'incremental, a new request',
  path.join(HOME, '.zcode', 'cli', 'db', 'db.sqlite'),
  REQUESTS,
  (z) => {
    z.exec(`CREATE TABLE model_usage (id TEXT PRIMARY KEY, session_id TEXT, started_at INTEGER, completed_at INTEGER, model_id TEXT, provider_id TEXT, status TEXT, input_tokens INTEGER, output_tokens INTEGER, cache_creation_input_tokens INTEGER, cache_read_input_tokens INTEGER, computed_total_tokens INTEGER); CREATE TABLE session (id TEXT PRIMARY KEY, directory TEXT, title TEXT)`);
    const ses = z.prepare('INSERT INTO session VALUES (?, ?, ?)');
    for (let k = 0; k < SESSIONS; k++) ses.run(`zs${k}`, `/work/p${k % 25}`, 'a session');
    const put = z.prepare('INSERT INTO model_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)');
    for (let k = 0; k < REQUESTS; k++) put.run(`r${k}`, `zs${Math.floor((k * SESSIONS) / REQUESTS)}`, day(k, REQUESTS), day(k, REQUESTS) + 9000, 'glm-4.6', 'zai', 'completed', 30_000, 800, 1000, 25_000, 31_800);
  },
  (z, k) => z.prepare('INSERT INTO model_usage VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)').run(`r${REQUESTS + k}`, `zs${SESSIONS - 1}`, START + span + k * 60_000, START + span + k * 60_000 + 9000, 'glm-4.6', 'zai', 'completed', 30_000, 800, 1000, 25_000, 31_800),
);

const worst = Math.max(...figures.map(([, ms]) => ms));
console.log(`Target: a new row (or a changed one) counted in under ${TARGET_MS} ms: ${worst < TARGET_MS ? 'met' : 'MISSED'} (${figures.map(([src, ms]) => `${src} ${ms.toFixed(1)} ms`).join(', ')})`);
if (!same) process.exitCode = 1;
