/**
 * A small seeded pseudo-random generator, so that every experiment of this package is
 * reproducible bit for bit for a seed, on every platform and Node version.
 *
 * xoshiro128** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021), its 128-bit state derived from (seed, stream) by the splitmix32
 * finaliser. All arithmetic is 32-bit integer arithmetic (`Math.imul`, shifts), which JavaScript
 * defines exactly.
 */

/** A seeded generator: `uint32()` draws 32 random bits, `float()` a uniform double in [0, 1). */
export interface Rng {
  /** The next 32 random bits as an unsigned integer in [0, 2^32). */
  uint32(): number;
  /** A uniform double in [0, 1) with 53 random bits. */
  float(): number;
  /** A uniform double in [lo, hi). */
  uniform(lo: number, hi: number): number;
}

function rotl(x: number, k: number): number {
  return (x << k) | (x >>> (32 - k));
}

/**
 * xoshiro128** over an explicit 128-bit state `[s0, s1, s2, s3]` (not all zero). Exposed for the
 * reference test vectors; use {@link createRng} to seed from an integer.
 */
export function xoshiro128ss(state: readonly [number, number, number, number]): Rng {
  let s0 = state[0] | 0;
  let s1 = state[1] | 0;
  let s2 = state[2] | 0;
  let s3 = state[3] | 0;
  const uint32 = (): number => {
    const result = Math.imul(rotl(Math.imul(s1, 5), 7), 9) >>> 0;
    const t = s1 << 9;
    s2 ^= s0;
    s3 ^= s1;
    s1 ^= s2;
    s0 ^= s3;
    s2 ^= t;
    s3 = rotl(s3, 11);
    return result;
  };
  const float = (): number => {
    const a = uint32() >>> 5; // 27 bits
    const b = uint32() >>> 6; // 26 bits
    return (a * 67108864 + b) / 9007199254740992;
  };
  return { uint32, float, uniform: (lo, hi) => lo + (hi - lo) * float() };
}

/** The splitmix32 / murmur3 finaliser: a bijection of 32-bit integers with good avalanche. */
function mix32(x: number): number {
  let z = x | 0;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return (z ^ (z >>> 16)) >>> 0;
}

/**
 * A generator seeded from a non-negative safe integer `seed` and a stream number `stream`
 * (a non-negative 32-bit integer, default 0): each of the four state words of xoshiro128** is
 * mix32(lo + k phi) ^ mix32(hi + k phi + 1) ^ mix32(stream + k phi + 2) (k = 0..3, phi the 32-bit
 * golden ratio, lo / hi the low and high 32 bits of the seed), so every (seed, stream) pair starts
 * its own sequence. `sinusoidGra` uses one stream per trial, which makes trials independent of how
 * they are split into chunks.
 */
export function createRng(seed: number, stream = 0): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  const words: number[] = [];
  for (let k = 0; k < 4; k++) {
    const g = Math.imul(k, 0x9e3779b9);
    words.push((mix32(lo + g) ^ mix32(hi + g + 0x3c6ef372) ^ mix32(stream + g + 0x78dde6e4)) >>> 0);
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return xoshiro128ss(words as [number, number, number, number]);
}
