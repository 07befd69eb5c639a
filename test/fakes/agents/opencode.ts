/**
 * Fixture stores of OpenCode (and, with `agent: 'kilo'`, of Kilo, the fork with the same store):
 * a WAL-mode SQLite database whose newest rows are still only in the `-wal` file (a writer
 * connection stays open, as a running agent's does), plus the JSON message files the database
 * was migrated from. Deterministic for a seed; March 2026; times in UTC chosen so that some land
 * on either side of midnight in Asia/Kolkata (the harness's zone). Shapes and the reference each
 * reflects: test/fixtures/agents/opencode/README.md.
 *
 * node:sqlite is loaded at run time (Node 22.13+; the tests run on Node 24): this machine's Node 20
 * and its @types/node have none.
 *
 * Two corpora:
 * - `writeStoreCorpus`: only what Token Budget and ccusage 20.0.24 count alike, for the cross-check.
 * - `writeStoreTraps`: rows where they differ (ccusage double-counts reasoning, skips channel
 *   databases, takes Kilo's logged $0 as the cost, …), with the totals worked out by hand.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';
import type { SqliteDb } from '../../../src/sources/localLogs/parsers/format';
import { dayIn, shiftMs, type Shift } from './shift';

export type StoreAgent = 'opencode' | 'kilo';

interface Statement {
  run(...params: (string | number | null)[]): unknown;
}
/** The part of node:sqlite's DatabaseSync a fixture writes with. */
export interface WriterDb {
  exec(sql: string): void;
  prepare(sql: string): Statement;
  close(): void;
}
type SqliteCtor = new (file: string, options?: { readOnly?: boolean }) => WriterDb;

/** node:sqlite's DatabaseSync (throws on a Node without it). */
export function databaseSync(): SqliteCtor {
  return (createRequire(__filename)('node:sqlite') as { DatabaseSync: SqliteCtor }).DatabaseSync;
}

/** A store opened as the scanner opens it (read-only), to hand to the format directly. */
export function readOnly(file: string): SqliteDb & { close(): void } {
  const Db = databaseSync();
  return new Db(file, { readOnly: true }) as unknown as SqliteDb & { close(): void };
}

/** List prices per million tokens (input, output, cache read, cache write) both genai-prices and ccusage's LiteLLM data give. */
export const RATES: Readonly<Record<string, readonly [number, number, number, number]>> = {
  'claude-sonnet-4-5': [3, 15, 0.3, 3.75],
  'gpt-5': [1.25, 10, 0.125, 0],
};

/** USD at RATES of one message (output including reasoning). */
export function listPrice(model: string, t: { input: number; output: number; read: number; write: number }): number {
  const r = RATES[model];
  if (!r) throw new Error(`no rates for ${model}`);
  return (t.input * r[0] + t.output * r[1] + t.read * r[2] + t.write * r[3]) / 1e6;
}

/** The data folder of `agent` under `home` (no XDG_DATA_HOME). */
export function dataDir(home: string, agent: StoreAgent): string {
  return path.join(home, '.local', 'share', agent);
}

const SCHEMA = `
CREATE TABLE IF NOT EXISTS project (id TEXT PRIMARY KEY, worktree TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS session (id TEXT PRIMARY KEY, project_id TEXT NOT NULL, parent_id TEXT, slug TEXT NOT NULL, directory TEXT NOT NULL, title TEXT NOT NULL, version TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL);
CREATE TABLE IF NOT EXISTS message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
CREATE INDEX IF NOT EXISTS message_session_time_created_id_idx ON message (session_id, time_created, id);
CREATE TABLE IF NOT EXISTS part (id TEXT PRIMARY KEY, message_id TEXT NOT NULL, session_id TEXT NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
`;
const SCHEMA_V2 = `
CREATE TABLE IF NOT EXISTS session_message (id TEXT PRIMARY KEY, session_id TEXT NOT NULL, type TEXT NOT NULL, seq INTEGER NOT NULL, time_created INTEGER NOT NULL, time_updated INTEGER NOT NULL, data TEXT NOT NULL);
`;

/** An open store: the writer stays open (rows in the -wal file) until `close`. */
export interface Store {
  readonly db: WriterDb;
  readonly file: string;
  /** Moves everything written so far into the main file and empties the -wal file. */
  checkpoint(): void;
  close(): void;
}

