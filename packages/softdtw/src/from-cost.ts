import {
  formatShape,
  LossInputError,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { maxAbs } from './limits.js';
import {
  normalizer,
  type Resolved,
  resolveCostOptions,
  type SoftDtwOptions,
  stepsOf,
} from './options.js';
import { PriorRow } from './prior.js';
import { checkCells, checkPairRange, ProblemCache } from './problem.js';
import { type CostRows, softDtwBackward, softDtwForward } from './recursion.js';
import { withWorkspace } from './workspace.js';

/** What {@link softDtwFromCost} returns. */
export interface SoftDtwFromCostResult {
  /** The soft-DTW value; for a batch `[B, N, M]` the mean over items. */
  value: number;
  /** Each item's value (one entry for a single `[N, M]` matrix). */
  perItem: number[];
  /**
   * The expected alignment E = d value / dC, with the shape and float type of `C`. For a batch,
   * `alignment[b]` is the derivative of `perItem[b]` (not divided by B), i.e. each item's own
   * expected alignment.
   */
  alignment: Tensor;
}

/** Cost rows read from a row-major matrix slice, plus the prior when there is one. */
export function matrixRows(
  C: ArrayLike<number>,
  offset: number,
  N: number,
  M: number,
  r: Resolved,
): CostRows {
  const prior = r.prior === null ? null : new PriorRow(N, M, r.prior.nu, r.prior.weight);
  return (i, out, lo, hi) => {
    const base = offset + i * M;
    for (let j = lo; j <= hi; j++) out[j] = C[base + j]!;
    if (prior !== null) prior.addTo(i, out, lo, hi);
  };
}

/**
 * Soft-DTW of a cost matrix and its expected alignment (Cuturi & Blondel, ICML 2017,
 * Algorithms 1 and 2; step weights of Zeitler, Krause, Mueller, ICASSP 2024), for any step set,
 * band and open begin or end:
 *
 *   D(i, j) = min^gamma over the steps (di, dj, w) of D(i - di, j - dj) + w C(i, j)
 *
 * with min^gamma(S) = -gamma log sum exp(-s / gamma), D(0, 0) = 0 and +inf borders (or the open
 * begin's start values); the value is D(N, M) (or the soft minimum over the open end's cells) and
 * `alignment` = d value / dC, exact also with step weights, a band or a prior (O(N M |steps|) time;
 * the soft-min weights are stored in the forward pass so the backward pass needs no exp). Where no
 * alignment fits (a step set or band that cannot reach an end), the value is +Infinity and the
 * alignment 0.
 *
 * @param C Cost matrix `[N, M]` or a batch `[B, N, M]` (finite values, float32 or float64;
 *   N x M at most {@link MAX_ELEMENTS} (less with more than 3 steps), and
 *   (N + M) (w_max max|C| + skip penalties + gamma ln 8) at most 2^1020 so that the recursion stays
 *   finite).
 * @param options `gamma` (default 1, >= 1e-4), `stepWeights` (default [1, 1, 1]) or `steps`,
 *   `bandwidth` or `band` (Sakoe-Chiba or Itakura; default none), `prior`
 *   (`{ weight, nu = 1000 }`: adds weight * diagonalPrior(N, M, { nu }) to C), `subsequence`,
 *   `openBegin`, `openEnd`, `skipPenalty`, `normalize` (see {@link SoftDtwOptions}).
 * @throws LossInputError for a bad matrix or option (gamma = 0 is refused: use {@link dtw});
 *   `SHAPE_MISMATCH` for N x M over the limit, `NON_FINITE` for costs (or a gamma) so large that
 *   the recursion would overflow.
 */
export function softDtwFromCost(C: TensorLike, options?: SoftDtwOptions): SoftDtwFromCostResult {
  const r = resolveCostOptions(options, 'options');
  // Empty first: an empty cost matrix is reported as empty, not as a rank problem.
  const raw = toTensor(C, { name: 'C', allowEmpty: true });
  if (raw.data.length === 0) {
    throw new LossInputError(
      'EMPTY',
      `C: the cost matrix is empty (shape ${formatShape(raw.shape)}); soft-DTW needs an N x M matrix (or a batch [B, N, M]) with N, M >= 1`,
      'C',
    );
  }
  const t = toTensor(raw, { name: 'C', rank: [2, 3] });
  const batched = t.shape.length === 3;
  const B = batched ? t.shape[0]! : 1;
  const N = t.shape[batched ? 1 : 0]!;
  const M = t.shape[batched ? 2 : 1]!;
  checkCells(N, M, r.steps.di.length, 'the cells N x M of C', 'C', 'SHAPE_MISMATCH');
  const priorWeight = r.prior === null ? 0 : r.prior.weight;
  for (let b = 0; b < B; b++) {
    const costBound = maxAbs(t.data, b * N * M, (b + 1) * N * M) + priorWeight;
    checkPairRange(N, M, costBound, r.steps, r.gamma, r.boundary, 'C', 'options.gamma');
  }
  const steps = stepsOf(r);
  const { band, grid } = new ProblemCache(r.band, r.boundary, 'options').get(N, M);
  const norm = normalizer(r.normalize, N, M);
  const out = new (t.data instanceof Float32Array ? Float32Array : Float64Array)(B * N * M);
  const perItem: number[] = [];
  withWorkspace((ws) => {
    for (let b = 0; b < B; b++) {
      const offset = b * N * M;
      const v = softDtwForward(N, M, matrixRows(t.data, offset, N, M, r), band, steps, ws, grid);
      perItem.push(norm === 1 ? v : v / norm);
      softDtwBackward(
        N,
        M,
        band,
        steps,
        ws,
        (i, e, lo, hi) => {
          const base = offset + i * M;
          for (let j = lo; j <= hi; j++) out[base + j] = norm === 1 ? e[j]! : e[j]! / norm;
        },
        grid,
      );
    }
  });
  const value = perItem.reduce((a, v) => a + v, 0) / B;
  return { value, perItem, alignment: tensor(out, t.shape) };
}
