/**
 * @packageDocumentation
 * `@losses/waveform`: the time-domain losses users reach for first, and the baselines of every
 * study of informed losses: L1 and MSE (optionally through auraloss's pre-emphasis filters), the
 * error-to-signal ratio and DC error of Wright & Välimäki (2019), log-cosh, and the SNR, SI-SDR and
 * SD-SDR losses of Le Roux et al. (2019), each the same number as auraloss's `time.py` with its eps
 * conventions. Plain TypeScript on ndarrays; the TensorFlow.js ops are in `@losses/waveform/tfjs`.
 */

/** The error every loss throws for bad input (re-exported from @losses/tensor). */
export { LossInputError, type LossInputErrorCode } from '@losses/tensor';
export type { WaveformLoss, WaveformValueAndGrad } from './loss.js';
export {
  createDcLoss,
  createEsrLoss,
  createL1Loss,
  createLogCoshLoss,
  createMseLoss,
  createSdSdrLoss,
  createSiSdrLoss,
  createSnrLoss,
  dcLoss,
  dcLossValueAndGrad,
  esrLoss,
  esrLossValueAndGrad,
  l1Loss,
  l1LossValueAndGrad,
  logCoshLoss,
  logCoshLossValueAndGrad,
  mseLoss,
  mseLossValueAndGrad,
  sdSdrLoss,
  sdSdrLossValueAndGrad,
  siSdrLoss,
  siSdrLossValueAndGrad,
  snrLoss,
  snrLossValueAndGrad,
} from './losses.js';
export type {
  DcOptions,
  ElementwiseOptions,
  EsrOptions,
  LogCoshOptions,
  PreEmphasisKind,
  PreEmphasisOptions,
  ResolvedDc,
  ResolvedElementwise,
  ResolvedEsr,
  ResolvedLogCosh,
  ResolvedPreEmphasis,
  ResolvedSdr,
  SdrOptions,
} from './options.js';
export { preEmphasisTaps } from './pre-emphasis.js';
