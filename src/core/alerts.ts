/**
 * The alert policy: which notifications to show now, and what to remember about them. Pure: the
 * caller supplies the numbers (from the snapshot and the ledger), the settings, the remembered
 * state and the current instant, and gets back the alerts and the new state to save.
 *
 * Rules.
 * - **Thresholds** (`alerts.thresholds`, percent of the budget): each at most once per budget
 *   year. Several crossed at once (a first start at 92 %) show only the highest; the lower ones
 *   count as shown (as does a threshold added below one already shown). A threshold of 100 or more is an error, the others warnings.
 *   "Don't show again this year" mutes the thresholds until the budget year changes.
 * - **Pace**: when the median projection overruns the budget before the year ends (the median
 *   run-out day is inside the year) while the budget is not yet spent. Shown once per overrun
 *   episode: it is disarmed when shown and re-armed only once the median projection is back under
 *   the budget; and never twice within a week, however the projection flaps.
 * - **Spike**: yesterday or today (so far), a day whose spend exceeds 3× the median spend of the
 *   workdays in the 28 days before it and 1 % of the annual budget; once per day, naming the
 *   day's top model. Needs a budget and 28 days of history before the day (the ledger's first day
 *   of data at or before the window's start); without them there is no "usual" to compare with.
 * - **Snooze** (until an instant) and `alerts.enabled` = false show nothing. What they hold back
 *   is not consumed: once the snooze is over (or alerts are on again), a threshold still crossed
 *   is shown once (the highest), an overrun still going on is shown, and a spike of today or
 *   yesterday is shown; older spikes are no longer news.
 * - **A new budget year** starts with fresh threshold and pace memory (memory is kept per year,
 *   keyed by the year's first day, the last few years only).
 */
import { addDays, addHours, addWeeks, startOfDay } from 'date-fns';
import { addDaysKey, diffDaysKey, eachDayInfo } from './dates';
import type { Snapshot } from './snapshot';
import type { Band, BudgetYear, DayKey } from './types';
import { paceAlertText, spikeAlertText, thresholdAlertText } from './wording';
import { normalizeWorkdays } from './workdays';

export type AlertKind = 'threshold' | 'pace' | 'spike';
export type AlertSeverity = 'warning' | 'error';

export interface Alert {
  /** Unique per occurrence, e.g. `threshold:2026-04-01:90`, `spike:2026-11-26`. */
  readonly id: string;
  readonly kind: AlertKind;
  readonly severity: AlertSeverity;
  /** The notification text, starting with "Token Budget: ". */
  readonly message: string;
  /** First day of the budget year the alert belongs to ("Don't show again this year"). */
  readonly yearStart: DayKey;
  /** For a threshold alert: the threshold, in percent. */
  readonly threshold?: number;
  /** For a spike alert: the day. */
  readonly day?: DayKey;
}

/** What is remembered about one budget year. */
export interface YearMemory {
  /** Thresholds already shown this year (or passed over for a higher one shown at the same time). */
  readonly thresholdsShown: readonly number[];
  /** "Don't show again this year" was chosen on a threshold alert. */
  readonly thresholdsMuted: boolean;
  /** The pace alert may show (false after it showed, until the projection is back under the budget). */
  readonly paceArmed: boolean;
  /** ISO instant the pace alert last showed. */
  readonly paceShownAt?: string;
}

/** Everything remembered across restarts and windows. */
export interface AlertMemory {
  readonly version: 1;
  /** ISO instant until which alerts are snoozed. */
  readonly snoozedUntil?: string;
  /** Per budget year, keyed by its first day. */
  readonly years: Readonly<Record<DayKey, YearMemory>>;
  /** Days whose spike was shown (recent ones only). */
  readonly spikeDays: readonly DayKey[];
}

export interface AlertSettings {
  readonly enabled: boolean;
  /** Percent of the budget, any order. */
  readonly thresholds: readonly number[];
}

export interface AlertInput {
  readonly now: Date;
  /** Today's day key (local calendar, like the ledger). */
  readonly today: DayKey;
  readonly year: BudgetYear;
  /** USD, or null without a budget (then only nothing is alerted: every rule needs one). */
  readonly budget: number | null;
  /** Spend in the budget year up to and including today. */
  readonly spent: number;
  /** The projection's year-end spend and run-out day bands. */
  readonly yearEnd: Band<number>;
  readonly runOut: Band<DayKey | null>;
  /** Spend per day (all active sources), at least the 29 days before yesterday up to today; absent = 0. */
  readonly daily: ReadonlyMap<DayKey, number>;
  /** The first day the ledger has data for (history start), if any. */
  readonly firstDataDay?: DayKey;
  /** The most expensive model of each day. */
  readonly topModel: ReadonlyMap<DayKey, string>;
  /** ISO weekdays. */
  readonly workdays: readonly number[];
  readonly settings: AlertSettings;
  readonly memory: AlertMemory;
}

