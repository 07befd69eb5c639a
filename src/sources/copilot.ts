/**
 * The GitHub Copilot source (usage-apis.md §5.1): the engineer's premium requests, valued at
 * GitHub's unit price (the report's `grossAmount`), with what the plan included
 * (`discountAmount`) and what was billed beyond it (`netAmount`) kept apart.
 *
 * Where the numbers come from, best first:
 *
 *   1. GitHub's enhanced-billing report for a personal plan,
 *      `GET /users/{login}/settings/billing/premium_request/usage?year&month&day` (a token with
 *      the "Plan" user permission, read). Its items carry no date, so a day is a request with
 *      `day`; the earlier months of the budget year are read as monthly totals (one request each)
 *      and shown as labelled lumps over their days (core `lumpLabel`). Days fetched once they are
 *      final (two UTC days back) are not asked again (core `planFetch`).
 *   2. When the personal report is refused (404: no personal plan; 403: the token lacks the
 *      permission) or empty while Copilot is in use, and `organization` is set: the
 *      organisation's report for the user (`?user=<login>`), the same shape, when the token may
 *      read it.
 *   3. Otherwise the quota snapshot the Copilot extension reads, `GET /copilot_internal/user`
 *      (undocumented, month-to-date only): `entitlement − remaining + overage_count` requests this
 *      month, valued at $0.04 a request. Every refresh is a reading; readings become daily rows
 *      as OpenRouter's do (src/sources/openrouter.ts: days without a reading are one labelled
 *      lump, never an invented series). Premium request counters reset on the 1st at 00:00 UTC.
 *
 * The key is a GitHub token (Set API Key…, else `GITHUB_TOKEN`); without one, or when it may not
 * read the snapshot, the token of VS Code's GitHub sign-in is used when the user has granted it
 * (`GitHubSessionProvider`, injected: nothing here imports 'vscode' or asks anyone to sign in).
 */
import * as v from 'valibot';
import { addDaysKey, addMonthsKey, eachDayKey, maxDay, minDay, monthStartKey, utcDayKeyOfMs } from '../core/dates';
import { lumpLabel } from '../core/ledger';
import { planFetch, type DayRange } from '../core/syncPlan';
import type { DayKey, LedgerRow } from '../core/types';
import { defineSource, keyHint, settingKey, type SourceDeps } from './descriptor';
import { joinUrl, parseSourceUrl, SourceError, type HttpClient } from './http';
import { compactReadings, piecesFromReadings, ReadingSchema, type Reading } from './openrouter';
import { contextNow, coverageAfter, CoverageSchema } from './providerCommon';
import { CopilotUserSchema, githubErrorMessage, GitHubUserSchema, UsageReportSchema, type CopilotUser, type UsageItem } from './copilotSchema';
import type { FetchContext, FetchOutcome, SourceAdapter, SourceLimit } from './types';

/** The token of VS Code's GitHub sign-in, when this extension may already use it (never prompts). */
export interface GitHubSessionProvider {
  silentToken(): Promise<string | undefined>;
}

export const COPILOT = defineSource({
  id: 'copilot',
  label: 'GitHub Copilot',
  group: 'provider',
  settings: { enabled: 'application', baseUrl: 'application', organization: 'application' },
  switch: { type: 'toggle', setting: 'enabled' },
  key: {
    envVar: 'GITHUB_TOKEN',
    what: 'a GitHub token',
    help: 'A fine-grained token with the "Plan" user permission (read) reads your personal premium request report; without one, "Token Budget: Sign in with GitHub" reads the month-to-date quota of your Copilot seat.',
  },
  signIn: { command: 'tokenBudget.signInGitHub', label: '$(github) Sign in with GitHub', detail: "Use the GitHub account VS Code has: this month's premium requests of your Copilot seat" },
  pick: { icon: 'github', detail: 'Premium requests: a GitHub token, or the GitHub account VS Code is signed in with' },
  // Copilot's traffic does not go through the coding agents' providers: the agents' logs stay on `auto`.
  carriesAgentTraffic: false,
  create: (deps: SourceDeps) => copilotAdapter(deps.githubSession),
});

