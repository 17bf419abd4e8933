/**
 * @packageDocumentation
 * `@losses/mss`: the multi-scale spectral loss with every design axis as an option (window, FFT
 * sizes, window lengths, hops, magnitude compressions, distance, spectral convergence, reductions,
 * magnitude floor, framing) and its presets `standard`, `smooth`, `auraloss`, `ddsp` and `sot`.
 * Plain TypeScript on ndarrays; the TensorFlow.js op is in `@losses/mss/tfjs`.
 */
export type { CompressionKind, ResolvedCompression } from './compression.js';
export type { DistanceKind, Reduction } from './distance.js';
export {
  createMssLoss,
  type MssLoss,
  type MssLossSpec,
  type MssLossWithTarget,
  mssLoss,
  mssLossValueAndGrad,
  PRESET_CACHE_BYTES,
} from './loss.js';
export type { Compression, MssConfig, MssOptions, ScaleReduction } from './options.js';
export { isMssPresetName, type MssPresetName, mssPresets } from './presets.js';
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
export type { WassersteinOrder } from './wasserstein.js';
export type {
  DistanceOption,
  ResolvedDistance,
  WassersteinDistanceOption,
} from './wasserstein-distance.js';
