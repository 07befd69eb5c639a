/**
 * Shared builders for the core unit tests.
 */
import { eachDayInfo } from '../../../src/core/dates';
import type { BudgetInputs, BudgetYear, DayKey, LedgerRow, SourceId } from '../../../src/core/types';

export const MON_FRI: readonly number[] = [1, 2, 3, 4, 5];

/** A ledger row with zero tokens unless given. */
export function row(date: DayKey, source: SourceId, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return {
    date,
    source,
    model,
    cost,
    inputTokens: 0,
    outputTokens: 0,
    cacheReadTokens: 0,
    cacheWriteTokens: 0,
    requests: 0,
    ...extra,
  };
}

/** Daily spend on `[from, toExclusive)`: `perWorkday` on workdays, `perOther` on the other days. */
export function steadyDaily(
  from: DayKey,
  toExclusive: DayKey,
  perWorkday: number,
  perOther = 0,
  workdays: readonly number[] = MON_FRI,
): Map<DayKey, number> {
  const daily = new Map<DayKey, number>();
  for (const { key, weekday } of eachDayInfo(from, toExclusive)) {
    daily.set(key, workdays.includes(weekday) ? perWorkday : perOther);
  }
  return daily;
}

export function settingYear(start: DayKey, end: DayKey): BudgetYear {
  return { start, end, origin: 'setting' };
}

export function makeInputs(overrides: Partial<BudgetInputs> & Pick<BudgetInputs, 'today'>): BudgetInputs {
  return {
    year: settingYear('2026-01-01', '2027-01-01'),
    budget: 100_000,
    workdays: MON_FRI,
    daily: new Map(),
    ...overrides,
  };
}

