/**
 * @packageDocumentation
 * Soft-DTW (Cuturi & Blondel, ICML 2017) with expected alignments, step weights (Zeitler, Krause,
 * Mueller, ICASSP 2024), the soft-DTW divergence (Blondel, Mensch, Vert, AISTATS 2021), sharp
 * soft-DTW, hard DTW, and the stabilisers for training with weak targets (diagonal prior, gamma
 * and prior-weight schedules, target stretching; Zeitler, Deniffel, Krause, Mueller, ISMIR 2023).
 */

export { COST_NAMES, type CostName, type CostOption, type UserCost } from './costs.js';
export { type DtwOptions, type DtwResult, dtw } from './dtw.js';
export { type SoftDtwFromCostResult, softDtwFromCost } from './from-cost.js';
export { MAX_ELEMENTS, MAX_PATH_BOUND } from './limits.js';
export {
  type SoftDtwValueAndGrad,
  sharpSoftDtw,
  sharpSoftDtwValueAndGrad,
  softDtw,
  softDtwDivergence,
  softDtwDivergenceValueAndGrad,
  softDtwValueAndGrad,
} from './losses.js';
export {
  MIN_GAMMA,
  type PriorOptions,
  type SoftDtwOptions,
  type SoftDtwSequenceOptions,
} from './options.js';
export { type DiagonalPriorOptions, diagonalPrior } from './prior.js';
export { gammaSchedule, priorWeightSchedule, type ScheduleOptions } from './schedules.js';
export type { Sequences } from './sequences.js';
export { stretchTarget } from './stretch.js';
