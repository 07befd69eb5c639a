/**
 * The allowance gateway source (protocol v1, docs/allowance-gateway.md): the engineer's
 * allowance from `/v1/allowance`, daily spend per model from `/v1/usage`, paged by
 * `next_cursor`. Only days not fetched before are asked for; yesterday and today always are.
 */
import * as v from 'valibot';
import { addDaysKey, maxDay } from '../core/dates';
import { extendCoverage, planFetch, type Coverage, type DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { AllowanceSchema, UsagePageSchema, type Allowance, type UsageDay } from './gatewaySchema';
import { joinUrl, SourceError } from './http';
import type { KeyedFetchInput } from './types';

export const GATEWAY_SOURCE_NAME = 'Allowance gateway';
/** A server that keeps paging past this is treated as broken. */
export const MAX_PAGES = 60;

export interface GatewaySync {
  readonly coverage?: Coverage;
}

export const GatewaySyncSchema = v.object({
  coverage: v.optional(v.object({ from: v.string(), to: v.string() })),
});

export type GatewayFetchInput = KeyedFetchInput<GatewaySync>;

export interface GatewayFetchResult {
  readonly allowance: Allowance;
  /** True when the gateway marks its data as simulated (`X-Allowance-Demo`). */
  readonly demo: boolean;
  /** Every day fetched: their rows replace what the ledger had for this source. */
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: GatewaySync;
  readonly requests: number;
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

  const wantFrom = allowance.budget?.period_start ?? input.yearStart;
  const wantTo = maxDay(input.today, input.utcToday);
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
  return { allowance, demo, days, rows, sync: { coverage: extendCoverage(input.sync.coverage, done) }, requests };
}
