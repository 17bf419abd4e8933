import { checkKeys, formatShape, LossInputError, type TensorLike, toTensor } from '@losses/tensor';
import { maxAbs } from './limits.js';
import { GEOMETRY_KEYS, resolveGeometry, type SoftDtwOptions } from './options.js';
import { checkCells, checkPairRange, ProblemCache } from './problem.js';
import { describeSteps } from './steps.js';

/**
 * Options of {@link dtw}: the step set, band and open begin and end, as for soft-DTW (see
 * {@link SoftDtwOptions}).
 */
export type DtwOptions = Pick<SoftDtwOptions, (typeof GEOMETRY_KEYS)[number]>;

/** What {@link dtw} returns. */
export interface DtwResult {
  /** The optimal (smallest) weighted path cost, with the skip penalties of open ends. */
  cost: number;
  /**
   * The optimal path as 0-based [row, column] cells, from its first cell to its last; a step
   * that jumps (e.g. (1, 2)) leaves the cells in between out.
   */
  path: [number, number][];
  /** The path's first cell (0-based): [0, 0] unless the begin is open. */
  start: [number, number];
  /** The path's last cell (0-based): [N - 1, M - 1] unless the end is open. */
  end: [number, number];
}

const INF = Number.POSITIVE_INFINITY;

/**
 * Hard dynamic time warping, the gamma -> 0 limit of soft-DTW, with the same step sets, bands and
 * open ends:
 *
 *   D(i, j) = min over the steps (di, dj, w) of D(i - di, j - dj) + w C(i, j),
 *
 * D(0, 0) = 0 and +inf borders (an open begin sets the border to its start values), the cost D(N, M)
 * or the minimum over the open end's cells plus their offsets. With `subsequence: true` this is
 * subsequence DTW (Mueller, Fundamentals of Music Processing, 2021, section 7.2.3): the best match
 * of the query x inside y, `start` and `end` giving where it lies in y. Ties go to the step listed
 * first in `steps` (with the default or `stepWeights`: the diagonal, then the vertical step), and
 * among end cells to (N, M), then the last row from the right, then the last column from the
 * bottom.
 *
 * @param C Cost matrix `[N, M]` (finite; N x M at most {@link MAX_ELEMENTS}, and
 *   (N + M) (w_max max|C| + skip penalties) at most 2^1020 so that path costs stay finite).
 * @param options `stepWeights` or `steps`, `bandwidth` or `band`, `subsequence`, `openBegin`,
 *   `openEnd`, `skipPenalty` (defaults as soft-DTW's).
 * @throws LossInputError for a bad matrix or option; `SHAPE_MISMATCH` naming `C` when no path
 *   with the step set and band fits the N x M matrix.
 */
export function dtw(C: TensorLike, options?: DtwOptions): DtwResult {
  checkKeys(options, 'dtw: options', GEOMETRY_KEYS);
  const o = options ?? {};
  const { steps, band: bandSpec, boundary } = resolveGeometry(o, 'dtw: options');
  // Empty first: `dtw([])` is an empty cost matrix, not a rank problem.
  const raw = toTensor(C, { name: 'C', allowEmpty: true });
  if (raw.data.length === 0) {
    throw new LossInputError(
      'EMPTY',
      `C: the cost matrix is empty (shape ${formatShape(raw.shape)}); dtw needs an N x M matrix with N, M >= 1 (one row per frame of x, one column per frame of y)`,
      'C',
    );
  }
  const t = toTensor(raw, { name: 'C', rank: 2 });
  const [N, M] = t.shape as [number, number];
  const c = t.data;
  const K = steps.di.length;
  checkCells(N, M, K, 'the cells N x M of C', 'C', 'SHAPE_MISMATCH');
  checkPairRange(N, M, maxAbs(c), steps, 0, boundary, 'C', 'C');
  const { band, grid } = new ProblemCache(bandSpec, boundary, 'dtw: options').get(N, M);
  // Tie order: the steps as listed; the classic default (and stepWeights) keeps the order of
  // earlier versions, diagonal first, then vertical, then horizontal.
  const order = Array.from({ length: K }, (_, k) => k);
  if (o.steps === undefined)
    order.sort((a, b) => rank(steps.di[a]!, steps.dj[a]!) - rank(steps.di[b]!, steps.dj[b]!));
  const W = M + 1;
  const D = new Float64Array((N + 1) * W).fill(INF);
  const from = new Int8Array((N + 1) * W).fill(-1);
  for (let j = 0; j <= M; j++)
    D[j] = grid.startRow === null ? (j === 0 ? 0 : INF) : grid.startRow[j]!;
  if (grid.startCol !== null) for (let i = 1; i <= N; i++) D[i * W] = grid.startCol[i]!;
  for (let i = 1; i <= N; i++) {
    for (let j = band.lo[i]!; j <= band.hi[i]!; j++) {
      const cij = c[(i - 1) * M + j - 1]!;
      let best = INF;
      let step = -1;
      for (const k of order) {
        const pi = i - steps.di[k]!;
        const pj = j - steps.dj[k]!;
        if (pi < 0 || pj < 0) continue;
        const v = D[pi * W + pj]! + steps.w[k]! * cij;
        if (v < best) {
          best = v;
          step = k;
        }
      }
      D[i * W + j] = best;
      from[i * W + j] = step;
    }
  }
  // The end: (N, M), then the last row right to left, then the last column bottom up.
  let cost = INF;
  let ei = N;
  let ej = M;
  const consider = (i: number, j: number, offset: number): void => {
    const v = D[i * W + j]! + offset;
    if (v < cost) {
      cost = v;
      ei = i;
      ej = j;
    }
  };
  consider(N, M, grid.endRow === null ? 0 : grid.endRow[M]!);
  if (grid.endRow !== null) for (let j = M - 1; j >= 1; j--) consider(N, j, grid.endRow[j]!);
  if (grid.endCol !== null) for (let i = N - 1; i >= 1; i--) consider(i, M, grid.endCol[i]!);
  if (cost === INF) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `C: no alignment path of the steps ${describeSteps(steps)}${bandSpec === null ? '' : ' within the band'} fits a ${N} x ${M} matrix`,
      'C',
    );
  }
  const path: [number, number][] = [];
  let i = ei;
  let j = ej;
  while (i >= 1 && j >= 1) {
    path.push([i - 1, j - 1]);
    const k = from[i * W + j]!;
    i -= steps.di[k]!;
    j -= steps.dj[k]!;
  }
  path.reverse();
  return { cost, path, start: path[0]!, end: path[path.length - 1]! };
}

/** Tie rank of the classic steps: diagonal, vertical, horizontal. */
function rank(di: number, dj: number): number {
  return di === 1 && dj === 1 ? 0 : di === 1 && dj === 0 ? 1 : 2;
}
