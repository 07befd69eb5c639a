/**
 * The LiteLLM proxy source (usage-apis.md §4; the upstream evidence for each shape and behaviour is
 * listed in test/fixtures/litellm/README.md). With the engineer's own virtual key:
 *
 * - `GET /key/info`: the key itself (its `user_id`, `team_id`, `spend`, `max_budget`,
 *   `budget_duration`, `budget_reset_at`, `created_at` and `litellm_budget_table`);
 * - `GET /user/info?user_id=`: the user's budget, role and keys (404 for a key without user: skipped);
 * - `GET /team/info?team_id=`: when the key belongs to a team, the team's budget governs
 *   ("If a key belongs to a team, the team budget is applied, not the user's personal budget");
 * - `GET /user/daily/activity/aggregated?start_date&end_date&user_id`: the daily history per model
 *   in one answer (LiteLLM since August 2025). A proxy without it (404) is read through the paged
 *   `/user/daily/activity`, which before mid-2026 ordered rows by date only (issue #30164), so a
 *   day cut by a page boundary could lose or repeat rows: such days are read again alone.
 *
 * Rows are UTC days (the daily tables bucket by UTC date; `timezone` does not move the buckets):
 * no `timezone` is sent. Proxies before February 2026 ignore `user_id` (an admin gets every user's
 * rows); the source then refuses rather than show the proxy's spend as the user's. The key's and
 * the user's `spend` counters are reported as `totals` for the span they count.
 *
 * Only days not fetched before are asked for; yesterday and today always are.
 * Budgets become `limits` (never `budget`, which is the allowance gateway's annual budget).
 */