export const COPILOT_SOURCE_NAME = COPILOT.label;
/** GitHub's price of a premium request beyond the plan (docs: "Requests in GitHub Copilot"): how the quota snapshot is valued. */
export const PREMIUM_REQUEST_USD = 0.04;
export const API_VERSION = '2022-11-28';
/** GitHub keeps the report for this many months ("Only data from the past 24 months is accessible"). */
export const REPORT_MONTHS = 24;
/** The snapshot's row: it has no per-model split. */
export const ALL_MODELS = 'premium requests (all models)';
export const INCLUDED = 'included in plan';
export const BILLED = 'billed';

const AUTH_HINT = keyHint(COPILOT);
const PLAN_PERMISSION = 'The token needs the "Plan" user permission (read) for the personal report (a fine-grained token), or run "Token Budget: Sign in with GitHub" to read your Copilot quota instead.';
const EPS = 1e-6;
const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;
const money = (x: number): string => `$${x.toFixed(2)}`;
const count = (x: number): string => String(Math.round(x * 100) / 100);

// ---------------------------------------------------------------------------------------------
// Sync state

const ReportSyncSchema = v.object({
  /** Whose report: `user:<login>` or `org:<org>:<login>`; another one starts over. */
  who: v.string(),
  coverage: v.optional(CoverageSchema),
  /** True once any day read had premium requests: the report is then in use (not an organisation-managed seat's empty one). */
  used: v.optional(v.boolean()),
});

const QuotaSyncSchema = v.object({
  /** The first reading since tracking (re)started. */
  first: ReadingSchema,
  readings: v.pipe(v.array(ReadingSchema), v.minLength(1)),
});

export const CopilotSyncSchema = v.object({
  v: v.literal(1),
  /** Which of the three answered last: when another answers, it reads its whole span once, so no day keeps the other's rows. */
  via: v.optional(v.picklist(['personal', 'organization', 'quota'])),
  /** The personal report's coverage (kept while the snapshot answers, so it is not read again). */
  personal: v.optional(ReportSyncSchema),
  org: v.optional(ReportSyncSchema),
  quota: v.optional(QuotaSyncSchema),
});
export type CopilotSync = v.InferOutput<typeof CopilotSyncSchema>;
type QuotaSync = v.InferOutput<typeof QuotaSyncSchema>;
type ReportSync = v.InferOutput<typeof ReportSyncSchema>;

// ---------------------------------------------------------------------------------------------
// The report: which requests, and their rows

/** One request of the report: a day, or a whole month read as one total. */
export type ReportUnit = { readonly kind: 'day'; readonly day: DayKey } | { readonly kind: 'month'; readonly from: DayKey; readonly to: DayKey };

const monthEndKey = (day: DayKey): DayKey => addDaysKey(addMonthsKey(monthStartKey(day), 1), -1);

/**
 * The requests for `ranges`: a whole month before the current UTC month is one request (a lump
 * over its days); every other day (the current month, a month cut by the budget year's start)
 * is one request per day.
 */
export function reportUnits(ranges: readonly DayRange[], utcToday: DayKey): ReportUnit[] {
  const units: ReportUnit[] = [];
  const thisMonth = monthStartKey(utcToday);
  for (const range of ranges) {
    for (let start = range.from; start <= range.to; start = addMonthsKey(monthStartKey(start), 1)) {
      const end = minDay(monthEndKey(start), range.to);
      if (start === monthStartKey(start) && end === monthEndKey(start) && start < thisMonth) units.push({ kind: 'month', from: start, to: end });
      else for (const day of eachDayKey(start, addDaysKey(end, 1))) units.push({ kind: 'day', day });
    }
  }
  return units;
}

/** A model name inside a lump's label: no colon or parenthesis (core `lumpSpan` reads the label). */
const lumpSafe = (model: string): string => model.replace(/[:()]/g, ' ').replace(/\s+/g, ' ').trim();

