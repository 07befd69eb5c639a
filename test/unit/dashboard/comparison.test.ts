// The gateway's figure beside the local logs' estimate (issue 5), and the budget years the
// dashboard can show (issue 7): the model the webview renders, computed from a ledger.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildComparison, COMPARISON_RECENT_DAYS } from '../../../src/core/comparison';
import { buildDashboardModel, yearOptions } from '../../../src/core/dashboardModel';
import { eachDayKey } from '../../../src/core/dates';
import { Ledger } from '../../../src/core/ledger';
import { buildSnapshot, countsTowardSpend, type SourceStatus } from '../../../src/core/snapshot';
import type { LedgerRow, SourceId } from '../../../src/core/types';
import { statusBarView } from '../../../src/ui/statusBarModel';

const NOW = new Date(2026, 5, 17, 15, 0, 0);
const TODAY = '2026-06-17';
const WORKDAYS = [1, 2, 3, 4, 5];
const settings = { annualBudget: 10_000, budgetYearStart: '01-01', workdays: WORKDAYS, thresholds: [50, 75, 90, 100] };
const ok = (id: SourceId, label: string, extra: Partial<SourceStatus> = {}): SourceStatus => ({ id, label, state: 'ok', lastSuccess: NOW.toISOString(), ...extra });

function row(date: string, source: SourceId, model: string, cost: number, extra: Partial<LedgerRow> = {}): LedgerRow {
  return { date, source, model, cost, inputTokens: 1000, outputTokens: 100, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1, ...extra };
}

/** The gateway from 1 March, Claude Code logs from 1 June (the agent deletes older transcripts), Codex on two days. */
function fixture(): LedgerRow[] {
  const rows: LedgerRow[] = [];
  for (const d of eachDayKey('2026-03-01', '2026-06-18')) rows.push(row(d, 'gateway', 'claude-sonnet-4-5', 10));
  for (const d of eachDayKey('2026-06-01', '2026-06-18')) rows.push(row(d, 'claudeCode', 'claude-sonnet-4-5', 7.5));
  rows.push(row('2026-06-10', 'codex', 'gpt-5', 4), row('2026-06-16', 'codex', 'gpt-5', 2.25));
  return rows;
}

const SOURCES: SourceStatus[] = [ok('gateway', 'Allowance gateway'), ok('claudeCode', 'Claude Code (local logs)', { estimate: true }), ok('codex', 'Codex (local logs)', { estimate: true })];

