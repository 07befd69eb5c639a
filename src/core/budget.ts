/**
 * Where the budget stands today: spent, remaining, ideal pace, per-workday allowance.
 */
import { addDaysKey, diffDaysKey, maxDay, minDay } from './dates';
import type { BudgetInputs, BudgetStatus, BudgetYear, DayKey } from './types';
import { countWorkdays, normalizeWorkdays } from './workdays';

/** `k` moved into `[year.start, year.end]` (the end bound is the exclusive end itself). */
export function clampToYear(k: DayKey, year: BudgetYear): DayKey {
  return minDay(maxDay(k, year.start), year.end);
}

/**
 * The exclusive end of the days that have happened (fully or partly) by `today` inside the year:
 * `year.start` when today is before the year, `year.end` when it is after it.
 */
export function elapsedEnd(year: BudgetYear, today: DayKey): DayKey {
  return clampToYear(addDaysKey(today, 1), year);
}

/** Spend in `daily` on days in `[from, toExclusive)`. */
export function sumDaily(daily: ReadonlyMap<DayKey, number>, from: DayKey, toExclusive: DayKey): number {
  let total = 0;
  for (const [day, cost] of daily) {
    if (day >= from && day < toExclusive) {
      total += cost;
    }
  }
  return total;
}

/** Spend inside the budget year up to and including today. */
export function spentToDate(inputs: Pick<BudgetInputs, 'year' | 'today' | 'daily'>): number {
  return sumDaily(inputs.daily, inputs.year.start, elapsedEnd(inputs.year, inputs.today));
}

/**
 * The budget status on `inputs.today`, as documented on `BudgetStatus`.
 *
 * Only days in `[year.start, min(today, year.end − 1)]` count toward `spent`. Today counts both as
 * elapsed and, when a workday, as remaining (its allowance is still being spent). Invalid or empty
 * `workdays` mean Monday–Friday (`normalizeWorkdays`). A budget of 0 or less gives a null `percent`.
 * In a period without any workday (possible only for a short gateway period) the ideal line rises
 * per calendar day instead.
 */
export function computeStatus(inputs: BudgetInputs): BudgetStatus {
  const { year, today, budget } = inputs;
  const workdays = normalizeWorkdays(inputs.workdays);
  const elapsedUntil = elapsedEnd(year, today);
  const spent = spentToDate(inputs);

  const daysInYear = diffDaysKey(year.end, year.start);
  const daysElapsed = diffDaysKey(elapsedUntil, year.start);
  const workdaysInYear = countWorkdays(year.start, year.end, workdays);
  const workdaysElapsed = countWorkdays(year.start, elapsedUntil, workdays);
  const workdaysRemaining = countWorkdays(clampToYear(today, year), year.end, workdays);

  if (budget === null) {
    return {
      spent,
      budget,
      remaining: null,
      percent: null,
      ideal: null,
      pace: null,
      pacePercent: null,
      perWorkdayLeft: null,
      workdaysInYear,
      workdaysElapsed,
      workdaysRemaining,
      daysElapsed,
      daysInYear,
    };
  }
  const idealShare = workdaysInYear > 0 ? workdaysElapsed / workdaysInYear : daysElapsed / daysInYear;
  const ideal = budget * idealShare;
  const pace = spent - ideal;
  return {
    spent,
    budget,
    remaining: budget - spent,
    percent: budget > 0 ? (spent / budget) * 100 : null,
    ideal,
    pace,
    pacePercent: ideal > 0 ? (pace / ideal) * 100 : null,
    perWorkdayLeft: workdaysRemaining > 0 ? (budget - spent) / workdaysRemaining : null,
    workdaysInYear,
    workdaysElapsed,
    workdaysRemaining,
    daysElapsed,
    daysInYear,
  };
}
