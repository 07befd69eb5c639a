/**
 * Year-end and run-out projections: spend rates per workday and per other day, a median path at
 * those rates, and a p10–p90 band from a seeded bootstrap with a rate drift and regime changes.
 * The constants (`TUNING`) were tuned on the backtest, `npm run bench:backtest` (bench/backtest.ts).
 *
 * Method.
 * 1. **History**: the complete days of the year before today (today is partial: its spend is in
 *    `spent`, not in the rates), from the first day with spend (a joiner's empty first months, or
 *    the weeks before the tool had data, are not a rate of zero).
 * 2. **Absences**: a run of days spending (almost) nothing with three workdays or more in it is an
 *    absence (a vacation), not a weekend or a single day off (see `absentDays`).
 * 3. **The current regime**: the history cut into weeks counted back from yesterday, and the
 *    split of the weekly totals (on a log scale) into "before" and "after" with the largest
 *    t (pooled variance, so two weeks that happen to be alike make no change out of nothing), at
 *    least four weeks after it and two before. Weeks touched by an absence take no part in this
 *    test. When |t| exceeds `changeT` the rates come from the days after the split only (the
 *    weeks before a switch to an expensive model no longer count), the split moved to the day
 *    that best separates the workdays of the two weeks either side; otherwise the whole year so
 *    far counts: on a steady year every day of history makes the rate surer.
 * 4. **Rates**: per workday and per other day, the typical days weighted by recency (a week's
 *    weight halves every `halfLifeDays`, so slow changes are followed without throwing most of
 *    the history away), plus big days (above `bigDay` × the median spending day of their kind)
 *    as a share of the typical spend over the whole history: they are rare, so every day of
 *    history helps to tell how often they come. A day of an absence counts for `absentWeight` of
 *    a day, with the average weight wherever it falls: a vacation lowers the rate, but one taken
 *    is less likely to come again soon than the days around it (and one just taken says no more
 *    about the future than one taken months ago).
 * 5. **Median**: the spend to date plus those rates over the days left, workdays and other days
 *    counted separately; the median run-out day is where that path reaches the budget.
 * 6. **Band**: each simulation resamples whole weeks of the history (drawn by their recency
 *    weights, as many as the weights are worth), which keeps busy weeks and bursts together as
 *    they happen; a history under four weeks is resampled by day. The resampled rates are
 *    centred on the estimated ones. The rate of the day `h` days ahead is then multiplied by
 *    - a drift factor `exp(σ(h)·z)`, one draw of `z` per simulation from a split normal (a
 *      standard normal whose positive half is stretched `upside` times: spend surprises are
 *      mostly upwards), with
 *
 *          σ(h) = min(1, driftPerMonth × √(h / 30) × √(28 / min(basisDays, 28)))
 *
 *      so uncertainty grows with the horizon (a random-walk-like √h) and is larger on less than
 *      four weeks of history (a standard-error-like 1/√n);
 *    - a regime change: from a day drawn with the hazard `jumpRate / basisDays` per day on, the
 *      rate is multiplied by a lognormal factor (median e^`jumpMean`): a switch to a pricier
 *      model or a new way of working. The hazard falls as the current regime lasts (with a
 *      gamma prior on it, the rate of changes after `n` days without one goes as 1/n), so the
 *      upper tail is long early in the year or just after a change, and short once a rate has
 *      held for months.
 *    With three days of history the band is wide, as it must be early in the year. The band
 *    always contains the median path.
 *
 * What the backtest says (300 simulated years per shape, predictions at day 30, 90 and 180):
 * p10–p90 covers the outcome 71–87 % of the time on every shape, the sudden switch included
 * (73 %: the regime-change tail, long while the history is short), 80 % over all shapes. The
 * median error is well below the naive spent ÷ days elapsed × days in the year where the rate
 * changes (growing, a mid-year joiner, a switch) or a long vacation was taken (absences), below
 * it on steady years, and level with it on bursty years (+0.3 points on 300 years, +0.1 on 2000,
 * 95 % interval −0.1 … +0.4): on a stationary year the naive projection already uses every day
 * equally, and what is left to gain there would take knowing how bursty engineers are in
 * general (years that saw few bursts so far are underestimated by any one person's figures, and
 * years that saw many overestimated), which one person's history cannot tell.
 *
 * With `windowDays` set, the rates come from exactly that trailing window, unweighted, without
 * the regime test or big-day handling.
 */
