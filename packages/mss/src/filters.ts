/**
 * Issue 14: the filterbank a `scale` option gives at one FFT size, as a dense matrix, for plots and
 * for users who apply it elsewhere (the loss itself keeps it as band ranges, scales/filterbank.ts).
 */
import type { Tensor } from '@losses/tensor';
import { checkNumber, tensor } from '@losses/tensor';
import { denseFilterbank } from './scales/filterbank.js';
import {
  type ChromaScaleOption,
  type MelScaleOption,
  resolveScale,
  scaleFilterbank,
} from './scales/scale.js';

/**
 * The weights [bands, N/2 + 1] (float64, row-major) of a mel or chroma scale at FFT size `size` and
 * `sampleRate` Hz: the matrix a loss with `{ scale, sampleRate }` applies to each frame's
 * magnitudes. A mel scale has the semantics of `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax,
 * htk, norm)` (defaults slaney / slaney), a chroma scale those of `librosa.filters.chroma`.
 * `bands`, `fmin` and `fmax` must be single numbers here.
 *
 * @throws LossInputError `INVALID_OPTION` as `createMssLoss` for the same scale (no sample rate,
 *   fmax above sampleRate / 2, fmin >= fmax, more bands than bins, an empty mel band).
 * @example
 * ```ts
 * const w = scaleFilters({ kind: 'mel', bands: 80 }, 1024, 22050); // shape [80, 513]
 * ```
 */
export function scaleFilters(
  scale: MelScaleOption | ChromaScaleOption,
  size: number,
  sampleRate: number,
): Tensor {
  checkNumber(size, 'size', { integer: true, min: 2 });
  checkNumber(sampleRate, 'sampleRate', { min: 0, minExclusive: true });
  const resolved = resolveScale(scale, sampleRate, 1);
  const fb = scaleFilterbank(resolved, 0, size);
  return tensor(denseFilterbank(fb), [fb.bands, fb.bins]);
}
