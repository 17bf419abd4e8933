import type { DType, FloatArray, Tensor } from '@losses/tensor';
import {
  arrayType,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
  tensor,
} from '@losses/tensor';
import { checkGraParts } from './gra.js';
import { createRng } from './prng.js';
import { bindLoss, checkSignalLoss, type SignalLoss } from './signal-loss.js';
import { centsToHz, frequencyGradient, writeSinusoid } from './sinusoid.js';
import { wilson } from './wilson.js';

/** Options of {@link sinusoidGra}. Only `loss` is required. */
export interface SinusoidGraOptions {
  /**
   * The loss to judge: a function `(estimate [T], target [T]) => number` (or `=> { value, grad }`
   * for the gradient reading), or a planned loss with `withTarget(target)` returning
   * `{ value(est), perItem?(est [B, T]), valueAndGrad?(est) }` - e.g. `createMssLoss(...)` of
   * @losses/mss. With `perItem`, the estimates of a trial are evaluated as one batch.
   */
  loss: SignalLoss;
  /**
   * `'ranking'` (default): for each step s, of two estimates s cents apart, is the one nearer the
   * target the one with the lower loss? `'gradient'`: does dL/df^ at the estimate have the sign
   * of f^ - f? (One row, `step: 0`.)
   */
  reading?: 'ranking' | 'gradient';
  /** The target's frequency in Hz. Default 1000. */
  targetHz?: number;
  /** Sample rate in Hz. Default 44100. */
  sampleRate?: number;
  /** Signal duration in seconds; T = round(duration * sampleRate) samples. Default 1. */
  duration?: number;
  /** Amplitude A of every sinusoid. Default 1. */
  amplitude?: number;
  /** Estimate offsets c are drawn uniformly from [-rangeCents, +rangeCents]. Default 2400. */
  rangeCents?: number;
  /** The steps s in cents of the ranking reading. Default [0.3, 3, 30, 300]. */
  steps?: readonly number[];
  /** Number of trials (one target, one offset c each). Default 500. */
  trials?: number;
  /** Seed of the random phases and offsets (a non-negative safe integer). Default 0. */
  seed?: number;
  /**
   * Index of the first trial. Trial i draws from its own random stream (seed, i), so a run can be
   * split into chunks - `{ trials: 250 }` and `{ trials: 250, firstTrial: 250 }` together are
   * `{ trials: 500 }` (merge them with {@link combineGraRows}), e.g. across worker threads.
   * Default 0.
   */
  firstTrial?: number;
  /**
   * Float type of the signals handed to the loss. Default `'float64'` (losses that keep the input
   * float type then also return float64 values, so nearly equal losses are not rounded together).
   */
  dtype?: DType;
  /** Called after every trial with (trials done, trials in all). */
  onProgress?: (done: number, total: number) => void;
}

/** One row of {@link sinusoidGra}'s result. */
export interface SinusoidGraRow {
  /** The step in cents (0 for the gradient reading). */
  step: number;
  /** The share of correct trials, in [0, 1]. */
  gra: number;
  /** Wilson 95 % interval of `gra`, `[lo, hi]`. */
  ci: [number, number];
  /** Correct trials. */
  correct: number;
  /** Trials in all. */
  trials: number;
}

const KEYS = [
  'loss',
  'reading',
  'targetHz',
  'sampleRate',
  'duration',
  'amplitude',
  'rangeCents',
  'steps',
  'trials',
  'seed',
  'firstTrial',
  'dtype',
  'onProgress',
] as const;

/** The protocol's defaults (the loss excepted), as {@link sinusoidGra} uses them. */
export const sinusoidGraDefaults = {
  reading: 'ranking',
  targetHz: 1000,
  sampleRate: 44100,
  duration: 1,
  amplitude: 1,
  rangeCents: 2400,
  steps: [0.3, 3, 30, 300],
  trials: 500,
  seed: 0,
  firstTrial: 0,
  dtype: 'float64',
} as const satisfies Omit<Required<SinusoidGraOptions>, 'loss' | 'onProgress'>;

interface Resolved {
  loss: SignalLoss;
  reading: 'ranking' | 'gradient';
  targetHz: number;
  sampleRate: number;
  length: number;
  amplitude: number;
  rangeCents: number;
  steps: number[];
  trials: number;
  seed: number;
  firstTrial: number;
  dtype: DType;
  onProgress: ((done: number, total: number) => void) | undefined;
}

