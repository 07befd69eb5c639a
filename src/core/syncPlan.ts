/**
 * Which days a source must fetch: the ones it has never covered, plus the days that are not
 * final yet (yesterday and today are always fetched again).
 */
import { addDaysKey, maxDay, minDay } from './dates';
import type { DayKey } from './types';

/** The contiguous range of days a source has fetched completely, both ends inclusive. */
export interface Coverage {
  readonly from: DayKey;
  readonly to: DayKey;
}

export interface DayRange {
  readonly from: DayKey;
  readonly to: DayKey;
}

/**
 * Ranges to fetch so that [wantFrom, wantTo] is covered, given what was covered before.
 * `mutableFrom` is the first day that is not final (normally yesterday): days from it on are
 * always fetched again.
 */
export function planFetch(coverage: Coverage | undefined, wantFrom: DayKey, wantTo: DayKey, mutableFrom: DayKey): DayRange[] {
  if (wantFrom > wantTo) return [];
  if (!coverage || coverage.to < wantFrom || coverage.from > wantTo || coverage.to < coverage.from) {
    return [{ from: wantFrom, to: wantTo }];
  }
  const ranges: DayRange[] = [];
  if (wantFrom < coverage.from) ranges.push({ from: wantFrom, to: addDaysKey(coverage.from, -1) });
  const tailFrom = minDay(addDaysKey(coverage.to, 1), maxDay(mutableFrom, wantFrom));
  if (tailFrom <= wantTo) ranges.push({ from: tailFrom, to: wantTo });
  return ranges;
}

/** The coverage after fetching `ranges` successfully. */
export function extendCoverage(coverage: Coverage | undefined, ranges: readonly DayRange[]): Coverage | undefined {
  let result = coverage;
  for (const range of ranges) {
    if (!result || range.to < addDaysKey(result.from, -1) || range.from > addDaysKey(result.to, 1)) {
      // Disjoint from what was covered: keep the newer range (the old one stays in the ledger,
      // it is just no longer tracked as fetched, so it will be fetched again if wanted).
      result = { from: range.from, to: range.to };
    } else {
      result = { from: minDay(result.from, range.from), to: maxDay(result.to, range.to) };
    }
  }
  return result;
}