import { addDaysKey, eachDayInfo, eachDayKey, maxDay, minDay, type DayInfo } from './dates';
import { clampToYear, elapsedEnd, spentToDate } from './budget';
import { mulberry32, randomIndex, standardNormal, type Random } from './random';
import { mean, nearestRank, rankQuantileSorted, selectRanksInPlace } from './stats';
import type { Band, BudgetInputs, DayKey, Projection } from './types';
import { normalizeWorkdays } from './workdays';

export interface ProjectionOptions {
  /** Rates from exactly this trailing window of complete days, unweighted; default: the current regime (see the module comment). */
  readonly windowDays?: number;
  /** Number of simulated paths; default 400. */
  readonly simulations?: number;
  /** PRNG seed; the default is fixed, so the same inputs always give the same projection. */
  readonly seed?: number;
  /** The method's constants, for the backtest that tunes them (bench/backtest.ts); default: the tuned ones. */
  readonly tuning?: Partial<ProjectionTuning>;
}

/** The constants the backtest tunes; see the module comment. */
export interface ProjectionTuning {
  /** Drift of the log rate per √month ahead, downwards. */
  readonly driftPerMonth: number;
  /** How much wider the drift is upwards than downwards. */
  readonly upside: number;
  /** A day's weight halves every this many days back. */
  readonly halfLifeDays: number;
  /** |Welch t| of the weekly totals above which the rates come from the latest regime only. */
  readonly changeT: number;
  /** A day spending more than this multiple of the median spending day of its kind is a big day. */
  readonly bigDay: number;
  /** What a day in an absence (a vacation) counts for in the rates, as a share of a day present. */
  readonly absentWeight: number;
  /** The hazard of a regime change per day ahead is this over the days of the current regime. */
  readonly jumpRate: number;
  /** Mean and σ of the log of the factor by which a regime change multiplies the rate. */
  readonly jumpMean: number;
  readonly jumpSigma: number;
}

/** The trailing window of the dashboard's moving average, and the history at which the drift stops growing with thinness. */
export const DEFAULT_WINDOW_DAYS = 28;
export const DEFAULT_SIMULATIONS = 400;
export const DEFAULT_SEED = 0x7b6d_9e01;

/** The tuned constants (see `ProjectionTuning` and the backtest). */
export const TUNING: ProjectionTuning = {
  driftPerMonth: 0.11,
  upside: 1.2,
  halfLifeDays: 60,
  changeT: 6,
  bigDay: 2,
  absentWeight: 0.25,
  jumpRate: 0.07,
  jumpMean: 1.5,
  jumpSigma: 0.3,
};
/** The latest regime is at least this many weeks; the one before it at least two. */
const MIN_REGIME_WEEKS = 4;
const MIN_BEFORE_WEEKS = 2;
const DAYS_PER_WEEK = 7;
/** A week spending less than this share of a typical week is an absence. */
const ABSENCE_SHARE = 0.1;
/** History shorter than this is resampled by day, longer by week. */
const WEEK_BLOCKS_FROM_DAYS = 28;
const DRIFT_CAP = 1;
const DAYS_PER_MONTH = 30;

const P10 = 0.1;
const P90 = 0.9;

/** σ of the log drift factor for the day `daysAhead` days ahead (1 = tomorrow), given `basisDays` of history. */
export function driftSigma(daysAhead: number, basisDays: number, driftPerMonth = TUNING.driftPerMonth): number {
  const horizon = Math.sqrt(daysAhead / DAYS_PER_MONTH);
  const thinness = Math.sqrt(DEFAULT_WINDOW_DAYS / Math.min(Math.max(basisDays, 1), DEFAULT_WINDOW_DAYS));
  return Math.min(DRIFT_CAP, driftPerMonth * horizon * thinness);
}

/** The mean of a resample (with replacement, same size) of a non-empty `sample`. */
export function bootstrapMean(sample: readonly number[], random: Random): number {
  let total = 0;
  for (let i = 0; i < sample.length; i++) {
    total += sample[randomIndex(random, sample.length)] ?? 0;
  }
  return total / sample.length;
}

function constantBand<T>(value: T): Band<T> {
  return { p10: value, p50: value, p90: value };
}

