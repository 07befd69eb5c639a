/**
 * The Anthropic Admin source. Headers `x-api-key: <Admin key>` (`sk-ant-admin01-…`) and
 * `anthropic-version: 2023-06-01`. Days are UTC days (the API snaps buckets to UTC).
 *
 * What is read depends on the settings, so nothing is counted twice:
 *
 * | apiKeyIds | claudeCodeEmail | read                                                              |
 * |-----------|-----------------|-------------------------------------------------------------------|
 * | set       | any             | usage report filtered by `api_key_ids[]`, priced per model (personal) |
 * | empty     | set             | Claude Code analytics, only that e-mail's records (personal)      |
 * | empty     | empty           | usage report for the whole organisation + the cost report (note)   |
 *
 * Claude Code run with an API key is in the usage report under that key, so with key filters set
 * the Claude Code analytics report is not read (it would count the same requests again); with
 * only an e-mail set, the organisation-wide usage report is not read (it holds everybody's usage,
 * this person's Claude Code included).
 *
 * - Usage report: `group_by[]=model&group_by[]=context_window&group_by[]=service_tier&group_by[]=speed`
 *   with `anthropic-beta: fast-mode-2026-02-01` (grouping by speed needs it; without it fast-mode
 *   tokens look standard), at most 31 daily buckets a page, paged by `next_page`. Total input =
 *   uncached + cache reads + 5-minute + 1-hour cache writes, each part at its own price; rows of
 *   the `200k-1M` context window at the long-context tier; `batch` results at `BATCH_PRICE_FACTOR`
 *   of the token price (web searches at full price); `speed: "fast"` results at the model's
 *   fast-mode multiple of every token rate (src/pricing/fastMode.ts), in a row of their own named
 *   `<model> (fast)`; every other service tier (Priority Tier included) at list price.
 * - Cost report: amounts are cents as decimal strings ("123.78912" = $1.2378912); used as each
 *   day's billed total in the organisation-wide mode (see `reconcileDay`). It leaves Priority Tier
 *   out ("Priority Tier costs use a different billing model and are not included in the cost
 *   endpoint"; its `service_tier` is only `standard` or `batch`), so Priority Tier usage
 *   (`priority`, `priority_on_demand`) is priced from the usage report and added after the rest
 *   is reconciled, never scaled to a total it is not in.
 * - No `totals` (ServiceTotal) are reported: organisation-wide the rows are built from the cost
 *   report's total, and with key filters the cost report (which cannot filter by key) is not a
 *   total of the rows.
 * - Claude Code analytics: one UTC day per call (`starting_at=YYYY-MM-DD`, paged, limit 1000),
 *   filtered here to `actor.email_address`; `estimated_cost.amount` is a number of cents. Records
 *   of `customer_type: "subscription"` (Pro/Team/Enterprise seats) are left out: their estimated
 *   cost is not billed per use, the seat is; the note gives their sum. Its data
 *   lags about an hour, so a day is final only two hours after it ends; final days are not asked
 *   again. Rows are named `claude-code:<model>` so they read as Claude Code's estimate, not as
 *   tokens priced here. At most `CLAUDE_CODE_DAYS_PER_FETCH` days are asked per refresh, newest
 *   first; older history fills in on the following refreshes.
 */
