import { checkBoolean, checkKeys, checkNumber, LossInputError, show } from '@losses/tensor';
import type { CostOption } from './costs.js';
import { checkCostOption } from './costs.js';

/** The diagonal prior added to the cost: `weight * P` with P from {@link diagonalPrior}. */
export interface PriorOptions {
  /** Weight of the prior (>= 0). */
  weight: number;
  /** Width parameter nu of P(n, m) = 1 - exp(-d^2 / (2 nu)), in squared frames. Default 1000. */
  nu?: number;
}

/** Options shared by every soft-DTW function. */
export interface SoftDtwOptions {
  /**
   * Smoothing gamma of the soft minimum min^gamma(S) = -gamma log sum exp(-s / gamma). Default 1.
   * Any value >= 1e-4 is accepted (the recursion is computed in log-sum-exp form); for
   * gamma = 0 use {@link dtw}.
   */
  gamma?: number;
  /**
   * Step weights [w_v, w_h, w_d] multiplying C(i, j) for a vertical (i-1, j), horizontal (i, j-1)
   * and diagonal (i-1, j-1) step into (i, j) (Zeitler, Krause, Mueller, ICASSP 2024). Each >= 0.
   * Default [1, 1, 1].
   */
  stepWeights?: readonly [number, number, number] | readonly number[];
  /**
   * Sakoe-Chiba band half-width in frames of the second sequence (columns), around the linear
   * alignment (scaled to the diagonal when N != M); cells outside are +inf. Default: no band.
   */
  bandwidth?: number;
  /** Adds `weight * diagonalPrior(N, M, { nu })` to the cost matrix. Default: none. */
  prior?: PriorOptions;
}

/** Options of the sequence losses ({@link softDtw} and friends). */
export interface SoftDtwSequenceOptions extends SoftDtwOptions {
  /** Frame cost. Default `'sqeuclidean'`. */
  cost?: CostOption;
  /** Also return the gradient with respect to `y` (`gradY`). Default `false`. */
  gradY?: boolean;
}

// Every option follows one rule (as in @losses/stft and @losses/mss): absent (undefined) takes the
// default, anything present must be valid; null is refused like any other wrong value.

/** Options after validation. */
export interface Resolved {
  gamma: number;
  wv: number;
  wh: number;
  wd: number;
  /** All step weights are 1 (E is then the plain expected alignment). */
  unit: boolean;
  bandwidth: number | null;
  prior: { weight: number; nu: number } | null;
  cost: CostOption;
  gradY: boolean;
}

/** gamma and the step weights as the kernels take them. */
export interface Steps {
  gamma: number;
  wv: number;
  wh: number;
  wd: number;
  /** All step weights are 1 (E is then the plain expected alignment). */
  unit: boolean;
}

/** The validated gamma and step weights of resolved options. */
export function stepsOf(r: Resolved): Steps {
  return { gamma: r.gamma, wv: r.wv, wh: r.wh, wd: r.wd, unit: r.unit };
}

/** Smallest accepted gamma. */
export const MIN_GAMMA = 1e-4;

const COMMON_KEYS = ['gamma', 'stepWeights', 'bandwidth', 'prior'] as const;

/** Validates `gamma` (refusing 0 with a pointer to `dtw`). */
export function checkGamma(value: unknown, name: string): number {
  if (value === 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: gamma = 0 is hard DTW, which has no useful gradient; use dtw(C) for the hard cost and path, or a gamma >= ${MIN_GAMMA}`,
      name,
    );
  }
  return checkNumber(value, name, { min: MIN_GAMMA });
}

/** Validates `stepWeights`. */
export function checkStepWeights(value: unknown, name: string): [number, number, number] {
  if (
    !Array.isArray(value) ||
    value.length !== 3 ||
    value.some((w) => typeof w !== 'number' || !Number.isFinite(w) || w < 0)
  ) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected three finite non-negative numbers [w_v, w_h, w_d], got ${show(value)}`,
      name,
    );
  }
  return [value[0], value[1], value[2]];
}

/** Validates `bandwidth` (undefined = no band). */
export function checkBandwidth(value: unknown, name: string): number | null {
  if (value === undefined) return null;
  return checkNumber(value, name, { min: 0, integer: true });
}

/** Validates the width nu of the diagonal prior (> 0). */
export function checkNu(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0, minExclusive: true });
}

/** Validates the `prior` option. */
export function checkPrior(value: unknown, name: string): { weight: number; nu: number } | null {
  if (value === undefined) return null;
  checkKeys(value, name, ['weight', 'nu']);
  const p = value as PriorOptions;
  const weight = checkNumber(p.weight, `${name}.weight`, { min: 0 });
  const nu = p.nu === undefined ? 1000 : checkNu(p.nu, `${name}.nu`);
  return { weight, nu };
}

/** Validates the options of {@link softDtwFromCost}. */
export function resolveCostOptions(options: SoftDtwOptions | undefined, name: string): Resolved {
  checkKeys(options, name, COMMON_KEYS);
  return resolveCommon(options ?? {}, name, 'sqeuclidean', false);
}

/** Validates the options of the sequence losses. */
export function resolveSequenceOptions(
  options: SoftDtwSequenceOptions | undefined,
  name: string,
): Resolved {
  checkKeys(options, name, [...COMMON_KEYS, 'cost', 'gradY']);
  const o = options ?? {};
  const cost = o.cost === undefined ? 'sqeuclidean' : checkCostOption(o.cost, `${name}.cost`);
  const gradY = o.gradY === undefined ? false : checkBoolean(o.gradY, `${name}.gradY`);
  return resolveCommon(o, name, cost, gradY);
}

function resolveCommon(
  o: SoftDtwOptions,
  name: string,
  cost: CostOption,
  gradY: boolean,
): Resolved {
  const gamma = o.gamma === undefined ? 1 : checkGamma(o.gamma, `${name}.gamma`);
  const [wv, wh, wd] =
    o.stepWeights === undefined
      ? [1, 1, 1]
      : checkStepWeights(o.stepWeights, `${name}.stepWeights`);
  return {
    gamma,
    wv,
    wh,
    wd,
    unit: wv === 1 && wh === 1 && wd === 1,
    bandwidth: checkBandwidth(o.bandwidth, `${name}.bandwidth`),
    prior: checkPrior(o.prior, `${name}.prior`),
    cost,
    gradY,
  };
}
