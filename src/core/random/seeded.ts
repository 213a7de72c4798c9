/**
 * A tiny seeded PRNG (mulberry32) for tests and benchmarks: the same seed always gives the same
 * sequence, so distribution tests are reproducible. Not for anything security-related.
 */

/** Creates a deterministic `random()` returning floats in [0, 1) from a 32-bit seed. */
export function createSeededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** Returns a uniform integer in [0, max) drawn from `random`. */
export function drawInt(random: () => number, max: number): number {
  return Math.min(max - 1, Math.floor(random() * max));
}
