/**
 * @packageDocumentation
 * Metrics that judge losses and the models trained with them: the gradient-sign accuracy (GRA)
 * of a loss on sinusoids (case study 1 of "Loss Functions Matter"), hierarchical consistency
 * gamma_c, hierarchical precision / recall / F and average precision (case study 2), and
 * frame-wise precision / recall / F-measure (case studies 2 and 3).
 *
 * No dependency on the loss packages: losses come in as callbacks or structural types, so any
 * @losses loss, or your own, can be judged.
 */

/** The error every metric throws for bad input (re-exported from @losses/tensor). */
export { LossInputError, type LossInputErrorCode } from '@losses/tensor';
export { type AveragePrecisionResult, averagePrecision } from './average-precision.js';
export {
  type ConsistencyEntry,
  type ConsistencyOptions,
  type ConsistencyResult,
  consistency,
} from './consistency.js';
export {
  type ClassScores,
  type FrameScoresOptions,
  type FrameScoresResult,
  frameScores,
  type Prf,
} from './frame-scores.js';
export { type GraResult, type GraTrial, gra, graWithCi } from './gra.js';
export {
  type HierarchicalScoresOptions,
  type HierarchicalScoresResult,
  hierarchicalScores,
} from './hierarchical-scores.js';
export type { HierarchyLike } from './hierarchy-like.js';
export type {
  SignalLoss,
  SignalLossFunction,
  TargetBindableLoss,
  TargetBoundLoss,
} from './signal-loss.js';
export {
  combineGraRows,
  type SinusoidGraOptions,
  type SinusoidGraRow,
  sinusoidGra,
  sinusoidGraDefaults,
} from './sinusoid-gra.js';
export * from './surrogate.js';
export { wilsonInterval } from './wilson.js';