import { createHash } from 'node:crypto';
import { subMonths } from 'date-fns';
import * as v from 'valibot';
import { addDaysKey, maxDay, minDay, utcDayKey } from '../core/dates';
import { extendCoverage, planFetch, type Coverage, type DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { joinUrl, SourceError } from './http';
import { keyedAdapterContext } from './keyedAdapter';
import {
  DailyActivityPageSchema,
  KeyInfoSchema,
  litellmErrorMessage,
  TeamInfoSchema,
  TeamRowSchema,
  UserInfoSchema,
  UserKeySchema,
  type BudgetTable,
  type DailyActivityPage,
  type DailySpendData,
  type KeyInfo,
  type SpendMetrics,
  type TeamInfo,
  type TeamRow,
  type UserInfo,
} from './litellmSchema';
import { defineSource, keyHint, settingKey } from './descriptor';
import type { FetchOutcome, KeyedFetchInput, ServiceTotal, SourceAdapter, SourceLimit } from './types';

export const LITELLM = defineSource({
  id: 'litellm',
  label: 'LiteLLM proxy',
  group: 'gateway',
  settings: { url: 'application' },
  switch: { type: 'url', setting: 'url', example: 'https://litellm.example.com' },
  key: { envVar: 'LITELLM_API_KEY', what: 'your LiteLLM virtual key (sk-…)' },
  pick: { icon: 'server-process', detail: 'Proxy URL and your virtual key (sk-…)' },
  carriesAgentTraffic: true,
  create: () => litellmAdapter,
});

export const LITELLM_SOURCE_NAME = LITELLM.label;
export const LITELLM_SETTING = settingKey(LITELLM, 'url');
/** LiteLLM's maximum `page_size` for `/user/daily/activity`. */
export const PAGE_SIZE = 1000;
/** A server that keeps paging past this (200 000 rows for one user) is treated as broken. */
export const MAX_PAGES = 200;
export const UNATTRIBUTED = '(unattributed)';
/** Roles the proxy lets read every user's rows (others are held to their own user_id). */
const ADMIN_ROLES = new Set(['proxy_admin', 'proxy_admin_viewer']);

const AUTH_HINT = keyHint(LITELLM);

export interface LiteLLMSync {
  readonly coverage?: Coverage;
  /** The user the coverage belongs to: another user (another key) starts over. */
  readonly userId?: string;
}

export const LiteLLMSyncSchema = v.object({
  coverage: v.optional(v.object({ from: v.string(), to: v.string() })),
  userId: v.optional(v.string()),
});

export type LiteLLMFetchInput = KeyedFetchInput<LiteLLMSync>;

export interface LiteLLMFetchResult extends FetchOutcome {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: LiteLLMSync;
  readonly limits: SourceLimit[];
}

// ---------------------------------------------------------------------------------------------
// Budgets → limits

const DURATION_SECONDS: Record<string, number> = { s: 1, m: 60, h: 3600, d: 86_400, w: 7 * 86_400, mo: (365 / 12) * 86_400, y: 365 * 86_400 };
const YEAR_SECONDS = 365 * 86_400;

/** LiteLLM's `budget_duration` ("30s", "30m", "30h", "30d", "1mo", "7d", …) in seconds; undefined when unreadable. */
export function durationSeconds(duration: string): number | undefined {
  const match = /^\s*(\d+(?:\.\d+)?)\s*(mo|s|m|h|d|w|y)\s*$/i.exec(duration);
  if (!match?.[1] || !match[2]) return undefined;
  const unit = DURATION_SECONDS[match[2].toLowerCase()];
  return unit === undefined ? undefined : Number(match[1]) * unit;
}

/**
 * How a budget period reads: "today", "this week", "this month", `every ${duration}` for any other
 * period shorter than a year; null for a year (or longer) and for no period (a lifetime budget):
 * those are "the LiteLLM budget".
 */
export function periodLabel(duration: string | null | undefined): string | null {
  if (duration === null || duration === undefined || duration.trim() === '') return null;
  const text = duration.trim().toLowerCase();
  if (['1d', '24h'].includes(text)) return 'today';
  if (['7d', '1w'].includes(text)) return 'this week';
  // Only these reset on the 1st (litellm_core_utils/duration_parser.py): "31d" is every 31 days.
  if (['1mo', '30d'].includes(text)) return 'this month';
  const seconds = durationSeconds(text);
  if (seconds === undefined) return `every ${duration.trim()}`;
  return seconds < YEAR_SECONDS ? `every ${duration.trim()}` : null;
}

function isoInstant(raw: string | null | undefined): string | undefined {
  if (!raw) return undefined;
  // LiteLLM writes Prisma DateTimes with an offset; a bare timestamp is UTC.
  const text = /[zZ]|[+-]\d{2}:?\d{2}$/.test(raw) ? raw : `${raw}Z`;
  const ms = Date.parse(text);
  return Number.isNaN(ms) ? undefined : new Date(ms).toISOString();
}

interface BudgetOf {
  /** "team", "key", "user", "team member". */
  readonly entity: string;
  readonly spent: number;
  readonly maxBudget: number | null | undefined;
  readonly duration: string | null | undefined;
  readonly resetAt: string | null | undefined;
}

/** The key's own budget, or the budget table attached to it when the key's own columns are empty. */
function keyBudget(info: KeyInfo): BudgetOf {
  const table: BudgetTable | null | undefined = info.litellm_budget_table;
  const own = info.max_budget !== null && info.max_budget !== undefined;
  return {
    entity: 'key',
    spent: info.spend,
    maxBudget: own ? info.max_budget : table?.max_budget,
    duration: own ? info.budget_duration : table?.budget_duration,
    resetAt: info.budget_reset_at ?? table?.budget_reset_at,
  };
}

/**
 * The limits shown beside the annual budget. The team's budget governs a team key (the user's
 * personal budget is then not applied, per LiteLLM's docs), otherwise the user's; the key's own
 * budget and a team-member budget apply as well. With one limit its label is the period
 * ("this month"); with several, the entity is named too ("this month (team)").
 */
export function litellmLimits(budgets: readonly BudgetOf[]): SourceLimit[] {
  const set = budgets.filter((b) => b.maxBudget !== null && b.maxBudget !== undefined);
  return set.map((b) => {
    const seconds = b.duration ? durationSeconds(b.duration) : undefined;
    // A period longer than a year (beyond 366 days) is named; a year or none is "the LiteLLM budget".
    const longer = seconds !== undefined && seconds > 366 * 86_400 ? ` (every ${b.duration?.trim()})` : '';
    const base = periodLabel(b.duration) ?? `LiteLLM budget${longer}`;
    const label = set.length > 1 ? `${base} (${b.entity})` : base;
    const resetsAt = b.duration ? isoInstant(b.resetAt) : undefined;
    return { label, spent: b.spent, limit: b.maxBudget ?? null, ...(resetsAt ? { resetsAt } : {}) };
  });
}

// ---------------------------------------------------------------------------------------------
// Daily activity → ledger rows

interface Metrics {
  spend: number;
  prompt: number;
  completion: number;
  cacheRead: number;
  cacheWrite: number;
  requests: number;
}

const zero = (): Metrics => ({ spend: 0, prompt: 0, completion: 0, cacheRead: 0, cacheWrite: 0, requests: 0 });

function sumInto(into: Metrics, m: Metrics): void {
  into.spend += m.spend;
  into.prompt += m.prompt;
  into.completion += m.completion;
  into.cacheRead += m.cacheRead;
  into.cacheWrite += m.cacheWrite;
  into.requests += m.requests;
}

function addMetrics(into: Metrics, m: SpendMetrics): void {
  sumInto(into, { spend: m.spend, prompt: m.prompt_tokens, completion: m.completion_tokens, cacheRead: m.cache_read_input_tokens, cacheWrite: m.cache_creation_input_tokens, requests: m.api_requests });
}

interface DayAggregate {
  /** Undefined when no page gave the day's totals. */
  total: Metrics | undefined;
  readonly models: Map<string, Metrics>;
}

/** Sums pages of `/user/daily/activity` results per day and model (a day may be split over pages). */
export class DailyActivityMerger {
  private readonly days = new Map<DayKey, DayAggregate>();

  add(results: readonly { date: DayKey; metrics?: SpendMetrics | null; breakdown?: { models?: Record<string, SpendMetrics> | null } | null }[]): void {
    for (const result of results) {
      let day = this.days.get(result.date);
      if (!day) {
        day = { total: undefined, models: new Map() };
        this.days.set(result.date, day);
      }
      const models = Object.entries(result.breakdown?.models ?? {});
      if (result.metrics) {
        day.total ??= zero();
        addMetrics(day.total, result.metrics);
      } else if (models.length > 0) {
        // No day totals on this page: its models are its total.
        day.total ??= zero();
        for (const [, m] of models) addMetrics(day.total, m);
      }
      for (const [model, m] of models) {
        let sum = day.models.get(model);
        if (!sum) {
          sum = zero();
          day.models.set(model, sum);
        }
        addMetrics(sum, m);
      }
    }
  }

  /** Ledger rows: one per model, plus "(unattributed)" for what the models do not explain. */
  rows(): LedgerRow[] {
    const rows: LedgerRow[] = [];
    for (const [date, day] of [...this.days].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
      const attributed = zero();
      for (const [model, m] of [...day.models].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
        rows.push(toRow(date, model, m));
        sumInto(attributed, m);
      }
      const total = day.total;
      if (!total) continue;
      const rest: Metrics = {
        spend: total.spend - attributed.spend,
        prompt: Math.max(0, total.prompt - attributed.prompt),
        completion: Math.max(0, total.completion - attributed.completion),
        cacheRead: Math.max(0, total.cacheRead - attributed.cacheRead),
        cacheWrite: Math.max(0, total.cacheWrite - attributed.cacheWrite),
        requests: Math.max(0, total.requests - attributed.requests),
      };
      // Float sums of many small spends leave noise: under a millionth of a dollar is nothing.
      const spendLeft = rest.spend > 1e-6 ? rest.spend : 0;
      const tokensLeft = rest.prompt + rest.completion + rest.cacheRead + rest.cacheWrite + rest.requests > 0;
      if (spendLeft > 0 || (tokensLeft && day.models.size === 0)) rows.push(toRow(date, UNATTRIBUTED, { ...rest, spend: spendLeft }));
    }
    return rows;
  }
}

function toRow(date: DayKey, model: string, m: Metrics): LedgerRow {
  return {
    date,
    source: 'litellm',
    model,
    cost: m.spend,
    // LiteLLM's prompt_tokens already hold the cache reads and writes (the Anthropic transformation
    // adds them; OpenAI's count its cached tokens): a row's input is the uncached rest.
    inputTokens: Math.max(0, m.prompt - m.cacheRead - m.cacheWrite),
    outputTokens: m.completion,
    cacheReadTokens: m.cacheRead,
    cacheWriteTokens: m.cacheWrite,
    requests: m.requests,
  };
}

// ---------------------------------------------------------------------------------------------
// Errors

const BUDGET_EXCEEDED = /budget.{0,40}exceeded|exceeded.{0,40}budget|budget_exceeded/i;

/** Rewrites the errors LiteLLM gives a meaning to; anything else passes unchanged. */
function explain(error: unknown, context: { readonly path: string; readonly userId?: string }): unknown {
  if (!(error instanceof SourceError)) return error;
  const status = error.details.status;
  if (BUDGET_EXCEEDED.test(error.message)) {
    // Not a key problem (older LiteLLM versions even sent it as an auth_error).
    const said = /"([^"]*)"/.exec(error.message)?.[1];
    return new SourceError(
      error.kind === 'rate_limited' ? 'rate_limited' : 'bad_request',
      `${LITELLM_SOURCE_NAME}: the proxy refused ${context.path} because a budget is exceeded${said ? ` ("${said}")` : ''}${status ? ` (HTTP ${status})` : ''}. The key is fine; the numbers come back when the budget resets or is raised.`,
      error.details,
    );
  }
  if (status === 404 && context.path === '/key/info' && /key not found/i.test(error.message)) {
    return new SourceError(
      'auth',
      `${LITELLM_SOURCE_NAME}: the proxy does not know this key (/key/info: HTTP 404, "Key not found"). Use your own virtual key (sk-…) as LiteLLM issued it to you, not the proxy's master key. ${AUTH_HINT}`,
      error.details,
    );
  }
  if (status === 403 && /only view their own|non-admin/i.test(error.message)) {
    return new SourceError(
      'auth',
      `${LITELLM_SOURCE_NAME}: ${context.path} refused the user_id "${context.userId ?? ''}" (HTTP 403: "Non-admin users can only view their own spend data"). The user_id sent is wrong or missing: it must be the key's own user_id, as /key/info reports it. Ask your LiteLLM admin to attach this key to your user.`,
      error.details,
    );
  }
  return error;
}

