/**
 * A local fake of the OpenAI Admin usage and costs API, served on 127.0.0.1 under `/v1`. Its
 * bodies are built from the fixtures in test/fixtures/openai (see the README there for each one's
 * upstream reference), so the fake cannot drift from what the tests were written against:
 *
 *   GET /v1/organization/usage/completions  start_time (required), end_time, bucket_width (1d only),
 *       project_ids, user_ids, api_key_ids, models, batch, group_by, limit (1d: default 7, max 31), page
 *       → pages shaped as `usage-completions-page.json`, each result that fixture's result with the
 *       test's tokens
 *   GET /v1/organization/costs              start_time, end_time, bucket_width (1d), project_ids,
 *       api_key_ids, group_by (project_id, line_item, api_key_id), limit (default 7, max 180), page
 *       → results shaped as `costs-page.json` (amount as the test gives it: a number or a numeric
 *       string), or as `costs-result-without-amount.json` for a record without a value
 *
 * Array parameters are read the OpenAPI default way, repeated (`user_ids=a&user_ids=b`); a
 * parameter it does not know (e.g. `user_ids[]`) is refused with 400, so a test sees a wrong
 * spelling instead of a silently unfiltered answer (the live API's handling of unknown parameters
 * is not documented). Every day in the range gets a bucket, empty ones with `results: []`; when
 * `end_time` is left out, one more empty bucket follows for the next UTC day, as in
 * `usage-empty-bucket-past-range.json` (`emptyBucketPastRange: false` leaves it out).
 *
 * Auth: `Authorization: Bearer <adminKey>`. A `sk-proj-…` key gets the "Missing scopes:
 * api.usage.read" error as posted on the OpenAI forum; any other wrong key "Incorrect API key".
 */
import { fixtureBody } from '../fixtures/load';
import type { FakeServer, LoggedRequest, Reply } from './providerFake';
import { decodeCursor, encodeCursor, startFake, stringifyFields } from './providerFake';

export interface OpenAIUsageRecord {
  /** UTC day, YYYY-MM-DD. */
  readonly day: string;
  readonly model: string;
  readonly user_id?: string;
  readonly api_key_id?: string;
  readonly project_id?: string;
  /** Batch API usage, answered when the request groups by `batch`; absent = `false`. */
  readonly batch?: boolean;
  /** The service tier ("default", "flex", "priority", …), answered when the request groups by `service_tier`; absent = "default". */
  readonly service_tier?: string;
  /** All input, cached included. */
  readonly input_tokens: number;
  readonly input_cached_tokens?: number;
  readonly output_tokens: number;
  readonly num_model_requests: number;
}

export interface OpenAICostRecord {
  readonly day: string;
  /** USD; a number, or a numeric string as some live answers have it; absent: a result without `amount`. */
  readonly value?: number | string;
  readonly currency?: string;
  readonly line_item?: string;
  readonly project_id?: string;
  readonly api_key_id?: string;
}

export interface OpenAIFakeOptions {
  readonly adminKey: string;
  /** The fake's clock: buckets run up to it when end_time is omitted. */
  readonly now: Date;
  readonly usage: readonly OpenAIUsageRecord[];
  readonly costs?: readonly OpenAICostRecord[];
  /** With `end_time` left out, answer one more (empty) bucket for the next UTC day, as the live service was seen to. Default true. */
  readonly emptyBucketPastRange?: boolean;
  readonly port?: number;
}

export interface OpenAIFake extends FakeServer {
  /** The base URL to configure: `${url}/v1`. */
  readonly baseUrl: string;
  readonly options: OpenAIFakeOptions;
}

const DAY = 86_400;
const USAGE_GROUPS = new Set(['project_id', 'user_id', 'api_key_id', 'model', 'batch', 'service_tier']);
const COST_GROUPS = new Set(['project_id', 'line_item', 'api_key_id']);
const USAGE_PARAMS = new Set(['start_time', 'end_time', 'bucket_width', 'project_ids', 'user_ids', 'api_key_ids', 'models', 'batch', 'group_by', 'limit', 'page']);
const COST_PARAMS = new Set(['start_time', 'end_time', 'bucket_width', 'project_ids', 'api_key_ids', 'group_by', 'limit', 'page']);