function resolve(options: SinusoidGraOptions): Resolved {
  if (options === undefined || options === null) {
    throw new LossInputError(
      'INVALID_OPTION',
      'options: expected { loss, ... }, got nothing; sinusoidGra needs at least the loss',
      'options',
    );
  }
  checkKeys(options, 'options', KEYS);
  const d = sinusoidGraDefaults;
  const loss = checkSignalLoss(options.loss);
  const reading = checkOneOf(options.reading ?? d.reading, 'options.reading', [
    'ranking',
    'gradient',
  ]);
  const sampleRate = checkNumber(options.sampleRate ?? d.sampleRate, 'options.sampleRate', {
    min: 0,
    minExclusive: true,
  });
  const targetHz = checkNumber(options.targetHz ?? d.targetHz, 'options.targetHz', {
    min: 0,
    minExclusive: true,
    max: sampleRate / 2,
    maxExclusive: true,
  });
  const duration = checkNumber(options.duration ?? d.duration, 'options.duration', {
    min: 0,
    minExclusive: true,
  });
  const length = Math.round(duration * sampleRate);
  if (length < 2) {
    throw new LossInputError(
      'INVALID_OPTION',
      `options.duration: ${duration} s at ${sampleRate} Hz gives ${length} samples; at least 2 are needed`,
      'options.duration',
    );
  }
  const amplitude = checkNumber(options.amplitude ?? d.amplitude, 'options.amplitude', {
    min: 0,
    minExclusive: true,
  });
  const rangeCents = checkNumber(options.rangeCents ?? d.rangeCents, 'options.rangeCents', {
    min: 0,
    minExclusive: true,
  });
  const rawSteps = options.steps ?? d.steps;
  if (!Array.isArray(rawSteps) || rawSteps.length === 0) {
    throw new LossInputError(
      Array.isArray(rawSteps) ? 'EMPTY' : 'INVALID_OPTION',
      `options.steps: expected a non-empty array of steps in cents, got ${show(rawSteps)}`,
      'options.steps',
    );
  }
  const steps = rawSteps.map((s, i) =>
    checkNumber(s, `options.steps[${i}]`, { min: 0, minExclusive: true }),
  );
  const trials = checkNumber(options.trials ?? d.trials, 'options.trials', {
    integer: true,
    min: 1,
  });
  const seed = checkNumber(options.seed ?? d.seed, 'options.seed', {
    integer: true,
    min: 0,
    max: Number.MAX_SAFE_INTEGER,
  });
  const firstTrial = checkNumber(options.firstTrial ?? d.firstTrial, 'options.firstTrial', {
    integer: true,
    min: 0,
    max: 2 ** 32 - trials,
  });
  const dtype = checkOneOf(options.dtype ?? d.dtype, 'options.dtype', ['float32', 'float64']);
  const onProgress = options.onProgress;
  if (onProgress !== undefined && typeof onProgress !== 'function') {
    throw new LossInputError(
      'INVALID_OPTION',
      `options.onProgress: expected a function (done, total) => void, got ${show(onProgress)}`,
      'options.onProgress',
    );
  }
  // Every estimate must stay below the Nyquist frequency.
  const reach = rangeCents + (reading === 'ranking' ? Math.max(...steps) / 2 : 0);
  const highest = centsToHz(targetHz, reach);
  if (highest >= sampleRate / 2) {
    throw new LossInputError(
      'INVALID_OPTION',
      `options.rangeCents: estimates reach ${highest.toFixed(1)} Hz (${targetHz} Hz + ${reach} cents), at or above the Nyquist frequency ${sampleRate / 2} Hz; lower rangeCents or the steps, or raise sampleRate`,
      'options.rangeCents',
    );
  }
  return {
    loss,
    reading,
    targetHz,
    sampleRate,
    length,
    amplitude,
    rangeCents,
    steps,
    trials,
    seed,
    firstTrial,
    dtype,
    onProgress,
  };
}

function rows(counts: readonly number[], steps: readonly number[], trials: number) {
  return counts.map(
    (correct, k): SinusoidGraRow => ({
      step: steps[k]!,
      gra: correct / trials,
      ci: wilson(correct, trials),
      correct,
      trials,
    }),
  );
}

/**
 * Gradient-sign accuracy of a loss on sinusoids: the experiment behind the GRA table of
 * "Loss Functions Matter" (case study 1), generic over the loss.
 *
 * Protocol, per trial i (random draws from xoshiro128** seeded by (seed, i), in this order):
 * - the target: x[n] = A sin(2 pi f t_n + phi), f = `targetHz`, t_n = n / `sampleRate`,
 *   T = round(`duration` * `sampleRate`) samples, phi uniform in [0, 2 pi);
 * - an offset c uniform in [-`rangeCents`, +`rangeCents`] cents;
 * - **ranking reading** (default): for each step s, two estimates at c - s/2 and c + s/2 cents
 *   (f^ = f 2^(cents/1200)), each with its own uniform random phase; the trial is correct at
 *   step s when sign(L(c + s/2) - L(c - s/2)) = sign(c), i.e. of two estimates s apart the one
 *   nearer the target has the lower loss (equal losses count as wrong). At small s this is the
 *   gradient-sign rate. All 2 x steps estimates of a trial share the target: with a planned loss
 *   that has `perItem`, they are evaluated as one batch `[2 S, T]` (rows in step order, lower
 *   estimate first).
 * - **gradient reading**: one estimate at c with its own random phase; correct when dL/df^,
 *   taken by the chain rule through the signal
 *   (sum_n dL/dx^[n] * 2 pi t_n * A cos(2 pi f^ t_n + phi^)), has the sign of c. A zero gradient
 *   is wrong.
 *
 * Results are reproducible bit for bit for a seed (given a deterministic loss).
 *
 * @param options - see {@link SinusoidGraOptions}; defaults in {@link sinusoidGraDefaults}.
 * @returns One row per step (ranking reading, in the order of `steps`) or a single row with
 *   `step: 0` (gradient reading): `{ step, gra, ci (Wilson 95 %), correct, trials }`.
 * @throws LossInputError `INVALID_OPTION` (bad or unknown option, estimates above Nyquist, loss
 *   of the wrong shape), `EMPTY` (no steps), `INVALID_TYPE` / `NON_FINITE` / `SHAPE_MISMATCH`
 *   when the loss returns something that is not a finite value or a `[T]` gradient.
 *
 * @example
 * ```ts
 * import { createMssLoss } from '@losses/mss';
 * const rows = sinusoidGra({ loss: createMssLoss('smooth'), trials: 500, seed: 1 });
 * // [{ step: 0.3, gra: 0.86, ci: [0.83, 0.89], correct: 430, trials: 500 }, ...]
 * ```
 */
