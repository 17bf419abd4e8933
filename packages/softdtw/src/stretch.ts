import { checkNumber, type Tensor, type TensorLike, tensor, toTensor } from '@losses/tensor';
import { checkElements } from './limits.js';

/**
 * Unfolds a de-duplicated (weak) target of M frames to N frames by a linear alignment: row n of
 * the result is row idx[n] of `y` with idx = floor(linspace(0, M, N, endpoint = false)), i.e.
 * idx[n] = floor(n M / N). The endpoint M is excluded (numpy's `endpoint=False`): with the
 * endpoint included the last index would be M, one past the end. So 0 <= idx[n] < M, idx starts at
 * 0, never decreases, and (for N >= M) every target gets floor(N/M) or ceil(N/M) frames.
 *
 * @param y Target `[M]` or `[M, D]`.
 * @param N Frames of the result (a positive integer; N x D at most {@link MAX_ELEMENTS}, 2^28).
 * @returns `[N]` or `[N, D]`, same float type as `y`.
 * @throws LossInputError for a bad `y` or `N`, or N x D over the limit (before any allocation).
 */
export function stretchTarget(y: TensorLike, N: number): Tensor {
  const t = toTensor(y, { name: 'y', rank: [1, 2] });
  checkNumber(N, 'N', { min: 1, integer: true });
  const M = t.shape[0]!;
  const D = t.shape.length === 2 ? t.shape[1]! : 1;
  checkElements(N, D, 'the entries N x D of the result', 'N', 'INVALID_OPTION');
  const out = new (t.data instanceof Float32Array ? Float32Array : Float64Array)(N * D);
  for (let n = 0; n < N; n++) {
    const m = Math.floor((n * M) / N);
    out.set(t.data.subarray(m * D, (m + 1) * D), n * D);
  }
  return tensor(out, t.shape.length === 2 ? [N, D] : [N]);
}
