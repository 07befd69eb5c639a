/**
 * A local fake of the Anthropic Admin usage, cost and Claude Code analytics API, served on
 * 127.0.0.1. Its answers take their shape from the upstream-true fixtures in
 * test/fixtures/anthropic/ (see the README there): every result, cost item and Claude Code record
 * it serves has exactly the fields, in the order, of the fixture's, with the numbers and days of
 * the records a test gives (`…FromFixture` turns the fixtures themselves into such records, moved
 * by whole days), so the fake cannot drift from what the fixtures say the service sends.
 *
 *   GET /v1/organizations/usage_report/messages  starting_at (required, RFC 3339), ending_at,
 *       bucket_width (1d only), limit (1d: default 7, max 31), page, group_by[], api_key_ids[],
 *       account_ids[], workspace_ids[], models[], context_window[], service_tiers[], speeds[];
 *       grouping or filtering by speed needs `anthropic-beta: fast-mode-2026-02-01` (400 without),
 *       and `speed` is only in the results when that header is sent
 *   GET /v1/organizations/cost_report            starting_at, ending_at, bucket_width (1d),
 *       group_by[] (workspace_id, description), limit (default 7, max 31), page
 *   GET /v1/organizations/usage_report/claude_code  starting_at (YYYY-MM-DD, one day), limit
 *       (default 20, max 1000), page
 *
 * Arrays use the `name[]=value` syntax; an unknown parameter (e.g. `group_by` without `[]`) is
 * refused with 400 so a wrong spelling shows in tests. Every day in the range gets a bucket,
 * empty ones with `results: []`. Cost amounts are cents as decimal strings; Claude Code
 * `estimated_cost.amount` is a number of cents.
 *
 * Auth: `x-api-key: <adminKey>` and `anthropic-version` are required; any other key gets
 * `authentication_error: invalid x-api-key` (401).
 */
import { fixtureBody } from '../fixtures/load';
import type { FakeServer, LoggedRequest, Reply } from './providerFake';
import { decodeCursor, encodeCursor, startFake, stringifyFields } from './providerFake';

export const FAST_MODE_BETA = 'fast-mode-2026-02-01';
export type FakeServiceTier = 'standard' | 'batch' | 'priority' | 'priority_on_demand' | 'flex' | 'flex_discount';

export interface AnthropicUsageRecord {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly model: string;
  readonly api_key_id?: string | null;
  readonly workspace_id?: string | null;
  readonly context_window?: '0-200k' | '200k-1M';
  /** The record's service tier, answered when the request groups by `service_tier`; absent = `standard`. */
  readonly service_tier?: FakeServiceTier;
  /** Fast mode or not, answered when the request groups by `speed`; absent = `standard`. */
  readonly speed?: 'standard' | 'fast';
  readonly uncached_input_tokens: number;
  readonly cache_read_input_tokens?: number;
  readonly ephemeral_5m_input_tokens?: number;
  readonly ephemeral_1h_input_tokens?: number;
  readonly output_tokens: number;
  readonly web_search_requests?: number;
}

export interface AnthropicCostRecord {
  readonly day: string;
  /** Cents as a decimal string, e.g. "123.78912" = $1.2378912. */
  readonly amount: string;
  readonly description?: string;
  readonly model?: string;
  readonly workspace_id?: string | null;
}

export interface ClaudeCodeFakeRecord {
  readonly day: string;
  /** A user actor's e-mail; with `api_key_name` the record is an API actor's instead. */
  readonly email: string;
  readonly api_key_name?: string;
  /** Absent = `api`. */
  readonly customer_type?: 'api' | 'subscription';
  readonly subscription_type?: 'enterprise' | 'team' | null;
  /** How `date` is written: with a time part (`2026-11-26T00:00:00Z`, the default) or the bare day. */
  readonly dateForm?: 'time' | 'day';
  readonly models: readonly { readonly model: string; readonly cents: number; readonly input: number; readonly output: number; readonly cache_read?: number; readonly cache_creation?: number }[];
  readonly terminal_type?: string;
}

