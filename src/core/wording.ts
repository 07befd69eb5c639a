/**
 * The words for the budget's facts: pace, run-out, limits, per workday left, what is left, the
 * "no budget set" forms, a source's mismatch, the headline cards (value, sub-line, tone) and the
 * alerts' messages. One module, so the status bar tooltip, the alerts and the dashboard say each
 * fact the same way.
 *
 * Pure, and bundled into the dashboard webview as well as the extension: it imports nothing at
 * run time but `./format` (no date-fns), and only types from elsewhere.
 */
import type { DashboardModel, Kpi } from './dashboardModel';
import { formatDayLong, formatDayShort, formatPercent, formatUsd, formatUsdCompact, localDayOf } from './format';
import type { Mismatch } from './reconcile';
import type { Level, SourceLimitStatus } from './snapshot';
import type { Band, DayKey } from './types';

/** How the views say that there is no budget. */
export const NO_BUDGET = 'no budget set';
/** The first day of a budget year: nothing complete to project from yet. */
export const PENDING = 'after the first full day';
/** The spend has passed the budget. */
export const OVER_BUDGET = 'over budget';
/** Where a run-out band goes on past the year. */
export const AFTER_YEAR_END = 'after year end';

/** "+5.2%" / "−5.2%" (a real minus sign: a relative change, not an amount). */
function signedPercent(percent: number): string {
  return `${percent >= 0 ? '+' : '−'}${formatPercent(Math.abs(percent), 1)}`;
}

// ---------------------------------------------------------------------------------------------
// Facts

/** "ahead of pace (+5.2%)", "behind pace (−3.0%)"; without the percentage when there is none. */
export function paceDirection(pace: number, pacePercent: number | null): string {
  return `${pace >= 0 ? 'ahead of' : 'behind'} pace${pacePercent === null ? '' : ` (${signedPercent(pacePercent)})`}`;
}

/** "$1,234.00 ahead of pace (+5.2%)". */
export function paceText(pace: number, pacePercent: number | null): string {
  return `${formatUsd(Math.abs(pace))} ${paceDirection(pace, pacePercent)}`;
}

/** "range $1.2k – $3.4k": a p10–p90 band of amounts. */
export function usdRange(low: number, high: number): string {
  return `range ${formatUsdCompact(low)} – ${formatUsdCompact(high)}`;
}

/** "range 1 Sep – 30 Sep", "range 1 Sep – after year end": a p10–p90 band of run-out days (null = not within the year). */
export function dayRange(low: DayKey | null, high: DayKey | null): string {
  return `range ${low ? formatDayShort(low) : '—'} – ${high ? formatDayShort(high) : AFTER_YEAR_END}`;
}

/** A band worth showing: it says more than one day (two equal days, or none at all, say nothing). */
function showsRange(low: DayKey | null, high: DayKey | null): boolean {
  return (low !== null || high !== null) && low !== high;
}

/** "this month: $412.50 of $1,000.00, resets on 1 Dec 2026" (the reset day in the local time zone). */
export function limitText(l: SourceLimitStatus): string {
  const of = l.limit === null ? ' (no limit)' : ` of ${formatUsd(l.limit)}`;
  const resetDay = l.resetsAt ? localDayOf(l.resetsAt) : undefined;
  const reset = resetDay ? `, resets on ${formatDayLong(resetDay)}` : '';
  return `${l.label}: ${formatUsd(l.spent)}${of}${reset}`;
}

/** "$1,000.00 left", "$250.00 over": what is left of a budget (`money` writes the amount). */
export function leftText(remaining: number, money: (n: number) => string = formatUsd): string {
  return remaining >= 0 ? `${money(remaining)} left` : `${money(-remaining)} over`;
}

/** "over 12 workdays", "over 1 workday". */
export function workdaysText(count: number): string {
  return `over ${count} workday${count === 1 ? '' : 's'}`;
}

/**
 * "the gateway's spent for its period is $1,200.00 for 1 Apr 2026 – 6 Dec 2026; the daily rows
 * held add up to $1,100.00 ($100.00 less)": a source's mismatch, as the log says it.
 */
export function mismatchText(m: Mismatch): string {
  const direction = m.gap > 0 ? `${formatUsd(m.gap)} less` : `${formatUsd(-m.gap)} more`;
  return `${m.what} is ${formatUsd(m.serviceTotal)} for ${formatDayLong(m.from)} – ${formatDayLong(m.to)}; the daily rows held add up to ${formatUsd(m.rowsTotal)} (${direction})`;
}

