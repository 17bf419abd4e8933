/**
 * Step sets of the alignment recursion. A step (di, dj, w) enters cell (i, j) from (i - di, j - dj)
 * and adds w C(i, j) (the cost of the cell it enters only, also when it jumps over cells, as the
 * step sizes of Mueller, Fundamentals of Music Processing, 2nd ed. 2021, section 3.2.1.3):
 *
 *   D(i, j) = min^gamma over the steps (di, dj, w) of D(i - di, j - dj) + w C(i, j).
 *
 * The classic set (1, 0, w_v), (0, 1, w_h), (1, 1, w_d) has its own row kernels (recursion.ts, in
 * WebAssembly where available); any other set runs the general row kernels of general.ts.
 */
import { checkKeys, checkNumber, LossInputError, show } from '@losses/tensor';

/** One step of a step set: from (i - di, j - dj) into (i, j), adding `weight` x C(i, j). */
export interface Step {
  /** Rows advanced (frames of the first sequence), an integer 0..64. */
  di: number;
  /** Columns advanced (frames of the second sequence), an integer 0..64; (0, 0) is refused. */
  dj: number;
  /** Weight of the cost of the cell entered (>= 0, finite). Default 1. */
  weight?: number;
}

/** A validated step set as the kernels take it. */
export interface StepSet {
  /** Rows advanced by each step. */
  readonly di: readonly number[];
  /** Columns advanced by each step. */
  readonly dj: readonly number[];
  /** Weight of each step. */
  readonly w: readonly number[];
  /** The classic set (1, 0), (0, 1), (1, 1) in any order: the classic row kernels run it. */
  readonly classic: boolean;
  /** Weights of the vertical (1, 0), horizontal (0, 1) and diagonal (1, 1) step (classic only). */
  readonly wv: number;
  readonly wh: number;
  readonly wd: number;
  /** Every weight is 1. */
  readonly unit: boolean;
  /** The largest weight. */
  readonly wMax: number;
  /** The largest di (rows the general kernels keep) and dj. */
  readonly maxDi: number;
  readonly maxDj: number;
}

/** The most steps a set may have (the soft minimum's sum then stays below 8 x 8, see general.ts). */
export const MAX_STEPS = 8;

/** The largest di or dj of a step. */
export const MAX_STEP_SIZE = 64;

/** The classic step set with weights [w_v, w_h, w_d] (vertical, horizontal, diagonal). */
export function classicSteps(wv: number, wh: number, wd: number): StepSet {
  return makeSet([1, 0, 1], [0, 1, 1], [wv, wh, wd]);
}

/** The classic unit step set, today's default. */
export const UNIT_STEPS = classicSteps(1, 1, 1);

function makeSet(di: number[], dj: number[], w: number[]): StepSet {
  let v = -1;
  let h = -1;
  let d = -1;
  for (let k = 0; k < di.length; k++) {
    if (di[k] === 1 && dj[k] === 0) v = k;
    else if (di[k] === 0 && dj[k] === 1) h = k;
    else if (di[k] === 1 && dj[k] === 1) d = k;
  }
  const classic = di.length === 3 && v >= 0 && h >= 0 && d >= 0;
  return {
    di,
    dj,
    w,
    classic,
    wv: classic ? w[v]! : Number.NaN,
    wh: classic ? w[h]! : Number.NaN,
    wd: classic ? w[d]! : Number.NaN,
    unit: w.every((x) => x === 1),
    wMax: Math.max(...w),
    maxDi: Math.max(...di),
    maxDj: Math.max(...dj),
  };
}

/** Validates `stepWeights` ([w_v, w_h, w_d], the classic set's weights). */
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

/**
 * Validates a `steps` option: 1 to {@link MAX_STEPS} steps `{ di, dj, weight = 1 }` with integer
 * di, dj in 0..{@link MAX_STEP_SIZE}, not both 0 (every step moves forward, so the recursion has
 * an order), no step twice, weights finite and >= 0.
 *
 * @throws LossInputError `INVALID_OPTION` naming the step.
 */
export function checkSteps(value: unknown, name: string): StepSet {
  if (!Array.isArray(value) || value.length < 1 || value.length > MAX_STEPS) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected an array of 1 to ${MAX_STEPS} steps { di, dj, weight? }, got ${show(value)}`,
      name,
    );
  }
  const di: number[] = [];
  const dj: number[] = [];
  const w: number[] = [];
  value.forEach((s: unknown, k) => {
    const at = `${name}[${k}]`;
    if (typeof s !== 'object' || s === null || Array.isArray(s)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${at}: expected a step { di, dj, weight? }, got ${show(s)}`,
        at,
      );
    }
    checkKeys(s, at, ['di', 'dj', 'weight']);
    const step = s as Step;
    const a = checkNumber(step.di, `${at}.di`, { min: 0, max: MAX_STEP_SIZE, integer: true });
    const b = checkNumber(step.dj, `${at}.dj`, { min: 0, max: MAX_STEP_SIZE, integer: true });
    if (a === 0 && b === 0) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${at}: a step must advance: di = dj = 0 would make a cell its own predecessor`,
        at,
      );
    }
    for (let q = 0; q < di.length; q++) {
      if (di[q] === a && dj[q] === b) {
        throw new LossInputError(
          'INVALID_OPTION',
          `${at}: the step (${a}, ${b}) is already ${name}[${q}]; give each step once`,
          at,
        );
      }
    }
    di.push(a);
    dj.push(b);
    w.push(step.weight === undefined ? 1 : checkNumber(step.weight, `${at}.weight`, { min: 0 }));
  });
  return makeSet(di, dj, w);
}

/** A readable list of a step set, for messages: `(1,0,w=1), (0,1,w=1), ...`. */
export function describeSteps(s: StepSet): string {
  return s.di.map((d, k) => `(${d}, ${s.dj[k]}, w = ${s.w[k]})`).join(', ');
}
