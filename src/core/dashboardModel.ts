/**
 * The dashboard's view model: everything the webview renders, computed on the host from the
 * snapshot and the ledger. The webview computes nothing the core already computes.
 *
 * Compact by design: every per-day series is an array of numbers aligned to `days` (the whole
 * budget year), not an object per point, so a year of 40 models travels and restores cheaply.
 * Series that stop at today have `elapsed` entries; series over the whole year have `days.length`.
 */
import { elapsedEnd } from './budget';
import { buildComparison, type ComparisonModel } from './comparison';

export type { ComparisonModel } from './comparison';
import { addDaysKey, diffDaysKey, eachDayInfo, maxDay } from './dates';
import { round2 } from './format';
import { Ledger, rowsCountedBy, type BreakdownEntry } from './ledger';
import { DEFAULT_WINDOW_DAYS, projectionPending } from './projection';
import { countsTowardSpend, type Snapshot, type SourceStatus, type UnpricedModel } from './snapshot';
import { quantileSorted } from './stats';
import type { DayKey, LedgerRow, SourceId, TokenCounts } from './types';
import { countWorkdays, normalizeWorkdays } from './workdays';

export type KpiId = 'spent' | 'budget' | 'remaining' | 'percent' | 'projected' | 'runout' | 'perWorkday' | 'pace';

export interface Kpi {
  readonly id: KpiId;
  readonly label: string;
  /** The machine value for `data-value`: USD as plain decimals, percent like 19.29, dates YYYY-MM-DD, or `none`. */
  readonly value: string;
  /** Raw number for formatting in the webview (null = not applicable). */
  readonly number: number | null;
  /** For `runout`: the date, or null. */
  readonly day?: DayKey | null;
  /** A secondary line, e.g. the p10–p90 band. */
  readonly detail?:
    | { readonly kind: 'usdRange'; readonly low: number; readonly high: number }
    | { readonly kind: 'dayRange'; readonly low: DayKey | null; readonly high: DayKey | null }
    | { readonly kind: 'pacePercent'; readonly percent: number | null }
    | { readonly kind: 'workdays'; readonly count: number }
    /** No projection yet: no day of the year is complete (`projectionPending`). */
    | { readonly kind: 'pending' };
}

/** A budget threshold as an amount. */
export interface ThresholdLine {
  /** Percent of the budget, e.g. 75. */
  readonly percent: number;
  /** USD. */
  readonly amount: number;
  /** The spend has reached it. */
  readonly crossed: boolean;
}

export interface BurnupModel {
  /** Cumulative spend at the end of each elapsed day; the last entry is `status.spent`. */
  readonly actual: readonly number[];
  /** The ideal pace per day of the year (rises on workdays only), or null without a budget. */
  readonly ideal: readonly number[] | null;
  /**
   * The projection's cumulative quantiles from `from` (the last elapsed day, anchored on what is
   * spent) to the last day of the year; null when the year has no future days.
   */
  readonly projection: { readonly from: number; readonly p10: readonly number[]; readonly p50: readonly number[]; readonly p90: readonly number[] } | null;
}

/** Statistics of a range of the daily chart. */
export interface DailyWindow {
  /** Index in `days` of the first day shown. */
  readonly from: number;
  /** Days in the range (up to and including today). */
  readonly length: number;
  readonly total: number;
  /** The most expensive day, or null when nothing was spent. */
  readonly peak: { readonly index: number; readonly cost: number } | null;
  /** total / length. */
  readonly mean: number;
}

export interface DailyModel {
  /** Stacked series, most expensive first; the last is "Other" when the rest was grouped. Each has `elapsed` entries. */
  readonly series: readonly { readonly name: string; readonly other: boolean; readonly values: readonly number[] }[];
  /** Total per elapsed day. */
  readonly total: readonly number[];
  /** Trailing mean over `averageWindow` complete days (fewer at the start of the year); null on today (partial). */
  readonly average: readonly (number | null)[];
  readonly averageWindow: number;
  readonly windows: { readonly d90: DailyWindow; readonly year: DailyWindow };
}

