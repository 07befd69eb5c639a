/**
 * A ZCode corpus under a home folder: `~/.zcode/cli/db/db.sqlite` in the session-versioned layout
 * and, for a second ZCODE_HOME (`~/zcode-legacy`), a database in the legacy layout (no
 * `provider_id`, no `cache_creation_input_tokens`, no `session.version`). A row per model
 * request, March 2026. Deterministic for a seed.
 *
 * Traps (test/fixtures/agents/zcode/README.md says which source each shape follows): input that
 * includes cache reads and cache writes; a cache read larger than the input; a
 * `computed_total_tokens` above the counts; requests that are running, failed or cancelled;
 * `started_at` as a REAL, on both sides of an Asia/Kolkata midnight, and 0; rows without a model;
 * a request whose session row is missing; Z.ai providers, no provider and a custom provider (a
 * UUID); the same requests in both homes; rows only in the `-wal` file (the writers stay open
 * until `close`).
 */
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';
import { checkpoint, insert, openWriter, utc, type WriterDb } from './sqlite';

export interface ZcodeRow {
  id: string;
  session_id: string;
  started_at: number;
  model_id: string;
  /** Session-versioned layout only. */
  provider_id?: string | null;
  status: string;
  input_tokens: number;
  output_tokens: number;
  reasoning_tokens: number;
  /** Session-versioned layout only. */
  cache_creation_input_tokens?: number;
  cache_read_input_tokens: number;
  computed_total_tokens: number;
}

export interface ZcodeDb {
  readonly file: string;
  readonly home: string;
  readonly legacy: boolean;
  readonly rows: ZcodeRow[];
  /** Session id → directory (sessions not listed have no row). */
  readonly sessions: ReadonlyMap<string, string>;
}

export interface ZcodeCorpus {
  readonly dbs: readonly ZcodeDb[];
  /** ZCODE_HOME naming both homes, the session-versioned one first. */
  readonly zcodeHome: string;
  close(): void;
}

export const CUSTOM_PROVIDER = '847d13c9-0568-4f2f-818e-8bd498e5d920';

/** Models and providers: Z.ai's GLM (priced differently by genai-prices and ccusage), Claude with no provider (both price it alike), Claude through a custom provider (ccusage leaves it unpriced). */
export const ZCODE_MODELS = [
  { model: 'GLM-5.1', provider: 'builtin:zai-coding-plan' },
  { model: 'GLM-4.7', provider: 'zai-coding-plan' },
  { model: 'claude-sonnet-4-5', provider: null },
  { model: 'claude-haiku-4-5', provider: CUSTOM_PROVIDER },
] as const;

const CURRENT_SCHEMA = `CREATE TABLE model_usage (id TEXT PRIMARY KEY, session_id TEXT, logical_request_id TEXT, started_at INTEGER, completed_at INTEGER,
  first_token_at INTEGER, model_id TEXT, provider_id TEXT, agent TEXT, status TEXT, finish_reason TEXT, attempt_index INTEGER,
  input_tokens INTEGER, output_tokens INTEGER, reasoning_tokens INTEGER, cache_creation_input_tokens INTEGER,
  cache_read_input_tokens INTEGER, computed_total_tokens INTEGER, duration_ms INTEGER, tool_call_count INTEGER);
CREATE TABLE session (id TEXT PRIMARY KEY, project_id TEXT, parent_id TEXT, directory TEXT, title TEXT, version TEXT, task_type TEXT)`;

const LEGACY_SCHEMA = `CREATE TABLE model_usage (id TEXT PRIMARY KEY, session_id TEXT, started_at INTEGER, model_id TEXT, status TEXT,
  input_tokens INTEGER, output_tokens INTEGER, reasoning_tokens INTEGER, cache_read_input_tokens INTEGER, computed_total_tokens INTEGER);
CREATE TABLE session (id TEXT PRIMARY KEY, directory TEXT, title TEXT)`;

function putUsage(db: WriterDb, row: ZcodeRow): void {
  insert(db, 'model_usage', { ...row });
}

