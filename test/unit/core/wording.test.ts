import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Kpi } from '../../../src/core/dashboardModel';
import type { Mismatch } from '../../../src/core/reconcile';
import {
  dayRange,
  kpiWording,
  leftText,
  limitText,
  mismatchLine,
  mismatchText,
  paceAlertText,
  paceText,
  spikeAlertText,
  thresholdAlertText,
  usdRange,
  workdaysText,
  type KpiContext,
} from '../../../src/core/wording';
import { formatUsdCompact } from '../../../src/core/format';

const context: KpiContext = {
  today: '2026-11-27',
  budget: 100_000,
  budgetOrigin: 'setting',
  level: 'normal',
  overrun: false,
  ended: false,
  lastDay: '2026-12-31',
  spentFrom: '2026-01-01',
  spentTo: '2026-11-27',
};
const noBudget: KpiContext = { ...context, budget: null, budgetOrigin: 'none' };
const ended: KpiContext = { ...context, ended: true, today: '2027-02-01' };

const kpi = (k: Partial<Kpi> & Pick<Kpi, 'id'>): Kpi => ({ label: k.id, value: '0.00', number: 0, ...k });
const runout = (day: string | null, low: string | null, high: string | null): Kpi => kpi({ id: 'runout', label: 'Runs out', value: day ?? 'none', number: null, day, detail: { kind: 'dayRange', low, high } });
const words = (k: Kpi, c: KpiContext = context) => {
  const w = kpiWording(k, c);
  return [w.main, w.detail, w.tone];
};

void describe('wording: the facts', () => {
  void it('says pace with its direction and percentage', () => {
    assert.equal(paceText(1234, 5.23), '$1,234.00 ahead of pace (+5.2%)');
    assert.equal(paceText(-300, -3), '$300.00 behind pace (−3.0%)');
    assert.equal(paceText(0, null), '$0.00 ahead of pace');
  });

  void it('says ranges of amounts and of run-out days', () => {
    assert.equal(usdRange(1234, 56_000), 'range $1.23k – $56k');
    assert.equal(dayRange('2026-09-01', '2026-09-30'), 'range 1 Sep – 30 Sep');
    assert.equal(dayRange('2026-11-20', null), 'range 20 Nov – after year end');
  });

  void it('says a limit, its reset day in the local time zone, and no limit', () => {
    assert.equal(limitText({ label: 'this month', spent: 412.5, limit: 1000, resetsAt: new Date(2026, 11, 1, 0, 0).toISOString() }), 'this month: $412.50 of $1,000.00, resets on 1 Dec 2026');
    assert.equal(limitText({ label: 'this key', spent: 12, limit: null }), 'this key: $12.00 (no limit)');
    assert.equal(limitText({ label: 'this week', spent: 1, limit: 5, resetsAt: 'not a date' }), 'this week: $1.00 of $5.00');
  });

  void it('says what is left, or how far over', () => {
    assert.equal(leftText(80_710), '$80,710.00 left');
    assert.equal(leftText(-30_000), '$30,000.00 over');
    assert.equal(leftText(-30_000, formatUsdCompact), '$30k over');
  });

  void it('counts workdays in the singular and the plural', () => {
    assert.equal(workdaysText(1), 'over 1 workday');
    assert.equal(workdaysText(12), 'over 12 workdays');
  });

  void it('says a mismatch one way, for the log and for the views', () => {
    const m: Mismatch = { what: "the gateway's spent for its period", from: '2026-04-01', to: '2026-12-06', serviceTotal: 1200, rowsTotal: 1100, gap: 100 };
    assert.equal(mismatchText(m), "the gateway's spent for its period is $1,200.00 for 1 Apr 2026 – 6 Dec 2026; the daily rows held add up to $1,100.00 ($100.00 less)");
    assert.equal(
      mismatchLine({ ...m, serviceTotal: 1000, gap: -100 }),
      "Does not add up: the gateway's spent for its period is $1,000.00 for 1 Apr 2026 – 6 Dec 2026; the daily rows held add up to $1,100.00 ($100.00 more). See the log for the days.",
    );
  });
});

