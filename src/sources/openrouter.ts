/**
 * The OpenRouter source (usage-apis.md §3). A normal inference key can read only itself, with
 * `GET {baseUrl}/key`: lifetime `usage` plus `usage_daily` / `usage_weekly` / `usage_monthly` for
 * the current UTC day, week (Monday–Sunday) and month, and the key's `limit` and `limit_reset`.
 * OpenRouter keeps no history a normal key can read, so this source keeps its own: every refresh
 * is a reading, kept in the sync state, and readings become daily ledger rows.
 *
 * How readings become days. Every reading gives points on the key's lifetime-usage curve
 * L(t), which never decreases:
 *
 *   - (at, usage)                                 the reading itself;
 *   - (midnight UTC of its day, usage − usage_daily)     the start of its UTC day;
 *   - (Monday 00:00 UTC of its week, usage − usage_weekly) the start of its week;
 *   - (the 1st 00:00 UTC of its month, usage − usage_monthly) the start of its month.
 *
 * The spend between two consecutive points is the growth of L between them. When both lie in the
 * same UTC day, that growth belongs to that day. So:
 *
 *   - today = usage_daily of the latest reading (L(now) − L(today 00:00));
 *   - a day with a reading, followed by a reading on the next day, is final and exact:
 *     L(next day 00:00) − L(day 00:00), i.e. its last usage_daily plus the growth after its last
 *     reading up to midnight (the next day's first reading minus its usage_daily);
 *   - several days without readings (a gap): the growth across them is not split into an invented
 *     daily series but shown as ONE lump row, model "(gap: first…last)", on the gap's last day
 *     (the budget's projection and spike check spread a lump evenly over its days: core
 *     `lumpLabel`). Week and month starts known from later readings cut a gap into shorter lumps;
 *   - before the first reading: the current month's total minus today, as one lump row on the 1st
 *     of the month, model "(before tracking: first…last)". Older lifetime usage is not shown as
 *     daily rows (the outcome's note says how much);
 *   - limit resets: usage_daily/weekly/monthly drop at their window starts, which is what they
 *     mean, and lifetime `usage` is what the rows are built on, so a reset changes nothing. If
 *     lifetime usage ever goes down, it is another key: tracking starts over (so does a change of
 *     the key itself, recognised by a fingerprint);
 *   - a point that contradicts the curve (a window total larger than the lifetime growth it
 *     implies) is dropped rather than trusted.
 *
 * Each refresh emits the days from the previous reading's day to today (on a fresh start: from
 * the 1st of the month).
 *
 * A management key cannot make completions (openrouter.ai docs, "Management API Keys"), so its own
 * `/key` usage is always 0 and is never made into rows. Its days come from `GET {baseUrl}/activity`
 * alone: the last 30 completed UTC days, per model, for the whole account, or for one key when its
 * `api_key_hash` is given (`apiKeyHash`). Today is not known with a management key until
 * `/activity` reports it the next day.
 *
 * No service totals are reported for reconciliation: the rows are built from the very figures
 * (`/key` readings, `/activity` rows) a total would be checked against.
 */
import { createHash } from 'node:crypto';
import * as v from 'valibot';
import { addDaysKey, addMonthsKey, eachDayKey, isoWeekStartKey, monthStartKey, utcDayKeyOfMs, utcDayStartMs } from '../core/dates';
import { lumpLabel } from '../core/ledger';
import type { DayKey, LedgerRow } from '../core/types';
import { joinUrl, SourceError, type HttpClient } from './http';
import { keyedAdapterContext } from './keyedAdapter';
import { ActivitySchema, KeySchema, openrouterErrorMessage, type ActivityEntry, type KeyData } from './openrouterSchema';
import { defineSource, keyHint, settingKey } from './descriptor';
import type { FetchOutcome, SourceAdapter, SourceLimit } from './types';

export const OPENROUTER = defineSource({
  id: 'openrouter',
  label: 'OpenRouter',
  group: 'gateway',
  settings: { enabled: 'application', baseUrl: 'application' },
  switch: { type: 'toggle', setting: 'enabled' },
  key: { envVar: 'OPENROUTER_API_KEY', what: 'your OpenRouter API key (sk-or-v1-…)', help: 'A normal inference key can read its own usage.' },
  pick: { icon: 'globe', detail: 'Your OpenRouter API key (sk-or-v1-…)' },
  carriesAgentTraffic: true,
  create: () => openrouterAdapter,
});

