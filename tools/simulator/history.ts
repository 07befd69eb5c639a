/**
 * A deterministic, seeded spending history for one engineer, in the shapes of the allowance
 * gateway protocol v1 (docs/allowance-gateway.md).
 *
 * Every number comes from a mulberry32 PRNG. Each calendar day draws from its own generator,
 * seeded from (seed, day), with a fixed number of draws per day, so a day's figures do not depend
 * on `now` or on how much history is generated: as `now` advances, past days stay identical and
 * only today's (partial) day grows. The spend level is calibrated once per budget period (from
 * the period's whole simulated year), so it does not move with `now` either.
 *
 * The shape: workdays heavy and noisy, weekends and US public holidays light (often zero), a
 * growth trend (the end of the period ≈ 1.8× its start), a model mix that shifts from Sonnet to
 * Opus over the year, a spike about one workday in 25 (3–5× the day), and two vacation weeks with
 * (near) zero spend: one in August, one over the year-end holidays. On the default budget the
 * engineer runs somewhat ahead of the ideal pace (about 108 % of it in late November).
 */
import { mulberry32 } from '../../src/core/random';
import { daysBetween, epochDay, fractionOfUtcDay, isDayKey, isoWeekday, nthWeekdayOfMonth, plusDays, plusYears, toDayKey, toInstantString } from './days';
import type { DayKey } from './days';

/** One model's usage on one day (protocol v1). */
export interface ModelUsage {
  model: string;
  /** USD, rounded to cents. */
  cost: number;
  requests: number;
  /** Uncached input tokens (cache reads and writes are counted separately). */
  input_tokens: number;
  output_tokens: number;
  cache_read_tokens: number;
  cache_write_tokens: number;
}

/** One day of usage (protocol v1). `cost` is the sum of the model costs, rounded to cents. */
export interface UsageDay {
  date: DayKey;
  cost: number;
  /** Most expensive first. Empty on a day without spend. */
  models: ModelUsage[];
}

export interface SimBudget {
  amount: number;
  /** Inclusive. */
  period_start: DayKey;
  /** Exclusive. */
  period_end: DayKey;
}

export interface SimData {
  user: string;
  timezone: 'UTC';
  currency: 'USD';
  budget: SimBudget | null;
  /**
   * Every calendar day from the history's start (the period start, or the earlier `historyStart`)
   * up to and including today (UTC), oldest first; zero-spend days included (cost 0, no models).
   */
  days: UsageDay[];
  /** The instant the data describes (RFC 3339, UTC, no milliseconds); the gateway's `as_of`. */
  now: string;
}

export interface HistoryOptions {
  /** PRNG seed (default {@link DEFAULT_SEED}). */
  seed?: number;
  /** The present instant (default: the current time). Today's spend is the fraction of the UTC day elapsed. */
  now?: Date;
  /** The budget in USD (default 250 000); null = no budget at the gateway (spend is still calibrated to 250 000). */
  budgetAmount?: number | null;
  /** Inclusive (default: the April 1st, UTC, starting the fiscal year that contains `now`). */
  periodStart?: DayKey;
  /** Exclusive (default: one year after `periodStart`). */
  periodEnd?: DayKey;
  /**
   * First day of the history, on or before the period start (default: the period start). Days
   * before the period carry spend at the period's starting level, as a gateway that metered the
   * engineer before this period would report them (e.g. January to March for an April period).
   */
  historyStart?: DayKey;
  /** Default {@link DEFAULT_USER}. */
  user?: string;
  /** Multiplies every amount (default 1). */
  scale?: number;
}

export const DEFAULT_SEED = 42;
export const DEFAULT_BUDGET = 250_000;
export const DEFAULT_USER = 'demo.engineer@example.com';

/**
 * The period's spend, simulated over its whole year, is this multiple of the budget: with the
 * growth trend, that puts the engineer about 8 % ahead of the ideal pace by late November
 * (≈ 71 % spent when ≈ 66 % of the workdays have elapsed) and on course to run out in March.
 */
const FULL_PERIOD_SPEND_RATIO = 1.22;