/** The days of a mismatch to name in the log: those that differ from the service's daily figures, else the span. */
export function mismatchDaysText(m: Mismatch): string {
  if (m.days && m.days.length > 0) {
    const shown = m.days.slice(0, 31).join(', ');
    return `days that differ from the service's own daily figures: ${shown}${m.days.length > 31 ? ` and ${m.days.length - 31} more` : ''}`;
  }
  return `the service gives no daily figures; the days concerned are ${m.from} … ${m.to}`;
}

/** "Does not add up: … ($100.00 less). See the log for the days.": the mismatch in the tooltip and on the dashboard. */
export function mismatchLine(m: Mismatch): string {
  return `Does not add up: ${mismatchText(m)}. See the log for the days.`;
}

/** Whole or half months, weeks or days: "3.5 months", "5 weeks", "9 days". */
export function formatEarly(days: number): string {
  if (days < 14) return `${days} ${days === 1 ? 'day' : 'days'}`;
  if (days < 56) return `${Math.round(days / 7)} weeks`;
  const months = Math.round((days / (365.25 / 12)) * 2) / 2;
  return `${months} months`;
}

// ---------------------------------------------------------------------------------------------
// Headline numbers (the dashboard's cards; the tooltip's rows)

export type Tone = 'good' | 'warn' | 'bad' | 'neutral';

/** What a headline number says. */
export interface KpiWording {
  /** The card's label: the model's, or "Ran out" once the budget has run out. */
  readonly label: string;
  /** The value: "$48,213.55", "14 Sep 2026", "Not this year", "—". */
  readonly main: string;
  /** The sub-line: "range $1.2k – $3.4k", "over budget", "" when there is nothing to add. */
  readonly detail: string;
  /** The value and sub-line on one line, for the status bar tooltip: "$1,234.00 ahead of pace (+5.2%)", "14 Sep 2026 (range 1 Sep – 30 Sep)". */
  readonly inline: string;
  /** Good, neutral or worrying (shown with an icon and a colour, never the colour alone). */
  readonly tone: Tone;
}

/** What the cards' wording depends on besides the card itself. */
export interface KpiContext {
  readonly today: DayKey;
  readonly budget: number | null;
  readonly budgetOrigin: 'setting' | 'gateway' | 'none';
  readonly level: Level;
  /** The median projection overruns the budget. */
  readonly overrun: boolean;
  /** The year shown has ended (an earlier year, as it stood on its last day). */
  readonly ended: boolean;
  /** The budget year's last day. */
  readonly lastDay: DayKey | undefined;
  /** The days the spend covers: the year's first day to the last elapsed one (null before the year starts). */
  readonly spentFrom: DayKey;
  readonly spentTo: DayKey | null;
}

/** The context of the dashboard's model. */
export function dashboardKpiContext(m: DashboardModel): KpiContext {
  return {
    today: m.today,
    budget: m.budget,
    budgetOrigin: m.budgetOrigin,
    level: m.level,
    overrun: m.overrun,
    ended: m.archived,
    lastDay: m.days[m.days.length - 1],
    spentFrom: m.breakdown.from,
    spentTo: m.breakdown.to,
  };
}

/** The run-out day has come (the spend has reached the budget): it is no longer a forecast. */
export function ranOut(k: Kpi | undefined, today: DayKey): boolean {
  return k?.id === 'runout' && !!k.day && k.day <= today;
}

type Words = { main: string; detail: string; inline?: string; label?: string };

/** Value and sub-line side by side: "$1,234.00 ahead of pace (+5.2%)". */
const spaced = (main: string, detail: string): Words => ({ main, detail, inline: detail ? `${main} ${detail}` : main });

