import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { shareRuns } from '../../../src/sources/localLogs/scanner';

void describe('shareRuns: how a shared scan splits its files between the two threads', () => {
  void it('alternates runs, this thread first, covering every file once in path order, each run holding a file', () => {
    const sizes = Array.from({ length: 200 }, (_, i) => 1000 + ((i * 7919) % 5000));
    const total = sizes.reduce((a, b) => a + b, 0);
    const runs = shareRuns(sizes, total);
    assert.equal(runs[0]?.from, 0);
    assert.equal(runs.at(-1)?.to, sizes.length);
    runs.forEach((r, k) => {
      assert.ok(r.to > r.from, `run ${k} holds a file`);
      assert.equal(r.mine, k % 2 === 0, `run ${k} alternates`);
      if (k > 0) assert.equal(r.from, runs[k - 1]?.to, `run ${k} starts where the last ended`);
    });
    // Several rounds (only a run's worth of the parser thread's entries waits), this thread reading a bit less than half.
    assert.ok(runs.length >= 12, `${runs.length} runs`);
    const mine = runs.filter((r) => r.mine).reduce((s, r) => s + sizes.slice(r.from, r.to).reduce((a, b) => a + b, 0), 0);
    assert.ok(mine / total > 0.35 && mine / total < 0.5, `this thread reads ${((100 * mine) / total).toFixed(1)}%`);
  });

  void it('gives a file larger than a round a run of its own (the files after it one run each, alternating), and two files one each', () => {
    assert.deepEqual(shareRuns([100, 1, 1], 102).map((r) => [r.from, r.to, r.mine]), [[0, 1, true], [1, 2, false], [2, 3, true]]);
    assert.deepEqual(shareRuns([5, 5], 10).map((r) => [r.from, r.to, r.mine]), [[0, 1, true], [1, 2, false]]);
  });
});
