/**
 * The archive of budget years: each year the ledger has seen, with its period and its budget, so
 * a past year stays readable with the budget it had after the gateway (or the settings) moved on
 * to the next one. The ledger itself never drops old rows; this remembers what they were measured
 * against. Saved with the ledger (format 2, ledgerStore.ts).
 */
import { addDaysKey, minDay } from '../core/dates';
import type { Ledger } from '../core/ledger';
import { buildSnapshot, type Snapshot, type SnapshotSettings, type SourceStatus } from '../core/snapshot';
import type { DayKey } from '../core/types';
import type { BudgetYearRecord } from './ledgerStore';

export type { BudgetYearRecord } from './ledgerStore';

/**
 * The archive with `record` (the current year) in it. A year that had ended by `record.lastSeen`,
 * or that ends where `record` starts (a gateway in UTC starts its next period while it is still
 * the last day of this one here), is kept as it was; any other record is an older idea of the
 * current year (the gateway had not answered yet, the start setting changed) and is replaced.
 * Oldest first.
 */
export function recordBudgetYear(years: readonly BudgetYearRecord[], record: BudgetYearRecord): BudgetYearRecord[] {
  const today = record.lastSeen;
  const ended = years.filter((y) => y.start !== record.start && (y.end <= today || y.end <= record.start));
  const same = years.find((y) => y.start === record.start && y.end === record.end);
  const lastSeen = same && same.lastSeen > today ? same.lastSeen : today;
  return [...ended, { ...record, lastSeen }].sort((a, b) => (a.start < b.start ? -1 : a.start > b.start ? 1 : a.end < b.end ? -1 : 1));
}

export interface YearSnapshotInput {
  readonly record: BudgetYearRecord;
  readonly ledger: Ledger;
  readonly settings: Pick<SnapshotSettings, 'workdays' | 'thresholds'>;
  readonly sources: readonly SourceStatus[];
  readonly today: DayKey;
  readonly now: Date;
}

/**
 * The snapshot of an archived year, as it stood on its last day (or today, while it lasts),
 * measured against the budget it had.
 */
export function yearSnapshot(input: YearSnapshotInput): Snapshot {
  const { record } = input;
  const day = minDay(input.today, addDaysKey(record.end, -1));
  const gateway = record.origin === 'gateway' && record.budget !== null;
  return buildSnapshot({
    ledger: input.ledger,
    settings: {
      annualBudget: record.origin === 'setting' && record.budget !== null ? record.budget : 0,
      budgetYearStart: record.start.slice(5),
      workdays: input.settings.workdays,
      thresholds: input.settings.thresholds,
    },
    gatewayBudget: gateway ? { amount: record.budget ?? 0, periodStart: record.start, periodEnd: record.end } : null,
    sources: input.sources,
    today: day,
    now: input.now,
  });
}
