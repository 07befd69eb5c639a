/**
 * What the e2e suites expect to see, computed from the allowance-gateway simulator's own data with
 * plain date arithmetic, never by calling the extension's code.
 */
import assert from 'node:assert/strict';
import type { SimBudget, UsageDay } from '../../tools/simulator/history';
import type { Simulator } from '../../tools/simulator/server';

/** Today as the extension host sees it: the local calendar date. */
export function localToday(): string {
  return new Intl.DateTimeFormat('en-CA', { year: 'numeric', month: '2-digit', day: '2-digit' }).format(new Date());
}

export interface ExpectedSpend {
  readonly today: string;
  /** The simulator's budget and its period. */
  readonly period: SimBudget;
  /** The days of the period up to today: the ones the meter counts. */
  readonly days: readonly UsageDay[];
  readonly spent: number;
  readonly budget: number;
  readonly remaining: number;
  readonly percent: number;
}

/** The spend of the simulator's budget period up to today, and how it stands against the budget. */
export function expectedSpend(sim: Pick<Simulator, 'data'>, today = localToday()): ExpectedSpend {
  const period = sim.data.budget;
  assert.ok(period, 'the simulator reports a budget');
  const days = sim.data.days.filter((d) => d.date >= period.period_start && d.date < period.period_end && d.date <= today);
  const spent = days.reduce((s, d) => s + d.cost, 0);
  return { today, period, days, spent, budget: period.amount, remaining: period.amount - spent, percent: (spent / period.amount) * 100 };
}

/** What the simulator's days from `from` to `to` (both included) cost. */
export function simSpentBetween(sim: Pick<Simulator, 'data'>, from: string, to: string): number {
  return sim.data.days.filter((d) => d.date >= from && d.date <= to).reduce((s, d) => s + d.cost, 0);
}

/** Dollars as the tooltip writes them: "$48,213.55". */
export const usd = (n: number): string => new Intl.NumberFormat('en-US', { style: 'currency', currency: 'USD' }).format(n);