export interface BreakdownRow extends TokenCounts {
  /** Model name, source id, or project (the user's path; '' for spend of no known project). */
  readonly key: string;
  /** What to show: the model name, the source's label, or the project shortened (`projectLabel`). */
  readonly label: string;
  readonly cost: number;
  /**
   * The cost in whole cents, rounded so that the rows add up exactly to the spend in cents
   * (largest remainder): the `data-cost` values then sum to the `spent` KPI to the cent.
   */
  readonly cents: number;
  readonly share: number;
  /** Some tokens could not be priced: the cost is a lower bound. */
  readonly unpriced: boolean;
  /**
   * By source only: what the agent logged itself for the part of the usage that had a logged cost,
   * and list price for that same part (USD), where the two differ (`loggedDiffers`); absent else.
   */
  readonly logged?: { readonly cost: number; readonly list: number };
}

export interface BreakdownModel {
  /** The window: the budget year up to and including today (the same days as `spent`). */
  readonly from: DayKey;
  /** Inclusive; null when no day of the year has elapsed. */
  readonly to: DayKey | null;
  readonly total: number;
  readonly totalCents: number;
  readonly byModel: readonly BreakdownRow[];
  readonly bySource: readonly BreakdownRow[];
  /** By the project (working directory) the coding agents' logs name; spend of no known project in one row keyed ''. */
  readonly byProject: readonly BreakdownRow[];
  /** Token and request totals of the window. */
  readonly totals: { readonly inputTokens: number; readonly outputTokens: number; readonly cacheReadTokens: number; readonly cacheWriteTokens: number; readonly requests: number };
}

export interface HeatmapModel {
  /** Spend per day of the year; null for days after today. */
  readonly cost: readonly (number | null)[];
  /** Colour bucket per day: -1 after today, 0 nothing spent, 1..4 by the quartiles of the spending days. */
  readonly level: readonly number[];
  /** Top model of the day as an index into `models`, -1 when none. */
  readonly top: readonly number[];
  /**
   * Upper bounds (USD) of buckets 1, 2 and 3; bucket 4 is above the last. Empty without spend.
   * Not rounded: days of fractions of a cent still fall into four buckets (the legend rounds).
   */
  readonly thresholds: readonly number[];
  /** Days with spend. */
  readonly activeDays: number;
}

/** A budget year the dashboard can show (its first day identifies it). */
export interface YearOption {
  readonly start: DayKey;
  /** Exclusive. */
  readonly end: DayKey;
  /** The last day (inclusive), for labels. */
  readonly last: DayKey;
  /** The budget year of today. */
  readonly current: boolean;
}

export interface DashboardModel {
  readonly generatedAt: string;
  readonly today: DayKey;
  readonly year: { readonly start: DayKey; readonly end: DayKey; readonly origin: string };
  readonly budgetOrigin: 'setting' | 'gateway' | 'none';
  readonly level: 'normal' | 'warning' | 'error';
  readonly demo: boolean;
  readonly stale: boolean;
  readonly overrun: boolean;
  readonly warning: string | null;
  readonly lastUpdated: string | null;
  readonly configured: boolean;
  readonly kpis: readonly Kpi[];
  /** Each source's state, with its shorter limits (`limits`) and caveat (`note`) as the source reported them. */
  readonly sources: readonly SourceStatus[];
  /** Models of this budget year whose tokens could not be priced (most tokens first): listed, never counted as $0. */
  readonly unpriced: readonly UnpricedModel[];

  /** USD, or null when no budget is set. */
  readonly budget: number | null;
  readonly spent: number;
  readonly thresholds: readonly ThresholdLine[];
  /** Every day of the budget year, in order. */
  readonly days: readonly DayKey[];
  /** ISO weekday (1 = Monday) of `days[0]`. */
  readonly firstWeekday: number;
  /** Whether each day of the year is a workday (1) or not (0). */
  readonly workday: readonly number[];
  /** Index of today in `days` (negative before the year, ≥ `days.length` after it). */
  readonly todayIndex: number;
  /** Days of the year up to and including today. */
  readonly elapsed: number;
  /** Every model with rows this year up to today, most expensive first; `heatmap.top` indexes it. */
  readonly models: readonly string[];
  readonly burnup: BurnupModel;
  readonly daily: DailyModel;
  readonly breakdown: BreakdownModel;
  readonly heatmap: HeatmapModel;
  /** The network sources' figure beside the local logs' estimate for the same days, when both are read. */
  readonly comparison: ComparisonModel | null;
  /** Every budget year that can be shown, newest first (just the current one until a year has ended). */
  readonly years: readonly YearOption[];
  /** The year shown has ended: it is shown as it stood on its last day. */
  readonly archived: boolean;
}