// ---------------------------------------------------------------------------------------------
// PRNG (mulberry32 from src/core/random.ts)

/** Mixes integers into one 32-bit seed (murmur3 finaliser per step). */
function mix(...parts: number[]): number {
  let h = 0x811c9dc5;
  for (const p of parts) {
    h = Math.imul(h ^ (p | 0), 0x85ebca6b);
    h ^= h >>> 13;
    h = Math.imul(h, 0xc2b2ae35);
    h ^= h >>> 16;
  }
  return h >>> 0;
}

/** A standard normal deviate from two uniforms (Box–Muller); always consumes two draws. */
function normal(rand: () => number): number {
  const u = 1 - rand();
  const v = rand();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

// ---------------------------------------------------------------------------------------------
// Models

interface ModelProfile {
  readonly model: string;
  /** USD per million tokens. */
  readonly price: { readonly input: number; readonly output: number; readonly cacheRead: number; readonly cacheWrite: number };
  /** Tokens per uncached input token. */
  readonly ratio: { readonly output: number; readonly cacheRead: number; readonly cacheWrite: number };
  /** Mean prompt size (input + cache tokens) per request. */
  readonly tokensPerRequest: number;
  /** Share of the day's spend at t = 0, ⅓, ⅔ and 1 of the period (normalised per day). */
  readonly mix: readonly [number, number, number, number];
  /** Probability the model is not used at all on an active day. */
  readonly idle: number;
  /** Relative chance of carrying a spike (a runaway agent loop, a big batch job). */
  readonly spikeWeight: number;
}

/** List prices per million tokens as published by the providers in 2025 (short-context tiers). */
export const MODELS: readonly ModelProfile[] = [
  { model: 'claude-sonnet-4-5', price: { input: 3, output: 15, cacheRead: 0.3, cacheWrite: 3.75 }, ratio: { output: 0.45, cacheRead: 18, cacheWrite: 1.6 }, tokensPerRequest: 48_000, mix: [0.48, 0.4, 0.28, 0.24], idle: 0, spikeWeight: 3 },
  { model: 'claude-opus-4-1', price: { input: 15, output: 75, cacheRead: 1.5, cacheWrite: 18.75 }, ratio: { output: 0.4, cacheRead: 15, cacheWrite: 1.4 }, tokensPerRequest: 42_000, mix: [0.1, 0.22, 0.4, 0.44], idle: 0.04, spikeWeight: 4 },
  { model: 'gpt-5', price: { input: 1.25, output: 10, cacheRead: 0.125, cacheWrite: 0 }, ratio: { output: 0.18, cacheRead: 3, cacheWrite: 0 }, tokensPerRequest: 36_000, mix: [0.17, 0.16, 0.15, 0.16], idle: 0.05, spikeWeight: 2 },
  { model: 'gpt-5-mini', price: { input: 0.25, output: 2, cacheRead: 0.025, cacheWrite: 0 }, ratio: { output: 0.12, cacheRead: 2, cacheWrite: 0 }, tokensPerRequest: 14_000, mix: [0.04, 0.04, 0.03, 0.03], idle: 0.3, spikeWeight: 0 },
  { model: 'gemini-2.5-pro', price: { input: 1.25, output: 10, cacheRead: 0.31, cacheWrite: 0 }, ratio: { output: 0.08, cacheRead: 0.6, cacheWrite: 0 }, tokensPerRequest: 60_000, mix: [0.1, 0.08, 0.08, 0.06], idle: 0.2, spikeWeight: 1 },
  { model: 'claude-haiku-4-5', price: { input: 1, output: 5, cacheRead: 0.1, cacheWrite: 1.25 }, ratio: { output: 0.3, cacheRead: 10, cacheWrite: 1 }, tokensPerRequest: 22_000, mix: [0.03, 0.04, 0.04, 0.05], idle: 0.25, spikeWeight: 0 },
  { model: 'o3', price: { input: 2, output: 8, cacheRead: 0.5, cacheWrite: 0 }, ratio: { output: 0.25, cacheRead: 2, cacheWrite: 0 }, tokensPerRequest: 30_000, mix: [0.07, 0.06, 0.05, 0.04], idle: 0.3, spikeWeight: 1 },
];

function mixAt(profile: ModelProfile, t: number): number {
  const x = Math.min(Math.max(t, 0), 1) * 3;
  const i = Math.min(Math.floor(x), 2);
  const a = profile.mix[i] ?? 0;
  const b = profile.mix[i + 1] ?? a;
  return a + (b - a) * (x - i);
}

// ---------------------------------------------------------------------------------------------
// Calendar

type DayKind = 'workday' | 'light' | 'vacation';

/** US federal holidays an engineer typically takes (those outside the vacation weeks). */
function holidays(year: number): Set<DayKey> {
  const july4 = `${year}-07-04`;
  const wd = isoWeekday(july4);
  const july4Observed = wd === 6 ? plusDays(july4, -1) : wd === 7 ? plusDays(july4, 1) : july4;
  return new Set([
    nthWeekdayOfMonth(year, 1, 1, 3), // Martin Luther King Jr. Day
    nthWeekdayOfMonth(year, 2, 1, 3), // Presidents' Day
    nthWeekdayOfMonth(year, 5, 1, -1), // Memorial Day
    july4Observed,
    nthWeekdayOfMonth(year, 9, 1, 1), // Labor Day
    nthWeekdayOfMonth(year, 11, 4, 4), // Thanksgiving
  ]);
}

/** The two vacation weeks of a calendar year: a seeded week in August and the year-end break. */
function vacationRanges(seed: number, year: number): [DayKey, DayKey][] {
  const rand = mulberry32(mix(seed, year, 0x5ac));
  const monday = plusDays(nthWeekdayOfMonth(year, 8, 1, 1), 7 * Math.floor(rand() * 3));
  return [
    [plusDays(monday, -2), plusDays(monday, 6)], // Saturday before … Sunday after
    [`${year}-12-23`, `${year + 1}-01-02`],
  ];
}

function makeCalendar(seed: number): (day: DayKey) => DayKind {
  const cache = new Map<number, { holidays: Set<DayKey>; vacations: [DayKey, DayKey][] }>();
  const forYear = (year: number) => {
    let entry = cache.get(year);
    if (!entry) {
      entry = { holidays: holidays(year), vacations: [...vacationRanges(seed, year - 1), ...vacationRanges(seed, year)] };
      cache.set(year, entry);
    }
    return entry;
  };
  return (day) => {
    const { holidays: hol, vacations } = forYear(Number(day.slice(0, 4)));
    if (vacations.some(([a, b]) => day >= a && day <= b)) return 'vacation';
    if (isoWeekday(day) >= 6 || hol.has(day)) return 'light';
    return 'workday';
  };
}

// ---------------------------------------------------------------------------------------------
// Per-day draws

/** Weekday factors, Monday … Friday. */
const WEEKDAY_FACTOR = [0.95, 1.05, 1.08, 1.03, 0.86] as const;
const SPIKE_PROBABILITY = 1 / 25;

interface RawModel {
  readonly profile: ModelProfile;
  /** Relative spend (before calibration). */
  readonly amount: number;
  /** Token-ratio jitters in [0.8, 1.2) and a request-size jitter. */
  readonly jitter: readonly [number, number, number, number];
}

interface RawDay {
  readonly date: DayKey;
  readonly total: number;
  readonly models: readonly RawModel[];
}

/** The day's relative spend by model. Consumes exactly the same number of draws for every day. */
function rawDay(seed: number, date: DayKey, t: number, kind: DayKind): RawDay {
  const rand = mulberry32(mix(seed, epochDay(date), 0xda7));
  const level = normal(rand);
  const uSpike = rand();
  const uSpikeFactor = rand();
  const uSpikeModel = rand();
  const uQuiet = rand();
  const uQuietLevel = rand();
  const perModel = MODELS.map((profile) => ({
    profile,
    noise: normal(rand),
    idle: rand(),
    jitter: [0.8 + 0.4 * rand(), 0.8 + 0.4 * rand(), 0.8 + 0.4 * rand(), 0.8 + 0.4 * rand()] as const,
  }));

  const trend = 1 + 1.2 * Math.max(t, 0);
  let base = 0;
  let spike = 0;
  let onlyCheap = false;
  if (kind === 'workday') {
    base = trend * (WEEKDAY_FACTOR[isoWeekday(date) - 1] ?? 1) * Math.exp(0.3 * level - 0.045);
    if (uSpike < SPIKE_PROBABILITY) spike = base * (2 + 2 * uSpikeFactor); // the day ends at 3–5×
  } else if (kind === 'light') {
    base = uQuiet < 0.35 ? 0 : trend * (0.04 + 0.12 * uQuietLevel);
  } else {
    // On vacation: nothing, except now and then a quick look at something with a cheap model.
    base = uQuiet < 0.1 && isoWeekday(date) <= 5 ? trend * 0.004 * (1 + uQuietLevel) : 0;
    onlyCheap = true;
  }

  const weights = perModel.map(({ profile, noise, idle }) => {
    if (onlyCheap) return profile.model === 'claude-haiku-4-5' ? 1 : 0;
    if (idle < profile.idle) return 0;
    return mixAt(profile, t) * Math.exp(0.35 * noise);
  });
  const weightSum = weights.reduce((a, b) => a + b, 0);

  let spikeTarget = -1;
  if (spike > 0) {
    const totalWeight = MODELS.reduce((a, m) => a + m.spikeWeight, 0);
    let pick = uSpikeModel * totalWeight;
    spikeTarget = MODELS.findIndex((m) => (pick -= m.spikeWeight) < 0);
  }

  const models: RawModel[] = perModel.map(({ profile, jitter }, i) => ({
    profile,
    jitter,
    amount: (weightSum > 0 ? (base * (weights[i] ?? 0)) / weightSum : 0) + (i === spikeTarget ? spike : 0),
  }));
  return { date, total: base + spike, models };
}

// ---------------------------------------------------------------------------------------------
// Tokens and money

const round2 = (x: number): number => Math.round(x * 100) / 100;

/** Turns an amount of USD into token counts at list prices, then prices the integer tokens back. */
function toModelUsage(raw: RawModel, usd: number): ModelUsage | null {
  const { price, ratio, tokensPerRequest } = raw.profile;
  const [jOut, jRead, jWrite, jReq] = raw.jitter;
  const out = ratio.output * jOut;
  const read = ratio.cacheRead * jRead;
  const write = ratio.cacheWrite * jWrite;
  const usdPerInputToken = (price.input + out * price.output + read * price.cacheRead + write * price.cacheWrite) / 1e6;
  const input = Math.round(usd / usdPerInputToken);
  const usage = {
    input_tokens: input,
    output_tokens: Math.round(input * out),
    cache_read_tokens: Math.round(input * read),
    cache_write_tokens: Math.round(input * write),
  };
  const cost = round2(
    (usage.input_tokens * price.input + usage.output_tokens * price.output + usage.cache_read_tokens * price.cacheRead + usage.cache_write_tokens * price.cacheWrite) / 1e6,
  );
  if (cost <= 0) return null;
  const prompt = usage.input_tokens + usage.cache_read_tokens + usage.cache_write_tokens;
  const requests = Math.max(1, Math.round(prompt / (tokensPerRequest * jReq)));
  return { model: raw.profile.model, cost, requests, ...usage };
}

// ---------------------------------------------------------------------------------------------
// Public API

/** The fiscal year (April 1st to April 1st, UTC) containing `now`. */
function defaultPeriod(now: Date): { start: DayKey; end: DayKey } {
  const year = now.getUTCFullYear();
  const startYear = toDayKey(now) >= `${year}-04-01` ? year : year - 1;
  return { start: `${startYear}-04-01`, end: `${startYear + 1}-04-01` };
}

function checkDay(name: string, value: string): void {
  if (!isDayKey(value)) throw new RangeError(`${name} must be a YYYY-MM-DD date, got ${JSON.stringify(value)}`);
}

/** Generates the history. Same options (including `seed` and `now`) → identical data. */
export function generateHistory(opts: HistoryOptions = {}): SimData {
  const seed = opts.seed ?? DEFAULT_SEED;
  const now = opts.now ?? new Date();
  const scale = opts.scale ?? 1;
  const budgetAmount = opts.budgetAmount === undefined ? DEFAULT_BUDGET : opts.budgetAmount;
  if (!Number.isFinite(seed)) throw new RangeError('seed must be a finite number');
  if (Number.isNaN(now.getTime())) throw new RangeError('now must be a valid Date');
  if (!Number.isFinite(scale) || scale < 0) throw new RangeError('scale must be a finite number ≥ 0');
  if (budgetAmount !== null && (!Number.isFinite(budgetAmount) || budgetAmount < 0)) throw new RangeError('budgetAmount must be a finite number ≥ 0, or null');

  let periodStart: DayKey;
  let periodEnd: DayKey;
  if (opts.periodStart !== undefined) checkDay('periodStart', opts.periodStart);
  if (opts.periodEnd !== undefined) checkDay('periodEnd', opts.periodEnd);
  if (opts.periodStart !== undefined) {
    periodStart = opts.periodStart;
    periodEnd = opts.periodEnd ?? plusYears(periodStart, 1);
  } else if (opts.periodEnd !== undefined) {
    periodEnd = opts.periodEnd;
    periodStart = plusYears(periodEnd, -1);
  } else {
    ({ start: periodStart, end: periodEnd } = defaultPeriod(now));
  }
  if (periodStart >= periodEnd) throw new RangeError(`periodStart (${periodStart}) must be before periodEnd (${periodEnd})`);
  if (opts.historyStart !== undefined) checkDay('historyStart', opts.historyStart);
  const historyStart = opts.historyStart ?? periodStart;
  if (historyStart > periodStart) throw new RangeError(`historyStart (${historyStart}) must not be after the period start (${periodStart})`);

  const today = toDayKey(now);
  const periodDays = daysBetween(periodStart, periodEnd);
  const kindOf = makeCalendar(seed);
  const raw = (date: DayKey): RawDay => rawDay(seed, date, daysBetween(periodStart, date) / periodDays, kindOf(date));

  // Calibrate on the period's whole simulated year, so the level does not depend on `now`.
  let fullPeriod = 0;
  for (let d = periodStart; d < periodEnd; d = plusDays(d, 1)) fullPeriod += raw(d).total;
  const target = (budgetAmount !== null && budgetAmount > 0 ? budgetAmount : DEFAULT_BUDGET) * FULL_PERIOD_SPEND_RATIO;
  const usdPerUnit = fullPeriod > 0 ? (target / fullPeriod) * scale : 0;

  const todayFraction = fractionOfUtcDay(now);
  const days: UsageDay[] = [];
  for (let d = historyStart; d <= today; d = plusDays(d, 1)) {
    const factor = usdPerUnit * (d === today ? todayFraction : 1);
    const models = raw(d)
      .models.map((m) => (m.amount > 0 ? toModelUsage(m, m.amount * factor) : null))
      .filter((m): m is ModelUsage => m !== null)
      .sort((a, b) => b.cost - a.cost || a.model.localeCompare(b.model));
    days.push({ date: d, cost: round2(models.reduce((a, m) => a + m.cost, 0)), models });
  }

  return {
    user: opts.user ?? DEFAULT_USER,
    timezone: 'UTC',
    currency: 'USD',
    budget: budgetAmount === null ? null : { amount: budgetAmount, period_start: periodStart, period_end: periodEnd },
    days,
    now: toInstantString(now),
  };
}

/**
 * Spend inside the budget period: the sum of day costs in [period_start, period_end), rounded to
 * cents. Without a budget there is no period, and every day of the history counts.
 */
export function spentInPeriod(data: SimData): number {
  const { budget } = data;
  let sum = 0;
  for (const day of data.days) {
    if (budget === null || (day.date >= budget.period_start && day.date < budget.period_end)) sum += day.cost;
  }
  return round2(sum);
}
