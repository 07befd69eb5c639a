/**
 * The allowance gateway source (protocol v1, docs/allowance-gateway.md): the engineer's
 * allowance from `/v1/allowance`, daily spend per model from `/v1/usage`, paged by
 * `next_cursor`. Only days not fetched before are asked for; yesterday and today always are.
 *
 * Which days: the budget year in force (product.md, "Which days a source covers"), all of it,
 * whatever period the gateway reports: with `annualBudget` > 0 the year starting on
 * `budgetYearStart`, else the gateway's period when its budget governs. Plus the days of the
 * gateway's period that its own `spent` covers, so that the budget service can hold that total
 * against the rows (`totals`).
 */
import * as v from 'valibot';
import { resolveBudget, type BudgetSettings } from '../core/budgetYear';
import { addDaysKey, diffDaysKey, isDayKey, maxDay, minDay } from '../core/dates';
import { extendCoverage, planFetch, type Coverage, type DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { AllowanceSchema, UsagePageSchema, type Allowance, type UsageDay } from './gatewaySchema';
import { joinUrl, SourceError } from './http';
import { defineSource, keyHint, settingKey } from './descriptor';
import { keyedAdapterContext } from './keyedAdapter';
import type { KeyedFetchInput, ServiceTotal, SourceAdapter } from './types';

export const GATEWAY = defineSource({
  id: 'gateway',
  label: 'Allowance gateway',
  group: 'gateway',
  settings: { url: 'application' },
  switch: { type: 'url', setting: 'url', example: 'https://ai-gateway.example.com' },
  key: { envVar: 'TOKEN_BUDGET_GATEWAY_KEY', what: 'the key your company gateway issued to you' },
  pick: { icon: 'server', detail: "Your company's gateway (protocol v1): URL and the key it issued you" },
  carriesAgentTraffic: true,
  create: () => gatewayAdapter,
});

export const GATEWAY_SOURCE_NAME = GATEWAY.label;
const URL_SETTING = settingKey(GATEWAY, 'url');
/** A server that keeps paging past this is treated as broken. */
export const MAX_PAGES = 60;

export interface GatewaySync {
  readonly coverage?: Coverage;
}

export const GatewaySyncSchema = v.object({
  coverage: v.optional(v.object({ from: v.string(), to: v.string() })),
});

export interface GatewayFetchInput extends KeyedFetchInput<GatewaySync> {
  /**
   * The budget settings: with `annualBudget` > 0 the settings' year (`yearStart`) is in force
   * whatever period the gateway reports; with 0, the gateway's period when it reports a budget
   * (read from this fetch's own `/v1/allowance`, fresher than the `yearStart` the caller knew).
   */
  readonly settings: BudgetSettings;
}

/** What the gateway's `spent` is, in the budget service's log and tooltip. */
export const GATEWAY_TOTAL_WHAT = "the gateway's spent for its period";
/**
 * The gateway's period may start this many days before the year in force at most for its days to
 * be fetched for the reconciliation; a period reaching further back (a misconfigured gateway) gets
 * no total rather than years of extra pages.
 */
export const MAX_RECONCILE_LEAD_DAYS = 400;

export interface GatewayFetchResult {
  readonly allowance: Allowance;
  /** True when the gateway marks its data as simulated (`X-Allowance-Demo`). */
  readonly demo: boolean;
  /** Every day fetched: their rows replace what the ledger had for this source. */
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: GatewaySync;
  readonly requests: number;
  /** The gateway's own `spent` over the span of its period up to today (none without a usable period). */
  readonly totals: ServiceTotal[];
}

/**
 * The first day of the budget year in force, by the rule the budget service and the snapshot use
 * (`resolveBudget`), with the budget this very fetch read from the gateway.
 */
export function yearInForceStart(allowance: Allowance, settings: BudgetSettings, today: DayKey): DayKey {
  const b = allowance.budget;
  return resolveBudget(settings, b ? { amount: b.amount, periodStart: b.period_start, periodEnd: b.period_end } : null, today).year.start;
}

/**
 * The span the gateway's `spent` covers and the rows can be held against: `period_start` to the
 * earlier of the last day fetched and the period's last day. Undefined without a budget, with a
 * period that is not valid or has not begun, or one starting more than
 * {@link MAX_RECONCILE_LEAD_DAYS} before the year in force.
 */
export function reconcileSpan(allowance: Allowance, yearStart: DayKey, lastDay: DayKey): DayRange | undefined {
  const b = allowance.budget;
  if (!b || !isDayKey(b.period_start) || !isDayKey(b.period_end) || b.period_end <= b.period_start) return undefined;
  const to = minDay(lastDay, addDaysKey(b.period_end, -1));
  if (b.period_start > to) return undefined;
  if (diffDaysKey(yearStart, b.period_start) > MAX_RECONCILE_LEAD_DAYS) return undefined;
  return { from: b.period_start, to };
}

function authHeaders(key: string): Record<string, string> {
  return { Authorization: `Bearer ${key}` };
}

/** Turns one protocol day into ledger rows; a day without per-model detail becomes one "(unattributed)" row. */
export function dayToRows(day: UsageDay): LedgerRow[] {
  const rows: LedgerRow[] = day.models.map((m) => ({
    date: day.date,
    source: 'gateway',
    model: m.model,
    cost: m.cost,
    inputTokens: m.input_tokens,
    outputTokens: m.output_tokens,
    cacheReadTokens: m.cache_read_tokens,
    cacheWriteTokens: m.cache_write_tokens,
    requests: m.requests,
  }));
  const attributed = rows.reduce((sum, r) => sum + r.cost, 0);
  const rest = Math.round((day.cost - attributed) * 100) / 100;
  if (Math.abs(rest) >= 0.01) {
    rows.push({ date: day.date, source: 'gateway', model: '(unattributed)', cost: rest, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 });
  }
  return rows;
}

export async function fetchGateway(input: GatewayFetchInput): Promise<GatewayFetchResult> {
  const { http, baseUrl, key } = input;
  let requests = 0;
  let demo = false;
  const common = { source: GATEWAY_SOURCE_NAME, headers: authHeaders(key), secrets: [key] } as const;

  requests++;
  const allowance = await http.getJson({ ...common, url: joinUrl(baseUrl, 'v1/allowance'), schema: AllowanceSchema, onHeaders: (h: Headers) => (demo ||= h.get('x-allowance-demo') === '1') });
  if (allowance.currency.toUpperCase() !== 'USD') {
    throw new SourceError('unexpected', `${GATEWAY_SOURCE_NAME}: reports money in ${allowance.currency}; only USD is supported.`);
  }

  // The year in force, and the days of the gateway's period its `spent` covers: both are fetched,
  // so that the rows held cover the reconciled span (not only when the year starts first).
  const yearStart = yearInForceStart(allowance, input.settings, input.today);
  const wantTo = maxDay(input.today, input.utcToday);
  const span = reconcileSpan(allowance, yearStart, wantTo);
  const wantFrom = span ? minDay(yearStart, span.from) : yearStart;
  const mutableFrom = addDaysKey(wantTo, -1);
  const ranges = planFetch(input.sync.coverage, wantFrom, wantTo, mutableFrom);

  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  const done: DayRange[] = [];
  for (const range of ranges) {
    let cursor: string | null = null;
    const seen = new Set<string>();
    for (let page = 0; ; page++) {
      if (page >= MAX_PAGES) {
        throw new SourceError('unexpected', `${GATEWAY_SOURCE_NAME}: /v1/usage kept paging past ${MAX_PAGES} pages for ${range.from}…${range.to}; stopped. The gateway's next_cursor looks broken.`);
      }
      const query: Record<string, string> = { from: range.from, to: range.to };
      if (cursor !== null) query['cursor'] = cursor;
      requests++;
      const body = await http.getJson({ ...common, url: joinUrl(baseUrl, 'v1/usage', query), schema: UsagePageSchema, onHeaders: (h: Headers) => (demo ||= h.get('x-allowance-demo') === '1') });
      for (const day of body.days) {
        if (day.date < range.from || day.date > range.to) {
          throw new SourceError('unexpected', `${GATEWAY_SOURCE_NAME}: /v1/usage returned ${day.date}, outside the requested ${range.from}…${range.to}.`);
        }
        rows.push(...dayToRows(day));
      }
      cursor = body.next_cursor;
      if (cursor === null) break;
      if (seen.has(cursor)) {
        throw new SourceError('unexpected', `${GATEWAY_SOURCE_NAME}: /v1/usage returned the same next_cursor twice; stopped to avoid an endless loop.`);
      }
      seen.add(cursor);
    }
    for (let day = range.from; day <= range.to; day = addDaysKey(day, 1)) days.push(day);
    done.push(range);
  }
  const totals: ServiceTotal[] = span ? [{ what: GATEWAY_TOTAL_WHAT, from: span.from, to: span.to, total: allowance.spent }] : [];
  return { allowance, demo, days, rows, sync: { coverage: extendCoverage(input.sync.coverage, done) }, requests, totals };
}

export const gatewayAdapter: SourceAdapter = {
  id: GATEWAY.id,
  label: GATEWAY.label,
  setting: URL_SETTING,
  needsKey: true,
  // Its sync state is only which days were fetched: without it every day is read again.
  rereadsFromScratch: true,
  isEnabled: (config) => config.sources.gateway.url !== '',
  identity: (config) => config.sources.gateway.url.replace(/\/+$/, ''),
  async fetch(context) {
    const start = keyedAdapterContext(context, {
      name: GATEWAY.label,
      url: context.config.sources.gateway.url,
      urlSetting: URL_SETTING,
      keyHint: keyHint(GATEWAY),
      syncSchema: GatewaySyncSchema,
    });
    const { annualBudget, budgetYearStart } = context.config;
    const result = await fetchGateway({ ...start, sync: start.sync ?? {}, settings: { annualBudget, budgetYearStart } });
    const budget = result.allowance.budget;
    return {
      days: result.days,
      rows: result.rows,
      sync: result.sync,
      demo: result.demo,
      user: result.allowance.user,
      budget: budget ? { amount: budget.amount, periodStart: budget.period_start, periodEnd: budget.period_end } : null,
      ...(result.totals.length > 0 ? { totals: result.totals } : {}),
      requests: result.requests,
    };
  },
};
