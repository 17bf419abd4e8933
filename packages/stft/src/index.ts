/**
 * @packageDocumentation
 * Windows, FFT plans of any length, a torch-compatible STFT, the magnitude spectrogram and its
 * exact gradient (vector-Jacobian product), on @losses tensors.
 */

export { PLAN_CACHE_BYTES } from './cache.js';
export { getFftPlan } from './fft/plan.js';
export { irfft, rfft } from './fft/real.js';
export type { FftPlan } from './fft/types.js';
export { MAX_FFT_SIZE } from './limits.js';
export type { PadMode, StftOptions } from './options.js';
export {
  createStft,
  type MagnitudeOptions,
  type MagnitudeWithVjp,
  magnitude,
  magnitudeVjp,
  type StftPlan,
  stft,
} from './stft.js';
export { getWindow, WINDOW_KINDS, type WindowKind, type WindowOptions } from './window.js';
