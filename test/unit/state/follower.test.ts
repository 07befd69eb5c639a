/**
 * BudgetService in follower mode (reloadFromStore) and its spend-by-day view for the alerts;
 * LedgerStore's read-only load.
 */
import assert from 'node:assert/strict';
import { mkdtemp, readdir, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import { ADAPTERS } from '../../../src/sources';
import { HttpClient } from '../../../src/sources/http';
import { BudgetService } from '../../../src/state/budgetService';
import { Coordinator } from '../../../src/state/coordinator';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { startSimulator, type Simulator } from '../../../tools/simulator/server';

const KEY = 'follower-key-000001';
const NOW = new Date('2026-11-27T12:00:00Z');
let sim: Simulator;
before(async () => {
  sim = await startSimulator({ port: 0, key: KEY, history: { seed: 3, now: NOW } });
});
after(() => sim.close());

function service(dir: string, warnings: string[] = []): BudgetService {
  const config = readConfig((k) => ({ 'sources.gateway.url': sim.url })[k]);
  return new BudgetService({
    adapters: ADAPTERS,
    http: new HttpClient({ retries: 0, timeoutMs: 2000 }),
    store: new LedgerStore(dir),
    config: () => config,
    key: () => Promise.resolve(KEY),
    logger: { info: () => undefined, warn: (m) => warnings.push(m), error: (m) => warnings.push(m) },
    now: () => NOW,
  });
}

void describe('BudgetService in follower mode', () => {
  void it('reloadFromStore shows what another service saved, without a request', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-follow-'));
    const leader = service(dir);
    await leader.refresh('test');
    const follower = service(dir);
    const seen: number[] = [];
    follower.onDidChange((s) => seen.push(s.status.spent));
    const mark = sim.requests.length;
    assert.equal(await follower.reloadFromStore(), true);
    assert.equal(sim.requests.length, mark, 'nothing fetched');
    assert.equal(follower.snapshot.status.spent, leader.snapshot.status.spent);
    assert.equal(follower.snapshot.status.budget, leader.snapshot.status.budget, 'the gateway budget comes along');
    assert.equal(follower.snapshot.sources.find((s) => s.id === 'gateway')?.state, 'ok', 'and the source memory');
    assert.deepEqual(seen, [leader.snapshot.status.spent], 'published once');
  });

  void it('leaves an unreadable file where it is and keeps its numbers', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-follow-'));
    const leader = service(dir);
    await leader.refresh('test');
    const warnings: string[] = [];
    const follower = service(dir, warnings);
    await follower.reloadFromStore();
    const spent = follower.snapshot.status.spent;
    await writeFile(join(dir, 'ledger.json'), '{ torn');
    assert.equal(await follower.reloadFromStore(), false);
    assert.equal(follower.snapshot.status.spent, spent);
    assert.deepEqual(await readdir(dir), ['ledger.json'], 'not moved aside');
    assert.match(warnings.join('\n'), /could not be read/);
  });

  void it('with nothing saved yet reloads nothing', async () => {
    const follower = service(await mkdtemp(join(tmpdir(), 'tb-follow-')));
    assert.equal(await follower.reloadFromStore(), false);
  });

  void it('spendByDay gives the last month of daily totals, the top models and where the history starts', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-follow-'));
    const svc = service(dir);
    await svc.refresh('test');
    const spend = svc.spendByDay();
    const today = svc.snapshot.today;
    const days = [...spend.daily.keys()];
    assert.ok(days.length > 15 && days.length <= 31, `${days.length} days`);
    assert.ok(days.every((d) => d <= today));
    const byDate = new Map(sim.data.days.map((d) => [d.date, d]));
    for (const [day, cost] of spend.daily) assert.ok(Math.abs(cost - (byDate.get(day)?.cost ?? 0)) < 0.01, day);
    for (const [day, model] of spend.topModel) assert.equal(model, byDate.get(day)?.models[0]?.model, day);
    assert.equal(spend.firstDataDay, sim.data.days.find((d) => d.cost > 0)?.date);
  });
});

void describe('a window starting beside one that already fetches', () => {
  void it("shows the leader's save that landed between its own load and its coordinator's start", async () => {
    // Two windows opened together: this one loads the ledger (nothing saved yet), the other leads
    // and saves its first fetch, and only then does this one's coordinator start. It must show
    // that save now, not at the leader's next one (a refresh interval later: the meter kept its
    // spinner meanwhile).
    const dir = await mkdtemp(join(tmpdir(), 'tb-follow-'));
    const quiet = { info: () => undefined, warn: () => undefined };
    const follower = service(dir);
    await follower.load();
    assert.equal(follower.snapshot.status.spent, 0, 'nothing saved yet');
    const leader = service(dir);
    const leading = new Coordinator({ dir, service: leader, intervalMs: () => 3_600_000, logger: quiet, heartbeatMs: 60_000, watch: false });
    const following = new Coordinator({ dir, service: follower, intervalMs: () => 3_600_000, logger: quiet, heartbeatMs: 60_000, watch: false });
    try {
      await leading.start();
      assert.equal(leading.isLeader, true);
      // Its first fetch, started by that look, saved.
      for (let i = 0; i < 200 && (leader.refreshing || leader.snapshot.status.spent === 0); i++) await new Promise((resolve) => setTimeout(resolve, 10));
      assert.ok(leader.snapshot.status.spent > 0, 'the leader fetched');
      const mark = sim.requests.length;
      await following.start();
      assert.equal(following.isLeader, false);
      assert.equal(follower.snapshot.status.spent, leader.snapshot.status.spent, "the leader's numbers, at the follower's first look");
      assert.equal(sim.requests.length, mark, 'read from the saved ledger, not fetched');
    } finally {
      await following.dispose();
      await leading.dispose();
    }
  });
});

void describe('LedgerStore.load({ moveAside: false })', () => {
  void it('reports an unusable file without moving it', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    await writeFile(join(dir, 'ledger.json'), 'nope');
    const result = await new LedgerStore(dir).load({ moveAside: false });
    assert.equal(result.kind, 'unreadable');
    assert.deepEqual(await readdir(dir), ['ledger.json']);
  });
});