/** Writes the corpus under `home`; the writers stay open until `close()`. */
export function writeZcodeCorpus(home: string, seed = 2026): ZcodeCorpus {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  let n = 0;

  function request(day: number, hour: number, minute: number, modelIndex: number, sessionId: string): ZcodeRow {
    const m = ZCODE_MODELS[modelIndex % ZCODE_MODELS.length] ?? ZCODE_MODELS[0];
    n++;
    const input = int(5_000, 150_000);
    const read = Math.floor(input * int(0, 90) * 0.01);
    const creation = Math.floor((input - read) * int(0, 30) * 0.01);
    const output = int(100, 8_000);
    return {
      id: `usage-${String(n).padStart(4, '0')}`,
      session_id: sessionId,
      started_at: utc(day, hour, minute, int(0, 59)) + int(0, 999),
      model_id: m.model,
      provider_id: m.provider,
      status: 'completed',
      input_tokens: input,
      output_tokens: output,
      reasoning_tokens: int(0, 1) === 1 ? Math.floor(output / 3) : 0,
      cache_creation_input_tokens: creation,
      cache_read_input_tokens: read,
      computed_total_tokens: input + output,
    };
  }

  const sessions = new Map<string, string>();
  for (let s = 1; s <= 6; s++) sessions.set(`ses_${s}`, `/home/dev/project-${(s % 3) + 1}`);
  const rows: ZcodeRow[] = [];
  for (let i = 0; i < 40; i++) rows.push(request(2 + (i % 5), int(2, 16), int(0, 59), i, `ses_${(i % 6) + 1}`));
  // Not completed: never counted.
  for (const status of ['running', 'error', 'cancelled']) rows.push({ ...request(3, 12, 0, 0, 'ses_1'), status });
  // started_at as a REAL, both sides of midnight in Asia/Kolkata (18:30 UTC).
  rows.push({ ...request(4, 18, 29, 2, 'ses_2'), started_at: utc(4, 18, 29, 59) + 999.6 });
  rows.push({ ...request(4, 18, 30, 2, 'ses_2'), started_at: utc(4, 18, 30, 0) + 0.4 });
  // A cache read larger than the input (clamped to it), a total above the counts (the rest is output).
  rows.push({ ...request(5, 9, 0, 2, 'ses_3'), input_tokens: 1_000, cache_read_input_tokens: 4_000, cache_creation_input_tokens: 0, output_tokens: 200, computed_total_tokens: 1_200 });
  rows.push({ ...request(5, 9, 5, 0, 'ses_3'), input_tokens: 20_000, cache_read_input_tokens: 5_000, cache_creation_input_tokens: 1_000, output_tokens: 900, computed_total_tokens: 21_450 });
  // Skipped: no model, no instant.
  rows.push({ ...request(5, 10, 0, 0, 'ses_3'), model_id: ' ' });
  rows.push({ ...request(5, 10, 0, 0, 'ses_3'), started_at: 0 });
  // A request whose session has no row (the project is unknown).
  rows.push(request(6, 11, 0, 2, 'ses_orphan'));

  const mainHome = path.join(home, '.zcode');
  const mainFile = path.join(mainHome, 'cli', 'db', 'db.sqlite');
  const main = openWriter(mainFile);
  main.exec(CURRENT_SCHEMA);
  for (const [id, directory] of sessions) insert(main, 'session', { id, directory, title: 'Task', version: '0.16.3', task_type: 'chat' });
  const half = Math.floor(rows.length / 2);
  for (const row of rows.slice(0, half)) putUsage(main, row);
  checkpoint(main);
  for (const row of rows.slice(half)) putUsage(main, row); // only in the -wal file

  // The legacy home: requests of its own, and two of the current home's (same ids; no cache writes, so both layouts read them alike).
  const legacyHome = path.join(home, 'zcode-legacy');
  const legacyFile = path.join(legacyHome, 'cli', 'db', 'db.sqlite');
  const legacyRows: ZcodeRow[] = [];
  for (let i = 0; i < 8; i++) {
    const r = request(2 + (i % 5), int(2, 16), int(0, 59), i, 'old_1');
    delete r.provider_id;
    delete r.cache_creation_input_tokens;
    legacyRows.push(r);
  }
  for (const r of rows.slice(0, 2)) {
    r.cache_creation_input_tokens = 0;
    main.prepare('UPDATE model_usage SET cache_creation_input_tokens = 0 WHERE id = ?').run(r.id);
    const copy: ZcodeRow = { ...r };
    delete copy.provider_id;
    delete copy.cache_creation_input_tokens;
    legacyRows.push(copy);
  }
  const legacy = openWriter(legacyFile);
  legacy.exec(LEGACY_SCHEMA);
  insert(legacy, 'session', { id: 'old_1', directory: '/home/dev/legacy', title: 'Old task' });
  for (const row of legacyRows) putUsage(legacy, row);

  return {
    dbs: [
      { file: mainFile, home: mainHome, legacy: false, rows, sessions },
      { file: legacyFile, home: legacyHome, legacy: true, rows: legacyRows, sessions: new Map([['old_1', '/home/dev/legacy']]) },
    ],
    zcodeHome: `${mainHome},${legacyHome}`,
    close() {
      main.close();
      legacy.close();
    },
  };
}
