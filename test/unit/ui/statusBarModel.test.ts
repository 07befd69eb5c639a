import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { buildDashboardModel } from '../../../src/core/dashboardModel';
import { Ledger, lumpLabel } from '../../../src/core/ledger';
import { buildSnapshot, type SourceStatus } from '../../../src/core/snapshot';
import type { LedgerRow } from '../../../src/core/types';
import { dashboardKpiContext, kpiWording } from '../../../src/core/wording';
import { statusBarView } from '../../../src/ui/statusBarModel';

const now = new Date(2026, 10, 27, 12, 0, 0);
const today = '2026-11-27';
const settings = { annualBudget: 100_000, budgetYearStart: '01-01', workdays: [1, 2, 3, 4, 5], thresholds: [50, 75, 90, 100] };
const ok: SourceStatus = { id: 'gateway', label: 'Allowance gateway', state: 'ok', lastSuccess: new Date(2026, 10, 27, 11, 57).toISOString() };

function ledgerWith(total: number): Ledger {
  // Spread `total` evenly over the workdays of November so far.
  const days = ['2026-11-02', '2026-11-03', '2026-11-04', '2026-11-05', '2026-11-06', '2026-11-09', '2026-11-10'];
  const rows: LedgerRow[] = days.map((date) => ({ date, source: 'gateway', model: 'claude-sonnet-4-5', cost: total / days.length, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 }));
  const ledger = new Ledger();
  ledger.replaceDays('gateway', days, rows);
  return ledger;
}

const snap = (total: number, overrides: Partial<Parameters<typeof buildSnapshot>[0]> = {}) =>
  buildSnapshot({ ledger: ledgerWith(total), settings, gatewayBudget: null, sources: [ok], today, now, ...overrides });

