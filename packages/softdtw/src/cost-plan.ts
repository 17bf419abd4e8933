/**
 * What a frame cost gives the recursion (a {@link CostPlan}: rows of C, rows of its
 * vector-Jacobian product, a bound on |C|), and the bounds of the built-in costs computed from the
 * frames' norms in O((N + M) D).
 */
import { MAX_PATH_BOUND } from './limits.js';
import type { PairCost } from './pair-cost.js';

/** One pair's cost, planned once: rows of C, and the VJP of rows (or of the whole matrix). */
export interface CostPlan {
  /**
   * An upper bound on |C(i, j)| over the pair, and on the intermediate sums the rows form (from
   * the frames' norms in O((N + M) D), exact for a user matrix); +inf when those sums could
   * overflow. The recursion's range check (limits.ts) reads it.
   */
  readonly bound: number;
  /** C(i, j) for j in lo..hi into out[j]. */
  row(i: number, out: Float64Array, lo: number, hi: number): void;
  /** Accumulates the VJP of row i of E (e[lo..hi]) into gx (and gy when given). */
  vjpRow(
    i: number,
    e: Float64Array,
    lo: number,
    hi: number,
    gx: Float64Array,
    gy: Float64Array | null,
  ): void;
  /** Called once after the last row (user costs apply their matrix VJP here). */
  finish(gx: Float64Array, gy: Float64Array | null): void;
  /**
   * The product form of the cost, for the WebAssembly kernels (pair-cost.ts): squared Euclidean,
   * BCE and cosine have one; `row` and `vjpRow` compute the same numbers from it.
   */
  readonly pair?: PairCost;
}

/** The `finish` of a plan whose VJP rows are complete. */
export const noFinish = (): void => {};

/** The largest sum over d of |a_id|^p among the frames of a [n, D] (p = 1 or 2; may be +inf). */
export function maxFrameSum(a: Float64Array, n: number, D: number, p: 1 | 2): number {
  let m = 0;
  for (let i = 0, k = 0; i < n; i++) {
    let s = 0;
    if (p === 2) {
      for (let d = 0; d < D; d++, k++) s += a[k]! * a[k]!;
    } else {
      for (let d = 0; d < D; d++, k++) s += Math.abs(a[k]!);
    }
    if (s > m) m = s;
  }
  return m;
}

/**
 * (max |x_i| + max |y_j|)^2, which bounds ||x_i - y_j||^2 and the sums forming it (+inf when it
 * exceeds the recursion's range, so that the range check refuses the pair).
 */
export function squaredDistanceBound(
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
): number {
  const q = (Math.sqrt(maxFrameSum(x, N, D, 2)) + Math.sqrt(maxFrameSum(y, M, D, 2))) ** 2;
  return q <= MAX_PATH_BOUND ? q : Number.POSITIVE_INFINITY;
}
