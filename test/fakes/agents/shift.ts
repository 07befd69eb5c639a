/**
 * Moving a corpus of test/fakes/agents in time. The generators write fixed days of March and April
 * 2026 (their unit tests compare with figures worked out by hand on those days); a test that counts
 * the spend of the budget year in force (test/e2e/localLogs.test.ts) moves them into it, by whole
 * days, with the `shift` option the generators it uses take (none: the fixed days, unchanged).
 *
 * `writeInYear` writes a corpus once in a scratch folder, finds every instant it wrote
 * (`instantsUnder`: ISO strings, epoch seconds and milliseconds, `[seconds, nanoseconds]` pairs, in
 * JSON, JSONL, SQLite rows and file names), plans a shift with `planShift` and writes it again,
 * moved, where it belongs. Both readers of the moved corpus (the extension and ccusage) read the
 * same instants, so what depends on the date (Kimi's kimi-k2.6 switch, dated prices) stays alike.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { sqlite } from './sqlite';

export const DAY_MS = 86_400_000;

/**
 * How a generator moves its instants: each by `days` whole days; then, with `notBefore` (epoch
 * ms), one still before it on by as many more whole days as it takes to reach it (a corpus longer
 * than the year so far folds onto the year's first day, keeping its time of day). The generators
 * move the fixed instants they start from (a session's start, a day of the corpus) and reckon the
 * rest from them, so a folded session stays in order.
 */
export interface Shift {
  readonly days: number;
  readonly notBefore?: number;
}

/** An instant (epoch ms) as `shift` moves it. */
export function shiftMs(ms: number, shift: Shift | undefined): number {
  if (!shift) return ms;
  let t = ms + shift.days * DAY_MS;
  if (shift.notBefore !== undefined && t < shift.notBefore) t += Math.ceil((shift.notBefore - t) / DAY_MS) * DAY_MS;
  return t;
}

/** An ISO instant (`…Z`) as `shift` moves it, written as `Date.toISOString` writes it (unmoved: as it was). */
export function shiftIso(iso: string, shift: Shift | undefined): string {
  return shift ? new Date(shiftMs(Date.parse(iso), shift)).toISOString() : iso;
}

