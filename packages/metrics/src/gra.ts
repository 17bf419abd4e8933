import { LossInputError, show } from '@losses/tensor';
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
  return t.gradient * (t.estimate - t.target) > 0;
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
  trials.forEach((t, i) => {
    if (typeof t !== 'object' || t === null) {
      throw new LossInputError(
        'INVALID_TYPE',
        `${name}[${i}]: expected an object { estimate, target, gradient }, got ${show(t)}`,
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
  });
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
