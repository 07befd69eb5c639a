import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { fetchOnOwn } from '../../../src/state/standalone';

void describe('a window fetching on its own (no coordination possible)', () => {
  void it('refreshes every interval, reading the interval at each check', async () => {
    const reasons: string[] = [];
    let intervalMs = 100;
    const own = fetchOnOwn({ refresh: (r) => (reasons.push(r), Promise.resolve()), intervalMs: () => intervalMs, checkMs: 10 });
    await sleep(560);
    const first = reasons.length;
    assert.ok(first >= 4 && first <= 6, `about one refresh per 100 ms in 560 ms: ${first}`);
    assert.ok(reasons.every((r) => r === 'interval'));
    intervalMs = 60_000; // the setting changed: no more refreshes for a minute
    await sleep(250);
    assert.ok(reasons.length <= first + 1, `${reasons.length} after the interval grew`);
    own.dispose();
  });

  void it('counts a clock set back as due, and stops when disposed', async () => {
    let clock = 1_000_000;
    let count = 0;
    const own = fetchOnOwn({ refresh: () => (count++, Promise.resolve()), intervalMs: () => 3_600_000, checkMs: 10, now: () => clock });
    await sleep(50);
    assert.equal(count, 0, 'an hour is not up');
    clock -= 3_600_000; // set back an hour
    await sleep(50);
    assert.equal(count, 1);
    own.dispose();
    clock += 10 * 3_600_000;
    await sleep(50);
    assert.equal(count, 1, 'disposed: no more refreshes');
  });
});
