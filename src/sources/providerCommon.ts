/**
 * What the provider admin-API sources (OpenAI, Anthropic) share: their daily buckets' UTC days
 * (through core/dates), the fetch plan, the paging loop, and the reconciliation of priced token usage
 * with the provider's billed daily cost.
 *
 * Provider daily buckets are UTC days: a ledger row dated 2026-11-26 from these sources holds
 * what the provider billed between 2026-11-26T00:00Z and 2026-11-27T00:00Z.
 */
import * as v from 'valibot';
import { addDaysKey, eachDayKey, maxDay, minDay, utcDayKeyOfMs, utcDayStartMs } from '../core/dates';
import { extendCoverage, planFetch, type Coverage, type DayRange } from '../core/syncPlan';
import { sumRows } from '../core/ledger';
import type { DayKey, LedgerRow } from '../core/types';
import { SourceError } from './http';

/** A provider that keeps paging past this (per range) is treated as broken. */
export const MAX_PAGES = 100;
const HOUR_MS = 3_600_000;

export const CoverageSchema = v.object({ from: v.string(), to: v.string() });

/** A filter list as part of a source's identity: order does not matter. */
export function sortedIds(ids: readonly string[]): string {
  return [...ids].sort().join(',');
}

/**
 * The instant of a fetch: the context's `now` when it carries one (the host's clock, injectable
 * in tests), else the system clock.
 */
export function contextNow(context: object): Date {
  return 'now' in context && context.now instanceof Date ? context.now : new Date();
}

/**
 * The rows of one usage bucket, one per model: the priced rows of its results (several per model
 * when grouped by more than the model, e.g. by service tier) added up with the ledger's `sumRows`.
 */
export function rowsByModel(rows: Iterable<LedgerRow>): LedgerRow[] {
  const byModel = new Map<string, LedgerRow>();
  for (const row of rows) {
    const previous = byModel.get(row.model);
    byModel.set(row.model, previous ? sumRows(previous, row) : row);
  }
  return [...byModel.values()];
}

/** Unix seconds of the start (00:00Z) of a UTC day. */
export function utcDayStartSeconds(day: DayKey): number {
  return utcDayStartMs(day) / 1000;
}

/** RFC 3339 start of a UTC day, e.g. `2026-11-26T00:00:00Z`. */
export function utcDayStartIso(day: DayKey): string {
  return `${day}T00:00:00Z`;
}

/** The UTC day a bucket starting at `unixSeconds` belongs to. */
export function utcDayOfSeconds(unixSeconds: number): DayKey {
  return utcDayKeyOfMs(unixSeconds * 1000);
}

/** The last UTC day whose data is final at `now`: its end plus `settleMs` has passed. */
export function lastFinalUtcDay(now: Date, settleMs: number): DayKey {
  return addDaysKey(utcDayKeyOfMs(now.getTime() - settleMs), -1);
}

export interface ProviderPlan {
  readonly ranges: DayRange[];
  readonly wantFrom: DayKey;
  readonly wantTo: DayKey;
  /** Newest final day: coverage is only recorded up to it, so later days are fetched again. */
  readonly lastFinal: DayKey;
}

/**
 * Days to fetch: from the budget year's start to the later of the local and the UTC today; days
 * already fetched after they were final are not asked again; the UTC yesterday and today always
 * are (and any day not final when last fetched).
 */
export function planProviderFetch(coverage: Coverage | undefined, yearStart: DayKey, today: DayKey, utcToday: DayKey, now: Date, settleMs: number): ProviderPlan {
  const wantFrom = yearStart;
  const wantTo = maxDay(today, utcToday);
  const lastFinal = minDay(lastFinalUtcDay(now, settleMs), addDaysKey(utcToday, -2));
  const ranges = planFetch(coverage, wantFrom, wantTo, addDaysKey(lastFinal, 1));
  return { ranges, wantFrom, wantTo, lastFinal };
}

