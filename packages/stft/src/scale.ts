/**
 * Frame scaling: every frame is transformed as accurately as if alone by scaling it with an exact
 * power of two before it shares a transform (and its spectrum back after); powers of two do not
 * round, so this changes nothing but the rounding a frame picks up from its partner, and nothing
 * overflows or underflows inside a transform.
 */

/**
 * The power of two u with u <= m < 2 u (2^-1022 for a positive m below the normal range, 0 for
 * m = 0): a frame scaled by 1 / u has its largest value in [1, 2), exactly (no rounding).
 */
export function powerOfTwoScale(m: number): number {
  if (!(m > 0)) return 0;
  if (m < MIN_NORMAL) return MIN_NORMAL;
  word[0] = m;
  halves[LOW] = 0;
  halves[1 - LOW]! &= 0x7ff00000;
  return word[0]!;
}

/** The sizes whose frames lose nothing unscaled: largest values in [2^-498, 2^500]. */
export function inPlainRange(m: number): boolean {
  return m >= 2 ** -498 && m <= 2 ** 500;
}

/**
 * The scales of two frames sharing a transform (wasm/stft.wat's $scales), from their largest
 * |values| m1, m2, into out = [t1, t2, u1, u2]: u the power of two with u <= m < 2 u, t = 1 / u
 * (both 0 for m = 0), except that frames of like size lose nothing unscaled and get t = 1, u = 1
 * (0 for a silent frame): their largest values within a factor 4 of each other (or one of them
 * silent), in [2^-498, 2^500]. Returns whether they are of like size.
 */
export function frameScales(m1: number, m2: number, out: Float64Array): boolean {
  const u1 = powerOfTwoScale(m1);
  const u2 = powerOfTwoScale(m2);
  const big = Math.max(u1, u2);
  const like = (u1 === 0 || u2 === 0 || (u1 <= 2 * u2 && u2 <= 2 * u1)) && inPlainRange(big);
  if (like) {
    out[0] = 1;
    out[1] = 1;
    out[2] = u1 > 0 ? 1 : 0;
    out[3] = u2 > 0 ? 1 : 0;
  } else {
    out[0] = u1 > 0 ? 1 / u1 : 0;
    out[1] = u2 > 0 ? 1 / u2 : 0;
    out[2] = u1;
    out[3] = u2;
  }
  return like;
}

const MIN_NORMAL = 2.2250738585072014e-308;
const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
/** Index of the low 32 bits of a float64 in `halves` (0 on little-endian machines). */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;
