/**
 * A Goose corpus under a home folder: `~/.local/share/goose/sessions/sessions.db` in the current
 * schema and `~/.local/share/Block/goose/sessions/sessions.db` in an older one (no cache or cost
 * columns), each session a row of running totals, March 2026. Deterministic for a seed.
 *
 * Traps (test/fixtures/agents/goose/README.md says which source each shape follows): zone-less
 * UTC `created_at` on both sides of an Asia/Kolkata midnight; a session imported with an RFC 3339
 * `created_at`; input that includes cache reads and writes; totals above input + output
 * (Gemini's thoughts); rows with only the last turn's counts; rows without a model, with an empty
 * model config, with no tokens; a vendor-prefixed model; Goose's own `accumulated_cost`; sessions
 * whose totals grow after a checkpoint and sessions written only to the `-wal` file (the writers
 * stay open until `close`).
 */
import path from 'node:path';
import { mulberry32 } from '../../../src/core/random';
import { checkpoint, insert, openWriter, utc, type SqlValue, type WriterDb } from './sqlite';

/** A session row as the database holds it at the end. */
export interface GooseRow {
  id: string;
  working_dir: string;
  created_at: SqlValue;
  model_config_json: string | null;
  provider_name: string | null;
  total_tokens: number | null;
  input_tokens: number | null;
  output_tokens: number | null;
  accumulated_total_tokens: number | null;
  accumulated_input_tokens: number | null;
  accumulated_output_tokens: number | null;
  /** Current schema only (undefined: the older database has no such column). */
  accumulated_cache_read_tokens?: number | null;
  accumulated_cache_write_tokens?: number | null;
  accumulated_cost?: number | null;
}

export interface GooseDb {
  readonly file: string;
  readonly current: boolean;
  readonly rows: GooseRow[];
}

export interface GooseCorpus {
  readonly dbs: readonly GooseDb[];
  /** Closes the writers (a checkpoint may then move the `-wal` rows into the database). */
  close(): void;
}

/** The models of the corpus: genai-prices and ccusage both price them, none has a long-context tier. */
export const GOOSE_MODELS = [
  { name: 'claude-haiku-4-5', provider: 'anthropic', reads: true, writes: true, thoughts: false },
  { name: 'gpt-5', provider: 'openai', reads: true, writes: false, thoughts: false },
  { name: 'anthropic/claude-haiku-4.5', provider: 'openrouter', reads: true, writes: true, thoughts: false },
  { name: 'gemini-2.5-flash', provider: 'google', reads: true, writes: false, thoughts: true },
] as const;

const CURRENT_SCHEMA = `CREATE TABLE sessions (
  id TEXT PRIMARY KEY, name TEXT NOT NULL DEFAULT '', description TEXT NOT NULL DEFAULT '', user_set_name BOOLEAN DEFAULT FALSE,
  session_type TEXT NOT NULL DEFAULT 'user', working_dir TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, extension_data TEXT DEFAULT '{}',
  total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER, cache_read_tokens INTEGER, cache_write_tokens INTEGER,
  accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
  accumulated_cache_read_tokens INTEGER, accumulated_cache_write_tokens INTEGER, accumulated_cost REAL,
  schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, provider_name TEXT, model_config_json TEXT,
  goose_mode TEXT NOT NULL DEFAULT 'auto', archived_at TIMESTAMP, project_id TEXT, parent_session_id TEXT)`;

const OLDER_SCHEMA = `CREATE TABLE sessions (
  id TEXT PRIMARY KEY, description TEXT NOT NULL DEFAULT '', working_dir TEXT NOT NULL,
  created_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, updated_at TIMESTAMP DEFAULT CURRENT_TIMESTAMP, extension_data TEXT DEFAULT '{}',
  total_tokens INTEGER, input_tokens INTEGER, output_tokens INTEGER,
  accumulated_total_tokens INTEGER, accumulated_input_tokens INTEGER, accumulated_output_tokens INTEGER,
  schedule_id TEXT, recipe_json TEXT, user_recipe_values_json TEXT, name TEXT DEFAULT '', user_set_name BOOLEAN DEFAULT FALSE,
  session_type TEXT NOT NULL DEFAULT 'user', provider_name TEXT, model_config_json TEXT)`;

/** SQLite's CURRENT_TIMESTAMP text of an instant (UTC, no zone). */
export function sqlTimestamp(ms: number): string {
  return new Date(ms).toISOString().slice(0, 19).replace('T', ' ');
}

function config(model: string): string {
  return JSON.stringify({ model_name: model, context_limit: null, temperature: null, max_tokens: null, toolshim: false, toolshim_model: null });
}

function put(db: WriterDb, row: GooseRow): void {
  insert(db, 'sessions', { ...row });
}

function update(db: WriterDb, row: GooseRow): void {
  db.prepare('UPDATE sessions SET accumulated_total_tokens = ?, accumulated_input_tokens = ?, accumulated_output_tokens = ?, accumulated_cache_read_tokens = ?, accumulated_cache_write_tokens = ? WHERE id = ?').run(
    row.accumulated_total_tokens,
    row.accumulated_input_tokens,
    row.accumulated_output_tokens,
    row.accumulated_cache_read_tokens ?? null,
    row.accumulated_cache_write_tokens ?? null,
    row.id,
  );
}