class BadRequest extends Error {
  constructor(
    message: string,
    readonly param: string | null = null,
  ) {
    super(message);
  }
}

export function openaiError(status: number, message: string, type?: string, code: string | null = null, param: string | null = null): unknown {
  const fallback = status === 401 ? 'invalid_request_error' : status === 403 ? 'insufficient_permissions' : status === 429 ? 'rate_limit_exceeded' : status >= 500 ? 'server_error' : 'invalid_request_error';
  return { error: { message, type: type ?? fallback, param, code } };
}

const dayOf = (seconds: number): string => new Date(seconds * 1000).toISOString().slice(0, 10);

function one(request: LoggedRequest, name: string): string | undefined {
  const values = request.query[name];
  if (values && values.length > 1) throw new BadRequest(`Parameter ${name} was given more than once.`, name);
  return values?.[0];
}

function integer(request: LoggedRequest, name: string, required: boolean): number | undefined {
  const raw = one(request, name);
  if (raw === undefined) {
    if (required) throw new BadRequest(`Missing required parameter: '${name}'.`, name);
    return undefined;
  }
  if (!/^\d+$/.test(raw)) throw new BadRequest(`Invalid value for '${name}': expected an integer, got '${raw}'.`, name);
  return Number(raw);
}

interface Window {
  readonly buckets: number[];
  readonly offset: number;
  readonly limit: number;
}

function window(request: LoggedRequest, allowed: ReadonlySet<string>, maxLimit: number, now: Date, pastRange: boolean): Window {
  for (const name of Object.keys(request.query)) {
    if (!allowed.has(name)) throw new BadRequest(`Unrecognized request argument supplied: ${name}`, name);
  }
  const start = integer(request, 'start_time', true) ?? 0;
  const endTime = integer(request, 'end_time', false);
  const end = endTime ?? Math.floor(now.getTime() / 1000);
  const width = one(request, 'bucket_width') ?? '1d';
  if (width !== '1d') throw new BadRequest(`This fake serves bucket_width=1d only, got '${width}'.`, 'bucket_width');
  const limit = integer(request, 'limit', false) ?? 7;
  if (limit < 1 || limit > maxLimit) throw new BadRequest(`Invalid value for 'limit': must be between 1 and ${maxLimit} for bucket_width=1d.`, 'limit');
  const page = one(request, 'page');
  const offset = page === undefined ? 0 : decodeCursor(page);
  if (offset === undefined) throw new BadRequest(`Invalid page cursor '${page}'.`, 'page');
  const buckets: number[] = [];
  for (let t = start - (start % DAY); t < end; t += DAY) buckets.push(t);
  const last = buckets.at(-1);
  if (endTime === undefined && pastRange && last !== undefined) buckets.push(last + DAY);
  return { buckets, offset, limit };
}

function groups(request: LoggedRequest, allowed: ReadonlySet<string>): string[] {
  const values = request.query['group_by'] ?? [];
  for (const g of values) if (!allowed.has(g)) throw new BadRequest(`Invalid value for 'group_by': '${g}'.`, 'group_by');
  return values.slice();
}

function matches(record: Readonly<Record<string, unknown>>, request: LoggedRequest, filters: readonly (readonly [string, string])[]): boolean {
  for (const [param, field] of filters) {
    const wanted = request.query[param];
    if (wanted && wanted.length > 0 && !wanted.includes(String(record[field]))) return false;
  }
  return true;
}

function paged<T>(w: Window, bucketOf: (start: number) => T): unknown {
  const slice = w.buckets.slice(w.offset, w.offset + w.limit);
  const more = w.offset + w.limit < w.buckets.length;
  return { object: 'page', data: slice.map(bucketOf), has_more: more, next_page: more ? encodeCursor(w.offset + w.limit) : null };
}

