/**
 * The day module: day keys (`YYYY-MM-DD`), local and UTC, and the only place where they turn into
 * `Date`s, instants and back. Nothing outside this file does calendar arithmetic by hand
 * (test/unit/core/purity.test.ts checks src/core, src/sources and webview for it).
 *
 * A day key names a calendar day: in the local time zone (the ledger's days, the budget year), or
 * in UTC where a provider buckets by UTC days (the `utc…` functions). Calendar arithmetic on keys
 * (`addDaysKey`, `eachDayKey`, `diffDaysKey`, `isoWeekday`, `addMonthsKey`) is the same for both:
 * a calendar is a calendar. Every calendar computation goes through `date-fns`, which works on
 * local calendar fields, so days stay whole across DST transitions (a day of 23 or 25 hours is
 * still one day). Two hot paths of the log scanner read instants without it: `localDayKeyOfMs`
 * (and its per-quarter-hour cache, `LocalDayKeyCache`) and `utcMsOfFields`.
 */
import { addDays, addMonths, differenceInCalendarDays, eachDayOfInterval, format, getISODay, getYear, isValid, parse, startOfISOWeek, startOfMonth } from 'date-fns';
import type { DayKey } from './types';

const DAY_KEY_FORMAT = 'yyyy-MM-dd';
const DAY_KEY_SHAPE = /^\d{4}-\d{2}-\d{2}$/;

/** Reference date for `parse`; every field is given by the key, so its value does not matter. */
const PARSE_REFERENCE = new Date(2000, 0, 1);

/** The local calendar day of `d`. */
export function toDayKey(d: Date): DayKey {
  return format(d, DAY_KEY_FORMAT);
}

/**
 * Local midnight (or the first instant of the day, where midnight does not exist) of day `k`.
 * @throws RangeError when `k` is not a valid day key.
 */
export function fromDayKey(k: DayKey): Date {
  const d = DAY_KEY_SHAPE.test(k) ? parse(k, DAY_KEY_FORMAT, PARSE_REFERENCE) : new Date(Number.NaN);
  if (!isValid(d)) {
    throw new RangeError(`Not a day key (YYYY-MM-DD): ${JSON.stringify(k)}`);
  }
  return d;
}

/** True when `s` is exactly `YYYY-MM-DD` and names a real calendar day (rejects 2026-02-30). */
export function isDayKey(s: string): boolean {
  if (!DAY_KEY_SHAPE.test(s)) {
    return false;
  }
  const d = parse(s, DAY_KEY_FORMAT, PARSE_REFERENCE);
  return isValid(d) && toDayKey(d) === s;
}

/** The day `n` calendar days after `k` (before it when `n` is negative). */
export function addDaysKey(k: DayKey, n: number): DayKey {
  return toDayKey(addDays(fromDayKey(k), n));
}

/** Every day from `start` (inclusive) to `endExclusive`, in order; empty when the range is empty. */
export function eachDayKey(start: DayKey, endExclusive: DayKey): DayKey[] {
  if (endExclusive <= start) {
    return [];
  }
  const last = addDays(fromDayKey(endExclusive), -1);
  return eachDayOfInterval({ start: fromDayKey(start), end: last }).map(toDayKey);
}

/** A day key with its ISO weekday (1 = Monday … 7 = Sunday). */
export interface DayInfo {
  readonly key: DayKey;
  readonly weekday: number;
}

/**
 * Like `eachDayKey`, with each day's ISO weekday: one pass over the dates, for hot loops that
 * would otherwise parse every key again to get its weekday.
 */
export function eachDayInfo(start: DayKey, endExclusive: DayKey): DayInfo[] {
  if (endExclusive <= start) {
    return [];
  }
  const last = addDays(fromDayKey(endExclusive), -1);
  return eachDayOfInterval({ start: fromDayKey(start), end: last }).map((d) => ({ key: toDayKey(d), weekday: getISODay(d) }));
}

/** Calendar days `a − b` (positive when `a` is later). */
export function diffDaysKey(a: DayKey, b: DayKey): number {
  return differenceInCalendarDays(fromDayKey(a), fromDayKey(b));
}

/**
 * ISO weekday of `k`: 1 = Monday … 7 = Sunday. Read from the key's digits, not through date-fns'
 * `parse`, so the webview can use it without bundling the parser.
 * @throws RangeError when `k` is not a valid day key.
 */
export function isoWeekday(k: DayKey): number {
  const t = utcMidnightOfKey(k);
  if (Number.isNaN(t)) {
    throw new RangeError(`Not a day key (YYYY-MM-DD): ${JSON.stringify(k)}`);
  }
  return ((new Date(t).getUTCDay() + 6) % 7) + 1;
}

