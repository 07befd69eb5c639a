/**
 * Formatting of money, percentages, token counts and days for display, and rounding of machine
 * values. Negative amounts use an ASCII hyphen-minus: "-$12.00".
 *
 * Shared by the extension host and the dashboard webview (which bundles it), so it stays small:
 * days are written from their key's digits with our own month names, not with date-fns `format`
 * and its locale (heavy in the webview bundle); a day key names a calendar day, so no time zone
 * can shift it, and "Sep" stays "Sep" whatever the ICU version.
 */
import { getDay, isValid, lightFormat } from 'date-fns';
import type { DayKey } from './types';

const USD = new Intl.NumberFormat('en-US', { minimumFractionDigits: 2, maximumFractionDigits: 2 });

/** Suffixes for compact numbers, smallest first. */
const SCALES: readonly (readonly [number, string])[] = [
  [1e3, 'k'],
  [1e6, 'M'],
  [1e9, 'B'],
  [1e12, 'T'],
];

/** "-" for a value that is negative after rounding, "" otherwise (no "-0"). */
function sign(n: number, rounded: number): string {
  return n < 0 && rounded !== 0 ? '-' : '';
}

/** Rounds to cents (half away from zero) for machine values such as `data-value`; never returns -0. */
export function round2(n: number): number {
  const rounded = (Math.sign(n) * Math.round(Math.abs(n) * 100)) / 100;
  return rounded === 0 ? 0 : rounded;
}

/** "$48,213.55", "-$12.00". */
export function formatUsd(n: number): string {
  const abs = Math.abs(round2(n));
  return `${sign(n, abs)}$${USD.format(abs)}`;
}

/**
 * `abs` (at least 999.5) in the smallest scale whose rounded value stays below 1000, with
 * `digits(value)` fraction digits: 999,960 tokens → "1.0M", not "1000.0k".
 */
function scaled(abs: number, digits: (value: number) => number): { number: string; suffix: string } {
  let result = { number: '', suffix: '' };
  for (const [size, suffix] of SCALES) {
    const value = abs / size;
    const places = digits(value);
    // Rounded from abs × 10^places / size, not from value.toFixed: 9.995 is 9.99499… in binary,
    // and $9,995 would read "$9.99k" where $99,950 reads "$100k". Halves round up, as in formatUsd.
    const rounded = Math.round((abs * 10 ** places) / size) / 10 ** places;
    result = { number: rounded.toFixed(places), suffix };
    if (Number(result.number) < 1000) {
      break;
    }
  }
  return result;
}

/** Fraction digits that keep three significant digits: 1.25, 48.2, 123. */
function threeSignificant(value: number): number {
  return value >= 100 ? 0 : value >= 10 ? 1 : 2;
}

/**
 * Short money for the status bar: "$950", "$48.2k", "$1.25M", "$12k" (three significant digits,
 * trailing zeros dropped). Below $10 keeps cents when there are any ("$4.20", "$0").
 */
export function formatUsdCompact(n: number): string {
  const abs = Math.abs(n);
  if (Math.round(abs) < 1000) {
    const cents = round2(abs);
    const text = abs < 10 && !Number.isInteger(cents) ? cents.toFixed(2) : String(Math.round(abs));
    return `${sign(n, Number(text))}$${text}`;
  }
  const { number, suffix } = scaled(abs, threeSignificant);
  return `${n < 0 ? '-' : ''}$${Number(number)}${suffix}`; // Number() drops trailing zeros: 12.0 → 12
}

/** "19%" (or with `digits` fraction digits: "19.29%"). */
export function formatPercent(n: number, digits = 0): string {
  const text = Math.abs(n).toFixed(digits);
  return `${sign(n, Number(text))}${text}%`;
}

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];

/** The fields of a day key, read from its digits; `weekday` 0 = Sunday. */
function dayFields(k: DayKey): { y: number; m: number; d: number; weekday: number } {
  const y = Number(k.slice(0, 4));
  const m = Number(k.slice(5, 7));
  const d = Number(k.slice(8, 10));
  return { y, m, d, weekday: getDay(new Date(y, m - 1, d)) };
}

/** "14 Sep". */
export function formatDayShort(k: DayKey): string {
  const f = dayFields(k);
  return `${f.d} ${MONTHS[f.m - 1] ?? ''}`;
}

/** "14 Sep 2026": the one way a day is written, in the status bar, the alerts and the dashboard. */
export function formatDayLong(k: DayKey): string {
  const f = dayFields(k);
  return `${f.d} ${MONTHS[f.m - 1] ?? ''} ${f.y}`;
}

/** "Mon 14 Sep 2026". */
export function formatDayWithWeekday(k: DayKey): string {
  return `${WEEKDAYS[dayFields(k).weekday] ?? ''} ${formatDayLong(k)}`;
}

/** "Monday 14 September 2026", for screen readers. */
export function formatDaySpoken(k: DayKey): string {
  const f = dayFields(k);
  return `${WEEKDAYS_LONG[f.weekday] ?? ''} ${f.d} ${MONTHS_LONG[f.m - 1] ?? ''} ${f.y}`;
}

/** "Sep", or "Jan 2027" when `withYear`. */
export function formatMonth(k: DayKey, withYear = false): string {
  const f = dayFields(k);
  return `${MONTHS[f.m - 1] ?? ''}${withYear ? ` ${f.y}` : ''}`;
}

/** The local calendar day of an instant, as a day key ("2026-12-01"); undefined when it is not a date. */
export function localDayOf(iso: string): DayKey | undefined {
  const d = new Date(iso);
  return isValid(d) ? lightFormat(d, 'yyyy-MM-dd') : undefined;
}

/** Token counts: "51.0M", "2.1k", "812". */
export function formatTokens(n: number): string {
  const abs = Math.abs(n);
  if (Math.round(abs) < 1000) {
    const whole = Math.round(abs);
    return `${sign(n, whole)}${whole}`;
  }
  const { number, suffix } = scaled(abs, () => 1);
  return `${n < 0 ? '-' : ''}${number}${suffix}`;
}
