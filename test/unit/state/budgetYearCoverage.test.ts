/**
 * The budget year in force is what the gateway covers (product.md, "Which days a source covers"):
 * BudgetService over the real simulator (real HTTP, a fake clock), with the engineer's spend
 * reaching back before the gateway's April period_start.
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { alertInputFrom, EMPTY_MEMORY, evaluateAlerts, type AlertMemory } from '../../../src/core/alerts';
import { readConfig, type TokenBudgetConfig } from '../../../src/core/config';
import type { DayKey } from '../../../src/core/types';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { generateHistory, type HistoryOptions } from '../../../tools/simulator/history';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';

const NOW = new Date('2026-11-27T12:00:00Z');
const TODAY = '2026-11-27';
const KEY = 'cov-key-0000001';
const BUDGET = 300_000;
const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

/**
 * An April–March gateway whose history starts in October 2025, scaled so that 1 January to today
 * is 93% of $300,000 (about 72% counted from 1 April only: the 90% alert is the difference).
 */
const BASE: HistoryOptions = { seed: 11, now: NOW, historyStart: '2025-10-01' };
const spend = (days: readonly { date: DayKey; cost: number }[], from: DayKey, to: DayKey = TODAY) => days.filter((d) => d.date >= from && d.date <= to).reduce((s, d) => s + d.cost, 0);
const HISTORY: HistoryOptions = { ...BASE, scale: (0.93 * BUDGET) / spend(generateHistory(BASE).days, '2026-01-01') };

let sim: Simulator;
before(async () => {
  sim = await startSimulator({ key: KEY, history: HISTORY });
});
after(() => sim.close());

/** A service with settings that the test may change between refreshes. */
async function service(settings: Record<string, unknown>) {
  const current = { settings: { 'sources.gateway.url': sim.url, ...settings } as Record<string, unknown> };
  const config = (): TokenBudgetConfig => readConfig((k) => current.settings[k]);
  const svc = new BudgetService({
    adapters: ADAPTERS,
    http: new HttpClient({ retries: 0, timeoutMs: 5000 }),
    store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-cov-'))),
    config,
    key: () => Promise.resolve(KEY),
    logger: quiet,
    now: () => NOW,
  });
  const change = (more: Record<string, unknown>) => {
    current.settings = { ...current.settings, ...more };
  };
  return { svc, config, change };
}

const near = (actual: number, expected: number, what: string) => assert.ok(Math.abs(actual - expected) < 0.01, `${what}: ${actual} vs ${expected}`);

void describe('BudgetService: the budget year in force is what the gateway covers', () => {
  void it("the settings' 1 January year with an April gateway period: spent is 1 Jan – today, and the 90% alert is decided once", async () => {
    const { svc, config } = await service({ annualBudget: BUDGET, budgetYearStart: '01-01' });
    await svc.refresh('test');
    const s = svc.snapshot;
    assert.deepEqual([s.year.start, s.year.end, s.budgetOrigin, s.status.budget], ['2026-01-01', '2027-01-01', 'setting', BUDGET]);
    assert.ok(spend(sim.data.days, '2026-01-01', '2026-03-31') > 0.15 * BUDGET, 'the simulator holds January–March spend');
    near(s.status.spent, spend(sim.data.days, '2026-01-01'), "the simulator's spend from 1 January to today");
    assert.ok(s.status.percent !== null && s.status.percent >= 90 && s.status.percent < 100, `${s.status.percent}%`);

    const decide = (memory: AlertMemory) =>
      evaluateAlerts(alertInputFrom(svc.snapshot, svc.spendByDay(), { now: NOW, workdays: config().workdays, settings: config().alerts, memory }));
    const first = decide(EMPTY_MEMORY);
    assert.deepEqual(first.alerts.filter((a) => a.kind === 'threshold').map((a) => [a.threshold, a.yearStart]), [[90, '2026-01-01']]);
    await svc.refresh('again');
    near(svc.snapshot.status.spent, s.status.spent, 'a second refresh changes nothing');
    assert.deepEqual(decide(first.memory).alerts.filter((a) => a.kind === 'threshold'), [], 'not twice');
  });

  void it("the settings' year starting after the gateway's period_start: spent is that year's days only", async () => {
    const { svc } = await service({ annualBudget: BUDGET, budgetYearStart: '06-01' });
    await svc.refresh('test');
    const s = svc.snapshot;
    assert.deepEqual([s.year.start, s.budgetOrigin], ['2026-06-01', 'setting']);
    near(s.status.spent, spend(sim.data.days, '2026-06-01'), "the simulator's spend from 1 June to today");
  });

  void it("annualBudget 0: the gateway's period and budget govern, and the spend before it does not count", async () => {
    const { svc } = await service({ annualBudget: 0, budgetYearStart: '01-01' });
    await svc.refresh('test');
    const s = svc.snapshot;
    assert.deepEqual([s.year.start, s.year.end, s.budgetOrigin, s.status.budget], ['2026-04-01', '2027-04-01', 'gateway', 250_000]);
    near(s.status.spent, spend(sim.data.days, '2026-04-01'), "the simulator's spend inside the gateway's period");
  });

  void it('a setting changed while running: the next refresh fetches the days the new year lacks', async () => {
    const { svc, change } = await service({ annualBudget: 0, budgetYearStart: '01-01' });
    await svc.refresh('first');
    near(svc.snapshot.status.spent, spend(sim.data.days, '2026-04-01'), 'the gateway period first');

    change({ annualBudget: BUDGET, budgetYearStart: '01-01' });
    const mark = sim.requests.length;
    await svc.refresh('settings changed');
    const s = svc.snapshot;
    assert.deepEqual([s.year.start, s.budgetOrigin], ['2026-01-01', 'setting']);
    near(s.status.spent, spend(sim.data.days, '2026-01-01'), "the simulator's spend from 1 January to today");
    const ranges = sim.requests.slice(mark).filter((r) => r.path === '/v1/usage' && r.query.cursor === undefined).map((r) => [r.query.from, r.query.to]);
    assert.deepEqual(ranges, [['2026-01-01', '2026-03-31'], ['2026-11-26', TODAY]], 'January to March, and the days not final yet; nothing else again');

    change({ budgetYearStart: '10-01' });
    await svc.refresh('a later year start');
    const later = svc.snapshot;
    assert.equal(later.year.start, '2026-10-01');
    near(later.status.spent, spend(sim.data.days, '2026-10-01'), "a year that starts after what is held needs nothing earlier");
  });
});
