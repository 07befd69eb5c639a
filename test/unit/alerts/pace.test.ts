import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAlerts, yearMemory, type AlertInput } from '../../../src/core/alerts';
import { formatEarly } from '../../../src/core/wording';
import { input, later, NOW, sequence, YEAR } from './helpers';

/** A projection that runs out on 14 Sep (range 28 Aug – 2 Oct) of a calendar year. */
const OVERRUN: Partial<AlertInput> = {
  yearEnd: { p10: 120_000, p50: 140_000, p90: 160_000 },
  runOut: { p10: '2026-08-28', p50: '2026-09-14', p90: '2026-10-02' },
};
const UNDER: Partial<AlertInput> = {
  yearEnd: { p10: 80_000, p50: 95_000, p90: 110_000 },
  runOut: { p10: '2026-12-01', p50: null, p90: null },
};

const paceAlerts = (d: { alerts: readonly { kind: string }[] } | undefined) => (d?.alerts ?? []).filter((a) => a.kind === 'pace');

void describe('pace alerts', () => {
  void it('say when and how early the allowance runs out, with the range', () => {
    const d = evaluateAlerts(input(OVERRUN));
    assert.equal(d.alerts.length, 1);
    const alert = d.alerts[0];
    assert.equal(alert?.kind, 'pace');
    assert.equal(alert?.severity, 'warning');
    assert.equal(alert?.message, 'Token Budget: At this pace your allowance runs out on 14 Sep, 3.5 months early (range 28 Aug – 2 Oct).');
    const year = yearMemory(d.memory, YEAR.start);
    assert.equal(year.paceArmed, false);
    assert.equal(year.paceShownAt, NOW.toISOString());
  });

  void it('name the open end of the range when some paths never run out', () => {
    const d = evaluateAlerts(input({ ...OVERRUN, runOut: { p10: '2026-11-20', p50: '2026-12-10', p90: null } }));
    assert.equal(d.alerts[0]?.message, 'Token Budget: At this pace your allowance runs out on 10 Dec, 3 weeks early (range 20 Nov – after year end).');
  });

  void it('stay quiet while the projection is under the budget', () => {
    assert.deepEqual(paceAlerts(evaluateAlerts(input(UNDER))), []);
  });

  void it('show once per overrun episode: not again while it lasts, even weeks later', () => {
    const steps = sequence([
      { ...OVERRUN, now: NOW },
      { ...OVERRUN, now: later(1) },
      { ...OVERRUN, now: later(8) },
      { ...OVERRUN, now: later(60) },
    ]);
    assert.deepEqual(
      steps.map((d) => paceAlerts(d).length),
      [1, 0, 0, 0],
    );
  });

  void it('are re-armed once the projection is back under the budget, but never twice within a week', () => {
    const steps = sequence([
      { ...OVERRUN, now: NOW }, // shown
      { ...UNDER, now: later(2) }, // back under: re-armed
      { ...OVERRUN, now: later(3) }, // over again, but only 3 days after the last one
      { ...OVERRUN, now: later(6, 23) }, // still within the week
      { ...OVERRUN, now: later(7) }, // a week later: shown again
      { ...OVERRUN, now: later(9) }, // and not again in this episode
    ]);
    assert.deepEqual(
      steps.map((d) => paceAlerts(d).length),
      [1, 0, 0, 0, 1, 0],
    );
    assert.equal(yearMemory(steps[1]!.memory, YEAR.start).paceArmed, true);
  });

  void it('exactly on the budget counts as back under', () => {
    const [, back, again] = sequence([{ ...OVERRUN }, { yearEnd: { p10: 90_000, p50: 100_000, p90: 110_000 }, runOut: { p10: '2026-12-01', p50: null, p90: null }, now: later(10) }, { ...OVERRUN, now: later(11) }]);
    assert.deepEqual(paceAlerts(back), []);
    assert.equal(paceAlerts(again).length, 1);
  });

  void it('stay quiet once the budget is spent (the 100% threshold says it), or without a budget', () => {
    const spent = evaluateAlerts(input({ ...OVERRUN, percent: 101, settings: { enabled: true, thresholds: [] } }));
    assert.deepEqual(spent.alerts, []);
    assert.deepEqual(evaluateAlerts(input({ ...OVERRUN, budget: null })).alerts, []);
  });

  void it('need a median run-out day inside the year', () => {
    const d = evaluateAlerts(input({ ...OVERRUN, runOut: { p10: '2026-12-01', p50: null, p90: null } }));
    assert.deepEqual(d.alerts, []);
    assert.equal(yearMemory(d.memory, YEAR.start).paceArmed, true, 'not consumed');
  });

  void it('come with the threshold alert when both happen at once, threshold first', () => {
    const d = evaluateAlerts(input({ ...OVERRUN, percent: 77 }));
    assert.deepEqual(
      d.alerts.map((a) => a.kind),
      ['threshold', 'pace'],
    );
  });

  void it('re-arm in the new budget year', () => {
    const [shown] = sequence([{ ...OVERRUN }]);
    const nextYear = { start: '2027-01-01', end: '2028-01-01', origin: 'setting' as const };
    const d = evaluateAlerts(
      input({ year: nextYear, today: '2027-02-01', now: new Date(2027, 1, 1, 12), memory: shown?.memory, yearEnd: OVERRUN.yearEnd, runOut: { p10: '2027-08-28', p50: '2027-09-14', p90: '2027-10-02' } }),
    );
    assert.equal(paceAlerts(d).length, 1);
  });
});

void describe('formatEarly', () => {
  void it('uses days, weeks, then half months', () => {
    assert.equal(formatEarly(1), '1 day');
    assert.equal(formatEarly(9), '9 days');
    assert.equal(formatEarly(14), '2 weeks');
    assert.equal(formatEarly(35), '5 weeks');
    assert.equal(formatEarly(56), '2 months');
    assert.equal(formatEarly(109), '3.5 months');
    assert.equal(formatEarly(200), '6.5 months');
  });
});