// ---------------------------------------------------------------------------------------------
// The fetch

function teamFromUserInfo(user: UserInfo | null, teamId: string): TeamRow | undefined {
  for (const entry of user?.teams ?? []) {
    const parsed = v.safeParse(TeamRowSchema, entry);
    if (parsed.success && parsed.output.team_id === teamId) return parsed.output;
  }
  return undefined;
}

/** LiteLLM's `hash_token`: the daily tables and /user/info name a key by the SHA-256 hex of it. */
export function hashToken(key: string): string {
  return createHash('sha256').update(key).digest('hex');
}

// ---------------------------------------------------------------------------------------------
// Whose history: a proxy before user_id existed gives an admin every user's rows

interface Ownership {
  readonly userId: string;
  /** The hashes of the user's keys that /user/info listed, and this key's. */
  readonly keys: ReadonlySet<string>;
  /** True for a role the proxy holds to its own rows (not an admin); undefined when /user/info did not say. */
  readonly heldToOwnRows: boolean | undefined;
}

/**
 * Keys in the history that are not the user's: `foreign` ones the proxy says belong to another
 * user, `unknown` ones it names no owner for and /user/info did not list; `unlisted` when a day
 * with spend names no keys at all.
 */
function strangers(results: readonly DailySpendData[], owner: Ownership): { foreign: Set<string>; unknown: Set<string>; spend: number; unlisted: boolean } {
  const foreign = new Set<string>();
  const unknown = new Set<string>();
  let spend = 0;
  let unlisted = false;
  for (const day of results) {
    if (!day.breakdown?.api_keys && (day.metrics?.spend ?? 0) > 0) unlisted = true;
    for (const [hash, entry] of Object.entries(day.breakdown?.api_keys ?? {})) {
      if (entry.owner === owner.userId || owner.keys.has(hash)) continue;
      if (entry.owner !== undefined) foreign.add(hash);
      else unknown.add(hash);
      spend += entry.spend;
    }
  }
  return { foreign, unknown, spend, unlisted };
}