export const OPENROUTER_SOURCE_NAME = OPENROUTER.label;
export const OPENROUTER_SETTING = settingKey(OPENROUTER, 'enabled');
export const ALL_MODELS = 'openrouter (all models)';
/** The lumps' model names (core `lumpLabel`: a projection spreads them over their days). */
export const gapLabel = (from: DayKey, to: DayKey): string => lumpLabel('gap', from, to);
export const beforeTrackingLabel = (from: DayKey, to: DayKey): string => lumpLabel('before tracking', from, to);
/** Readings are kept (the first and last of each UTC day) for this many days that have readings. */
export const RETAINED_DAYS = 7;
/** How many completed UTC days `/activity` reports. */
export const ACTIVITY_DAYS = 30;

const AUTH_HINT = keyHint(OPENROUTER);
/** Below a millionth of a dollar, a difference is float noise. */
const EPS = 1e-6;

// ---------------------------------------------------------------------------------------------
// OpenRouter's windows are UTC days, Monday-start weeks and UTC months: day keys of UTC days,
// with core/dates' calendar arithmetic (a calendar is a calendar) and UTC instants.

/** The instant a UTC week (Monday-start) begins. */
const weekStartMs = (day: DayKey): number => utcDayStartMs(isoWeekStartKey(day));
/** The instant a UTC month begins. */
const monthStartMs = (day: DayKey): number => utcDayStartMs(monthStartKey(day));
/** Every UTC day from `from` to `to`, both inclusive. */
const eachUtcDay = (from: DayKey, to: DayKey): DayKey[] => eachDayKey(from, addDaysKey(to, 1));

const round6 = (x: number): number => Math.round(x * 1e6) / 1e6;

// ---------------------------------------------------------------------------------------------
// Sync state

export const ReadingSchema = v.object({
  at: v.pipe(v.string(), v.isoTimestamp()),
  utcDay: v.pipe(v.string(), v.regex(/^\d{4}-\d{2}-\d{2}$/)),
  usage: v.pipe(v.number(), v.finite()),
  usage_daily: v.optional(v.pipe(v.number(), v.finite())),
  usage_weekly: v.optional(v.pipe(v.number(), v.finite())),
  usage_monthly: v.optional(v.pipe(v.number(), v.finite())),
});
export type Reading = v.InferOutput<typeof ReadingSchema>;

export const OpenRouterSyncSchema = v.object({
  v: v.literal(1),
  /** A fingerprint of the key (not the key): another key starts over. */
  key: v.string(),
  /** The first reading since tracking (re)started: what came before it is the "before tracking" lump. */
  first: ReadingSchema,
  /** Lifetime usage before the tracked period (before the first reading's month), for the note. */
  untracked: v.pipe(v.number(), v.finite()),
  /** Recent readings, oldest first: the first and last of each UTC day, for the last RETAINED_DAYS days. */
  readings: v.pipe(v.array(ReadingSchema), v.minLength(1)),
});
export type OpenRouterSync = v.InferOutput<typeof OpenRouterSyncSchema>;

export function keyFingerprint(key: string): string {
  return createHash('sha256').update(`token-budget/openrouter:${key}`).digest('hex').slice(0, 16);
}

/** Keeps the first and last reading of each UTC day, for the last RETAINED_DAYS days with readings. */
export function compactReadings(readings: readonly Reading[]): Reading[] {
  const byDay = new Map<DayKey, Reading[]>();
  for (const r of [...readings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at))) {
    const list = byDay.get(r.utcDay) ?? [];
    list.push(r);
    byDay.set(r.utcDay, list);
  }
  const days = [...byDay.keys()].sort().slice(-RETAINED_DAYS);
  return days.flatMap((d) => {
    const list = byDay.get(d) ?? [];
    return list.length <= 2 ? list : [list[0] as Reading, list[list.length - 1] as Reading];
  });
}

// ---------------------------------------------------------------------------------------------
// Readings → pieces (exact day amounts and lumps)

