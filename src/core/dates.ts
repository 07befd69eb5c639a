/**
 * Day keys (`YYYY-MM-DD`) and the only place where they turn into `Date`s and back.
 *
 * A day key names a calendar day in the local time zone. Every calendar computation goes through
 * `date-fns`, which works on local calendar fields, so days stay whole across DST transitions
 * (a day of 23 or 25 hours is still one day).
 */
import { addDays, differenceInCalendarDays, eachDayOfInterval, format, getISODay, getYear, isValid, parse } from 'date-fns';
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

/** ISO weekday of `k`: 1 = Monday … 7 = Sunday. */
export function isoWeekday(k: DayKey): number {
  return getISODay(fromDayKey(k));
}

/** Today's local day key. */
export function todayKey(now: Date = new Date()): DayKey {
  return toDayKey(now);
}

/**
 * The UTC calendar day of the instant `d`, for provider buckets, which are UTC days.
 * (The ISO string of an instant is always in UTC, so its first ten characters are the UTC day.)
 */
export function utcDayKey(d: Date): DayKey {
  if (!isValid(d)) {
    throw new RangeError('Invalid date');
  }
  return d.toISOString().slice(0, 10);
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