function kpiWords(k: Kpi, c: KpiContext): Words {
  const d = k.detail;
  const money = (n: number | null) => (n === null ? '—' : formatUsd(n));
  // An ended year: what it came to, nothing left to project or to spend per day.
  if (c.ended && k.id === 'projected') return { main: money(k.number), detail: 'the year has ended: its final spend' };
  if (c.ended && k.id === 'perWorkday') return { main: '—', detail: 'the year has ended' };
  if (c.ended && k.id === 'remaining' && k.number !== null && k.number >= 0) return { main: formatUsd(k.number), detail: 'left when the year ended' };
  // Without a budget nothing remains, runs out or is left per workday.
  if (c.budget === null && (k.id === 'remaining' || k.id === 'runout' || k.id === 'perWorkday' || k.id === 'pace')) return { main: '—', detail: NO_BUDGET };
  // Over budget: the day it ran out, without a range; nothing left to spend per workday.
  if (ranOut(k, c.today) && k.day) return { label: 'Ran out', main: formatDayLong(k.day), detail: OVER_BUDGET };
  if (c.ended && k.id === 'runout' && d?.kind !== 'pending') return { main: 'Not this year', detail: 'the budget lasted the year' };
  if (k.id === 'perWorkday' && k.number !== null && k.number < 0) return { main: formatUsd(0), detail: OVER_BUDGET };
  // The year's first day: nothing complete to project from yet.
  if (d?.kind === 'pending') return { main: '—', detail: PENDING };
  switch (k.id) {
    case 'spent':
      return { main: money(k.number), detail: c.spentTo ? `${formatDayLong(c.spentFrom)} – ${formatDayLong(c.spentTo)}` : 'the budget year has not started' };
    case 'budget':
      return { main: k.number === null ? 'Not set' : formatUsd(k.number), detail: c.budgetOrigin === 'gateway' ? 'reported by the gateway' : c.budgetOrigin === 'setting' ? 'from your settings' : 'set one to see your pace' };
    case 'remaining':
      return { main: money(k.number), detail: k.number !== null && k.number < 0 ? OVER_BUDGET : c.lastDay ? `until ${formatDayLong(c.lastDay)}` : '' };
    case 'percent':
      return { main: k.number === null ? '—' : formatPercent(k.number, 1), detail: k.number === null ? NO_BUDGET : 'of the budget' };
    case 'runout':
      if (k.day) return { main: formatDayLong(k.day), detail: d?.kind === 'dayRange' && showsRange(d.low, d.high) ? dayRange(d.low, d.high) : '' };
      if (k.value !== 'none') return { main: '—', detail: '' };
      return { main: 'Not this year', detail: d?.kind === 'dayRange' && d.low ? `could be as early as ${formatDayShort(d.low)}` : 'at the projected pace' };
    case 'pace':
      if (k.number === null) return { main: '—', detail: NO_BUDGET };
      return spaced(formatUsd(Math.abs(k.number)), paceDirection(k.number, d?.kind === 'pacePercent' ? d.percent : null));
    case 'perWorkday':
      if (k.number === null) return { main: '—', detail: 'no workdays left' };
      return spaced(formatUsd(k.number), d?.kind === 'workdays' ? workdaysText(d.count) : '');
    case 'projected':
      return { main: money(k.number), detail: d?.kind === 'usdRange' ? usdRange(d.low, d.high) : '' };
  }
}

function kpiTone(k: Kpi, c: KpiContext): Tone {
  switch (k.id) {
    case 'percent':
      return c.level === 'error' ? 'bad' : c.level === 'warning' ? 'warn' : 'neutral';
    case 'remaining':
    case 'perWorkday':
      return k.number !== null && k.number < 0 ? 'bad' : 'neutral';
    case 'projected':
      return k.detail?.kind === 'pending' ? 'neutral' : c.overrun ? 'warn' : c.budget !== null ? 'good' : 'neutral';
    case 'runout':
      return k.detail?.kind === 'pending' ? 'neutral' : ranOut(k, c.today) ? 'bad' : k.day ? 'warn' : c.budget !== null ? 'good' : 'neutral';
    case 'pace':
      return k.number === null ? 'neutral' : k.number > 0 ? 'warn' : 'good';
    default:
      return 'neutral';
  }
}

/** What a headline number says, and how worrying it is. */
export function kpiWording(k: Kpi, c: KpiContext): KpiWording {
  const w = kpiWords(k, c);
  // One line: the sub-line in brackets after the value, or alone when there is no value.
  const inline = w.inline ?? (w.main === '—' ? w.detail || '—' : w.detail ? `${w.main} (${w.detail})` : w.main);
  return { label: w.label ?? k.label, main: w.main, detail: w.detail, inline, tone: kpiTone(k, c) };
}

