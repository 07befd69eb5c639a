import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { mulberry32, standardNormal } from '../../../src/core/random';
import { mean, nearestRank, quantileSorted, quantilesInPlace, rankQuantileSorted, selectInPlace } from '../../../src/core/stats';

void describe('random', () => {
  void it('repeats for a seed and differs between seeds', () => {
    const a = mulberry32(42);
    const b = mulberry32(42);
    const c = mulberry32(43);
    const seqA = Array.from({ length: 5 }, a);
    assert.deepEqual(seqA, Array.from({ length: 5 }, b));
    assert.notDeepEqual(seqA, Array.from({ length: 5 }, c));
    assert.ok(seqA.every((x) => x >= 0 && x < 1));
  });

  void it('draws standard normals', () => {
    const random = mulberry32(1);
    const zs = Array.from({ length: 20_000 }, () => standardNormal(random));
    const m = mean(zs);
    const sd = Math.sqrt(mean(zs.map((z) => (z - m) ** 2)));
    assert.ok(Math.abs(m) < 0.03, `mean ${m}`);
    assert.ok(Math.abs(sd - 1) < 0.03, `sd ${sd}`);
    assert.ok(zs.every(Number.isFinite));
  });
});

void describe('quantiles', () => {
  void it('interpolates on sorted values and ranks without interpolating', () => {
    assert.equal(quantileSorted([10, 20, 30, 40, 50], 0.5), 30);
    assert.equal(quantileSorted([10, 20], 0.5), 15);
    assert.equal(rankQuantileSorted([1, 2, 3, 4], 0.1), 1);
    assert.equal(rankQuantileSorted([1, 2, 3, 4], 0.9), 4);
    // "Never" (+∞) for half the values makes the median "never".
    assert.equal(rankQuantileSorted([1, 2, Infinity, Infinity], 0.5), Infinity);
    assert.equal(rankQuantileSorted([1, 2, 3, Infinity], 0.5), 3);
    assert.equal(mean([]), 0);
  });

  void it('selects the same order statistics a sort gives', () => {
    const random = mulberry32(9);
    for (const n of [1, 2, 3, 10, 101, 400]) {
      const values = Float64Array.from({ length: n }, () => Math.floor(random() * 20)); // many ties
      const sorted = values.slice().sort();
      for (const k of [0, Math.floor(n / 3), n - 1]) {
        const copy = values.slice();
        selectInPlace(copy, k);
        assert.equal(copy[k], sorted[k], `n=${n} k=${k}`);
        assert.ok(copy.subarray(0, k).every((v) => v <= (copy[k] ?? 0)));
        assert.ok(copy.subarray(k + 1).every((v) => v >= (copy[k] ?? 0)));
      }
      const ps = [0.1, 0.5, 0.9];
      assert.deepEqual(
        quantilesInPlace(values.slice(), ps),
        ps.map((p) => sorted[Math.round(p * (n - 1))]), // the nearest rank, written out
      );
    }
    // The ranks themselves: the 10th, 50th and 90th percentile of 400 simulations.
    assert.deepEqual([0.1, 0.5, 0.9].map((p) => nearestRank(400, p)), [40, 200, 359]);
    assert.deepEqual([nearestRank(1, 0.9), nearestRank(2, 0.5), nearestRank(101, 0.5)], [0, 1, 50]);
  });
});
