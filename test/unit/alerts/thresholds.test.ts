import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { EMPTY_MEMORY, evaluateAlerts, yearMemory } from '../../../src/core/alerts';
import { input, sequence, YEAR } from './helpers';

const thresholdAlerts = (d: { alerts: readonly { kind: string }[] }) => d.alerts.filter((a) => a.kind === 'threshold');

void describe('threshold alerts', () => {
  void it('stay quiet below the first threshold', () => {
    const d = evaluateAlerts(input({ percent: 49.99 }));
    assert.deepEqual(d.alerts, []);
    assert.deepEqual(yearMemory(d.memory, YEAR.start).thresholdsShown, []);
  });

  void it('warn once when a threshold is crossed, exactly at it too', () => {
    const [first, again] = sequence([{ percent: 50 }, { percent: 52 }]);
    assert.equal(first?.alerts.length, 1);
    const alert = first?.alerts[0];
    assert.equal(alert?.kind, 'threshold');
    assert.equal(alert?.severity, 'warning');
    assert.equal(alert?.threshold, 50);
    assert.equal(alert?.id, 'threshold:2026-01-01:50');
    assert.equal(alert?.yearStart, '2026-01-01');
    assert.equal(alert?.message, 'Token Budget: you have passed 50% of your annual allowance: $50,000.00 of $100,000.00 (50.0%), $50,000.00 left.');
    assert.deepEqual(again?.alerts, [], 'not twice');
  });

  void it('walks up the thresholds one at a time', () => {
    const steps = sequence([{ percent: 55 }, { percent: 60 }, { percent: 76 }, { percent: 80 }, { percent: 91 }]);
    assert.deepEqual(
      steps.map((d) => d.alerts.map((a) => a.threshold)),
      [[50], [], [75], [], [90]],
    );
  });

  void it('several crossed at once (a first start at 92%) show only the highest', () => {
    const d = evaluateAlerts(input({ percent: 92 }));
    assert.deepEqual(
      d.alerts.map((a) => [a.kind, a.threshold, a.severity]),
      [['threshold', 90, 'warning']],
    );
    assert.match(d.alerts[0]?.message ?? '', /90% of your annual allowance/);
    assert.doesNotMatch(d.alerts[0]?.message ?? '', /50%|75%/);
    assert.deepEqual(yearMemory(d.memory, YEAR.start).thresholdsShown, [50, 75, 90], 'the lower ones are passed over for good');
    assert.deepEqual(evaluateAlerts(input({ percent: 93, memory: d.memory })).alerts, []);
  });

  void it('100% is an error, with how much is over', () => {
    const [ninety, hundred] = sequence([{ percent: 95 }, { percent: 104 }]);
    assert.equal(ninety?.alerts[0]?.severity, 'warning');
    const alert = hundred?.alerts[0];
    assert.equal(alert?.threshold, 100);
    assert.equal(alert?.severity, 'error');
    assert.equal(alert?.message, 'Token Budget: you have used all of your annual allowance (100%): $104,000.00 of $100,000.00 (104.0%), $4,000.00 over.');
  });

  void it('a threshold above 100 is an error too; duplicates and order in the setting do not matter', () => {
    const settings = { enabled: true, thresholds: [120, 90, 90, 50] };
    const d = evaluateAlerts(input({ percent: 125, settings }));
    assert.deepEqual(
      d.alerts.map((a) => [a.threshold, a.severity]),
      [[120, 'error']],
    );
    assert.match(d.alerts[0]?.message ?? '', /120% of your annual allowance/);
    assert.deepEqual(yearMemory(d.memory, YEAR.start).thresholdsShown, [50, 90, 120]);
  });

  void it('a threshold crossed again after the budget was raised is not shown again', () => {
    const [crossed, raised, recrossed] = sequence([{ percent: 76 }, { percent: 40 }, { percent: 77 }]);
    assert.equal(crossed?.alerts[0]?.threshold, 75);
    assert.deepEqual(raised?.alerts, []);
    assert.deepEqual(recrossed?.alerts, []);
  });

  void it('a threshold added below one already shown is only marked', () => {
    const [first] = sequence([{ percent: 80 }]);
    const added = evaluateAlerts(input({ percent: 80, memory: first?.memory, settings: { enabled: true, thresholds: [50, 60, 75, 90, 100] } }));
    assert.deepEqual(added.alerts, []);
    assert.ok(yearMemory(added.memory, YEAR.start).thresholdsShown.includes(60));
  });

  void it('need a budget', () => {
    const d = evaluateAlerts(input({ budget: null, spent: 1_000_000 }));
    assert.deepEqual(d.alerts, []);
    assert.deepEqual(evaluateAlerts(input({ budget: 0, spent: 10 })).alerts, []);
  });

  void it('ignore thresholds of zero or less', () => {
    const d = evaluateAlerts(input({ percent: 10, settings: { enabled: true, thresholds: [0, -5] } }));
    assert.deepEqual(thresholdAlerts(d), []);
  });

  void it('start over in a new budget year', () => {
    const [old] = sequence([{ percent: 92 }]);
    const nextYear = { start: '2027-01-01', end: '2028-01-01', origin: 'setting' as const };
    const d = evaluateAlerts(input({ percent: 55, year: nextYear, today: '2027-07-15', now: new Date(2027, 6, 15, 12), memory: old?.memory }));
    assert.deepEqual(
      d.alerts.map((a) => [a.threshold, a.yearStart]),
      [[50, '2027-01-01']],
    );
    assert.deepEqual(yearMemory(d.memory, '2027-01-01').thresholdsShown, [50]);
    assert.deepEqual(yearMemory(d.memory, '2026-01-01').thresholdsShown, [50, 75, 90], 'the old year is kept apart');
  });

  void it('keep the memory of the last three years only', () => {
    let memory = EMPTY_MEMORY;
    for (const y of [2021, 2022, 2023, 2024, 2025]) {
      const year = { start: `${y}-01-01`, end: `${y + 1}-01-01`, origin: 'setting' as const };
      memory = evaluateAlerts(input({ year, today: `${y}-07-15`, now: new Date(y, 6, 15), percent: 60, memory })).memory;
    }
    assert.deepEqual(Object.keys(memory.years).sort(), ['2023-01-01', '2024-01-01', '2025-01-01']);
  });
});