/** The burn-up chart's text alternative: what is spent against the budget, the pace, the projection and the run-out. */
export function burnupSummary(m: DashboardModel): string {
  const k = (id: string) => m.kpis.find((x) => x.id === id);
  const spent = formatUsd(m.spent);
  const asOf = m.breakdown.to ? ` by ${formatDayLong(m.breakdown.to)}` : '';
  const parts: string[] = [];
  if (m.budget !== null) {
    parts.push(`Spent ${spent} of the ${formatUsd(m.budget)} budget${asOf} (${formatPercent(k('percent')?.number ?? 0, 1)}).`);
    const pace = k('pace')?.number;
    if (pace !== null && pace !== undefined) parts.push(`That ${m.archived ? 'was' : 'is'} ${formatUsd(Math.abs(pace))} ${pace >= 0 ? 'ahead of' : 'behind'} the ideal pace.`);
  } else {
    parts.push(`Spent ${spent}${asOf}; no budget is set.`);
  }
  const projected = k('projected');
  // An ended year has nothing left to project: its final spend is the spend.
  if (!m.archived && projected?.number !== null && projected?.number !== undefined && projected.detail?.kind === 'usdRange') {
    parts.push(`The median projection reaches ${formatUsd(projected.number)} at year end (p10 ${formatUsd(projected.detail.low)}, p90 ${formatUsd(projected.detail.high)}).`);
  }
  const runout = k('runout');
  if (runout?.detail?.kind === 'pending') parts.push('The projection starts after the first full day of the year.');
  else if (runout?.day && ranOut(runout, m.today)) parts.push(`The budget ran out on ${formatDayLong(runout.day)}.`);
  else if (m.budget !== null && m.archived) parts.push('The budget lasted the year.');
  else if (m.budget !== null) parts.push(runout?.day ? `At this pace the budget runs out on ${formatDayLong(runout.day)}.` : 'At this pace the budget lasts the year.');
  return parts.join(' ');
}

// ---------------------------------------------------------------------------------------------
// Alerts

/** "Token Budget: you have passed 90% of your annual allowance: $91,000.00 of $100,000.00 (91.0%), $9,000.00 left." */
export function thresholdAlertText(threshold: number, spent: number, budget: number): string {
  // "passed 50%", not "used 50%": on a first start at 71% only the 50% alert may be due.
  const what = threshold === 100 ? 'used all of your annual allowance (100%)' : `passed ${threshold}% of your annual allowance`;
  return `Token Budget: you have ${what}: ${formatUsd(spent)} of ${formatUsd(budget)} (${formatPercent((spent / budget) * 100, 1)}), ${leftText(budget - spent)}.`;
}

/** "Token Budget: At this pace your allowance runs out on 10 Dec, 3 weeks early (range 20 Nov – after year end)." */
export function paceAlertText(runOut: DayKey, band: Band<DayKey | null>, daysEarly: number): string {
  return `Token Budget: At this pace your allowance runs out on ${formatDayShort(runOut)}, ${formatEarly(daysEarly)} early (${dayRange(band.p10 ?? runOut, band.p90)}).`;
}

/**
 * "Token Budget: spending spike today: $1,500.00 so far, 5.0× your usual workday ($300.00). Top model: gpt-5."
 * `relative` names the day when it is today or yesterday.
 */
export function spikeAlertText(day: DayKey, relative: 'today' | 'yesterday' | null, spend: number, usual: number, topModel: string | undefined): string {
  const when = relative ?? `on ${formatDayShort(day)}`;
  const sofar = relative === 'today' ? ' so far' : '';
  const times = usual > 0 ? `${(spend / usual).toFixed(1)}× your usual workday (${formatUsd(usual)})` : 'while your usual workday spends nothing';
  return `Token Budget: spending spike ${when}: ${formatUsd(spend)}${sofar}, ${times}.${topModel ? ` Top model: ${topModel}.` : ''}`;
}

/** What a coding agent logged itself, said beside list price: "agent logged $12.40" ($0.00 is a figure: subscription or free models). */
export function loggedText(cost: number): string {
  return `agent logged ${formatUsd(cost)}`;
}

/** The longer form, for a tooltip: which figure is which. */
export function loggedTip(logged: { readonly cost: number; readonly list: number }): string {
  return `The agent's own log says ${formatUsd(logged.cost)} for the usage it logged a cost for; list price (genai-prices, which the spend counts) says ${formatUsd(logged.list)} for the same usage.`;
}