/** Creates (or opens) a WAL-mode store database with automatic checkpoints off. */
export function openStore(file: string, options: { v2?: boolean } = {}): Store {
  mkdirSync(path.dirname(file), { recursive: true });
  const Db = databaseSync();
  const db = new Db(file);
  db.exec('PRAGMA journal_mode = WAL; PRAGMA wal_autocheckpoint = 0;');
  db.exec(SCHEMA);
  if (options.v2) db.exec(SCHEMA_V2);
  return {
    db,
    file,
    checkpoint: () => db.exec('PRAGMA wal_checkpoint(TRUNCATE)'),
    close: () => db.close(),
  };
}

export interface Tokens {
  input: number;
  output: number;
  reasoning: number;
  read: number;
  write: number;
  /** Stored as `tokens.total` when set. */
  total?: number;
}

export interface AssistantMessage {
  id: string;
  session: string;
  ms: number;
  model: string;
  provider: string;
  tokens: Tokens;
  cost: number;
  cwd?: string;
}

/** The v1 payload (`message.data`; the JSON file adds `id` and `sessionID`). */
export function v1Payload(m: AssistantMessage): Record<string, unknown> {
  const t = m.tokens;
  return {
    role: 'assistant',
    time: { created: m.ms, completed: m.ms + 4000 },
    parentID: `msg_user_${m.id}`,
    modelID: m.model,
    providerID: m.provider,
    mode: 'build',
    agent: 'build',
    path: { cwd: m.cwd ?? '/work/alpha', root: m.cwd ?? '/work/alpha' },
    cost: m.cost,
    tokens: { ...(t.total !== undefined ? { total: t.total } : {}), input: t.input, output: t.output, reasoning: t.reasoning, cache: { read: t.read, write: t.write } },
    finish: 'stop',
  };
}

export function insertSession(db: WriterDb, id: string, directory: string, ms: number): void {
  db.prepare('INSERT OR IGNORE INTO project VALUES (?, ?, ?, ?)').run(`prj_${directory}`, directory, ms, ms);
  db.prepare('INSERT OR IGNORE INTO session VALUES (?, ?, NULL, ?, ?, ?, ?, ?, ?)').run(id, `prj_${directory}`, id, directory, 'a session', '1.1.0', ms, ms);
}

export function insertMessage(db: WriterDb, m: AssistantMessage): void {
  db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(m.id, m.session, m.ms, m.ms + 4000, JSON.stringify(v1Payload(m)));
}

export function insertUserMessage(db: WriterDb, id: string, session: string, ms: number): void {
  db.prepare('INSERT INTO message VALUES (?, ?, ?, ?, ?)').run(id, session, ms, ms, JSON.stringify({ role: 'user', time: { created: ms }, agent: 'build', model: { providerID: 'anthropic', modelID: 'claude-sonnet-4-5' } }));
}

/** An OpenCode 2 `session_message` row (type column, nested model, no total). */
export function insertV2Message(db: WriterDb, m: AssistantMessage, seq: number): void {
  const t = m.tokens;
  const data = { model: { id: m.model, providerID: m.provider }, time: { created: m.ms, completed: m.ms + 3000 }, cost: m.cost, tokens: { input: t.input, output: t.output, reasoning: t.reasoning, cache: { read: t.read, write: t.write } } };
  db.prepare('INSERT INTO session_message VALUES (?, ?, ?, ?, ?, ?, ?)').run(m.id, m.session, 'assistant', seq, m.ms, m.ms + 3000, JSON.stringify(data));
}

export function insertV2User(db: WriterDb, id: string, session: string, ms: number, seq: number): void {
  db.prepare('INSERT INTO session_message VALUES (?, ?, ?, ?, ?, ?, ?)').run(id, session, 'user', seq, ms, ms, JSON.stringify({ text: 'hello', time: { created: ms } }));
}

/** `storage/message/<session>/<id>.json` under the data folder. */
export function writeMessageFile(dir: string, m: AssistantMessage): string {
  const folder = path.join(dir, 'storage', 'message', m.session);
  mkdirSync(folder, { recursive: true });
  const file = path.join(folder, `${m.id}.json`);
  writeFileSync(file, JSON.stringify({ id: m.id, sessionID: m.session, ...v1Payload(m) }, null, 2));
  return file;
}