export interface AlertDecision {
  /** What to show now, most important first: threshold, pace, spike. */
  readonly alerts: readonly Alert[];
  /** The memory to save (always; it may change even when nothing shows). */
  readonly memory: AlertMemory;
}

/** The ledger's side of the input: spend and top model per day. */
export interface SpendByDay {
  readonly daily: ReadonlyMap<DayKey, number>;
  readonly topModel: ReadonlyMap<DayKey, string>;
  readonly firstDataDay?: DayKey;
}

/** The input for a snapshot, the ledger's spend per day, the settings and the memory. */
export function alertInputFrom(
  snapshot: Pick<Snapshot, 'today' | 'year' | 'status' | 'projection'>,
  spend: SpendByDay,
  rest: Pick<AlertInput, 'workdays' | 'settings' | 'memory' | 'now'>,
): AlertInput {
  return {
    now: rest.now,
    today: snapshot.today,
    year: snapshot.year,
    budget: snapshot.status.budget,
    spent: snapshot.status.spent,
    yearEnd: snapshot.projection.yearEnd,
    runOut: snapshot.projection.runOut,
    daily: spend.daily,
    topModel: spend.topModel,
    ...(spend.firstDataDay !== undefined ? { firstDataDay: spend.firstDataDay } : {}),
    workdays: rest.workdays,
    settings: rest.settings,
    memory: rest.memory,
  };
}

export const SPIKE_FACTOR = 3;
/** Fraction of the annual budget a spike must exceed. */
export const SPIKE_MIN_BUDGET_SHARE = 0.01;
export const SPIKE_WINDOW_DAYS = 28;
/** Years of memory kept. */
const YEARS_KEPT = 3;
/** Spike days remembered (older ones can no longer be alerted anyway). */
const SPIKE_DAYS_KEPT = 14;

export const EMPTY_MEMORY: AlertMemory = { version: 1, years: {}, spikeDays: [] };

const FRESH_YEAR: YearMemory = { thresholdsShown: [], thresholdsMuted: false, paceArmed: true };

/** The memory of `yearStart`, fresh when there is none. */
export function yearMemory(memory: AlertMemory, yearStart: DayKey): YearMemory {
  return memory.years[yearStart] ?? FRESH_YEAR;
}

function withYear(memory: AlertMemory, yearStart: DayKey, year: YearMemory): AlertMemory {
  const years = { ...memory.years, [yearStart]: year };
  const kept = Object.keys(years)
    .sort()
    .slice(-YEARS_KEPT);
  return { ...memory, years: Object.fromEntries(kept.map((k) => [k, years[k] as YearMemory])) };
}

/** True while alerts are snoozed. */
export function isSnoozed(memory: AlertMemory, now: Date): boolean {
  return memory.snoozedUntil !== undefined && Date.parse(memory.snoozedUntil) > now.getTime();
}

/** Snoozes until `until`, or turns the snooze off (undefined). */
export function withSnooze(memory: AlertMemory, until: Date | undefined): AlertMemory {
  const { snoozedUntil: _old, ...rest } = memory;
  return until === undefined ? rest : { ...rest, snoozedUntil: until.toISOString() };
}

/** "Don't show again this year": mutes threshold alerts of the budget year starting `yearStart`. */
export function muteThresholds(memory: AlertMemory, yearStart: DayKey): AlertMemory {
  return withYear(memory, yearStart, { ...yearMemory(memory, yearStart), thresholdsMuted: true });
}

export type SnoozeChoice = 'hour' | 'day' | 'week' | 'tomorrow';

/** The end of a snooze chosen at `now`: in an hour, a day, a week, or tomorrow at 09:00 local time. */
export function snoozeEnd(choice: SnoozeChoice, now: Date): Date {
  switch (choice) {
    case 'hour':
      return addHours(now, 1);
    case 'day':
      return addDays(now, 1);
    case 'week':
      return addWeeks(now, 1);
    case 'tomorrow':
      return addHours(startOfDay(addDays(now, 1)), 9);
  }
}

/** The median of a non-empty sample. */
function median(sample: readonly number[]): number {
  const sorted = [...sample].sort((a, b) => a - b);
  const mid = sorted.length >> 1;
  return sorted.length % 2 === 1 ? (sorted[mid] ?? 0) : ((sorted[mid - 1] ?? 0) + (sorted[mid] ?? 0)) / 2;
}

// ---------------------------------------------------------------------------------------------
// The rules

// The messages are worded in core/wording.ts, with the status bar and the dashboard.

function paceMessage(input: AlertInput, runOut: DayKey): string {
  return paceAlertText(runOut, input.runOut, diffDaysKey(input.year.end, runOut));
}

