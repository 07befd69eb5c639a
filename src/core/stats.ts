/**
 * Small statistics helpers for the projection: means and quantiles.
 */

/** The arithmetic mean; 0 for an empty sample. */
export function mean(sample: readonly number[]): number {
  return sample.length === 0 ? 0 : sample.reduce((a, b) => a + b, 0) / sample.length;
}

/** Quantile `p` (0..1) of ascending `sorted` (non-empty), interpolating linearly between ranks. */
export function quantileSorted(sorted: ArrayLike<number>, p: number): number {
  const position = p * (sorted.length - 1);
  const lo = Math.floor(position);
  const hi = Math.min(lo + 1, sorted.length - 1);
  const a = sorted[lo] ?? 0;
  const b = sorted[hi] ?? 0;
  return a + (b - a) * (position - lo);
}

/**
 * Quantile `p` of ascending `sorted` (non-empty) by rank `floor(p × n)`, without interpolation:
 * for values that are not points on a line (days, or +∞ for "never"). With this rank the median
 * is +∞ as soon as half the values are.
 */
export function rankQuantileSorted(sorted: ArrayLike<number>, p: number): number {
  const index = Math.min(Math.floor(p * sorted.length), sorted.length - 1);
  return sorted[index] ?? Number.POSITIVE_INFINITY;
}

/**
 * Rearranges `a[left..right]` so that `a[k]` holds the value it would have if that range were
 * sorted, smaller-or-equal values before it and greater-or-equal after it (Hoare's quickselect,
 * expected linear time). Values must not be NaN.
 */
export function selectInPlace(a: Float64Array, k: number, left = 0, right = a.length - 1): void {
  let lo = left;
  let hi = right;
  while (hi > lo) {
    // Every index read below is inside [lo, hi], so the reads are defined.
    const pivot = a[(lo + hi) >>> 1]!;
    let i = lo;
    let j = hi;
    while (i <= j) {
      while (a[i]! < pivot) i++;
      while (a[j]! > pivot) j--;
      if (i <= j) {
        const t = a[i]!;
        a[i] = a[j]!;
        a[j] = t;
        i++;
        j--;
      }
    }
    if (k <= j) {
      hi = j;
    } else if (k >= i) {
      lo = i;
    } else {
      return;
    }
  }
}

/** The nearest rank, `round(p × (n − 1))`, of quantile `p` (0..1) among `n` values. */
export function nearestRank(n: number, p: number): number {
  return Math.round(p * (n - 1));
}

/**
 * Puts the order statistics `ranks[from..to)` (ascending, inside [lo, hi]) in place: selects the
 * middle rank, then the ranks on each side within their side only.
 */
function selectRanks(values: Float64Array, ranks: readonly number[], from: number, to: number, lo: number, hi: number): void {
  if (from >= to) {
    return;
  }
  const middle = (from + to) >>> 1;
  const k = ranks[middle]!; // from <= middle < to <= ranks.length
  selectInPlace(values, k, lo, hi);
  selectRanks(values, ranks, from, middle, lo, k - 1);
  selectRanks(values, ranks, middle + 1, to, k + 1, hi);
}

/**
 * Rearranges `values` so that each of `ranks` (ascending, distinct, inside the array) holds its
 * order statistic, as if `values` were sorted. Linear time for a few ranks.
 */
export function selectRanksInPlace(values: Float64Array, ranks: readonly number[]): void {
  selectRanks(values, ranks, 0, ranks.length, 0, values.length - 1);
}

/**
 * Nearest-rank quantiles of the non-empty `values` (reordered in place): the values at ranks
 * `round(p × (n − 1))` of their sorted order. Linear time: a partial selection instead of a sort.
 */
export function quantilesInPlace(values: Float64Array, ps: readonly number[]): number[] {
  const ranks = ps.map((p) => nearestRank(values.length, p));
  selectRanksInPlace(values, [...new Set(ranks)].sort((a, b) => a - b));
  return ranks.map((k) => values[k] ?? Number.NaN);
}
