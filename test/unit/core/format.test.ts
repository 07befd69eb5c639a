import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatDayLong, formatDayShort, formatDaySpoken, formatDayWithWeekday, formatMonth, formatPercent, formatTokens, formatUsd, formatUsdCompact, localDayOf, round2 } from '../../../src/core/format';

void describe('format', () => {
  void it('writes dollars with cents', () => {
    assert.equal(formatUsd(48213.55), '$48,213.55');
    assert.equal(formatUsd(0), '$0.00');
    assert.equal(formatUsd(1_250_000), '$1,250,000.00');
    assert.equal(formatUsd(-12), '-$12.00');
    assert.equal(formatUsd(-0.001), '$0.00');
    assert.equal(formatUsd(0.125), '$0.13');
  });

  void it('writes compact dollars with three significant digits', () => {
    const cases: [number, string][] = [
      [0, '$0'],
      [4.2, '$4.20'],
      [9.999, '$10'],
      [950, '$950'],
      [999.4, '$999'],
      [999.6, '$1k'],
      [1234, '$1.23k'],
      [12_000, '$12k'],
      [48_213.55, '$48.2k'],
      [120_000, '$120k'],
      [999_960, '$1M'],
      [1_250_000, '$1.25M'],
      [3_400_000_000, '$3.4B'],
      [999_999_000_000, '$1T'],
      [1_200_000_000_000, '$1.2T'],
      [-48_300_000_000_000, '-$48.3T'],
      [-48_213.55, '-$48.2k'],
      [-950, '-$950'],
      // Halves round up whatever their binary form (9.995 is 9.99499… as a double).
      [1005, '$1.01k'],
      [1015, '$1.02k'],
      [9995, '$10k'],
      [99_950, '$100k'],
    ];
    for (const [n, text] of cases) {
      assert.equal(formatUsdCompact(n), text, String(n));
    }
  });

  void it('writes percentages', () => {
    assert.equal(formatPercent(19.29), '19%');
    assert.equal(formatPercent(19.29, 2), '19.29%');
    assert.equal(formatPercent(150), '150%');
    assert.equal(formatPercent(-0.2), '0%');
    assert.equal(formatPercent(-12.6), '-13%');
  });

  void it('writes days', () => {
    assert.equal(formatDayShort('2026-09-14'), '14 Sep');
    assert.equal(formatDayLong('2026-09-14'), '14 Sep 2026');
    assert.equal(formatDayShort('2028-02-29'), '29 Feb');
    assert.equal(formatDayLong('2027-01-05'), '5 Jan 2027');
    assert.equal(formatDayWithWeekday('2026-09-14'), 'Mon 14 Sep 2026');
    assert.equal(formatDaySpoken('2026-09-14'), 'Monday 14 September 2026');
    assert.equal(formatMonth('2026-09-14'), 'Sep');
    assert.equal(formatMonth('2027-01-05', true), 'Jan 2027');
  });

  void it('names the local calendar day of an instant', () => {
    assert.equal(localDayOf(new Date(2026, 11, 1, 0, 30).toISOString()), '2026-12-01');
    assert.equal(localDayOf(new Date(2026, 10, 30, 23, 59).toISOString()), '2026-11-30');
    assert.equal(localDayOf('not a date'), undefined);
  });

  void it('writes token counts', () => {
    assert.equal(formatTokens(51_000_000), '51.0M');
    assert.equal(formatTokens(2100), '2.1k');
    assert.equal(formatTokens(812), '812');
    assert.equal(formatTokens(999_960), '1.0M');
    assert.equal(formatTokens(1_200_000_000), '1.2B');
    assert.equal(formatTokens(999_960_000_000), '1.0T');
    assert.equal(formatTokens(34_645_500_000_000), '34.6T');
    assert.equal(formatTokens(0), '0');
  });

  void it('rounds machine values to cents', () => {
    assert.equal(round2(48213.554), 48213.55);
    assert.equal(round2(0.125), 0.13);
    assert.equal(round2(-2.345), -2.35);
    assert.equal(round2(19.2857), 19.29);
    assert.ok(Object.is(round2(-0.001), 0));
  });
});