// ---------------------------------------------------------------------------------------------
// Counters and their spans

/** The instant of a counter's last reset: `budget_reset_at` minus `budget_duration`, as duration_parser.py lays resets out. */
function lastReset(resetAt: Date, duration: string): Date | undefined {
  const text = duration.trim().toLowerCase();
  const months = /^(\d+)mo$/.exec(text);
  if (months?.[1]) return subMonths(resetAt, Number(months[1]));
  // "30d" resets on the 1st of each month (standardized resets); a non-standard reset is 30 days on.
  if (text === '30d' && resetAt.getUTCDate() === 1) return subMonths(resetAt, 1);
  const seconds = durationSeconds(text);
  return seconds === undefined ? undefined : new Date(resetAt.getTime() - seconds * 1000);
}

interface Counter {
  readonly what: string;
  readonly total: number;
  readonly from: DayKey;
  readonly partialFirstDay: boolean;
  /** Only this key's rows count (the key's counter), not every key of the user. */
  readonly keyOnly: boolean;
}

/**
 * The span a `spend` counter counts: since its last reset when a budget period resets it (the reset
 * day partly before), else since the entity was made (`created_at`). Undefined (with a note saying
 * which field) when that cannot be told.
 */
function counterOf(entity: string, total: number, budget: { duration: string | null | undefined; resetAt: string | null | undefined }, createdAt: string | null | undefined, notes: string[]): Omit<Counter, 'keyOnly'> | undefined {
  const what = `the ${entity}'s spend counter`;
  if (budget.duration) {
    const resetIso = isoInstant(budget.resetAt);
    const last = resetIso ? lastReset(new Date(resetIso), budget.duration) : undefined;
    if (!last) {
      notes.push(`The ${entity}'s spend counter is not reconciled: its last reset cannot be told from budget_duration "${budget.duration}" and budget_reset_at "${budget.resetAt ?? 'null'}".`);
      return undefined;
    }
    return { what: `${what} since its last reset`, total, from: utcDayKey(last), partialFirstDay: true };
  }
  const created = isoInstant(createdAt);
  if (!created) return undefined;
  return { what: `${what} since it was made`, total, from: utcDayKey(new Date(created)), partialFirstDay: false };
}