/** The day on which the cumulative spend of the year first reached `budget`, up to today. */
function historicalCrossing(inputs: BudgetInputs, budget: number): DayKey {
  const days = eachDayKey(inputs.year.start, elapsedEnd(inputs.year, inputs.today));
  let total = 0;
  for (const day of days) {
    total += inputs.daily.get(day) ?? 0;
    if (total >= budget) {
      return day;
    }
  }
  // Only reachable through rounding differences between summation orders.
  return days[days.length - 1] ?? inputs.year.start;
}

function checkCount(name: string, value: number): number {
  if (!Number.isInteger(value) || value < 1) {
    throw new RangeError(`${name} must be a positive integer, got ${value}`);
  }
  return value;
}

/** A stretch of history resampled as a whole: its spend and day count per kind of day, and its weight. */
interface Block {
  readonly work: number;
  /** The part of `work` / `other` above the cap of big days (see rateBasis). */
  readonly workExcess: number;
  readonly otherExcess: number;
  /** Days present (not in an absence) and days absent, per kind. */
  readonly workDays: number;
  readonly workAbsent: number;
  readonly other: number;
  readonly otherDays: number;
  readonly otherAbsent: number;
  readonly weight: number;
}

/** What the simulations draw their rates from. */
interface RateBasis {
  readonly blocks: readonly Block[];
  /** Cumulative weights of `blocks`, for drawing by weight. */
  readonly cumulative: Float64Array;
  /** How many blocks a resample draws: what the weights are worth, (Σw)² / Σw². */
  readonly draws: number;
  readonly meanWorkday: number;
  readonly meanOtherDay: number;
  /** What an absent day counts for in a resample, as a share of a present day. */
  readonly absentWeight: number;
}

/** A run of days spending (almost) nothing with at least this many workdays in it is an absence. */
const ABSENCE_MIN_WORKDAYS = 3;

/**
 * Which of `days` are in an absence: a run of consecutive days each spending less than
 * `ABSENCE_SHARE` × the median spending workday, with at least `ABSENCE_MIN_WORKDAYS` workdays
 * in it (a vacation, not a quiet weekend or a single day off).
 */
export function absentDays(days: readonly DayInfo[], daily: ReadonlyMap<DayKey, number>, workdays: readonly number[]): boolean[] {
  const spend = days.map((d) => daily.get(d.key) ?? 0);
  const working = days.map((d) => workdays.includes(d.weekday));
  const spending = spend.filter((x, i) => working[i] === true && x > 0).sort((a, b) => a - b);
  const threshold = ABSENCE_SHARE * (spending[spending.length >> 1] ?? 0);
  const absent = new Array<boolean>(days.length).fill(false);
  for (let i = 0; i < days.length; ) {
    if ((spend[i] ?? 0) > threshold) {
      i++;
      continue;
    }
    let j = i;
    let count = 0;
    while (j < days.length && (spend[j] ?? 0) <= threshold) {
      if (working[j] === true) count++;
      j++;
    }
    if (count >= ABSENCE_MIN_WORKDAYS) absent.fill(true, i, j);
    i = j;
  }
  return absent;
}

/**
 * The start of the latest regime in `days` (complete history, oldest first): see the module
 * comment. Returns an index into `days` (0 = no change found).
 */
export function regimeStart(days: readonly DayInfo[], daily: ReadonlyMap<DayKey, number>, workdays: readonly number[], changeT = TUNING.changeT): number {
  const weeks = Math.floor(days.length / DAYS_PER_WEEK);
  if (weeks < MIN_REGIME_WEEKS + MIN_BEFORE_WEEKS) return 0;
  const offset = days.length - weeks * DAYS_PER_WEEK; // the oldest days that make no whole week
  // Weeks touched by an absence (a vacation) are not a new normal: they take no part in the test.
  const absent = absentDays(days, daily, workdays);
  const totals: (number | null)[] = [];
  for (let w = 0; w < weeks; w++) {
    let total = 0;
    let away = false;
    for (let i = offset + w * DAYS_PER_WEEK; i < offset + (w + 1) * DAYS_PER_WEEK; i++) {
      total += daily.get(days[i]?.key ?? '') ?? 0;
      away ||= absent[i] === true;
    }
    totals.push(away ? null : Math.log1p(Math.max(0, total)));
  }
  const present = (from: number, to: number) => totals.slice(from, to).filter((t): t is number => t !== null);
  let best = 0;
  let bestT = 0;
  for (let k = MIN_BEFORE_WEEKS; k <= weeks - MIN_REGIME_WEEKS; k++) {
    const before = present(0, k);
    const after = present(k, weeks);
    if (before.length < MIN_BEFORE_WEEKS || after.length < MIN_BEFORE_WEEKS) continue;
    const t = Math.abs(pooledT(before, after));
    if (t > bestT) {
      bestT = t;
      best = k;
    }
  }
  return bestT > changeT ? refineStart(days, daily, workdays, offset + best * DAYS_PER_WEEK) : 0;
}

