/**
 * Reading an agent's SQLite tables defensively, for the formats of kind `sqlite`: which columns a
 * table has (agents add columns release by release, and a query naming a missing one fails
 * whole), and a row's values checked for type (a value is whatever the agent, or an older or
 * newer release of it, wrote there).
 *
 * node:sqlite hands a row over as an object: INTEGER and REAL as number (or bigint, when asked
 * for), TEXT as string, NULL as null, BLOB as Uint8Array.
 */
import type { SqliteDb } from './format';

/** The columns of `table` (a name of the format's own, never data); empty when there is no such table. */
export function columnsOf(db: SqliteDb, table: string): Set<string> {
  const out = new Set<string>();
  for (const row of db.prepare(`PRAGMA table_info("${table}")`).all()) {
    const name = rowOf(row)?.['name'];
    if (typeof name === 'string') out.add(name);
  }
  return out;
}

/**
 * A SELECT list of `wanted` columns (names of the format's own) read from `prefix` (`m.` for a
 * joined table): each as itself, or `NULL` under its name where the table lacks it.
 */
export function selectList(have: ReadonlySet<string>, wanted: readonly string[], prefix = ''): string {
  return wanted.map((c) => (have.has(c) ? `${prefix}"${c}" AS "${c}"` : `NULL AS "${c}"`)).join(', ');
}

/** A row as a record; null when it is not an object. */
export function rowOf(value: unknown): Record<string, unknown> | null {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : null;
}

/** A finite number (an integer or real column); null for anything else (NULL, text, a blob). */
export function numberIn(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'bigint') return Number(value);
  return null;
}

/** A token count: a number rounded to a whole count, a negative one or anything not a number read as 0. */
export function countIn(value: unknown): number {
  const n = numberIn(value);
  return n !== null && n > 0 ? Math.round(n) : 0;
}

/** A text value trimmed, null when it is not text or only blanks. */
export function textIn(value: unknown): string | null {
  if (typeof value !== 'string') return null;
  const t = value.trim();
  return t === '' ? null : t;
}
