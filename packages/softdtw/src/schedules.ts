import { checkKeys, checkNumber, checkOneOf, LossInputError } from '@losses/tensor';

/** Options of {@link gammaSchedule} and {@link priorWeightSchedule}. */
export interface ScheduleOptions {
  /** Value during the first `holdSteps` steps. */
  start: number;
  /** Value after `holdSteps + decaySteps` steps. */
  end: number;
  /** Steps at `start` before the decay begins (integer >= 0). Default 0. */
  holdSteps?: number;
  /** Steps of the decay from `start` to `end` (integer >= 0; 0 = jump). Default 0. */
  decaySteps?: number;
  /**
   * `'linear'`: start + (end - start) t; `'exponential'`: start (end / start)^t (geometric, needs
   * start, end > 0), with t = (step - holdSteps) / decaySteps in [0, 1]. Default `'linear'`.
   */
  shape?: 'linear' | 'exponential';
}

function schedule(
  options: ScheduleOptions,
  name: string,
  positive: boolean,
): (step: number) => number {
  checkKeys(options, name, ['start', 'end', 'holdSteps', 'decaySteps', 'shape']);
  if (options === undefined || options === null) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected { start, end, ... }, got ${String(options)}`,
      name,
    );
  }
  const shape =
    options.shape === undefined
      ? 'linear'
      : checkOneOf(options.shape, `${name}.shape`, ['linear', 'exponential']);
  const strict = positive || shape === 'exponential';
  const rule = strict ? { min: 0, minExclusive: true } : { min: 0 };
  const start = checkNumber(options.start, `${name}.start`, rule);
  const end = checkNumber(options.end, `${name}.end`, rule);
  const steps = { min: 0, integer: true };
  const hold =
    options.holdSteps === undefined
      ? 0
      : checkNumber(options.holdSteps, `${name}.holdSteps`, steps);
  const decay =
    options.decaySteps === undefined
      ? 0
      : checkNumber(options.decaySteps, `${name}.decaySteps`, steps);
  return (step: number): number => {
    checkNumber(step, 'step', { min: 0 });
    if (step <= hold) return start;
    if (step >= hold + decay) return end;
    const t = (step - hold) / decay;
    // Geometric interpolation in logs: start (end / start)^t overflows for end / start > 1.8e308
    // (start 1e-300, end 1e300), while start^(1-t) end^t lies between the two.
    return shape === 'linear'
      ? start + (end - start) * t
      : Math.exp((1 - t) * Math.log(start) + t * Math.log(end));
  };
}

/**
 * A gamma annealing schedule: step => gamma, `start` for `holdSteps` steps, then a linear or
 * exponential decay to `end` over `decaySteps` steps, then `end` (start, end > 0; gamma values
 * below 1e-4 are refused later by the losses).
 *
 * @throws LossInputError `INVALID_OPTION` for bad options (and, when called, a negative step).
 */
export function gammaSchedule(options: ScheduleOptions): (step: number) => number {
  return schedule(options, 'gammaSchedule: options', true);
}

/**
 * A schedule for the weight of the diagonal prior (same shape as {@link gammaSchedule}; values
 * >= 0, and > 0 for `'exponential'`), e.g. a strong prior at the start of training that fades
 * out (Zeitler, Deniffel, Krause, Mueller, ISMIR 2023).
 */
export function priorWeightSchedule(options: ScheduleOptions): (step: number) => number {
  return schedule(options, 'priorWeightSchedule: options', false);
}
