/**
 * Year-end and run-out projections: a seeded bootstrap of recent daily spend with a rate drift
 * that widens with the horizon and with thin history.
 *
 * Method. The history is the complete days of the trailing window inside the year (today is
 * partial: its spend is in `spent` but not in the rates), split into workdays and other days.
 * Each simulation resamples each group with replacement to get a mean rate per workday and per
 * other day, then multiplies the rate of the day `h` days ahead by a drift factor `exp(z·σ(h))`,
 * with one standard normal `z` per simulation and
 *
 *     σ(h) = min(1, 0.10 × √(h / 30) × √(28 / max(basisDays, 1)))
 *
 * so uncertainty grows with the horizon (a random-walk-like √h) and shrinks with the history
 * the rates stand on (a standard-error-like 1/√n); 0.10 is 10 % of drift per month on a full
 * 28-day basis. With three days of history the band is wide (σ reaches the cap of 1 within a few
 * months); with a full window it is much narrower. The factor's median is 1, so it widens the band
 * without moving the median. These constants are a first choice, to be tuned by a backtest.
 * The bootstrap captures day-to-day noise and a vacation in the window (zero days pull the rate
 * down); the drift captures that the rate itself changes over the year.
 */
import { addDaysKey, eachDayInfo, eachDayKey, maxDay, minDay, type DayInfo } from './dates';
import { clampToYear, elapsedEnd, spentToDate } from './budget';
import { mulberry32, randomIndex, standardNormal, type Random } from './random';
import { mean, nearestRank, rankQuantileSorted, selectRanksInPlace } from './stats';
import type { Band, BudgetInputs, DayKey, Projection } from './types';
import { normalizeWorkdays } from './workdays';

export interface ProjectionOptions {
  /** Trailing window of complete days the rates come from; default 28. */
  readonly windowDays?: number;
  /** Number of simulated paths; default 400. */
  readonly simulations?: number;
  /** PRNG seed; the default is fixed, so the same inputs always give the same projection. */
  readonly seed?: number;
}

export const DEFAULT_WINDOW_DAYS = 28;
export const DEFAULT_SIMULATIONS = 400;
export const DEFAULT_SEED = 0x7b6d_9e01;

/** Drift per 30 days ahead on a full basis. */
const DRIFT_PER_MONTH = 0.1;
/** The basis (days of history) at which the drift is `DRIFT_PER_MONTH`. */
const REFERENCE_BASIS_DAYS = 28;
const DRIFT_CAP = 1;
const DAYS_PER_MONTH = 30;

const P10 = 0.1;
const P50 = 0.5;
const P90 = 0.9;

