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
 * - Usage is grouped by model and batch: Batch API results (`batch: true`) are priced at
 *   `BATCH_PRICE_FACTOR` of the list price; everything else (flex and priority processing
 *   included) at list price.
 * - Personal vs organisation: `user_ids`, `api_key_ids` and `project_ids` from the settings filter
 *   the usage. With none set the numbers are the whole organisation's (the outcome's note says
 *   so), and the costs endpoint's billed total becomes each day's total (see `reconcileDay`).
 */
import * as v from 'valibot';
import { addDaysKey } from '../core/dates';
import type { Coverage, DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { BATCH_PRICE_FACTOR, priceInstantOfUtcDay, priceUsage } from '../pricing/prices';
import { defaultErrorMessage, joinUrl, SourceError } from './http';
import { CompletionsPageSchema, CostsPageSchema, type CompletionsBucket, type CostsBucket } from './openaiSchema';
import { keyedAdapterContext } from './keyedAdapter';
import { collectPages, CoverageSchema, coverageAfter, daysOf, planProviderFetch, reconcileDay, rowsByModel, SETTLE_MS, sortedIds, utcDayOfSeconds, utcDayStartSeconds } from './providerCommon';
import type { KeyedFetchInput, SourceAdapter } from './types';

export const OPENAI_SOURCE_NAME = 'OpenAI Admin';
/** `bucket_width=1d`: at most 31 buckets a page. */
export const USAGE_PAGE_LIMIT = 31;
/** Costs: "Limit can range between 1 and 180". */
export const COSTS_PAGE_LIMIT = 180;

const ADMIN_KEY_HINT = 'Set an OpenAI Admin key (sk-admin-…, Organization settings → Admin keys) with "Token Budget: Set API Key…" or OPENAI_ADMIN_KEY.';
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
}

export function isOrgWide(filters: OpenAIFilters): boolean {
  return filters.userIds.length === 0 && filters.apiKeyIds.length === 0 && filters.projectIds.length === 0;
}

/** Unix-second bounds of a range of UTC days; no end when it reaches the current UTC day. */
function timeQuery(range: DayRange, utcToday: DayKey): Record<string, string> {
  const query: Record<string, string> = { start_time: String(utcDayStartSeconds(range.from)) };
  if (range.to < utcToday) query['end_time'] = String(utcDayStartSeconds(addDaysKey(range.to, 1)));
  return query;
}

/**
 * One ledger row per model for one usage bucket, priced at that day's prices: a model's Batch API
 * results (`batch: true`) at `BATCH_PRICE_FACTOR` of the list price, the rest at list price.
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
        cost: (r.batch === true ? BATCH_PRICE_FACTOR : 1) * price.cost,
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

/** USD billed per UTC day; a day whose bucket has no results is left out (unknown, not $0). */
export function billedPerDay(buckets: readonly CostsBucket[]): Map<DayKey, number> {
  const out = new Map<DayKey, number>();
  for (const bucket of buckets) {
    if (bucket.results.length === 0) continue;
    let sum = 0;
    for (const r of bucket.results) {
      if (r.amount.currency.toLowerCase() !== 'usd') {
        throw new SourceError('unexpected', `${OPENAI_SOURCE_NAME}: /organization/costs reports money in ${r.amount.currency}; only USD is supported.`);
      }
      sum += r.amount.value;
    }
    const day = utcDayOfSeconds(bucket.start_time);
    out.set(day, (out.get(day) ?? 0) + sum);
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

  const plan = planProviderFetch(input.sync.coverage, input.yearStart, input.today, utcToday, input.now, SETTLE_MS.openai);
  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  const done: DayRange[] = [];
  const unpricedModels = new Set<string>();
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
            group_by: ['model', 'batch'],
            user_ids: filters.userIds,
            api_key_ids: filters.apiKeyIds,
            project_ids: filters.projectIds,
            limit: String(USAGE_PAGE_LIMIT),
            ...(page ? { page } : {}),
          },
          CompletionsPageSchema,
        ),
      );
      for (const bucket of buckets) {
        const day = utcDayOfSeconds(bucket.start_time);
        if (day < range.from || day > range.to) throw outsideRange('/organization/usage/completions', day, range);
        byDay.set(day, [...(byDay.get(day) ?? []), ...bucketToRows(day, bucket)]);
      }
      if (orgWide) {
        const costBuckets = await collectPages(OPENAI_SOURCE_NAME, '/organization/costs', (page) =>
          get('organization/costs', { ...time, bucket_width: '1d', limit: String(COSTS_PAGE_LIMIT), ...(page ? { page } : {}) }, CostsPageSchema),
        );
        for (const bucket of costBuckets) {
          const day = utcDayOfSeconds(bucket.start_time);
          if (day < range.from || day > range.to) throw outsideRange('/organization/costs', day, range);
        }
        for (const [day, usd] of billedPerDay(costBuckets)) billed.set(day, usd);
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
  const note = describe(filters, orgWide, [...unpricedModels].sort());
  return { days, rows, sync: { coverage: coverageAfter(input.sync.coverage, done, plan.lastFinal) }, requests, orgWide, note };
}

