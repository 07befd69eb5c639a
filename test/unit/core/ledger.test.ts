import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { eachDayKey } from '../../../src/core/dates';
import { Ledger, lumpLabel, lumpSpan } from '../../../src/core/ledger';
import type { LedgerRow } from '../../../src/core/types';
import { row } from './helpers';

void describe('Ledger', () => {
  void it('replaces a re-fetched day instead of adding to it', () => {
    const ledger = new Ledger();
    ledger.replaceDays('gateway', ['2026-11-26'], [row('2026-11-26', 'gateway', 'sonnet', 100, { requests: 10 })]);
    ledger.replaceDays('gateway', ['2026-11-26'], [row('2026-11-26', 'gateway', 'sonnet', 120, { requests: 12 })]);
    assert.equal(ledger.size, 1);
    assert.deepEqual(ledger.rows(), [row('2026-11-26', 'gateway', 'sonnet', 120, { requests: 12 })]);
    assert.equal(ledger.dailyTotals('2026-11-26', '2026-11-27').get('2026-11-26'), 120);
  });

  void it("removes the source's models that are absent from the new fetch, and only that source's", () => {
    const ledger = new Ledger([
      row('2026-11-26', 'gateway', 'sonnet', 100),
      row('2026-11-26', 'gateway', 'opus', 50),
      row('2026-11-26', 'codex', 'gpt-5', 7),
      row('2026-11-25', 'gateway', 'sonnet', 30),
    ]);
    ledger.replaceDays('gateway', ['2026-11-26'], [row('2026-11-26', 'gateway', 'sonnet', 90)]);
    assert.deepEqual(
      ledger.rows().map((r) => [r.date, r.source, r.model, r.cost]),
      [
        ['2026-11-25', 'gateway', 'sonnet', 30],
        ['2026-11-26', 'codex', 'gpt-5', 7],
        ['2026-11-26', 'gateway', 'sonnet', 90],
      ],
    );
    ledger.replaceDays('gateway', ['2026-11-25', '2026-11-26'], []);
    assert.deepEqual(ledger.rows(), [row('2026-11-26', 'codex', 'gpt-5', 7)]);
    assert.deepEqual([...ledger.daysWithData('gateway')], []);
    assert.equal(ledger.size, 1);
  });

  void it('sums rows for the same date × source × model within one call', () => {
    const ledger = new Ledger();
    ledger.replaceDays('litellm', ['2026-11-26'], [
      row('2026-11-26', 'litellm', 'sonnet', 1.5, { inputTokens: 10, outputTokens: 1, requests: 1 }),
      row('2026-11-26', 'litellm', 'sonnet', 2.5, { inputTokens: 20, outputTokens: 2, requests: 2, cacheReadTokens: 5, cacheWriteTokens: 3 }),
    ]);
    assert.deepEqual(ledger.rows(), [
      row('2026-11-26', 'litellm', 'sonnet', 4, { inputTokens: 30, outputTokens: 3, requests: 3, cacheReadTokens: 5, cacheWriteTokens: 3 }),
    ]);
  });

  void it('refuses rows of another source or an unlisted day, leaving the ledger unchanged', () => {
    const ledger = new Ledger([row('2026-11-26', 'gateway', 'sonnet', 100)]);
    assert.throws(() => ledger.replaceDays('gateway', ['2026-11-26'], [row('2026-11-26', 'codex', 'x', 1)]), RangeError);
    assert.throws(() => ledger.replaceDays('gateway', ['2026-11-26'], [row('2026-11-27', 'gateway', 'x', 1)]), RangeError);
    assert.throws(() => ledger.replaceDays('gateway', ['2026-11-31'], []), RangeError);
    assert.deepEqual(ledger.rows(), [row('2026-11-26', 'gateway', 'sonnet', 100)]);
  });

  void it('filters and sorts rows by date, source, model', () => {
    const ledger = new Ledger([
      row('2026-11-27', 'openai', 'b', 1),
      row('2026-11-26', 'openai', 'z', 1),
      row('2026-11-27', 'anthropic', 'c', 1),
      row('2026-11-27', 'openai', 'a', 1),
      row('2026-11-28', 'openai', 'a', 1),
    ]);
    const keys = (rows: LedgerRow[]): string[] => rows.map((r) => `${r.date} ${r.source} ${r.model}`);
    assert.deepEqual(keys(ledger.rows()), [
      '2026-11-26 openai z',
      '2026-11-27 anthropic c',
      '2026-11-27 openai a',
      '2026-11-27 openai b',
      '2026-11-28 openai a',
    ]);
    assert.deepEqual(keys(ledger.rows({ source: 'openai', from: '2026-11-27', toExclusive: '2026-11-28' })), ['2026-11-27 openai a', '2026-11-27 openai b']);
  });

  void it('totals priced cost per day, optionally per source', () => {
    const ledger = new Ledger([
      row('2026-11-26', 'gateway', 'sonnet', 100),
      row('2026-11-26', 'codex', 'gpt-5', 0, { unpriced: true, inputTokens: 1000 }),
      row('2026-11-27', 'codex', 'gpt-5', 5),
      row('2026-11-28', 'gateway', 'sonnet', 8),
    ]);
    assert.deepEqual([...ledger.dailyTotals('2026-11-26', '2026-11-28')], [
      ['2026-11-26', 100],
      ['2026-11-27', 5],
    ]);
    assert.deepEqual([...ledger.dailyTotals('2026-11-01', '2026-12-01', new Set(['codex']))], [
      ['2026-11-26', 0],
      ['2026-11-27', 5],
    ]);
    assert.deepEqual([...ledger.daysWithData('codex')].sort(), ['2026-11-26', '2026-11-27']);
  });

  void it('spreads a lump over its days for rates, keeping the range total', () => {
    const lump = lumpLabel('gap', '2026-11-24', '2026-11-27');
    assert.deepEqual(lumpSpan(lump), { first: '2026-11-24', last: '2026-11-27' });
    assert.equal(lumpSpan('(gap: 2026-11-27…2026-11-27)'), null, 'one day is no lump');
    assert.equal(lumpSpan('claude-sonnet-4-5'), null);
    const ledger = new Ledger([
      row('2026-11-23', 'openrouter', 'openrouter (all models)', 3),
      row('2026-11-27', 'openrouter', lump, 40),
      row('2026-11-27', 'gateway', 'sonnet', 5),
    ]);
    assert.deepEqual([...ledger.dailyTotals('2026-11-01', '2026-12-01')], [
      ['2026-11-23', 3],
      ['2026-11-27', 45],
    ], 'as reported, by default');
    assert.deepEqual([...ledger.dailyTotals('2026-11-01', '2026-12-01', undefined, { spreadLumps: true })], [
      ['2026-11-23', 3],
      ['2026-11-24', 10],
      ['2026-11-25', 10],
      ['2026-11-26', 10],
      ['2026-11-27', 15],
    ]);
    // A range that starts inside the lump keeps all of it, on the lump's days inside the range.
    const cut = ledger.dailyTotals('2026-11-26', '2026-12-01', new Set(['openrouter']), { spreadLumps: true });
    assert.deepEqual([...cut], [
      ['2026-11-26', 20],
      ['2026-11-27', 20],
    ]);
  });

  void it('breaks spend down by model and by source', () => {
    const ledger = new Ledger([
      row('2026-11-26', 'gateway', 'sonnet', 60, { inputTokens: 100, requests: 2 }),
      row('2026-11-27', 'codex', 'sonnet', 15, { inputTokens: 50, requests: 1 }),
      row('2026-11-27', 'codex', 'gpt-5', 25, { outputTokens: 7 }),
      row('2026-11-27', 'claudeCode', 'opus', 0, { unpriced: true, inputTokens: 9 }),
      row('2026-12-01', 'gateway', 'sonnet', 1000),
    ]);
    const byModel = ledger.breakdown('2026-11-01', '2026-12-01', 'model');
    assert.deepEqual(
      byModel.map((e) => [e.key, e.cost, e.inputTokens, e.requests, e.unpriced, e.share]),
      [
        ['sonnet', 75, 150, 3, false, 0.75],
        ['gpt-5', 25, 0, 0, false, 0.25],
        ['opus', 0, 9, 0, true, 0],
      ],
    );
    const bySource = ledger.breakdown('2026-11-01', '2026-12-01', 'source');
    assert.deepEqual(
      bySource.map((e) => [e.key, e.cost]),
      [
        ['gateway', 60],
        ['codex', 40],
        ['claudeCode', 0],
      ],
    );
    assert.deepEqual(
      new Ledger([row('2026-11-27', 'codex', 'a', 0)]).breakdown('2026-11-01', '2026-12-01', 'model').map((e) => e.share),
      [0],
    );
  });

  void it('names the top model of each day across sources', () => {
    const ledger = new Ledger([
      row('2026-11-26', 'gateway', 'sonnet', 10),
      row('2026-11-26', 'codex', 'gpt-5', 12),
      row('2026-11-26', 'claudeCode', 'sonnet', 5),
      row('2026-11-27', 'codex', 'gpt-5', 3),
      row('2026-11-27', 'codex', 'mystery', 0, { unpriced: true, inputTokens: 5_000_000 }),
    ]);
    assert.deepEqual([...ledger.topModelByDay('2026-11-26', '2026-11-28')], [
      ['2026-11-26', 'sonnet'],
      ['2026-11-27', 'gpt-5'],
    ]);
  });

  void it('counts the priced part of a partly unpriced row everywhere alike: day totals, breakdown, top model', () => {
    // Tokens priced at $500, web searches without a price; and the same model on one row priced, on another not.
    const ledger = new Ledger([
      row('2026-11-26', 'anthropic', 'claude-opus-4-1', 500, { unpriced: true }),
      row('2026-11-26', 'anthropic', 'claude-sonnet-4-5', 100),
      row('2026-11-27', 'gateway', 'claude-opus-4-1', 300),
      row('2026-11-27', 'gateway', 'claude-opus-4-1', 0, { unpriced: true, inputTokens: 7 }),
      row('2026-11-27', 'gateway', 'gpt-5', 200),
    ]);
    assert.deepEqual([...ledger.dailyTotals('2026-11-01', '2026-12-01')], [['2026-11-26', 600], ['2026-11-27', 500]]);
    const byModel = ledger.breakdown('2026-11-01', '2026-12-01', 'model');
    assert.deepEqual(byModel.map((e) => [e.key, e.cost, e.unpriced]), [['claude-opus-4-1', 800, true], ['gpt-5', 200, false], ['claude-sonnet-4-5', 100, false]]);
    assert.equal(byModel.reduce((a, e) => a + e.cost, 0), 1100, 'the breakdown adds up to the day totals');
    assert.deepEqual([...ledger.topModelByDay('2026-11-26', '2026-11-28')], [['2026-11-26', 'claude-opus-4-1'], ['2026-11-27', 'claude-opus-4-1']]);
  });

  void it('keeps rows of one model apart by project, and sums by model, source and day as one row would', () => {
    const ledger = new Ledger([
      row('2026-11-26', 'claudeCode', 'sonnet', 3, { requests: 1, project: '/w/a' }),
      row('2026-11-26', 'claudeCode', 'sonnet', 2, { requests: 2, project: '/w/b' }),
      row('2026-11-26', 'claudeCode', 'sonnet', 1, { requests: 4 }),
      row('2026-11-26', 'claudeCode', 'sonnet', 1, { requests: 8, project: '/w/a' }),
      row('2026-11-26', 'openCode', 'sonnet', 4, { requests: 16, project: '/w/a', loggedCost: 0, loggedListCost: 4 }),
      row('2026-11-27', 'openCode', 'gpt-5', 5, { requests: 32, project: '/w/b', loggedCost: 6, loggedListCost: 5 }),
    ]);
    assert.equal(ledger.size, 5, 'the two rows of sonnet in /w/a are summed');
    assert.deepEqual(
      ledger.rows({ source: 'claudeCode' }).map((r) => [r.project ?? '', r.cost, r.requests]),
      [['', 1, 4], ['/w/a', 4, 9], ['/w/b', 2, 2]],
    );
    const byModel = ledger.breakdown('2026-11-26', '2026-11-28', 'model');
    assert.deepEqual(byModel.map((e) => [e.key, e.cost, e.requests]), [['sonnet', 11, 31], ['gpt-5', 5, 32]]);
    assert.deepEqual(byModel[0]?.logged, { cost: 0, list: 4 });
    const bySource = ledger.breakdown('2026-11-26', '2026-11-28', 'source');
    assert.deepEqual(bySource.map((e) => [e.key, e.cost, e.logged]), [['openCode', 9, { cost: 6, list: 9 }], ['claudeCode', 7, undefined]]);
    const byProject = ledger.breakdown('2026-11-26', '2026-11-28', 'project');
    assert.deepEqual(byProject.map((e) => [e.key, e.cost, e.requests]), [['/w/a', 8, 25], ['/w/b', 7, 34], ['', 1, 4]]);
    assert.deepEqual(ledger.dailyTotals('2026-11-26', '2026-11-28'), new Map([['2026-11-26', 11], ['2026-11-27', 5]]));
    assert.deepEqual(ledger.topModelByDay('2026-11-26', '2026-11-27'), new Map([['2026-11-26', 'sonnet']]));
    const copy = Ledger.fromJSON(JSON.parse(JSON.stringify(ledger)) as LedgerRow[]);
    assert.deepEqual(copy.rows(), ledger.rows());
  });

  void it('survives a JSON round trip', () => {
    const ledger = new Ledger([
      row('2026-11-26', 'gateway', 'sonnet', 10.25, { inputTokens: 1, outputTokens: 2, cacheReadTokens: 3, cacheWriteTokens: 4, requests: 5 }),
      row('2026-11-27', 'codex', 'gpt-5', 0, { unpriced: true }),
    ]);
    const copy = Ledger.fromJSON(JSON.parse(JSON.stringify(ledger)) as LedgerRow[]);
    assert.deepEqual(copy.rows(), ledger.rows());
    assert.equal(copy.size, 2);
    assert.equal(copy.rows()[1]?.unpriced, true);
    assert.equal('unpriced' in (copy.rows()[0] ?? {}), false);
  });

  void it('aggregates three years × 40 models × 2 sources quickly', () => {
    const rows: LedgerRow[] = [];
    for (const date of eachDayKey('2024-01-01', '2027-01-01')) {
      for (const source of ['gateway', 'codex'] as const) {
        for (let m = 0; m < 40; m++) {
          rows.push(row(date, source, `model-${m}`, m + 1, { inputTokens: 1000, requests: 1 }));
        }
      }
    }
    const ledger = new Ledger(rows);
    assert.equal(ledger.size, rows.length);
    assert.ok(rows.length > 85_000);
    const totals = ledger.dailyTotals('2024-01-01', '2027-01-01');
    assert.equal(totals.size, 1096);
    assert.equal(totals.get('2025-06-01'), 2 * (40 * 41) / 2);
  });
});
