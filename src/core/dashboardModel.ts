/**
 * The dashboard's view model: everything the webview renders, computed on the host from the
 * snapshot and the ledger. The webview computes nothing the core already computes.
 */
import { round2 } from './format';
import type { Snapshot, SourceStatus } from './snapshot';
import type { DayKey } from './types';

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
  readonly detail?: { readonly kind: 'usdRange'; readonly low: number; readonly high: number } | { readonly kind: 'dayRange'; readonly low: DayKey | null; readonly high: DayKey | null } | { readonly kind: 'pacePercent'; readonly percent: number | null } | { readonly kind: 'workdays'; readonly count: number };
}

export interface DashboardModel {
  readonly generatedAt: string;
  readonly today: DayKey;
  readonly year: { readonly start: DayKey; readonly end: DayKey; readonly origin: string };
  readonly budgetOrigin: 'setting' | 'gateway' | 'none';
  readonly level: 'normal' | 'warning' | 'error';
  readonly demo: boolean;
  readonly stale: boolean;
  readonly lastUpdated: string | null;
  readonly configured: boolean;
  readonly kpis: readonly Kpi[];
  readonly sources: readonly SourceStatus[];
}

function usd(n: number | null): string {
  return n === null ? 'none' : round2(n).toFixed(2);
}

export function buildKpis(s: Snapshot): Kpi[] {
  const st = s.status;
  const p = s.projection;
  return [
    { id: 'spent', label: 'Spent', value: usd(st.spent), number: st.spent },
    { id: 'budget', label: 'Budget', value: usd(st.budget), number: st.budget },
    { id: 'remaining', label: 'Remaining', value: usd(st.remaining), number: st.remaining },
    { id: 'percent', label: 'Used', value: st.percent === null ? 'none' : round2(st.percent).toFixed(2), number: st.percent },
    { id: 'projected', label: 'Projected year-end', value: usd(p.yearEnd.p50), number: p.yearEnd.p50, detail: { kind: 'usdRange', low: p.yearEnd.p10, high: p.yearEnd.p90 } },
    {
      id: 'runout',
      label: 'Runs out',
      value: st.budget === null ? 'none' : (p.runOut.p50 ?? 'none'),
      number: null,
      day: st.budget === null ? null : p.runOut.p50,
      detail: { kind: 'dayRange', low: p.runOut.p10, high: p.runOut.p90 },
    },
    { id: 'perWorkday', label: 'Per workday left', value: usd(st.perWorkdayLeft), number: st.perWorkdayLeft, detail: { kind: 'workdays', count: st.workdaysRemaining } },
    { id: 'pace', label: 'Pace', value: usd(st.pace), number: st.pace, detail: { kind: 'pacePercent', percent: st.pacePercent } },
  ];
}

export function buildDashboardModel(s: Snapshot): DashboardModel {
  return {
    generatedAt: s.generatedAt,
    today: s.today,
    year: s.year,
    budgetOrigin: s.budgetOrigin,
    level: s.level,
    demo: s.demo,
    stale: s.stale,
    lastUpdated: s.lastUpdated ?? null,
    configured: s.configured,
    kpis: buildKpis(s),
    sources: s.sources,
  };
}
