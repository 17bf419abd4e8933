/**
 * `perceptualWeighting`: both signals filtered by auraloss's A-weighting FIR filter before the
 * STFT, as `auraloss.freq.STFTLoss(perceptual_weighting=True, sample_rate=fs)` does with
 * `auraloss.perceptual.FIRFilter(filter_type='aw', fs=fs)` (csteinmetz1/auraloss; Wright &
 * Välimäki, "Perceptual loss function for neural modelling of audio systems", arXiv:1911.08922):
 * 101 taps fitted by least squares to the bilinear-transformed IEC/CD 1672 A-weighting filter,
 * rounded to float32 as auraloss stores them, applied as `conv1d(x, taps, padding=50)`, so the
 * filtered signal keeps the length T. The design and the filtering are shared with
 * @losses/waveform's `preEmphasis: { kind: 'aw' }` (in @losses/tensor/internal).
 *
 * The filter is linear, so the gradient w.r.t. the unfiltered signal is the filter's adjoint
 * (a correlation with the reversed taps) applied to the gradient w.r.t. the filtered one.
 */
import { checkNumber } from '@losses/tensor';
import {
  applyFir,
  applyFirAdjoint,
  aWeightingFilter,
  type FirFilter,
} from '@losses/tensor/internal';

/** auraloss's `FIRFilter` default number of taps, which `STFTLoss` uses. */
export const A_WEIGHTING_TAPS = 101;

/**
 * The A-weighting filter at `sampleRate` (Hz, 1000 to 1e6, the range of the design).
 *
 * @throws LossInputError `INVALID_OPTION` naming `name` for a rate outside 1000..1e6.
 */
export function aWeightingAt(sampleRate: number, name = 'sampleRate'): FirFilter {
  checkNumber(sampleRate, name, { min: 1000, max: 1e6 });
  return aWeightingFilter(sampleRate, A_WEIGHTING_TAPS);
}

/**
 * Filters `items` signals of `length` samples stored one after another in `x` into `out` (the same
 * layout; float64).
 */
export function aWeight(
  filter: FirFilter,
  x: ArrayLike<number>,
  items: number,
  length: number,
  out: Float64Array,
): void {
  const row = new Float64Array(length);
  const y = new Float64Array(length);
  for (let b = 0; b < items; b++) {
    for (let t = 0; t < length; t++) row[t] = x[b * length + t]!;
    applyFir(filter, row, length, y);
    out.set(y, b * length);
  }
}

/**
 * The adjoint of {@link aWeight}: from the gradients w.r.t. the filtered signals (`g`, same layout)
 * the gradients w.r.t. the unfiltered ones, into `out`.
 */
export function aWeightAdjoint(
  filter: FirFilter,
  g: ArrayLike<number>,
  items: number,
  length: number,
  out: Float64Array,
): void {
  const row = new Float64Array(length);
  const y = new Float64Array(length);
  for (let b = 0; b < items; b++) {
    for (let t = 0; t < length; t++) row[t] = g[b * length + t]!;
    applyFirAdjoint(filter, row, length, y);
    out.set(y, b * length);
  }
}