export interface Lump {
  readonly from: DayKey;
  readonly to: DayKey;
  readonly amount: number;
  /** "gap": between readings, shown on its last day; "before": before tracking, shown on its first day. */
  readonly kind: 'gap' | 'before';
}

export interface Pieces {
  /** Spend known to belong to one day. */
  readonly exact: Map<DayKey, number>;
  readonly lumps: Lump[];
}

interface Point {
  readonly t: number;
  readonly v: number;
  readonly reading: boolean;
}

/** The points on the lifetime-usage curve that `readings` give (see the file comment), consistent and in time order. */
export function curvePoints(readings: readonly Reading[], sinceMs: number): Point[] {
  if (readings.length === 0) return [];
  const sorted = [...readings].sort((a, b) => Date.parse(a.at) - Date.parse(b.at));
  const oldestDayStart = utcDayStartMs((sorted[0] as Reading).utcDay);
  const sinceDayStart = utcDayStartMs(utcDayKeyOfMs(sinceMs));
  const derived = new Map<number, number>();
  const readingPoints: Point[] = [];
  for (const r of sorted) {
    readingPoints.push({ t: Date.parse(r.at), v: r.usage, reading: true });
    const add = (t: number, value: number): void => {
      // Before tracking, only today's start is used (the month lump comes from the first reading
      // alone); before the oldest retained day, nothing is (those days were emitted already).
      if (t < oldestDayStart || (t < sinceMs && t !== sinceDayStart) || value < -EPS) return;
      derived.set(t, value); // the latest reading's value wins
    };
    if (r.usage_daily !== undefined) add(utcDayStartMs(r.utcDay), r.usage - r.usage_daily);
    if (r.usage_weekly !== undefined) add(weekStartMs(r.utcDay), r.usage - r.usage_weekly);
    if (r.usage_monthly !== undefined) add(monthStartMs(r.utcDay), r.usage - r.usage_monthly);
  }
  const readingTimes = new Set(readingPoints.map((p) => p.t));
  const all: Point[] = [...readingPoints, ...[...derived].filter(([t]) => !readingTimes.has(t)).map(([t, value]) => ({ t, v: value, reading: false }))];
  all.sort((a, b) => a.t - b.t);
  const kept: Point[] = [];
  for (const p of all) {
    if (p.reading) {
      // A derived point above a later reading contradicts the curve: drop it.
      while (kept.length > 0 && !(kept[kept.length - 1] as Point).reading && (kept[kept.length - 1] as Point).v > p.v + EPS) kept.pop();
      kept.push(p);
    } else {
      const previous = kept[kept.length - 1];
      if (previous && p.v < previous.v - EPS) continue;
      kept.push(p);
    }
  }
  return kept;
}

/** The "before tracking" lump from the first reading: the month's total minus that day's. */
export function beforeTrackingPiece(first: Reading): Lump | undefined {
  if (first.usage_monthly === undefined) return undefined;
  const from = monthStartKey(first.utcDay);
  const to = first.usage_daily !== undefined ? addDaysKey(first.utcDay, -1) : first.utcDay;
  const amount = first.usage_monthly - (first.usage_daily ?? 0);
  if (to < from || amount <= EPS) return undefined;
  return { from, to, amount, kind: 'before' };
}

/** Exact day amounts and lumps from the readings (and the first reading's month, when given). */
export function piecesFromReadings(readings: readonly Reading[], first: Reading): Pieces {
  const sinceMs = Date.parse(first.at);
  const exact = new Map<DayKey, number>();
  const lumps: Lump[] = [];
  const addExact = (day: DayKey, amount: number): void => {
    exact.set(day, (exact.get(day) ?? 0) + amount);
  };
  const before = beforeTrackingPiece(first);
  if (before) {
    if (before.from === before.to) addExact(before.from, before.amount);
    else lumps.push(before);
  }
  const points = curvePoints(readings, sinceMs);
  for (let i = 1; i < points.length; i++) {
    const p = points[i - 1] as Point;
    const q = points[i] as Point;
    const amount = q.v - p.v;
    if (amount <= EPS) continue;
    const from = utcDayKeyOfMs(p.t);
    const to = utcDayKeyOfMs(q.t - 1); // the interval is [p, q)
    if (from === to) addExact(from, amount);
    else lumps.push({ from, to, amount, kind: 'gap' });
  }
  return { exact, lumps };
}

