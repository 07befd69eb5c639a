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

/**
 * Where the next read of a table starts, for a table that grows by inserts and whose rows are
 * written again in place only while they are open (a reply streaming, a request running): rowids
 * grow with every insert (SQLite has one writer at a time), so the rows added or changed since a
 * read are those from `floor` on.
 */
export interface RowidCursor {
  /** The largest rowid read, and the id of its row (a database rewritten since, or VACUUMed with gaps, has another row there). */
  rowid: number;
  last: string;
  /** The first rowid read next time: the oldest row still open (created within the open time of `newest`), else rowid + 1. */
  floor: number;
  /** The newest creation time read (epoch ms). */
  newest: number;
  /** The table's rows when it was read. */
  rows: number;
}

/** A row's key as text (a text or integer column); null when it has none. */
function idOf(value: unknown): string | null {
  return textIn(value) ?? (numberIn(value) !== null ? String(value) : null);
}

export function isRowidCursor(value: unknown): value is RowidCursor {
  const c = rowOf(value);
  return c !== null && ['rowid', 'floor', 'newest', 'rows'].every((k) => typeof c[k] === 'number') && typeof c['last'] === 'string';
}

/** What a row told `readRowsSince`: whether it may still be written again in place, and when it was created (epoch ms, 0 unknown). */
export interface RowState {
  readonly open: boolean;
  readonly created: number;
}

/**
 * Hands `visit` every row of `table` (no cursor), or the rows from the cursor's `floor` on: those
 * are all the rows added or changed since, provided none was deleted, which is checked: the row at
 * the cursor's `rowid` must still be the one it was, and the table must hold the rows it held plus
 * those beyond `rowid`. Null when that fails (rows deleted or replaced, another database): read
 * whole. `query`: what is selected (the columns, among them the key as `id`) from what (`from`,
 * e.g. a join), and how the table's rowid is named there (`m.rowid` in a join). A table without
 * rowids (WITHOUT ROWID) is read whole every time (no cursor). A row open for longer
 * than `openMs` before the newest row's creation is taken as closed (its writer ended without
 * closing it). The cursor is null when a row has no id.
 */
export function readRowsSince(
  db: SqliteDb,
  table: string,
  prior: RowidCursor | null,
  query: { readonly columns: string; readonly from: string; readonly rowid: string },
  visit: (row: Record<string, unknown>) => RowState,
  openMs: number,
): { read: number; cursor: RowidCursor | null } | null {
  const select = (rowid: string) => `SELECT ${rowid} AS "rid", ${query.columns} FROM ${query.from}`;
  let list: unknown[];
  let rowids = true;
  if (prior) {
    try {
      if (prior.rowid > 0 && idOf(rowOf(db.prepare(`SELECT id FROM "${table}" WHERE rowid = ?`).all(prior.rowid)[0])?.['id']) !== prior.last) return null;
      list = db.prepare(`${select(query.rowid)} WHERE ${query.rowid} >= ?`).all(prior.floor);
    } catch {
      return null;
    }
  } else {
    try {
      list = db.prepare(select(query.rowid)).all();
    } catch {
      list = db.prepare(select('NULL')).all(); // no rowids (or no such table: this throws again)
      rowids = false;
    }
  }
  let rowid = prior?.rowid ?? 0;
  let last = prior?.last ?? '';
  let newest = prior?.newest ?? 0;
  let ids = true;
  let added = 0;
  const open: { rid: number; created: number }[] = [];
  for (const value of list) {
    const row = rowOf(value);
    if (!row) continue;
    const st = visit(row);
    const rid = numberIn(row['rid']) ?? 0;
    const id = idOf(row['id']);
    if (id === null) ids = false;
    if (prior && rid > prior.rowid) added++;
    if (rid > rowid) {
      rowid = rid;
      last = id ?? '';
    }
    newest = Math.max(newest, st.created);
    if (st.open) open.push({ rid, created: st.created });
  }
  let rows = list.length;
  if (prior) {
    rows = numberIn(rowOf(db.prepare(`SELECT count(*) AS n FROM "${table}"`).all()[0])?.['n']) ?? -1;
    if (rows !== prior.rows + added) return null; // rows deleted (or replaced under new rowids)
  }
  if (!ids || !rowids) return { read: list.length, cursor: null };
  const floor = Math.min(rowid + 1, ...open.filter((o) => o.created >= newest - openMs).map((o) => o.rid));
  return { read: list.length, cursor: { rowid, last, floor, newest, rows } };
}
