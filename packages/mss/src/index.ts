/**
 * @packageDocumentation
 * `@losses/mss`: the multi-scale spectral loss with every design axis as an option (window, FFT
 * sizes, window lengths, hops, magnitude compressions, distance, spectral convergence, reductions,
 * magnitude floor, framing; perceptual scales: mel, chroma or a user filterbank, power, A-weighting,
 * sum-and-difference stereo, random resolutions) and its presets `standard`, `smooth`, `auraloss`,
 * `ddsp`, the mel losses `hifigan`, `dac`, `auralossMel`, `sot` (spectral optimal transport) and
 * `sotPitch` (transport along log frequency, for pitch).
 * Plain TypeScript on ndarrays; the TensorFlow.js op is in `@losses/mss/tfjs`.
 */
export type { CompressionKind, ResolvedCompression } from './compression.js';
export type { DistanceKind, Reduction } from './distance.js';
// issue 14: the perceptual options' types, and the filterbank of a scale
export { scaleFilters } from './filters.js';
export { DEFAULT_BREAK_HZ, logFrequencyPositions } from './log-positions.js';
export {
  createMssLoss,
  type MssBreakdown,
  type MssLoss,
  type MssLossSpec,
  type MssLossWithTarget,
  type MssTerm,
  mssLoss,
  mssLossValueAndGrad,
  PRESET_CACHE_BYTES,
} from './loss.js';
export type { Compression, MssConfig, MssOptions, ScaleReduction } from './options.js';
export type { LogCompression, PerceptualOptions } from './perceptual-options.js';
export { isMssPresetName, type MssPresetName, mssPresets } from './presets.js';
export type { RandomResolutionOptions, RandomWindowKind } from './random-resolution.js';
export type {
  ChromaScaleOption,
  MatrixScaleOption,
  MelScaleOption,
  ScaleOption,
} from './scales/scale.js';
export { type SotPitchPresetOptions, sotPitchPreset } from './sot-pitch-preset.js';
export {
  type SotPresetOptions,
  sotPreset,
  type WassersteinDistance,
} from './sot-preset.js';
export {
  createSpectralWassersteinLoss,
  type SpectralWassersteinConfig,
  type SpectralWassersteinLoss,
  type SpectralWassersteinOptions,
  spectralWassersteinLoss,
  spectralWassersteinLossValueAndGrad,
  type WassersteinPositions,
} from './spectral-wasserstein.js';
export type { MssRunOptions } from './threads.js';
export type { WassersteinOrder } from './wasserstein.js';
export type {
  DistanceOption,
  ResolvedDistance,
  WassersteinDistanceOption,
} from './wasserstein-distance.js';
