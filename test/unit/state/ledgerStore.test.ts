import assert from 'node:assert/strict';
import { mkdtemp, readdir, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import type { LedgerRow } from '../../../src/core/types';
import { LedgerStore } from '../../../src/state/ledgerStore';

const row = (date: string, model: string, cost: number, unpriced = false): LedgerRow => ({
  date, source: 'gateway', model, cost, inputTokens: 10, outputTokens: 5, cacheReadTokens: 1, cacheWriteTokens: 2, requests: 3, ...(unpriced ? { unpriced: true } : {}),
});

void describe('LedgerStore', () => {
  void it('round-trips rows, source memory and the gateway budget', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    const store = new LedgerStore(dir);
    assert.deepEqual(await store.load(), { kind: 'empty' });
    const rows = [row('2026-11-01', 'claude-sonnet-4-5', 12.34), row('2026-11-02', 'mystery-model', 0, true)];
    await store.save({ rows, sources: { gateway: { lastSuccess: '2026-11-27T10:00:00.000Z', sync: { coverage: { from: '2026-04-01', to: '2026-11-27' } } } }, gatewayBudget: { amount: 250000, periodStart: '2026-04-01', periodEnd: '2027-04-01' } });
    const loaded = await new LedgerStore(dir).load();
    assert.equal(loaded.kind, 'loaded');
    if (loaded.kind !== 'loaded') return;
    assert.deepEqual(loaded.state.rows, rows);
    assert.equal(loaded.state.gatewayBudget?.amount, 250000);
    assert.deepEqual(loaded.state.sources['gateway']?.sync, { coverage: { from: '2026-04-01', to: '2026-11-27' } });
    assert.deepEqual((await readdir(dir)).sort(), ['ledger.json'], 'no temporary file left behind');
  });

  void it('keeps a row\'s project and logged cost, and reads rows saved without them', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    const agent = (model: string, extra: Partial<LedgerRow>): LedgerRow => ({ ...row('2026-11-01', model, 2), source: 'openCode', ...extra });
    const rows = [
      agent('a', { project: '/home/ana/shop', loggedCost: 0, loggedListCost: 2 }),
      agent('b', { project: '/home/ana/web' }),
      agent('c', { loggedCost: 1.5, loggedListCost: 2 }),
      agent('d', {}),
    ];
    await new LedgerStore(dir).save({ rows, sources: {}, gatewayBudget: null });
    const saved = JSON.parse(await readFile(join(dir, 'ledger.json'), 'utf8')) as { rows: unknown[][] };
    assert.deepEqual(
      saved.rows.map((r) => r.slice(10)),
      [['/home/ana/shop', 0, 2], ['/home/ana/web'], ['', 1.5, 2], []],
      'trailing elements only where there is something to say',
    );
    const loaded = await new LedgerStore(dir).load();
    assert.deepEqual(loaded.kind === 'loaded' ? loaded.state.rows : null, rows);

    // A file written before rows had these elements.
    await writeFile(join(dir, 'ledger.json'), JSON.stringify({ version: 2, savedAt: '2026-11-27T10:00:00.000Z', rows: [['2026-11-01', 'claudeCode', 'sonnet', 1.25, 1, 2, 3, 4, 5, 0]], sources: {}, gatewayBudget: null, years: [] }));
    const old = await new LedgerStore(dir).load();
    assert.deepEqual(old.kind === 'loaded' ? old.state.rows : null, [{ date: '2026-11-01', source: 'claudeCode', model: 'sonnet', cost: 1.25, inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, requests: 5 }]);
  });

  void it('moves a corrupt file aside, keeps it, and starts empty', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    await writeFile(join(dir, 'ledger.json'), '{"version":1,"rows":[["2026-11-01"');
    const store = new LedgerStore(dir, () => new Date('2026-11-27T10:00:00Z'));
    const result = await store.load();
    assert.equal(result.kind, 'corrupt');
    if (result.kind !== 'corrupt') return;
    assert.match(result.reason, /not valid JSON/);
    assert.equal(await readFile(result.movedTo, 'utf8'), '{"version":1,"rows":[["2026-11-01"', 'the corrupt file is kept as it was');
    assert.deepEqual(await store.load(), { kind: 'empty' });
  });

  void it('rejects a file of the wrong shape, naming where', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    await writeFile(join(dir, 'ledger.json'), JSON.stringify({ version: 1, savedAt: 'x', rows: [['2026-11-01', 'nope', 'm', 1, 0, 0, 0, 0, 0, 0]], sources: {} }));
    const result = await new LedgerStore(dir).load();
    assert.equal(result.kind, 'corrupt');
    assert.match(result.kind === 'corrupt' ? result.reason : '', /rows\.0\.1/);
  });

  void it('serialises concurrent saves: the last one wins, whole', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'tb-store-'));
    const store = new LedgerStore(dir);
    const saves = Array.from({ length: 5 }, (_, i) => store.save({ rows: Array.from({ length: 200 * (i + 1) }, (_, j) => row('2026-11-01', `m${j}`, i)), sources: {}, gatewayBudget: null }));
    await Promise.all(saves);
    const loaded = await store.load();
    assert.equal(loaded.kind === 'loaded' ? loaded.state.rows.length : -1, 1000);
  });
});