void describe('status bar view', () => {
  void it('shows percent then spend, and every headline number in the tooltip', () => {
    const view = statusBarView(snap(19_290), 'percent', now);
    assert.equal(view.text, '$(pulse) 19% · $19.3k');
    for (const label of ['Spent', 'Budget', 'Remaining', 'Pace', 'Projected year-end', 'Runs out', 'Per workday left']) assert.match(view.tooltip, new RegExp(`\\| ${label} \\|`));
    assert.match(view.tooltip, /\$19,290\.00/);
    assert.match(view.tooltip, /\$100,000\.00/);
    assert.match(view.tooltip, /Updated .*3 minutes ago/);
    assert.match(view.tooltip, /Allowance gateway\*\*: ok/);
    assert.equal(view.command, 'tokenBudget.openDashboard');
    assert.match(view.accessibilityLabel, /19% of budget used/);
  });

  void it('leads with the spend or what is left per the display setting', () => {
    assert.equal(statusBarView(snap(19_290), 'spent', now).text, '$(pulse) $19.3k · 19%');
    assert.equal(statusBarView(snap(19_290), 'remaining', now).text, '$(pulse) $80.7k left · 19% · $19.3k');
  });

  void it('turns warning at the highest threshold below 100 and error at 100', () => {
    assert.equal(statusBarView(snap(50_000), 'percent', now).level, 'warning', 'the projection of this pace overruns');
    assert.equal(statusBarView(snap(91_000), 'percent', now).level, 'warning');
    assert.equal(statusBarView(snap(100_000), 'percent', now).level, 'error');
    assert.equal(statusBarView(snap(130_000), 'percent', now).text, '$(pulse) 130% · $130k');
    // On the year's last day nothing is left to project: the level is the thresholds' alone.
    const lastDay = (total: number) => snap(total, { today: '2026-12-31', now: new Date(2026, 11, 31, 12) });
    assert.equal(lastDay(91_000).overrun, false);
    assert.equal(statusBarView(lastDay(91_000), 'percent', now).level, 'warning', '91% is past 90, the highest threshold below 100');
    assert.equal(statusBarView(lastDay(89_000), 'percent', now).level, 'normal', '89% has passed 50 and 75, but not 90');
    assert.equal(statusBarView(lastDay(40_000), 'percent', now).level, 'normal');
  });

  void it('marks stale data and says how old it is', () => {
    const stale: SourceStatus = { ...ok, state: 'stale', error: 'Allowance gateway: server error at h (HTTP 500).' };
    const view = statusBarView(snap(19_290, { sources: [stale] }), 'percent', now);
    assert.match(view.text, /^\$\(warning\) \$\(pulse\) 19%/);
    assert.match(view.tooltip, /\*\*Stale\*\*.*from 3 minutes ago/);
    assert.match(view.tooltip, /HTTP 500/);
    assert.match(view.accessibilityLabel, /stale/);
  });

  void it('labels demo data', () => {
    const view = statusBarView(snap(19_290, { sources: [{ ...ok, demo: true }] }), 'percent', now);
    assert.match(view.text, /\(demo\)$/);
    assert.match(view.tooltip, /Demo data/);
  });

  void it('says what to do with no source', () => {
    const view = statusBarView(snap(0, { sources: [{ id: 'gateway', label: 'Allowance gateway', state: 'off' }] }), 'percent', now);
    assert.match(view.text, /set up/);
    assert.equal(view.command, 'tokenBudget.configure');
  });

  void it('shows an error and no numbers when the first fetch failed', () => {
    const failed: SourceStatus = { id: 'gateway', label: 'Allowance gateway', state: 'error', error: 'Allowance gateway: the key was rejected (HTTP 401).' };
    const view = statusBarView(snap(0, { ledger: new Ledger(), sources: [failed] }), 'percent', now);
    assert.equal(view.text, '$(error) Token Budget: error');
    assert.doesNotMatch(view.text, /\$0|0%/);
    assert.match(view.tooltip, /key was rejected/);
    assert.equal(view.level, 'error');
  });

  void it('words pace, projection, run-out and per workday left as the dashboard cards do', () => {
    for (const total of [19_290, 50_000, 130_000]) {
      const s = snap(total);
      const tooltip = statusBarView(s, 'percent', now).tooltip;
      const model = buildDashboardModel(s, ledgerWith(total), settings.workdays);
      const context = dashboardKpiContext(model);
      for (const k of model.kpis.filter((x) => ['pace', 'projected', 'runout', 'perWorkday'].includes(x.id))) {
        const w = kpiWording(k, context);
        assert.ok(tooltip.includes(`| ${w.label} | ${w.inline.replace(/[\\`*_[\]|<>]/g, (c) => `\\${c}`)} |`), `${total}: ${w.label} | ${w.inline}\n${tooltip}`);
      }
    }
  });

  void it('over budget: what is over, the day it ran out, nothing left per workday', () => {
    const view = statusBarView(snap(130_000), 'remaining', now);
    assert.equal(view.text, '$(pulse) $30k over · 130% · $130k');
    assert.match(view.tooltip, /\| Ran out \| \d+ \w{3} 2026 \(over budget\) \|/);
    assert.match(view.tooltip, /\| Per workday left \| \$0\.00 \(over budget\) \|/);
  });

  void it('shows spend only and offers to set a budget when there is none', () => {
    const view = statusBarView(snap(19_290, { settings: { ...settings, annualBudget: 0 } }), 'percent', now);
    assert.equal(view.text, '$(pulse) $19.3k · no budget');
    assert.match(view.tooltip, /command:tokenBudget\.setAnnualBudget/);
  });
});

void describe('status bar view: limits, notes, unpriced models', () => {
  void it('shows a shorter limit beside the annual budget, and a source note', () => {
    const litellm: SourceStatus = {
      id: 'litellm', label: 'LiteLLM proxy', state: 'ok', lastSuccess: ok.lastSuccess,
      limits: [{ label: 'this month', spent: 412.5, limit: 1000, resetsAt: new Date(2026, 11, 1, 0, 0).toISOString() }],
      note: 'Numbers are the whole organisation’s: no personal filter is set.',
    };
    const view = statusBarView(snap(19_290, { sources: [litellm] }), 'percent', now);
    assert.match(view.tooltip, /this month: \$412\.50 of \$1,000\.00, resets on 1 Dec 2026/);
    assert.match(view.tooltip, /whole organisation/);
  });

  void it('flags unpriced models with their tokens, never as $0', () => {
    const ledger = ledgerWith(1000);
    ledger.replaceDays('gateway', ['2026-11-11'], [{ date: '2026-11-11', source: 'gateway', model: 'mystery-model-9', cost: 0, unpriced: true, inputTokens: 2_000_000, outputTokens: 100_000, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 4 }]);
    const s = snap(0, { ledger });
    assert.deepEqual(s.unpriced, [{ source: 'gateway', model: 'mystery-model-9', tokens: 2_100_000 }]);
    assert.match(statusBarView(s, 'percent', now).tooltip, /Unpriced.*mystery-model-9 \(2\.1M tokens\)/);
  });

  void it('projects a month reported as one lump at its daily rate, not as one day', () => {
    // OpenRouter's first reading on the 27th: $26 before tracking (1st–26th, one row on the 1st) and $1 today.
    const lump = (model: string): LedgerRow => ({ date: '2026-11-01', source: 'openrouter', model, cost: 26, inputTokens: 0, outputTokens: 0, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 0 });
    const todayRow: LedgerRow = { ...lump(''), date: today, model: 'openrouter (all models)', cost: 1 };
    const source: SourceStatus = { id: 'openrouter', label: 'OpenRouter', state: 'ok' };
    const build = (model: string) =>
      buildSnapshot({ ledger: new Ledger([lump(model), todayRow]), settings: { ...settings, annualBudget: 100 }, gatewayBudget: null, sources: [source], today, now });
    const spread = build(lumpLabel('before tracking', '2026-11-01', '2026-11-26'));
    assert.equal(spread.status.spent, 27);
    assert.ok(Math.abs(spread.projection.meanWorkday - 1) < 1e-9 && Math.abs(spread.projection.meanOtherDay - 1) < 1e-9, `$1 a day: ${spread.projection.meanWorkday}, ${spread.projection.meanOtherDay}`);
    assert.ok(Math.abs(spread.projection.yearEnd.p50 - (27 + 34)) < 1e-6, `year-end ${spread.projection.yearEnd.p50}: $27 + 34 days × $1`);
    assert.equal(spread.overrun, false);
    // The same $26 as a single day (a model name that is no lump) would read as a $26 Sunday.
    const oneDay = build('openrouter (all models)');
    assert.ok(oneDay.projection.yearEnd.p50 > 100 && oneDay.overrun, `year-end ${oneDay.projection.yearEnd.p50}`);
  });

  void it('on the first day of the year projects nothing yet, rather than what was spent with a band of zero width', () => {
    const first = new Date(2026, 0, 1, 15, 0, 0);
    const row: LedgerRow = { date: '2026-01-01', source: 'gateway', model: 'claude-sonnet-4-5', cost: 10, inputTokens: 1, outputTokens: 1, cacheReadTokens: 0, cacheWriteTokens: 0, requests: 1 };
    const s = buildSnapshot({ ledger: new Ledger([row]), settings: { ...settings, annualBudget: 3000 }, gatewayBudget: null, sources: [ok], today: '2026-01-01', now: first });
    const view = statusBarView(s, 'percent', first);
    assert.match(view.tooltip, /\| Projected year-end \| after the first full day \|/);
    assert.match(view.tooltip, /\| Runs out \| after the first full day \|/);
    assert.doesNotMatch(view.tooltip, /range \$10 – \$10/);
    // The next day has one complete day to stand on, and a band that is wide.
    const second = buildSnapshot({ ledger: new Ledger([row]), settings: { ...settings, annualBudget: 3000 }, gatewayBudget: null, sources: [ok], today: '2026-01-02', now: new Date(2026, 0, 2, 15) });
    assert.match(statusBarView(second, 'percent', new Date(2026, 0, 2, 15)).tooltip, /\| Projected year-end \| \$[\d,.]+ \(range /);
    assert.ok(second.projection.yearEnd.p90 > 2 * second.projection.yearEnd.p10);
  });
});