function row(date: DayKey, model: string, cost: number, requests: number): LedgerRow {
  return { date, source: 'copilot', model, cost: round6(cost), inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: Math.round(requests * 100) / 100 };
}

/** Per-model totals of a report's items (a model may come as several items, one per SKU). */
function byModel(items: readonly UsageItem[]): Map<string, { gross: number; grossQ: number; included: number; includedQ: number }> {
  const out = new Map<string, { gross: number; grossQ: number; included: number; includedQ: number }>();
  for (const item of items) {
    const model = item.model?.trim() || item.sku?.trim() || 'Copilot';
    const t = out.get(model) ?? { gross: 0, grossQ: 0, included: 0, includedQ: 0 };
    t.gross += item.grossAmount;
    t.grossQ += item.grossQuantity;
    t.included += item.discountAmount;
    t.includedQ += item.discountQuantity;
    out.set(model, t);
  }
  return out;
}

/**
 * The rows of one report answer: per model, what the plan included ("<model> (included in plan)",
 * the discount) and what was billed beyond it ("<model> (billed)", gross − discount). A month's
 * total is a lump over its days, on its last day: "(<model> included in plan, month: first…last)".
 */
export function reportRows(unit: ReportUnit, items: readonly UsageItem[]): LedgerRow[] {
  const rows: LedgerRow[] = [];
  const date = unit.kind === 'day' ? unit.day : unit.to;
  const name = (model: string, part: string): string => (unit.kind === 'day' ? `${model} (${part})` : lumpLabel(`${lumpSafe(model)} ${part}, month`, unit.from, unit.to));
  for (const [model, t] of byModel(items)) {
    const included = Math.min(t.included, t.gross);
    const billed = t.gross - included;
    const billedQ = Math.max(0, t.grossQ - t.includedQ);
    if (included > EPS || t.includedQ > 0) rows.push(row(date, name(model, INCLUDED), included, t.includedQ));
    if (billed > EPS || billedQ > 0 || (included <= EPS && t.includedQ === 0 && t.grossQ > 0)) rows.push(row(date, name(model, BILLED), billed, billedQ));
  }
  return rows;
}

const headersFor = (token: string): Record<string, string> => ({ Accept: 'application/vnd.github+json', Authorization: `Bearer ${token}`, 'X-GitHub-Api-Version': API_VERSION });

interface Ask {
  readonly http: HttpClient;
  readonly baseUrl: URL;
  readonly token: string;
}

function common(token: string, authHint = AUTH_HINT) {
  return { source: COPILOT_SOURCE_NAME, headers: headersFor(token), secrets: [token], authHint, errorMessage: githubErrorMessage } as const;
}

export async function getLogin(ask: Ask): Promise<string> {
  try {
    return (await ask.http.getJson({ ...common(ask.token), url: joinUrl(ask.baseUrl, 'user'), schema: GitHubUserSchema })).login;
  } catch (error) {
    throw clarify(error, 'GET /user');
  }
}

