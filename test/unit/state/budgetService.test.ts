import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig, type TokenBudgetConfig } from '../../../src/core/config';
import { addDaysKey, eachDayKey } from '../../../src/core/dates';
import type { LedgerRow } from '../../../src/core/types';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import type { SourceAdapter } from '../../../src/sources/types';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';

const NOW = new Date('2026-11-27T12:00:00Z');
let sim: Simulator;
let mark = 0;
before(async () => {
  sim = await startSimulator({ port: 0, key: 'svc-key-0000001', history: { seed: 11, now: NOW } });
});
after(() => sim.close());

const quiet = { info: () => undefined, warn: () => undefined, error: () => undefined };

async function service(settings: Record<string, unknown>, key = 'svc-key-0000001', dir?: string) {
  const config: TokenBudgetConfig = readConfig((k) => settings[k]);
  const store = new LedgerStore(dir ?? (await mkdtemp(join(tmpdir(), 'tb-svc-'))));
  return new BudgetService({
    adapters: ADAPTERS,
    http: new HttpClient({ retries: 0, timeoutMs: 2000 }),
    store,
    config: () => config,
    key: () => Promise.resolve(key),
    logger: quiet,
    now: () => NOW,
  });
}

function expectedSpent(): number {
  const b = sim.data.budget;
  assert.ok(b);
  return sim.data.days.filter((d) => d.date >= b.period_start && d.date < b.period_end && d.date <= '2026-11-27').reduce((s, d) => s + d.cost, 0);
}

void describe('BudgetService with the gateway simulator', () => {
  void it('takes budget and period from the gateway and adds up the spend', async () => {
    sim.setFault(null);
    const svc = await service({ 'sources.gateway.url': sim.url });
    await svc.refresh('test');
    const s = svc.snapshot;
    assert.equal(s.budgetOrigin, 'gateway');
    assert.equal(s.status.budget, sim.data.budget?.amount);
    assert.equal(s.year.start, sim.data.budget?.period_start);
    assert.ok(Math.abs(s.status.spent - expectedSpent()) < 0.01);
    assert.equal(s.sources.find((x) => x.id === 'gateway')?.state, 'ok');
    assert.equal(s.demo, true);
    assert.equal(s.stale, false);
  });

  void it('keeps the last good numbers, marked stale, when the gateway fails; recovers by itself', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-svc-'));
    const svc = await service({ 'sources.gateway.url': sim.url }, 'svc-key-0000001', dir);
    await svc.refresh('first');
    const good = svc.snapshot.status.spent;
    sim.setFault({ kind: 'status', status: 500 });
    await svc.refresh('failing');
    let s = svc.snapshot;
    assert.equal(s.status.spent, good, 'numbers kept');
    assert.equal(s.stale, true);
    const gw = s.sources.find((x) => x.id === 'gateway');
    assert.equal(gw?.state, 'stale');
    assert.match(gw?.error ?? '', /HTTP 500/);
    // A new service on the same storage (a restart) still has the numbers.
    const restarted = await service({ 'sources.gateway.url': sim.url }, 'svc-key-0000001', dir);
    await restarted.load();
    assert.equal(restarted.snapshot.status.spent, good);
    sim.setFault(null);
    await svc.refresh('recovered');
    s = svc.snapshot;
    assert.equal(s.stale, false);
    assert.equal(s.sources.find((x) => x.id === 'gateway')?.state, 'ok');
  });

  void it('with a wrong key: an error state and no numbers', async () => {
    sim.setFault(null);
    const svc = await service({ 'sources.gateway.url': sim.url }, 'not-the-key-00000');
    await svc.refresh('test');
    const gw = svc.snapshot.sources.find((x) => x.id === 'gateway');
    assert.equal(gw?.state, 'error');
    assert.match(gw?.error ?? '', /key was rejected/);
    assert.equal(gw?.lastSuccess, undefined);
  });

  void it('refuses a plain-http URL to another host without sending anything', async () => {
    const svc = await service({ 'sources.gateway.url': 'http://gateway.example.com' });
    await svc.refresh('test');
    assert.match(svc.snapshot.sources.find((x) => x.id === 'gateway')?.error ?? '', /https/);
  });

  void it('never runs two refreshes at once', async () => {
    sim.setFault(null);
    const svc = await service({ 'sources.gateway.url': sim.url });
    mark = sim.requests.length;
    await Promise.all([svc.refresh('a'), svc.refresh('b'), svc.refresh('c')]);
    const allowanceCalls = sim.requests.slice(mark).filter((r) => r.path === '/v1/allowance').length;
    assert.equal(allowanceCalls, 2, 'one refresh plus one queued re-run, not three in parallel');
  });

  void it('with no source configured: not configured, nothing fetched', async () => {
    // (local agent logs off: this machine may have its own in ~/.claude)
    const svc = await service({ 'sources.claudeCode.enabled': 'off', 'sources.codex.enabled': 'off' });
    await svc.refresh('test');
    assert.equal(svc.snapshot.configured, false);
  });
});

void describe('BudgetService: the budget year every source fetches', () => {
  const row = (source: 'openai', date: string, cost: number): LedgerRow => ({ date, source, model: 'gpt-5', cost, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 });
  /** A gateway with a budget for April to March, beside a second network source spending $10 every day it is asked for. */
  function services(asked: string[]) {
    const gateway: SourceAdapter = {
      id: 'gateway', label: 'Gateway', setting: 'x', needsKey: false, isEnabled: () => true, identity: () => 'gw',
      fetch: () => Promise.resolve({ days: [], rows: [], sync: {}, requests: 1, budget: { amount: 100_000, periodStart: '2026-04-01', periodEnd: '2027-04-01' } }),
    };
    const openai: SourceAdapter = {
      id: 'openai', label: 'OpenAI', setting: 'x', needsKey: false, isEnabled: () => true, identity: () => 'oa',
      fetch: (c) => {
        asked.push(c.yearStart);
        const days = eachDayKey(c.yearStart, addDaysKey(c.today, 1));
        return Promise.resolve({ days, rows: days.map((d) => row('openai', d, 10)), sync: {}, requests: 1 });
      },
    };
    return { gateway, openai };
  }

  void it("fetches the other sources over the gateway's period, not the budgetYearStart setting's year", async () => {
    const asked: string[] = [];
    const { gateway, openai } = services(asked);
    const config = readConfig((k) => ({ annualBudget: 0, budgetYearStart: '01-01' })[k as 'annualBudget']);
    const svc = new BudgetService({ adapters: [gateway, openai], http: new HttpClient({ retries: 0 }), store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-svc-'))), config: () => config, key: () => Promise.resolve(undefined), logger: quiet, now: () => new Date('2027-02-01T12:00:00Z') });
    await svc.refresh('test');
    const s = svc.snapshot;
    assert.deepEqual([s.year.start, s.year.end, s.budgetOrigin], ['2026-04-01', '2027-04-01', 'gateway']);
    // The first fetch knew no period yet (the setting's 2027-01-01); the second is the gateway's.
    assert.deepEqual(asked, ['2027-01-01', '2026-04-01']);
    assert.equal(s.status.spent, 10 * eachDayKey('2026-04-01', '2027-02-02').length); // $3,070: 1 Apr 2026 – 1 Feb 2027
    await svc.refresh('again');
    assert.deepEqual(asked.slice(2), ['2026-04-01'], 'once the period is known, one fetch a refresh');
  });
});
