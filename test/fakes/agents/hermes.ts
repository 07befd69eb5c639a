/**
 * A Hermes corpus under a home folder: `~/.hermes/state.db` (the current schema), a row per
 * session with its running totals, March 2026, and a profile made with `--clone-all`
 * (`~/.hermes/profiles/coder/state.db`, a copy of some sessions). Deterministic for a seed.
 *
 * Traps (test/fixtures/agents/hermes/README.md says which source each shape follows): reasoning
 * that is part of the output already; the provider's actual cost, Hermes' estimate, an actual
 * cost of 0 for a subscription; float-second `started_at` on both sides of an Asia/Kolkata
 * midnight; OpenRouter's vendor-prefixed models; a session without a model; a session compressed
 * into a child session; sessions whose totals grow after a checkpoint and sessions only in the
 * `-wal` file (the writers stay open until `close`); copies of sessions in a profile's database.
 */
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';
import { checkpoint, insert, openWriter, utc, type WriterDb } from './sqlite';

export interface HermesRow {
  id: string;
  source: string;
  model: string | null;
  billing_provider: string | null;
  parent_session_id: string | null;
  started_at: number;
  message_count: number;
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
  reasoning_tokens: number;
  estimated_cost_usd: number | null;
  actual_cost_usd: number | null;
  cwd: string | null;
}

export interface HermesCorpus {
  /** The home's `state.db` and its rows at the end. */
  readonly file: string;
  readonly rows: HermesRow[];
  /** The profile's copy and the ids it holds. */
  readonly profileFile: string;
  readonly profileIds: readonly string[];
  close(): void;
}

/** The models of the corpus, as Hermes records them, and the provider it bills. */
export const HERMES_MODELS = [
  { model: 'claude-haiku-4-5', provider: 'anthropic', reasoning: false },
  { model: 'claude-opus-4-5', provider: 'anthropic', reasoning: false },
  { model: 'anthropic/claude-opus-4.5', provider: 'openrouter', reasoning: true },
  { model: 'gpt-5', provider: 'openai-codex', reasoning: true },
] as const;

const SCHEMA = `CREATE TABLE sessions (
  id TEXT PRIMARY KEY, source TEXT NOT NULL, user_id TEXT, model TEXT, model_config TEXT, system_prompt TEXT,
  parent_session_id TEXT, started_at REAL NOT NULL, ended_at REAL, end_reason TEXT,
  message_count INTEGER DEFAULT 0, tool_call_count INTEGER DEFAULT 0,
  input_tokens INTEGER DEFAULT 0, output_tokens INTEGER DEFAULT 0, cache_read_tokens INTEGER DEFAULT 0,
  cache_write_tokens INTEGER DEFAULT 0, reasoning_tokens INTEGER DEFAULT 0, cwd TEXT,
  billing_provider TEXT, billing_base_url TEXT, billing_mode TEXT, estimated_cost_usd REAL, actual_cost_usd REAL,
  cost_status TEXT, cost_source TEXT, pricing_version TEXT, title TEXT, api_call_count INTEGER DEFAULT 0,
  FOREIGN KEY (parent_session_id) REFERENCES sessions(id));
CREATE TABLE messages (id INTEGER PRIMARY KEY AUTOINCREMENT, session_id TEXT NOT NULL REFERENCES sessions(id), role TEXT NOT NULL,
  content TEXT, tool_call_id TEXT, tool_calls TEXT, tool_name TEXT, timestamp REAL NOT NULL, token_count INTEGER, finish_reason TEXT)`;

function put(db: WriterDb, row: HermesRow): void {
  insert(db, 'sessions', { ...row });
}