/** σ of the log drift factor for the day `daysAhead` days ahead (1 = tomorrow), given `basisDays` of history. */
export function driftSigma(daysAhead: number, basisDays: number): number {
  const horizon = Math.sqrt(daysAhead / DAYS_PER_MONTH);
  const thinness = Math.sqrt(REFERENCE_BASIS_DAYS / Math.max(basisDays, 1));
  return Math.min(DRIFT_CAP, DRIFT_PER_MONTH * horizon * thinness);
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

/** Spend of the history days, split into workdays and other days. */
function splitByWorkday(days: readonly DayInfo[], daily: ReadonlyMap<DayKey, number>, workdays: readonly number[]): { work: number[]; other: number[] } {
  const work: number[] = [];
  const other: number[] = [];
  for (const day of days) {
    (workdays.includes(day.weekday) ? work : other).push(daily.get(day.key) ?? 0);
  }
  return { work, other };
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

/** The samples a simulation draws its two rates from, with the fallbacks for an empty group. */
interface RateBasis {
  readonly workSample: readonly number[];
  readonly otherSample: readonly number[];
  readonly meanWorkday: number;
  readonly meanOtherDay: number;
}

/**
 * The window's workday and other-day spend; a group absent from the window falls back to that
 * kind's days over the year's complete history. Without any, other days spend 0 and workdays
 * spend like other days.
 */
function rateBasis(inputs: BudgetInputs, workdays: readonly number[], windowDays: readonly DayInfo[], completeEnd: DayKey): RateBasis {
  const window = splitByWorkday(windowDays, inputs.daily, workdays);
  const needYear = window.work.length === 0 || window.other.length === 0;
  const year = needYear ? splitByWorkday(eachDayInfo(inputs.year.start, completeEnd), inputs.daily, workdays) : window;
  const workSample = window.work.length > 0 ? window.work : year.work;
  const otherSample = window.other.length > 0 ? window.other : year.other;
  const meanOtherDay = mean(otherSample);
  const meanWorkday = workSample.length > 0 ? mean(workSample) : meanOtherDay;
  return { workSample, otherSample, meanWorkday, meanOtherDay };
}

/**
 * Projects year-end spend and the run-out day; see the module comment for the method.
 * Deterministic: the same inputs and options give the same projection.
 */
export function project(inputs: BudgetInputs, options: ProjectionOptions = {}): Projection {
  const windowLength = checkCount('windowDays', options.windowDays ?? DEFAULT_WINDOW_DAYS);
  const simulations = checkCount('simulations', options.simulations ?? DEFAULT_SIMULATIONS);
  const { year, today, budget } = inputs;
  const workdays = normalizeWorkdays(inputs.workdays);
  const spent = spentToDate(inputs);
  const alreadyOut = budget !== null && spent >= budget ? historicalCrossing(inputs, budget) : null;

  const completeEnd = clampToYear(today, year);
  const windowStart = minDay(maxDay(addDaysKey(today, -windowLength), year.start), completeEnd);
  const historyDays = eachDayInfo(windowStart, completeEnd);
  const basisDays = historyDays.length;
  const future = eachDayInfo(maxDay(addDaysKey(today, 1), year.start), year.end);
  const futureDays = future.map((d) => d.key);

  if (basisDays === 0 || futureDays.length === 0) {
    const basis = basisDays > 0 ? rateBasis(inputs, workdays, historyDays, completeEnd) : undefined;
    return {
      yearEnd: constantBand(spent),
      runOut: constantBand(alreadyOut),
      path: futureDays.map((date) => ({ date, p10: spent, p50: spent, p90: spent })),
      basisDays,
      meanWorkday: basis?.meanWorkday ?? 0,
      meanOtherDay: basis?.meanOtherDay ?? 0,
    };
  }

  const basis = rateBasis(inputs, workdays, historyDays, completeEnd);
  const isWork = future.map((d) => workdays.includes(d.weekday));
  const paths = simulatePaths(basis, isWork, spent, budget, basisDays, simulations, options.seed ?? DEFAULT_SEED);
  const [r10, r50, r90] = [P10, P50, P90].map((p) => nearestRank(simulations, p)) as [number, number, number];
  const ranks = [...new Set([r10, r50, r90])];
  const path = futureDays.map((date, h) => {
    const column = paths.cumulative.subarray(h * simulations, (h + 1) * simulations);
    selectRanksInPlace(column, ranks);
    return { date, p10: column[r10] ?? spent, p50: column[r50] ?? spent, p90: column[r90] ?? spent };
  });
  const last = path[path.length - 1];
  return {
    yearEnd: last ? { p10: last.p10, p50: last.p50, p90: last.p90 } : constantBand(spent),
    runOut: alreadyOut !== null || budget === null ? constantBand(alreadyOut) : runOutBand(paths.runOutIndex, futureDays),
    path,
    basisDays,
    meanWorkday: basis.meanWorkday,
    meanOtherDay: basis.meanOtherDay,
  };
}

interface SimulatedPaths {
  /** Cumulative spend, day-major: `cumulative[h × simulations + s]` for day `h` of simulation `s`. */
  readonly cumulative: Float64Array;
  /** Per simulation, the index in the future days where the budget runs out, or +∞. */
  readonly runOutIndex: Float64Array;
}

/** Runs the simulations (see the module comment). */
function simulatePaths(
  basis: RateBasis,
  isWork: readonly boolean[],
  spent: number,
  budget: number | null,
  basisDays: number,
  simulations: number,
  seed: number,
): SimulatedPaths {
  const random = mulberry32(seed);
  const days = isWork.length;
  const sigma = Float64Array.from(isWork, (_work, h) => driftSigma(h + 1, basisDays));
  const cumulative = new Float64Array(days * simulations);
  const runOutIndex = new Float64Array(simulations).fill(Number.POSITIVE_INFINITY);

  for (let s = 0; s < simulations; s++) {
    const otherRate = basis.otherSample.length > 0 ? bootstrapMean(basis.otherSample, random) : 0;
    const workRate = basis.workSample.length > 0 ? bootstrapMean(basis.workSample, random) : otherRate;
    const z = standardNormal(random);
    let total = spent;
    for (let h = 0; h < days; h++) {
      total += (isWork[h] === true ? workRate : otherRate) * Math.exp(z * sigma[h]!); // h < days
      cumulative[h * simulations + s] = total;
      if (budget !== null && total >= budget && runOutIndex[s] === Number.POSITIVE_INFINITY) {
        runOutIndex[s] = h;
      }
    }
  }
  return { cumulative, runOutIndex };
}

/** Quantiles of the run-out day; "never within the year" counts as +∞ and reads as null. */
function runOutBand(runOutIndex: Float64Array, futureDays: readonly DayKey[]): Band<DayKey | null> {
  const sorted = runOutIndex.slice().sort();
  const day = (p: number): DayKey | null => futureDays[rankQuantileSorted(sorted, p)] ?? null;
  return { p10: day(P10), p50: day(P50), p90: day(P90) };
}
