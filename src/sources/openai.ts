/**
 * The OpenAI Admin source: daily token usage per model from `GET /organization/usage/completions`
 * (priced with genai-prices), and, when no personal filter is set, the billed daily totals from
 * `GET /organization/costs`.
 *
 * - Auth: `Authorization: Bearer <Admin key>` (`sk-admin-…`); a project key is refused by OpenAI
 *   ("Missing scopes: api.usage.read") and that is said plainly.
 * - Days are UTC days: `start_time`/`end_time` are unix seconds of UTC midnights (`end_time`
 *   exclusive, omitted when the range reaches the current UTC day, so it means "until now").
 * - Array parameters are repeated (`group_by=model&user_ids=u1&user_ids=u2`): the spec declares
 *   them as plain `type: array` query parameters, whose OpenAPI default is `style: form,
 *   explode: true`, and that is what OpenAI's cookbook sends.
 * - `input_tokens` already includes `input_cached_tokens` (and `input_cache_write_tokens`): it is
 *   priced as the total, with the cached part at the cache-read price, never added twice.
 * - Usage is grouped by model, batch and service tier: Batch API results (`batch: true`) and flex
 *   processing (`service_tier: "flex"`, "priced at Batch API rates" per OpenAI's flex-processing
 *   guide) are priced at `BATCH_PRICE_FACTOR` of the list price; everything else at list price.
 *   Priority processing costs more, by a factor that differs per model and is not in the price
 *   data: it is counted at list price and the note says so.
 * - Personal vs organisation: `user_ids`, `api_key_ids` and `project_ids` from the settings filter
 *   the usage. With none set the numbers are the whole organisation's (the outcome's note says
 *   so), and the costs endpoint's billed total becomes each day's total (see `reconcileDay`).
 *   With only `api_key_ids` / `project_ids` set, the costs endpoint filtered by the same ids is
 *   the service's own total for the final days fetched (`totals`), held against the priced rows
 *   by the budget service. The costs endpoint cannot filter by user, so with `user_ids` there is
 *   no such total.
 * - Buckets: an empty bucket outside the asked days (the next UTC day, when `end_time` is left
 *   out) says nothing and is ignored; one with results there is an error.
 */
