/** Display formatting in the webview (numbers arrive computed; this only writes them). */
import { formatDayLong, formatDayShort, formatDaySpoken, formatDayWithWeekday, formatMonth, formatTokens, formatUsd, formatUsdCompact } from '../src/core/format';

const intFmt = new Intl.NumberFormat('en-US', { maximumFractionDigits: 0 });
// Instants (last update) are shown in the user's own time zone.
const instantFmt = new Intl.DateTimeFormat('en-GB', { day: 'numeric', month: 'short', hour: '2-digit', minute: '2-digit', hour12: false });

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
/** "14 Sep 2026" (the host's formatter: days read alike everywhere). */
export const day = formatDayLong;
/** "14 Sep". */
export const dayShort = formatDayShort;
/** "Mon 14 Sep 2026". */
export const dayLong = formatDayWithWeekday;
/** "Monday 14 September 2026", for screen readers. */
export const daySpoken = formatDaySpoken;
/** "Sep", or "Jan 2027" when `withYear`. */
export const month = formatMonth;
/** ISO weekday (1 = Monday … 7 = Sunday) of a day key, for calendar layout (from its digits). */
export { isoWeekday } from '../src/core/dates';
/** A local date and time: "27 Nov, 07:57". */
export const instant = (iso: string): string => {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : instantFmt.format(d);
};

/** Formats once with every formatter, so their locale data is loaded before the first model arrives. */
export function warmUpFormats(): void {
  const k = '2000-01-03';
  for (const f of [usd, usdCompact, compact, integer]) f(1234.5);
  for (const f of [day, dayShort, dayLong, daySpoken, month]) f(k);
  instant('2000-01-03T00:00:00Z');
}
