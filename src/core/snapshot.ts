/**
 * The snapshot: everything the views show, computed once per change from the ledger, the
 * settings, the budget a gateway reports and the sources' states. Views render it and compute
 * nothing themselves.
 */
import { resolveBudget } from './budgetYear';
import { computeStatus } from './budget';
import { addDaysKey, maxDay } from './dates';
import { dailyCountedBy, type Ledger } from './ledger';
import { project } from './projection';
import type { Mismatch } from './reconcile';
import type { BudgetStatus, BudgetYear, DayKey, Projection, SourceId } from './types';

export type SourceState = 'ok' | 'stale' | 'error' | 'off';

export interface SourceStatus {
  readonly id: SourceId;
  readonly label: string;
  readonly state: SourceState;
  /** ISO instant of the last successful refresh. */
  readonly lastSuccess?: string;
  /** ISO instant of the last attempt. */
  readonly lastAttempt?: string;
  /** What went wrong last, already safe to show. */
  readonly error?: string;
  /** Data marked by the source as simulated. */
  readonly demo?: boolean;
  /** Who the source says the data belongs to. */
  readonly user?: string;
  /** A caveat about the source's numbers (e.g. "the whole organisation's"). */
  readonly note?: string;
  /** Limits shorter than the budget year that the source enforces (e.g. a monthly budget). */
  readonly limits?: readonly SourceLimitStatus[];
  /**
   * Read as an estimate to compare with, not added to the spend: a local log source while a
   * network source meters the same traffic (the dashboard shows the two side by side).
   */
  readonly estimate?: boolean;
  /**
   * The service's own total for a span disagrees with the rows held for it (core/reconcile.ts):
   * the dashboard puts `data-mismatch` (the gap) on the source, the tooltip says both figures.
   */
  readonly mismatch?: Mismatch;
}

/** A source whose rows make up the spend: in use, and not only an estimate beside a network source. */
export function countsTowardSpend(source: SourceStatus): boolean {
  return source.state !== 'off' && source.estimate !== true;
}

export interface SourceLimitStatus {
  readonly label: string;
  readonly spent: number;
  readonly limit: number | null;
  readonly resetsAt?: string;
}

/** A model whose tokens could not be priced: listed with its tokens, never counted as $0. */
export interface UnpricedModel {
  readonly source: SourceId;
  readonly model: string;
  readonly tokens: number;
}

export interface SnapshotSettings {
  readonly annualBudget: number;
  readonly budgetYearStart: string;
  readonly workdays: readonly number[];
  readonly thresholds: readonly number[];
}

export interface GatewayBudget {
  readonly amount: number;
  readonly periodStart: DayKey;
  readonly periodEnd: DayKey;
}

export type Level = 'normal' | 'warning' | 'error';

export interface Snapshot {
  readonly generatedAt: string;
  readonly today: DayKey;
  readonly year: BudgetYear;
  readonly budgetOrigin: 'setting' | 'gateway' | 'none';
  readonly warning?: string;
  readonly status: BudgetStatus;
  readonly projection: Projection;
  /** True when the median projection ends the year above the budget. */
  readonly overrun: boolean;
  readonly level: Level;
  readonly thresholds: readonly number[];
  readonly sources: readonly SourceStatus[];
  /** Some network or local source is configured. */
  readonly configured: boolean;
  /** Some source's data in use is simulated. */
  readonly demo: boolean;
  /** Some source in use failed on its last refresh (its last good data is shown). */
  readonly stale: boolean;
  /** ISO instant of the newest successful refresh of any source. */
  readonly lastUpdated?: string;
  /** Models in this budget year whose tokens could not be priced. */
  readonly unpriced: readonly UnpricedModel[];
}

export interface SnapshotInput {
  readonly ledger: Ledger;
  readonly settings: SnapshotSettings;
  readonly gatewayBudget: GatewayBudget | null;
  readonly sources: readonly SourceStatus[];
  readonly today: DayKey;
  readonly now: Date;
}

/** Warning at the highest threshold below 100% or on a projected overrun; error at ≥ 100%. */
export function levelOf(status: BudgetStatus, thresholds: readonly number[], overrun: boolean): Level {
  if (status.percent === null) return 'normal';
  if (status.percent >= 100) return 'error';
  const below100 = thresholds.filter((t) => t < 100);
  const warnAt = below100.length > 0 ? Math.max(...below100) : undefined;
  if ((warnAt !== undefined && status.percent >= warnAt) || overrun) return 'warning';
  return 'normal';
}

export function buildSnapshot(input: SnapshotInput): Snapshot {
  const { settings, today } = input;
  const resolved = resolveBudget({ annualBudget: settings.annualBudget, budgetYearStart: settings.budgetYearStart }, input.gatewayBudget, today);
  const inUse = input.sources.filter(countsTowardSpend);
  const active = new Set(inUse.map((s) => s.id));
  // A lump (several days' spend in one row) is spread over its days: the projection's rates are
  // per day. A UTC day already begun here counts today (rowsCountedBy).
  const daily = dailyCountedBy(input.ledger.dailyTotals(resolved.year.start, resolved.year.end, active, { spreadLumps: true }), maxDay(today, resolved.year.start), input.now);
  const budgetInputs = { year: resolved.year, budget: resolved.budget, today, workdays: settings.workdays, daily };
  const status = computeStatus(budgetInputs);
  const projection = project(budgetInputs);
  const overrun = resolved.budget !== null && projection.yearEnd.p50 > resolved.budget;
  const unpriced = new Map<string, UnpricedModel>();
  for (const row of input.ledger.rows({ from: resolved.year.start, toExclusive: resolved.year.end })) {
    if (!row.unpriced || !active.has(row.source)) continue;
    const key = `${row.source}\u0000${row.model}`;
    const tokens = row.inputTokens + row.outputTokens + row.cacheReadTokens + row.cacheWriteTokens;
    unpriced.set(key, { source: row.source, model: row.model, tokens: (unpriced.get(key)?.tokens ?? 0) + tokens });
  }
  const successes = inUse.map((s) => s.lastSuccess).filter((x): x is string => x !== undefined).sort();
  return {
    generatedAt: input.now.toISOString(),
    today,
    year: resolved.year,
    budgetOrigin: resolved.budgetOrigin,
    ...(resolved.warning ? { warning: resolved.warning } : {}),
    status,
    projection,
    overrun,
    level: levelOf(status, settings.thresholds, overrun),
    thresholds: settings.thresholds,
    sources: input.sources,
    configured: inUse.length > 0,
    demo: inUse.some((s) => s.demo === true),
    stale: inUse.some((s) => s.state === 'stale' || s.state === 'error'),
    ...(successes.length > 0 ? { lastUpdated: successes[successes.length - 1] } : {}),
    unpriced: [...unpriced.values()].sort((a, b) => b.tokens - a.tokens),
  };
}

/** The last day of the budget year (its end is exclusive). */
export function lastDayOf(year: BudgetYear): DayKey {
  return addDaysKey(year.end, -1);
}
