/** Display formatting in the webview (numbers arrive computed; this only writes them). */
import { isoWeekday as dayModuleIsoWeekday, localDayKeyOfMs } from '../src/core/dates';
import { formatTokens, formatUsd, formatUsdCompact } from '../src/core/format';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// Day keys are calendar days, written by hand from their digits (no time zone can shift them, and
// the month abbreviations stay "Sep", whatever the ICU version's English calls it).
const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const MONTHS_LONG = ['January', 'February', 'March', 'April', 'May', 'June', 'July', 'August', 'September', 'October', 'November', 'December'];
const WEEKDAYS = ['Sun', 'Mon', 'Tue', 'Wed', 'Thu', 'Fri', 'Sat'];
const WEEKDAYS_LONG = ['Sunday', 'Monday', 'Tuesday', 'Wednesday', 'Thursday', 'Friday', 'Saturday'];
// Instants (last update) are shown in the user's own time zone.
const instantFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

interface Parts {
  readonly y: number;
  readonly m: number;
  readonly d: number;
  readonly weekday: number;
}
function parts(k: string): Parts {
  const y = Number(k.slice(0, 4));
  const m = Number(k.slice(5, 7));
  const d = Number(k.slice(8, 10));
  let weekday = Number.NaN; // 0 = Sunday, as WEEKDAYS; none for a key that is no day
  try {
    weekday = dayModuleIsoWeekday(k) % 7;
  } catch {
    // not a day key: written without its weekday
  }
  return { y, m, d, weekday };
}

/** "$48,213.55", "-$12.00". */
export const usd = formatUsd;
/** "$48.2k" style, for axes and dense places: the status bar's own format, so both read alike. */
export const usdCompact = formatUsdCompact;
/**
 * Compact dollars for a set of amounts shown side by side (axis ticks, a legend's bounds): as
 * `usdCompact`, but below $10 with as many decimals as it takes for two different amounts not to
 * read alike and an amount above zero not to read "$0" ("$0.0005", "$0.0010", …).
 */
export function usdDistinct(values: readonly number[]): string[] {
  const fine = (n: number, digits: number) => (n === 0 || Math.abs(n) >= 10 ? usdCompact(n) : `${n < 0 ? '-' : ''}$${Math.abs(n).toFixed(digits)}`);
  let texts = values.map(usdCompact);
  for (let digits = 3; digits <= 8 && clash(values, texts); digits++) texts = values.map((n) => fine(n, digits));
  return texts;
}

/** An amount above zero that reads "$0", or two different amounts below $10 that read alike. */
function clash(values: readonly number[], texts: readonly string[]): boolean {
  return values.some((n, i) => (n !== 0 && /^-?\$0$/.test(texts[i] ?? '')) || values.some((m, j) => j < i && m !== n && Math.abs(m) < 10 && Math.abs(n) < 10 && texts[j] === texts[i]));
}
export const pct = (n: number, digits = 1): string => `${n.toFixed(digits)}%`;
/** Token counts: "51.0M", "2.1k", "812", as in the status bar's tooltip. */
export const compact = formatTokens;
export const integer = (n: number): string => intFmt.format(n);
/** "14 Sep 2026". */
export const day = (k: string): string => {
  const p = parts(k);
  return `${p.d} ${MONTHS[p.m - 1] ?? ''} ${p.y}`;
};
/** "14 Sep". */
export const dayShort = (k: string): string => {
  const p = parts(k);
  return `${p.d} ${MONTHS[p.m - 1] ?? ''}`;
};
/** "Mon 14 Sep 2026". */
export const dayLong = (k: string): string => `${WEEKDAYS[parts(k).weekday] ?? ''} ${day(k)}`;
/** "Monday 14 September 2026", for screen readers. */
export const daySpoken = (k: string): string => {
  const p = parts(k);
  return `${WEEKDAYS_LONG[p.weekday] ?? ''} ${p.d} ${MONTHS_LONG[p.m - 1] ?? ''} ${p.y}`;
};
/** "Sep", or "Jan 2027" when `withYear`. */
export const month = (k: string, withYear = false): string => {
  const p = parts(k);
  return `${MONTHS[p.m - 1] ?? ''}${withYear ? ` ${p.y}` : ''}`;
};
/** ISO weekday (1 = Monday … 7 = Sunday) of a day key, for calendar layout. */
export const isoWeekday = (k: string): number => ((parts(k).weekday + 6) % 7) + 1;
/** A local date and time: "27 Nov, 07:57". */
export const instant = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : instantFmt.format(d);
};

/** The local calendar day of an instant, as a day key ("2026-12-01"); undefined when it is not a date. */
export const localDayOf = (iso: string): string | undefined => {
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return undefined;
  return localDayKeyOfMs(d.getTime());
};

/** Formats once with every formatter, so their locale data is loaded before the first model arrives. */
export function warmUpFormats(): void {
  const k = '2000-01-03';
  for (const f of [usd, usdCompact, compact, integer]) f(1234.5);
  for (const f of [day, dayShort, dayLong, daySpoken, month]) f(k);
  instant('2000-01-03T00:00:00Z');
}