/** ms of 2026-03-`day` at `h`:`min` UTC. */
export function utc(day: number, h: number, min: number): number {
  return Date.UTC(2026, 2, day, h, min, 0);
}

export interface CorpusOptions {
  readonly agent: StoreAgent;
  readonly seed?: number;
  /** Moves every instant (test/fakes/agents/shift.ts); none: the fixed days of March 2026. */
  readonly shift?: Shift;
}

export interface Corpus {
  /** The open store (close it after reading). */
  readonly store: Store;
  /** Messages that are in the database (v1 and v2). */
  readonly messages: readonly AssistantMessage[];
  /** Messages only in the JSON store (OpenCode's pre-database history); none for Kilo. */
  readonly fileOnly: readonly AssistantMessage[];
  /** Messages written after the last checkpoint: only in the -wal file. */
  readonly walOnly: readonly AssistantMessage[];
  /** The days (in Asia/Kolkata) on which only JSON files hold usage. */
  readonly fileOnlyDays: readonly string[];
}

/**
 * The cross-check corpus: six days, two models both price alike, dozens of messages. OpenCode's
 * log 0 (subscription) or the list price; Kilo's always the list price (ccusage takes Kilo's
 * logged cost as the cost). Reasoning only where every reader counts it the same: rows with a
 * `total` that includes it, Google's rows without a total, and OpenCode 2 rows.
 */