export interface AnthropicFakeOptions {
  readonly adminKey: string;
  readonly now: Date;
  readonly usage: readonly AnthropicUsageRecord[];
  readonly costs?: readonly AnthropicCostRecord[];
  readonly claudeCode?: readonly ClaudeCodeFakeRecord[];
  readonly port?: number;
}

export interface AnthropicFake extends FakeServer {
  readonly baseUrl: string;
  readonly options: AnthropicFakeOptions;
}

const DAY_MS = 86_400_000;
const ERROR_TYPES: Record<number, string> = {
  400: 'invalid_request_error',
  401: 'authentication_error',
  403: 'permission_error',
  404: 'not_found_error',
  413: 'request_too_large',
  429: 'rate_limit_error',
  500: 'api_error',
  529: 'overloaded_error',
};
const MESSAGES_PARAMS = new Set(['starting_at', 'ending_at', 'bucket_width', 'limit', 'page', 'group_by[]', 'api_key_ids[]', 'account_ids[]', 'workspace_ids[]', 'models[]', 'context_window[]', 'service_tiers[]', 'speeds[]', 'inference_geos[]']);
const MESSAGES_GROUPS = new Set(['api_key_id', 'workspace_id', 'model', 'service_tier', 'context_window', 'inference_geo', 'speed', 'account_id', 'service_account_id']);
const COST_PARAMS = new Set(['starting_at', 'ending_at', 'bucket_width', 'limit', 'page', 'group_by[]']);
const COST_GROUPS = new Set(['workspace_id', 'description']);
const CLAUDE_CODE_PARAMS = new Set(['starting_at', 'limit', 'page']);

// The fixtures' shapes: one usage result, one (ungrouped) cost item, one Claude Code record.
interface FixturePage {
  readonly data: readonly { readonly starting_at?: string; readonly results?: readonly Record<string, unknown>[] }[];
}
const usagePage = (name: string) => fixtureBody<FixturePage>('anthropic', name);
const MESSAGES_RESULT = templateOf(usagePage('usage-messages-page1').data.flatMap((b) => b.results ?? [])[0], 'usage-messages-page1');
const COST_RESULT = templateOf(usagePage('cost-report').data.flatMap((b) => b.results ?? [])[0], 'cost-report');
const CLAUDE_CODE_RECORD = templateOf(fixtureBody<{ data: readonly Record<string, unknown>[] }>('anthropic', 'claude-code-page').data[0], 'claude-code-page');

function templateOf(value: Record<string, unknown> | undefined, name: string): readonly string[] {
  if (!value) throw new Error(`test/fixtures/anthropic/${name}.json has no item to take the fake's shape from`);
  return Object.keys(value);
}

/** `values` in the fixture's field order; a field the fixture does not have is a fake bug. */
function shaped(keys: readonly string[], values: Record<string, unknown>, omit: ReadonlySet<string> = new Set()): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const key of Object.keys(values)) if (!keys.includes(key)) throw new Error(`the Anthropic fake serves '${key}', which the fixtures do not have`);
  for (const key of keys) {
    if (omit.has(key)) continue;
    if (!(key in values)) throw new Error(`the Anthropic fake does not fill '${key}', which the fixtures have`);
    out[key] = values[key];
  }
  return out;
}

let requestCounter = 0;
export function anthropicError(status: number, message: string, type?: string): unknown {
  requestCounter++;
  return { type: 'error', error: { type: type ?? ERROR_TYPES[status] ?? (status >= 500 ? 'api_error' : 'invalid_request_error'), message }, request_id: `req_fake${String(requestCounter).padStart(6, '0')}` };
}

class BadRequest extends Error {}

function one(request: LoggedRequest, name: string): string | undefined {
  const values = request.query[name];
  if (values && values.length > 1) throw new BadRequest(`${name}: given more than once`);
  return values?.[0];
}

