// The dashboard model passes through what the sources section and the unpriced banner show:
// each source's limits and note, and the snapshot's unpriced models.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDashboardModel } from '../../../src/core/dashboardModel';
import { Ledger } from '../../../src/core/ledger';
import { buildSnapshot, type SourceStatus } from '../../../src/core/snapshot';
import type { LedgerRow, SourceId } from '../../../src/core/types';
import { isDashboardModel } from '../../../webview/guard';

const WORKDAYS = [1, 2, 3, 4, 5];
const TODAY = '2026-06-17';
const NOW = new Date(2026, 5, 17, 15, 0, 0);
const SETTINGS = { annualBudget: 50_000, budgetYearStart: '01-01', workdays: WORKDAYS, thresholds: [50, 75, 90, 100] };

function row(date: string, source: SourceId, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return { date, source, model, cost, inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1, ...extra };
}

const SOURCES: SourceStatus[] = [
  {
    id: 'litellm',
    label: 'LiteLLM proxy',
    state: 'ok',
    lastSuccess: NOW.toISOString(),
    note: 'The key belongs to team t-1, whose budget governs it.',
    limits: [
      { label: 'this month', spent: 412.5, limit: 1000, resetsAt: '2026-07-01T00:00:00Z' },
      { label: 'team', spent: 90, limit: null },
    ],
  },
  { id: 'openai', label: 'OpenAI', state: 'ok', lastSuccess: NOW.toISOString(), note: 'Numbers are the whole organisation’s.' },
  { id: 'anthropic', label: 'Anthropic', state: 'off' },
];

const ROWS: LedgerRow[] = [
  row('2026-06-01', 'litellm', 'claude-sonnet-4-5', 120.25),
  row('2026-06-02', 'openai', 'gpt-4o', 10),
  row('2026-06-02', 'openai', 'mystery-1', 0, { unpriced: true, inputTokens: 4_000_000, outputTokens: 1_000 }),
  row('2026-06-03', 'openai', 'mystery-1', 0, { unpriced: true, inputTokens: 1_000_000, outputTokens: 0 }),
  row('2026-06-03', 'openai', 'mystery-2', 0, { unpriced: true, inputTokens: 10, outputTokens: 5 }),
  // a source that is off: neither counted nor listed as unpriced
  row('2026-06-03', 'anthropic', 'mystery-3', 0, { unpriced: true, inputTokens: 99 }),
  // before the budget year
  row('2025-12-30', 'openai', 'mystery-4', 0, { unpriced: true, inputTokens: 99 }),
];

function build() {
  const ledger = new Ledger(ROWS);
  const snapshot = buildSnapshot({ ledger, settings: SETTINGS, gatewayBudget: null, sources: SOURCES, today: TODAY, now: NOW });
  return { snapshot, model: buildDashboardModel(snapshot, ledger, WORKDAYS) };
}

void describe('dashboard model: sources and unpriced models', () => {
  const { snapshot, model } = build();

  void it('passes each source’s limits and note through unchanged', () => {
    assert.deepEqual(model.sources, SOURCES);
    const litellm = model.sources.find((s) => s.id === 'litellm');
    assert.deepEqual(litellm?.limits?.[0], { label: 'this month', spent: 412.5, limit: 1000, resetsAt: '2026-07-01T00:00:00Z' });
    assert.equal(litellm?.limits?.[1]?.limit, null, 'a limit without an amount stays null');
    assert.match(model.sources.find((s) => s.id === 'openai')?.note ?? '', /whole organisation/);
  });

  void it('lists the snapshot’s unpriced models of the year, most tokens first', () => {
    assert.deepEqual(model.unpriced, snapshot.unpriced);
    assert.deepEqual(
      model.unpriced.map((u) => [u.source, u.model, u.tokens]),
      [
        ['openai', 'mystery-1', 5_001_000],
        ['openai', 'mystery-2', 15],
      ],
    );
  });

  void it('flags the unpriced rows of the breakdown without counting them', () => {
    const mystery = model.breakdown.byModel.find((r) => r.key === 'mystery-1');
    assert.equal(mystery?.unpriced, true);
    assert.equal(mystery?.cents, 0);
    assert.equal(model.breakdown.bySource.find((r) => r.key === 'openai')?.unpriced, true);
    assert.equal(model.breakdown.totalCents, 13025);
  });

  void it('is a model the webview accepts; one without the unpriced list (an older saved state) is not', () => {
    const json: unknown = JSON.parse(JSON.stringify(model));
    assert.equal(isDashboardModel(json), true);
    const { unpriced: _dropped, ...older } = model;
    void _dropped;
    assert.equal(isDashboardModel(older), false);
  });
});