/** The day (YYYY-MM-DD) of an instant in `zone`. */
export function dayIn(ms: number, zone: string): string {
  return new Intl.DateTimeFormat('en-CA', { timeZone: zone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(ms);
}

/** How far `zone`'s wall clock is ahead of UTC at `ms`. */
function offsetMs(ms: number, zone: string): number {
  const parts = new Intl.DateTimeFormat('en-US', { timeZone: zone, hourCycle: 'h23', year: 'numeric', month: 'numeric', day: 'numeric', hour: 'numeric', minute: 'numeric', second: 'numeric' }).formatToParts(ms);
  const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
  return Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second')) - Math.floor(ms / 1000) * 1000;
}

/** The instant (epoch ms) `day` (YYYY-MM-DD) begins in `zone`. */
export function dayStartIn(day: string, zone: string): number {
  const wall = Date.parse(`${day}T00:00:00Z`);
  const guess = wall - offsetMs(wall, zone);
  return wall - offsetMs(guess, zone);
}

/** Where the year of `now` in `zone` begins (1 January, the budget year's default start). */
export function yearStartIn(now: number, zone: string): number {
  return dayStartIn(`${dayIn(now, zone).slice(0, 4)}-01-01`, zone);
}

/**
 * How far past the year's start a fold puts what it moves: a generator reckons a few instants back
 * from a moved one (a user message seconds before its reply, a span's start), which stay in the year.
 */
const FOLD_MARGIN_MS = 10 * 60_000;

/**
 * A shift that puts instants from `first` to `last` (epoch ms) into the year of `now` in `zone`:
 * the last `leadDays` days before `now` when the corpus fits there; else from the year's first
 * day, when it fits between that and `now`; else (the first days of January) the last by `now`
 * and the earlier ones folded onto the year's first day (`Shift.notBefore`). From 3 January on
 * every instant lands between the year's start and `now`; on 2 January on a day from 1 January to
 * today (a session folded onto the first day can run later today than `now`). On 1 January no move
 * by whole days can do even that (the corpus's times of day span the day): a folded session falls
 * later that day than `now`, one late in the day past midnight.
 */
export function planShift(range: { readonly first: number; readonly last: number }, at: { readonly now: number; readonly zone: string; readonly leadDays?: number }): Shift {
  const { first, last } = range;
  const lo = yearStartIn(at.now, at.zone);
  const lead = at.leadDays ?? 3;
  let days = Math.floor((at.now - lead * DAY_MS - last) / DAY_MS);
  if (first + days * DAY_MS >= lo) return { days };
  days = Math.ceil((lo - first) / DAY_MS);
  if (last + days * DAY_MS <= at.now) return { days };
  return { days: Math.floor((at.now - last) / DAY_MS), notBefore: lo + FOLD_MARGIN_MS };
}

/** Where an instant was found. */
export interface Instant {
  readonly ms: number;
  readonly where: string;
}

/** Epoch seconds and milliseconds this far apart are taken for instants (2017–2049). */
const SECONDS = [1.5e9, 2.5e9] as const;
const MILLISECONDS = [1.5e12, 2.5e12] as const;
/** Numbers in that range that are no instants: Grok's cost in ticks, Copilot's nano-AIU. */
const NOT_INSTANTS = new Set(['costUsdTicks', 'totalNanoAiu']);
/** An ISO instant with its zone, in a text. */
const ISO = /\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:\d{2})/g;
/** An instant in a file name: `2026-03-10T12-00-00.000Z`, `2026-03-09T05-10-00-000Z`, `2026-03-02T03-10`; `20260302-091500`. */
const NAME_ISO = /(\d{4})-(\d{2})-(\d{2})T(\d{2})[-:](\d{2})(?:[-:](\d{2})(?![\da-f])(?:[-.](\d{3})(?![\da-f]))?)?/g;
const NAME_COMPACT = /(?<![\da-f])(\d{4})(\d{2})(\d{2})-(\d{2})(\d{2})(\d{2})(?![\da-f])/g;

function numberInstant(n: number): number | null {
  if (n >= SECONDS[0] && n <= SECONDS[1]) return Math.round(n * 1000);
  if (n >= MILLISECONDS[0] && n <= MILLISECONDS[1]) return n;
  return null;
}

function walk(value: unknown, key: string, where: string, out: Instant[]): void {
  if (typeof value === 'number') {
    const ms = NOT_INSTANTS.has(key) ? null : numberInstant(value);
    if (ms !== null) out.push({ ms, where: `${where} ${key}` });
  } else if (typeof value === 'string') {
    inText(value, where, out);
  } else if (Array.isArray(value)) {
    for (const v of value) walk(v, key, where, out);
  } else if (value !== null && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) walk(v, k, where, out);
  }
}

function inText(text: string, where: string, out: Instant[]): void {
  for (const m of text.matchAll(ISO)) out.push({ ms: Date.parse(m[0]), where: `${where} ${m[0]}` });
  if (text.length > 1 && '{['.includes(text[0] ?? '')) {
    try {
      walkNumbers(JSON.parse(text) as unknown, where, out);
    } catch {
      // Not JSON: its ISO strings are all it holds.
    }
  }
}

/** The numbers of a parsed JSON value (its strings are searched as text already). */
function walkNumbers(value: unknown, where: string, out: Instant[], key = ''): void {
  if (typeof value === 'number') walk(value, key, where, out);
  else if (typeof value === 'string') {
    if (value.length > 1 && '{['.includes(value[0] ?? '')) inText(value, where, out);
  } else if (Array.isArray(value)) for (const v of value) walkNumbers(v, where, out, key);
  else if (value !== null && typeof value === 'object') for (const [k, v] of Object.entries(value)) walkNumbers(v, where, out, k);
}