/** The value of a group_by dimension of a record ('' when it has none). */
function usageField(r: OpenAIUsageRecord, group: string): string {
  switch (group) {
    case 'model':
      return r.model;
    case 'user_id':
      return r.user_id ?? '';
    case 'api_key_id':
      return r.api_key_id ?? '';
    case 'project_id':
      return r.project_id ?? '';
    case 'batch':
      return String(r.batch ?? false);
    case 'service_tier':
      return r.service_tier ?? 'default';
    default:
      return '';
  }
}

type Json = Record<string, unknown>;
const firstResult = (name: string): Json => fixtureBody<{ data: { results: Json[] }[] }>('openai', name).data[0]?.results[0] ?? {};
/** The spec's completions result (`usage-completions-page.json`): every field the fake does not count is kept as it is there. */
const USAGE_RESULT = firstResult('usage-completions-page');
/** A costs result with an amount (`costs-page.json`) and one without (`costs-result-without-amount.json`). */
const COSTS_RESULT = firstResult('costs-page');
const COSTS_RESULT_WITHOUT_AMOUNT = firstResult('costs-result-without-amount');

function usageResult(records: readonly OpenAIUsageRecord[], grouped: readonly string[]): unknown {
  const sum = (f: (r: OpenAIUsageRecord) => number) => records.reduce((s, r) => s + f(r), 0);
  const input = sum((r) => r.input_tokens);
  const cached = sum((r) => r.input_cached_tokens ?? 0);
  const output = sum((r) => r.output_tokens);
  const first = records[0];
  const field = (name: 'project_id' | 'user_id' | 'api_key_id' | 'model') => (grouped.includes(name) ? (first?.[name] ?? null) : null);
  return {
    ...USAGE_RESULT,
    input_tokens: input,
    input_cached_tokens: cached,
    input_cache_write_tokens: 0,
    input_uncached_tokens: input - cached,
    output_tokens: output,
    input_text_tokens: input,
    output_text_tokens: output,
    input_cached_text_tokens: cached,
    input_audio_tokens: 0,
    input_cached_audio_tokens: 0,
    output_audio_tokens: 0,
    input_image_tokens: 0,
    input_cached_image_tokens: 0,
    output_image_tokens: 0,
    num_model_requests: sum((r) => r.num_model_requests),
    project_id: field('project_id'),
    user_id: field('user_id'),
    api_key_id: field('api_key_id'),
    model: field('model'),
    batch: grouped.includes('batch') ? (first?.batch ?? false) : null,
    service_tier: grouped.includes('service_tier') ? (first?.service_tier ?? 'default') : null,
  };
}

function groupRecords<T>(records: readonly T[], key: (r: T) => string): T[][] {
  const map = new Map<string, T[]>();
  for (const r of records) map.set(key(r), [...(map.get(key(r)) ?? []), r]);
  return [...map.values()];
}

function costValue(records: readonly OpenAICostRecord[]): number | string | undefined {
  if (records.some((r) => r.value === undefined)) return undefined;
  if (records.length === 1 && records[0]) return records[0].value;
  const total = records.reduce((s, r) => s + Number(r.value), 0);
  return records.some((r) => typeof r.value === 'string') ? total.toFixed(6) : total;
}

function costsResult(set: readonly OpenAICostRecord[], grouped: readonly string[]): unknown {
  const value = costValue(set);
  const dims = {
    line_item: grouped.includes('line_item') ? (set[0]?.line_item ?? null) : null,
    project_id: grouped.includes('project_id') ? (set[0]?.project_id ?? null) : null,
    api_key_id: grouped.includes('api_key_id') ? (set[0]?.api_key_id ?? null) : null,
  };
  if (value === undefined) return { ...COSTS_RESULT_WITHOUT_AMOUNT, ...dims };
  return { ...COSTS_RESULT, amount: { value, currency: set[0]?.currency ?? 'usd' }, ...dims };
}

