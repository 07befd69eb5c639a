/**
 * The LiteLLM proxy source (usage-apis.md §4). With the engineer's own virtual key:
 *
 * - `GET /key/info`: the key itself (its `user_id`, `team_id`, `spend`, `max_budget`,
 *   `budget_duration`, `budget_reset_at`, and `litellm_budget_table`);
 * - `GET /user/info?user_id=`: the user's budget (404 for a key without user: skipped);
 * - `GET /team/info?team_id=`: when the key belongs to a team, the team's budget governs
 *   ("If a key belongs to a team, the team budget is applied, not the user's personal budget");
 * - `GET /user/daily/activity?start_date&end_date&user_id&page&page_size=1000`: the daily
 *   history per model. Non-admins must pass their own `user_id`. The endpoint pages over raw
 *   rows (one per day × key × model …), not over days, so one day can arrive split over two
 *   pages: the pages are summed per day and model.
 *
 * Only days not fetched before are asked for; yesterday and today always are.
 * Budgets become `limits` (never `budget`, which is the allowance gateway's annual budget).
 */
import * as v from 'valibot';
import { addDaysKey, maxDay } from '../core/dates';
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
  type BudgetTable,
  type KeyInfo,
  type SpendMetrics,
  type TeamInfo,
  type TeamRow,
  type UserInfo,
} from './litellmSchema';
import type { FetchOutcome, KeyedFetchInput, SourceAdapter, SourceLimit } from './types';

export const LITELLM_SOURCE_NAME = 'LiteLLM';
export const LITELLM_SETTING = 'tokenBudget.sources.litellm.url';
/** LiteLLM's maximum `page_size` for `/user/daily/activity`. */
export const PAGE_SIZE = 1000;
/** A server that keeps paging past this (200 000 rows for one user) is treated as broken. */
export const MAX_PAGES = 200;
export const UNATTRIBUTED = '(unattributed)';

const AUTH_HINT = 'Set your LiteLLM virtual key with "Token Budget: Set API Key…" or the LITELLM_API_KEY environment variable.';

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
  if (['1mo', '30d', '31d'].includes(text)) return 'this month';
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
    inputTokens: m.prompt,
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
  const getOptional = async <T extends v.GenericSchema>(path: string, schema: T, query: Record<string, string>, statuses: readonly number[]): Promise<v.InferOutput<T> | undefined> => {
    try {
      return await get(path, schema, query);
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

  // --- daily history
  const previous = input.sync.userId === userId ? input.sync.coverage : undefined;
  const wantTo = maxDay(input.today, input.utcToday);
  const ranges = planFetch(previous, input.yearStart, wantTo, addDaysKey(wantTo, -1));
  const merger = new DailyActivityMerger();
  const days: DayKey[] = [];
  const done: DayRange[] = [];
  for (const range of ranges) {
    for (let page = 1; ; page++) {
      if (page > MAX_PAGES) {
        throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: /user/daily/activity kept paging past ${MAX_PAGES} pages of ${PAGE_SIZE} for ${range.from}…${range.to}; stopped. Its metadata.has_more looks broken.`);
      }
      const body = await get(
        'user/daily/activity',
        DailyActivityPageSchema,
        { start_date: range.from, end_date: range.to, user_id: userId, page: String(page), page_size: String(PAGE_SIZE) },
        userId,
      );
      for (const result of body.results) {
        if (result.date < range.from || result.date > range.to) {
          throw new SourceError('unexpected', `${LITELLM_SOURCE_NAME}: /user/daily/activity returned ${result.date}, outside the requested ${range.from}…${range.to}.`);
        }
      }
      merger.add(body.results);
      const meta = body.metadata;
      const more = meta?.has_more ?? (typeof meta?.total_pages === 'number' ? page < meta.total_pages : false);
      if (!more) break;
    }
    for (let day = range.from; day <= range.to; day = addDaysKey(day, 1)) days.push(day);
    done.push(range);
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

  const who = user?.user_info?.user_email ?? user?.user_info?.user_alias ?? userId;
  return {
    days,
    rows: merger.rows(),
    sync: { coverage: extendCoverage(previous, done), userId },
    limits: litellmLimits(budgets),
    user: who,
    ...(notes.length > 0 ? { note: notes.join(' ') } : {}),
    requests,
  };
}

export const litellmAdapter: SourceAdapter = {
  id: 'litellm',
  label: LITELLM_SOURCE_NAME,
  setting: LITELLM_SETTING,
  needsKey: true,
  isEnabled: (config) => config.sources.litellm.url !== '',
  identity: (config) => config.sources.litellm.url.replace(/\/+$/, ''),
  async fetch(context) {
    const start = keyedAdapterContext(context, { name: LITELLM_SOURCE_NAME, url: context.config.sources.litellm.url, urlSetting: LITELLM_SETTING, keyHint: AUTH_HINT, syncSchema: LiteLLMSyncSchema });
    return fetchLiteLLM({ ...start, sync: start.sync ?? {} });
  },
};