import * as v from 'valibot';
import { addDaysKey, utcDayKey } from '../core/dates';
import type { Coverage, DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { fastModeMultiplier } from '../pricing/fastMode';
import { BATCH_PRICE_FACTOR, priceInstantOfUtcDay, priceUsage } from '../pricing/prices';
import { joinUrl, SourceError } from './http';
import {
  anthropicErrorMessage,
  ClaudeCodePageSchema,
  CostPageSchema,
  MessagesPageSchema,
  type ClaudeCodeRecord,
  type CostBucket,
  type MessagesBucket,
  type MessagesResult,
  type ServiceTier,
} from './anthropicSchema';
import { keyedAdapterContext } from './keyedAdapter';
import { collectPages, CoverageSchema, coverageAfter, daysOf, planProviderFetch, reconcileDay, rowsByModel, SETTLE_MS, sortedIds, utcDayStartIso } from './providerCommon';
import { defineSource, keyHint, settingKey } from './descriptor';
import type { KeyedFetchInput, SourceAdapter } from './types';

export const ANTHROPIC = defineSource({
  id: 'anthropic',
  label: 'Anthropic Admin',
  group: 'provider',
  settings: { enabled: 'application', baseUrl: 'application', apiKeyIds: 'application', claudeCodeEmail: 'application' },
  switch: { type: 'toggle', setting: 'enabled' },
  // "it starts with sk-ant-admin": worded so the HTTP client's key redaction (which masks anything
  // shaped like `sk-xxxxxx…`) leaves the hint readable in error messages.
  key: { envVar: 'ANTHROPIC_ADMIN_KEY', what: 'an Anthropic Admin key (it starts with sk-ant-admin)', help: 'Admin keys are made in the Console under Settings → Admin keys (organisation admins only).' },
  pick: { icon: 'organization', detail: 'An Admin key (sk-ant-admin01-…) and your API key IDs or Claude Code e-mail' },
  ownFilters: ['apiKeyIds', 'claudeCodeEmail'],
  carriesAgentTraffic: true,
  create: () => anthropicAdapter,
});

export const ANTHROPIC_SOURCE_NAME = ANTHROPIC.label;
export const ANTHROPIC_VERSION = '2023-06-01';
export const USAGE_PAGE_LIMIT = 31;
export const COST_PAGE_LIMIT = 31;
export const CLAUDE_CODE_PAGE_LIMIT = 1000;
/** Claude Code analytics costs one call per day: a first sync of a year is spread over refreshes. */
export const CLAUDE_CODE_DAYS_PER_FETCH = 92;
export const CLAUDE_CODE_MODEL_PREFIX = 'claude-code:';
export const LONG_CONTEXT_WINDOW = '200k-1M';
/** The usage report's `service_tier` of Message Batches API usage, billed at `BATCH_PRICE_FACTOR`. */
export const BATCH_SERVICE_TIER = 'batch';
/** Service tiers the cost report leaves out: priced from usage, never scaled to its total. */
export const PRIORITY_SERVICE_TIERS: ReadonlySet<ServiceTier> = new Set(['priority', 'priority_on_demand']);
/** The beta that lets the usage report group by `speed` (fast mode). */
export const FAST_MODE_BETA = 'fast-mode-2026-02-01';
/** Marks the row of a model's fast-mode usage: `claude-opus-4-6 (fast)`. */
export const FAST_MODEL_SUFFIX = ' (fast)';

const ADMIN_KEY_HINT = keyHint(ANTHROPIC);
export const STANDARD_KEY_MESSAGE = 'this endpoint needs an Admin key (sk-ant-admin01-…), the key given is a standard API key';

export type AnthropicMode = 'apiKeys' | 'claudeCode' | 'organisation';

export const AnthropicSyncSchema = v.object({ coverage: v.optional(CoverageSchema) });
export interface AnthropicSync {
  readonly coverage?: Coverage;
}

export interface AnthropicFetchInput extends KeyedFetchInput<AnthropicSync> {
  readonly apiKeyIds: readonly string[];
  readonly claudeCodeEmail: string;
  readonly now: Date;
}

export interface AnthropicFetchResult {
  readonly mode: AnthropicMode;
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: AnthropicSync;
  readonly requests: number;
  readonly note: string;
}

export function anthropicMode(apiKeyIds: readonly string[], claudeCodeEmail: string): AnthropicMode {
  if (apiKeyIds.length > 0) return 'apiKeys';
  if (claudeCodeEmail.trim() !== '') return 'claudeCode';
  return 'organisation';
}

/** One usage bucket priced: the part the cost report covers, the Priority Tier part it leaves out. */
export interface PricedBucket {
  /** One row per model (fast mode apart) of usage the cost report bills. */
  readonly covered: LedgerRow[];
  /** One row per model (fast mode apart) of Priority Tier usage, which the cost report leaves out. */
  readonly priority: LedgerRow[];
  /** Models with fast-mode usage but no known fast-mode multiple: priced at standard rates. */
  readonly fastUnknown: string[];
}

/**
 * Prices one usage bucket: each context window at its own tier, each service tier's result at its
 * own rate (`batch` at `BATCH_PRICE_FACTOR` of the token price, web searches always at full
 * price), fast-mode results at the model's multiple of every token rate in a `<model> (fast)` row,
 * added up per row name; Priority Tier results kept apart.
 */
export function priceMessagesBucket(day: DayKey, bucket: MessagesBucket): PricedBucket {
  const at = priceInstantOfUtcDay(day);
  const covered: LedgerRow[] = [];
  const priority: LedgerRow[] = [];
  const fastUnknown = new Set<string>();
  for (const r of bucket.results) {
    const { row, fastMultipleUnknown } = priceResult(day, at, r);
    if (fastMultipleUnknown) fastUnknown.add(row.model.slice(0, -FAST_MODEL_SUFFIX.length));
    (r.service_tier !== null && PRIORITY_SERVICE_TIERS.has(r.service_tier) ? priority : covered).push(row);
  }
  return { covered: rowsByModel(covered), priority: rowsByModel(priority), fastUnknown: [...fastUnknown] };
}

/** One usage result's row, and whether it is fast-mode usage priced at standard rates for want of a multiple. */
function priceResult(day: DayKey, at: Date, r: MessagesResult): { row: LedgerRow; fastMultipleUnknown: boolean } {
  const model = r.model ?? '(unknown model)';
  const write5m = r.cache_creation.ephemeral_5m_input_tokens;
  const write1h = r.cache_creation.ephemeral_1h_input_tokens;
  const read = r.cache_read_input_tokens;
  const searches = r.server_tool_use?.web_search_requests ?? 0;
  const tokens = priceUsage({
    model,
    provider: 'anthropic',
    inputTokens: r.uncached_input_tokens + read + write5m + write1h,
    cacheReadTokens: read,
    cacheWrite5mTokens: write5m,
    cacheWrite1hTokens: write1h,
    outputTokens: r.output_tokens,
    webSearches: 0,
    longContext: r.context_window === LONG_CONTEXT_WINDOW,
    at,
  });
  const searchPrice = searches > 0 ? priceUsage({ model, provider: 'anthropic', inputTokens: 0, outputTokens: 0, webSearches: searches, at }) : undefined;
  // Fast mode multiplies every token rate (web searches are not tokens); an unknown multiple leaves standard rates.
  const fast = r.speed === 'fast';
  const multiple = fast ? fastModeMultiplier(model) : 1;
  const factor = (r.service_tier === BATCH_SERVICE_TIER ? BATCH_PRICE_FACTOR : 1) * (multiple ?? 1);
  const row: LedgerRow = {
    date: day,
    source: 'anthropic',
    model: fast ? model + FAST_MODEL_SUFFIX : model,
    cost: factor * tokens.cost + (searchPrice?.cost ?? 0),
    inputTokens: r.uncached_input_tokens,
    outputTokens: r.output_tokens,
    cacheReadTokens: read,
    cacheWriteTokens: write5m + write1h,
    requests: 0,
  };
  return { row: tokens.unpriced || searchPrice?.unpriced === true ? { ...row, unpriced: true } : row, fastMultipleUnknown: fast && multiple === null };
}

/** One row per model (fast mode apart) for one usage bucket, Priority Tier included. */
export function messagesBucketToRows(day: DayKey, bucket: MessagesBucket): LedgerRow[] {
  const { covered, priority } = priceMessagesBucket(day, bucket);
  return rowsByModel([...covered, ...priority]);
}

/** USD billed per UTC day from cost-report buckets (cents → dollars); empty buckets are left out. */
export function billedPerDay(buckets: readonly CostBucket[]): Map<DayKey, number> {
  const out = new Map<DayKey, number>();
  for (const bucket of buckets) {
    if (bucket.results.length === 0) continue;
    let cents = 0;
    for (const r of bucket.results) {
      if (r.currency.toUpperCase() !== 'USD') {
        throw new SourceError('unexpected', `${ANTHROPIC_SOURCE_NAME}: the cost report is in ${r.currency}; only USD is supported.`);
      }
      cents += r.amount;
    }
    const day = utcDayKey(new Date(bucket.starting_at));
    out.set(day, (out.get(day) ?? 0) + cents / 100);
  }
  return out;
}

export interface ClaudeCodeDay {
  /** One row per model of the records billed per use (`customer_type: "api"`). */
  readonly rows: LedgerRow[];
  /** Anthropic's estimate (USD) of the records of subscription seats, which are not counted. */
  readonly subscriptionUsd: number;
}

/**
 * One person's Claude Code records for a day (Anthropic's estimate, cents → USD): one row per
 * model of the API records; subscription seats' records only summed for the note.
 */
export function claudeCodeRows(day: DayKey, records: readonly ClaudeCodeRecord[], email: string): ClaudeCodeDay {
  const wanted = email.trim().toLowerCase();
  const byModel = new Map<string, LedgerRow>();
  let subscriptionUsd = 0;
  for (const record of records) {
    if (record.actor.type !== 'user_actor' || record.actor.email_address.trim().toLowerCase() !== wanted) continue;
    for (const m of record.model_breakdown) {
      if (m.estimated_cost.currency.toUpperCase() !== 'USD') {
        throw new SourceError('unexpected', `${ANTHROPIC_SOURCE_NAME}: Claude Code analytics reports ${m.estimated_cost.currency}; only USD is supported.`);
      }
      if (record.customer_type === 'subscription') {
        subscriptionUsd += m.estimated_cost.amount / 100;
        continue;
      }
      const model = CLAUDE_CODE_MODEL_PREFIX + m.model;
      const p = byModel.get(model);
      byModel.set(model, {
        date: day,
        source: 'anthropic',
        model,
        cost: (p?.cost ?? 0) + m.estimated_cost.amount / 100,
        inputTokens: (p?.inputTokens ?? 0) + m.tokens.input,
        outputTokens: (p?.outputTokens ?? 0) + m.tokens.output,
        cacheReadTokens: (p?.cacheReadTokens ?? 0) + m.tokens.cache_read,
        cacheWriteTokens: (p?.cacheWriteTokens ?? 0) + m.tokens.cache_creation,
        requests: 0,
      });
    }
  }
  return { rows: [...byModel.values()], subscriptionUsd };
}

function outsideRange(what: string, day: DayKey, range: DayRange): SourceError {
  return new SourceError('unexpected', `${ANTHROPIC_SOURCE_NAME}: ${what} returned data for ${day}, outside the requested ${range.from}…${range.to}.`);
}

export async function fetchAnthropic(input: AnthropicFetchInput): Promise<AnthropicFetchResult> {
  const { http, baseUrl, key, utcToday } = input;
  const mode = anthropicMode(input.apiKeyIds, input.claudeCodeEmail);
  let requests = 0;

  const get = async <T extends v.GenericSchema>(path: string, query: Record<string, string | readonly string[]>, schema: T, beta?: string): Promise<v.InferOutput<T>> => {
    requests++;
    try {
      return await http.getJson({
        url: joinUrl(baseUrl, path, query),
        headers: { 'x-api-key': key, 'anthropic-version': ANTHROPIC_VERSION, ...(beta ? { 'anthropic-beta': beta } : {}) },
        schema,
        source: ANTHROPIC_SOURCE_NAME,
        secrets: [key],
        authHint: ADMIN_KEY_HINT,
        errorMessage: anthropicErrorMessage,
      });
    } catch (error) {
      throw explainKeyError(error, key);
    }
  };

  if (mode === 'claudeCode') {
    const result = await fetchClaudeCode(input, get);
    return { mode, ...result, requests };
  }

  const plan = planProviderFetch(input.sync.coverage, input.yearStart, input.today, utcToday, input.now, SETTLE_MS.anthropic);
  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  const done: DayRange[] = [];
  const unpriced = new Set<string>();
  const fastUnknown = new Set<string>();
  for (const range of plan.ranges) {
    const asked: DayRange = { from: range.from, to: range.to < utcToday ? range.to : utcToday };
    const byDay = new Map<DayKey, PricedBucket>();
    const billed = new Map<DayKey, number>();
    if (asked.from <= asked.to) {
      const time: Record<string, string> = { starting_at: utcDayStartIso(asked.from) };
      if (asked.to < utcToday) time['ending_at'] = utcDayStartIso(addDaysKey(asked.to, 1));
      const buckets = await collectPages(ANTHROPIC_SOURCE_NAME, 'the usage report', (page) =>
        get(
          'v1/organizations/usage_report/messages',
          {
            ...time,
            bucket_width: '1d',
            'group_by[]': ['model', 'context_window', 'service_tier', 'speed'],
            'api_key_ids[]': input.apiKeyIds,
            limit: String(USAGE_PAGE_LIMIT),
            ...(page ? { page } : {}),
          },
          MessagesPageSchema,
          FAST_MODE_BETA,
        ),
      );
      for (const bucket of buckets) {
        const day = utcDayKey(new Date(bucket.starting_at));
        if (day < range.from || day > range.to) throw outsideRange('the usage report', day, range);
        const priced = priceMessagesBucket(day, bucket);
        const before = byDay.get(day);
        byDay.set(day, before ? { covered: [...before.covered, ...priced.covered], priority: [...before.priority, ...priced.priority], fastUnknown: [] } : priced);
        for (const model of priced.fastUnknown) fastUnknown.add(model);
      }
      if (mode === 'organisation') {
        const costBuckets = await collectPages(ANTHROPIC_SOURCE_NAME, 'the cost report', (page) =>
          get('v1/organizations/cost_report', { ...time, bucket_width: '1d', limit: String(COST_PAGE_LIMIT), ...(page ? { page } : {}) }, CostPageSchema),
        );
        for (const bucket of costBuckets) {
          const day = utcDayKey(new Date(bucket.starting_at));
          if (day < range.from || day > range.to) throw outsideRange('the cost report', day, range);
        }
        for (const [day, usd] of billedPerDay(costBuckets)) billed.set(day, usd);
      }
    }
    for (const day of daysOf(range)) {
      const { covered, priority } = byDay.get(day) ?? { covered: [], priority: [] };
      for (const r of [...covered, ...priority]) if (r.unpriced) unpriced.add(r.model);
      // The cost report bills the covered part only: Priority Tier is added after, unscaled.
      const billedPart = mode === 'organisation' ? reconcileDay(covered, billed.get(day), day >= utcToday, { date: day, source: 'anthropic' }) : covered;
      rows.push(...rowsByModel([...billedPart, ...priority]));
      days.push(day);
    }
    done.push(range);
  }
  const note = describe(mode, input, { unpriced: [...unpriced].sort(), fastUnknown: [...fastUnknown].sort(), remainingDays: 0, subscriptionUsd: 0 });
  return { mode, days, rows, sync: { coverage: coverageAfter(input.sync.coverage, done, plan.lastFinal) }, requests, note };
}

type Get = <T extends v.GenericSchema>(path: string, query: Record<string, string | readonly string[]>, schema: T, beta?: string) => Promise<v.InferOutput<T>>;

/** Claude Code analytics: one call (plus pages) per day not yet final, newest first, within a per-refresh budget. */
async function fetchClaudeCode(input: AnthropicFetchInput, get: Get): Promise<Omit<AnthropicFetchResult, 'mode' | 'requests'>> {
  const { utcToday } = input;
  const plan = planProviderFetch(input.sync.coverage, input.yearStart, input.today, utcToday, input.now, SETTLE_MS.claudeCode);
  let budget = CLAUDE_CODE_DAYS_PER_FETCH;
  let remaining = 0;
  let subscriptionUsd = 0;
  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  const done: DayRange[] = [];
  // Newest range first, newest day first: what was fetched of a range is always its newest part.
  for (const range of [...plan.ranges].reverse()) {
    let from: DayKey | undefined;
    for (const day of daysOf(range).reverse()) {
      if (day <= utcToday) {
        if (budget === 0) {
          remaining++;
          continue;
        }
        budget--;
        const records = await collectPages(ANTHROPIC_SOURCE_NAME, 'the Claude Code analytics report', (page) =>
          get('v1/organizations/usage_report/claude_code', { starting_at: day, limit: String(CLAUDE_CODE_PAGE_LIMIT), ...(page ? { page } : {}) }, ClaudeCodePageSchema),
        );
        for (const record of records) {
          if (record.date.slice(0, 10) !== day) throw outsideRange('the Claude Code analytics report', record.date.slice(0, 10), { from: day, to: day });
        }
        const read = claudeCodeRows(day, records, input.claudeCodeEmail);
        rows.push(...read.rows);
        subscriptionUsd += read.subscriptionUsd;
      }
      days.push(day);
      from = day;
    }
    if (from !== undefined) done.push({ from, to: range.to });
  }
  const sync = { coverage: coverageAfter(input.sync.coverage, done, plan.lastFinal) };
  return { days, rows, sync, note: describe('claudeCode', input, { unpriced: [], fastUnknown: [], remainingDays: remaining, subscriptionUsd }) };
}

interface NoteFacts {
  readonly unpriced: readonly string[];
  readonly fastUnknown: readonly string[];
  readonly remainingDays: number;
  readonly subscriptionUsd: number;
}

function describe(mode: AnthropicMode, input: AnthropicFetchInput, facts: NoteFacts): string {
  const { unpriced, fastUnknown, remainingDays, subscriptionUsd } = facts;
  const unpricedText =
    (unpriced.length > 0 ? ` No price is known for ${unpriced.join(', ')}: listed as unpriced${mode === 'organisation' ? ' (their billed cost is inside "(other billed costs)")' : ', not counted'}.` : '') +
    (fastUnknown.length > 0 ? ` Fast-mode usage of ${fastUnknown.join(', ')} is priced at standard rates (its fast-mode multiple is not known): an underestimate.` : '');
  switch (mode) {
    case 'organisation':
      return (
        'Whole organisation: no personal filter is set (tokenBudget.sources.anthropic.apiKeyIds or claudeCodeEmail), so these are the whole Anthropic organisation\'s numbers, not yours. ' +
        'Day totals are the cost report\'s billed amounts; the split by model is priced from token usage, Batch API usage at half the list price, fast mode at the model\'s fast-mode multiple (rows marked "(fast)"). ' +
        'Priority Tier usage, which the cost report leaves out, is priced from token usage at list price and added to those totals (Priority Tier is billed by commitment, so this is an estimate). Days are UTC days.' +
        unpricedText
      );
    case 'apiKeys':
      return (
        `Filtered to API keys ${input.apiKeyIds.join(', ')}. Estimated from token usage at list prices; Batch API usage is priced at half the list price (web searches at full price), fast mode at the model's fast-mode multiple (rows marked "(fast)"). Code execution is not included, and Priority Tier usage is counted at list price. Days are UTC days.` +
        (input.claudeCodeEmail.trim() !== '' ? ' The Claude Code analytics report is not read while API key filters are set: Claude Code run with those keys is already counted here.' : '') +
        unpricedText
      );
    case 'claudeCode':
      return (
        `Claude Code usage of ${input.claudeCodeEmail.trim()} only, from the Claude Code analytics report (Anthropic's estimated cost; other API usage is not included; the last hour is not in yet). Days are UTC days.` +
        (subscriptionUsd > 0 ? ` Claude Code on a subscription seat (Pro, Team or Enterprise plan) is paid by the seat, not per use: its records (Anthropic's estimate $${subscriptionUsd.toFixed(2)} on the days read) are not counted.` : '') +
        (remainingDays > 0 ? ` History is still loading: ${remainingDays} earlier days follow on the next refreshes.` : '')
      );
  }
}

/** A standard API key gets a message that says an Admin key is needed. */
function explainKeyError(error: unknown, key: string): unknown {
  if (!(error instanceof SourceError) || error.kind !== 'auth' || !key.startsWith('sk-ant-api')) return error;
  const status = error.details.status;
  return new SourceError(
    'auth',
    `${ANTHROPIC_SOURCE_NAME}: ${STANDARD_KEY_MESSAGE}${status ? ` (HTTP ${status})` : ''}. ${ADMIN_KEY_HINT}`,
    error.details,
  );
}

export const anthropicAdapter: SourceAdapter = {
  id: ANTHROPIC.id,
  label: ANTHROPIC.label,
  setting: settingKey(ANTHROPIC, 'enabled'),
  needsKey: true,
  isEnabled: (config) => config.sources.anthropic.enabled,
  identity: (config) => {
    const a = config.sources.anthropic;
    return `${a.baseUrl.trim().replace(/\/+$/, '')} keys=${sortedIds(a.apiKeyIds)} claudeCode=${a.claudeCodeEmail.trim().toLowerCase()}`;
  },
  async fetch(context) {
    const a = context.config.sources.anthropic;
    const start = keyedAdapterContext(context, { name: ANTHROPIC_SOURCE_NAME, url: a.baseUrl, urlSetting: settingKey(ANTHROPIC, 'baseUrl'), keyHint: ADMIN_KEY_HINT, syncSchema: AnthropicSyncSchema });
    const result = await fetchAnthropic({ ...start, apiKeyIds: a.apiKeyIds, claudeCodeEmail: a.claudeCodeEmail, sync: start.sync ?? {} });
    return { days: result.days, rows: result.rows, sync: result.sync, note: result.note, requests: result.requests };
  },
};
