import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
} from '@losses/tensor';
import { checkThreads } from '@losses/tensor/internal';
import type { BandSpec } from './band.js';
import type { CostOption } from './costs.js';
import { checkCostOption } from './costs.js';
import type { Boundary } from './grid.js';
import {
  checkSteps,
  checkStepWeights,
  classicSteps,
  type Step,
  type StepSet,
  UNIT_STEPS,
} from './steps.js';

export type { Step } from './steps.js';

/** The diagonal prior added to the cost: `weight * P` with P from {@link diagonalPrior}. */
export interface PriorOptions {
  /** Weight of the prior (>= 0). */
  weight: number;
  /** Width parameter nu of P(n, m) = 1 - exp(-d^2 / (2 nu)), in squared frames. Default 1000. */
  nu?: number;
}

/** A band of admissible cells (see {@link SoftDtwOptions.band}). */
export type BandOption =
  | {
      /** Sakoe-Chiba: the linear alignment widened by `width` columns on each side. */
      kind: 'sakoe-chiba';
      /** Half-width in frames of the second sequence (columns), an integer >= 0. */
      width: number;
    }
  | {
      /** Itakura parallelogram, as tslearn's `itakura_mask(N, M, max_slope)`. */
      kind: 'itakura';
      /** Largest slope of the parallelogram's sides (>= 1; tslearn's default is 2). */
      slope: number;
    };

/** Which border an alignment may begin (or end) anywhere along. */
export type OpenAxis = 'none' | 'x' | 'y' | 'both';

/** Length normalisation of the value: divided by N, M or N + M (or not). */
export type Normalize = 'none' | 'n' | 'm' | 'n+m';

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
   * Default [1, 1, 1]. Shorthand for `steps: [{ di: 1, dj: 0, weight: w_v }, { di: 0, dj: 1,
   * weight: w_h }, { di: 1, dj: 1, weight: w_d }]`; give one or the other.
   */
  stepWeights?: readonly [number, number, number] | readonly number[];
  /**
   * The step set: steps `{ di, dj, weight = 1 }` from (i - di, j - dj) into (i, j), adding
   * weight x C(i, j) (1 to 8 steps, di and dj integers 0..64, not both 0). Default: the classic
   * three steps with `stepWeights`. E.g. `[{ di: 1, dj: 1 }, { di: 1, dj: 2 }, { di: 2, dj: 1 }]`
   * (Mueller, FMP 3.2). The classic set runs in WebAssembly; any other set in JavaScript.
   */
  steps?: readonly Step[];
  /**
   * Sakoe-Chiba band half-width in frames of the second sequence (columns), around the linear
   * alignment (scaled to the diagonal when N != M); cells outside are +inf. Default: no band.
   * Shorthand for `band: { kind: 'sakoe-chiba', width }`; give one or the other.
   */
  bandwidth?: number;
  /**
   * The admissible cells: `{ kind: 'sakoe-chiba', width }` (as `bandwidth`) or
   * `{ kind: 'itakura', slope }` (tslearn's parallelogram; refused when it leaves a row or a
   * column empty). Default: every cell.
   */
  band?: BandOption;
  /** Adds `weight * diagonalPrior(N, M, { nu })` to the cost matrix. Default: none. */
  prior?: PriorOptions;
  /**
   * Subsequence alignment (Mueller, FMP 7.2): the first sequence (the query, N frames) is matched
   * inside the second (M frames) with a free start and end along the second: D(0, j) = 0 for
   * every j and the value is min^gamma over j of D(N, j). Same as `openBegin: 'y', openEnd: 'y'`.
   * Default `false`.
   */
  subsequence?: boolean;
  /**
   * Open begin (partial matching, as dDTW's `sub_X` / `sub_Y`): `'y'` lets a path start at any
   * frame of y (D(0, j) = j p for j = 0..M), `'x'` at any frame of x (D(i, 0) = i p), `'both'`
   * either, with p the begin `skipPenalty`. Default `'none'`: D(0, 0) = 0 alone.
   */
  openBegin?: OpenAxis;
  /**
   * Open end: `'y'` lets a path end at any frame of y (the value is the soft minimum over j of
   * D(N, j) + (M - j) p), `'x'` at any frame of x (over i of D(i, M) + (N - i) p), `'both'` either,
   * with p the end `skipPenalty`. Default `'none'`: the value is D(N, M).
   */
  openEnd?: OpenAxis;
  /**
   * Cost per frame skipped at an open begin and end (>= 0): one number for both, or
   * `{ begin, end }`. Default 0 (a free start and end).
   */
  skipPenalty?: number | { begin?: number; end?: number };
  /**
   * Divides the value (and its gradient) by N (`'n'`), M (`'m'`) or N + M (`'n+m'`), the lengths
   * of the two sequences (rows and columns of C). Default `'none'`.
   */
  normalize?: Normalize;
}