void describe('wording: the headline numbers', () => {
  void it('spent, budget and percent', () => {
    assert.deepEqual(words(kpi({ id: 'spent', number: 48213.55 })), ['$48,213.55', '1 Jan 2026 – 27 Nov 2026', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'spent', number: 0 }), { ...context, spentTo: null }), ['$0.00', 'the budget year has not started', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'budget', number: 100_000 })), ['$100,000.00', 'from your settings', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'budget', number: 100_000 }), { ...context, budgetOrigin: 'gateway' }), ['$100,000.00', 'reported by the gateway', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'budget', number: null }), noBudget), ['Not set', 'set one to see your pace', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'percent', number: 19.287 })), ['19.3%', 'of the budget', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'percent', number: 91 }), { ...context, level: 'warning' }), ['91.0%', 'of the budget', 'warn']);
    assert.deepEqual(words(kpi({ id: 'percent', number: 130 }), { ...context, level: 'error' }), ['130.0%', 'of the budget', 'bad']);
    assert.deepEqual(words(kpi({ id: 'percent', number: null }), noBudget), ['—', 'no budget set', 'neutral']);
  });

  void it('remaining: until the year ends, or over budget', () => {
    assert.deepEqual(words(kpi({ id: 'remaining', number: 80_710 })), ['$80,710.00', 'until 31 Dec 2026', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'remaining', number: -30_000 })), ['-$30,000.00', 'over budget', 'bad']);
  });

  void it('pace: the amount, with its direction under it; spending ahead is a warning', () => {
    const pace = (number: number, percent: number | null) => kpi({ id: 'pace', label: 'Pace', number, detail: { kind: 'pacePercent', percent } });
    assert.deepEqual(words(pace(1234, 5.23)), ['$1,234.00', 'ahead of pace (+5.2%)', 'warn']);
    assert.deepEqual(words(pace(-300, -3)), ['$300.00', 'behind pace (−3.0%)', 'good']);
    assert.equal(kpiWording(pace(1234, 5.23), context).inline, '$1,234.00 ahead of pace (+5.2%)', 'the tooltip says the same on one line');
  });

  void it('projected year-end: the median with its range; a warning when it overruns', () => {
    const projected = kpi({ id: 'projected', label: 'Projected year-end', number: 95_000, detail: { kind: 'usdRange', low: 80_000, high: 120_000 } });
    assert.deepEqual(words(projected), ['$95,000.00', 'range $80k – $120k', 'good']);
    assert.deepEqual(words(projected, { ...context, overrun: true }), ['$95,000.00', 'range $80k – $120k', 'warn']);
    assert.deepEqual(words(projected, noBudget), ['$95,000.00', 'range $80k – $120k', 'neutral']);
    assert.equal(kpiWording(projected, context).inline, '$95,000.00 (range $80k – $120k)');
  });

  void it('run-out: the day and its range, a range of one day left out', () => {
    assert.deepEqual(words(runout('2026-12-10', '2026-12-01', '2026-12-24')), ['10 Dec 2026', 'range 1 Dec – 24 Dec', 'warn']);
    assert.deepEqual(words(runout('2026-12-10', '2026-12-01', null)), ['10 Dec 2026', 'range 1 Dec – after year end', 'warn']);
    assert.deepEqual(words(runout('2026-12-10', '2026-12-10', '2026-12-10')), ['10 Dec 2026', '', 'warn']);
    assert.equal(kpiWording(runout('2026-12-10', '2026-12-01', '2026-12-24'), context).inline, '10 Dec 2026 (range 1 Dec – 24 Dec)');
  });

  void it('run-out: not within this year, and how early it could be', () => {
    assert.deepEqual(words(runout(null, null, null)), ['Not this year', 'at the projected pace', 'good']);
    assert.deepEqual(words(runout(null, '2026-12-20', null)), ['Not this year', 'could be as early as 20 Dec', 'good']);
    assert.equal(kpiWording(runout(null, '2026-12-20', null), context).inline, 'Not this year (could be as early as 20 Dec)');
  });

  void it('run-out: once the day has come it ran out, over budget, without a range', () => {
    const w = kpiWording(runout('2026-11-20', '2026-11-20', '2026-11-20'), context);
    assert.deepEqual([w.label, w.main, w.detail, w.tone, w.inline], ['Ran out', '20 Nov 2026', 'over budget', 'bad', '20 Nov 2026 (over budget)']);
    assert.equal(kpiWording(runout('2026-11-27', null, null), context).label, 'Ran out', 'today counts');
  });

  void it('per workday left: over its workdays; nothing once over budget', () => {
    const perWorkday = (number: number | null, count: number) => kpi({ id: 'perWorkday', label: 'Per workday left', number, detail: { kind: 'workdays', count } });
    assert.deepEqual(words(perWorkday(1234.5, 24)), ['$1,234.50', 'over 24 workdays', 'neutral']);
    assert.deepEqual(words(perWorkday(500, 1)), ['$500.00', 'over 1 workday', 'neutral']);
    assert.deepEqual(words(perWorkday(-120, 24)), ['$0.00', 'over budget', 'bad']);
    assert.deepEqual(words(perWorkday(null, 0)), ['—', 'no workdays left', 'neutral']);
    assert.equal(kpiWording(perWorkday(1234.5, 24), context).inline, '$1,234.50 over 24 workdays');
    assert.equal(kpiWording(perWorkday(-120, 24), context).inline, '$0.00 (over budget)');
  });

  void it('without a budget: nothing remains, runs out, is left per workday or is paced', () => {
    for (const id of ['remaining', 'runout', 'perWorkday', 'pace'] as const) {
      assert.deepEqual(words(kpi({ id, number: null, value: 'none' }), noBudget), ['—', 'no budget set', 'neutral'], id);
    }
  });

  void it("on the year's first day: nothing projected yet", () => {
    const pending = (id: 'projected' | 'runout') => kpi({ id, number: null, value: 'none', day: null, detail: { kind: 'pending' } });
    for (const id of ['projected', 'runout'] as const) {
      const w = kpiWording(pending(id), context);
      assert.deepEqual([w.main, w.detail, w.tone, w.inline], ['—', 'after the first full day', 'neutral', 'after the first full day'], id);
    }
  });

  void it('an ended year in the past tense', () => {
    assert.deepEqual(words(kpi({ id: 'projected', number: 98_000, detail: { kind: 'usdRange', low: 98_000, high: 98_000 } }), ended), ['$98,000.00', 'the year has ended: its final spend', 'good']);
    assert.deepEqual(words(kpi({ id: 'perWorkday', number: 0, detail: { kind: 'workdays', count: 0 } }), ended), ['—', 'the year has ended', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'remaining', number: 2000 }), ended), ['$2,000.00', 'left when the year ended', 'neutral']);
    assert.deepEqual(words(kpi({ id: 'remaining', number: -2000 }), ended), ['-$2,000.00', 'over budget', 'bad']);
    assert.deepEqual(words(runout(null, null, null), ended), ['Not this year', 'the budget lasted the year', 'good']);
    assert.equal(kpiWording(runout('2026-12-10', null, null), ended).label, 'Ran out', 'a run-out day inside an ended year has come');
  });
});

