import {
  arrayType,
  dtypeOf,
  LossInputError,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { checkSize, MAX_FFT_SIZE } from '../limits.js';
import { fftPlan } from './plan.js';
import { realFft } from './real-plan.js';

/**
 * The one-sided DFT of a real signal: X[k] = sum_j x[j] exp(-2 pi i j k / n), k = 0..floor(n/2)
 * (numpy.fft.rfft / torch.fft.rfft).
 *
 * @param x Real signal, shape `[n]`, 1 <= n <= {@link MAX_FFT_SIZE} (2^22), finite.
 * @returns Shape `[floor(n/2) + 1, 2]` (re, im), the float type of `x`.
 * @throws LossInputError for a non-vector, empty, too long or non-finite input.
 */
export function rfft(x: TensorLike): Tensor {
  const t = toTensor(x, { name: 'x', rank: 1 });
  const n = t.shape[0]!;
  if (n > MAX_FFT_SIZE) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `x: expected at most ${MAX_FFT_SIZE} samples (the largest FFT length, 2^22), got ${n}`,
      'x',
    );
  }
  const plan = realFft(n);
  const out = new (arrayType(dtypeOf(t.data)))(2 * plan.bins);
  plan.forward(t.data, out);
  return tensor(out, [plan.bins, 2]);
}

/**
 * The inverse of {@link rfft}: the real signal of length `n` whose one-sided spectrum is `X`
 * (numpy.fft.irfft(X, n)). The spectrum is completed by Hermitian symmetry; the imaginary parts of
 * the DC bin and (for even n) the Nyquist bin are ignored, as numpy does.
 *
 * @param X One-sided spectrum, shape `[floor(n/2) + 1, 2]`.
 * @param n Output length, an integer from 1 to {@link MAX_FFT_SIZE} (2^22).
 * @returns Shape `[n]`, the float type of `X`.
 * @throws LossInputError if `n` is invalid or `X` has the wrong shape or non-finite values.
 */
export function irfft(X: TensorLike, n: number): Tensor {
  checkSize(n, 'n');
  const bins = Math.floor(n / 2) + 1;
  const t = toTensor(X, { name: 'X', rank: 2 });
  if (t.shape[0] !== bins || t.shape[1] !== 2) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `X: expected shape [${bins}, 2] (floor(n / 2) + 1 bins of (re, im) for n = ${n}), got [${t.shape.join(', ')}]`,
      'X',
    );
  }
  const d = t.data;
  const full = new Float64Array(2 * n);
  for (let k = 0; k < bins; k++) {
    full[2 * k] = d[2 * k]!;
    full[2 * k + 1] = d[2 * k + 1]!;
  }
  for (let k = bins; k < n; k++) {
    full[2 * k] = d[2 * (n - k)]!;
    full[2 * k + 1] = -d[2 * (n - k) + 1]!;
  }
  full[1] = 0;
  if (n % 2 === 0) full[n + 1] = 0;
  const signal = new Float64Array(2 * n);
  fftPlan(n).inverseTransform(full, signal);
  const out = new (arrayType(dtypeOf(d)))(n);
  for (let j = 0; j < n; j++) out[j] = signal[2 * j]!;
  return tensor(out, [n]);
}
