/**
 * Calendar tests that must hold in any time zone, registered by one test file per zone (each test
 * file runs in its own process, so the zone set at its top applies to the whole file).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { differenceInHours } from 'date-fns';
import { computeStatus } from '../../../src/core/budget';
import { budgetYearFromSetting } from '../../../src/core/budgetYear';
import { addDaysKey, diffDaysKey, eachDayKey, fromDayKey, isoWeekday, toDayKey, todayKey, utcDayKey } from '../../../src/core/dates';
import { project } from '../../../src/core/projection';
import { countWorkdays } from '../../../src/core/workdays';
import { makeInputs, MON_FRI, steadyDaily } from './helpers';

export interface ZoneCase {
  readonly zone: string;
  /** Minutes behind UTC on 2026-07-01 (what getTimezoneOffset returns), to prove the zone is in effect. */
  readonly julyOffsetMinutes: number;
  /** A local day that is 23 hours long (spring forward) and one that is 25 hours long (fall back). */
  readonly shortDay: string;
  readonly longDay: string;
  /** The local day of the instant 2026-03-08T03:30:00Z. */
  readonly localDayOfInstant: string;
}

function assertConsecutive(days: readonly string[]): void {
  assert.equal(new Set(days).size, days.length, 'a day appears twice');
  for (let i = 1; i < days.length; i++) {
    assert.equal(diffDaysKey(days[i] ?? '', days[i - 1] ?? ''), 1, `${days[i - 1]} → ${days[i]}`);
  }
}

export function registerZoneTests(c: ZoneCase): void {
  void describe(`calendar in ${c.zone}`, () => {
    void it('runs in the intended zone, with DST', () => {
      assert.equal(process.env.TZ, c.zone);
      assert.equal(new Date(2026, 6, 1, 12).getTimezoneOffset(), c.julyOffsetMinutes);
      assert.equal(differenceInHours(fromDayKey(addDaysKey(c.shortDay, 1)), fromDayKey(c.shortDay)), 23);
      assert.equal(differenceInHours(fromDayKey(addDaysKey(c.longDay, 1)), fromDayKey(c.longDay)), 25);
    });

    void it('lists each day once across both transitions', () => {
      for (const pivot of [c.shortDay, c.longDay, '2026-03-08', '2026-10-25', '2026-11-01']) {
        const days = eachDayKey(addDaysKey(pivot, -10), addDaysKey(pivot, 10));
        assert.equal(days.length, 20);
        assert.equal(days.filter((d) => d === pivot).length, 1);
        assertConsecutive(days);
      }
      const year = eachDayKey('2026-01-01', '2027-01-01');
      assert.equal(year.length, 365);
      assertConsecutive(year);
      assert.ok(year.every((d) => toDayKey(fromDayKey(d)) === d));
    });

    void it('steps one day at a time through the transitions', () => {
      let day = '2026-01-01';
      const seen: string[] = [];
      while (day < '2027-01-01') {
        seen.push(day);
        day = addDaysKey(day, 1);
      }
      assert.deepEqual(seen, eachDayKey('2026-01-01', '2027-01-01'));
      assert.equal(addDaysKey(c.shortDay, 1) > c.shortDay, true);
      assert.equal(diffDaysKey(addDaysKey(c.longDay, 1), c.longDay), 1);
      assert.equal(diffDaysKey(addDaysKey(c.shortDay, 2), addDaysKey(c.shortDay, -1)), 3);
    });

    void it('counts weekdays and workdays across the transitions', () => {
      assert.equal(isoWeekday('2026-03-08'), 7);
      assert.equal(isoWeekday('2026-10-25'), 7);
      assert.equal(isoWeekday('2026-03-09'), 1);
      assert.equal(countWorkdays('2026-03-01', '2026-04-01', MON_FRI), 22);
      assert.equal(countWorkdays('2026-10-01', '2026-11-10', MON_FRI), 28);
      assert.equal(countWorkdays('2026-01-01', '2027-01-01', MON_FRI), 261);
    });

    void it('keeps budget years, status and projection on whole days', () => {
      assert.deepEqual(budgetYearFromSetting('03-08', '2026-03-08'), { start: '2026-03-08', end: '2027-03-08', origin: 'setting' });
      const status = computeStatus(makeInputs({ today: '2026-11-02', daily: steadyDaily('2026-01-01', '2026-11-03', 100) }));
      assert.equal(status.daysElapsed, 306);
      assert.equal(status.workdaysElapsed, 218);
      assert.equal(status.spent, 218 * 100);
      const p = project(makeInputs({ today: '2026-03-01', daily: steadyDaily('2026-01-01', '2026-03-02', 100) }));
      assert.equal(p.path.length, 305);
      assertConsecutive(p.path.map((d) => d.date));
    });

    void it('reads local days locally and provider days in UTC', () => {
      const instant = new Date('2026-03-08T03:30:00Z');
      assert.equal(utcDayKey(instant), '2026-03-08');
      assert.equal(toDayKey(instant), c.localDayOfInstant);
      assert.equal(todayKey(new Date(2026, 2, 8, 23, 30)), '2026-03-08');
      assert.equal(todayKey(new Date(2026, 9, 25, 0, 30)), '2026-10-25');
    });
  });
}
