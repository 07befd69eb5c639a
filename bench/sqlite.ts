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
import { openStore, v1Payload, type AssistantMessage } from '../test/fakes/agents/opencode';

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
console.log(`Target: a new row counted in under ${TARGET_MS} ms: ${newRowMs < TARGET_MS ? 'met' : 'MISSED'} (${newRowMs.toFixed(1)} ms)`);
store.close();
if (!same) process.exitCode = 1;
