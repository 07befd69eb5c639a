/**
 * Builders for the alert policy tests: a budget year 2026, a budget of $100,000, Monday–Friday,
 * and a steady history of $300 per workday (nothing on weekends), so that no day is a spike
 * unless a test makes one.
 */
import { EMPTY_MEMORY, evaluateAlerts, type AlertDecision, type AlertInput, type AlertMemory } from '../../../src/core/alerts';
import { eachDayInfo } from '../../../src/core/dates';
import type { DayKey } from '../../../src/core/types';

export const YEAR = { start: '2026-01-01', end: '2027-01-01', origin: 'setting' as const };
export const BUDGET = 100_000;
export const MON_FRI = [1, 2, 3, 4, 5];
/** Wednesday 15 July 2026, noon local time. */
export const NOW = new Date(2026, 6, 15, 12, 0, 0);
export const TODAY = '2026-07-15';

/** $300 per workday from `from` to `toExclusive`, nothing on weekends. */
export function steadyDaily(from: DayKey, toExclusive: DayKey, perWorkday = 300): Map<DayKey, number> {
  const daily = new Map<DayKey, number>();
  for (const { key, weekday } of eachDayInfo(from, toExclusive)) {
    if (MON_FRI.includes(weekday)) daily.set(key, perWorkday);
  }
  return daily;
}

const DAILY = steadyDaily('2026-01-01', '2026-07-16');

/** An input with spend `percent` % of the budget and a projection under the budget. */
export function input(overrides: Partial<AlertInput> & { percent?: number } = {}): AlertInput {
  const { percent = 30, ...rest } = overrides;
  return {
    now: NOW,
    today: TODAY,
    year: YEAR,
    budget: BUDGET,
    spent: (BUDGET * percent) / 100,
    yearEnd: { p10: 60_000, p50: 70_000, p90: 80_000 },
    runOut: { p10: null, p50: null, p90: null },
    daily: DAILY,
    firstDataDay: '2026-01-01',
    topModel: new Map(),
    workdays: MON_FRI,
    settings: { enabled: true, thresholds: [50, 75, 90, 100] },
    memory: EMPTY_MEMORY,
    ...rest,
  };
}

/** Evaluates a sequence of inputs, carrying the memory from one to the next. */
export function sequence(steps: readonly (Partial<AlertInput> & { percent?: number })[], start: AlertMemory = EMPTY_MEMORY): AlertDecision[] {
  let memory = start;
  return steps.map((step) => {
    const decision = evaluateAlerts(input({ ...step, memory }));
    memory = decision.memory;
    return decision;
  });
}

/** An instant `days` days (and `hours` hours) after NOW. */
export function later(days: number, hours = 0): Date {
  return new Date(NOW.getFullYear(), NOW.getMonth(), NOW.getDate() + days, NOW.getHours() + hours);
}
