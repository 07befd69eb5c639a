import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  addDaysKey,
  addMonthsKey,
  diffDaysKey,
  eachDayInfo,
  eachDayKey,
  fromDayKey,
  isDayKey,
  isoWeekday,
  isoWeekStartKey,
  LocalDayKeyCache,
  localDayKeyOfMs,
  maxDay,
  minDay,
  monthStartKey,
  toDayKey,
  todayKey,
  utcDayKey,
  utcDayKeyOfMs,
  utcDayStartMs,
  utcMsOfFields,
} from '../../../src/core/dates';

void describe('day keys', () => {
  void it('round-trips between keys and local midnights', () => {
    const d = fromDayKey('2026-11-27');
    assert.equal(d.getFullYear(), 2026);
    assert.equal(d.getDate(), 27);
    assert.equal(d.getHours(), 0);
    assert.equal(d.getMinutes(), 0);
    assert.equal(toDayKey(d), '2026-11-27');
    assert.equal(toDayKey(new Date(2026, 0, 5, 23, 59, 59)), '2026-01-05');
  });

  void it('validates strictly', () => {
    for (const good of ['2026-01-01', '2026-12-31', '2028-02-29', '2000-02-29']) {
      assert.equal(isDayKey(good), true, good);
    }
    for (const bad of ['2026-02-29', '2026-02-30', '2100-02-29', '2026-13-01', '2026-00-10', '2026-04-31', '2026-1-01', '26-01-01', ' 2026-01-01', '2026-01-01T00:00', '', 'yesterday']) {
      assert.equal(isDayKey(bad), false, bad);
    }
  });

  void it('refuses to convert an invalid key', () => {
    assert.throws(() => fromDayKey('2026-02-30'), RangeError);
    assert.throws(() => fromDayKey('2026/01/01'), RangeError);
  });

  void it('adds days across months, years and leap days', () => {
    assert.equal(addDaysKey('2026-01-31', 1), '2026-02-01');
    assert.equal(addDaysKey('2026-12-31', 1), '2027-01-01');
    assert.equal(addDaysKey('2028-02-28', 1), '2028-02-29');
    assert.equal(addDaysKey('2027-02-28', 1), '2027-03-01');
    assert.equal(addDaysKey('2026-03-01', -1), '2026-02-28');
    assert.equal(addDaysKey('2026-06-15', 0), '2026-06-15');
    assert.equal(addDaysKey('2026-01-01', 365), '2027-01-01');
  });

  void it('lists each day of a half-open range once', () => {
    assert.deepEqual(eachDayKey('2026-12-30', '2027-01-02'), ['2026-12-30', '2026-12-31', '2027-01-01']);
    assert.deepEqual(eachDayKey('2028-02-28', '2028-03-01'), ['2028-02-28', '2028-02-29']);
    assert.deepEqual(eachDayKey('2026-05-01', '2026-05-01'), []);
    assert.deepEqual(eachDayKey('2026-05-02', '2026-05-01'), []);
    assert.equal(eachDayKey('2026-01-01', '2027-01-01').length, 365);
    assert.equal(eachDayKey('2028-01-01', '2029-01-01').length, 366);
  });

  void it('gives each day its ISO weekday', () => {
    const info = eachDayInfo('2026-11-27', '2026-12-01');
    assert.deepEqual(info, [
      { key: '2026-11-27', weekday: 5 },
      { key: '2026-11-28', weekday: 6 },
      { key: '2026-11-29', weekday: 7 },
      { key: '2026-11-30', weekday: 1 },
    ]);
    assert.equal(isoWeekday('2026-11-29'), 7);
    assert.equal(isoWeekday('2028-02-29'), 2);
  });

  void it('counts calendar days between keys', () => {
    assert.equal(diffDaysKey('2027-01-01', '2026-01-01'), 365);
    assert.equal(diffDaysKey('2029-01-01', '2028-01-01'), 366);
    assert.equal(diffDaysKey('2026-01-01', '2026-01-03'), -2);
    assert.equal(diffDaysKey('2026-07-04', '2026-07-04'), 0);
  });

  void it('reads today in local time and provider days in UTC', () => {
    assert.equal(todayKey(new Date(2026, 10, 27, 0, 0, 1)), '2026-11-27');
    assert.equal(utcDayKey(new Date('2026-11-27T23:30:00-05:00')), '2026-11-28');
    assert.equal(utcDayKey(new Date('2026-11-28T00:30:00+09:00')), '2026-11-27');
    assert.throws(() => utcDayKey(new Date(Number.NaN)), RangeError);
  });

  void it('orders day keys', () => {
    assert.equal(minDay('2026-02-01', '2026-01-31'), '2026-01-31');
    assert.equal(maxDay('2026-02-01', '2026-01-31'), '2026-02-01');
  });

  void it('reads weekdays from the digits, strictly', () => {
    assert.equal(isoWeekday('0050-01-01'), 6); // not 1950
    assert.throws(() => isoWeekday('2026-02-30'), RangeError);
    assert.throws(() => isoWeekday('2026-1-1'), RangeError);
  });

  void it('finds the Monday of a week and the first of a month, and adds months', () => {
    assert.equal(isoWeekStartKey('2026-11-29'), '2026-11-23');
    assert.equal(isoWeekStartKey('2026-11-30'), '2026-11-30');
    assert.equal(isoWeekStartKey('2027-01-01'), '2026-12-28');
    assert.equal(monthStartKey('2026-11-27'), '2026-11-01');
    assert.equal(addMonthsKey('2026-12-01', 1), '2027-01-01');
    assert.equal(addMonthsKey('2026-01-31', 1), '2026-02-28');
  });

  void it('turns instants into UTC days and UTC days into instants', () => {
    assert.equal(utcDayKeyOfMs(Date.parse('2026-11-27T23:59:59.999Z')), '2026-11-27');
    assert.throws(() => utcDayKeyOfMs(Number.NaN), RangeError);
    assert.equal(utcDayStartMs('2026-11-27'), Date.parse('2026-11-27T00:00:00Z'));
    assert.ok(Number.isNaN(utcDayStartMs('2026-02-30')));
    assert.equal(utcMsOfFields(2026, 11, 27, 23, 59, 58, 125), Date.parse('2026-11-27T23:59:58.125Z'));
  });

  void it('gives the local day of an instant as toDayKey does, cached or not', () => {
    const cache = new LocalDayKeyCache();
    // Every 7 minutes 30 over three days around the 2026 autumn DST change, in this process's zone.
    for (let ms = Date.parse('2026-10-23T00:00:00Z'); ms < Date.parse('2026-10-27T00:00:00Z'); ms += 450_000) {
      const expected = toDayKey(new Date(ms));
      assert.equal(localDayKeyOfMs(ms), expected);
      assert.equal(cache.of(ms), expected);
      assert.equal(cache.of(ms - 1), toDayKey(new Date(ms - 1)));
    }
    const early = new Date(2000, 0, 1);
    early.setFullYear(50);
    assert.equal(localDayKeyOfMs(early.getTime()), '0050-01-01');
  });
});