/** What the dashboard shows besides the snapshot's own year. */
export interface DashboardModelOptions {
  /** Budget years seen (any order); the snapshot's year is added when missing. */
  readonly years?: readonly { readonly start: DayKey; readonly end: DayKey }[];
  /** The first day of today's budget year (defaults to the snapshot's): any other year is archived. */
  readonly currentStart?: DayKey;
}

/** The year options, newest first, without duplicates; the current one marked. */
export function yearOptions(years: readonly { readonly start: DayKey; readonly end: DayKey }[], shown: { readonly start: DayKey; readonly end: DayKey }, currentStart: DayKey): YearOption[] {
  const byStart = new Map<DayKey, { start: DayKey; end: DayKey }>();
  for (const y of [...years, shown]) byStart.set(y.start, { start: y.start, end: y.end });
  return [...byStart.values()].sort((a, b) => (a.start < b.start ? 1 : -1)).map((y) => ({ ...y, last: addDaysKey(y.end, -1), current: y.start === currentStart }));
}

/** The daily chart groups the models after this many into "Other". */
export const TOP_MODELS = 8;
/** The daily chart's default range. */
export const RECENT_DAYS = 90;

function usd(n: number | null): string {
  return n === null ? 'none' : round2(n).toFixed(2);
}

export function buildKpis(s: Snapshot): Kpi[] {
  const st = s.status;
  const p = s.projection;
  const pending = projectionPending(p);
  return [
    { id: 'spent', label: 'Spent', value: usd(st.spent), number: st.spent },
    { id: 'budget', label: 'Budget', value: usd(st.budget), number: st.budget },
    { id: 'remaining', label: 'Remaining', value: usd(st.remaining), number: st.remaining },
    { id: 'percent', label: 'Used', value: st.percent === null ? 'none' : round2(st.percent).toFixed(2), number: st.percent },
    pending
      ? { id: 'projected', label: 'Projected year-end', value: 'none', number: null, detail: { kind: 'pending' } }
      : { id: 'projected', label: 'Projected year-end', value: usd(p.yearEnd.p50), number: p.yearEnd.p50, detail: { kind: 'usdRange', low: p.yearEnd.p10, high: p.yearEnd.p90 } },
    {
      id: 'runout',
      label: 'Runs out',
      value: st.budget === null || pending ? 'none' : (p.runOut.p50 ?? 'none'),
      number: null,
      day: st.budget === null || pending ? null : p.runOut.p50,
      detail: pending ? { kind: 'pending' } : { kind: 'dayRange', low: p.runOut.p10, high: p.runOut.p90 },
    },
    { id: 'perWorkday', label: 'Per workday left', value: usd(st.perWorkdayLeft), number: st.perWorkdayLeft, detail: { kind: 'workdays', count: st.workdaysRemaining } },
    { id: 'pace', label: 'Pace', value: usd(st.pace), number: st.pace, detail: { kind: 'pacePercent', percent: st.pacePercent } },
  ];
}

/**
 * Whole cents per entry that add up exactly to `round2(total)` in cents: each entry gets the floor
 * of its cents and the remaining cents go to the largest remainders (ties to the earlier entry).
 */
export function allocateCents(costs: readonly number[], total: number): number[] {
  const target = Math.round(round2(total) * 100);
  const exact = costs.map((c) => c * 100);
  const cents = exact.map((c) => Math.floor(c));
  let missing = target - cents.reduce((a, b) => a + b, 0);
  const order = exact.map((c, i) => ({ i, rest: c - Math.floor(c) })).sort((a, b) => b.rest - a.rest || a.i - b.i);
  // Normally 0 ≤ missing < entries; float noise between summation orders can push it outside.
  for (let k = 0; missing !== 0 && order.length > 0; k++) {
    const entry = order[k % order.length];
    if (!entry) break;
    const step = missing > 0 ? 1 : -1;
    cents[entry.i] = (cents[entry.i] ?? 0) + step;
    missing -= step;
  }
  return cents;
}