/**
 * The day within a week either side of `start` (a week boundary) where the change happened: the
 * latest of the days that best split the workdays of the two weeks before from the two weeks after.
 */
function refineStart(days: readonly DayInfo[], daily: ReadonlyMap<DayKey, number>, workdays: readonly number[], start: number): number {
  const workSpend = (from: number, to: number) => {
    let total = 0;
    let count = 0;
    for (let i = Math.max(0, from); i < Math.min(days.length, to); i++) {
      const day = days[i];
      if (day && workdays.includes(day.weekday)) {
        total += daily.get(day.key) ?? 0;
        count++;
      }
    }
    return count > 0 ? total / count : Number.NaN;
  };
  let best = start;
  let bestGap = -1;
  for (let c = Math.max(1, start - DAYS_PER_WEEK + 1); c <= Math.min(days.length - 1, start + DAYS_PER_WEEK - 1); c++) {
    const gap = Math.abs(Math.log1p(workSpend(c, c + 2 * DAYS_PER_WEEK)) - Math.log1p(workSpend(c - 2 * DAYS_PER_WEEK, c)));
    if (gap >= bestGap) {
      bestGap = gap;
      best = c;
    }
  }
  return best;
}

/**
 * The t statistic of the difference of the means of `a` and `b` (each of two or more values) with
 * their pooled variance: unlike Welch's t, two quiet weeks that happen to be alike (a variance
 * near zero on one side) do not make a change out of nothing.
 */
function pooledT(a: readonly number[], b: readonly number[]): number {
  const ma = mean(a);
  const mb = mean(b);
  const squares = a.reduce((s, x) => s + (x - ma) ** 2, 0) + b.reduce((s, x) => s + (x - mb) ** 2, 0);
  const se = Math.sqrt((squares / (a.length + b.length - 2)) * (1 / a.length + 1 / b.length));
  if (se === 0) return ma === mb ? 0 : Number.POSITIVE_INFINITY;
  return (mb - ma) / se;
}

/**
 * The blocks and weighted rates of the history `days` (oldest first). Without any day of a kind
 * in it, that kind falls back to the year's complete history of that kind; without any at all,
 * other days spend 0 and workdays spend like other days.
 */