// ---------------------------------------------------------------------------------------------
// Pieces (+ activity) → the days and rows of one refresh

export interface ActivityFill {
  /** Per-model rows for the covered days. */
  readonly rows: readonly LedgerRow[];
  /** The days the activity is authoritative for (its rows replace anything else on them). */
  readonly covered: ReadonlySet<DayKey>;
}

function row(date: DayKey, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return { date, source: 'openrouter', model, cost, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0, ...extra };
}

/**
 * The days to replace and their rows: every day from `emitFrom` to `emitTo`, with the exact day
 * amounts and the lumps that land on them (a gap on its last day, "before tracking" on its first).
 */
export function buildDays(pieces: Pieces, emitFrom: DayKey, emitTo: DayKey): { days: DayKey[]; rows: LedgerRow[] } {
  const emitted = new Set(eachUtcDay(emitFrom, emitTo));
  const rows: LedgerRow[] = [];
  for (const lump of pieces.lumps) {
    const day = lump.kind === 'gap' ? lump.to : lump.from;
    if (!emitted.has(day) || lump.amount <= EPS) continue;
    rows.push(row(day, lump.kind === 'before' ? beforeTrackingLabel(lump.from, lump.to) : gapLabel(lump.from, lump.to), round6(lump.amount)));
  }

  for (const d of emitted) {
    const amount = pieces.exact.get(d) ?? 0;
    if (amount > EPS) rows.push(row(d, ALL_MODELS, round6(amount)));
  }

  const days = [...emitted].sort();
  rows.sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return { days, rows };
}

/**
 * The days `/activity` covers: the last 30 completed UTC days, yesterday only once it appears
 * (it may lag just after midnight; until then yesterday stays on the readings).
 */
export function activityFill(entries: readonly ActivityEntry[], utcToday: DayKey): ActivityFill {
  const yesterday = addDaysKey(utcToday, -1);
  const last = entries.some((e) => e.date === yesterday) ? yesterday : addDaysKey(utcToday, -2);
  const covered = new Set(eachUtcDay(addDaysKey(utcToday, -ACTIVITY_DAYS), last));
  const byKey = new Map<string, LedgerRow>();
  for (const e of entries) {
    if (!covered.has(e.date)) continue;
    const k = `${e.date}\u0000${e.model}`;
    const prev = byKey.get(k);
    byKey.set(
      k,
      row(e.date, e.model, (prev?.cost ?? 0) + e.usage, {
        inputTokens: (prev?.inputTokens ?? 0) + e.prompt_tokens,
        outputTokens: (prev?.outputTokens ?? 0) + e.completion_tokens,
        requests: (prev?.requests ?? 0) + e.requests,
      }),
    );
  }
  return { rows: [...byKey.values()], covered };
}

// ---------------------------------------------------------------------------------------------
// The key's limit

/** The next reset of a `limit_reset` window after `now` (midnight UTC; Monday; the 1st). */
export function nextReset(limitReset: string, now: Date): string | undefined {
  const day = utcDayKeyOfMs(now.getTime());
  switch (limitReset) {
    case 'daily':
      return new Date(utcDayStartMs(addDaysKey(day, 1))).toISOString();
    case 'weekly':
      return new Date(utcDayStartMs(addDaysKey(isoWeekStartKey(day), 7))).toISOString();
    case 'monthly':
      return new Date(utcDayStartMs(addMonthsKey(monthStartKey(day), 1))).toISOString();
    default:
      return undefined;
  }
}

export function openrouterLimits(data: KeyData, now: Date): SourceLimit[] {
  if (data.limit === null || data.limit === undefined) return [];
  const reset = data.limit_reset ?? null;
  const byok = data.include_byok_in_limit === true;
  const window = (usage: number | null | undefined, byokUsage: number | null | undefined): number | undefined =>
    usage === null || usage === undefined ? undefined : usage + (byok ? (byokUsage ?? 0) : 0);
  let spent: number | undefined;
  if (reset === 'daily') spent = window(data.usage_daily, data.byok_usage_daily);
  else if (reset === 'weekly') spent = window(data.usage_weekly, data.byok_usage_weekly);
  else if (reset === 'monthly') spent = window(data.usage_monthly, data.byok_usage_monthly);
  else if (reset === null) spent = window(data.usage, data.byok_usage);
  if (spent === undefined && data.limit_remaining !== null && data.limit_remaining !== undefined) spent = data.limit - data.limit_remaining;
  const resetsAt = reset === null ? undefined : nextReset(reset, now);
  return [{ label: reset === null ? 'key limit' : `key limit (${reset})`, spent: round6(spent ?? data.usage), limit: data.limit, ...(resetsAt ? { resetsAt } : {}) }];
}