/** Writes the corpus under `home`; the writers stay open until `close()`. */
export function writeGooseCorpus(home: string, seed = 2026): GooseCorpus {
  const random = mulberry32(seed);
  const int = (lo: number, hi: number) => lo + Math.floor(random() * (hi - lo + 1));
  const current: GooseRow[] = [];
  const counters = new Map<number, number>();

  function session(day: number, hour: number, minute: number, modelIndex: number): GooseRow {
    const m = GOOSE_MODELS[modelIndex % GOOSE_MODELS.length] ?? GOOSE_MODELS[0];
    const n = (counters.get(day) ?? 0) + 1;
    counters.set(day, n);
    const inputAll = int(40_000, 900_000);
    const read = m.reads ? Math.floor(inputAll * int(10, 70) * 0.01) : 0;
    const write = m.writes ? Math.floor((inputAll - read) * int(0, 20) * 0.01) : 0;
    const output = int(2_000, 40_000);
    const thoughts = m.thoughts ? int(1_000, 15_000) : 0;
    return {
      id: `202603${String(day).padStart(2, '0')}_${n}`,
      working_dir: `/home/dev/project-${int(1, 3)}`,
      created_at: sqlTimestamp(utc(day, hour, minute, int(0, 59))),
      model_config_json: config(m.name),
      provider_name: m.provider,
      total_tokens: int(1_000, 9_000),
      input_tokens: int(800, 8_000),
      output_tokens: int(50, 900),
      accumulated_total_tokens: inputAll + output + thoughts,
      accumulated_input_tokens: inputAll,
      accumulated_output_tokens: output,
      accumulated_cache_read_tokens: m.reads ? read : null,
      accumulated_cache_write_tokens: m.writes ? write : null,
      accumulated_cost: null,
    };
  }

  for (let i = 0; i < 24; i++) current.push(session(2 + (i % 5), int(2, 16), int(0, 59), i));
  // Zone-less UTC on both sides of midnight in Asia/Kolkata (UTC+5:30): 18:15 is 23:45 there, 18:45 is 00:15 the next day.
  const early = session(3, 18, 15, 0);
  early.created_at = '2026-03-03 18:15:00';
  const late = session(3, 18, 45, 1);
  late.created_at = '2026-03-03 18:45:00';
  // Imported from a legacy session file: the zone written out.
  const imported = session(5, 10, 0, 0);
  imported.created_at = '2026-03-05T10:00:00+00:00';
  // Only the last turn's counts (no running totals yet).
  const lastTurnOnly: GooseRow = { ...session(4, 9, 30, 1), accumulated_total_tokens: null, accumulated_input_tokens: null, accumulated_output_tokens: null, accumulated_cache_read_tokens: null, accumulated_cache_write_tokens: null, total_tokens: 5_300, input_tokens: 5_000, output_tokens: 300 };
  // Rows that hold nothing countable.
  const noModel: GooseRow = { ...session(4, 11, 0, 0), model_config_json: null };
  const emptyConfig: GooseRow = { ...session(4, 12, 0, 0), model_config_json: '{}' };
  const zero: GooseRow = { ...session(4, 13, 0, 0), accumulated_total_tokens: 0, accumulated_input_tokens: 0, accumulated_output_tokens: 0, accumulated_cache_read_tokens: 0, accumulated_cache_write_tokens: null, total_tokens: 0, input_tokens: 0, output_tokens: 0 };
  // Goose's own cost.
  const costed: GooseRow = { ...session(6, 8, 0, 0), accumulated_cost: 0.42 };
  current.push(early, late, imported, lastTurnOnly, noModel, emptyConfig, zero, costed);

  const mainFile = path.join(home, '.local', 'share', 'goose', 'sessions', 'sessions.db');
  const main = openWriter(mainFile);
  main.exec(CURRENT_SCHEMA);
  for (const row of current) put(main, row);
  checkpoint(main);
  // After the checkpoint, only in the -wal file: three sessions' totals grow, eight new sessions.
  for (const row of current.slice(0, 3)) {
    row.accumulated_input_tokens = (row.accumulated_input_tokens ?? 0) + 20_000;
    row.accumulated_cache_read_tokens = (row.accumulated_cache_read_tokens ?? 0) + 15_000;
    row.accumulated_output_tokens = (row.accumulated_output_tokens ?? 0) + 1_500;
    row.accumulated_total_tokens = (row.accumulated_total_tokens ?? 0) + 21_500;
    update(main, row);
  }
  for (let i = 0; i < 8; i++) {
    const row = session(2 + (i % 5), int(3, 15), int(0, 59), i + 1);
    current.push(row);
    put(main, row);
  }

  const older: GooseRow[] = [];
  for (let i = 0; i < 4; i++) {
    const row = session(2 + i, int(4, 14), int(0, 59), 0);
    delete row.accumulated_cache_read_tokens;
    delete row.accumulated_cache_write_tokens;
    delete row.accumulated_cost;
    row.id = `older_${i + 1}`;
    older.push(row);
  }
  const olderFile = path.join(home, '.local', 'share', 'Block', 'goose', 'sessions', 'sessions.db');
  const old = openWriter(olderFile);
  old.exec(OLDER_SCHEMA);
  for (const row of older) put(old, row);

  return {
    dbs: [
      { file: mainFile, current: true, rows: current },
      { file: olderFile, current: false, rows: older },
    ],
    close() {
      main.close();
      old.close();
    },
  };
}