function byDay<T extends { readonly day: string }>(records: readonly T[]): Map<string, T[]> {
  const map = new Map<string, T[]>();
  for (const r of records) map.set(r.day, [...(map.get(r.day) ?? []), r]);
  return map;
}

export async function startOpenAIFake(options: OpenAIFakeOptions): Promise<OpenAIFake> {
  const usageByDay = byDay(options.usage);
  const costsByDay = byDay(options.costs ?? []);
  const pastRange = options.emptyBucketPastRange ?? true;
  /** A bucket that begins after the fake's clock holds nothing yet. */
  const future = (start: number): boolean => start * 1000 > options.now.getTime();
  const handle = (request: LoggedRequest): Reply => {
    const auth = request.headers['authorization'] ?? '';
    const key = auth.startsWith('Bearer ') ? auth.slice(7) : '';
    if (key === '') {
      return { status: 401, body: openaiError(401, "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth (i.e. Authorization: Bearer YOUR_KEY).") };
    }
    if (key.startsWith('sk-proj-')) {
      // As posted in the OpenAI community thread (usage-apis.md §1.2), typo included.
      return { status: 401, body: openaiError(401, 'You have insufficient permissions for this operation. Missing scopes: api.usage.read. Check that you have the correct role in your organization (Reader, Writer, Owner) and project (Member, Owner), and if you\'re using a restricted API key, that it has the necessary scopes.', 'servier_error') };
    }
    if (key !== options.adminKey) {
      return { status: 401, body: openaiError(401, `Incorrect API key provided: ${key.slice(0, 8)}****. You can find your API key at https://platform.openai.com/account/api-keys.`, 'invalid_request_error', 'invalid_api_key') };
    }
    try {
      if (request.path === '/v1/organization/usage/completions') {
        const w = window(request, USAGE_PARAMS, 31, options.now, pastRange);
        const grouped = groups(request, USAGE_GROUPS);
        const filters = [['user_ids', 'user_id'], ['api_key_ids', 'api_key_id'], ['project_ids', 'project_id'], ['models', 'model']] as const;
        return {
          status: 200,
          body: paged(w, (start) => {
            const records = (future(start) ? [] : (usageByDay.get(dayOf(start)) ?? [])).filter((r) => matches(r as unknown as Record<string, unknown>, request, filters));
            const results = grouped.length === 0 ? (records.length > 0 ? [records] : []) : groupRecords(records, (r) => grouped.map((g) => usageField(r, g)).join('|'));
            return { object: 'bucket', start_time: start, end_time: start + DAY, results: results.map((set) => usageResult(set, grouped)) };
          }),
        };
      }
      if (request.path === '/v1/organization/costs') {
        const w = window(request, COST_PARAMS, 180, options.now, pastRange);
        const grouped = groups(request, COST_GROUPS);
        const filters = [['project_ids', 'project_id'], ['api_key_ids', 'api_key_id']] as const;
        return {
          status: 200,
          body: paged(w, (start) => {
            const records = (future(start) ? [] : (costsByDay.get(dayOf(start)) ?? [])).filter((r) => matches(r as unknown as Record<string, unknown>, request, filters));
            const sets = grouped.length === 0 ? (records.length > 0 ? [records] : []) : records.map((r) => [r]);
            return {
              object: 'bucket',
              start_time: start,
              end_time: start + DAY,
              results: sets.map((set) => costsResult(set, grouped)),
            };
          }),
        };
      }
      return { status: 404, body: openaiError(404, `Invalid URL (GET ${request.path})`) };
    } catch (error) {
      if (error instanceof BadRequest) return { status: 400, body: openaiError(400, error.message, 'invalid_request_error', null, error.param) };
      throw error;
    }
  };
  const server = await startFake(
    {
      handle,
      errorBody: (status, message, type) => openaiError(status, message, type),
      wrongTypes: (body) => stringifyFields(body, new Set(['input_tokens', 'output_tokens', 'num_model_requests', 'start_time'])),
    },
    options.port,
  );
  return Object.assign(server, { baseUrl: `${server.url}/v1`, options });
}
