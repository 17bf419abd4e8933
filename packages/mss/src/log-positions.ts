/**
 * A log-frequency axis for the Wasserstein distance (issue 16): bin positions at which a harmonic
 * tone moved in pitch is a translation.
 *
 * A harmonic tone sum_h a_h sin(2 pi h f0 t) has its peaks at h f0. Moved by d semitones, every peak
 * moves by the factor 2^(d / 12): along linear frequency harmonic h moves h times as far as the
 * fundamental, along log2 frequency every harmonic moves by the same d / 12 octaves. So along log2
 * frequency the moved spectrum is the target's translated by d / 12, and the 1-D Wasserstein
 * distance between a distribution and its translate by s is |s| (W_p^p = |s|^p; Peyré & Cuturi,
 * "Computational optimal transport", 2019, remark 2.30): the loss grows as |d| from any start and its
 * gradient in the pitch points home, however far the start, where along linear frequency the
 * harmonics' transports pull unequally and the envelope trades against the pitch.
 *
 * log2 f has no value at DC and stretches the lowest bins over octaves (a flat-top main lobe around
 * bin 2 would span from DC to bin 7, three octaves), so the axis bends to linear below a break
 * frequency, as the mel scale does (O'Shaughnessy 1987: mel = 2595 log10(1 + f / 700)):
 *
 *   x_k = log2(1 + f_k / f_b),   f_k = k sampleRate / N   (octaves, 0 at DC),
 *
 * translation-invariant (x ~ log2 f - log2 f_b) for f >> f_b.
 */
import { checkNumber } from '@losses/tensor';

/** The most bins {@link logFrequencyPositions} makes (checked before it allocates). */
const MAX_BINS = 2 ** 26;

/** The default break frequency f_b of {@link logFrequencyPositions}, in Hz. */
export const DEFAULT_BREAK_HZ = 100;

/**
 * The positions x_k = log2(1 + k hzPerBin / breakHz), k = 0 .. bins - 1 (in octaves above the
 * break frequency, asymptotically; 0 at DC): a log-frequency axis that is linear below `breakHz`.
 * For the bins of an N-point STFT at sample rate sr, `hzPerBin` = sr / N. Give the result as
 * `positions` to {@link createSpectralWassersteinLoss}; `distance: { kind: 'wasserstein',
 * positions: 'log' }` of `createMssLoss` computes it per FFT size.
 *
 * @param bins - K, the number of bins (an integer from 1 to 2^26).
 * @param hzPerBin - the frequency step between bins in Hz (> 0).
 * @param breakHz - f_b in Hz (> 0). Default 100.
 * @throws LossInputError `INVALID_OPTION` for a bad argument, naming it.
 */
export function logFrequencyPositions(
  bins: number,
  hzPerBin: number,
  breakHz: number = DEFAULT_BREAK_HZ,
): Float64Array {
  checkNumber(bins, 'bins', { integer: true, min: 1, max: MAX_BINS });
  checkNumber(hzPerBin, 'hzPerBin', { min: 0, minExclusive: true });
  checkNumber(breakHz, 'breakHz', { min: 0, minExclusive: true });
  return logPositions(bins, hzPerBin / breakHz);
}

/** x_k = log2(1 + k r) for k < K (trusted arguments: K >= 1, r > 0). */
export function logPositions(K: number, r: number): Float64Array {
  const out = new Float64Array(K);
  // log1p keeps the low bins accurate where k r is small.
  for (let k = 0; k < K; k++) out[k] = Math.log1p(k * r) / Math.LN2;
  return out;
}
