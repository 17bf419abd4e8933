import { checkNumber, LossInputError, show } from '@losses/tensor';
import { wilson } from './wilson.js';

/**
 * One trial of a gradient-sign experiment, all scalars: the estimated parameter, the target
 * parameter and the loss gradient with respect to the estimate, dL/d(estimate).
 */
export interface GraTrial {
  /** The estimated parameter (e.g. a frequency in Hz). */
  estimate: number;
  /** The target parameter, in the unit of `estimate`. */
  target: number;
  /** dL/d(estimate) at the estimate. */
  gradient: number;
}

/** {@link graWithCi}'s result. */
export interface GraResult {
  /** The share of correct trials, in [0, 1]. */
  gra: number;
  /** The Wilson 95 % interval of `gra`, `[lo, hi]`. */
  ci: [number, number];
  /** How many trials were correct. */
  correct: number;
  /** How many trials there were. */
  total: number;
}

/**
 * Whether one trial is correct: sign(gradient) = sign(estimate - target), i.e. a gradient-descent
 * step moves the estimate toward the target. A zero gradient is wrong (it does not move), and so
 * is a trial with estimate = target (there is no direction to get right).
 */
export function isCorrectTrial(t: GraTrial): boolean {
  // Compare the signs, not the sign of the product: 1e-200 * 1e-200 underflows to 0. The
  // difference of two unequal finite doubles is never 0 (gradual underflow), and an overflow to
  // +-Infinity keeps its sign.
  const d = t.estimate - t.target;
  return (t.gradient > 0 && d > 0) || (t.gradient < 0 && d < 0);
}

/** `an empty slot (sparse array)` for a hole, else the value as messages show it. */
function entry(list: readonly unknown[], i: number): string {
  return i in list ? show(list[i]) : 'an empty slot (sparse array)';
}