// ---------------------------------------------------------------------------------------------
// The fetch

export interface OpenRouterFetchInput {
  readonly http: HttpClient;
  readonly baseUrl: URL;
  readonly key: string;
  /** The instant of this reading. */
  readonly now: Date;
  /** The previous sync state, validated (undefined: none, or not valid: start over). */
  readonly sync: OpenRouterSync | undefined;
  /**
   * With a management key: the `api_key_hash` (SHA-256 hex, as the keys API returns it) of the key
   * whose spend is wanted; without it, `/activity` is the whole account's.
   */
  readonly apiKeyHash?: string;
}

export interface OpenRouterFetchResult extends FetchOutcome {
  readonly days: DayKey[];
  readonly rows: LedgerRow[];
  readonly sync: OpenRouterSync;
  readonly limits: SourceLimit[];
  readonly key: KeyData;
}

const money = (x: number): string => `$${x.toFixed(2)}`;

function readingOf(data: KeyData, now: Date): Reading {
  const r: { -readonly [K in keyof Reading]: Reading[K] } = { at: now.toISOString(), utcDay: utcDayKeyOfMs(now.getTime()), usage: data.usage };
  if (typeof data.usage_daily === 'number') r.usage_daily = data.usage_daily;
  if (typeof data.usage_weekly === 'number') r.usage_weekly = data.usage_weekly;
  if (typeof data.usage_monthly === 'number') r.usage_monthly = data.usage_monthly;
  return r;
}

type RequestCommon = Omit<Parameters<HttpClient['getJson']>[0], 'url' | 'schema'>;

/**
 * The days and rows of a management key: what `/activity` reports for the last 30 completed UTC
 * days, filtered to `apiKeyHash` when given. A management key cannot make completions, so its own
 * `/key` usage is always 0 and says nothing about spend: its readings are not made into rows
 * (today is not known until `/activity` reports it, the next day).
 */
async function fromActivity(http: HttpClient, common: RequestCommon, baseUrl: URL, today: DayKey, apiKeyHash: string | undefined): Promise<{ days: DayKey[]; rows: LedgerRow[]; note: string }> {
  const whose = apiKeyHash ? `key ${apiKeyHash.slice(0, 12)}… only` : 'the whole account: every key, not only yours';
  const own = 'This is a management key, which cannot make completions: its own usage is always 0 and is not counted.';
  let entries: readonly ActivityEntry[];
  try {
    const url = joinUrl(baseUrl, 'activity', apiKeyHash ? { api_key_hash: apiKeyHash } : undefined);
    entries = (await http.getJson({ ...common, url, schema: ActivitySchema })).data;
  } catch (error) {
    if (!(error instanceof SourceError) || ![401, 403, 404].includes(error.details.status ?? 0)) throw error;
    return { days: [], rows: [], note: `${own} /activity was refused (HTTP ${error.details.status}), so nothing is recorded.` };
  }
  const fill = activityFill(entries, today);
  const rows = [...fill.rows].sort((a, b) => (a.date < b.date ? -1 : a.date > b.date ? 1 : a.model < b.model ? -1 : a.model > b.model ? 1 : 0));
  return {
    days: [...fill.covered].sort(),
    rows,
    note: `${own} Per-model spend of the last 30 completed UTC days comes from /activity (${whose}); today's appears tomorrow.`,
  };
}

