/**
 * The budget service holds each source's reported totals against the rows it keeps: a new
 * disagreement is read again once (sources that can), then shown on the source and logged with
 * its days; it clears when they agree again. The adapter here is a scripted one, so that what
 * the service does with each answer is what is tested (the real adapters' totals are tested in
 * test/unit/sources/*, and the journey in the real workbench in test/e2e).
 */
import assert from 'node:assert/strict';
import { mkdtemp } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { readConfig } from '../../../src/core/config';
import type { DayKey, LedgerRow } from '../../../src/core/types';
import { HttpClient } from '../../../src/sources/http';
import type { FetchOutcome, ServiceTotal, SourceAdapter } from '../../../src/sources/types';
import { BudgetService } from '../../../src/state/budgetService';
import { LedgerStore } from '../../../src/state/ledgerStore';
import { statusBarView } from '../../../src/ui/statusBarModel';
import { ADAPTERS } from '../../../src/sources';
import { startSimulator } from '../../../tools/simulator/server';

const NOW = new Date('2026-11-27T12:00:00Z');

const row = (date: DayKey, cost: number): LedgerRow => ({ date, source: 'gateway', model: 'm', cost, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 });

interface Answer {
  readonly rows: readonly LedgerRow[];
  readonly total: number;
}

/** An adapter that answers from a script: `answers[i]` for the i-th fetch, and records the sync it was given. */
function scripted(answers: Answer[], rereads = true) {
  const syncs: unknown[] = [];
  const adapter: SourceAdapter = {
    id: 'gateway',
    label: 'Scripted',
    setting: 'tokenBudget.sources.gateway.url',
    needsKey: false,
    rereadsFromScratch: rereads,
    isEnabled: () => true,
    identity: () => 'scripted',
    fetch(context): Promise<FetchOutcome> {
      syncs.push(context.sync);
      const answer = answers[Math.min(syncs.length - 1, answers.length - 1)];
      assert.ok(answer);
      const totals: ServiceTotal[] = [{ what: "the service's spent", from: '2026-11-01', to: '2026-11-27', total: answer.total }];
      return Promise.resolve({ days: ['2026-11-01', '2026-11-02'], rows: answer.rows, sync: { fetched: syncs.length }, totals, requests: 1 });
    },
  };
  return { adapter, syncs };
}

async function serviceWith(adapter: SourceAdapter) {
  const logs: string[] = [];
  const log = (level: string) => (m: string) => logs.push(`${level} ${m}`);
  const svc = new BudgetService({
    adapters: [adapter],
    http: new HttpClient({ retries: 0, timeoutMs: 1000 }),
    store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-rec-'))),
    config: () => readConfig(() => undefined),
    key: () => Promise.resolve(undefined),
    logger: { info: log('info'), warn: log('warn'), error: log('error') },
    now: () => NOW,
  });
  return { svc, logs };
}

