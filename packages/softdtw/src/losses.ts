import type { Tensor } from '@losses/tensor';
import { type Evaluation, evaluate, evaluateAsync, type LossKind } from './evaluate.js';
import {
  resolveSequenceOptions,
  type SoftDtwDivergenceOptions,
  type SoftDtwSequenceOptions,
} from './options.js';
import { checkPairSizes, type Pairs, readPairs, type Sequences, shapeGrads } from './sequences.js';

/**
 * What the `...ValueAndGrad` functions return. `grad` (and `gradY`) have the shape and float type
 * of `x` (and `y`): a tensor for `[N, D]` or `[B, N, D]` input, an array of tensors for a list.
 */
export interface SoftDtwValueAndGrad {
  /** The loss; for a batch or list the mean over items. */
  value: number;
  /** Each item's loss. */
  perItem: number[];
  /** d value / dx. */
  grad: Tensor | Tensor[];
  /** d value / dy, only with `gradY: true`. */
  gradY?: Tensor | Tensor[];
}

/** Validates the options and the sequences of a call (before anything large is allocated). */
function prepare(
  kind: LossKind,
  fn: string,
  x: Sequences,
  y: Sequences,
  options: SoftDtwDivergenceOptions | undefined,
  withGrad: boolean,
) {
  const r = resolveSequenceOptions(options, `${fn}: options`, kind === 'divergence');
  const pairs = readPairs(x, y, r.cost);
  // The per-cell state (the soft-min weights; sharp soft-DTW's matrices; the mean cost's weights;
  // a user cost's matrix) is bounded by the size limit; the value of a built-in cost alone needs
  // a few rows.
  if (withGrad || kind === 'sharp' || r.variant !== 'soft' || typeof r.cost === 'object') {
    checkPairSizes(pairs, kind === 'divergence', r.steps.di.length);
  }
  return { r, pairs, wantY: withGrad && r.gradY };
}

/** The value and gradients of an evaluation, shaped like the inputs. */
function result(ev: Evaluation, pairs: Pairs): SoftDtwValueAndGrad {
  const out: SoftDtwValueAndGrad = {
    value: ev.value,
    perItem: ev.perItem,
    grad: shapeGrads(pairs, ev.gx!, 'x'),
  };
  if (ev.gy !== null) out.gradY = shapeGrads(pairs, ev.gy, 'y');
  return out;
}

function run(
  kind: LossKind,
  fn: string,
  x: Sequences,
  y: Sequences,
  options: SoftDtwDivergenceOptions | undefined,
  withGrad: boolean,
): { value: number; result?: SoftDtwValueAndGrad } {
  const { r, pairs, wantY } = prepare(kind, fn, x, y, options, withGrad);
  const ev = evaluate(kind, pairs, r, withGrad, wantY);
  return withGrad ? { value: ev.value, result: result(ev, pairs) } : { value: ev.value };
}

/**
 * {@link run} with the items on worker threads (`options.threads` > 1), the calling thread free.
 * Bad input rejects the promise (it is checked before any work starts).
 */
async function runAsync(
  kind: LossKind,
  fn: string,
  x: Sequences,
  y: Sequences,
  options: SoftDtwDivergenceOptions | undefined,
  withGrad: boolean,
): Promise<{ value: number; result?: SoftDtwValueAndGrad }> {
  const { r, pairs, wantY } = prepare(kind, fn, x, y, options, withGrad);
  const ev = await evaluateAsync(kind, pairs, r, withGrad, wantY);
  return withGrad ? { value: ev.value, result: result(ev, pairs) } : { value: ev.value };
}

/**
 * Soft-DTW between sequences (Cuturi & Blondel, ICML 2017): the soft minimum over all monotone
 * alignments of the summed frame costs C(i, j) = cost(x_i, y_j).
 *
 * @param x `[N, D]`, a batch `[B, N, D]`, or a list of `[N_b, D]` sequences.
 * @param y `[M, D]`, a batch `[B, M, D]`, or a list of `[M_b, D]` (same layout as `x`).
 * @param options `cost` (default `'sqeuclidean'` = ||x_i - y_j||^2, the convention of tslearn,
 *   mblondel/soft-dtw and pytorch-softdtw-cuda; also `'euclidean'`, `'cosine'` (1 - cos), `'l1'`,
 *   `'bce'` (x probabilities, y targets in [0, 1], mean over D; Krause, Weiss, Mueller, ICASSP
 *   2023), `'bceLogits'` (x logits) or a {@link UserCost}), `gamma` (default 1), `stepWeights`,
 *   `bandwidth`, `prior` (see {@link SoftDtwOptions}).
 * @returns The value; for a batch or list the mean over items.
 * @throws LossInputError for bad sequences or options; `SHAPE_MISMATCH` for pairs over the size
 *   limit ({@link MAX_ELEMENTS}: with a gradient, for sharp soft-DTW and for a user cost);
 *   `NON_FINITE` for sequences (or a gamma) so large that the recursion or a gradient would leave
 *   the float64 range (see {@link MAX_PATH_BOUND}).
 */
export function softDtw(x: Sequences, y: Sequences, options?: SoftDtwSequenceOptions): number {
  return run('softDtw', 'softDtw', x, y, options, false).value;
}

