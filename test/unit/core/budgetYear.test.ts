import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { budgetYearFromPeriod, budgetYearFromSetting, parseMonthDay, resolveBudget } from '../../../src/core/budgetYear';
import { addDaysKey, diffDaysKey } from '../../../src/core/dates';

void describe('parseMonthDay', () => {
  void it('accepts real month-days, including 29 February', () => {
    assert.deepEqual(parseMonthDay('04-01'), { month: 4, day: 1 });
    assert.deepEqual(parseMonthDay('12-31'), { month: 12, day: 31 });
    assert.deepEqual(parseMonthDay('02-29'), { month: 2, day: 29 });
  });

  void it('rejects anything else', () => {
    for (const bad of ['02-30', '04-31', '13-01', '00-10', '01-00', '4-1', '04/01', '2026-04-01', '', ' 04-01']) {
      assert.equal(parseMonthDay(bad), null, bad);
    }
  });
});

void describe('budgetYearFromSetting', () => {
  void it('finds the year that starts on a non-January date and contains today', () => {
    assert.deepEqual(budgetYearFromSetting('04-01', '2026-11-27'), { start: '2026-04-01', end: '2027-04-01', origin: 'setting' });
    assert.deepEqual(budgetYearFromSetting('04-01', '2026-03-31'), { start: '2025-04-01', end: '2026-04-01', origin: 'setting' });
    assert.deepEqual(budgetYearFromSetting('04-01', '2026-04-01'), { start: '2026-04-01', end: '2027-04-01', origin: 'setting' });
  });

  void it('is the calendar year for 01-01', () => {
    assert.deepEqual(budgetYearFromSetting('01-01', '2026-01-01'), { start: '2026-01-01', end: '2027-01-01', origin: 'setting' });
    assert.deepEqual(budgetYearFromSetting('01-01', '2026-12-31'), { start: '2026-01-01', end: '2027-01-01', origin: 'setting' });
  });

  void it('has 366 days when it contains 29 February', () => {
    const year = budgetYearFromSetting('01-01', '2028-06-01');
    assert.equal(diffDaysKey(year.end, year.start), 366);
    const april = budgetYearFromSetting('04-01', '2027-12-01');
    assert.deepEqual([april.start, april.end], ['2027-04-01', '2028-04-01']);
    assert.equal(diffDaysKey(april.end, april.start), 366);
    const plain = budgetYearFromSetting('04-01', '2028-12-01');
    assert.equal(diffDaysKey(plain.end, plain.start), 365);
  });

  void it('starts a "02-29" year on 02-28 in a year without 29 February, and the years tile', () => {
    const y2027 = budgetYearFromSetting('02-29', '2027-06-01');
    assert.deepEqual([y2027.start, y2027.end], ['2027-02-28', '2028-02-29']);
    assert.deepEqual(budgetYearFromSetting('02-29', '2028-02-28'), y2027);
    const y2028 = budgetYearFromSetting('02-29', '2028-02-29');
    assert.deepEqual([y2028.start, y2028.end], ['2028-02-29', '2029-02-28']);
    assert.equal(budgetYearFromSetting('02-29', '2029-02-27').start, '2028-02-29');
    assert.equal(budgetYearFromSetting('02-29', '2029-02-28').start, '2029-02-28');
  });

  void it('always contains today and tiles with the next year, for every day of several years', () => {
    for (const mmdd of ['01-01', '04-01', '02-29', '12-31']) {
      for (let today = '2026-12-01'; today < '2029-03-15'; today = addDaysKey(today, 3)) {
        const year = budgetYearFromSetting(mmdd, today);
        assert.ok(year.start <= today && today < year.end, `${mmdd} ${today}`);
        assert.deepEqual(budgetYearFromSetting(mmdd, year.end).start, year.end);
        const length = diffDaysKey(year.end, year.start);
        assert.ok(length >= 365 && length <= 366, `${mmdd} ${today}: ${length}`);
      }
    }
  });

  void it('refuses an invalid start', () => {
    assert.throws(() => budgetYearFromSetting('02-30', '2026-01-01'), RangeError);
  });
});

void describe('budgetYearFromPeriod', () => {
  void it('takes the gateway period as is', () => {
    assert.deepEqual(budgetYearFromPeriod('2026-04-01', '2027-04-01'), { start: '2026-04-01', end: '2027-04-01', origin: 'gateway' });
  });

  void it('refuses an empty or malformed period', () => {
    assert.throws(() => budgetYearFromPeriod('2026-04-01', '2026-04-01'), RangeError);
    assert.throws(() => budgetYearFromPeriod('2026-04-01', '2025-04-01'), RangeError);
    assert.throws(() => budgetYearFromPeriod('2026-04-31', '2027-04-01'), RangeError);
  });
});

void describe('resolveBudget', () => {
  const gateway = { amount: 250_000, periodStart: '2026-04-01', periodEnd: '2027-04-01' };

  void it('prefers a positive setting, with the year from budgetYearStart', () => {
    const r = resolveBudget({ annualBudget: 120_000, budgetYearStart: '01-01' }, gateway, '2026-11-27');
    assert.deepEqual(r, { year: { start: '2026-01-01', end: '2027-01-01', origin: 'setting' }, budget: 120_000, budgetOrigin: 'setting' });
  });

  void it("takes the gateway's budget and period when the setting is 0", () => {
    const r = resolveBudget({ annualBudget: 0, budgetYearStart: '01-01' }, gateway, '2026-11-27');
    assert.deepEqual(r, { year: { start: '2026-04-01', end: '2027-04-01', origin: 'gateway' }, budget: 250_000, budgetOrigin: 'gateway' });
  });

  void it('has no budget without either, and keeps the year from the setting', () => {
    const r = resolveBudget({ annualBudget: 0, budgetYearStart: '04-01' }, null, '2026-03-31');
    assert.deepEqual(r, { year: { start: '2025-04-01', end: '2026-04-01', origin: 'setting' }, budget: null, budgetOrigin: 'none' });
    const negative = resolveBudget({ annualBudget: -5, budgetYearStart: '04-01' }, { ...gateway, amount: 0 }, '2026-03-31');
    assert.equal(negative.budgetOrigin, 'none');
    assert.equal(negative.budget, null);
  });

  void it('falls back to 01-01 with a warning for an invalid budgetYearStart', () => {
    const r = resolveBudget({ annualBudget: 1000, budgetYearStart: '13-45' }, null, '2026-11-27');
    assert.deepEqual(r.year, { start: '2026-01-01', end: '2027-01-01', origin: 'setting' });
    assert.match(r.warning ?? '', /budgetYearStart/);
    assert.equal(resolveBudget({ annualBudget: 1000, budgetYearStart: '04-01' }, null, '2026-11-27').warning, undefined);
  });

  void it('ignores a gateway budget with an unusable period, with a warning', () => {
    const r = resolveBudget({ annualBudget: 0, budgetYearStart: '01-01' }, { amount: 5, periodStart: '2026-04-01', periodEnd: '2026-04-01' }, '2026-11-27');
    assert.equal(r.budgetOrigin, 'none');
    assert.equal(r.year.origin, 'setting');
    assert.match(r.warning ?? '', /gateway/);
  });
});
