/**
 * Writing the SQLite agents' fixture databases with node:sqlite (Node 22.5 and later; these tests
 * run on the editor's Node 24), as the agents write them: in WAL mode, with a writer connection
 * left open while the logs are read, so that rows written after the last checkpoint are only in
 * the `-wal` file (`checkpoint` moves what is written so far into the database file).
 */
import { mkdirSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';

export type SqlValue = string | number | null;

/** The part of node:sqlite's DatabaseSync the fixtures use. */
export interface WriterDb {
  exec(sql: string): void;
  prepare(sql: string): { run(...params: SqlValue[]): unknown; all(...params: SqlValue[]): unknown[] };
  close(): void;
}

type SqliteModule = { DatabaseSync: new (file: string, options?: { readOnly?: boolean }) => WriterDb };

let loaded: SqliteModule | null | undefined;

/** node:sqlite, or null where this Node has none (the tests are skipped there). */
export function sqlite(): SqliteModule | null {
  if (loaded === undefined) {
    try {
      loaded = createRequire(__filename)('node:sqlite') as SqliteModule;
    } catch {
      loaded = null;
    }
  }
  return loaded;
}

/** Why SQLite tests cannot run on this Node, or false when they can (for `it(…, { skip })`). */
export function sqliteSkip(): string | false {
  return sqlite() ? false : `node:sqlite is missing from Node ${process.version}: run with ~/.cache/token-budget/editor/node_modules/.bin/node`;
}

/** A new database at `file` (its folder made), in WAL mode without automatic checkpoints, held open for writing. */
export function openWriter(file: string): WriterDb {
  const mod = sqlite();
  if (!mod) throw new Error(String(sqliteSkip()));
  mkdirSync(path.dirname(file), { recursive: true });
  const db = new mod.DatabaseSync(file);
  db.exec('PRAGMA journal_mode = WAL');
  db.exec('PRAGMA wal_autocheckpoint = 0');
  return db;
}

/** Moves everything written so far from the `-wal` file into the database file. */
export function checkpoint(db: WriterDb): void {
  db.exec('PRAGMA wal_checkpoint(TRUNCATE)');
}

/** Inserts `row` into `table` (names are the fixture's own). */
export function insert(db: WriterDb, table: string, row: Readonly<Record<string, SqlValue>>): void {
  const keys = Object.keys(row);
  db.prepare(`INSERT INTO ${table} (${keys.map((k) => `"${k}"`).join(', ')}) VALUES (${keys.map(() => '?').join(', ')})`).run(...keys.map((k) => row[k] ?? null));
}

/** A deterministic UTC instant in March 2026: day `d` (1-based), hour, minute. */
export function utc(d: number, hour: number, minute = 0, second = 0): number {
  return Date.UTC(2026, 2, d, hour, minute, second);
}