export function writeStoreCorpus(home: string, options: CorpusOptions): Corpus {
  const { agent } = options;
  const at = (day: number, h: number, min: number): number => shiftMs(utc(day, h, min), options.shift);
  const rand = mulberry32(options.seed ?? 7);
  const int = (lo: number, hi: number) => lo + Math.floor(rand() * (hi - lo + 1));
  const dir = dataDir(home, agent);
  const store = openStore(path.join(dir, agent === 'kilo' ? 'kilo.db' : 'opencode.db'), { v2: agent === 'opencode' });
  const db = store.db;
  const messages: AssistantMessage[] = [];
  const walOnly: AssistantMessage[] = [];
  const fileOnly: AssistantMessage[] = [];
  const sessions = [
    { id: 'ses_a1', cwd: '/work/alpha' },
    { id: 'ses_b2', cwd: '/work/beta' },
  ];
  for (const s of sessions) insertSession(db, s.id, s.cwd, at(2, 3, 0));
  let n = 0;
  const cost = (model: string, t: Tokens, subscription: boolean) => (agent === 'opencode' && subscription ? 0 : Math.round(listPrice(model, { input: t.input, output: t.output + t.reasoning, read: t.read, write: t.write }) * 1e8) / 1e8);
  const make = (day: number, h: number, min: number, kind: 'sonnet' | 'gpt' | 'gpt-total' | 'prefixed'): AssistantMessage => {
    const s = sessions[n % 2] as { id: string; cwd: string };
    n++;
    const id = `msg_${String(n).padStart(4, '0')}${agent}`;
    const input = int(200, 9000);
    const read = int(0, 60_000);
    if (kind === 'sonnet' || kind === 'prefixed') {
      const t: Tokens = { input, output: int(50, 3000), reasoning: 0, read, write: int(0, 4000) };
      const model = kind === 'prefixed' ? 'anthropic/claude-sonnet-4.5' : 'claude-sonnet-4-5';
      return { id, session: s.id, ms: at(day, h, min), model, provider: kind === 'prefixed' ? (agent === 'kilo' ? 'kilo' : 'openrouter') : 'anthropic', tokens: t, cost: cost('claude-sonnet-4-5', t, n % 3 !== 0), cwd: s.cwd };
    }
    const output = int(80, 2500);
    const reasoning = kind === 'gpt-total' ? int(0, 1500) : 0;
    const t: Tokens = { input, output, reasoning, read, write: 0, ...(kind === 'gpt-total' ? { total: input + read + output + reasoning } : {}) };
    return { id, session: s.id, ms: at(day, h, min), model: 'gpt-5', provider: 'openai', tokens: t, cost: cost('gpt-5', t, n % 2 === 0), cwd: s.cwd };
  };
  // Days 2–5 in the main file: eight messages a day, with user turns and an aborted (zero-usage) reply.
  for (let day = 2; day <= 5; day++) {
    for (let k = 0; k < 8; k++) {
      const kinds = ['sonnet', 'gpt-total', 'gpt', 'prefixed'] as const;
      // 18:25 UTC is 23:55 in Kolkata, 18:35 UTC is 00:05 the next day.
      const [h, min] = k === 6 ? [18, 25] : k === 7 ? [18, 35] : [3 + k * 2, int(0, 59)];
      const m = make(day, h, min, kinds[k % 4] as (typeof kinds)[number]);
      insertUserMessage(db, `${m.id}_u`, m.session, m.ms - 2000);
      insertMessage(db, m);
      messages.push(m);
    }
    insertMessage(db, { id: `msg_abort${day}${agent}`, session: 'ses_a1', ms: at(day, 12, 0), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: { input: 0, output: 0, reasoning: 0, read: 0, write: 0 }, cost: 0 });
  }
  if (agent === 'opencode') {
    // OpenCode 2 rows (session_message, reasoning apart, no total) on day 5 (Google: reasoning apart too).
    insertSession(db, 'ses_v2', '/work/gamma', at(5, 6, 0));
    for (let k = 0; k < 4; k++) {
      const t: Tokens = { input: int(300, 5000), output: int(100, 2000), reasoning: int(0, 900), read: int(0, 30_000), write: 0 };
      const m: AssistantMessage = { id: `msg_v2_${k}`, session: 'ses_v2', ms: at(5, 7 + k, 10), model: 'gpt-5', provider: 'openai', tokens: t, cost: 0 };
      insertV2User(db, `msg_v2_u${k}`, 'ses_v2', m.ms - 1000, 2 * k);
      insertV2Message(db, m, 2 * k + 1);
      messages.push(m);
    }
  }
  // The JSON store: copies of migrated messages (left by the migration; inflated here, so a
  // reader that let them win would be seen) …
  for (const m of messages.slice(0, 6)) writeMessageFile(dir, { ...m, tokens: { ...m.tokens, input: m.tokens.input * 10 } });
  // … and, for OpenCode, history from before the database: a session the migration skipped (day 1).
  if (agent === 'opencode') {
    for (let k = 0; k < 5; k++) {
      const t: Tokens = { input: int(500, 6000), output: int(100, 1500), reasoning: 0, read: int(0, 20_000), write: int(0, 2000) };
      const m: AssistantMessage = { id: `msg_old_${k}`, session: 'ses_orphan', ms: at(1, 5 + k, 0), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: t, cost: 0, cwd: '/work/old' };
      writeMessageFile(dir, m);
      fileOnly.push(m);
    }
  }
  store.checkpoint();
  // Day 6: written by the running agent after the last checkpoint, so only in the -wal file.
  for (let k = 0; k < 6; k++) {
    const m = make(6, 2 + k, int(0, 59), k % 2 === 0 ? 'sonnet' : 'gpt-total');
    insertMessage(db, m);
    messages.push(m);
    walOnly.push(m);
  }
  return { store, messages, fileOnly, walOnly, fileOnlyDays: [...new Set(fileOnly.map((m) => dayIn(m.ms, 'Asia/Kolkata')))] };
}

export interface TrapDay {
  readonly day: string;
  readonly input: number;
  readonly output: number;
  readonly read: number;
  readonly write: number;
  /** USD at RATES (genai-prices' list price for these models). */
  readonly cost: number;
  /** What ccusage 20.0.24 reports for the day: tokens in all and cost. */
  readonly ccusage: { readonly tokens: number; readonly cost: number } | null;
}

export interface Traps {
  readonly stores: readonly Store[];
  readonly days: readonly TrapDay[];
  /** The environment Token Budget reads with: Kilo's traps live under XDG_DATA_HOME, which Kilo honours. */
  readonly env: Readonly<Record<string, string>>;
  /** The same folder for ccusage, which reads Kilo only from its own KILO_DATA_DIR or ~/.local/share/kilo. */
  readonly ccusageEnv: Readonly<Record<string, string>>;
}

/**
 * Rows where Token Budget follows the agent's source and ccusage 20.0.24 does not, one day each,
 * with the totals worked out by hand (see the README).
 */
