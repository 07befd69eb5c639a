import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { computeStatus } from '../../../src/core/budget';
import { makeInputs, settingYear, steadyDaily } from './helpers';

const APRIL_YEAR = settingYear('2026-04-01', '2027-04-01'); // 2026-04-01 is a Wednesday

void describe('computeStatus', () => {
  void it('on the first day of the year counts one day and gives the whole budget to the workdays', () => {
    const s = computeStatus(makeInputs({ year: APRIL_YEAR, today: '2026-04-01', budget: 261_000, daily: new Map([['2026-04-01', 500]]) }));
    assert.equal(s.daysElapsed, 1);
    assert.equal(s.daysInYear, 365);
    assert.equal(s.workdaysInYear, 261);
    assert.equal(s.workdaysElapsed, 1);
    assert.equal(s.workdaysRemaining, 261);
    assert.equal(s.spent, 500);
    assert.equal(s.ideal, 1000);
    assert.equal(s.pace, -500);
    assert.equal(s.pacePercent, -50);
    assert.equal(s.perWorkdayLeft, (261_000 - 500) / 261);
  });

  void it('on a first day that is not a workday has an ideal of 0 and no pace percentage', () => {
    const s = computeStatus(makeInputs({ year: settingYear('2028-01-01', '2029-01-01'), today: '2028-01-01', budget: 260_000 })); // a Saturday
    assert.equal(s.daysInYear, 366);
    assert.equal(s.workdaysInYear, 260);
    assert.equal(s.workdaysElapsed, 0);
    assert.equal(s.ideal, 0);
    assert.equal(s.pacePercent, null);
    assert.equal(s.perWorkdayLeft, 1000);
  });

  void it('counts only the spend inside the year up to today', () => {
    const daily = new Map([
      ['2026-03-31', 1_000_000], // before the year
      ['2026-04-01', 100],
      ['2026-11-27', 20], // today
      ['2026-11-28', 5_000], // tomorrow (already reported by a provider in another time zone)
    ]);
    const s = computeStatus(makeInputs({ year: APRIL_YEAR, today: '2026-11-27', budget: 250_000, daily }));
    assert.equal(s.spent, 120);
    assert.equal(s.remaining, 249_880);
    assert.equal(s.daysElapsed, 241);
  });

  void it('computes pace against the workday-based ideal line', () => {
    const year = settingYear('2026-01-01', '2027-01-01');
    // Monday 2026-03-02: Jan 1–Mar 2 has 43 workdays (today included); 2026 has 261.
    const daily = steadyDaily('2026-01-01', '2026-03-03', 1500);
    const s = computeStatus(makeInputs({ year, today: '2026-03-02', budget: 261_000, daily }));
    assert.equal(s.workdaysElapsed, 43);
    assert.equal(s.workdaysRemaining, 261 - 42);
    assert.equal(s.spent, 43 * 1500);
    assert.equal(s.ideal, 43_000);
    assert.equal(s.pace, 43 * 500);
    assert.equal(s.pacePercent, 50);
    assert.equal(s.perWorkdayLeft, (261_000 - 64_500) / 219);
  });

  void it('with no spend is behind pace by the whole ideal', () => {
    const s = computeStatus(makeInputs({ today: '2026-07-01', budget: 261_000 }));
    assert.equal(s.spent, 0);
    assert.equal(s.percent, 0);
    assert.equal(s.remaining, 261_000);
    assert.ok(s.ideal !== null && s.ideal > 0);
    assert.equal(s.pace, -(s.ideal ?? 0));
  });

  void it('over the budget has a negative remainder and more than 100 %', () => {
    const daily = new Map([['2026-02-02', 150_000]]);
    const s = computeStatus(makeInputs({ today: '2026-06-01', budget: 100_000, daily }));
    assert.equal(s.remaining, -50_000);
    assert.equal(s.percent, 150);
    assert.ok((s.perWorkdayLeft ?? 0) < 0);
  });

  void it('without a budget reports spend and calendar only', () => {
    const s = computeStatus(makeInputs({ today: '2026-06-01', budget: null, daily: new Map([['2026-05-01', 42]]) }));
    assert.equal(s.spent, 42);
    for (const field of ['budget', 'remaining', 'percent', 'ideal', 'pace', 'pacePercent', 'perWorkdayLeft'] as const) {
      assert.equal(s[field], null, field);
    }
    assert.equal(s.workdaysInYear, 261);
  });

  void it('before the year has elapsed nothing', () => {
    const s = computeStatus(makeInputs({ year: APRIL_YEAR, today: '2026-03-15', daily: new Map([['2026-03-15', 10]]) }));
    assert.equal(s.spent, 0);
    assert.equal(s.daysElapsed, 0);
    assert.equal(s.workdaysElapsed, 0);
    assert.equal(s.workdaysRemaining, 261);
    assert.equal(s.ideal, 0);
  });

  void it('after the year has elapsed everything', () => {
    const daily = new Map([
      ['2027-03-31', 10],
      ['2027-04-01', 99],
    ]);
    const s = computeStatus(makeInputs({ year: APRIL_YEAR, today: '2027-05-01', budget: 1000, daily }));
    assert.equal(s.spent, 10);
    assert.equal(s.daysElapsed, 365);
    assert.equal(s.workdaysElapsed, 261);
    assert.equal(s.workdaysRemaining, 0);
    assert.equal(s.perWorkdayLeft, null);
    assert.equal(s.ideal, 1000);
  });

  void it('on the last day of the year has one workday left when it is one', () => {
    const s = computeStatus(makeInputs({ year: APRIL_YEAR, today: '2027-03-31', budget: 1000 })); // a Wednesday
    assert.equal(s.workdaysRemaining, 1);
    assert.equal(s.perWorkdayLeft, 1000);
    assert.equal(s.daysElapsed, 365);
  });

  void it('uses Monday–Friday when the workdays are empty', () => {
    const s = computeStatus(makeInputs({ today: '2026-06-01', workdays: [] }));
    assert.equal(s.workdaysInYear, 261);
  });
});