function inName(name: string, where: string, out: Instant[]): void {
  for (const m of name.matchAll(NAME_ISO)) {
    const [, y, mo, d, h, mi, s, ms] = m;
    out.push({ ms: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s ?? 0), Number(ms ?? 0)), where: `${where} (name)` });
  }
  for (const m of name.matchAll(NAME_COMPACT)) {
    const [, y, mo, d, h, mi, s] = m;
    out.push({ ms: Date.UTC(Number(y), Number(mo) - 1, Number(d), Number(h), Number(mi), Number(s)), where: `${where} (name)` });
  }
}

function inSqlite(file: string, where: string, out: Instant[]): void {
  const mod = sqlite();
  if (!mod) throw new Error(`${where} is a SQLite database: finding its instants needs node:sqlite (Node 22.13 or later)`);
  const db = new mod.DatabaseSync(file, { readOnly: true });
  try {
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table'").all() as { name: string }[];
    for (const { name } of tables) {
      for (const row of db.prepare(`SELECT * FROM "${name}"`).all() as Record<string, unknown>[]) {
        for (const [column, value] of Object.entries(row)) walk(value, column, `${where} ${name}`, out);
      }
    }
  } finally {
    db.close();
  }
}

/**
 * Every instant in the files under `dir`: in their names, their text (ISO strings; JSON's and
 * JSONL's numbers that read as epoch seconds or milliseconds, a `[seconds, nanoseconds]` pair's
 * seconds among them) and their SQLite databases' rows (the `-wal` read with them).
 */
export function instantsUnder(dir: string): Instant[] {
  const out: Instant[] = [];
  const visit = (d: string): void => {
    for (const name of readdirSync(d)) {
      const file = path.join(d, name);
      const where = path.relative(dir, file);
      const st = statSync(file);
      if (st.isDirectory()) {
        visit(file);
        continue;
      }
      inName(name, where, out);
      if (/-(wal|shm|journal)$/.test(name)) continue;
      const bytes = readFileSync(file);
      if (bytes.subarray(0, 16).toString('latin1') === 'SQLite format 3\0') {
        inSqlite(file, where, out);
        continue;
      }
      const text = bytes.toString('utf8');
      for (const m of text.matchAll(ISO)) out.push({ ms: Date.parse(m[0]), where: `${where} ${m[0]}` });
      for (const line of text.split('\n')) {
        try {
          walkNumbers(JSON.parse(line) as unknown, where, out);
        } catch {
          // A torn line, a pretty-printed document's line, text: the document is tried whole below.
        }
      }
      if (!/\.jsonl(\.|$)/.test(name)) {
        try {
          walkNumbers(JSON.parse(text) as unknown, where, out);
        } catch {
          // Not one JSON document.
        }
      }
    }
  };
  visit(dir);
  return out;
}

/** The first and last of `instants`. */
export function rangeOf(instants: readonly Instant[]): { first: number; last: number } {
  if (instants.length === 0) throw new Error('no instants');
  let first = Infinity;
  let last = -Infinity;
  for (const { ms } of instants) {
    first = Math.min(first, ms);
    last = Math.max(last, ms);
  }
  return { first, last };
}

/**
 * Writes a corpus into `home` moved into the year of `now` in `zone` (see planShift): `write`
 * writes it once unmoved in a scratch folder (its instants found there) and once moved into `home`.
 * `write` must leave nothing open (close a store). Returns the shift.
 */
export function writeInYear(home: string, write: (home: string, shift: Shift | undefined) => unknown, at: { readonly now: number; readonly zone: string; readonly leadDays?: number }): Shift {
  const scratch = mkdtempSync(path.join(os.tmpdir(), 'tb-shift-'));
  let shift: Shift;
  try {
    write(scratch, undefined);
    shift = planShift(rangeOf(instantsUnder(scratch)), at);
  } finally {
    rmSync(scratch, { recursive: true, force: true });
  }
  write(home, shift);
  return shift;
}