// ---------------------------------------------------------------------------------------------
// The fetch

export async function fetchLiteLLM(input: LiteLLMFetchInput): Promise<LiteLLMFetchResult> {
  const { http, baseUrl, key } = input;
  let requests = 0;
  const notes: string[] = [];
  const common = {
    source: LITELLM_SOURCE_NAME,
    headers: { Authorization: `Bearer ${key}` },
    secrets: [key],
    authHint: AUTH_HINT,
    errorMessage: litellmErrorMessage,
  } as const;
  const get = async <T extends v.GenericSchema>(path: string, schema: T, query?: Record<string, string>, userId?: string): Promise<v.InferOutput<T>> => {
    requests++;
    try {
      return await http.getJson({ ...common, url: joinUrl(baseUrl, path, query), schema });
    } catch (error) {
      throw explain(error, { path: `/${path}`, ...(userId !== undefined ? { userId } : {}) });
    }
  };
  /** Like `get`, but the listed statuses mean "not available" (undefined) instead of an error. */
  const getOptional = async <T extends v.GenericSchema>(path: string, schema: T, query: Record<string, string>, statuses: readonly number[], userId?: string): Promise<v.InferOutput<T> | undefined> => {
    try {
      return await get(path, schema, query, userId);
    } catch (error) {
      if (error instanceof SourceError && error.details.status !== undefined && statuses.includes(error.details.status)) return undefined;
      throw error;
    }
  };

  const keyInfo = (await get('key/info', KeyInfoSchema)).info;
  const userId = keyInfo.user_id ?? undefined;
  const teamId = keyInfo.team_id ?? undefined;
  if (userId === undefined) {
    throw new SourceError(
      'config',
      `${LITELLM_SOURCE_NAME}: this key has no user_id (per /key/info), so there is no personal daily history to read: /user/daily/activity shows one user's own spend, by user_id. Ask your LiteLLM admin to attach the key to your user (user_id), or use a key created for your user.`,
    );
  }

  // Always with user_id: without it an admin key would get every user's data. A user missing from
  // the user table (404) or a role that may not read it (403) only costs the user's budget.
  const user = (await getOptional('user/info', UserInfoSchema, { user_id: userId }, [403, 404])) ?? null;
  let team: TeamRow | undefined;
  let teamInfo: TeamInfo | undefined;
  if (teamId !== undefined) {
    teamInfo = await getOptional('team/info', TeamInfoSchema, { team_id: teamId }, [401, 403, 404]);
    team = teamInfo?.team_info ?? teamFromUserInfo(user, teamId);
    if (!team) notes.push(`The key belongs to team ${teamId}, whose budget governs it, but the team could not be read (/team/info, /user/info): the team budget is not shown.`);
  }

  const myHash = hashToken(key);
  const role = user?.user_info?.user_role ?? undefined;
  const owner: Ownership = {
    userId,
    keys: new Set([myHash, ...(user?.keys ?? []).flatMap((k) => {
      const parsed = v.safeParse(UserKeySchema, k);
      return parsed.success && parsed.output.token && (parsed.output.user_id ?? userId) === userId ? [parsed.output.token] : [];
    })]),
    heldToOwnRows: role === undefined ? undefined : !ADMIN_ROLES.has(role),
  };

  // --- daily history
  const previous = input.sync.userId === userId ? input.sync.coverage : undefined;
  const wantTo = maxDay(input.today, input.utcToday);
  const ranges = planFetch(previous, input.yearStart, wantTo, addDaysKey(wantTo, -1));
  const history: DailySpendData[] = [];
  const days: DayKey[] = [];
  const done: DayRange[] = [];
  /** False once the proxy answered 404 for /aggregated (LiteLLM before August 2025). */
  let aggregated = true;

  const checkRange = (results: readonly DailySpendData[], range: DayRange, path: string) => {
    for (const result of results) {
      if (result.date < range.from || result.date > range.to) {
        throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: ${path} returned ${result.date}, outside the requested ${range.from}…${range.to}.`);
      }
    }
  };
  /** One answer of /aggregated for a range, or undefined when the proxy has no such route. */
  const readAggregated = async (range: DayRange, extra: Record<string, string> = {}): Promise<DailyActivityPage | undefined> => {
    const path = '/user/daily/activity/aggregated';
    const body = await getOptional('user/daily/activity/aggregated', DailyActivityPageSchema, { start_date: range.from, end_date: range.to, user_id: userId, ...extra }, [404], userId);
    if (!body) return undefined;
    if (body.metadata?.has_more === true || (body.metadata?.total_pages ?? 1) > 1) {
      throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: ${path} says more pages follow (metadata.has_more: ${String(body.metadata?.has_more)}, total_pages: ${String(body.metadata?.total_pages)}), but that endpoint answers in one piece; what it left out is unknown.`);
    }
    checkRange(body.results, range, path);
    return body;
  };
  /** Every page of the paged endpoint for a range, each page's results apart. */
  const readPages = async (range: DayRange): Promise<DailySpendData[][]> => {
    const pages: DailySpendData[][] = [];
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) {
        throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: /user/daily/activity kept paging past ${MAX_PAGES} pages of ${PAGE_SIZE} for ${range.from}…${range.to}; stopped. Its metadata.has_more looks broken.`);
      }
      const body = await get('user/daily/activity', DailyActivityPageSchema, { start_date: range.from, end_date: range.to, user_id: userId, page: String(page), page_size: String(PAGE_SIZE) }, userId);
      checkRange(body.results, range, '/user/daily/activity');
      pages.push(body.results);
      const meta = body.metadata;
      const more = meta?.has_more ?? (typeof meta?.total_pages === 'number' ? page < meta.total_pages : false);
      if (!more) return pages;
    }
  };
  /** Per-day and model spend, to compare two readings of one day. */
  const fingerprint = (results: readonly DailySpendData[]): string => {
    const merger = new DailyActivityMerger();
    merger.add(results);
    return JSON.stringify(merger.rows().map((r) => [r.date, r.model, r.cost.toFixed(9), r.requests]));
  };
  /**
   * The paged history of a range. Before LiteLLM's fix (PR #30167) pages were ordered by date only,
   * so the rows of a day cut by a page boundary could come twice or never: every day that shows on
   * two pages is read again alone (its rows then fit one page, as a page holds 1000 rows); a day
   * that still needs several pages is read twice and must read the same.
   */
  const readPaged = async (range: DayRange): Promise<DailySpendData[]> => {
    const pages = await readPages(range);
    const seen = new Map<DayKey, number>();
    for (const page of pages) for (const day of new Set(page.map((r) => r.date))) seen.set(day, (seen.get(day) ?? 0) + 1);
    const cut = [...seen].filter(([, n]) => n > 1).map(([day]) => day);
    const results = pages.flat().filter((r) => !cut.includes(r.date));
    for (const day of cut) {
      const alone = await readPages({ from: day, to: day });
      if (alone.length > 1) {
        const again = await readPages({ from: day, to: day });
        if (fingerprint(alone.flat()) !== fingerprint(again.flat())) {
          throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: /user/daily/activity gave ${day} differently on two readings: this proxy orders rows by date only between pages (LiteLLM issue #30164) and that day has more than ${PAGE_SIZE} rows. Upgrade LiteLLM (its /user/daily/activity/aggregated answers in one piece).`);
        }
      }
      results.push(...alone.flat());
    }
    return results;
  };

  for (const range of ranges) {
    const body = aggregated ? await readAggregated(range) : undefined;
    if (!body) aggregated = false;
    history.push(...(body ? body.results : await readPaged(range)));
    for (let day = range.from; day <= range.to; day = addDaysKey(day, 1)) days.push(day);
    done.push(range);
  }

  // --- is it the user's own history?
  const seen = strangers(history, owner);
  if (seen.foreign.size > 0 || (seen.unknown.size > 0 && owner.heldToOwnRows === false)) {
    const others = seen.foreign.size + seen.unknown.size;
    throw new SourceError(
      'config',
      `${LITELLM_SOURCE_NAME}: the daily history for user_id "${userId}" is not only ${userId}'s: it holds ${others} other key${others === 1 ? '' : 's'} ($${seen.spend.toFixed(2)}). The proxy ignored user_id (LiteLLM before February 2026 has no such filter and gives a proxy admin every user's spend), so it is not shown as yours. Use a key of your own that is not a proxy admin's, or ask your admin to upgrade LiteLLM.`,
    );
  }
  /** Proven when the proxy holds this role to its own rows, or every key in the rows is the user's. */
  const proven = owner.heldToOwnRows === true || (seen.unknown.size === 0 && !seen.unlisted);
  if (!proven) {
    const why = seen.unknown.size > 0 ? `names ${seen.unknown.size} key${seen.unknown.size === 1 ? '' : 's'} that /user/info does not list for ${userId}` : 'names no keys';
    const whose = owner.heldToOwnRows === false ? 'this is a proxy admin’s key' : 'the key’s role is unknown';
    notes.push(`This may not be only ${userId}'s spend: the daily history ${why}, and ${whose} (on LiteLLM before February 2026 a proxy admin's key gets every user's spend). Spend counters are not reconciled.`);
  }

  // --- the service's own counters, to reconcile with the rows
  const coverage = extendCoverage(previous, done);
  const totals: ServiceTotal[] = [];
  if (proven && coverage) {
    const counters: Counter[] = [];
    const kb = keyBudget(keyInfo);
    const keyCounter = counterOf('key', keyInfo.spend, { duration: kb.duration, resetAt: kb.resetAt }, keyInfo.created_at, notes);
    if (keyCounter) counters.push({ ...keyCounter, keyOnly: true });
    const u = user?.user_info;
    if (u) {
      const userCounter = counterOf('user', u.spend, { duration: u.budget_duration, resetAt: u.budget_reset_at }, u.created_at, notes);
      if (userCounter) counters.push({ ...userCounter, keyOnly: false });
    }
    const wanted = counters.filter((c) => c.from <= wantTo);
    const spanFrom = wanted.reduce<DayKey | undefined>((a, c) => (a === undefined ? c.from : minDay(a, c.from)), undefined);
    // One request for every counter's span (the aggregated endpoint does not page); a proxy
    // without it reports a counter only over days the ledger holds, against its rows as they are.
    const span = aggregated && spanFrom !== undefined ? await readAggregated({ from: spanFrom, to: wantTo }) : undefined;
    for (const c of wanted) {
      if (span) {
        const inSpan = span.results.filter((r) => r.date >= c.from);
        const daySpend = (r: DailySpendData) => (c.keyOnly ? (r.breakdown?.api_keys?.[myHash]?.spend ?? 0) : (r.metrics?.spend ?? sumModels(r)));
        if (c.keyOnly) {
          const otherKeys = (span.metadata?.total_api_keys ?? 0) > 1 || inSpan.some((r) => Object.entries(r.breakdown?.api_keys ?? {}).some(([hash, e]) => hash !== myHash && e.spend > 0));
          const keysKnown = inSpan.every((r) => (r.metrics?.spend ?? 0) === 0 || r.breakdown?.api_keys !== undefined);
          if (otherKeys || !keysKnown) continue; // the rows hold other keys' spend too: not comparable
        }
        if (inSpan.length === 0 && c.total >= 0.005) {
          throw new SourceError(
            'unexpected',
            `${LITELLM_SOURCE_NAME}: the proxy returned no daily spend for user_id "${userId}" from ${c.from}, yet ${c.what} reads $${c.total.toFixed(2)}. Some LiteLLM setups return nothing when the history is filtered by user_id (LiteLLM issue #42460), which would read as $0; the history is not shown. Ask your LiteLLM admin to upgrade the proxy.`,
          );
        }
        const daily: Record<DayKey, number> = {};
        for (const r of span.results) if (r.date >= maxDay(c.from, coverage.from)) daily[r.date] = (daily[r.date] ?? 0) + daySpend(r);
        if (c.from >= coverage.from) {
          totals.push({ what: c.what, from: c.from, to: wantTo, total: c.total, ...(c.partialFirstDay ? { partialFirstDay: true } : {}), daily });
        } else {
          // The span began before the rows the ledger holds: what the service counted before them is
          // taken off, so the figure is the counter's share of the days held.
          const before = span.results.filter((r) => r.date >= c.from && r.date < coverage.from).reduce((a, r) => a + daySpend(r), 0);
          totals.push({ what: `${c.what}, less its daily rows before ${coverage.from}`, from: coverage.from, to: wantTo, total: c.total - before, daily });
        }
      } else if (!c.keyOnly && c.from >= coverage.from) {
        totals.push({ what: c.what, from: c.from, to: wantTo, total: c.total, ...(c.partialFirstDay ? { partialFirstDay: true } : {}) });
      }
    }
  }

  // --- budgets
  const budgets: BudgetOf[] = [];
  if (teamId !== undefined) {
    // The team's budget governs a team key; the user's personal budget is not applied to it.
    if (team) budgets.push({ entity: 'team', spent: team.spend, maxBudget: team.max_budget, duration: team.budget_duration, resetAt: team.budget_reset_at });
  } else if (user?.user_info) {
    const u = user.user_info;
    budgets.push({ entity: 'user', spent: u.spend, maxBudget: u.max_budget, duration: u.budget_duration, resetAt: u.budget_reset_at });
  }
  budgets.push(keyBudget(keyInfo));
  const membership = teamInfo?.team_memberships?.find((m) => m.user_id === userId);
  if (membership?.litellm_budget_table) {
    const table = membership.litellm_budget_table;
    budgets.push({ entity: 'team member', spent: membership.spend, maxBudget: table.max_budget, duration: table.budget_duration, resetAt: table.budget_reset_at });
  }

  const merger = new DailyActivityMerger();
  merger.add(history);
  const who = user?.user_info?.user_email ?? user?.user_info?.user_alias ?? userId;
  return {
    days,
    rows: merger.rows(),
    sync: { coverage, userId },
    limits: litellmLimits(budgets),
    user: who,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
    ...(totals.length > 0 ? { totals } : {}),
    requests,
  };
}

function sumModels(day: DailySpendData): number {
  return Object.values(day.breakdown?.models ?? {}).reduce((a, m) => a + m.spend, 0);
}

export const litellmAdapter: SourceAdapter = {
  id: LITELLM.id,
  label: LITELLM_SOURCE_NAME,
  setting: LITELLM_SETTING,
  needsKey: true,
  // Its sync state is only which days were fetched: without it every day is read again.
  rereadsFromScratch: true,
  isEnabled: (config) => config.sources.litellm.url !== '',
  identity: (config) => config.sources.litellm.url.replace(/\/+$/, ''),
  async fetch(context) {
    const start = keyedAdapterContext(context, { name: LITELLM_SOURCE_NAME, url: context.config.sources.litellm.url, urlSetting: LITELLM_SETTING, keyHint: AUTH_HINT, syncSchema: LiteLLMSyncSchema });
    return fetchLiteLLM({ ...start, sync: start.sync ?? {} });
  },
};