/** A rejected token, said as what to do: 401 is a bad token; 403 a missing permission. Rate limits and the rest pass unchanged. */
export function clarify(error: unknown, what: string): unknown {
  if (!(error instanceof SourceError) || error.kind !== 'auth') return error;
  const said = /\(HTTP \d+(: "[^"]*")?\)/.exec(error.message)?.[0] ?? `(HTTP ${error.details.status ?? '?'})`;
  if (error.details.status === 401) return new SourceError('auth', `${COPILOT_SOURCE_NAME}: the token was rejected ${said}: it is wrong, expired or revoked. ${AUTH_HINT}`, error.details);
  return new SourceError('auth', `${COPILOT_SOURCE_NAME}: ${what} was refused ${said}. ${PLAN_PERMISSION}`, error.details);
}

type Who = { readonly kind: 'user'; readonly login: string } | { readonly kind: 'org'; readonly org: string; readonly login: string };
const whoKey = (who: Who): string => (who.kind === 'user' ? `user:${who.login}` : `org:${who.org}:${who.login}`);

function reportUrl(baseUrl: URL, who: Who, year: number, month: number, day?: number): URL {
  const period = { year: String(year), month: String(month), ...(day !== undefined ? { day: String(day) } : {}) };
  return who.kind === 'user'
    ? joinUrl(baseUrl, `users/${encodeURIComponent(who.login)}/settings/billing/premium_request/usage`, period)
    : joinUrl(baseUrl, `organizations/${encodeURIComponent(who.org)}/settings/billing/premium_request/usage`, { user: who.login, ...period });
}

const fieldsOf = (day: DayKey): [number, number, number] => [Number(day.slice(0, 4)), Number(day.slice(5, 7)), Number(day.slice(8, 10))];

async function reportItems(ask: Ask, who: Who, unit: ReportUnit | { kind: 'monthToDate'; day: DayKey }): Promise<UsageItem[]> {
  const at = unit.kind === 'month' ? unit.from : unit.day;
  const [year, month, day] = fieldsOf(at);
  const url = reportUrl(ask.baseUrl, who, year, month, unit.kind === 'day' ? day : undefined);
  return (await ask.http.getJson({ ...common(ask.token), url, schema: UsageReportSchema })).usageItems;
}

export interface ReportResult {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly report: ReportSync;
  readonly monthToDate: readonly UsageItem[];
  /** True when any day of the budget year (fetched now or before) had usage. */
  readonly anyUsage: boolean;
  readonly requests: number;
}

/** The report's days for the budget year: only what is not covered yet, and the days not final. */
export async function fetchReport(ask: Ask, who: Who, previous: ReportSync | undefined, yearStart: DayKey, utcToday: DayKey): Promise<ReportResult> {
  const key = whoKey(who);
  const same = previous?.who === key;
  const coverage = same ? previous.coverage : undefined;
  const hadUsage = same && previous.used === true;
  const oldest = monthStartKey(addMonthsKey(utcToday, -(REPORT_MONTHS - 1)));
  const wantFrom = maxDay(yearStart, oldest);
  const lastFinal = addDaysKey(utcToday, -2);
  const ranges = planFetch(coverage, wantFrom, utcToday, addDaysKey(lastFinal, 1));
  const days: DayKey[] = [];
  const rows: LedgerRow[] = [];
  let requests = 0;
  for (const unit of reportUnits(ranges, utcToday)) {
    requests++;
    const items = await reportItems(ask, who, unit);
    days.push(...(unit.kind === 'day' ? [unit.day] : eachDayKey(unit.from, addDaysKey(unit.to, 1))));
    rows.push(...reportRows(unit, items));
  }
  requests++;
  const monthToDate = await reportItems(ask, who, { kind: 'monthToDate', day: utcToday });
  const anyUsage = hadUsage || rows.some((r) => r.requests > 0) || monthToDate.some((i) => i.grossQuantity > 0);
  const covered = coverageAfter(coverage, ranges, lastFinal);
  return { days, rows, report: { who: key, ...(covered ? { coverage: covered } : {}), used: anyUsage }, monthToDate, anyUsage, requests };
}

function monthToDateNote(items: readonly UsageItem[]): string {
  const t = { q: 0, gross: 0, included: 0, net: 0 };
  for (const i of items) {
    t.q += i.grossQuantity;
    t.gross += i.grossAmount;
    t.included += i.discountAmount;
    t.net += i.netAmount;
  }
  return `This month so far: ${count(t.q)} premium requests worth ${money(t.gross)}; ${money(t.included)} included in the plan, ${money(t.net)} billed beyond it.`;
}

// ---------------------------------------------------------------------------------------------
// The quota snapshot: readings → days

/** Requests used this month: the included ones used plus those beyond (`overage_count`). */
export function usedRequests(snapshot: { entitlement: number; remaining: number; overage_count: number }): number {
  return Math.max(0, snapshot.entitlement - Math.max(0, snapshot.remaining)) + snapshot.overage_count;
}

/**
 * The rows of the days from `emitFrom` to `emitTo` from quota readings (see openrouter.ts for how
 * readings become exact days and lumps): a lump between readings lands on its last day, the
 * month's use before the first reading on its first day.
 */
export function quotaDays(sync: QuotaSync, emitFrom: DayKey, emitTo: DayKey): { days: DayKey[]; rows: LedgerRow[] } {
  const pieces = piecesFromReadings(sync.readings, sync.first);
  const days = eachDayKey(emitFrom, addDaysKey(emitTo, 1));
  const emitted = new Set(days);
  const rows: LedgerRow[] = [];
  for (const lump of pieces.lumps) {
    const day = lump.kind === 'gap' ? lump.to : lump.from;
    if (!emitted.has(day) || lump.amount <= EPS) continue;
    rows.push(row(day, lumpLabel(lump.kind === 'gap' ? 'gap' : 'before tracking', lump.from, lump.to), lump.amount, lump.amount / PREMIUM_REQUEST_USD));
  }
  for (const d of days) {
    const amount = pieces.exact.get(d) ?? 0;
    if (amount > EPS) rows.push(row(d, ALL_MODELS, amount, amount / PREMIUM_REQUEST_USD));
  }
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.model < b.model ? -1 : 1));
  return { days, rows };
}