function rateBasis(
  inputs: BudgetInputs,
  workdays: readonly number[],
  days: readonly DayInfo[],
  completeEnd: DayKey,
  halfLifeDays: number | undefined,
  bigDay: number,
  absentWeight: number,
): RateBasis {
  // Weeks (recency-weighted) on four weeks or more; days, equally weighted, on less.
  const long = days.length >= WEEK_BLOCKS_FROM_DAYS;
  const size = long ? DAYS_PER_WEEK : 1;
  const blocks: Block[] = [];
  const weighted = halfLifeDays !== undefined;
  // Absences (a vacation) count for `absentWeight` of a day: a vacation taken is less likely to
  // come again soon than the days around it.
  const absent = weighted ? absentDays(days, inputs.daily, workdays) : days.map(() => false);
  // Big days (above `bigDay` × the median spending day of their kind) are rare: their excess is
  // averaged over the whole history instead of weighted by recency.
  const capOf = (work: boolean) => {
    const values = days.filter((d) => workdays.includes(d.weekday) === work).map((d) => inputs.daily.get(d.key) ?? 0).filter((x) => x > 0).sort((a, b) => a - b);
    return values.length > 0 && weighted ? bigDay * (values[values.length >> 1] ?? 0) : Number.POSITIVE_INFINITY;
  };
  const caps = { work: capOf(true), other: capOf(false) };
  // Blocks end at the newest day; the oldest block may be shorter.
  for (let end = days.length; end > 0; end -= size) {
    const start = Math.max(0, end - size);
    const b = { work: 0, workExcess: 0, workDays: 0, workAbsent: 0, other: 0, otherExcess: 0, otherDays: 0, otherAbsent: 0 };
    for (let i = start; i < end; i++) {
      const day = days[i];
      if (!day) continue;
      const spend = inputs.daily.get(day.key) ?? 0;
      if (workdays.includes(day.weekday)) {
        b.workExcess += Math.max(0, spend - caps.work);
        b.work += spend;
        if (absent[i] === true) b.workAbsent++;
        else b.workDays++;
      } else {
        b.otherExcess += Math.max(0, spend - caps.other);
        b.other += spend;
        if (absent[i] === true) b.otherAbsent++;
        else b.otherDays++;
      }
    }
    const age = days.length - (start + end) / 2; // days back from today to the block's middle
    blocks.push({ ...b, weight: weighted && long ? Math.pow(0.5, age / halfLifeDays) : 1 });
  }
  blocks.reverse();

  const cumulative = new Float64Array(blocks.length);
  let totalWeight = 0;
  let squares = 0;
  const sums = { work: 0, workDays: 0, other: 0, otherDays: 0 };
  let excess = 0;
  let typicalTotal = 0;
  blocks.forEach((b, i) => {
    totalWeight += b.weight;
    squares += b.weight * b.weight;
    cumulative[i] = totalWeight;
  });
  // An absent day counts with the average weight, wherever it falls: a vacation just taken says
  // no more about the future than one taken months ago.
  const average = blocks.length > 0 ? totalWeight / blocks.length : 1;
  for (const b of blocks) {
    sums.work += b.weight * (b.work - b.workExcess);
    sums.workDays += b.weight * b.workDays + average * absentWeight * b.workAbsent;
    sums.other += b.weight * (b.other - b.otherExcess);
    sums.otherDays += b.weight * b.otherDays + average * absentWeight * b.otherAbsent;
    excess += b.workExcess + b.otherExcess;
    typicalTotal += b.work - b.workExcess + b.other - b.otherExcess;
  }
  // Typical days weighted by recency; big days as a share of the typical spend over the whole
  // history, both kinds of day together (they are rare: every day of history helps).
  const bigShare = typicalTotal > 0 ? excess / typicalTotal : 0;
  sums.work *= 1 + bigShare;
  sums.other *= 1 + bigShare;

  let fallbackOther = sums.otherDays > 0 ? sums.other / sums.otherDays : Number.NaN;
  let fallbackWork = sums.workDays > 0 ? sums.work / sums.workDays : Number.NaN;
  if (Number.isNaN(fallbackOther) || Number.isNaN(fallbackWork)) {
    const year = eachDayInfo(inputs.year.start, completeEnd);
    const spendOf = (work: boolean) => year.filter((d) => workdays.includes(d.weekday) === work).map((d) => inputs.daily.get(d.key) ?? 0);
    if (Number.isNaN(fallbackOther)) fallbackOther = spendOf(false).length > 0 ? mean(spendOf(false)) : 0;
    if (Number.isNaN(fallbackWork)) fallbackWork = spendOf(true).length > 0 ? mean(spendOf(true)) : fallbackOther;
  }
  return {
    blocks,
    cumulative,
    draws: Math.max(1, Math.round((totalWeight * totalWeight) / squares)),
    meanWorkday: sums.workDays > 0 ? sums.work / sums.workDays : fallbackWork,
    meanOtherDay: sums.otherDays > 0 ? sums.other / sums.otherDays : fallbackOther,
    absentWeight,
  };
}

/** One resample's rates per workday and per other day (see the module comment). */
function resampleRates(basis: RateBasis, random: Random): { work: number; other: number } {
  const total = basis.cumulative[basis.cumulative.length - 1] ?? 0;
  let work = 0;
  let workDays = 0;
  let other = 0;
  let otherDays = 0;
  for (let d = 0; d < basis.draws; d++) {
    const target = random() * total;
    let lo = 0;
    let hi = basis.cumulative.length - 1;
    while (lo < hi) {
      const mid = (lo + hi) >>> 1;
      if ((basis.cumulative[mid] ?? 0) > target) hi = mid;
      else lo = mid + 1;
    }
    const block = basis.blocks[lo];
    if (!block) continue;
    work += block.work;
    workDays += block.workDays + basis.absentWeight * block.workAbsent;
    other += block.other;
    otherDays += block.otherDays + basis.absentWeight * block.otherAbsent;
  }
  return { work: workDays > 0 ? work / workDays : basis.meanWorkday, other: otherDays > 0 ? other / otherDays : basis.meanOtherDay };
}

