/**
 * @packageDocumentation
 * Soft-DTW (Cuturi & Blondel, ICML 2017) with expected alignments and the differentiable-alignment
 * family on one recursion: step sets and step weights (Zeitler, Krause, Mueller, ICASSP 2024),
 * subsequence and partial matching, Sakoe-Chiba and Itakura bands, CTC as soft-DTW (Zeitler &
 * Mueller, TASLP 2026), the soft, sharp and mean-cost divergences (Blondel, Mensch, Vert, AISTATS
 * 2021), soft-DTW barycenters (Cuturi & Blondel 2017, section 4), hard DTW with its path, and the
 * stabilisers for training with weak targets (diagonal prior, gamma and prior-weight schedules,
 * target stretching; Zeitler, Deniffel, Krause, Mueller, ISMIR 2023).
 */

export {
  type BarycenterSequences,
  type SoftDtwBarycenterOptions,
  softDtwBarycenter,
} from './barycenter.js';
export { COST_NAMES, type CostName, type CostOption, type UserCost } from './costs.js';
export {
  type CtcLabels,
  type CtcOptions,
  type CtcReduction,
  type CtcValueAndGrad,
  ctcLoss,
  ctcLossValueAndGrad,
} from './ctc.js';
export { type DtwOptions, type DtwResult, dtw } from './dtw.js';
export { type SoftDtwFromCostResult, softDtwFromCost } from './from-cost.js';
export { MAX_ELEMENTS, MAX_PATH_BOUND } from './limits.js';
export {
  type SoftDtwValueAndGrad,
  sharpSoftDtw,
  sharpSoftDtwAsync,
  sharpSoftDtwValueAndGrad,
  sharpSoftDtwValueAndGradAsync,
  softDtw,
  softDtwAsync,
  softDtwDivergence,
  softDtwDivergenceAsync,
  softDtwDivergenceValueAndGrad,
  softDtwDivergenceValueAndGradAsync,
  softDtwValueAndGrad,
  softDtwValueAndGradAsync,
} from './losses.js';
export {
  type BandOption,
  type DivergenceVariant,
  MIN_GAMMA,
  type Normalize,
  type OpenAxis,
  type PriorOptions,
  type SoftDtwDivergenceOptions,
  type SoftDtwOptions,
  type SoftDtwSequenceOptions,
  type Step,
} from './options.js';
export { type DiagonalPriorOptions, diagonalPrior } from './prior.js';
export { gammaSchedule, priorWeightSchedule, type ScheduleOptions } from './schedules.js';
export type { Sequences } from './sequences.js';
export { stretchTarget } from './stretch.js';