import * as v from 'valibot';
import { addDaysKey, minDay } from '../core/dates';
import type { Coverage, DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { BATCH_PRICE_FACTOR, priceInstantOfUtcDay, priceUsage } from '../pricing/prices';
import { defaultErrorMessage, joinUrl, SourceError } from './http';
import { CompletionsPageSchema, CostsPageSchema, type CompletionsBucket, type CostsBucket, type CostsResult } from './openaiSchema';
import { keyedAdapterContext } from './keyedAdapter';
import { collectPages, CoverageSchema, coverageAfter, daysOf, planProviderFetch, reconcileDay, rowsByModel, SETTLE_MS, sortedIds, utcDayOfSeconds, utcDayStartSeconds } from './providerCommon';
import { defineSource, keyHint, settingKey } from './descriptor';
import type { KeyedFetchInput, ServiceTotal, SourceAdapter } from './types';

export const OPENAI = defineSource({
  id: 'openai',
  label: 'OpenAI Admin',
  group: 'provider',
  settings: { enabled: 'application', baseUrl: 'application', userIds: 'application', apiKeyIds: 'application', projectIds: 'application' },
  switch: { type: 'toggle', setting: 'enabled' },
  key: { envVar: 'OPENAI_ADMIN_KEY', what: 'an OpenAI Admin key (sk-admin-…)', help: 'Admin keys are made under Organization settings → Admin keys.' },
  pick: { icon: 'organization', detail: 'An Admin key (sk-admin-…) and your user or API key IDs' },
  ownFilters: ['userIds', 'apiKeyIds'],
  carriesAgentTraffic: true,
  create: () => openaiAdapter,
});

export const OPENAI_SOURCE_NAME = OPENAI.label;
/** `bucket_width=1d`: at most 31 buckets a page. */
export const USAGE_PAGE_LIMIT = 31;
/** Costs: "Limit can range between 1 and 180". */
export const COSTS_PAGE_LIMIT = 180;

const ADMIN_KEY_HINT = keyHint(OPENAI);
export const PROJECT_KEY_MESSAGE = 'this endpoint needs an Admin key (sk-admin-…), the key given is a project key';

export const OpenAISyncSchema = v.object({ coverage: v.optional(CoverageSchema) });
export interface OpenAISync {
  readonly coverage?: Coverage;
}

export interface OpenAIFilters {
  readonly userIds: readonly string[];
  readonly apiKeyIds: readonly string[];
  readonly projectIds: readonly string[];
}

export interface OpenAIFetchInput extends KeyedFetchInput<OpenAISync> {
  readonly filters: OpenAIFilters;
  readonly now: Date;
}

export interface OpenAIFetchResult {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: OpenAISync;
  readonly requests: number;
  /** True when no personal filter is set: the numbers are the whole organisation's. */
  readonly orgWide: boolean;
  readonly note: string;
  /** The costs endpoint's billed totals for the same keys / projects, when the filters allow one (see `hasServiceTotal`). */
  readonly totals?: ServiceTotal[];
}

export function isOrgWide(filters: OpenAIFilters): boolean {
  return filters.userIds.length === 0 && filters.apiKeyIds.length === 0 && filters.projectIds.length === 0;
}

/**
 * True when the costs endpoint can report what the filtered rows should add up to: filtered by API
 * keys and/or projects only (costs has no user filter; organisation-wide rows are the billed total).
 */
export function hasServiceTotal(filters: OpenAIFilters): boolean {
  return filters.userIds.length === 0 && (filters.apiKeyIds.length > 0 || filters.projectIds.length > 0);
}

/** Unix-second bounds of a range of UTC days; no end when it reaches the current UTC day. */
function timeQuery(range: DayRange, utcToday: DayKey): Record<string, string> {
  const query: Record<string, string> = { start_time: String(utcDayStartSeconds(range.from)) };
  if (range.to < utcToday) query['end_time'] = String(utcDayStartSeconds(addDaysKey(range.to, 1)));
  return query;
}

/** Flex processing is "priced at Batch API rates" (OpenAI's flex-processing guide). */
const HALF_PRICE_TIERS = new Set(['flex']);

/**
 * One ledger row per model for one usage bucket, priced at that day's prices: a model's Batch API
 * results (`batch: true`) and flex-processing results at `BATCH_PRICE_FACTOR` of the list price,
 * the rest (priority processing included) at list price.
 */
export function bucketToRows(day: DayKey, bucket: CompletionsBucket): LedgerRow[] {
  const at = priceInstantOfUtcDay(day);
  return rowsByModel(
    bucket.results.map((r): LedgerRow => {
      const model = r.model ?? '(unknown model)';
      const cached = r.input_cached_tokens ?? 0;
      const written = r.input_cache_write_tokens ?? 0;
      const uncached = r.input_uncached_tokens ?? Math.max(0, r.input_tokens - cached - written);
      const price = priceUsage({ model, provider: 'openai', inputTokens: r.input_tokens, cacheReadTokens: cached, cacheWrite5mTokens: written, outputTokens: r.output_tokens, requests: r.num_model_requests, at });
      const row: LedgerRow = {
        date: day,
        source: 'openai',
        model,
        cost: (r.batch === true || HALF_PRICE_TIERS.has(r.service_tier ?? '') ? BATCH_PRICE_FACTOR : 1) * price.cost,
        inputTokens: uncached,
        outputTokens: r.output_tokens,
        cacheReadTokens: cached,
        cacheWriteTokens: written,
        requests: r.num_model_requests,
      };
      return price.unpriced ? { ...row, unpriced: true } : row;
    }),
  );
}

/** USD of one costs result; a result without an amount is refused by name (the spec allows it but does not say what it means). */
function resultUsd(r: CostsResult, day: DayKey): number {
  if (r.amount === undefined || r.amount === null) {
    throw new SourceError('unexpected', `${OPENAI_SOURCE_NAME}: /organization/costs returned a result without amount for ${day}; the API does not say what that means, so the billed cost of that day is unknown.`);
  }
  if (r.amount.value === undefined || r.amount.value === null) {
    throw new SourceError('unexpected', `${OPENAI_SOURCE_NAME}: /organization/costs returned a result without amount.value for ${day}; the billed cost of that day is unknown.`);
  }
  if (r.amount.currency.toLowerCase() !== 'usd') {
    throw new SourceError('unexpected', `${OPENAI_SOURCE_NAME}: /organization/costs reports money in ${r.amount.currency}; only USD is supported.`);
  }
  return r.amount.value;
}

/** USD billed per UTC day; a day whose bucket has no results is left out (unknown, not $0). */
export function billedPerDay(buckets: readonly CostsBucket[]): Map<DayKey, number> {
  const out = new Map<DayKey, number>();
  for (const bucket of buckets) {
    if (bucket.results.length === 0) continue;
    const day = utcDayOfSeconds(bucket.start_time);
    let sum = 0;
    for (const r of bucket.results) sum += resultUsd(r, day);
    out.set(day, (out.get(day) ?? 0) + sum);
  }
  return out;
}

/**
 * The buckets of the asked days. An empty bucket outside them (the live API answers one for the
 * next UTC day when `end_time` is left out) says nothing and is dropped; one with results there
 * is an error.
 */
function bucketsWithin<B extends { readonly start_time: number; readonly results: readonly unknown[] }>(what: string, buckets: readonly B[], range: DayRange): B[] {
  const out: B[] = [];
  for (const bucket of buckets) {
    const day = utcDayOfSeconds(bucket.start_time);
    if (day >= range.from && day <= range.to) out.push(bucket);
    else if (bucket.results.length > 0) throw outsideRange(what, day, range);
  }
  return out;
}

function outsideRange(what: string, day: DayKey, range: DayRange): SourceError {
  return new SourceError('unexpected', `${OPENAI_SOURCE_NAME}: ${what} returned a bucket for ${day}, outside the requested ${range.from}…${range.to}.`);
}

export async function fetchOpenAI(input: OpenAIFetchInput): Promise<OpenAIFetchResult> {
  const { http, baseUrl, key, filters, utcToday } = input;
  const orgWide = isOrgWide(filters);
  let requests = 0;

  const get = async <T extends v.GenericSchema>(path: string, query: Record<string, string | readonly string[]>, schema: T): Promise<v.InferOutput<T>> => {
    let serverSaid: string | undefined;
    requests++;
    try {
      return await http.getJson({
        url: joinUrl(baseUrl, path, query),
        headers: { Authorization: `Bearer ${key}` },
        schema,
        source: OPENAI_SOURCE_NAME,
        secrets: [key],
        authHint: ADMIN_KEY_HINT,
        errorMessage: (body) => {
          serverSaid = defaultErrorMessage(body);
          return serverSaid;
        },
      });
    } catch (error) {
      throw explainKeyError(error, key, serverSaid);
    }
  };

  const costsPages = (query: Record<string, string | readonly string[]>) =>
    collectPages(OPENAI_SOURCE_NAME, '/organization/costs', (page) => get('organization/costs', { ...query, bucket_width: '1d', limit: String(COSTS_PAGE_LIMIT), ...(page ? { page } : {}) }, CostsPageSchema));

  const plan = planProviderFetch(input.sync.coverage, input.yearStart, input.today, utcToday, input.now, SETTLE_MS.openai);
  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  const done: DayRange[] = [];
  const totals: ServiceTotal[] = [];
  const unpricedModels = new Set<string>();
  const tiers = new Set<string>();
  for (const range of plan.ranges) {
    const rangeDays = daysOf(range);
    const asked: DayRange = { from: range.from, to: range.to < utcToday ? range.to : utcToday };
    const byDay = new Map<DayKey, LedgerRow[]>();
    const billed = new Map<DayKey, number>();
    if (asked.from <= asked.to) {
      const time = timeQuery(asked, utcToday);
      const buckets = await collectPages(OPENAI_SOURCE_NAME, '/organization/usage/completions', (page) =>
        get(
          'organization/usage/completions',
          {
            ...time,
            bucket_width: '1d',
            group_by: ['model', 'batch', 'service_tier'],
            user_ids: filters.userIds,
            api_key_ids: filters.apiKeyIds,
            project_ids: filters.projectIds,
            limit: String(USAGE_PAGE_LIMIT),
            ...(page ? { page } : {}),
          },
          CompletionsPageSchema,
        ),
      );
      for (const bucket of bucketsWithin('/organization/usage/completions', buckets, range)) {
        const day = utcDayOfSeconds(bucket.start_time);
        for (const r of bucket.results) if (r.service_tier) tiers.add(r.service_tier);
        byDay.set(day, [...(byDay.get(day) ?? []), ...bucketToRows(day, bucket)]);
      }
      if (orgWide) {
        const costBuckets = bucketsWithin('/organization/costs', await costsPages(time), range);
        for (const [day, usd] of billedPerDay(costBuckets)) billed.set(day, usd);
      }
      // The service's own total for the final days of this range, filtered by the same keys / projects.
      const span: DayRange = { from: asked.from, to: minDay(asked.to, plan.lastFinal) };
      if (hasServiceTotal(filters) && span.from <= span.to) {
        const query = { ...timeQuery(span, utcToday), api_key_ids: filters.apiKeyIds, project_ids: filters.projectIds };
        const costBuckets = bucketsWithin('/organization/costs', await costsPages(query), span);
        totals.push(serviceTotal(filters, span, costBuckets));
      }
    }
    for (const day of rangeDays) {
      const dayRows = byDay.get(day) ?? [];
      for (const r of dayRows) if (r.unpriced) unpricedModels.add(r.model);
      rows.push(...(orgWide ? reconcileDay(dayRows, billed.get(day), day >= utcToday, { date: day, source: 'openai' }) : dayRows));
    }
    days.push(...rangeDays);
    done.push(range);
  }
  const note = describe(filters, orgWide, [...unpricedModels].sort(), tiers.has('priority'));
  return { days, rows, sync: { coverage: coverageAfter(input.sync.coverage, done, plan.lastFinal) }, requests, orgWide, note, ...(totals.length > 0 ? { totals } : {}) };
}

/** What the costs endpoint billed over `span` for the filtered keys / projects, per day (a day with an empty bucket billed $0). */
function serviceTotal(filters: OpenAIFilters, span: DayRange, buckets: readonly CostsBucket[]): ServiceTotal {
  const daily: Record<DayKey, number> = {};
  for (const day of daysOf(span)) daily[day] = 0;
  for (const bucket of buckets) {
    const day = utcDayOfSeconds(bucket.start_time);
    for (const r of bucket.results) daily[day] = (daily[day] ?? 0) + resultUsd(r, day);
  }
  const whose = [filters.apiKeyIds.length > 0 ? `API keys ${filters.apiKeyIds.join(', ')}` : '', filters.projectIds.length > 0 ? `projects ${filters.projectIds.join(', ')}` : ''].filter((p) => p !== '');
  return { what: `the costs endpoint (billed), filtered to ${whose.join('; ')}`, from: span.from, to: span.to, total: Object.values(daily).reduce((a, b) => a + b, 0), daily };
}

function describe(filters: OpenAIFilters, orgWide: boolean, unpriced: readonly string[], priority: boolean): string {
  const unpricedText = unpriced.length > 0 ? ` No price is known for ${unpriced.join(', ')}: listed as unpriced${orgWide ? ' (their billed cost is inside "(other billed costs)")' : ', not counted'}.` : '';
  const priorityText = priority ? ' Some usage ran on priority processing, which costs more than list price by a per-model factor the price data does not have.' : '';
  if (orgWide) {
    return (
      'Whole organisation: no personal filter is set (tokenBudget.sources.openai.userIds, apiKeyIds or projectIds), so these are the whole OpenAI organisation\'s numbers, not yours. ' +
      'Day totals are the costs endpoint\'s billed amounts; the split by model is priced from token usage, Batch API and flex processing usage at half the list price. Days are UTC days.' +
      unpricedText
    );
  }
  const parts = [
    filters.userIds.length > 0 ? `users ${filters.userIds.join(', ')}` : '',
    filters.apiKeyIds.length > 0 ? `API keys ${filters.apiKeyIds.join(', ')}` : '',
    filters.projectIds.length > 0 ? `projects ${filters.projectIds.join(', ')}` : '',
  ].filter((p) => p !== '');
  const check = hasServiceTotal(filters)
    ? ' Held against the costs endpoint\'s billed amounts for the same keys and projects (final days).'
    : ' The costs endpoint cannot filter by user, so these estimates are not checked against billed amounts.';
  return (
    `Filtered to ${parts.join('; ')}. Estimated from completions token usage at list prices; Batch API and flex processing usage at half the list price, priority processing at list price. ` +
    `Non-chat usage such as embeddings and images is not included. Days are UTC days.${check}${priorityText}${unpricedText}`
  );
}

/** A rejected project key (or one missing `api.usage.read`) gets a message that says what to do. */
function explainKeyError(error: unknown, key: string, serverSaid: string | undefined): unknown {
  if (!(error instanceof SourceError) || error.kind !== 'auth') return error;
  const projectKey = key.startsWith('sk-proj-') || /api\.usage\.read|insufficient permissions/i.test(serverSaid ?? '');
  if (!projectKey) return error;
  const status = error.details.status;
  return new SourceError(
    'auth',
    `${OPENAI_SOURCE_NAME}: ${PROJECT_KEY_MESSAGE}${status ? ` (HTTP ${status})` : ''}. ${ADMIN_KEY_HINT}`,
    error.details,
  );
}

export const openaiAdapter: SourceAdapter = {
  id: OPENAI.id,
  label: OPENAI.label,
  setting: settingKey(OPENAI, 'enabled'),
  needsKey: true,
  // Its sync state is only which days were fetched: without it every day is read again.
  rereadsFromScratch: true,
  isEnabled: (config) => config.sources.openai.enabled,
  identity: (config) => {
    const o = config.sources.openai;
    return `${o.baseUrl.trim().replace(/\/+$/, '')} users=${sortedIds(o.userIds)} keys=${sortedIds(o.apiKeyIds)} projects=${sortedIds(o.projectIds)}`;
  },
  async fetch(context) {
    const o = context.config.sources.openai;
    const start = keyedAdapterContext(context, { name: OPENAI_SOURCE_NAME, url: o.baseUrl, urlSetting: settingKey(OPENAI, 'baseUrl'), keyHint: ADMIN_KEY_HINT, syncSchema: OpenAISyncSchema });
    const result = await fetchOpenAI({ ...start, filters: { userIds: o.userIds, apiKeyIds: o.apiKeyIds, projectIds: o.projectIds }, sync: start.sync ?? {} });
    return { days: result.days, rows: result.rows, sync: result.sync, note: result.note, requests: result.requests, ...(result.totals ? { totals: result.totals } : {}) };
  },
};
