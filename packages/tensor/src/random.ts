/**
 * The seeded random numbers of the repository's tests, benchmarks and apps: one place, so that a
 * seed means the same numbers everywhere. Not for cryptography, not a public API (exported from
 * `@losses/tensor/internal`, which is not semver-stable).
 */

/**
 * mulberry32 (Tommy Ettinger's 32-bit generator, public domain): a small deterministic uniform
 * generator on [0, 1) for a 32-bit seed, 2^32 values before it repeats. Each call returns the
 * next value, a multiple of 2^-32.
 */
export function mulberry32(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The linear congruential generator s <- 1664525 s + 1013904223 (mod 2^32) of Numerical Recipes
 * (Press et al., 2nd ed., section 7.1), as a uniform generator on [0, 1): each call returns s / 2^32
 * after one step from s = seed mod 2^32. Weaker than {@link mulberry32} (its low bits repeat with
 * short periods); kept because the inputs of the stft and mss tests and benchmarks were drawn
 * with it, and a seed must keep meaning the same signal.
 */
export function lcg32(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    return s / 4294967296;
  };
}

/**
 * `n` values of {@link lcg32}`(seed)` mapped to [-1, 1) as 2 u - 1 (exactly s / 2^31 - 1): the
 * noise signal of the stft and mss tests and benchmarks, as float64.
 */
export function lcgNoise(n: number, seed: number): Float64Array {
  const next = lcg32(seed);
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = 2 * next() - 1;
  return out;
}

/** A standard normal draw from a uniform generator (Box-Muller; 1 - u keeps the log finite). */
export function gaussian(uniform: () => number): number {
  return Math.sqrt(-2 * Math.log(1 - uniform())) * Math.cos(2 * Math.PI * uniform());
}