/** Options of the sequence losses ({@link softDtw} and friends). */
export interface SoftDtwSequenceOptions extends SoftDtwOptions {
  /** Frame cost. Default `'sqeuclidean'`. */
  cost?: CostOption;
  /** Also return the gradient with respect to `y` (`gradY`). Default `false`. */
  gradY?: boolean;
  /**
   * Threads for a batch or list of pairs: an integer >= 1 or `'auto'` (the machine's available
   * parallelism), at most that many (and one item per thread at least). The items are spread over
   * worker threads (Node `worker_threads`; Web Workers for the `...Async` functions in browsers)
   * and the results are the same, bit for bit, as on one thread. The synchronous functions use
   * workers in Node (>= 20.16) and compute their own share on the calling thread; in browsers they
   * run on the calling thread alone (use the `...Async` functions there). A user-defined cost, or a
   * batch too small to gain (under 65,536 cells per thread), runs on the calling thread. Default
   * 1 (no workers). See the package README, "Threads".
   */
  threads?: number | 'auto';
}

/** Which divergence {@link softDtwDivergence} computes. */
export type DivergenceVariant = 'soft' | 'sharp' | 'mean-cost';

/** Options of the divergences: those of the sequence losses and the `variant`. */
export interface SoftDtwDivergenceOptions extends SoftDtwSequenceOptions {
  /**
   * `'soft'` (default): f = soft-DTW; `'sharp'`: f = sharp soft-DTW <E, C>; `'mean-cost'`: f = the
   * mean cost <E_mean, C> over all admissible alignments (gamma -> infinity; gamma is unused).
   * The divergence is f(x, y) - f(x, x) / 2 - f(y, y) / 2 (Blondel, Mensch, Vert, AISTATS 2021).
   */
  variant?: DivergenceVariant;
}

// Every option follows one rule (as in @losses/stft and @losses/mss): absent (undefined) takes the
// default, anything present must be valid; null is refused like any other wrong value.

/** Options after validation. */
export interface Resolved {
  /** The options' name in messages, e.g. `'softDtw: options'`. */
  name: string;
  gamma: number;
  steps: StepSet;
  band: BandSpec;
  boundary: Boundary;
  normalize: Normalize;
  prior: { weight: number; nu: number } | null;
  cost: CostOption;
  gradY: boolean;
  variant: DivergenceVariant;
  /** Threads for the items of a call (1: the calling thread alone). */
  threads: number;
}

/** gamma and the step set as the kernels take them. */
export interface Steps extends StepSet {
  gamma: number;
}

/** The validated gamma and step set of resolved options. */
export function stepsOf(r: Pick<Resolved, 'gamma' | 'steps'>): Steps {
  return { ...r.steps, gamma: r.gamma };
}

/** Smallest accepted gamma. */
export const MIN_GAMMA = 1e-4;

const COMMON_KEYS = [
  'gamma',
  'stepWeights',
  'steps',
  'bandwidth',
  'band',
  'prior',
  'subsequence',
  'openBegin',
  'openEnd',
  'skipPenalty',
  'normalize',
] as const;

/** The option keys of {@link dtw}: the geometry of soft-DTW without gamma, prior and normalize. */
export const GEOMETRY_KEYS = [
  'stepWeights',
  'steps',
  'bandwidth',
  'band',
  'subsequence',
  'openBegin',
  'openEnd',
  'skipPenalty',
] as const;

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

export { checkStepWeights } from './steps.js';

/** Validates `bandwidth` (undefined = no band). */
export function checkBandwidth(value: unknown, name: string): number | null {
  if (value === undefined) return null;
  return checkNumber(value, name, { min: 0, integer: true });
}

/** Validates a `band` option. */
export function checkBand(value: unknown, name: string): BandSpec {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected { kind: 'sakoe-chiba', width } or { kind: 'itakura', slope }, got ${show(value)}`,
      name,
    );
  }
  const kind = checkOneOf((value as { kind?: unknown }).kind, `${name}.kind`, [
    'sakoe-chiba',
    'itakura',
  ]);
  if (kind === 'sakoe-chiba') {
    checkKeys(value, name, ['kind', 'width']);
    const width = checkNumber((value as { width?: unknown }).width, `${name}.width`, {
      min: 0,
      integer: true,
    });
    return { kind, width };
  }
  checkKeys(value, name, ['kind', 'slope']);
  const slope = checkNumber((value as { slope?: unknown }).slope, `${name}.slope`, { min: 1 });
  return { kind, slope };
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

/** The step-set, band and boundary options (shared by soft-DTW and dtw), validated. */
export interface Geometry {
  steps: StepSet;
  band: BandSpec;
  boundary: Boundary;
}

function both(o: object, a: string, b: string, name: string): void {
  const r = o as Record<string, unknown>;
  if (r[a] !== undefined && r[b] !== undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: give ${a} or ${b}, not both (${a} is shorthand for ${b})`,
      `${name}.${a}`,
    );
  }
}

const AXES: readonly OpenAxis[] = ['none', 'x', 'y', 'both'];