/**
 * Projects year-end spend and the run-out day; see the module comment for the method.
 * Deterministic: the same inputs and options give the same projection.
 */
export function project(inputs: BudgetInputs, options: ProjectionOptions = {}): Projection {
  const windowLength = options.windowDays === undefined ? undefined : checkCount('windowDays', options.windowDays);
  const simulations = checkCount('simulations', options.simulations ?? DEFAULT_SIMULATIONS);
  const tuning: ProjectionTuning = { ...TUNING, ...options.tuning };
  const halfLife = windowLength === undefined ? tuning.halfLifeDays : undefined;
  const { year, today, budget } = inputs;
  const workdays = normalizeWorkdays(inputs.workdays);
  const spent = spentToDate(inputs);
  const alreadyOut = budget !== null && spent >= budget ? historicalCrossing(inputs, budget) : null;

  const completeEnd = clampToYear(today, year);
  const historyStart = windowLength === undefined ? year.start : minDay(maxDay(addDaysKey(today, -windowLength), year.start), completeEnd);
  const complete = eachDayInfo(historyStart, completeEnd);
  // Before the first day with spend, the engineer was not there (or not spending) yet.
  const firstSpend = complete.findIndex((d) => (inputs.daily.get(d.key) ?? 0) > 0);
  const since = windowLength === undefined && firstSpend > 0 ? complete.slice(firstSpend) : complete;
  const historyDays = windowLength === undefined ? since.slice(regimeStart(since, inputs.daily, workdays, tuning.changeT)) : complete;
  const basisDays = historyDays.length;
  const future = eachDayInfo(maxDay(addDaysKey(today, 1), year.start), year.end);
  const futureDays = future.map((d) => d.key);

  if (basisDays === 0 || futureDays.length === 0) {
    const basis = basisDays > 0 ? rateBasis(inputs, workdays, historyDays, completeEnd, halfLife, tuning.bigDay, tuning.absentWeight) : undefined;
    return {
      yearEnd: constantBand(spent),
      runOut: constantBand(alreadyOut),
      path: futureDays.map((date) => ({ date, p10: spent, p50: spent, p90: spent })),
      basisDays,
      meanWorkday: basis?.meanWorkday ?? 0,
      meanOtherDay: basis?.meanOtherDay ?? 0,
    };
  }

  const basis = rateBasis(inputs, workdays, historyDays, completeEnd, halfLife, tuning.bigDay, tuning.absentWeight);
  const isWork = future.map((d) => workdays.includes(d.weekday));
  const futureWork = isWork.filter(Boolean).length;
  const futureOther = isWork.length - futureWork;
  const random = mulberry32(options.seed ?? DEFAULT_SEED);
  const workRates = new Float64Array(simulations);
  const otherRates = new Float64Array(simulations);
  const totals = new Float64Array(simulations);
  for (let s = 0; s < simulations; s++) {
    const r = resampleRates(basis, random);
    workRates[s] = r.work;
    otherRates[s] = r.other;
    totals[s] = r.work * futureWork + r.other * futureOther;
  }
  // The bootstrap gives the spread of the rates; it is centred on the estimated rates (the
  // resamples leave out the big-day share and the absences' weight).
  const expected = basis.meanWorkday * futureWork + basis.meanOtherDay * futureOther;
  const middle = nearestRank(simulations, 0.5);
  selectRanksInPlace(totals, [middle]);
  const bootMedian = totals[middle] ?? 0;
  const recentre = expected > 0 && bootMedian > 0 ? expected / bootMedian : 1;
  for (let s = 0; s < simulations; s++) {
    workRates[s] = (workRates[s] ?? 0) * recentre;
    otherRates[s] = (otherRates[s] ?? 0) * recentre;
  }
  const rates = { work: basis.meanWorkday, other: basis.meanOtherDay };
  const paths = simulatePaths(workRates, otherRates, isWork, spent, budget, basisDays, simulations, random, tuning);
  // The median path is the expected spend at the estimated rates; the band comes from the simulations.
  const [r10, r90] = [P10, P90].map((p) => nearestRank(simulations, p)) as [number, number];
  const ranks = [...new Set([r10, r90])];
  let median = spent;
  let medianRunOut: number | undefined;
  const path = futureDays.map((date, h) => {
    median += isWork[h] === true ? rates.work : rates.other;
    if (budget !== null && medianRunOut === undefined && median >= budget) medianRunOut = h;
    const column = paths.cumulative.subarray(h * simulations, (h + 1) * simulations);
    selectRanksInPlace(column, ranks);
    return { date, p10: Math.min(column[r10] ?? spent, median), p50: median, p90: Math.max(column[r90] ?? spent, median) };
  });
  const last = path[path.length - 1];
  return {
    yearEnd: last ? { p10: last.p10, p50: last.p50, p90: last.p90 } : constantBand(spent),
    runOut: alreadyOut !== null || budget === null ? constantBand(alreadyOut) : runOutBand(paths.runOutIndex, futureDays, medianRunOut),
    path,
    basisDays,
    meanWorkday: rates.work,
    meanOtherDay: rates.other,
  };
}

