/**
 * Soft-DTW barycenters (Cuturi & Blondel, ICML 2017, section 4): the sequence Z minimizing
 *
 *   F(Z) = sum_i w_i sdtw_gamma(Z, X_i)
 *
 * under the squared Euclidean cost, by L-BFGS-B (lbfgsb.ts) from the weighted mean of the
 * sequences, each resampled by linear interpolation to the longest length when lengths differ:
 * the procedure of tslearn's `softdtw_barycenter` (tslearn.barycenters), whose documented examples
 * and further cases it reproduces (test/fixtures/generate_barycenter.py).
 */
import {
  checkKeys,
  checkNumber,
  LossInputError,
  show,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { evaluate } from './evaluate.js';
import { lbfgsb } from './lbfgsb.js';
import { resolveCostOptions, type SoftDtwOptions } from './options.js';
import type { Pairs } from './sequences.js';
import { checkPairSizes } from './sequences.js';

/** Options of {@link softDtwBarycenter}. */
export interface SoftDtwBarycenterOptions extends SoftDtwOptions {
  /** Weight of each sequence (finite, >= 0, not all 0). Default: 1 each (tslearn's default). */
  weights?: readonly number[];
  /**
   * The starting barycenter `[L, D]` (or `[L]` for D = 1); its length L is the barycenter's.
   * Default: the weighted mean of the sequences, resampled to the longest length when they differ.
   */
  init?: TensorLike;
  /** L-BFGS-B iterations at most. Default 50 (tslearn's); 0 returns the start. */
  maxIter?: number;
  /**
   * Tolerance: stop when the largest gradient component or the relative decrease of F falls to it
   * (scipy's `tol`, as tslearn passes it). Default 1e-3.
   */
  tol?: number;
}

/** Sequences as a list of `[N_i, D]` (or `[N_i]`) or a batch `[B, N, D]`. */
export type BarycenterSequences = TensorLike | readonly TensorLike[];

function isList(v: unknown): v is readonly TensorLike[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  const first = v[0] as unknown;
  return (
    (typeof first === 'object' && first !== null && 'shape' in first && 'data' in first) ||
    Array.isArray(first) ||
    ArrayBuffer.isView(first)
  );
}

/** The sequences as float64 [N_i, D] arrays. */
function readSequences(v: BarycenterSequences): { xs: Float64Array[]; Ns: number[]; D: number } {
  const xs: Float64Array[] = [];
  const Ns: number[] = [];
  let D = -1;
  const push = (t: Tensor, name: string) => {
    const N = t.shape[0]!;
    const d = t.shape.length === 1 ? 1 : t.shape[1]!;
    if (D >= 0 && d !== D) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}: every sequence must have the same feature size D = ${D}, got ${d}`,
        name,
      );
    }
    D = d;
    xs.push(Float64Array.from(t.data));
    Ns.push(N);
  };
  if (isList(v) && !isNumberMatrixBatch(v)) {
    v.forEach((s, i) => {
      push(toTensor(s, { name: `sequences[${i}]`, rank: [1, 2] }), `sequences[${i}]`);
    });
  } else {
    const t = toTensor(v as TensorLike, { name: 'sequences', rank: [2, 3] });
    if (t.shape.length === 2) {
      // [B, N]: B univariate sequences of one length (tslearn's [[1, 2, 3], [1, 2, 4]])
      const [B, N] = t.shape as [number, number];
      for (let b = 0; b < B; b++)
        push(tensor(t.data.slice(b * N, (b + 1) * N), [N]), `sequences[${b}]`);
    } else {
      const [B, N, d] = t.shape as [number, number, number];
      for (let b = 0; b < B; b++) {
        push(tensor(t.data.slice(b * N * d, (b + 1) * N * d), [N, d]), `sequences[${b}]`);
      }
    }
  }
  return { xs, Ns, D };
}

/** A nested number array [B][N] (univariate sequences of one length), read as one tensor. */
function isNumberMatrixBatch(v: readonly unknown[]): boolean {
  return v.every((row) => Array.isArray(row) && row.every((x) => typeof x === 'number'))
    ? v.every((row) => (row as number[]).length === (v[0] as number[]).length)
    : false;
}

/**
 * numpy.interp(linspace(0, 1, L), linspace(0, 1, N), x) per feature: the resampling of tslearn's
 * TimeSeriesResampler (linspace's points are k * (1 / (n - 1)), the last one exactly 1).
 */
function resample(x: Float64Array, N: number, D: number, L: number): Float64Array {
  const out = new Float64Array(L * D);
  if (N === 1 || L === 1) {
    for (let i = 0; i < L; i++) for (let d = 0; d < D; d++) out[i * D + d] = x[d]!;
    return out;
  }
  const grid = (n: number, k: number) => (k === n - 1 ? 1 : k * (1 / (n - 1)));
  for (let i = 0; i < L; i++) {
    const t = grid(L, i);
    let j = 0;
    while (j < N - 2 && grid(N, j + 1) <= t) j++;
    for (let d = 0; d < D; d++) {
      if (t === 1) {
        out[i * D + d] = x[(N - 1) * D + d]!;
        continue;
      }
      const x0 = grid(N, j);
      const x1 = grid(N, j + 1);
      const y0 = x[j * D + d]!;
      const y1 = x[(j + 1) * D + d]!;
      const slope = (y1 - y0) / (x1 - x0);
      out[i * D + d] = slope * (t - x0) + y0;
    }
  }
  return out;
}

/**
 * The soft-DTW barycenter of sequences (Cuturi & Blondel, ICML 2017, section 4): the Z of length L
 * minimizing sum_i w_i sdtw_gamma(Z, X_i) with the squared Euclidean cost, found by L-BFGS-B from
 * the weighted mean of the sequences (resampled to the longest length by linear interpolation when
 * lengths differ) or from `init`: tslearn's `softdtw_barycenter(X, gamma, weights, tol, max_iter,
 * init)` step for step. The soft-DTW options (step set, band, open ends, prior) apply to every
 * term.
 *
 * @param sequences A list of `[N_i, D]` (or `[N_i]`) sequences of any lengths, or a batch
 *   `[B, N, D]` (or `[B, N]` of univariate sequences).
 * @param options `gamma` (default 1), `weights`, `init`, `maxIter` (default 50), `tol` (default
 *   1e-3), and the options of {@link softDtwFromCost}.
 * @returns The barycenter `[L, D]` (float64).
 * @throws LossInputError for bad sequences or options.
 */
export function softDtwBarycenter(
  sequences: BarycenterSequences,
  options?: SoftDtwBarycenterOptions,
): Tensor {
  const name = 'softDtwBarycenter: options';
  checkKeys(options, name, [
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
    'weights',
    'init',
    'maxIter',
    'tol',
  ]);
  const { weights: w0, init, maxIter: mi, tol: tl, ...soft } = options ?? {};
  const r = resolveCostOptions(soft, name);
  const maxIter =
    mi === undefined ? 50 : checkNumber(mi, `${name}.maxIter`, { min: 0, integer: true });
  const tol = tl === undefined ? 1e-3 : checkNumber(tl, `${name}.tol`, { min: 0 });
  const { xs, Ns, D } = readSequences(sequences);
  const n = xs.length;
  if (n === 0) throw new LossInputError('EMPTY', 'sequences: is an empty list', 'sequences');
  let weights: number[];
  if (w0 === undefined) weights = new Array<number>(n).fill(1);
  else {
    if (!Array.isArray(w0) || w0.length !== n) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}.weights: expected ${n} weights (one per sequence), got ${show(w0)}`,
        `${name}.weights`,
      );
    }
    weights = w0.map((v, i) => checkNumber(v, `${name}.weights[${i}]`, { min: 0 }));
    if (weights.every((v) => v === 0)) {
      throw new LossInputError('INVALID_OPTION', `${name}.weights: are all 0`, `${name}.weights`);
    }
  }
  // The start: init, or the weighted mean of the (resampled) sequences.
  let L: number;
  let z0: Float64Array;
  if (init !== undefined) {
    const t = toTensor(init, { name: `${name}.init`, rank: [1, 2] });
    const d = t.shape.length === 1 ? 1 : t.shape[1]!;
    if (d !== D) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}.init: expected feature size D = ${D}, got shape [${t.shape.join(', ')}]`,
        `${name}.init`,
      );
    }
    L = t.shape[0]!;
    z0 = Float64Array.from(t.data);
  } else {
    L = Math.max(...Ns);
    const equal = Ns.every((N) => N === L);
    const ys = equal ? xs : xs.map((x, i) => resample(x, Ns[i]!, D, L));
    const wsum = weights.reduce((a, v) => a + v, 0);
    z0 = new Float64Array(L * D);
    for (let k = 0; k < L * D; k++) {
      let s = 0;
      for (let i = 0; i < n; i++) s += ys[i]![k]! * weights[i]!;
      z0[k] = s / wsum;
    }
  }
  const shape = [L, D];
  if (maxIter === 0) return tensor(z0, shape);
  // The pairs (Z, X_i); Z is updated in place before each evaluation.
  const z = new Float64Array(L * D);
  const pairsOf = (i: number): Pairs => ({
    layout: 'single',
    D,
    xs: [z],
    ys: [xs[i]!],
    Ns: [L],
    Ms: [Ns[i]!],
    xTypes: ['float64'],
    yTypes: ['float64'],
  });
  const pairs = xs.map((_, i) => pairsOf(i));
  for (const p of pairs) checkPairSizes(p, false, r.steps.di.length);
  const res = lbfgsb(
    (x, g) => {
      z.set(x);
      g.fill(0);
      let f = 0;
      for (let i = 0; i < n; i++) {
        const ev = evaluate('softDtw', pairs[i]!, r, true, false);
        const gi = ev.gx![0]!;
        f += weights[i]! * ev.value;
        for (let k = 0; k < g.length; k++) g[k] = g[k]! + weights[i]! * gi[k]!;
      }
      return f;
    },
    z0,
    { maxIter, ftol: tol, gtol: tol },
  );
  return tensor(res.x, shape);
}