void describe('wording: the alerts', () => {
  void it('a threshold, with what is left or how far over', () => {
    assert.equal(thresholdAlertText(90, 91_000, 100_000), 'Token Budget: you have passed 90% of your annual allowance: $91,000.00 of $100,000.00 (91.0%), $9,000.00 left.');
    assert.equal(thresholdAlertText(100, 103_000, 100_000), 'Token Budget: you have used all of your annual allowance (100%): $103,000.00 of $100,000.00 (103.0%), $3,000.00 over.');
  });

  void it('the pace, with the run-out range as the views say it', () => {
    assert.equal(paceAlertText('2026-12-10', { p10: '2026-11-20', p50: '2026-12-10', p90: null }, 21), 'Token Budget: At this pace your allowance runs out on 10 Dec, 3 weeks early (range 20 Nov – after year end).');
  });

  void it('a spike today, yesterday or on a day', () => {
    assert.equal(spikeAlertText('2026-11-27', 'today', 1500, 300, 'gpt-5'), 'Token Budget: spending spike today: $1,500.00 so far, 5.0× your usual workday ($300.00). Top model: gpt-5.');
    assert.equal(spikeAlertText('2026-11-20', null, 1500, 0, undefined), 'Token Budget: spending spike on 20 Nov: $1,500.00, while your usual workday spends nothing.');
  });
});
