/**
 * Workdays: the ISO weekdays (1 = Monday … 7 = Sunday) on which the ideal pace line rises.
 */
import { addDays, getISODay } from 'date-fns';
import { diffDaysKey, fromDayKey, isoWeekday } from './dates';
import type { DayKey } from './types';

/** Monday to Friday. */
export const DEFAULT_WORKDAYS: readonly number[] = [1, 2, 3, 4, 5];

const DAYS_PER_WEEK = 7;

/** True when day `k` falls on one of `workdays`. */
export function isWorkday(k: DayKey, workdays: readonly number[]): boolean {
  return workdays.includes(isoWeekday(k));
}

/**
 * Number of workdays in `[startInclusive, endExclusive)`; 0 for an empty range.
 * O(1) date computations: whole weeks are counted at once, then at most six leftover days.
 */
export function countWorkdays(startInclusive: DayKey, endExclusive: DayKey, workdays: readonly number[]): number {
  const days = diffDaysKey(endExclusive, startInclusive);
  if (days <= 0) {
    return 0;
  }
  const weekdays = new Set(workdays.filter((w) => Number.isInteger(w) && w >= 1 && w <= DAYS_PER_WEEK));
  const wholeWeeks = Math.floor(days / DAYS_PER_WEEK);
  let count = wholeWeeks * weekdays.size;
  const leftoverStart = addDays(fromDayKey(startInclusive), wholeWeeks * DAYS_PER_WEEK);
  for (let i = 0; i < days % DAYS_PER_WEEK; i++) {
    if (weekdays.has(getISODay(addDays(leftoverStart, i)))) {
      count++;
    }
  }
  return count;
}

/**
 * The `tokenBudget.workdays` setting made usable: integers 1..7 only, deduplicated, sorted.
 * Anything else (not an array, or nothing valid left) gives Monday–Friday.
 */
export function normalizeWorkdays(input: unknown): number[] {
  if (!Array.isArray(input)) {
    return [...DEFAULT_WORKDAYS];
  }
  const valid = input.filter((w): w is number => typeof w === 'number' && Number.isInteger(w) && w >= 1 && w <= DAYS_PER_WEEK);
  const unique = [...new Set(valid)].sort((a, b) => a - b);
  return unique.length > 0 ? unique : [...DEFAULT_WORKDAYS];
}