/**
 * Whether an agent's logged cost differs from list price for the same usage enough to show: by
 * more than 1% of list price and more than a cent. Logged $0 (a subscription or free model) is a
 * figure like any other.
 */
export function loggedDiffers(logged: { readonly cost: number; readonly list: number }): boolean {
  const gap = Math.abs(logged.cost - logged.list);
  return gap > 0.01 && gap > 0.01 * Math.abs(logged.list);
}

/** The label of the by-project row of spend whose logs name no project (network sources, most agents' older logs). */
export const NO_PROJECT = 'No project';

/**
 * A project as the dashboard shows it: its last two path segments (`…/ana/shop`), the whole path
 * staying the row's key and tooltip; '' (spend of no known project) as "No project".
 */
export function projectLabel(project: string): string {
  if (project === '') return NO_PROJECT;
  const sep = project.includes('/') || !project.includes('\\') ? '/' : '\\';
  const parts = project.split(/[\\/]/).filter((p) => p !== '');
  return parts.length <= 2 ? project : `…${sep}${parts.slice(-2).join(sep)}`;
}

function breakdownRows(entries: readonly BreakdownEntry[], total: number, label: (key: string) => string, withLogged = false): BreakdownRow[] {
  const cents = allocateCents(
    entries.map((e) => e.cost),
    total,
  );
  return entries.map((e, i) => ({
    key: e.key,
    label: label(e.key),
    cost: e.cost,
    cents: cents[i] ?? 0,
    share: e.share,
    inputTokens: e.inputTokens,
    outputTokens: e.outputTokens,
    cacheReadTokens: e.cacheReadTokens,
    cacheWriteTokens: e.cacheWriteTokens,
    requests: e.requests,
    unpriced: e.unpriced,
    ...(withLogged && e.logged && loggedDiffers(e.logged) ? { logged: e.logged } : {}),
  }));
}

function sumOf(entries: readonly BreakdownEntry[], key: 'inputTokens' | 'outputTokens' | 'cacheReadTokens' | 'cacheWriteTokens' | 'requests'): number {
  return entries.reduce((a, e) => a + e[key], 0);
}

/** Quartile bounds of the positive costs, unrounded (rounded to cents, sub-cent days would all be "over $0"). */
function heatmapThresholds(costs: readonly number[]): number[] {
  const positive = costs.filter((c) => c > 0).sort((a, b) => a - b);
  if (positive.length === 0) return [];
  return [0.25, 0.5, 0.75].map((p) => quantileSorted(positive, p));
}

function levelOf(cost: number, thresholds: readonly number[]): number {
  if (cost <= 0 || thresholds.length === 0) return 0;
  let level = 1;
  for (const t of thresholds) {
    if (cost > t) level++;
  }
  return level;
}

/** The days from `from` on: their total and mean from `total`, the peak from `spread` (lumps spread over their days). */
function dailyWindow(total: readonly number[], spread: readonly number[], from: number): DailyWindow {
  let sum = 0;
  let peak: { index: number; cost: number } | null = null;
  for (let i = from; i < total.length; i++) {
    sum += total[i] ?? 0;
    const cost = spread[i] ?? 0;
    if (cost > 0 && (!peak || cost > peak.cost)) peak = { index: i, cost };
  }
  const length = total.length - from;
  return { from, length, total: sum, peak, mean: length > 0 ? sum / length : 0 };
}

/** Every row of the budget year, whatever its source, counted as on the snapshot's today (as in its spend: `rowsCountedBy`). */
function yearRows(ledger: Ledger | readonly LedgerRow[], snapshot: Snapshot): readonly LedgerRow[] {
  const { start, end } = snapshot.year;
  const rows = ledger instanceof Ledger ? ledger.rows({ from: start, toExclusive: end }) : ledger.filter((r) => r.date >= start && r.date < end);
  return rowsCountedBy(rows, maxDay(snapshot.today, start), new Date(snapshot.generatedAt));
}

