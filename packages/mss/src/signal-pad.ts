/**
 * Issue 14: padding of P samples on each side of every item before frames that are not centred,
 * as HiFi-GAN's `mel_spectrogram` does (jik876/hifi-gan, `meldataset.py`:
 * `F.pad(y, (P, P), mode='reflect')` with P = int((n_fft - hop) / 2), then
 * `torch.stft(center=False)`), and its adjoint for the gradient.
 *
 * Reflect (torch's `reflect`, needs P < T): padded[j] = x[P - j] for j < P, x[j - P] inside,
 * x[2 (T - 1) - (j - P)] after; constant: zeros.
 */
import type { FloatArray, Tensor } from '@losses/tensor';
import { tensor } from '@losses/tensor';
import { dataOf } from './engine.js';

function source(j: number, pad: number, length: number): number {
  const i = j - pad;
  if (i < 0) return -i;
  if (i >= length) return 2 * (length - 1) - i;
  return i;
}

/** The [items, T + 2 pad] padded signals of `x` ([items, T]), float64. */
export function padSignals(x: Tensor, pad: number, mode: 'reflect' | 'constant'): Tensor {
  const [items, length] = x.shape as [number, number];
  return tensor(padRows(dataOf(x), items, length, pad, mode), [items, length + 2 * pad]);
}

/**
 * {@link padSignals} on `items` contiguous rows of `length` samples: [items * (T + 2 pad)], into
 * `out` when given (every value written).
 */
export function padRows(
  d: FloatArray,
  items: number,
  length: number,
  pad: number,
  mode: 'reflect' | 'constant',
  out: Float64Array = new Float64Array(items * (length + 2 * pad)),
): Float64Array {
  const n = length + 2 * pad;
  for (let b = 0; b < items; b++) {
    const src = b * length;
    const dst = b * n;
    out.set(d.subarray(src, src + length), dst + pad);
    if (mode === 'reflect') {
      for (let j = 0; j < pad; j++) out[dst + j] = d[src + source(j, pad, length)]!;
      for (let j = pad + length; j < n; j++) out[dst + j] = d[src + source(j, pad, length)]!;
    } else {
      out.fill(0, dst, dst + pad);
      out.fill(0, dst + pad + length, dst + n);
    }
  }
  return out;
}

/**
 * The adjoint of {@link padSignals}: adds the gradient w.r.t. the padded signals (`g`,
 * [items, T + 2 pad]) to `out` ([items, T]).
 */
export function addUnpadded(
  g: FloatArray,
  items: number,
  length: number,
  pad: number,
  mode: 'reflect' | 'constant',
  out: Float64Array,
): void {
  const n = length + 2 * pad;
  for (let b = 0; b < items; b++) {
    const src = b * n;
    const dst = b * length;
    if (mode === 'reflect') {
      // out[source(j)] += g[j] for j = 0 .. n - 1, in that order (the left mirror, the signal,
      // the right mirror), without the per-sample branches of source().
      for (let j = 0; j < pad; j++) out[dst + pad - j]! += g[src + j]!;
      for (let i = 0; i < length; i++) out[dst + i]! += g[src + pad + i]!;
      for (let j = pad + length; j < n; j++)
        out[dst + 2 * (length - 1) - (j - pad)]! += g[src + j]!;
    } else {
      for (let i = 0; i < length; i++) out[dst + i]! += g[src + pad + i]!;
    }
  }
}
