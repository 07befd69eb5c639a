/**
 * The budget year and where the budget comes from (setting, gateway, or none).
 */
import { isLeapYear } from 'date-fns';
import { diffDaysKey, fromDayKey, isDayKey, yearOfKey } from './dates';
import type { BudgetYear, DayKey } from './types';

/** A month and day of month, both 1-based. */
export interface MonthDay {
  readonly month: number;
  readonly day: number;
}

/** The default start of the budget year. */
export const DEFAULT_BUDGET_YEAR_START = '01-01';

const MONTH_DAY_SHAPE = /^(\d{2})-(\d{2})$/;

/** A leap year, so that "02-29" validates. */
const LEAP_REFERENCE_YEAR = '2000';

/**
 * Parses `"MM-DD"` (e.g. `"04-01"`); `"02-29"` is allowed. Returns null when the text is not a
 * day that exists in a leap year.
 */
export function parseMonthDay(mmdd: string): MonthDay | null {
  const match = MONTH_DAY_SHAPE.exec(mmdd);
  if (!match || !isDayKey(`${LEAP_REFERENCE_YEAR}-${mmdd}`)) {
    return null;
  }
  return { month: Number(match[1]), day: Number(match[2]) };
}

function twoDigits(n: number): string {
  return String(n).padStart(2, '0');
}

/**
 * The day on which a budget year starting on `md` begins in calendar year `year`.
 * A "02-29" start begins on 02-28 in a year without 29 February.
 */
export function budgetYearStartIn(md: MonthDay, year: number): DayKey {
  const yyyy = String(year).padStart(4, '0');
  const isFeb29 = md.month === 2 && md.day === 29;
  const day = isFeb29 && !isLeapYear(fromDayKey(`${yyyy}-01-01`)) ? 28 : md.day;
  return `${yyyy}-${twoDigits(md.month)}-${twoDigits(day)}`;
}

/**
 * The one-calendar-year period starting on `mmdd` that contains `today` (origin 'setting').
 *
 * The year ends where the next one starts, so consecutive budget years tile the calendar without
 * gaps. With a "02-29" start, a year starting in a non-leap year starts on 02-28; e.g.
 * 2027-02-28..2028-02-29 (366 days) followed by 2028-02-29..2029-02-28 (365 days).
 *
 * @throws RangeError when `mmdd` is not a valid "MM-DD" or `today` not a day key.
 */
export function budgetYearFromSetting(mmdd: string, today: DayKey): BudgetYear {
  const md = parseMonthDay(mmdd);
  if (!md) {
    throw new RangeError(`Not a budget year start (MM-DD): ${JSON.stringify(mmdd)}`);
  }
  const calendarYear = yearOfKey(today);
  const thisYearsStart = budgetYearStartIn(md, calendarYear);
  const startYear = today >= thisYearsStart ? calendarYear : calendarYear - 1;
  return {
    start: budgetYearStartIn(md, startYear),
    end: budgetYearStartIn(md, startYear + 1),
    origin: 'setting',
  };
}

/**
 * The budget year reported by the gateway (origin 'gateway').
 * @throws RangeError when a bound is not a day key or the period is empty.
 */
export function budgetYearFromPeriod(start: DayKey, endExclusive: DayKey): BudgetYear {
  if (!isDayKey(start) || !isDayKey(endExclusive) || diffDaysKey(endExclusive, start) <= 0) {
    throw new RangeError(`Not a budget period: ${JSON.stringify(start)}..${JSON.stringify(endExclusive)}`);
  }
  return { start, end: endExclusive, origin: 'gateway' };
}

/** The budget settings the arithmetic reads. */
export interface BudgetSettings {
  /** USD; 0 (or less) = take it from the gateway. */
  readonly annualBudget: number;
  /** "MM-DD". */
  readonly budgetYearStart: string;
}

/** The budget the gateway reports (its `budget` object), or null when it reports none. */
export interface GatewayBudget {
  readonly amount: number;
  readonly periodStart: DayKey;
  /** Exclusive. */
  readonly periodEnd: DayKey;
}

export interface ResolvedBudget {
  readonly year: BudgetYear;
  readonly budget: number | null;
  readonly budgetOrigin: 'setting' | 'gateway' | 'none';
  /** Set when a setting or the gateway's answer was unusable and a fallback was taken. */
  readonly warning?: string;
}

/** True for a finite, positive amount. */
function isPositiveAmount(n: number): boolean {
  return Number.isFinite(n) && n > 0;
}

/**
 * Decides the budget and the budget year:
 * 1. `annualBudget` > 0: that budget, year from `budgetYearStart`;
 * 2. else a gateway budget (amount > 0, valid period): its amount and its period;
 * 3. else no budget, year from `budgetYearStart`.
 * An invalid `budgetYearStart` falls back to "01-01" with a warning; an unusable gateway
 * period is ignored with a warning.
 */
export function resolveBudget(settings: BudgetSettings, gateway: GatewayBudget | null, today: DayKey): ResolvedBudget {
  const warnings: string[] = [];
  let mmdd = settings.budgetYearStart;
  if (!parseMonthDay(mmdd)) {
    warnings.push(`tokenBudget.budgetYearStart ${JSON.stringify(mmdd)} is not a valid "MM-DD"; using "${DEFAULT_BUDGET_YEAR_START}".`);
    mmdd = DEFAULT_BUDGET_YEAR_START;
  }
  const withWarning = (r: ResolvedBudget): ResolvedBudget => (warnings.length > 0 ? { ...r, warning: warnings.join(' ') } : r);

  if (isPositiveAmount(settings.annualBudget)) {
    return withWarning({ year: budgetYearFromSetting(mmdd, today), budget: settings.annualBudget, budgetOrigin: 'setting' });
  }
  if (gateway && isPositiveAmount(gateway.amount)) {
    try {
      const year = budgetYearFromPeriod(gateway.periodStart, gateway.periodEnd);
      return withWarning({ year, budget: gateway.amount, budgetOrigin: 'gateway' });
    } catch {
      warnings.push(`The gateway's budget period ${gateway.periodStart}..${gateway.periodEnd} is not valid; ignoring its budget.`);
    }
  }
  return withWarning({ year: budgetYearFromSetting(mmdd, today), budget: null, budgetOrigin: 'none' });
}
