/**
 * The network sources' figure beside the local logs' estimate, over the same days: when a gateway
 * (or a provider's admin API) meters the spend and local agent logs are read too, the logs are an
 * estimate of the same traffic, so the two are compared, never added.
 *
 * "The same days" are the days both sides have covered: from the later of their first days with
 * data in the budget year, up to and including the last elapsed day. A day inside that range with
 * nothing on one side counts as $0 there (traffic that one side did not see is the point of the
 * comparison).
 */
import { addDaysKey, diffDaysKey, maxDay } from './dates';
import { round2 } from './format';
import { countsTowardSpend, type SourceStatus } from './snapshot';
import type { DayKey, LedgerRow, SourceId } from './types';

/** How many of the most recent days the comparison lists one by one. */
export const COMPARISON_RECENT_DAYS = 14;

export interface ComparisonSide {
  /** USD over the compared days (priced rows only). */
  readonly total: number;
  /** Each source of the side that has rows in the year, with its own total over the compared days. */
  readonly sources: readonly { readonly id: SourceId; readonly label: string; readonly total: number }[];
  /** Some rows of the side could not be priced: its total is a lower bound. */
  readonly unpriced: boolean;
}

export interface ComparisonModel {
  /** First compared day. */
  readonly from: DayKey;
  /** Last compared day (inclusive). */
  readonly to: DayKey;
  readonly days: number;
  /** The sources that make up the spend (gateway, providers). */
  readonly network: ComparisonSide;
  /** The local log sources read as an estimate. */
  readonly local: ComparisonSide;
  /** network − local, USD: positive when the network source saw more than the logs. */
  readonly difference: number;
  /** The difference as a percent of the network figure, or null when that is 0. */
  readonly percent: number | null;
  /** The most recent compared days, newest first. */
  readonly recent: readonly { readonly date: DayKey; readonly network: number; readonly local: number }[];
}

interface Side {
  readonly statuses: readonly SourceStatus[];
  readonly rows: LedgerRow[];
}

function firstDay(rows: readonly LedgerRow[]): DayKey | undefined {
  let first: DayKey | undefined;
  for (const r of rows) if (first === undefined || r.date < first) first = r.date;
  return first;
}

function summarize(side: Side, from: DayKey, toExclusive: DayKey, byDay: Map<DayKey, number>): ComparisonSide {
  const perSource = new Map<SourceId, number>();
  let total = 0;
  let unpriced = false;
  for (const r of side.rows) {
    if (r.date < from || r.date >= toExclusive) continue;
    if (r.unpriced) unpriced = true;
    perSource.set(r.source, (perSource.get(r.source) ?? 0) + r.cost);
    byDay.set(r.date, (byDay.get(r.date) ?? 0) + r.cost);
    total += r.cost;
  }
  const sources = side.statuses.filter((s) => side.rows.some((r) => r.source === s.id)).map((s) => ({ id: s.id, label: s.label, total: round2(perSource.get(s.id) ?? 0) }));
  return { total: round2(total), sources, unpriced };
}

/**
 * The comparison over `rows` (the budget year's, any source) up to `untilExclusive`, or null when
 * there is no estimate source in use beside a network source, or the two have no day in common.
 */
export function buildComparison(rows: readonly LedgerRow[], sources: readonly SourceStatus[], untilExclusive: DayKey): ComparisonModel | null {
  const estimates = sources.filter((s) => s.state !== 'off' && s.estimate === true);
  const counted = sources.filter(countsTowardSpend);
  if (estimates.length === 0 || counted.length === 0) return null;
  const elapsed = rows.filter((r) => r.date < untilExclusive);
  const pick = (statuses: readonly SourceStatus[]): Side => {
    const ids = new Set(statuses.map((s) => s.id));
    return { statuses, rows: elapsed.filter((r) => ids.has(r.source)) };
  };
  const network = pick(counted);
  const local = pick(estimates);
  const networkFirst = firstDay(network.rows);
  const localFirst = firstDay(local.rows);
  if (networkFirst === undefined || localFirst === undefined) return null;
  const from = maxDay(networkFirst, localFirst);
  if (from >= untilExclusive) return null;

  const networkByDay = new Map<DayKey, number>();
  const localByDay = new Map<DayKey, number>();
  const networkSide = summarize(network, from, untilExclusive, networkByDay);
  const localSide = summarize(local, from, untilExclusive, localByDay);
  const recent: { date: DayKey; network: number; local: number }[] = [];
  const days = diffDaysKey(untilExclusive, from);
  for (let d = addDaysKey(untilExclusive, -1); d >= from && recent.length < COMPARISON_RECENT_DAYS; d = addDaysKey(d, -1)) {
    recent.push({ date: d, network: round2(networkByDay.get(d) ?? 0), local: round2(localByDay.get(d) ?? 0) });
  }
  const difference = round2(networkSide.total - localSide.total);
  return {
    from,
    to: addDaysKey(untilExclusive, -1),
    days,
    network: networkSide,
    local: localSide,
    difference,
    percent: networkSide.total > 0 ? round2((difference / networkSide.total) * 100) : null,
    recent,
  };
}