export function sinusoidGra(options: SinusoidGraOptions): SinusoidGraRow[] {
  const o = resolve(options);
  const T = o.length;
  const Arr = arrayType(o.dtype);
  const twoPi = 2 * Math.PI;
  const { steps, trials } = o;
  if (o.reading === 'gradient') {
    let correct = 0;
    for (let trial = 0; trial < trials; trial++) {
      const rng = createRng(o.seed, o.firstTrial + trial);
      const target = new Arr(T);
      writeSinusoid(target, 0, T, o.targetHz, rng.uniform(0, twoPi), o.amplitude, o.sampleRate);
      const c = rng.uniform(-o.rangeCents, o.rangeCents);
      const phase = rng.uniform(0, twoPi);
      const f = centsToHz(o.targetHz, c);
      const est = new Arr(T);
      writeSinusoid(est, 0, T, f, phase, o.amplitude, o.sampleRate);
      const bound = bindLoss(o.loss, tensor(target, [T]), true);
      const { grad } = bound.valueAndGrad(tensor(est, [T]));
      const dLdf = frequencyGradient(grad.data, f, phase, o.amplitude, o.sampleRate);
      if (dLdf * c > 0) correct++;
      o.onProgress?.(trial + 1, trials);
    }
    return rows([correct], [0], trials);
  }
  const S = steps.length;
  const counts = new Array<number>(S).fill(0);
  for (let trial = 0; trial < trials; trial++) {
    const rng = createRng(o.seed, o.firstTrial + trial);
    const target = new Arr(T);
    writeSinusoid(target, 0, T, o.targetHz, rng.uniform(0, twoPi), o.amplitude, o.sampleRate);
    const c = rng.uniform(-o.rangeCents, o.rangeCents);
    const batch: FloatArray = new Arr(2 * S * T);
    for (let k = 0; k < S; k++) {
      const half = steps[k]! / 2;
      const lo = centsToHz(o.targetHz, c - half);
      const hi = centsToHz(o.targetHz, c + half);
      writeSinusoid(batch, 2 * k * T, T, lo, rng.uniform(0, twoPi), o.amplitude, o.sampleRate);
      writeSinusoid(
        batch,
        (2 * k + 1) * T,
        T,
        hi,
        rng.uniform(0, twoPi),
        o.amplitude,
        o.sampleRate,
      );
    }
    const estimates = tensor(batch, [2 * S, T]);
    const rowViews: Tensor[] = [];
    for (let i = 0; i < 2 * S; i++) rowViews.push(tensor(batch.subarray(i * T, (i + 1) * T), [T]));
    const bound = bindLoss(o.loss, tensor(target, [T]), false);
    const values = bound.values(estimates, rowViews);
    for (let k = 0; k < S; k++) {
      if ((values[2 * k + 1]! - values[2 * k]!) * c > 0) counts[k] = counts[k]! + 1;
    }
    o.onProgress?.(trial + 1, trials);
  }
  return rows(counts, steps, trials);
}

/**
 * Merges the rows of runs over disjoint trials of the same protocol (e.g. chunks run with
 * `firstTrial` on worker threads): counts add up, `gra` and the Wilson interval are recomputed.
 *
 * @param parts - the results of each run, all with the same steps in the same order.
 * @returns The rows of the combined run.
 * @throws LossInputError `EMPTY` (no parts), `SHAPE_MISMATCH` (the parts' steps differ), and
 *   whatever else `checkGraParts` refuses: counts out of range (`correct > trials` included), rows
 *   of a part with different trial counts, holes, non-objects.
 */
export function combineGraRows(parts: readonly (readonly SinusoidGraRow[])[]): SinusoidGraRow[] {
  const merged = checkGraParts(parts);
  return rows(merged.correct, merged.steps, merged.trials);
}
