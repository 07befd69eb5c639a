/**
 * Reconciliation: a total a service reports for a span of days, held against the sum of the
 * daily rows kept for that source over the same span. A gap above 1% of the service's total and
 * above $1 is a mismatch (product.md, `data-mismatch`); a smaller one is rounding or lag.
 */
import { addDaysKey } from './dates';
import { round2 } from './format';
import type { DayKey } from './types';

/** A service's own figure for a span of days (`ServiceTotal` in sources/types.ts, which the sources report). */
export interface ReportedTotal {
  /** What the figure is, for the tooltip and the log, e.g. "the key's spend counter". */
  readonly what: string;
  /** First day of the span, inclusive. */
  readonly from: DayKey;
  /** Last day of the span, inclusive. */
  readonly to: DayKey;
  /** USD, as the service reports it. */
  readonly total: number;
  /**
   * The first day's rows may hold spend from before the span began (a counter reset during that
   * day): the total then agrees with any figure between the rows without that day and with it.
   */
  readonly partialFirstDay?: boolean;
  /** The service's own figure per day, when it has one: names the days that differ in the log. */
  readonly daily?: Readonly<Record<DayKey, number>>;
}

/** What the views show of a disagreement. */
export interface Mismatch {
  readonly what: string;
  readonly from: DayKey;
  readonly to: DayKey;
  /** The service's own total (USD). */
  readonly serviceTotal: number;
  /** The sum of the rows held for the span (USD). */
  readonly rowsTotal: number;
  /** serviceTotal − the rows (the nearest figure they allow): positive when the service's total is higher. */
  readonly gap: number;
  /** The days whose rows differ from the service's own daily figures, when it gives them. */
  readonly days?: readonly DayKey[];
}

/** A gap is a mismatch above both: 1% of the service's total and $1. */
export const MISMATCH_SHARE = 0.01;
export const MISMATCH_USD = 1;

/** True when `gap` exceeds 1% of `serviceTotal` and $1. */
export function isMismatch(gap: number, serviceTotal: number): boolean {
  return Math.abs(gap) > MISMATCH_USD && Math.abs(gap) > MISMATCH_SHARE * Math.abs(serviceTotal);
}

/**
 * Holds `reported` against `rowsByDay` (the source's row totals by day; days absent are $0).
 * Returns the mismatch, or undefined when they agree within the tolerance.
 */
export function reconcile(reported: ReportedTotal, rowsByDay: ReadonlyMap<DayKey, number>): Mismatch | undefined {
  let rowsTotal = 0;
  let firstDay = 0;
  for (const [day, cost] of rowsByDay) {
    if (day < reported.from || day > reported.to) continue;
    rowsTotal += cost;
    if (day === reported.from) firstDay = cost;
  }
  // With a partial first day, any figure between the rows without that day and with it agrees.
  const low = reported.partialFirstDay ? Math.min(rowsTotal - firstDay, rowsTotal) : rowsTotal;
  const high = reported.partialFirstDay ? Math.max(rowsTotal - firstDay, rowsTotal) : rowsTotal;
  const gap = reported.total < low ? reported.total - low : reported.total > high ? reported.total - high : 0;
  if (!isMismatch(gap, reported.total)) return undefined;
  const days = reported.daily ? differingDays(reported, rowsByDay) : undefined;
  return {
    what: reported.what,
    from: reported.from,
    to: reported.to,
    serviceTotal: round2(reported.total),
    rowsTotal: round2(rowsTotal),
    gap: round2(gap),
    ...(days ? { days } : {}),
  };
}

/** Days of the span where the service's daily figure and the rows differ by a cent or more. */
function differingDays(reported: ReportedTotal, rowsByDay: ReadonlyMap<DayKey, number>): DayKey[] {
  const out: DayKey[] = [];
  for (let day = reported.from; day <= reported.to; day = addDaysKey(day, 1)) {
    const theirs = reported.daily?.[day] ?? 0;
    const ours = rowsByDay.get(day) ?? 0;
    if (Math.abs(theirs - ours) >= 0.01 && !(reported.partialFirstDay && day === reported.from && ours >= theirs)) out.push(day);
  }
  return out;
}

/** The largest of several mismatches (a source may report more than one total). */
export function largestMismatch(found: readonly (Mismatch | undefined)[]): Mismatch | undefined {
  let best: Mismatch | undefined;
  for (const m of found) if (m && (!best || Math.abs(m.gap) > Math.abs(best.gap))) best = m;
  return best;
}
