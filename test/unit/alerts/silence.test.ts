import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_MEMORY, alertInputFrom, evaluateAlerts, isSnoozed, muteThresholds, snoozeEnd, withSnooze, yearMemory, type AlertInput } from '../../../src/core/alerts';
import { input, later, NOW, sequence, steadyDaily, TODAY, YEAR } from './helpers';

const OVERRUN: Partial<AlertInput> = {
  yearEnd: { p10: 120_000, p50: 140_000, p90: 160_000 },
  runOut: { p10: '2026-08-28', p50: '2026-09-14', p90: '2026-10-02' },
};
const SPIKE = new Map([...steadyDaily('2026-01-01', '2026-07-16'), [TODAY, 5000]]);
/** A moment with something of every kind to say. */
const EVERYTHING: Partial<AlertInput> & { percent: number } = { ...OVERRUN, percent: 92, daily: SPIKE };

const kinds = (d: { alerts: readonly { kind: string }[] } | undefined) => (d?.alerts ?? []).map((a) => a.kind);

void describe('snooze', () => {
  void it('silences every kind of alert until it ends, and holds them back rather than dropping them', () => {
    const snoozed = withSnooze(EMPTY_MEMORY, later(0, 1));
    assert.ok(isSnoozed(snoozed, NOW));
    const during = evaluateAlerts(input({ ...EVERYTHING, memory: snoozed }));
    assert.deepEqual(during.alerts, []);
    assert.deepEqual(yearMemory(during.memory, YEAR.start).thresholdsShown, [], 'nothing consumed');
    assert.deepEqual(during.memory.spikeDays, []);
    const after = evaluateAlerts(input({ ...EVERYTHING, memory: during.memory, now: later(0, 2) }));
    assert.deepEqual(kinds(after), ['threshold', 'pace', 'spike']);
    assert.equal(after.alerts[0]?.threshold, 90, 'still only the highest threshold');
  });

  void it('ends exactly at its instant; turning it off speaks at once', () => {
    const until = later(1);
    const memory = withSnooze(EMPTY_MEMORY, until);
    assert.equal(memory.snoozedUntil, until.toISOString());
    assert.ok(isSnoozed(memory, later(0, 23)));
    assert.ok(!isSnoozed(memory, until));
    const off = withSnooze(memory, undefined);
    assert.equal(off.snoozedUntil, undefined);
    assert.ok(!('snoozedUntil' in off));
    assert.deepEqual(kinds(evaluateAlerts(input({ percent: 60, memory: off }))), ['threshold']);
  });

  void it('a spike of a day that is no longer today or yesterday is not shown after the snooze', () => {
    const memory = withSnooze(EMPTY_MEMORY, later(3));
    const during = evaluateAlerts(input({ daily: SPIKE, memory }));
    assert.deepEqual(during.alerts, []);
    const after = evaluateAlerts(input({ daily: SPIKE, memory: during.memory, today: '2026-07-18', now: later(3, 1) }));
    assert.deepEqual(after.alerts, []);
  });

  void it('ends after an hour, a day, a week, or tomorrow at 09:00 local time', () => {
    const now = new Date(2026, 6, 15, 22, 30);
    assert.equal(snoozeEnd('hour', now).getTime(), new Date(2026, 6, 15, 23, 30).getTime());
    assert.equal(snoozeEnd('day', now).getTime(), new Date(2026, 6, 16, 22, 30).getTime());
    assert.equal(snoozeEnd('week', now).getTime(), new Date(2026, 6, 22, 22, 30).getTime());
    assert.equal(snoozeEnd('tomorrow', now).getTime(), new Date(2026, 6, 16, 9, 0).getTime());
    assert.equal(snoozeEnd('tomorrow', new Date(2026, 11, 31, 0, 5)).getTime(), new Date(2027, 0, 1, 9, 0).getTime());
  });

  void it('a snooze outlives a new budget year', () => {
    const memory = withSnooze(EMPTY_MEMORY, later(30));
    const nextYear = { start: '2027-01-01', end: '2028-01-01', origin: 'setting' as const };
    assert.deepEqual(evaluateAlerts(input({ percent: 60, memory, year: nextYear, today: '2027-01-05', now: later(20) })).alerts, []);
  });

  void it('an unreadable snooze instant does not silence', () => {
    assert.ok(!isSnoozed({ ...EMPTY_MEMORY, snoozedUntil: 'soon' }, NOW));
  });
});

void describe('alerts.enabled = false', () => {
  void it('silences all, without consuming anything', () => {
    const off = evaluateAlerts(input({ ...EVERYTHING, settings: { enabled: false, thresholds: [50, 75, 90, 100] } }));
    assert.deepEqual(off.alerts, []);
    assert.deepEqual(yearMemory(off.memory, YEAR.start).thresholdsShown, []);
    const on = evaluateAlerts(input({ ...EVERYTHING, memory: off.memory }));
    assert.deepEqual(kinds(on), ['threshold', 'pace', 'spike']);
  });

  void it('still re-arms the pace alert when the projection is back under', () => {
    const [shown] = sequence([{ ...OVERRUN }]);
    const quietUnder = evaluateAlerts(input({ memory: shown?.memory, settings: { enabled: false, thresholds: [] }, now: later(8) }));
    assert.equal(yearMemory(quietUnder.memory, YEAR.start).paceArmed, true);
  });
});

void describe('"Don\'t show again this year"', () => {
  void it('mutes threshold alerts for the rest of the budget year only, not pace or spikes', () => {
    const [fifty] = sequence([{ percent: 51 }]);
    const muted = muteThresholds(fifty!.memory, YEAR.start);
    assert.equal(yearMemory(muted, YEAR.start).thresholdsMuted, true);
    const later75 = evaluateAlerts(input({ ...EVERYTHING, percent: 80, memory: muted }));
    assert.deepEqual(kinds(later75), ['pace', 'spike']);
    assert.deepEqual(yearMemory(later75.memory, YEAR.start).thresholdsShown, [50, 75], 'crossed silently');
    const nextYear = { start: '2027-01-01', end: '2028-01-01', origin: 'setting' as const };
    const fresh = evaluateAlerts(input({ percent: 51, memory: later75.memory, year: nextYear, today: '2027-06-01', now: new Date(2027, 5, 1) }));
    assert.deepEqual(kinds(fresh), ['threshold']);
  });
});

void describe('alertInputFrom', () => {
  void it('takes the numbers from the snapshot and the days from the ledger', () => {
    const projection = { yearEnd: { p10: 1, p50: 2, p90: 3 }, runOut: { p10: null, p50: null, p90: null }, path: [], basisDays: 28, meanWorkday: 0, meanOtherDay: 0 };
    const status = { spent: 500, budget: 1000 } as unknown as Parameters<typeof alertInputFrom>[0]['status'];
    const spend = { daily: new Map([[TODAY, 5]]), topModel: new Map([[TODAY, 'm']]), firstDataDay: '2026-01-02' };
    const made = alertInputFrom({ today: TODAY, year: YEAR, status, projection }, spend, { now: NOW, workdays: [1], settings: { enabled: true, thresholds: [50] }, memory: EMPTY_MEMORY });
    assert.equal(made.spent, 500);
    assert.equal(made.budget, 1000);
    assert.equal(made.yearEnd, projection.yearEnd);
    assert.equal(made.firstDataDay, '2026-01-02');
    assert.equal(evaluateAlerts(made).alerts[0]?.threshold, 50);
  });
});