function countCorrect(trials: readonly GraTrial[], name: string): number {
  if (!Array.isArray(trials)) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected an array of { estimate, target, gradient }, got ${show(trials)}`,
      name,
    );
  }
  if (trials.length === 0) {
    throw new LossInputError('EMPTY', `${name}: is empty; at least one trial is needed`, name);
  }
  let correct = 0;
  // An index loop, not forEach: forEach skips the holes of a sparse array.
  for (let i = 0; i < trials.length; i++) {
    const t = trials[i];
    if (typeof t !== 'object' || t === null) {
      throw new LossInputError(
        'INVALID_TYPE',
        `${name}[${i}]: expected an object { estimate, target, gradient }, got ${entry(trials, i)}`,
        name,
      );
    }
    for (const key of ['estimate', 'target', 'gradient'] as const) {
      const v = (t as unknown as Record<string, unknown>)[key];
      if (typeof v !== 'number') {
        throw new LossInputError(
          'INVALID_TYPE',
          `${name}[${i}].${key}: expected a number, got ${show(v)}`,
          name,
        );
      }
      if (!Number.isFinite(v)) {
        throw new LossInputError(
          'NON_FINITE',
          `${name}[${i}].${key}: is ${v}; only finite values are accepted`,
          name,
        );
      }
    }
    if (isCorrectTrial(t)) correct++;
  }
  return correct;
}

/**
 * Gradient-sign accuracy (GRA) of a set of trials: the share where
 * sign(gradient) = sign(estimate - target), i.e. where one gradient-descent step moves the
 * estimate toward the target. A zero gradient counts as wrong.
 *
 * @param trials - `{ estimate, target, gradient }` scalars, at least one.
 * @returns The share of correct trials, in [0, 1].
 * @throws LossInputError `INVALID_TYPE` (not an array of such objects), `EMPTY`, `NON_FINITE`.
 *
 * @example
 * ```ts
 * gra([{ estimate: 1010, target: 1000, gradient: 0.3 }, { estimate: 990, target: 1000, gradient: 0.1 }]); // 0.5
 * ```
 */
export function gra(trials: readonly GraTrial[]): number {
  return countCorrect(trials, 'trials') / trials.length;
}

/**
 * {@link gra} with its Wilson 95 % confidence interval and the counts behind it.
 *
 * @param trials - `{ estimate, target, gradient }` scalars, at least one.
 * @returns `{ gra, ci: [lo, hi], correct, total }`.
 * @throws LossInputError as {@link gra}.
 */
export function graWithCi(trials: readonly GraTrial[]): GraResult {
  const correct = countCorrect(trials, 'trials');
  const total = trials.length;
  return { gra: correct / total, ci: wilson(correct, total), correct, total };
}

/** The counts of GRA rows merged over runs, as {@link checkGraParts} returns them. */
export interface GraCounts {
  /** The steps, in the order of every part. */
  steps: number[];
  /** Correct trials per step, summed over the parts. */
  correct: number[];
  /** Trials per step, summed over the parts. */
  trials: number;
}

/**
 * Validates the parts handed to `combineGraRows` (lists of `{ step, correct, trials }` rows, one
 * list per run) and sums their counts: each part a non-empty array of rows with the steps of the
 * first part; each row an object with a finite `step`, an integer `trials` >= 1 (the same in every
 * row of a part: a run evaluates every step on each trial) and an integer `correct` in
 * [0, trials].
 *
 * @throws LossInputError `INVALID_TYPE` (not arrays or objects, holes), `EMPTY` (no parts, an
 *   empty part), `INVALID_OPTION` (a count or step out of range, null included),
 *   `SHAPE_MISMATCH` (steps or trial counts that disagree).
 */
export function checkGraParts(parts: unknown): GraCounts {
  if (!Array.isArray(parts)) {
    throw new LossInputError(
      'INVALID_TYPE',
      `parts: expected an array of row lists (one sinusoidGra result per run), got ${show(parts)}`,
      'parts',
    );
  }
  if (parts.length === 0) {
    throw new LossInputError('EMPTY', 'parts: expected at least one list of rows, got []', 'parts');
  }
  let steps: number[] = [];
  let correct: number[] = [];
  let total = 0;
  for (let p = 0; p < parts.length; p++) {
    const part = parts[p];
    const where = `parts[${p}]`;
    if (!Array.isArray(part)) {
      throw new LossInputError(
        'INVALID_TYPE',
        `${where}: expected an array of rows { step, correct, trials }, got ${entry(parts, p)}`,
        'parts',
      );
    }
    if (part.length === 0) {
      throw new LossInputError('EMPTY', `${where}: expected at least one row, got []`, 'parts');
    }
    let trials = 0;
    const partSteps: number[] = [];
    const partCorrect: number[] = [];
    for (let k = 0; k < part.length; k++) {
      const row = part[k];
      const at = `${where}[${k}]`;
      if (typeof row !== 'object' || row === null) {
        throw new LossInputError(
          'INVALID_TYPE',
          `${at}: expected a row { step, correct, trials }, got ${entry(part, k)}`,
          'parts',
        );
      }
      const r = row as Record<string, unknown>;
      partSteps.push(checkNumber(r.step, `${at}.step`));
      const n = checkNumber(r.trials, `${at}.trials`, { integer: true, min: 1 });
      const c = checkNumber(r.correct, `${at}.correct`, { integer: true, min: 0 });
      if (c > n) {
        throw new LossInputError(
          'INVALID_OPTION',
          `${at}.correct: expected at most trials = ${n}, got ${c}`,
          `${at}.correct`,
        );
      }
      if (k === 0) trials = n;
      else if (n !== trials) {
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `${at}.trials: expected ${trials} (the trials of ${where}[0]: every row of a run counts the same trials), got ${n}`,
          `${at}.trials`,
        );
      }
      partCorrect.push(c);
    }
    if (p === 0) {
      steps = partSteps;
      correct = partCorrect;
    } else {
      if (partSteps.length !== steps.length || partSteps.some((s, k) => s !== steps[k])) {
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `${where}: expected the steps of parts[0] ${show(steps)}, got ${show(partSteps)}`,
          'parts',
        );
      }
      correct = correct.map((c, k) => c + partCorrect[k]!);
    }
    total += trials;
  }
  return { steps, correct, trials: total };
}