function checkParams(request: LoggedRequest, allowed: ReadonlySet<string>): void {
  for (const name of Object.keys(request.query)) if (!allowed.has(name)) throw new BadRequest(`${name}: Extra inputs are not permitted`);
}

function limitOf(request: LoggedRequest, fallback: number, max: number): number {
  const raw = one(request, 'limit');
  if (raw === undefined) return fallback;
  const n = Number(raw);
  if (!Number.isInteger(n) || n < 1 || n > max) throw new BadRequest(`limit: Input should be between 1 and ${max}`);
  return n;
}

function offsetOf(request: LoggedRequest): number {
  const page = one(request, 'page');
  if (page === undefined) return 0;
  const offset = decodeCursor(page);
  if (offset === undefined) throw new BadRequest(`page: invalid page token`);
  return offset;
}

function instant(request: LoggedRequest, name: string, required: boolean, now: Date): number {
  const raw = one(request, name);
  if (raw === undefined) {
    if (required) throw new BadRequest(`${name}: Field required`);
    return now.getTime();
  }
  if (!/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})$/.test(raw)) throw new BadRequest(`${name}: Input should be a valid datetime`);
  return Date.parse(raw);
}

/** Daily buckets from starting_at (snapped to the UTC day) to ending_at (or now). */
function bucketStarts(request: LoggedRequest, now: Date): number[] {
  const width = one(request, 'bucket_width') ?? '1d';
  if (width !== '1d') throw new BadRequest(`bucket_width: this fake serves 1d only`);
  const start = instant(request, 'starting_at', true, now);
  const end = instant(request, 'ending_at', false, now);
  const out: number[] = [];
  for (let t = start - (start % DAY_MS); t < end; t += DAY_MS) out.push(t);
  return out;
}

/** One page of `items`, built by `build` (only the page's items are built). */
function paged<T, U>(items: readonly T[], offset: number, limit: number, build: (item: T) => U): { data: U[]; has_more: boolean; next_page: string | null } {
  const more = offset + limit < items.length;
  return { data: items.slice(offset, offset + limit).map(build), has_more: more, next_page: more ? encodeCursor(offset + limit) : null };
}

const iso = (ms: number): string => new Date(ms).toISOString().replace('.000Z', 'Z');
const dayOf = (ms: number): string => new Date(ms).toISOString().slice(0, 10);

function groupBy<T>(records: readonly T[], key: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of records) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return [...map.values()];
}

/** The value of a group_by[] dimension of a record ('' when it has none). */
function usageField(r: AnthropicUsageRecord, group: string): string {
  switch (group) {
    case 'model':
      return r.model;
    case 'api_key_id':
      return r.api_key_id ?? '';
    case 'workspace_id':
      return r.workspace_id ?? '';
    case 'context_window':
      return r.context_window ?? '0-200k';
    case 'service_tier':
      return r.service_tier ?? 'standard';
    case 'speed':
      return r.speed ?? 'standard';
    default:
      return '';
  }
}

function messagesResult(records: readonly AnthropicUsageRecord[], grouped: readonly string[], fastBeta: boolean): unknown {
  const sum = (f: (r: AnthropicUsageRecord) => number | undefined) => records.reduce((s, r) => s + (f(r) ?? 0), 0);
  const first = records[0];
  const field = <K extends keyof AnthropicUsageRecord>(group: string, name: K, fallback: unknown = null) => (grouped.includes(group) ? (first?.[name] ?? fallback) : null);
  const values = {
    uncached_input_tokens: sum((r) => r.uncached_input_tokens),
    cache_creation: { ephemeral_1h_input_tokens: sum((r) => r.ephemeral_1h_input_tokens), ephemeral_5m_input_tokens: sum((r) => r.ephemeral_5m_input_tokens) },
    cache_read_input_tokens: sum((r) => r.cache_read_input_tokens),
    output_tokens: sum((r) => r.output_tokens),
    server_tool_use: { web_search_requests: sum((r) => r.web_search_requests) },
    api_key_id: field('api_key_id', 'api_key_id'),
    workspace_id: field('workspace_id', 'workspace_id'),
    model: field('model', 'model'),
    service_tier: field('service_tier', 'service_tier', 'standard'),
    context_window: field('context_window', 'context_window', '0-200k'),
    inference_geo: grouped.includes('inference_geo') ? 'global' : null,
    speed: field('speed', 'speed', 'standard'),
  };
  // "Only returned when the fast-mode-2026-02-01 beta header is provided."
  return shaped(MESSAGES_RESULT, values, fastBeta ? new Set() : new Set(['speed']));
}