/**
 * True when there is nothing to project from yet: days are left in the year but none of it is
 * complete (its first day). The projection then only repeats what was spent; views say "after
 * the first full day" rather than show that as a forecast with a band of zero width.
 */
export function projectionPending(p: Projection): boolean {
  return p.basisDays === 0 && p.path.length > 0;
}

interface SimulatedPaths {
  /** Cumulative spend, day-major: `cumulative[h × simulations + s]` for day `h` of simulation `s`. */
  readonly cumulative: Float64Array;
  /** Per simulation, the index in the future days where the budget runs out, or +∞. */
  readonly runOutIndex: Float64Array;
}

/** Runs the simulations (see the module comment). */
function simulatePaths(
  workRates: Float64Array,
  otherRates: Float64Array,
  isWork: readonly boolean[],
  spent: number,
  budget: number | null,
  basisDays: number,
  simulations: number,
  random: Random,
  tuning: ProjectionTuning,
): SimulatedPaths {
  const days = isWork.length;
  const sigma = Float64Array.from(isWork, (_work, h) => driftSigma(h + 1, basisDays, tuning.driftPerMonth));
  const cumulative = new Float64Array(days * simulations);
  const runOutIndex = new Float64Array(simulations).fill(Number.POSITIVE_INFINITY);
  const hazard = tuning.jumpRate / basisDays;

  for (let s = 0; s < simulations; s++) {
    const work = workRates[s] ?? 0;
    const other = otherRates[s] ?? 0;
    const normal = standardNormal(random);
    const z = normal > 0 ? normal * tuning.upside : normal; // a split normal: the median stays at 1
    const jumpAt = hazard > 0 ? -Math.log(1 - random()) / hazard : Number.POSITIVE_INFINITY;
    const jump = Math.exp(tuning.jumpMean + tuning.jumpSigma * standardNormal(random));
    let total = spent;
    for (let h = 0; h < days; h++) {
      total += (isWork[h] === true ? work : other) * Math.exp(z * sigma[h]!) * (h >= jumpAt ? jump : 1); // h < days
      cumulative[h * simulations + s] = total;
      if (budget !== null && total >= budget && runOutIndex[s] === Number.POSITIVE_INFINITY) {
        runOutIndex[s] = h;
      }
    }
  }
  return { cumulative, runOutIndex };
}

/**
 * The run-out day: the median path's crossing, and the simulations' p10 and p90 (widened to
 * include the median). "Never within the year" counts as +∞ and reads as null.
 */
function runOutBand(runOutIndex: Float64Array, futureDays: readonly DayKey[], medianIndex: number | undefined): Band<DayKey | null> {
  const sorted = runOutIndex.slice().sort();
  const median = medianIndex ?? Number.POSITIVE_INFINITY;
  const day = (index: number): DayKey | null => futureDays[index] ?? null;
  return {
    p10: day(Math.min(rankQuantileSorted(sorted, P10), median)),
    p50: day(median),
    p90: day(Math.max(rankQuantileSorted(sorted, P90), median)),
  };
}
