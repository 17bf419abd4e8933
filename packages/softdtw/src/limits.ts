/**
 * The package's documented limits, checked at the boundary before anything is allocated or run:
 *
 * - size: every matrix the package creates has at most {@link MAX_ELEMENTS} entries (the N x M
 *   cells of a pair whose per-cell state is kept, or diagonalPrior's N x M, or stretchTarget's
 *   N x D);
 * - range: the soft-DTW recursion of a pair stays within {@link MAX_PATH_BOUND} of 0, so that no
 *   intermediate value overflows and nothing accepted returns NaN or +-Infinity.
 */
import { LossInputError } from '@losses/tensor';
import { LN8 } from './recursion.js';

/**
 * The largest number of entries of a matrix the package creates: 2^28 (268,435,456; 2 GiB as
 * float64). It bounds N x M of a pair whose alignment, gradient, sharp soft-DTW or hard DTW path
 * is computed (their soft-min weight store takes 3 float64 per cell, 6 GiB at the limit), the
 * N x M of {@link diagonalPrior} and the N x D of {@link stretchTarget}, and the N x M matrix of
 * a user cost. The soft-DTW value alone under a built-in cost (`softDtw`, `softDtwDivergence`)
 * keeps two rows and has no cell limit.
 */
export const MAX_ELEMENTS = 2 ** 28;

/**
 * Refuses a matrix of `rows` x `cols` entries over {@link MAX_ELEMENTS}, in constant time.
 *
 * @param what The matrix in words, e.g. `'the cells N x M of C'`.
 * @param argument The argument or option to blame.
 * @param code `INVALID_OPTION` when a size option asks for it, `SHAPE_MISMATCH` for tensors.
 * @param limit The limit (tests lower it; default {@link MAX_ELEMENTS}).
 */
export function checkElements(
  rows: number,
  cols: number,
  what: string,
  argument: string,
  code: 'INVALID_OPTION' | 'SHAPE_MISMATCH',
  limit = MAX_ELEMENTS,
): void {
  if (rows * cols <= limit) return;
  throw new LossInputError(
    code,
    `${argument}: ${what} = ${rows} x ${cols} = ${rows * cols} exceeds the limit of ${limit}${limit === MAX_ELEMENTS ? ' (2^28)' : ''} entries`,
    argument,
  );
}

/**
 * The bound on |D(i, j)| that the recursions stay within: 2^1020 (about 1.1e307). Every value of
 * the forward pass is then finite and so is every difference of two of them (at most 4 x 2^1020),
 * so the soft-min never meets inf - inf.
 */
export const MAX_PATH_BOUND = 2 ** 1020;

/** What {@link checkRange} needs to know about a pair and the options. */
export interface RangeInput {
  /** Frames of the two sequences (rows and columns of the cost matrix). */
  N: number;
  M: number;
  /** An upper bound on |C(i, j)| over the pair's cells (the prior's weight included). */
  costBound: number;
  /** Largest step weight. */
  wMax: number;
  /** gamma (0 for hard DTW). */
  gamma: number;
  /** Cost per skipped frame at an open begin plus at an open end (grid.ts). Default 0. */
  penalties?: number;
}

/**
 * Refuses a pair whose recursion could overflow float64. A monotone path to cell (i, j) has at
 * most i + j - 1 cells, each adding w_k C(i, j); the soft minimum is at most the smallest path
 * cost and at least that minus gamma ln(#paths) <= gamma (i + j) ln 3; and the forward pass keeps
 * D as m - gamma ln s with 1 <= s < 8. So every m lies within
 *
 *   B = (N + M) (w_max max|C| + p + gamma ln 8)
 *
 * of 0 (p: the skip penalties of an open begin and end, whose start values and end offsets are at
 * most (N + M) p; a step set of up to 8 steps keeps the same bound, see general.ts), and B <= {@link MAX_PATH_BOUND} keeps the whole recursion finite (its weights and the
 * expected alignment are then in [0, 1] and [0, w_max]).
 *
 * @param costArgument The argument to blame when the costs dominate B (`'C'`, `'x, y'`, ...).
 * @param gammaArgument The option to blame when gamma dominates.
 * @throws LossInputError `NON_FINITE` when B > MAX_PATH_BOUND (or is not a number).
 */
export function checkRange(r: RangeInput, costArgument: string, gammaArgument: string): void {
  const costTerm = r.wMax * r.costBound + (r.penalties ?? 0);
  const gammaTerm = r.gamma * LN8;
  const bound = (r.N + r.M) * (costTerm + gammaTerm);
  if (bound <= MAX_PATH_BOUND) return;
  const argument = gammaTerm > costTerm ? gammaArgument : costArgument;
  throw new LossInputError(
    'NON_FINITE',
    `${argument}: the soft-DTW recursion would leave the float64 range: (N + M) (w_max max|C| + p + gamma ln 8) = (${r.N} + ${r.M}) (${r.wMax} x ${r.costBound} + ${r.penalties ?? 0} + ${r.gamma} x ln 8) = ${bound} exceeds 2^1020; scale the ${gammaTerm > costTerm ? 'smoothing gamma' : 'costs (or the sequences)'} down`,
    argument,
  );
}

/** The largest |value| of an array (NaN-free input), 0 for an empty one. */
export function maxAbs(a: ArrayLike<number>, from = 0, to = a.length): number {
  let m = 0;
  for (let k = from; k < to; k++) {
    const v = Math.abs(a[k]!);
    if (v > m) m = v;
  }
  return m;
}
