/**
 * The documented limits of @losses/stft, checked before anything is allocated: the largest FFT
 * and STFT size, and the largest sample magnitude whose spectrum stays finite.
 */
import { checkNumber, type FloatArray, LossInputError } from '@losses/tensor';

/**
 * The largest FFT length and STFT size: 2^22 = 4,194,304 samples (95 s at 44.1 kHz). A plan of
 * that size holds up to about 200 bytes per sample (Bluestein's convolution for a prime size), so
 * larger requests are refused at once instead of allocating gigabytes.
 */
export const MAX_FFT_SIZE = 2 ** 22;

/**
 * Validates an FFT length or STFT size: an integer from 1 to {@link MAX_FFT_SIZE}.
 *
 * @throws LossInputError `INVALID_OPTION` naming `name`, the rule or the limit, and the value.
 */
export function checkSize(value: unknown, name: string): number {
  // The limit first: sizes beyond 2^53 - 1 are refused for the limit too, not as inexact integers.
  const n =
    typeof value === 'number' && Number.isFinite(value) && value > MAX_FFT_SIZE
      ? value
      : checkNumber(value, name, { integer: true, min: 1 });
  if (n > MAX_FFT_SIZE) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected at most ${MAX_FFT_SIZE} (MAX_FFT_SIZE, 2^22: the largest FFT of @losses/stft), got ${n}`,
      name,
    );
  }
  return n;
}

/**
 * The largest |x| accepted in a signal transformed with a window of absolute sum `windowSum`
 * (sum_j |w_j|): 2^1023 / windowSum, so that every spectrum value, at most |x|max windowSum,
 * is finite in float64 (8.8e304 for a Hann window of 2048 samples). No limit below: the kernels
 * scale every frame by a power of two before transforming it, so tiny signals keep their full
 * relative precision.
 */
export function amplitudeLimit(windowSum: number): number {
  return 2 ** 1023 / Math.max(windowSum, 1);
}

/**
 * Checks that no sample of `data` exceeds `limit` in magnitude (see {@link amplitudeLimit}).
 *
 * @throws LossInputError `INVALID_OPTION` (as toTensor's range checks) naming the first such
 *   sample.
 */
export function checkAmplitude(data: FloatArray, limit: number, name: string): void {
  // Float32 samples are all within limit (>= 2^1001 for a window of at most 2^22 samples): no scan.
  if (data instanceof Float32Array && limit >= FLOAT32_MAX) return;
  for (let i = 0; i < data.length; i++) {
    const v = data[i]!;
    if (v > limit || v < -limit) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: element ${i} is ${v}, outside the accepted range [${-limit}, ${limit}] (2^1023 / the window's absolute sum: the spectrum must be finite in float64)`,
        name,
      );
    }
  }
}

/** The largest finite float32, (2 - 2^-23) 2^127. */
export const FLOAT32_MAX = 3.4028234663852886e38;

/** sum_j |w_j|. */
export function absoluteSum(w: ArrayLike<number>): number {
  let s = 0;
  for (let j = 0; j < w.length; j++) s += Math.abs(w[j]!);
  return s;
}