function sumCents(records: readonly AnthropicCostRecord[]): string {
  if (records.length === 1 && records[0]) return records[0].amount;
  return String(Math.round(records.reduce((s, r) => s + Number(r.amount), 0) * 1e5) / 1e5);
}

function byDay<T extends { readonly day: string }>(records: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of records) map.set(r.day, [...(map.get(r.day) ?? []), r]);
  return map;
}

export async function startAnthropicFake(options: AnthropicFakeOptions): Promise<AnthropicFake> {
  const usageByDay = byDay(options.usage);
  const costsByDay = byDay(options.costs ?? []);
  const handle = (request: LoggedRequest): Reply => {
    const key = request.headers['x-api-key'] ?? '';
    if (key !== options.adminKey) return { status: 401, body: anthropicError(401, 'invalid x-api-key') };
    if (!request.headers['anthropic-version']) return { status: 400, body: anthropicError(400, 'anthropic-version: header is required') };
    try {
      if (request.path === '/v1/organizations/usage_report/messages') {
        checkParams(request, MESSAGES_PARAMS);
        const grouped = request.query['group_by[]'] ?? [];
        for (const g of grouped) if (!MESSAGES_GROUPS.has(g)) throw new BadRequest(`group_by[]: '${g}' is not a valid grouping`);
        const fastBeta = (request.headers['anthropic-beta'] ?? '').split(',').map((b) => b.trim()).includes(FAST_MODE_BETA);
        const speeds = request.query['speeds[]'] ?? [];
        if ((grouped.includes('speed') || speeds.length > 0) && !fastBeta) throw new BadRequest(`group_by[]: grouping or filtering by speed requires the ${FAST_MODE_BETA} beta header`);
        const tiers = request.query['service_tiers[]'] ?? [];
        const keys = request.query['api_key_ids[]'] ?? [];
        const models = request.query['models[]'] ?? [];
        const windows = request.query['context_window[]'] ?? [];
        const starts = bucketStarts(request, options.now);
        const bucket = (start: number) => {
          const records = (usageByDay.get(dayOf(start)) ?? []).filter(
            (r) =>
              (keys.length === 0 || keys.includes(r.api_key_id ?? '')) &&
              (models.length === 0 || models.includes(r.model)) &&
              (windows.length === 0 || windows.includes(r.context_window ?? '0-200k')) &&
              (tiers.length === 0 || tiers.includes(r.service_tier ?? 'standard')) &&
              (speeds.length === 0 || speeds.includes(r.speed ?? 'standard')),
          );
          const sets = groupBy(records, (r) => grouped.map((g) => usageField(r, g)).join('|'));
          return { starting_at: iso(start), ending_at: iso(start + DAY_MS), results: sets.map((set) => messagesResult(set, grouped, fastBeta)) };
        };
        return { status: 200, body: paged(starts, offsetOf(request), limitOf(request, 7, 31), bucket) };
      }
      if (request.path === '/v1/organizations/cost_report') {
        checkParams(request, COST_PARAMS);
        const grouped = request.query['group_by[]'] ?? [];
        for (const g of grouped) if (!COST_GROUPS.has(g)) throw new BadRequest(`group_by[]: '${g}' is not a valid grouping`);
        const starts = bucketStarts(request, options.now);
        const bucket = (start: number) => {
          const records = costsByDay.get(dayOf(start)) ?? [];
          const sets = grouped.length === 0 ? (records.length > 0 ? [records] : []) : records.map((r) => [r]);
          const byDescription = grouped.includes('description');
          return {
            starting_at: iso(start),
            ending_at: iso(start + DAY_MS),
            results: sets.map((set) =>
              shaped(COST_RESULT, {
                amount: sumCents(set),
                context_window: byDescription ? '0-200k' : null,
                cost_type: byDescription ? 'tokens' : null,
                currency: 'USD',
                description: byDescription ? (set[0]?.description ?? null) : null,
                inference_geo: byDescription ? 'global' : null,
                model: byDescription ? (set[0]?.model ?? null) : null,
                service_tier: byDescription ? 'standard' : null,
                token_type: byDescription ? 'uncached_input_tokens' : null,
                workspace_id: grouped.includes('workspace_id') ? (set[0]?.workspace_id ?? null) : null,
              }),
            ),
          };
        };
        return { status: 200, body: paged(starts, offsetOf(request), limitOf(request, 7, 31), bucket) };
      }
      if (request.path === '/v1/organizations/usage_report/claude_code') {
        checkParams(request, CLAUDE_CODE_PARAMS);
        const day = one(request, 'starting_at');
        if (day === undefined) throw new BadRequest('starting_at: Field required');
        if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new BadRequest('starting_at: String should match pattern \'^\\d{4}-\\d{2}-\\d{2}$\'');
        // "only data older than 1 hour is included in responses"
        const visibleUntil = options.now.getTime() - 3_600_000;
        const records = (options.claudeCode ?? [])
          .filter((r) => r.day === day && Date.parse(`${day}T00:00:00Z`) < visibleUntil)
          .map((r) =>
            shaped(CLAUDE_CODE_RECORD, {
              actor: r.api_key_name !== undefined ? { api_key_name: r.api_key_name, type: 'api_actor' } : { email_address: r.email, type: 'user_actor' },
              core_metrics: { commits_by_claude_code: 1, lines_of_code: { added: 10, removed: 2 }, num_sessions: 1, pull_requests_by_claude_code: 0 },
              customer_type: r.customer_type ?? 'api',
              date: r.dateForm === 'day' ? day : `${day}T00:00:00Z`,
              model_breakdown: r.models.map((m) => ({
                estimated_cost: { amount: m.cents, currency: 'USD' },
                model: m.model,
                tokens: { cache_creation: m.cache_creation ?? 0, cache_read: m.cache_read ?? 0, input: m.input, output: m.output },
              })),
              organization_id: '12345678-1234-5678-1234-567812345678',
              terminal_type: r.terminal_type ?? 'vscode',
              tool_actions: { edit_tool: { accepted: 1, rejected: 0 } },
              subscription_type: r.subscription_type ?? null,
            }),
          );
        return { status: 200, body: paged(records, offsetOf(request), limitOf(request, 20, 1000), (r) => r) };
      }
      return { status: 404, body: anthropicError(404, 'Not found') };
    } catch (error) {
      if (error instanceof BadRequest) return { status: 400, body: anthropicError(400, error.message) };
      throw error;
    }
  };
  const server = await startFake(
    {
      handle,
      errorBody: (status, message, type) => anthropicError(status, message, type),
      wrongTypes: (body) => stringifyFields(body, new Set(['uncached_input_tokens', 'output_tokens', 'amount'])),
    },
    options.port,
  );
  return Object.assign(server, { baseUrl: server.url, options });
}