/**
 * The view model of the dashboard. `ledger` is the ledger (or its rows); only the budget year's
 * rows of the sources in use count, as in the snapshot. `workdays` are the ISO weekdays the
 * ideal pace rises on (the `tokenBudget.workdays` setting the snapshot was computed with).
 */
export function buildDashboardModel(snapshot: Snapshot, ledger: Ledger | readonly LedgerRow[], workdays: readonly number[], options: DashboardModelOptions = {}): DashboardModel {
  const { year, today, status } = snapshot;
  const weekdays = normalizeWorkdays(workdays);
  const info = eachDayInfo(year.start, year.end);
  const days = info.map((d) => d.key);
  const dayIndex = new Map(days.map((d, i) => [d, i]));
  const until = elapsedEnd(year, today);
  const elapsed = diffDaysKey(until, year.start);
  const todayIndex = diffDaysKey(today, year.start);
  const budget = status.budget;
  const currentStart = options.currentStart ?? year.start;

  // Only the sources that make up the spend count; the others (estimates) are compared below.
  const allRows = yearRows(ledger, snapshot);
  const active = new Set<SourceId>(snapshot.sources.filter(countsTowardSpend).map((s) => s.id));
  const rows = allRows.filter((r) => active.has(r.source));
  const view = new Ledger(rows);

  // Breakdown: the same days as `spent`.
  const byModelEntries = view.breakdown(year.start, until, 'model');
  const bySourceEntries = view.breakdown(year.start, until, 'source');
  const byProjectEntries = view.breakdown(year.start, until, 'project');
  const breakdownTotal = byModelEntries.reduce((a, e) => a + e.cost, 0);
  const labels = new Map(snapshot.sources.map((s) => [s.id as string, s.label]));
  const models = byModelEntries.map((e) => e.key);
  const modelIndex = new Map(models.map((m, i) => [m, i]));

  // Daily totals and cumulative actual (summed in day order, as `spent` is).
  const byIndex = (totals: ReadonlyMap<DayKey, number>): number[] => {
    const out = new Array<number>(elapsed).fill(0);
    for (const [day, cost] of totals) {
      const i = dayIndex.get(day);
      if (i !== undefined && i < elapsed) out[i] = cost;
    }
    return out;
  };
  const total = byIndex(view.dailyTotals(year.start, until));
  // A lump (several days' spend in one row, as reported) is shown on its day, but it is not the
  // most expensive day: that is read with lumps spread over their days.
  const spread = byIndex(view.dailyTotals(year.start, until, undefined, { spreadLumps: true }));
  const actual: number[] = [];
  let running = 0;
  for (let i = 0; i < elapsed; i++) {
    running += total[i] ?? 0;
    actual.push(running);
  }

  // Stacked daily series: the top models, the rest as "Other".
  const topCount = models.length <= TOP_MODELS + 1 ? models.length : TOP_MODELS;
  const grouped = models.length > topCount;
  const series = Array.from({ length: topCount + (grouped ? 1 : 0) }, () => new Array<number>(elapsed).fill(0));
  for (const row of rows) {
    if (row.cost === 0) continue; // nothing priced; a partly unpriced row has its priced part (LedgerRow.cost)
    const i = dayIndex.get(row.date);
    const m = modelIndex.get(row.model);
    if (i === undefined || i >= elapsed || m === undefined) continue;
    const s = series[Math.min(m, topCount)];
    if (s) s[i] = (s[i] ?? 0) + row.cost;
  }

  // Trailing mean of complete days (today is partial and has no point).
  const completeDays = Math.min(elapsed, Math.max(0, todayIndex));
  const average: (number | null)[] = new Array<number | null>(elapsed).fill(null);
  let windowSum = 0;
  for (let i = 0; i < completeDays; i++) {
    windowSum += total[i] ?? 0;
    if (i >= DEFAULT_WINDOW_DAYS) windowSum -= total[i - DEFAULT_WINDOW_DAYS] ?? 0;
    average[i] = round2(windowSum / Math.min(i + 1, DEFAULT_WINDOW_DAYS));
  }

  // Ideal pace: rises on workdays only and reaches the budget on the last workday.
  const workdayFlags = info.map((d) => (weekdays.includes(d.weekday) ? 1 : 0));
  const workdaysInYear = countWorkdays(year.start, year.end, weekdays);
  let ideal: number[] | null = null;
  if (budget !== null) {
    let count = 0;
    ideal = workdayFlags.map((w, i) => {
      count += w;
      return round2(workdaysInYear > 0 ? (budget * count) / workdaysInYear : (budget * (i + 1)) / days.length);
    });
  }

  // Projection: anchored on today's spend, then the snapshot's quantile path.
  const path = snapshot.projection.path;
  const firstFuture = path[0] ? dayIndex.get(path[0].date) : undefined;
  let projection: BurnupModel['projection'] = null;
  if (firstFuture !== undefined && !projectionPending(snapshot.projection)) {
    const anchor = firstFuture > 0 ? [status.spent] : [];
    projection = {
      from: firstFuture - anchor.length,
      p10: [...anchor, ...path.map((p) => round2(p.p10))],
      p50: [...anchor, ...path.map((p) => round2(p.p50))],
      p90: [...anchor, ...path.map((p) => round2(p.p90))],
    };
  }

  // Heatmap: every day of the year.
  const tops = view.topModelByDay(year.start, until);
  const thresholds = heatmapThresholds(total);
  const heatCost: (number | null)[] = days.map((_, i) => (i < elapsed ? (total[i] ?? 0) : null));
  const heatLevel = heatCost.map((c) => (c === null ? -1 : levelOf(c, thresholds)));
  const heatTop = days.map((d, i) => {
    const top = i < elapsed && (total[i] ?? 0) > 0 ? tops.get(d) : undefined;
    return top === undefined ? -1 : (modelIndex.get(top) ?? -1);
  });

  return {
    generatedAt: snapshot.generatedAt,
    today,
    year: snapshot.year,
    budgetOrigin: snapshot.budgetOrigin,
    level: snapshot.level,
    demo: snapshot.demo,
    stale: snapshot.stale,
    overrun: snapshot.overrun,
    warning: snapshot.warning ?? null,
    lastUpdated: snapshot.lastUpdated ?? null,
    configured: snapshot.configured,
    kpis: buildKpis(snapshot),
    sources: snapshot.sources,
    unpriced: snapshot.unpriced,

    budget,
    spent: status.spent,
    thresholds: budget === null ? [] : snapshot.thresholds.map((percent) => ({ percent, amount: (budget * percent) / 100, crossed: status.spent >= (budget * percent) / 100 })),
    days,
    firstWeekday: info[0]?.weekday ?? 1,
    workday: workdayFlags,
    todayIndex,
    elapsed,
    models,
    burnup: { actual, ideal, projection },
    daily: {
      series: series.map((values, i) => ({ name: i < topCount ? (models[i] ?? '') : `Other (${models.length - topCount} models)`, other: i >= topCount, values })),
      total,
      average,
      averageWindow: DEFAULT_WINDOW_DAYS,
      windows: { d90: dailyWindow(total, spread, Math.max(0, elapsed - RECENT_DAYS)), year: dailyWindow(total, spread, 0) },
    },
    breakdown: {
      from: year.start,
      to: elapsed > 0 ? (days[elapsed - 1] ?? null) : null,
      total: breakdownTotal,
      totalCents: Math.round(round2(status.spent) * 100),
      byModel: breakdownRows(byModelEntries, status.spent, (k) => k),
      bySource: breakdownRows(bySourceEntries, status.spent, (k) => labels.get(k) ?? k, true),
      byProject: breakdownRows(byProjectEntries, status.spent, projectLabel),
      totals: {
        inputTokens: sumOf(byModelEntries, 'inputTokens'),
        outputTokens: sumOf(byModelEntries, 'outputTokens'),
        cacheReadTokens: sumOf(byModelEntries, 'cacheReadTokens'),
        cacheWriteTokens: sumOf(byModelEntries, 'cacheWriteTokens'),
        requests: sumOf(byModelEntries, 'requests'),
      },
    },
    heatmap: { cost: heatCost, level: heatLevel, top: heatTop, thresholds, activeDays: total.filter((c) => c > 0).length },
    comparison: buildComparison(allRows, snapshot.sources, until),
    years: yearOptions(options.years ?? [], year, currentStart),
    archived: year.start !== currentStart,
  };
}