void describe('BudgetService reconciliation', () => {
  void it('reads again once before reporting, and reports nothing when the second answer agrees', async () => {
    const { adapter, syncs } = scripted([
      { rows: [row('2026-11-01', 100)], total: 300 },
      { rows: [row('2026-11-01', 100), row('2026-11-02', 200)], total: 300 },
    ]);
    const { svc } = await serviceWith(adapter);
    await svc.refresh('test');
    assert.deepEqual(syncs, [undefined, undefined], 'the second fetch starts from scratch');
    assert.equal(svc.snapshot.sources[0]?.mismatch, undefined);
    assert.equal(svc.snapshot.status.spent, 300);
  });

  void it('shows a lasting disagreement on the source, in the tooltip and the log, without reading again each refresh', async () => {
    const { adapter, syncs } = scripted([{ rows: [row('2026-11-01', 100)], total: 250 }]);
    const { svc, logs } = await serviceWith(adapter);
    await svc.refresh('first');
    const mismatch = svc.snapshot.sources[0]?.mismatch;
    assert.deepEqual(mismatch, { what: "the service's spent", from: '2026-11-01', to: '2026-11-27', serviceTotal: 250, rowsTotal: 100, gap: 150 });
    assert.equal(syncs.length, 2, 'read once more');
    assert.ok(logs.some((l) => l.startsWith('warn Scripted: its own total disagrees') && l.includes('the days concerned are 2026-11-01 … 2026-11-27')), logs.join('\n'));
    const tooltip = statusBarView(svc.snapshot, 'percent', NOW).tooltip;
    assert.match(tooltip, /Does not add up: the service's spent is \$250\.00 for 1 Nov 2026 – 27 Nov 2026; the daily rows held add up to \$100\.00 \(\$150\.00 less\)/);

    await svc.refresh('second');
    assert.equal(syncs.length, 3, 'a known disagreement is not read again');
    assert.deepEqual(syncs[2], { fetched: 1 }, 'the second reading changed nothing, so the first answer (and its sync state) stands');
    assert.equal(svc.snapshot.sources[0]?.mismatch?.gap, 150);
  });

  void it('does not read again where a source cannot, and clears the mismatch once the figures agree', async () => {
    const { adapter, syncs } = scripted([{ rows: [row('2026-11-01', 100)], total: 50 }, { rows: [row('2026-11-01', 50)], total: 50 }], false);
    const { svc, logs } = await serviceWith(adapter);
    await svc.refresh('first');
    assert.equal(syncs.length, 1);
    assert.equal(svc.snapshot.sources[0]?.mismatch?.gap, -50, 'rows higher than the service: negative');
    await svc.refresh('second');
    assert.equal(svc.snapshot.sources[0]?.mismatch, undefined);
    assert.ok(logs.some((l) => l.includes('agree again')));
  });
});

void describe('BudgetService reconciliation with the gateway simulator (real HTTP)', () => {
  void it("marks the gateway when its own spent disagrees with its daily rows, and clears it when it agrees", async () => {
    const sim = await startSimulator({ port: 0, key: 'rec-key-000000001', history: { seed: 5, now: NOW } });
    try {
      const logs: string[] = [];
      const svc = new BudgetService({
        adapters: ADAPTERS,
        http: new HttpClient({ retries: 0, timeoutMs: 2000 }),
        store: new LedgerStore(await mkdtemp(join(tmpdir(), 'tb-rec-'))),
        config: () => readConfig((k) => (k === 'sources.gateway.url' ? sim.url : undefined)),
        key: () => Promise.resolve('rec-key-000000001'),
        logger: { info: (m) => logs.push(m), warn: (m) => logs.push(`warn ${m}`), error: (m) => logs.push(m) },
        now: () => NOW,
      });
      await svc.refresh('agreeing');
      assert.equal(svc.snapshot.sources.find((s) => s.id === 'gateway')?.mismatch, undefined);

      sim.setMisreportSpent(2500);
      const usageBefore = sim.requests.filter((r) => r.path === '/v1/usage').length;
      await svc.refresh('misreporting');
      const m = svc.snapshot.sources.find((s) => s.id === 'gateway')?.mismatch;
      assert.ok(m, 'a mismatch');
      assert.equal(m.gap, 2500);
      assert.equal(m.from, sim.data.budget?.period_start);
      assert.ok(sim.requests.filter((r) => r.path === '/v1/usage').length - usageBefore > 2, 'the period was read again before reporting');
      assert.ok(logs.some((l) => l.startsWith('warn Allowance gateway: its own total disagrees')));

      sim.setMisreportSpent(0);
      await svc.refresh('agreeing again');
      assert.equal(svc.snapshot.sources.find((s) => s.id === 'gateway')?.mismatch, undefined);
    } finally {
      await sim.close();
    }
  });
});

void describe('BudgetService reconciliation across fetches without a total', () => {
  void it('keeps the last finding while a fetch reports no total, and drops it when the source changes', async () => {
    let withTotal = true;
    let identity = 'first';
    const adapter: SourceAdapter = {
      id: 'gateway',
      label: 'Scripted',
      setting: 'tokenBudget.sources.gateway.url',
      needsKey: false,
      isEnabled: () => true,
      identity: () => identity,
      fetch: () =>
        Promise.resolve({
          days: ['2026-11-01'],
          rows: [row('2026-11-01', 100)],
          sync: {},
          requests: 1,
          ...(withTotal ? { totals: [{ what: 'w', from: '2026-11-01', to: '2026-11-01', total: 200 }] } : {}),
        }),
    };
    const { svc } = await serviceWith(adapter);
    await svc.refresh('with a total');
    assert.equal(svc.snapshot.sources[0]?.mismatch?.gap, 100);
    withTotal = false;
    await svc.refresh('without');
    assert.equal(svc.snapshot.sources[0]?.mismatch?.gap, 100, 'no total this time: the finding stands');
    identity = 'second';
    await svc.refresh('another source');
    assert.equal(svc.snapshot.sources[0]?.mismatch, undefined, 'a changed source starts over');
  });
});