function spikeMessage(input: AlertInput, day: DayKey, spend: number, usual: number): string {
  const relative = day === input.today ? 'today' : day === addDaysKey(input.today, -1) ? 'yesterday' : null;
  return spikeAlertText(day, relative, spend, usual, input.topModel.get(day));
}

/** The spend of `day` if it is a spike (see the module comment), else undefined. */
export function spikeOf(input: Pick<AlertInput, 'daily' | 'firstDataDay' | 'workdays' | 'budget'>, day: DayKey): { spend: number; usual: number } | undefined {
  if (input.budget === null || input.budget <= 0 || input.firstDataDay === undefined) return undefined;
  const windowStart = addDaysKey(day, -SPIKE_WINDOW_DAYS);
  if (input.firstDataDay > windowStart) return undefined;
  const workdays = normalizeWorkdays(input.workdays);
  const sample = eachDayInfo(windowStart, day)
    .filter((d) => workdays.includes(d.weekday))
    .map((d) => input.daily.get(d.key) ?? 0);
  if (sample.length === 0) return undefined;
  const usual = median(sample);
  const spend = input.daily.get(day) ?? 0;
  return spend > SPIKE_FACTOR * usual && spend > SPIKE_MIN_BUDGET_SHARE * input.budget ? { spend, usual } : undefined;
}

/** Decides the alerts to show now; see the module comment for the rules. */
export function evaluateAlerts(input: AlertInput): AlertDecision {
  const yearStart = input.year.start;
  const speaking = input.settings.enabled && !isSnoozed(input.memory, input.now);
  let memory: AlertMemory = input.memory;
  let year = yearMemory(memory, yearStart);
  const alerts: Alert[] = [];
  const budget = input.budget !== null && input.budget > 0 ? input.budget : null;

  // Thresholds: the highest newly crossed one; the lower ones are passed over with it.
  if (budget !== null) {
    const percent = (input.spent / budget) * 100;
    const crossed = [...new Set(input.settings.thresholds)].filter((t) => t > 0 && percent >= t && !year.thresholdsShown.includes(t)).sort((a, b) => a - b);
    const highest = crossed[crossed.length - 1];
    if (highest !== undefined && speaking) {
      // A threshold added below one already shown is not news: it is only marked.
      const news = !year.thresholdsMuted && highest > Math.max(0, ...year.thresholdsShown);
      year = { ...year, thresholdsShown: [...year.thresholdsShown, ...crossed].sort((a, b) => a - b) };
      if (news) {
        alerts.push({
          id: `threshold:${yearStart}:${highest}`,
          kind: 'threshold',
          severity: highest >= 100 ? 'error' : 'warning',
          message: thresholdAlertText(highest, input.spent, budget),
          yearStart,
          threshold: highest,
        });
      }
    }
  }

  // Pace: once per overrun episode, at most once a week.
  if (budget !== null) {
    const runOut = input.runOut.p50;
    const overrunning = input.spent < budget && input.yearEnd.p50 > budget && runOut !== null && runOut < input.year.end;
    if (input.yearEnd.p50 <= budget) {
      year = { ...year, paceArmed: true };
    } else if (overrunning && speaking && year.paceArmed) {
      const last = year.paceShownAt === undefined ? Number.NaN : Date.parse(year.paceShownAt);
      if (Number.isNaN(last) || addWeeks(last, 1).getTime() <= input.now.getTime()) {
        year = { ...year, paceArmed: false, paceShownAt: input.now.toISOString() };
        alerts.push({ id: `pace:${yearStart}:${input.now.toISOString()}`, kind: 'pace', severity: 'warning', message: paceMessage(input, runOut), yearStart });
      }
    }
  }

  // Spikes: today and yesterday; the latest one shows, both are remembered.
  let spikeDays = input.memory.spikeDays.filter((d) => d >= addDaysKey(input.today, -SPIKE_DAYS_KEPT));
  if (speaking) {
    const found = [addDaysKey(input.today, -1), input.today]
      .filter((d) => !spikeDays.includes(d))
      .map((day) => ({ day, spike: spikeOf({ ...input, budget }, day) }))
      .filter((x): x is { day: DayKey; spike: { spend: number; usual: number } } => x.spike !== undefined);
    const latest = found[found.length - 1];
    if (latest) {
      spikeDays = [...spikeDays, ...found.map((f) => f.day)].sort();
      alerts.push({
        id: `spike:${latest.day}`,
        kind: 'spike',
        severity: 'warning',
        message: spikeMessage(input, latest.day, latest.spike.spend, latest.spike.usual),
        yearStart,
        day: latest.day,
      });
    }
  }

  memory = withYear(memory, yearStart, year);
  memory = { ...memory, spikeDays };
  return { alerts, memory };
}
