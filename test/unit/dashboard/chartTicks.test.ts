import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fitTicks } from '../../../webview/chartSetup';

void describe('day axis ticks', () => {
  // A year's month starts (days 0, 30, 61, …, 275 is 1 Jan), each label 25 px wide, "Jan 2027" 55 px.
  const months = [0, 30, 61, 91, 122, 153, 183, 214, 244, 275, 306, 334];
  const width = (i: number) => (i === 275 ? 55 : 25);

  void it('keeps every tick where the labels have room', () => {
    assert.deepEqual(fitTicks(months, 365, 1200, width), months);
  });

  void it('keeps every second or third where they would run into each other, always the one with the year', () => {
    const narrow = fitTicks(months, 365, 380, width);
    assert.ok(narrow.length < months.length && narrow.length >= 4, `${narrow.join(', ')}`);
    assert.ok(narrow.includes(275), 'the new year stays');
    const perDay = 380 / 365;
    for (let k = 1; k < narrow.length; k++) assert.ok(((narrow[k] ?? 0) - (narrow[k - 1] ?? 0)) * perDay >= 25, `${narrow[k - 1]} and ${narrow[k]} apart`);
  });

  void it('keeps one tick when even two do not fit, and the ticks as they are without a width', () => {
    assert.deepEqual(fitTicks(months, 365, 40, width), [275]);
    assert.deepEqual(fitTicks(months, 365, 0, width), months);
  });
});
