import { checkKeys, type TensorLike, toTensor } from '@losses/tensor';
import { bandLimits } from './band.js';
import { checkElements, checkRange, maxAbs } from './limits.js';
import { checkBandwidth, checkStepWeights } from './options.js';

/** Options of {@link dtw}. */
export interface DtwOptions {
  /** Step weights [w_v, w_h, w_d] as for soft-DTW. Default [1, 1, 1]. */
  stepWeights?: readonly number[];
  /** Sakoe-Chiba half-width as for soft-DTW. Default: no band. */
  bandwidth?: number;
}

/** What {@link dtw} returns. */
export interface DtwResult {
  /** The optimal (smallest) weighted path cost D(N, M). */
  cost: number;
  /** The optimal path as 0-based [row, column] pairs from [0, 0] to [N-1, M-1]. */
  path: [number, number][];
}

/**
 * Hard dynamic time warping, the gamma -> 0 limit of soft-DTW:
 * D(i, j) = min{ D(i-1, j) + w_v C(i, j), D(i, j-1) + w_h C(i, j), D(i-1, j-1) + w_d C(i, j) },
 * D(0, 0) = 0, +inf borders. Ties are broken towards the diagonal step, then the vertical one.
 *
 * @param C Cost matrix `[N, M]` (finite; N x M at most {@link MAX_ELEMENTS}, and
 *   (N + M) w_max max|C| at most 2^1020 so that path costs stay finite).
 * @param options `stepWeights` (default [1, 1, 1]), `bandwidth` (default none).
 * @throws LossInputError for a bad matrix or option.
 */
export function dtw(C: TensorLike, options?: DtwOptions): DtwResult {
  checkKeys(options, 'dtw: options', ['stepWeights', 'bandwidth']);
  const [wv, wh, wd] =
    options?.stepWeights === undefined
      ? [1, 1, 1]
      : checkStepWeights(options.stepWeights, 'dtw: options.stepWeights');
  const bandwidth = checkBandwidth(options?.bandwidth, 'dtw: options.bandwidth');
  const t = toTensor(C, { name: 'C', rank: 2 });
  const [N, M] = t.shape as [number, number];
  const c = t.data;
  checkElements(N, M, 'the cells N x M of C', 'C', 'SHAPE_MISMATCH');
  const wMax = Math.max(wv, wh, wd);
  checkRange({ N, M, costBound: maxAbs(c), wMax, gamma: 0 }, 'C', 'C');
  const band = bandLimits(N, M, bandwidth);
  const W = M + 1;
  const D = new Float64Array((N + 1) * W).fill(Number.POSITIVE_INFINITY);
  const from = new Uint8Array((N + 1) * W); // 0 diagonal, 1 vertical, 2 horizontal
  D[0] = 0;
  for (let i = 1; i <= N; i++) {
    for (let j = band.lo[i]!; j <= band.hi[i]!; j++) {
      const cij = c[(i - 1) * M + j - 1]!;
      const sd = D[(i - 1) * W + j - 1]! + wd * cij;
      const sv = D[(i - 1) * W + j]! + wv * cij;
      const sh = D[i * W + j - 1]! + wh * cij;
      let best = sd;
      let step = 0;
      if (sv < best) {
        best = sv;
        step = 1;
      }
      if (sh < best) {
        best = sh;
        step = 2;
      }
      D[i * W + j] = best;
      from[i * W + j] = step;
    }
  }
  const path: [number, number][] = [];
  let i = N;
  let j = M;
  while (i > 0 && j > 0) {
    path.push([i - 1, j - 1]);
    const s = from[i * W + j];
    if (s === 0) {
      i--;
      j--;
    } else if (s === 1) i--;
    else j--;
  }
  path.reverse();
  return { cost: D[N * W + M]!, path };
}