/** Midnight UTC of day `k`, from its digits; NaN when `k` is not a real calendar day. */
function utcMidnightOfKey(k: string): number {
  if (!DAY_KEY_SHAPE.test(k)) {
    return Number.NaN;
  }
  const y = Number(k.slice(0, 4));
  const m = Number(k.slice(5, 7)) - 1;
  const d = Number(k.slice(8, 10));
  const t = new Date(0);
  t.setUTCFullYear(y, m, d); // not Date.UTC, which reads years 0–99 as 1900–1999
  return t.getUTCFullYear() === y && t.getUTCMonth() === m && t.getUTCDate() === d ? t.getTime() : Number.NaN;
}

/** Today's local day key. */
export function todayKey(now: Date = new Date()): DayKey {
  return toDayKey(now);
}

/** The UTC calendar day of the instant `d`, for provider buckets, which are UTC days. */
export function utcDayKey(d: Date): DayKey {
  if (!isValid(d)) {
    throw new RangeError('Invalid date');
  }
  return utcDayKeyOfMs(d.getTime());
}

/**
 * The UTC calendar day of the instant `ms` (epoch milliseconds). The ISO string of an instant is
 * always in UTC, so its first ten characters are the UTC day.
 * @throws RangeError when `ms` is not a time value.
 */
export function utcDayKeyOfMs(ms: number): DayKey {
  return new Date(ms).toISOString().slice(0, 10);
}

/** The instant (epoch milliseconds) at which UTC day `k` begins, 00:00Z; NaN when `k` is not a valid day key. */
export function utcDayStartMs(k: DayKey): number {
  return utcMidnightOfKey(k);
}

/**
 * The instant of a UTC date and time given by its fields (month 1–12), as `Date.UTC` reads them:
 * for the log scanner's timestamps, read from their digits.
 */
export function utcMsOfFields(year: number, month: number, day: number, hour: number, minute: number, second: number, ms: number): number {
  return Date.UTC(year, month - 1, day, hour, minute, second, ms);
}

/**
 * The local calendar day of the instant `ms` (epoch milliseconds): `toDayKey(new Date(ms))`
 * without date-fns' cost (one `Date`, three fields).
 */
export function localDayKeyOfMs(ms: number): DayKey {
  const d = new Date(ms);
  const y = d.getFullYear();
  const m = d.getMonth() + 1;
  const day = d.getDate();
  return `${y < 1000 ? String(y).padStart(4, '0') : y}-${m < 10 ? '0' : ''}${m}-${day < 10 ? '0' : ''}${day}`;
}

/** Every time zone's offset, and every DST change, is a whole number of quarter hours. */
const QUARTER_HOUR_MS = 900_000;

/**
 * `localDayKeyOfMs` for hot loops (a scan buckets hundreds of thousands of instants): remembers
 * the day of each quarter hour, within which the local day cannot change. It does not notice a
 * change of time zone (`process.env.TZ`): make a new one, or `clear` it, after one.
 */
export class LocalDayKeyCache {
  private readonly days = new Map<number, DayKey>();

  /** The local calendar day of the instant `ms`. */
  of(ms: number): DayKey {
    const block = Math.floor(ms / QUARTER_HOUR_MS);
    let d = this.days.get(block);
    if (d === undefined) {
      d = localDayKeyOfMs(block * QUARTER_HOUR_MS);
      if (this.days.size > 50_000) this.days.clear();
      this.days.set(block, d);
    }
    return d;
  }

  clear(): void {
    this.days.clear();
  }
}

/** The first day of the month of `k`. */
export function monthStartKey(k: DayKey): DayKey {
  return toDayKey(startOfMonth(fromDayKey(k)));
}

/** The Monday of the ISO week (Monday to Sunday) of `k`. */
export function isoWeekStartKey(k: DayKey): DayKey {
  return toDayKey(startOfISOWeek(fromDayKey(k)));
}

/** The day `n` calendar months after `k` (the month's last day where `k`'s day does not exist). */
export function addMonthsKey(k: DayKey, n: number): DayKey {
  return toDayKey(addMonths(fromDayKey(k), n));
}

/** The earliest UTC offset in use (UTC+14, Kiribati), in milliseconds. */
const EARLIEST_OFFSET_MS = 14 * 3_600_000;

/**
 * The newest calendar day that has begun somewhere on Earth at `now`: no source in any time zone
 * can have spend on a later day.
 */
export function newestDayBegun(now: Date): DayKey {
  return utcDayKey(new Date(now.getTime() + EARLIEST_OFFSET_MS));
}

/** The earlier of two day keys. */
export function minDay(a: DayKey, b: DayKey): DayKey {
  return a <= b ? a : b;
}

/** The later of two day keys. */
export function maxDay(a: DayKey, b: DayKey): DayKey {
  return a >= b ? a : b;
}

/** The calendar year of day `k`. */
export function yearOfKey(k: DayKey): number {
  return getYear(fromDayKey(k));
}