/** A fixture day moved by `shiftDays` whole days. */
function movedDay(iso: string, shiftDays: number): string {
  return dayOf(Date.parse(`${iso.slice(0, 10)}T00:00:00Z`) + shiftDays * DAY_MS);
}

interface UsageFixtureResult {
  readonly model: string | null;
  readonly api_key_id?: string | null;
  readonly workspace_id?: string | null;
  readonly context_window?: '0-200k' | '200k-1M' | null;
  readonly service_tier?: FakeServiceTier | null;
  readonly speed?: 'standard' | 'fast' | null;
  readonly uncached_input_tokens: number;
  readonly cache_read_input_tokens: number;
  readonly cache_creation: { readonly ephemeral_5m_input_tokens: number; readonly ephemeral_1h_input_tokens: number };
  readonly output_tokens: number;
  readonly server_tool_use?: { readonly web_search_requests?: number } | null;
}

/** The usage fixtures' results as records the fake serves, each day moved by `shiftDays`. */
export function usageRecordsFromFixtures(names: readonly string[], shiftDays = 0): AnthropicUsageRecord[] {
  return names.flatMap((name) =>
    fixtureBody<{ data: readonly { starting_at: string; results: readonly UsageFixtureResult[] }[] }>('anthropic', name).data.flatMap((bucket) =>
      bucket.results.map((r): AnthropicUsageRecord => ({
        day: movedDay(bucket.starting_at, shiftDays),
        model: r.model ?? '',
        api_key_id: r.api_key_id ?? null,
        workspace_id: r.workspace_id ?? null,
        ...(r.context_window ? { context_window: r.context_window } : {}),
        ...(r.service_tier ? { service_tier: r.service_tier } : {}),
        ...(r.speed ? { speed: r.speed } : {}),
        uncached_input_tokens: r.uncached_input_tokens,
        cache_read_input_tokens: r.cache_read_input_tokens,
        ephemeral_5m_input_tokens: r.cache_creation.ephemeral_5m_input_tokens,
        ephemeral_1h_input_tokens: r.cache_creation.ephemeral_1h_input_tokens,
        output_tokens: r.output_tokens,
        web_search_requests: r.server_tool_use?.web_search_requests ?? 0,
      })),
    ),
  );
}