export interface QuotaResult {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly quota: QuotaSync | undefined;
  readonly limits: SourceLimit[];
  readonly note: string;
}

/** The next sync state and the days of one snapshot taken at `now`. */
export function fromSnapshot(data: CopilotUser, previous: QuotaSync | undefined, now: Date): QuotaResult {
  const premium = data.quota_snapshots?.premium_interactions;
  if (!premium) throw new SourceError('unexpected', `${COPILOT_SOURCE_NAME}: GET /copilot_internal/user returned no quota_snapshots.premium_interactions (this endpoint is undocumented and may have changed).`);
  const resetsAt = data.quota_reset_date_utc ?? (data.quota_reset_date ? `${data.quota_reset_date.slice(0, 10)}T00:00:00.000Z` : undefined);
  const resetText = resetsAt && !Number.isNaN(Date.parse(resetsAt)) ? `, resets on ${resetsAt.slice(0, 10)}` : '';
  if (premium.unlimited) {
    return { days: [], rows: [], quota: previous, limits: [], note: `Your Copilot plan has unlimited premium requests${resetText}: nothing to count.` };
  }
  const used = usedRequests(premium);
  const value = used * PREMIUM_REQUEST_USD;
  const today = utcDayKeyOfMs(now.getTime());
  const last = previous?.readings[previous.readings.length - 1];
  // A new month starts the month's curve at the last lifetime value (what was used after the last reading of the old month is not known).
  const base = last ? (monthStartKey(last.utcDay) === monthStartKey(today) ? last.usage - (last.usage_monthly ?? 0) : last.usage) : 0;
  const reading: Reading = { at: now.toISOString(), utcDay: today, usage: round6(base + value), usage_monthly: round6(value) };
  const fresh = !previous || !last || reading.usage < last.usage - EPS || Date.parse(reading.at) < Date.parse(last.at);
  const quota: QuotaSync = fresh ? { first: reading, readings: [reading] } : { first: previous.first, readings: compactReadings([...previous.readings.filter((r) => r.at !== reading.at), reading]) };
  const emitFrom = fresh ? monthStartKey(today) : last.utcDay;
  const { days, rows } = quotaDays(quota, emitFrom, today);
  const limits: SourceLimit[] = [
    {
      label: `this month (${count(used)} of ${count(premium.entitlement)} included requests${premium.overage_count > 0 ? `, ${count(premium.overage_count)} beyond` : ''})`,
      spent: round6(value),
      limit: round6(premium.entitlement * PREMIUM_REQUEST_USD),
      ...(resetText && resetsAt ? { resetsAt } : {}),
    },
  ];
  const note =
    `Read from GitHub's quota snapshot (GET /copilot_internal/user: an undocumented endpoint the Copilot extension uses, which may change), month-to-date only and without a per-model split: ` +
    `this month: ${count(used)} of ${count(premium.entitlement)} included requests${resetText}, valued at ${money(PREMIUM_REQUEST_USD)} a request. ` +
    `Daily spend is built from readings since ${quota.first.utcDay}; days without a reading are shown as one labelled lump.`;
  return { days, rows, quota, limits, note };
}