function describe(filters: OpenAIFilters, orgWide: boolean, unpriced: readonly string[]): string {
  const unpricedText = unpriced.length > 0 ? ` No price is known for ${unpriced.join(', ')}: listed as unpriced${orgWide ? ' (their billed cost is inside "(other billed costs)")' : ', not counted'}.` : '';
  if (orgWide) {
    return (
      'Whole organisation: no personal filter is set (tokenBudget.sources.openai.userIds, apiKeyIds or projectIds), so these are the whole OpenAI organisation\'s numbers, not yours. ' +
      'Day totals are the costs endpoint\'s billed amounts; the split by model is priced from token usage, Batch API usage at half the list price. Days are UTC days.' +
      unpricedText
    );
  }
  const parts = [
    filters.userIds.length > 0 ? `users ${filters.userIds.join(', ')}` : '',
    filters.apiKeyIds.length > 0 ? `API keys ${filters.apiKeyIds.join(', ')}` : '',
    filters.projectIds.length > 0 ? `projects ${filters.projectIds.join(', ')}` : '',
  ].filter((p) => p !== '');
  return `Filtered to ${parts.join('; ')}. Estimated from completions token usage at list prices; Batch API usage is priced at half the list price. Flex discounts are not included (flex and priority processing are counted at list price), nor is non-chat usage such as embeddings and images. Days are UTC days.${unpricedText}`;
}

/** A rejected project key (or one missing `api.usage.read`) gets a message that says what to do. */
function explainKeyError(error: unknown, key: string, serverSaid: string | undefined): unknown {
  if (!(error instanceof SourceError) || error.kind !== 'auth') return error;
  const projectKey = key.startsWith('sk-proj-') || /api\.usage\.read|insufficient permissions/i.test(serverSaid ?? '');
  if (!projectKey) return error;
  const status = error.details.status;
  return new SourceError(
    'auth',
    `${OPENAI_SOURCE_NAME}: ${PROJECT_KEY_MESSAGE}${status ? ` (HTTP ${status})` : ''}. Create an Admin key under Organization settings → Admin keys and set it with "Token Budget: Set API Key…" or OPENAI_ADMIN_KEY.`,
    error.details,
  );
}

export const openaiAdapter: SourceAdapter = {
  id: 'openai',
  label: OPENAI_SOURCE_NAME,
  setting: 'tokenBudget.sources.openai.enabled',
  needsKey: true,
  isEnabled: (config) => config.sources.openai.enabled,
  identity: (config) => {
    const o = config.sources.openai;
    return `${o.baseUrl.trim().replace(/\/+$/, '')} users=${sortedIds(o.userIds)} keys=${sortedIds(o.apiKeyIds)} projects=${sortedIds(o.projectIds)}`;
  },
  async fetch(context) {
    const o = context.config.sources.openai;
    const start = keyedAdapterContext(context, { name: OPENAI_SOURCE_NAME, url: o.baseUrl, urlSetting: 'tokenBudget.sources.openai.baseUrl', keyHint: ADMIN_KEY_HINT, syncSchema: OpenAISyncSchema });
    const result = await fetchOpenAI({ ...start, filters: { userIds: o.userIds, apiKeyIds: o.apiKeyIds, projectIds: o.projectIds }, sync: start.sync ?? {} });
    return { days: result.days, rows: result.rows, sync: result.sync, note: result.note, requests: result.requests };
  },
};