/** Writes the corpus under `home`; the writers stay open until `close()`. */
export function writeHermesCorpus(home: string, seed = 2026): HermesCorpus {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const rows: HermesRow[] = [];

  function session(day: number, hour: number, minute: number, modelIndex: number): HermesRow {
    const m = HERMES_MODELS[modelIndex % HERMES_MODELS.length] ?? HERMES_MODELS[0];
    const second = int(0, 59) + int(0, 999) / 1000;
    const stamp = new Date(utc(day, hour, minute)).toISOString().replace(/[-:]/g, '').replace('T', '_').slice(0, 15);
    const output = int(2_000, 30_000);
    return {
      id: `${stamp}_${int(0x100000, 0xffffff).toString(16)}`,
      source: 'cli',
      model: m.model,
      billing_provider: m.provider,
      parent_session_id: null,
      started_at: utc(day, hour, minute) / 1000 + second,
      message_count: int(4, 60),
      input_tokens: int(20_000, 600_000),
      output_tokens: output,
      cache_read_tokens: int(0, 2_000_000),
      cache_write_tokens: m.provider === 'anthropic' || m.provider === 'openrouter' ? int(0, 80_000) : 0,
      reasoning_tokens: m.reasoning ? Math.floor(output * int(10, 60) * 0.01) : 0,
      estimated_cost_usd: null,
      actual_cost_usd: null,
      cwd: `/home/dev/project-${int(1, 3)}`,
    };
  }

  for (let i = 0; i < 24; i++) rows.push(session(2 + (i % 5), int(2, 16), int(0, 59), i));
  // Float seconds on both sides of midnight in Asia/Kolkata: 18:29:59.5 UTC is 23:59:59.5 there, 18:30:00.25 is 00:00:00.25 the next day.
  const before = session(3, 18, 29, 0);
  before.started_at = utc(3, 18, 29, 59) / 1000 + 0.5;
  const after = session(3, 18, 30, 1);
  after.started_at = utc(3, 18, 30, 0) / 1000 + 0.25;
  // The provider's actual cost (OpenRouter's generation API); Hermes' estimate; a subscription's actual 0 with an estimate.
  const actual = { ...session(4, 10, 0, 2), actual_cost_usd: 1.234, estimated_cost_usd: 1.5 };
  const estimated = { ...session(4, 11, 0, 1), estimated_cost_usd: 0.777 };
  const included = { ...session(5, 9, 0, 3), actual_cost_usd: 0, estimated_cost_usd: 2.5 };
  // A session without a model (never billed): skipped.
  const noModel = { ...session(5, 10, 0, 0), model: null };
  // Compression: the old session ends, a child carries on with its own tokens.
  const parent = session(6, 7, 0, 0);
  const child = { ...session(6, 7, 40, 0), parent_session_id: parent.id };
  rows.push(before, after, actual, estimated, included, noModel, parent, child);

  const file = path.join(home, '.hermes', 'state.db');
  const db = openWriter(file);
  db.exec(SCHEMA);
  for (const row of rows) put(db, row);
  checkpoint(db);
  // After the checkpoint, only in the -wal file: three sessions go on, six new ones.
  for (const row of rows.slice(0, 3)) {
    row.input_tokens += 10_000;
    row.output_tokens += 1_000;
    row.cache_read_tokens += 50_000;
    db.prepare('UPDATE sessions SET input_tokens = ?, output_tokens = ?, cache_read_tokens = ? WHERE id = ?').run(row.input_tokens, row.output_tokens, row.cache_read_tokens, row.id);
  }
  for (let i = 0; i < 6; i++) {
    const row = session(2 + (i % 5), int(3, 15), int(0, 59), i + 2);
    rows.push(row);
    put(db, row);
  }

  // `hermes profile create coder --clone-all`: the profile starts with a copy of the home's state.
  const profileFile = path.join(home, '.hermes', 'profiles', 'coder', 'state.db');
  const profile = openWriter(profileFile);
  profile.exec(SCHEMA);
  const copied = rows.slice(3, 6);
  for (const row of copied) put(profile, row);

  return {
    file,
    rows,
    profileFile,
    profileIds: copied.map((r) => r.id),
    close() {
      db.close();
      profile.close();
    },
  };
}