// ---------------------------------------------------------------------------------------------
// The fetch

export interface CopilotFetchInput {
  readonly http: HttpClient;
  readonly baseUrl: URL;
  /** The GitHub token (Set API Key…, or GITHUB_TOKEN), if any. */
  readonly key: string | undefined;
  /** The organisation whose report to read for the user, or '' for none. */
  readonly organization: string;
  /** VS Code's GitHub session, when the user has granted it (for the quota snapshot). */
  readonly session?: GitHubSessionProvider;
  readonly yearStart: DayKey;
  readonly now: Date;
  readonly sync: CopilotSync | undefined;
}

export interface CopilotFetchResult extends FetchOutcome {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: CopilotSync;
  /** Which of the three it read. */
  readonly via: 'personal' | 'organization' | 'quota';
}

const refusedWith = (error: unknown, ...statuses: number[]): error is SourceError => error instanceof SourceError && statuses.includes(error.details.status ?? 0) && error.kind !== 'rate_limited';

export async function fetchCopilot(input: CopilotFetchInput): Promise<CopilotFetchResult> {
  const { http, baseUrl, key, now } = input;
  const utcToday = utcDayKeyOfMs(now.getTime());
  const previous = input.sync;
  let requests = 0;
  const why: string[] = [];
  let refusal: SourceError | undefined;
  let emptyPersonal: ReportResult | undefined;
  let login: string | undefined;

  if (key) {
    requests++;
    login = await getLogin({ http, baseUrl, token: key });
    const ask = { http, baseUrl, token: key };
    try {
      let r = await fetchReport(ask, { kind: 'user', login }, previous?.personal, input.yearStart, utcToday);
      requests += r.requests;
      if (r.anyUsage && previous?.via !== undefined && previous.via !== 'personal') {
        // Another one answered until now: the report's days replace the whole year once.
        r = await fetchReport(ask, { kind: 'user', login }, undefined, input.yearStart, utcToday);
        requests += r.requests;
      }
      if (r.anyUsage) {
        return { days: r.days, rows: r.rows, sync: { ...previous, v: 1, via: 'personal', personal: r.report }, via: 'personal', requests, note: `GitHub's premium request report for ${login} (personal plan): each model's requests valued at GitHub's unit price; "(${INCLUDED})" rows are what your plan covered, "(${BILLED})" rows what was billed beyond it. Earlier months are monthly totals spread over their days. ${monthToDateNote(r.monthToDate)}` };
      }
      emptyPersonal = r;
      why.push(`your personal premium request report is empty (Copilot managed by an organisation?)`);
    } catch (error) {
      if (refusedWith(error, 404)) why.push(`${login} has no personal Copilot plan (HTTP 404 for the personal report)`);
      else if (refusedWith(error, 403)) {
        refusal = clarify(error, 'the personal premium request report') as SourceError;
        why.push('the token may not read the personal report (HTTP 403: it needs the "Plan" user permission, read)');
      } else throw clarify(error, 'the personal premium request report');
    }

    if (input.organization) {
      try {
        const r = await fetchReport(ask, { kind: 'org', org: input.organization, login }, previous?.via === 'organization' ? previous.org : undefined, input.yearStart, utcToday);
        requests += r.requests;
        return { days: r.days, rows: r.rows, sync: { ...previous, ...(emptyPersonal ? { personal: emptyPersonal.report } : {}), v: 1, via: 'organization', org: r.report }, via: 'organization', requests, note: `GitHub's premium request report of the organisation ${input.organization} for ${login} (${why.join('; ')}): each model's requests valued at GitHub's unit price; "(${INCLUDED})" rows are what the plan covered, "(${BILLED})" rows what was billed beyond it. ${monthToDateNote(r.monthToDate)}` };
      } catch (error) {
        if (!refusedWith(error, 401, 403, 404)) throw clarify(error, `the organisation report of ${input.organization}`);
        why.push(`the organisation report of ${input.organization} was refused (HTTP ${(error).details.status}: it needs an organisation owner's or billing manager's token)`);
      }
    }
  }

  // The quota snapshot: the signed-in GitHub account first (it is what the Copilot extension uses), then the token.
  const sessionToken = await input.session?.silentToken().catch(() => undefined);
  const tokens = [...new Set([sessionToken, key].filter((t): t is string => typeof t === 'string' && t !== ''))];
  let lastError: unknown;
  for (const token of tokens) {
    requests++;
    try {
      const data = await http.getJson({ ...common(token), url: joinUrl(baseUrl, 'copilot_internal/user'), schema: CopilotUserSchema });
      const q = fromSnapshot(data, previous?.via === 'quota' ? previous.quota : undefined, now);
      const via = token === sessionToken ? 'the GitHub account VS Code is signed in with' : 'the token';
      const sync: CopilotSync = { ...previous, ...(emptyPersonal ? { personal: emptyPersonal.report } : {}), v: 1, via: 'quota', ...(q.quota ? { quota: q.quota } : {}) };
      const because = why.length > 0 ? ` (${why.join('; ')})` : '';
      return { days: q.days, rows: q.rows, sync, limits: q.limits, via: 'quota', requests, note: `${q.note} Read with ${via}${because}.` };
    } catch (error) {
      if (!refusedWith(error, 401, 403, 404)) throw error;
      lastError = error;
    }
  }

  if (emptyPersonal) {
    // A personal plan with no premium requests in the budget year, and no snapshot to say otherwise.
    return { days: emptyPersonal.days, rows: emptyPersonal.rows, sync: { ...previous, v: 1, via: 'personal', personal: emptyPersonal.report }, via: 'personal', requests, note: `GitHub's premium request report for ${login ?? 'you'} (personal plan) has no premium requests in the budget year. ${monthToDateNote(emptyPersonal.monthToDate)}` };
  }
  if (refusal) throw refusal;
  if (!key && tokens.length === 0) throw new SourceError('auth', `${COPILOT_SOURCE_NAME}: no token. ${AUTH_HINT}`);
  if (lastError instanceof SourceError && lastError.details.status === 401) throw clarify(lastError, 'GET /copilot_internal/user');
  const said = lastError instanceof SourceError ? ` (HTTP ${lastError.details.status})` : '';
  throw new SourceError('auth', `${COPILOT_SOURCE_NAME}: no premium request figures could be read: ${why.length > 0 ? `${why.join('; ')}; ` : ''}the Copilot quota was refused${said}. ${PLAN_PERMISSION}`, lastError instanceof SourceError ? lastError.details : {});
}

export function copilotAdapter(session?: GitHubSessionProvider): SourceAdapter {
  return {
    id: COPILOT.id,
    label: COPILOT_SOURCE_NAME,
    setting: settingKey(COPILOT, 'enabled'),
    needsKey: true,
    isEnabled: (config) => config.sources.copilot.enabled,
    identity: (config) => `${config.sources.copilot.baseUrl.trim().replace(/\/+$/, '')}|${config.sources.copilot.organization}`,
    async fetch(context: FetchContext) {
      const { copilot } = context.config.sources;
      const baseUrl = parseSourceUrl(copilot.baseUrl, settingKey(COPILOT, 'baseUrl'));
      const previous = v.safeParse(CopilotSyncSchema, context.sync);
      const result = await fetchCopilot({
        http: context.http,
        baseUrl,
        key: context.key,
        organization: copilot.organization,
        ...(session ? { session } : {}),
        yearStart: context.yearStart,
        now: contextNow(context),
        sync: previous.success ? previous.output : undefined,
      });
      const { via: _via, ...outcome } = result;
      return outcome;
    },
  };
}