/** The coverage after fetching `done`, never past the last final day. */
export function coverageAfter(coverage: Coverage | undefined, done: readonly DayRange[], lastFinal: DayKey): Coverage | undefined {
  const final = done.filter((r) => r.from <= lastFinal).map((r) => ({ from: r.from, to: minDay(r.to, lastFinal) }));
  return extendCoverage(coverage, final) ?? coverage;
}

/** Every day of a range, in order. */
export function daysOf(range: DayRange): DayKey[] {
  return eachDayKey(range.from, addDaysKey(range.to, 1));
}

export interface Page<T> {
  readonly data: readonly T[];
  readonly has_more: boolean;
  readonly next_page?: string | null | undefined;
}

/**
 * Follows `next_page` until `has_more` is false, with a page cap and a repeated-cursor check so a
 * broken server cannot loop forever.
 */
export async function collectPages<T>(source: string, what: string, fetchPage: (page: string | undefined) => Promise<Page<T>>): Promise<T[]> {
  const out: T[] = [];
  const seen = new Set<string>();
  let cursor: string | undefined;
  for (let n = 0; ; n++) {
    if (n >= MAX_PAGES) {
      throw new SourceError('unexpected', `${source}: ${what} kept paging past ${MAX_PAGES} pages; stopped. Its next_page looks broken.`);
    }
    const page = await fetchPage(cursor);
    out.push(...page.data);
    if (!page.has_more) return out;
    const next = page.next_page;
    if (typeof next !== 'string' || next === '') {
      throw new SourceError('unexpected', `${source}: ${what} said has_more but gave no next_page; stopped.`);
    }
    if (seen.has(next)) {
      throw new SourceError('unexpected', `${source}: ${what} returned the same next_page twice; stopped to avoid an endless loop.`);
    }
    seen.add(next);
    cursor = next;
  }
}

/** Model name of the row that holds billed cost the token usage does not explain. */
export const OTHER_BILLED_MODEL = '(other billed costs)';

/**
 * Makes a day's rows add up to what the provider billed that day (its costs endpoint), keeping
 * the per-model split from token usage:
 *
 * - billed above the priced estimate: the rest is one `(other billed costs)` row (usage the token
 *   report does not cover, such as embeddings, images, tools and code execution, plus models that
 *   could not be priced);
 * - billed below the estimate (batch and flex discounts, credits): the priced rows are scaled down
 *   in proportion, so each model keeps its share. On the current, partial day (`partial`) this
 *   is not done: a costs endpoint that lags behind usage would otherwise pull the estimate down.
 *
 * Unpriced rows stay unpriced: the priced part of their cost counts and scales like any other
 * (what could not be priced is inside the other-costs row).
 * `billed` undefined (no bucket or an empty one while there is usage) leaves the estimate as is.
 */
export function reconcileDay(rows: readonly LedgerRow[], billed: number | undefined, partial: boolean, template: Pick<LedgerRow, 'date' | 'source'>): LedgerRow[] {
  if (billed === undefined) return [...rows];
  const estimated = rows.reduce((sum, r) => sum + r.cost, 0);
  const gap = billed - estimated;
  if (Math.abs(gap) < 1e-9) return [...rows];
  if (gap > 0) {
    return [...rows, { ...template, model: OTHER_BILLED_MODEL, cost: gap, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 }];
  }
  if (partial || estimated <= 0) return [...rows];
  const factor = billed / estimated;
  return rows.map((r) => ({ ...r, cost: r.cost * factor }));
}

/** Settle times: how long after a UTC day ends its data is taken as final. */
export const SETTLE_MS = {
  /** Anthropic usage and cost: "typically within 5 minutes", with a margin. */
  anthropic: HOUR_MS,
  /** Claude Code analytics: "only data older than 1 hour is included", with a margin. */
  claudeCode: 2 * HOUR_MS,
  /** OpenAI usage and costs: freshness undocumented; a conservative margin. */
  openai: 3 * HOUR_MS,
} as const;