export function writeStoreTraps(home: string, agent: StoreAgent): Traps {
  const xdg = path.join(home, 'xdg-data');
  const dir = agent === 'kilo' ? path.join(xdg, 'kilo') : dataDir(home, agent);
  const main = openStore(path.join(dir, agent === 'kilo' ? 'kilo.db' : 'opencode.db'));
  insertSession(main.db, 'ses_t', '/work/traps', utc(10, 1, 0));
  const days: TrapDay[] = [];
  const gpt = (id: string, day: number, tokens: Tokens, cost = 0): AssistantMessage => ({ id, session: 'ses_t', ms: utc(day, 6, 0), model: 'gpt-5', provider: 'openai', tokens, cost });
  // 10th: a row of the AI SDK 5 era with a total: total = input + cache + output, so the 300
  // reasoning tokens are inside the 500 output. Ours: output 500; ccusage adds them again (800).
  insertMessage(main.db, gpt('msg_t10', 10, { input: 1000, output: 500, reasoning: 300, read: 2000, write: 0, total: 3500 }));
  days.push({ day: '2026-03-10', input: 1000, output: 500, read: 2000, write: 0, cost: (1000 * 1.25 + 500 * 10 + 2000 * 0.125) / 1e6, ccusage: agent === 'kilo' ? { tokens: 3800, cost: 0 } : { tokens: 3800, cost: (1000 * 1.25 + 800 * 10 + 2000 * 0.125) / 1e6 } });
  // 11th: a row from before `total` was stored, OpenAI: reasoning inside output (the SDK's
  // completion tokens). Ours: 400; ccusage: 600.
  insertMessage(main.db, gpt('msg_t11', 11, { input: 2000, output: 400, reasoning: 200, read: 0, write: 0 }));
  days.push({ day: '2026-03-11', input: 2000, output: 400, read: 0, write: 0, cost: (2000 * 1.25 + 400 * 10) / 1e6, ccusage: agent === 'kilo' ? { tokens: 2600, cost: 0 } : { tokens: 2600, cost: (2000 * 1.25 + 600 * 10) / 1e6 } });
  // 12th: a second channel's database beside the main one (a dev build): ccusage reads only the main one.
  const channel = openStore(path.join(dir, 'opencode-dev.db'));
  insertSession(channel.db, 'ses_c', '/work/traps', utc(12, 1, 0));
  insertMessage(channel.db, { id: 'msg_t12', session: 'ses_c', ms: utc(12, 6, 0), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: { input: 3000, output: 200, reasoning: 0, read: 0, write: 1000 }, cost: 0 });
  days.push({ day: '2026-03-12', input: 3000, output: 200, read: 0, write: 1000, cost: (3000 * 3 + 200 * 15 + 1000 * 3.75) / 1e6, ccusage: null });
  // 13th: a message only in the JSON store: ccusage's Kilo reader has no JSON store (its OpenCode reader does).
  writeMessageFile(dir, { id: 'msg_t13', session: 'ses_gone', ms: utc(13, 6, 0), model: 'claude-sonnet-4-5', provider: 'anthropic', tokens: { input: 1500, output: 300, reasoning: 0, read: 5000, write: 0 }, cost: 0 });
  days.push({ day: '2026-03-13', input: 1500, output: 300, read: 5000, write: 0, cost: (1500 * 3 + 300 * 15 + 5000 * 0.3) / 1e6, ccusage: agent === 'kilo' ? null : { tokens: 6800, cost: (1500 * 3 + 300 * 15 + 5000 * 0.3) / 1e6 } });
  // 14th: a free / gateway model logged at $0. Ours: list price; ccusage's Kilo reader: $0 (its OpenCode reader prices it).
  insertMessage(main.db, { id: 'msg_t14', session: 'ses_t', ms: utc(14, 6, 0), model: 'claude-sonnet-4-5', provider: agent === 'kilo' ? 'kilo' : 'anthropic', tokens: { input: 4000, output: 1000, reasoning: 0, read: 0, write: 0 }, cost: 0 });
  days.push({ day: '2026-03-14', input: 4000, output: 1000, read: 0, write: 0, cost: (4000 * 3 + 1000 * 15) / 1e6, ccusage: { tokens: 5000, cost: agent === 'kilo' ? 0 : (4000 * 3 + 1000 * 15) / 1e6 } });
  return { stores: [main, channel], days, env: agent === 'kilo' ? { XDG_DATA_HOME: xdg } : {}, ccusageEnv: agent === 'kilo' ? { KILO_DATA_DIR: dir } : {} };
}