/** Validates the geometry options of `o` (already checked by checkKeys). */
export function resolveGeometry(o: SoftDtwOptions, name: string): Geometry {
  both(o, 'stepWeights', 'steps', name);
  both(o, 'bandwidth', 'band', name);
  let steps: StepSet = UNIT_STEPS;
  if (o.steps !== undefined) steps = checkSteps(o.steps, `${name}.steps`);
  else if (o.stepWeights !== undefined) {
    steps = classicSteps(...checkStepWeights(o.stepWeights, `${name}.stepWeights`));
  }
  let band: BandSpec = null;
  if (o.band !== undefined) band = checkBand(o.band, `${name}.band`);
  else {
    const width = checkBandwidth(o.bandwidth, `${name}.bandwidth`);
    if (width !== null) band = { kind: 'sakoe-chiba', width };
  }
  const subsequence =
    o.subsequence === undefined ? false : checkBoolean(o.subsequence, `${name}.subsequence`);
  if (subsequence && (o.openBegin !== undefined || o.openEnd !== undefined)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: give subsequence or openBegin / openEnd, not both (subsequence: true is openBegin: 'y', openEnd: 'y')`,
      `${name}.subsequence`,
    );
  }
  const begin = subsequence
    ? 'y'
    : o.openBegin === undefined
      ? 'none'
      : checkOneOf(o.openBegin, `${name}.openBegin`, AXES);
  const end = subsequence
    ? 'y'
    : o.openEnd === undefined
      ? 'none'
      : checkOneOf(o.openEnd, `${name}.openEnd`, AXES);
  let beginPenalty = 0;
  let endPenalty = 0;
  if (o.skipPenalty !== undefined) {
    const at = `${name}.skipPenalty`;
    if (begin === 'none' && end === 'none') {
      throw new LossInputError(
        'INVALID_OPTION',
        `${at}: has no effect without an open begin or end (subsequence, openBegin, openEnd)`,
        at,
      );
    }
    if (typeof o.skipPenalty === 'number') {
      beginPenalty = endPenalty = checkNumber(o.skipPenalty, at, { min: 0 });
    } else {
      if (typeof o.skipPenalty !== 'object' || Array.isArray(o.skipPenalty)) {
        throw new LossInputError(
          'INVALID_OPTION',
          `${at}: expected a number >= 0 or { begin?, end? }, got ${show(o.skipPenalty)}`,
          at,
        );
      }
      checkKeys(o.skipPenalty, at, ['begin', 'end']);
      const p = o.skipPenalty;
      if (p.begin !== undefined) beginPenalty = checkNumber(p.begin, `${at}.begin`, { min: 0 });
      if (p.end !== undefined) endPenalty = checkNumber(p.end, `${at}.end`, { min: 0 });
    }
  }
  return { steps, band, boundary: { begin, end, beginPenalty, endPenalty } };
}

/** Validates the options of {@link softDtwFromCost}. */
export function resolveCostOptions(options: SoftDtwOptions | undefined, name: string): Resolved {
  checkKeys(options, name, COMMON_KEYS);
  return resolveCommon(options ?? {}, name, 'sqeuclidean', false, 'soft');
}

/** Validates the options of the sequence losses (and `variant` with `divergence`). */
export function resolveSequenceOptions(
  options: SoftDtwDivergenceOptions | undefined,
  name: string,
  divergence = false,
): Resolved {
  checkKeys(options, name, [
    ...COMMON_KEYS,
    'cost',
    'gradY',
    'threads',
    ...(divergence ? ['variant'] : []),
  ]);
  const o = options ?? {};
  const cost = o.cost === undefined ? 'sqeuclidean' : checkCostOption(o.cost, `${name}.cost`);
  const gradY = o.gradY === undefined ? false : checkBoolean(o.gradY, `${name}.gradY`);
  const variant =
    o.variant === undefined
      ? 'soft'
      : checkOneOf(o.variant, `${name}.variant`, ['soft', 'sharp', 'mean-cost'] as const);
  const threads = checkThreads(o.threads, `${name}.threads`);
  return { ...resolveCommon(o, name, cost, gradY, variant), threads };
}

function resolveCommon(
  o: SoftDtwOptions,
  name: string,
  cost: CostOption,
  gradY: boolean,
  variant: DivergenceVariant,
): Resolved {
  const gamma = o.gamma === undefined ? 1 : checkGamma(o.gamma, `${name}.gamma`);
  const { steps, band, boundary } = resolveGeometry(o, name);
  return {
    name,
    gamma,
    steps,
    band,
    boundary,
    normalize:
      o.normalize === undefined
        ? 'none'
        : checkOneOf(o.normalize, `${name}.normalize`, ['none', 'n', 'm', 'n+m'] as const),
    prior: checkPrior(o.prior, `${name}.prior`),
    cost,
    gradY,
    variant,
    threads: 1,
  };
}

/** The divisor of `normalize` for an N x M pair (1 for `'none'`). */
export function normalizer(normalize: Normalize, N: number, M: number): number {
  return normalize === 'n' ? N : normalize === 'm' ? M : normalize === 'n+m' ? N + M : 1;
}
