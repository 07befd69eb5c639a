/**
 * UTC calendar-day helpers for the simulator.
 *
 * A day is written `YYYY-MM-DD` (a "day key"); day keys compare correctly as strings.
 * `@date-fns/utc` is not installed, so days are stepped with date-fns `addDays` on a `Date`
 * anchored at 12:00 UTC: `addDays` works in the process's local time zone, and a noon anchor
 * keeps the UTC calendar date right whatever that zone and its daylight-saving shifts are.
 */
import { addDays, addYears } from 'date-fns';

export type DayKey = string;

const DAY_KEY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MS_PER_DAY = 86_400_000;

/** True for a well-formed, real calendar date (`2026-02-30` is false). */
export function isDayKey(value: string): boolean {
  const m = DAY_KEY.exec(value);
  if (!m) return false;
  const d = new Date(`${value}T12:00:00Z`);
  return !Number.isNaN(d.getTime()) && toDayKey(d) === value;
}

/** The day as a `Date` at 12:00 UTC. */
export function dayAnchor(key: DayKey): Date {
  if (!DAY_KEY.test(key)) throw new RangeError(`Not a YYYY-MM-DD day: ${JSON.stringify(key)}`);
  return new Date(`${key}T12:00:00Z`);
}

/** The UTC calendar date of an instant. */
export function toDayKey(instant: Date): DayKey {
  return instant.toISOString().slice(0, 10);
}

export function plusDays(key: DayKey, amount: number): DayKey {
  return toDayKey(addDays(dayAnchor(key), amount));
}

export function plusYears(key: DayKey, amount: number): DayKey {
  return toDayKey(addYears(dayAnchor(key), amount));
}

/** Calendar days from `a` to `b` (negative when `b` is earlier). */
export function daysBetween(a: DayKey, b: DayKey): number {
  return Math.round((dayAnchor(b).getTime() - dayAnchor(a).getTime()) / MS_PER_DAY);
}

/** ISO weekday of the day: 1 = Monday … 7 = Sunday. */
export function isoWeekday(key: DayKey): number {
  const js = dayAnchor(key).getUTCDay();
  return js === 0 ? 7 : js;
}

/** Days since 1970-01-01 (a stable integer per calendar day, used to seed per-day draws). */
export function epochDay(key: DayKey): number {
  return Math.round((dayAnchor(key).getTime() - 12 * 3_600_000) / MS_PER_DAY);
}

/** Fraction of the UTC day elapsed at `instant`, in [0, 1). */
export function fractionOfUtcDay(instant: Date): number {
  const midnight = Date.UTC(instant.getUTCFullYear(), instant.getUTCMonth(), instant.getUTCDate());
  return (instant.getTime() - midnight) / MS_PER_DAY;
}

/** RFC 3339 UTC timestamp without milliseconds, e.g. `2026-11-27T06:00:00Z`. */
export function toInstantString(instant: Date): string {
  return `${instant.toISOString().slice(0, 19)}Z`;
}

/** The `n`-th (1-based) ISO weekday `weekday` of a month; `n = -1` is the last one. */
export function nthWeekdayOfMonth(year: number, month: number, weekday: number, n: number): DayKey {
  const first = `${year}-${String(month).padStart(2, '0')}-01`;
  if (n > 0) {
    const offset = (weekday - isoWeekday(first) + 7) % 7;
    return plusDays(first, offset + 7 * (n - 1));
  }
  const last = plusDays(plusDays(first, 40).slice(0, 8) + '01', -1);
  const back = (isoWeekday(last) - weekday + 7) % 7;
  return plusDays(last, -back);
}