/**
 * {@link softDtw} with its gradient w.r.t. `x` (and `y` with `gradY: true`), computed through the
 * cost's Jacobian row by row (never an [N, M, D] tensor). Same arguments as {@link softDtw}.
 */
export function softDtwValueAndGrad(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): SoftDtwValueAndGrad {
  return run('softDtw', 'softDtwValueAndGrad', x, y, options, true).result!;
}

/**
 * The divergences of Blondel, Mensch, Vert (AISTATS 2021): f(x, y) - f(x, x) / 2 - f(y, y) / 2
 * with f chosen by `variant`:
 *
 * - `'soft'` (default): f = soft-DTW, the soft-DTW divergence; non-negative for the
 *   `'sqeuclidean'` cost (the Gibbs kernel exp(-C / gamma) is positive definite, their
 *   Proposition 2);
 * - `'sharp'`: f = sharp soft-DTW <E, C>, the sharp divergence;
 * - `'mean-cost'`: f = <E_mean, C>, the mean cost over every admissible alignment (the
 *   gamma -> infinity limit; gamma does not enter), the mean-cost divergence.
 *
 * Each is 0 at x = y. All three terms use the same options (cost, gamma, steps, band, prior, open
 * ends; the mean cost ignores skip penalties, weighing every alignment alike); `normalize` divides
 * the divergence by N, M or N + M of x and y. Arguments as {@link softDtw}; the cost must accept
 * both sequences in both slots (for `'bce'` that means y must hold probabilities too).
 */
export function softDtwDivergence(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwDivergenceOptions,
): number {
  return run('divergence', 'softDtwDivergence', x, y, options, false).value;
}

/** {@link softDtwDivergence} with its gradient w.r.t. `x` (and `y` with `gradY: true`). */
export function softDtwDivergenceValueAndGrad(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwDivergenceOptions,
): SoftDtwValueAndGrad {
  return run('divergence', 'softDtwDivergenceValueAndGrad', x, y, options, true).result!;
}

/**
 * Sharp soft-DTW <E, C>: the cost of the expected alignment E = d sdtw / dC (with step weights,
 * the weighted alignment), so it tends to the DTW cost as gamma -> 0 from above, whereas soft-DTW
 * tends to it from below. Arguments as {@link softDtw}.
 */
export function sharpSoftDtw(x: Sequences, y: Sequences, options?: SoftDtwSequenceOptions): number {
  return run('sharp', 'sharpSoftDtw', x, y, options, false).value;
}

/**
 * {@link sharpSoftDtw} with its exact gradient: d<E, C>/dC = E + H C (H the Hessian of soft-DTW
 * w.r.t. C, applied by differentiating Algorithms 1 and 2 forward-over-reverse), pulled back to
 * `x` (and `y`) through the cost's Jacobian.
 */
export function sharpSoftDtwValueAndGrad(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): SoftDtwValueAndGrad {
  return run('sharp', 'sharpSoftDtwValueAndGrad', x, y, options, true).result!;
}

// The same losses as promises: with `threads` > 1 every item runs on a worker thread (Node
// `worker_threads`, or Web Workers in browsers, where the synchronous functions cannot wait for
// workers on a page's main thread), and the calling thread stays free; the results are the same,
// bit for bit, as the synchronous functions'. With `threads` 1 (the default) they compute on the
// calling thread and resolve when done.

/** {@link softDtw} as a promise, its items on `options.threads` worker threads. */
export async function softDtwAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): Promise<number> {
  return (await runAsync('softDtw', 'softDtwAsync', x, y, options, false)).value;
}

/** {@link softDtwValueAndGrad} as a promise, its items on `options.threads` worker threads. */
export async function softDtwValueAndGradAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): Promise<SoftDtwValueAndGrad> {
  return (await runAsync('softDtw', 'softDtwValueAndGradAsync', x, y, options, true)).result!;
}

/** {@link softDtwDivergence} as a promise, its items on `options.threads` worker threads. */
export async function softDtwDivergenceAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwDivergenceOptions,
): Promise<number> {
  return (await runAsync('divergence', 'softDtwDivergenceAsync', x, y, options, false)).value;
}

/** {@link softDtwDivergenceValueAndGrad} as a promise, its items on worker threads. */
export async function softDtwDivergenceValueAndGradAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwDivergenceOptions,
): Promise<SoftDtwValueAndGrad> {
  return (await runAsync('divergence', 'softDtwDivergenceValueAndGradAsync', x, y, options, true))
    .result!;
}

/** {@link sharpSoftDtw} as a promise, its items on `options.threads` worker threads. */
export async function sharpSoftDtwAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): Promise<number> {
  return (await runAsync('sharp', 'sharpSoftDtwAsync', x, y, options, false)).value;
}

/** {@link sharpSoftDtwValueAndGrad} as a promise, its items on worker threads. */
export async function sharpSoftDtwValueAndGradAsync(
  x: Sequences,
  y: Sequences,
  options?: SoftDtwSequenceOptions,
): Promise<SoftDtwValueAndGrad> {
  return (await runAsync('sharp', 'sharpSoftDtwValueAndGradAsync', x, y, options, true)).result!;
}
