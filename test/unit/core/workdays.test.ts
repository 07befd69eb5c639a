import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { addDaysKey, eachDayKey } from '../../../src/core/dates';
import { countWorkdays, isWorkday, normalizeWorkdays } from '../../../src/core/workdays';
import { MON_FRI } from './helpers';

/** The obvious O(days) count, to check the fast one against. */
function bruteForceCount(start: string, endExclusive: string, workdays: readonly number[]): number {
  return eachDayKey(start, endExclusive).filter((d) => isWorkday(d, workdays)).length;
}

void describe('workdays', () => {
  void it('knows a workday', () => {
    assert.equal(isWorkday('2026-11-27', MON_FRI), true); // Friday
    assert.equal(isWorkday('2026-11-28', MON_FRI), false); // Saturday
    assert.equal(isWorkday('2026-11-28', [6]), true);
  });

  void it('counts known ranges', () => {
    assert.equal(countWorkdays('2026-01-01', '2027-01-01', MON_FRI), 261);
    assert.equal(countWorkdays('2028-01-01', '2029-01-01', MON_FRI), 260); // 2028 starts on a Saturday
    assert.equal(countWorkdays('2026-11-23', '2026-11-30', MON_FRI), 5);
    assert.equal(countWorkdays('2026-11-28', '2026-11-30', MON_FRI), 0);
    assert.equal(countWorkdays('2026-11-27', '2026-11-28', MON_FRI), 1);
    assert.equal(countWorkdays('2026-11-27', '2026-11-27', MON_FRI), 0);
    assert.equal(countWorkdays('2026-11-27', '2026-11-01', MON_FRI), 0);
    assert.equal(countWorkdays('2026-01-01', '2027-01-01', [1, 2, 3, 4, 5, 6, 7]), 365);
    assert.equal(countWorkdays('2026-01-01', '2027-01-01', []), 0);
  });

  void it('agrees with a day-by-day count for many ranges and workday sets', () => {
    const sets = [MON_FRI, [1], [7], [6, 7], [2, 4, 6], [1, 2, 3, 4, 5, 6, 7], [3, 3, 9]];
    let start = '2027-12-20';
    for (let i = 0; i < 60; i++) {
      const length = (i * 37) % 61;
      const end = addDaysKey(start, length);
      for (const set of sets) {
        assert.equal(countWorkdays(start, end, set), bruteForceCount(start, end, set), `${start}..${end} ${set.join(',')}`);
      }
      start = addDaysKey(start, 5);
    }
  });

  void it('counts a ten-year span exactly', () => {
    assert.equal(countWorkdays('2020-01-01', '2030-01-01', MON_FRI), bruteForceCount('2020-01-01', '2030-01-01', MON_FRI));
  });

  void it('normalizes the setting', () => {
    assert.deepEqual(normalizeWorkdays([5, 1, 1, 3]), [1, 3, 5]);
    assert.deepEqual(normalizeWorkdays([0, 8, 2.5, '1', 7, null]), [7]);
    assert.deepEqual(normalizeWorkdays([]), [1, 2, 3, 4, 5]);
    assert.deepEqual(normalizeWorkdays([0, 'x']), [1, 2, 3, 4, 5]);
    assert.deepEqual(normalizeWorkdays('1,2'), [1, 2, 3, 4, 5]);
    assert.deepEqual(normalizeWorkdays(undefined), [1, 2, 3, 4, 5]);
  });
});