/** The cost fixture's items as records the fake serves (days moved by `shiftDays`; empty buckets stay empty). */
export function costRecordsFromFixture(name = 'cost-report', shiftDays = 0): AnthropicCostRecord[] {
  return fixtureBody<{ data: readonly { starting_at: string; results: readonly { amount: string }[] }[] }>('anthropic', name).data.flatMap((bucket) =>
    bucket.results.map((r) => ({ day: movedDay(bucket.starting_at, shiftDays), amount: r.amount })),
  );
}

interface ClaudeCodeFixtureRecord {
  readonly actor: { readonly type: 'user_actor'; readonly email_address: string } | { readonly type: 'api_actor'; readonly api_key_name: string };
  readonly customer_type: 'api' | 'subscription';
  readonly subscription_type: 'enterprise' | 'team' | null;
  readonly date: string;
  readonly terminal_type: string;
  readonly model_breakdown: readonly { readonly model: string; readonly estimated_cost: { readonly amount: number }; readonly tokens: { readonly input: number; readonly output: number; readonly cache_read: number; readonly cache_creation: number } }[];
}

/** The Claude Code fixture's records as records the fake serves, each day moved by `shiftDays`. */
export function claudeCodeRecordsFromFixture(name = 'claude-code-page', shiftDays = 0): ClaudeCodeFakeRecord[] {
  return fixtureBody<{ data: readonly ClaudeCodeFixtureRecord[] }>('anthropic', name).data.map((r) => ({
    day: movedDay(r.date, shiftDays),
    email: r.actor.type === 'user_actor' ? r.actor.email_address : '',
    ...(r.actor.type === 'api_actor' ? { api_key_name: r.actor.api_key_name } : {}),
    customer_type: r.customer_type,
    subscription_type: r.subscription_type,
    dateForm: r.date.length > 10 ? 'time' : 'day',
    terminal_type: r.terminal_type,
    models: r.model_breakdown.map((m) => ({ model: m.model, cents: m.estimated_cost.amount, input: m.tokens.input, output: m.tokens.output, cache_read: m.tokens.cache_read, cache_creation: m.tokens.cache_creation })),
  }));
}