void describe('gateway vs local logs', () => {
  const ledger = new Ledger(fixture());
  const snapshot = buildSnapshot({ ledger, settings, gatewayBudget: null, sources: SOURCES, today: TODAY, now: NOW });

  void it('does not add an estimate source to the spend', () => {
    assert.equal(snapshot.status.spent, 10 * (31 + 30 + 31 + 17), 'only the gateway counts: 1 March – 17 June at $10');
    assert.deepEqual(
      SOURCES.filter(countsTowardSpend).map((s) => s.id),
      ['gateway'],
    );
  });

  void it('compares the two over the days both cover, with each source and the difference', () => {
    const c = buildComparison(ledger.rows(), SOURCES, '2026-06-18');
    assert.ok(c);
    assert.equal(c.from, '2026-06-01', 'from the later first day (the logs start in June)');
    assert.equal(c.to, TODAY);
    assert.equal(c.days, 17);
    assert.equal(c.network.total, 170);
    assert.equal(c.local.total, 17 * 7.5 + 6.25);
    assert.deepEqual(
      c.local.sources.map((s) => [s.id, s.total]),
      [
        ['claudeCode', 127.5],
        ['codex', 6.25],
      ],
    );
    assert.equal(c.difference, 170 - 133.75);
    assert.equal(c.percent, 21.32, '36.25 / 170');
    assert.equal(c.recent.length, COMPARISON_RECENT_DAYS);
    assert.deepEqual(c.recent[0], { date: TODAY, network: 10, local: 7.5 });
    assert.deepEqual(
      c.recent.find((r) => r.date === '2026-06-16'),
      { date: '2026-06-16', network: 10, local: 9.75 },
    );
  });

  void it('counts a day one side did not see as $0 on that side', () => {
    const rows = fixture().filter((r) => !(r.source === 'gateway' && r.date === '2026-06-10'));
    const c = buildComparison(rows, SOURCES, '2026-06-18');
    assert.deepEqual(
      c?.recent.find((r) => r.date === '2026-06-10'),
      { date: '2026-06-10', network: 0, local: 11.5 },
    );
    assert.equal(c?.network.total, 160);
  });

  void it('marks a side with unpriced rows as a lower bound', () => {
    const rows = [...fixture(), row('2026-06-12', 'claudeCode', 'claude-unknown-9', 0, { unpriced: true })];
    const c = buildComparison(rows, SOURCES, '2026-06-18');
    assert.equal(c?.local.unpriced, true);
    assert.equal(c?.network.unpriced, false);
  });

  void it('is absent without an estimate source, without a network source, or without common days', () => {
    const counted = SOURCES.map((s) => ({ ...s, estimate: false }));
    assert.equal(buildComparison(ledger.rows(), counted, '2026-06-18'), null, 'local logs counted (no network source): nothing to compare');
    assert.equal(buildComparison(ledger.rows(), SOURCES.slice(1), '2026-06-18'), null, 'no network source');
    const offLocal = SOURCES.map((s) => (s.estimate ? { ...s, state: 'off' as const } : s));
    assert.equal(buildComparison(ledger.rows(), offLocal, '2026-06-18'), null, 'the local sources are off');
    assert.equal(buildComparison(ledger.rows(), SOURCES, '2026-06-01'), null, 'the logs start on the first day after the range');
  });

  void it('is part of the dashboard model, which still counts only the gateway', () => {
    const model = buildDashboardModel(snapshot, ledger, WORKDAYS);
    assert.equal(model.comparison?.local.total, 133.75);
    assert.deepEqual(
      model.breakdown.bySource.map((r) => r.key),
      ['gateway'],
    );
    assert.ok(!model.models.includes('gpt-5'), 'Codex rows are not in the spend breakdown');
  });

  void it('says in the tooltip that a local source is an estimate beside the network source', () => {
    const view = statusBarView(snapshot, 'percent', NOW);
    const tip = typeof view.tooltip === 'string' ? view.tooltip : '';
    assert.match(tip, /Claude Code \(local logs\)\*\* \(estimate beside the network source, not added to the spend\)/);
    assert.match(tip, /Allowance gateway\*\*: ok/);
  });
});

void describe('budget years in the dashboard', () => {
  const rows: LedgerRow[] = [];
  for (const d of eachDayKey('2025-01-01', '2026-06-18')) rows.push(row(d, 'gateway', 'm', d < '2026-01-01' ? 3 : 5));
  const ledger = new Ledger(rows);
  const sources = [ok('gateway', 'Allowance gateway')];
  const current = buildSnapshot({ ledger, settings, gatewayBudget: null, sources, today: TODAY, now: NOW });
  const archive = [
    { start: '2025-01-01', end: '2026-01-01' },
    { start: '2026-01-01', end: '2027-01-01' },
  ];

  void it('lists the years newest first with the current one marked and their last days', () => {
    assert.deepEqual(yearOptions(archive, current.year, current.year.start), [
      { start: '2026-01-01', end: '2027-01-01', last: '2026-12-31', current: true },
      { start: '2025-01-01', end: '2026-01-01', last: '2025-12-31', current: false },
    ]);
    assert.deepEqual(
      yearOptions([], current.year, current.year.start).map((y) => y.start),
      ['2026-01-01'],
      'the year shown is always an option',
    );
  });

  void it('shows an earlier year as archived, with its own days and spend', () => {
    const old = buildSnapshot({ ledger, settings: { ...settings, annualBudget: 2000 }, gatewayBudget: null, sources, today: '2025-12-31', now: NOW });
    const model = buildDashboardModel(old, ledger, WORKDAYS, { years: archive, currentStart: current.year.start });
    assert.equal(model.archived, true);
    assert.equal(model.year.start, '2025-01-01');
    assert.equal(model.days.length, 365);
    assert.equal(model.spent, 365 * 3);
    assert.equal(model.burnup.projection, null, 'an ended year has nothing left to project');
    assert.equal(model.years.find((y) => y.current)?.start, '2026-01-01');
    const live = buildDashboardModel(current, ledger, WORKDAYS, { years: archive, currentStart: current.year.start });
    assert.equal(live.archived, false);
    assert.equal(live.spent, 168 * 5);
  });
});