export async function fetchOpenRouter(input: OpenRouterFetchInput): Promise<OpenRouterFetchResult> {
  const { http, baseUrl, key, now } = input;
  let requests = 0;
  const notes: string[] = [];
  const common = { source: OPENROUTER_SOURCE_NAME, headers: { Authorization: `Bearer ${key}` }, secrets: [key], authHint: AUTH_HINT, errorMessage: openrouterErrorMessage } as const;

  requests++;
  let data: KeyData;
  try {
    data = (await http.getJson({ ...common, url: joinUrl(baseUrl, 'key'), schema: KeySchema })).data;
  } catch (error) {
    if (error instanceof SourceError && error.details.status === 402) {
      const said = /"([^"]*)"/.exec(error.message)?.[1];
      throw new SourceError('bad_request', `${OPENROUTER_SOURCE_NAME}: the account's credit balance is negative (HTTP 402${said ? `: "${said}"` : ''}). Add credits at https://openrouter.ai/settings/credits; the key itself is fine.`, error.details);
    }
    throw error;
  }

  const reading = readingOf(data, now);
  const today = reading.utcDay;
  const fingerprint = keyFingerprint(key);
  const previous = input.sync;
  const last = previous?.readings[previous.readings.length - 1];
  let fresh = previous === undefined || previous.key !== fingerprint || last === undefined;
  if (!fresh && last && reading.usage < last.usage - EPS) {
    fresh = true;
    notes.push(`Lifetime usage went down (${money(last.usage)} → ${money(reading.usage)}), so this is another key: tracking started over.`);
  }
  const limits = openrouterLimits(data, now);

  if (!fresh && previous && last && Date.parse(reading.at) < Date.parse(last.at)) {
    // The clock went back: keep what is known and wait for a later reading.
    return { days: [], rows: [], sync: previous, limits, key: data, note: `${OPENROUTER_SOURCE_NAME}: this reading is older than the last one (${last.at}); ignored.`, requests };
  }

  let first: Reading;
  let untracked: number;
  let readings: Reading[];
  let emitFrom: DayKey;
  if (fresh || !previous || !last) {
    first = reading;
    untracked = reading.usage - (reading.usage_monthly ?? reading.usage_daily ?? 0);
    readings = [reading];
    emitFrom = reading.usage_monthly !== undefined ? monthStartKey(today) : today;
  } else {
    first = previous.first;
    untracked = previous.untracked;
    readings = [...previous.readings.filter((r) => r.at !== reading.at), reading];
    emitFrom = last.utcDay < today ? last.utcDay : today;
  }

  const sync: OpenRouterSync = { v: 1, key: fingerprint, first, untracked, readings: compactReadings(readings) };
  if (data.is_management_key === true) {
    return { ...(await fromActivity(http, common, baseUrl, today, input.apiKeyHash)), sync, limits, key: data, requests: requests + 1 };
  }

  const pieces = piecesFromReadings(readings, first);
  const { days, rows } = buildDays(pieces, emitFrom, today);

  if (reading.usage_daily === undefined) {
    notes.push('This endpoint reports only lifetime usage (no daily or monthly windows): days are built from the growth between readings, and growth across midnight is shown as a labelled lump.');
  }
  notes.unshift(
    `OpenRouter keeps no history for a normal key: daily spend is built from this key's readings since ${first.utcDay} (UTC days).` +
      (untracked > 0.005 ? ` ${money(untracked)} of earlier lifetime usage is not shown as daily rows.` : ''),
  );
  if (typeof data.byok_usage === 'number' && data.byok_usage > 0) {
    notes.push(`BYOK usage (${money(data.byok_usage)} lifetime) is billed by your own provider keys and is not counted.`);
  }

  return {
    days,
    rows,
    sync,
    limits,
    key: data,
    note: notes.join(' '),
    requests,
  };
}

export const openrouterAdapter: SourceAdapter = {
  id: OPENROUTER.id,
  label: OPENROUTER_SOURCE_NAME,
  setting: OPENROUTER_SETTING,
  needsKey: true,
  isEnabled: (config) => config.sources.openrouter.enabled,
  identity: (config) => config.sources.openrouter.baseUrl.trim().replace(/\/+$/, ''),
  async fetch(context) {
    const start = keyedAdapterContext(context, { name: OPENROUTER_SOURCE_NAME, url: context.config.sources.openrouter.baseUrl, urlSetting: settingKey(OPENROUTER, 'baseUrl'), keyHint: AUTH_HINT, syncSchema: OpenRouterSyncSchema });
    const result = await fetchOpenRouter(start);
    const { key: _key, ...outcome } = result;
    return outcome;
  },
};
