/**
 * A small seeded pseudo-random generator, so that every experiment of this package is
 * reproducible bit for bit for a seed, on every platform and Node version.
 *
 * xoshiro128** 1.0 (Blackman & Vigna, "Scrambled linear pseudorandom number generators",
 * ACM TOMS 47(4), 2021), its 128-bit state seeded from the seed by splitmix32. All arithmetic is
 * 32-bit integer arithmetic (`Math.imul`, shifts), which JavaScript defines exactly.
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

/** splitmix32: one step of a Weyl sequence through a 32-bit mixer; returns [output, next state]. */
function splitmix32(state: number): [number, number] {
  const next = (state + 0x9e3779b9) | 0;
  let z = next;
  z = Math.imul(z ^ (z >>> 16), 0x85ebca6b);
  z = Math.imul(z ^ (z >>> 13), 0xc2b2ae35);
  return [(z ^ (z >>> 16)) >>> 0, next];
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

/**
 * A generator seeded from a non-negative safe integer: the low and high 32 bits of the seed are
 * mixed by splitmix32 into the four state words of xoshiro128**.
 */
export function createRng(seed: number): Rng {
  const lo = seed >>> 0;
  const hi = Math.floor(seed / 4294967296) >>> 0;
  let st = lo ^ Math.imul(hi, 0x632be5ab);
  const words: number[] = [];
  for (let i = 0; i < 4; i++) {
    const [out, next] = splitmix32(st);
    words.push(out);
    st = next;
  }
  if ((words[0]! | words[1]! | words[2]! | words[3]!) === 0) words[0] = 1;
  return xoshiro128ss(words as [number, number, number, number]);
}
