import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { evaluateAlerts, spikeOf } from '../../../src/core/alerts';
import { input, NOW, sequence, steadyDaily, TODAY } from './helpers';

/** The steady history with `spend` on `day`. */
function withDay(day: string, spend: number, base = steadyDaily('2026-01-01', '2026-07-16')): Map<string, number> {
  return new Map([...base, [day, spend]]);
}

const TOP = new Map([
  ['2026-07-14', 'claude-opus-4-1'],
  ['2026-07-15', 'gpt-5'],
]);

const spikes = (d: { alerts: readonly { kind: string }[] } | undefined) => (d?.alerts ?? []).filter((a) => a.kind === 'spike');

void describe('spike alerts', () => {
  void it('fire for a day above 3× the workday median and 1% of the budget, naming the top model', () => {
    // usual workday: $300; 3× = $900; 1% of $100,000 = $1,000
    const d = evaluateAlerts(input({ daily: withDay(TODAY, 1500), topModel: TOP }));
    assert.equal(d.alerts.length, 1);
    const alert = d.alerts[0];
    assert.equal(alert?.kind, 'spike');
    assert.equal(alert?.severity, 'warning');
    assert.equal(alert?.day, TODAY);
    assert.equal(alert?.id, `spike:${TODAY}`);
    assert.equal(alert?.message, 'Token Budget: spending spike today: $1,500.00 so far, 5.0× your usual workday ($300.00). Top model: gpt-5.');
    assert.deepEqual(d.memory.spikeDays, [TODAY]);
  });

  void it('fire for yesterday (a complete day)', () => {
    const d = evaluateAlerts(input({ daily: withDay('2026-07-14', 2000), topModel: TOP }));
    assert.equal(d.alerts[0]?.message, 'Token Budget: spending spike yesterday: $2,000.00, 6.7× your usual workday ($300.00). Top model: claude-opus-4-1.');
  });

  void it('a weekend day counts against the workday median', () => {
    const sunday = { today: '2026-07-19', now: new Date(2026, 6, 19, 12), daily: withDay('2026-07-19', 1200, steadyDaily('2026-01-01', '2026-07-20')) };
    assert.equal(spikes(evaluateAlerts(input(sunday))).length, 1);
  });

  void it('need both conditions', () => {
    // above 1% of the budget but not 3× the median: a busy regular
    const busy = steadyDaily('2026-01-01', '2026-07-16', 1000);
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 2900, busy) }))), []);
    assert.equal(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 3100, busy) }))).length, 1);
    // 3× the median but below 1% of the budget
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 999) }))), []);
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 5000), budget: 1_000_000, spent: 1000 }))), []);
    // exactly at the limits is not above them
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 1000) }))), []);
  });

  void it('once per day', () => {
    const daily = withDay(TODAY, 1500);
    const [first, second, third] = sequence([{ daily }, { daily: withDay(TODAY, 4000) }, { daily, today: '2026-07-16', now: new Date(2026, 6, 16, 9) }]);
    assert.equal(spikes(first).length, 1);
    assert.deepEqual(spikes(second), [], 'a bigger spike the same day is still the same day');
    assert.deepEqual(spikes(third), [], 'nor the next day as "yesterday"');
  });

  void it('yesterday and today both spiking show one alert (today) and remember both', () => {
    const daily = withDay(TODAY, 1500, withDay('2026-07-14', 2000));
    const d = evaluateAlerts(input({ daily }));
    assert.deepEqual(
      d.alerts.map((a) => a.day),
      [TODAY],
    );
    assert.deepEqual(d.memory.spikeDays, ['2026-07-14', TODAY]);
  });

  void it('need 28 days of history before the day, and a budget', () => {
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 5000), firstDataDay: '2026-06-20' }))), []);
    assert.equal(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 5000), firstDataDay: '2026-06-17' }))).length, 1, 'exactly 28 days is enough');
    const noHistory = input({ daily: withDay(TODAY, 5000) });
    const { firstDataDay: _none, ...rest } = noHistory;
    assert.deepEqual(spikes(evaluateAlerts(rest)), []);
    assert.deepEqual(spikes(evaluateAlerts(input({ daily: withDay(TODAY, 5000), budget: null }))), []);
  });

  void it('the median reads missing workdays as zero: a new regular is measured against a quiet month', () => {
    // Only 10 of the 20 workdays in the window had spend: the median is (0 + 300) / 2 = 150.
    const daily = new Map<string, number>();
    let i = 0;
    for (const [day, cost] of steadyDaily('2026-06-17', TODAY)) if (i++ % 2 === 0) daily.set(day, cost);
    const spike = spikeOf({ daily: withDay(TODAY, 1200, daily), firstDataDay: '2026-01-01', workdays: [1, 2, 3, 4, 5], budget: 100_000 }, TODAY);
    assert.deepEqual(spike, { spend: 1200, usual: 150 });
  });

  void it('say so when the usual workday spends nothing, and leave out an unknown top model', () => {
    const quiet = new Map([[TODAY, 1500]]);
    const d = evaluateAlerts(input({ daily: quiet }));
    assert.equal(d.alerts[0]?.message, 'Token Budget: spending spike today: $1,500.00 so far, while your usual workday spends nothing.');
  });

  void it('forget spike days after two weeks', () => {
    const d = evaluateAlerts(input({ memory: { version: 1, years: {}, spikeDays: ['2026-06-01', '2026-07-01', '2026-07-10'] } }));
    assert.deepEqual(d.memory.spikeDays, ['2026-07-01', '2026-07-10']);
    assert.equal(NOW.getDate(), 15);
  });
});
