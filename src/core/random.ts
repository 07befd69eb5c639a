/**
 * A small seeded pseudo-random generator, so projections are deterministic.
 */

/** A source of uniform numbers in [0, 1). */
export type Random = () => number;

/** mulberry32: a fast 32-bit seeded generator, good enough for a bootstrap. */
export function mulberry32(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A standard normal variate (Box–Muller transform). */
export function standardNormal(random: Random): number {
  const u = 1 - random(); // (0, 1], so the logarithm is finite
  const v = random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * v);
}

/** A uniform integer in [0, n). */
export function randomIndex(random: Random, n: number): number {
  return Math.floor(random() * n);
}
