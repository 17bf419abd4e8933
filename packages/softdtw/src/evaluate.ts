/** The engine behind the sequence losses: one pass over every pair of a batch. */
import { LossInputError } from '@losses/tensor';
import { planCost } from './costs.js';
import type { Grid } from './grid.js';
import { normalizer, type Resolved, type Steps, stepsOf } from './options.js';
import { PriorRow } from './prior.js';
import { checkPairRange, ProblemCache } from './problem.js';
import { type CostRows, softDtwBackward, softDtwForward, softDtwValue } from './recursion.js';
import type { Pairs } from './sequences.js';
import { sharpSoftDtw } from './sharp-kernel.js';
import { sqeuclideanValueAndGrad, stagedSqeuclidean } from './sqeuclidean.js';
import { type Workspace, withWorkspace } from './workspace.js';

/** Which loss: soft-DTW, a divergence, or sharp soft-DTW. */
export type LossKind = 'softDtw' | 'divergence' | 'sharp';

/** One term of a loss: soft-DTW, sharp soft-DTW, or the mean cost over all alignments. */
type TermKind = 'softDtw' | 'sharp' | 'mean';

/** Values and (optionally) float64 gradients of every item. */
export interface Evaluation {
  value: number;
  perItem: number[];
  gx: Float64Array[] | null;
  gy: Float64Array[] | null;
}

/** What every term of one call shares: options, steps, the per-size problems, the workspace. */
interface Context {
  r: Resolved;
  steps: Steps;
  /** gamma 1 and the same steps: the mean cost's uniform distribution over alignments. */
  uniform: Steps;
  problems: ProblemCache;
  /** The same geometry without skip penalties (the mean cost weighs every alignment alike). */
  uniformProblems: ProblemCache;
  ws: Workspace;
}

/**
 * One term f(a, b) (soft-DTW, sharp soft-DTW or the mean cost of the pair a [Na, D], b [Nb, D])
 * times `scale`; adds scale * df/da to `ga` and scale * df/db to `gb` when given (they may be the
 * same buffer). `names` names the pair in errors (e.g. `'x, y'`, `'x[2]'`).
 *
 * @throws LossInputError `NON_FINITE` when the pair's costs (or gamma) are so large that the
 *   recursion would overflow (limits.ts), before either pass runs.
 */
function term(
  kind: TermKind,
  a: Float64Array,
  b: Float64Array,
  Na: number,
  Nb: number,
  D: number,
  cx: Context,
  scale: number,
  ga: Float64Array | null,
  gb: Float64Array | null,
  names: string,
): number {
  const { r, ws } = cx;
  const steps = kind === 'mean' ? cx.uniform : cx.steps;
  const plan = planCost(r.cost, a, b, Na, Nb, D);
  checkPairRange(
    Na,
    Nb,
    plan.bound + (r.prior === null ? 0 : r.prior.weight),
    steps,
    steps.gamma,
    kind === 'mean' ? cx.uniformProblems.boundary : r.boundary,
    names,
    'options.gamma',
  );
  const { band, grid } = (kind === 'mean' ? cx.uniformProblems : cx.problems).get(Na, Nb);
  if (
    kind === 'softDtw' &&
    steps.classic &&
    grid.startCol === null &&
    grid.endCol === null &&
    r.cost === 'sqeuclidean' &&
    r.prior === null &&
    r.band === null &&
    scale === 1 &&
    ga !== null &&
    gb === null
  ) {
    // The common case (and the benchmark's) in one WebAssembly call per pass when available.
    const v = sqeuclideanValueAndGrad(ws, a, b, Na, Nb, D, steps, grid, ga);
    if (v !== null) return v;
  }
  const prior = r.prior === null ? null : new PriorRow(Na, Nb, r.prior.nu, r.prior.weight);
  const wantGrad = ga !== null || gb !== null;
  // Squared Euclidean cost and VJP rows from the WebAssembly kernels when there are (the classic
  // steps' rows live in the kernel memory).
  const fast =
    r.cost === 'sqeuclidean' && kind === 'softDtw' && wantGrad && steps.classic
      ? stagedSqeuclidean(ws, plan, a, b, Na, Nb, D)
      : plan;
  const costRows = fast.row;
  const rows: CostRows =
    prior === null
      ? costRows
      : (i, out, lo, hi) => {
          costRows(i, out, lo, hi);
          prior.addTo(i, out, lo, hi);
        };
  // vjpRow always accumulates into a gx buffer; a throw-away one when only gb is wanted.
  const sink = ga ?? (wantGrad ? new Float64Array(Na * D) : null);
  const emit = (i: number, e: Float64Array, lo: number, hi: number): void => {
    if (scale !== 1) for (let j = lo; j <= hi; j++) e[j] = e[j]! * scale;
    fast.vjpRow(i, e, lo, hi, sink!, gb);
  };
  let value: number;
  if (kind === 'sharp') {
    const C = new Float64Array(Na * Nb);
    const row = new Float64Array(Nb);
    for (let i = 0; i < Na; i++) {
      rows(i, row, 0, Nb - 1);
      C.set(row, i * Nb);
    }
    value = sharpSoftDtw(C, Na, Nb, band, steps, grid, wantGrad ? emit : null);
  } else if (kind === 'mean') {
    value = meanCost(Na, Nb, rows, band, steps, grid, ws, wantGrad ? emit : null);
  } else if (!wantGrad) {
    value = softDtwValue(Na, Nb, rows, band, steps, ws, grid);
  } else {
    value = softDtwForward(Na, Nb, rows, band, steps, ws, grid);
    softDtwBackward(Na, Nb, band, steps, ws, emit, grid);
  }
  if (wantGrad) plan.finish(sink!, gb);
  return scale * value;
}

/**
 * The mean cost <E_mean, C> (Blondel, Mensch, Vert, AISTATS 2021): E_mean is the expected
 * (weighted) alignment under the uniform distribution over the admissible alignments, which is
 * soft-DTW's expected alignment of the zero cost matrix (every alignment then has the same cost,
 * and the soft-min weights become ratios of path counts). Its gradient w.r.t. C is E_mean.
 */
function meanCost(
  N: number,
  M: number,
  rows: CostRows,
  band: import('./band.js').BandLimits,
  steps: Steps,
  grid: Grid,
  ws: Workspace,
  emit: ((i: number, e: Float64Array, lo: number, hi: number) => void) | null,
): number {
  const zero: CostRows = (_i, out, lo, hi) => out.fill(0, lo, hi + 1);
  const value = softDtwForward(N, M, zero, band, steps, ws, grid);
  if (value === Number.POSITIVE_INFINITY) return value;
  const crow = new Float64Array(M);
  let total = 0;
  softDtwBackward(
    N,
    M,
    band,
    steps,
    ws,
    (i, e, lo, hi) => {
      rows(i, crow, lo, hi);
      let s = 0;
      for (let j = lo; j <= hi; j++) s += e[j]! * crow[j]!;
      total += s;
      emit?.(i, e, lo, hi);
    },
    grid,
  );
  return total;
}

/**
 * Evaluates the loss on every pair. Gradients are of the batch value (the mean over items), so
 * each item's gradient is divided by the number of items.
 */
export function evaluate(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): Evaluation {
  return withWorkspace((ws) => {
    const B = pairs.xs.length;
    const perItem: number[] = [];
    const gx: Float64Array[] | null = wantX ? [] : null;
    const gy: Float64Array[] | null = wantY ? [] : null;
    const D = pairs.D;
    const steps = stepsOf(r);
    const cx: Context = {
      r,
      steps,
      uniform: { ...steps, gamma: 1 },
      problems: new ProblemCache(r.band, r.boundary, r.name),
      uniformProblems: new ProblemCache(
        r.band,
        { ...r.boundary, beginPenalty: 0, endPenalty: 0 },
        r.name,
      ),
      ws,
    };
    // A batch [B, N, D] gets its gradients as consecutive views of one buffer (shapeGrads then
    // returns that buffer without a copy); a list gets one buffer per item.
    const batch = pairs.layout === 'batch';
    const flatX = wantX && batch ? new Float64Array(B * pairs.Ns[0]! * D) : null;
    const flatY = wantY && batch ? new Float64Array(B * pairs.Ms[0]! * D) : null;
    for (let b = 0; b < B; b++) {
      const x = pairs.xs[b]!;
      const y = pairs.ys[b]!;
      const N = pairs.Ns[b]!;
      const M = pairs.Ms[b]!;
      const ax = !wantX
        ? null
        : flatX !== null
          ? flatX.subarray(b * N * D, (b + 1) * N * D)
          : new Float64Array(N * D);
      const ay = !wantY
        ? null
        : flatY !== null
          ? flatY.subarray(b * M * D, (b + 1) * M * D)
          : new Float64Array(M * D);
      const s = 1 / B;
      const [xName, yName] = pairs.layout === 'single' ? ['x', 'y'] : [`x[${b}]`, `y[${b}]`];
      const both = `${xName}, ${yName}`;
      // normalize divides the item's loss (and so its gradient) by N, M or N + M.
      const norm = normalizer(r.normalize, N, M);
      const n = 1 / norm;
      let v: number;
      if (kind === 'divergence') {
        // Blondel, Mensch, Vert (AISTATS 2021): D(x, y) = f(x, y) - f(x, x)/2 - f(y, y)/2 with f
        // soft-DTW, sharp soft-DTW or the mean cost.
        const f: TermKind =
          r.variant === 'soft' ? 'softDtw' : r.variant === 'sharp' ? 'sharp' : 'mean';
        v = term(f, x, y, N, M, D, cx, n, ax, ay, both);
        v += term(f, x, x, N, N, D, cx, -0.5 * n, ax, ax, xName);
        if (ay !== null) v += term(f, y, y, M, M, D, cx, -0.5 * n, ay, ay, yName);
        else v += term(f, y, y, M, M, D, cx, -0.5 * n, null, null, yName);
      } else {
        // Computed unscaled and scaled afterwards, so that the WebAssembly and JavaScript paths
        // do the same operations.
        v = term(kind, x, y, N, M, D, cx, 1, ax, ay, both);
        if (norm !== 1) {
          v /= norm;
          if (ax !== null) scaleInPlace(ax, n);
          if (ay !== null) scaleInPlace(ay, n);
        }
      }
      perItem.push(v);
      if (ax !== null) {
        scaleInPlace(ax, s);
        gx!.push(ax);
      }
      if (ay !== null) {
        scaleInPlace(ay, s);
        gy!.push(ay);
      }
    }
    const value = mean(perItem);
    checkFinite(value, perItem, gx, gy, pairs);
    return { value, perItem, gx, gy };
  });
}

/**
 * The last guard of "nothing accepted returns NaN": the range check (limits.ts) keeps the
 * recursions finite, but a cost's gradient can still leave the float64 range at the extremes
 * (a cosine frame of subnormal norm has a gradient of order 1 / |x_i|; huge step weights scale
 * every gradient). Such a result is refused rather than returned. A value of +Infinity is what a
 * pair gets when no alignment fits its step set and band (its gradient is 0), and is returned.
 *
 * @throws LossInputError `NON_FINITE` naming the sequence whose gradient (or value) is not finite.
 */
function checkFinite(
  value: number,
  perItem: readonly number[],
  gx: Float64Array[] | null,
  gy: Float64Array[] | null,
  pairs: Pairs,
): void {
  const name = (base: string, b: number) => (pairs.layout === 'single' ? base : `${base}[${b}]`);
  const bad = (v: number) => Number.isNaN(v) || v === Number.NEGATIVE_INFINITY;
  for (let b = 0; b < perItem.length; b++) {
    if (bad(perItem[b]!)) fail(name('x', b), 'value', perItem[b]!);
  }
  if (bad(value)) fail('x', 'value', value);
  for (const [grads, base] of [
    [gx, 'x'],
    [gy, 'y'],
  ] as const) {
    if (grads === null) continue;
    for (let b = 0; b < grads.length; b++) {
      const k = firstNonFinite(grads[b]!);
      if (k >= 0) fail(name(base, b), 'gradient', grads[b]![k]!);
    }
  }
}

function fail(argument: string, what: string, got: number): never {
  throw new LossInputError(
    'NON_FINITE',
    `${argument}: the ${what} leaves the float64 range (${got}) for these inputs: frames this extreme (or step weights this large) are outside what the cost can differentiate in float64; scale the inputs`,
    argument,
  );
}

/** Index of the first NaN or +-inf in `a`, -1 if none. */
function firstNonFinite(a: Float64Array): number {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) return k;
  return -1;
}

// Element loops live in small functions of their own rather than inline in evaluate: V8
// optimizes evaluate's body late (its loop runs once per item), and until then an inline loop runs
// in the interpreter (about 10 ms per call at B = 64, N = M = 128, D = 12).

function scaleInPlace(a: Float64Array, s: number): void {
  for (let k = 0; k < a.length; k++) a[k] = a[k]! * s;
}

/** Mean of the items, by an indexed loop (no callback, no feedback-dependent deopt). */
function mean(values: readonly number[]): number {
  let total = 0;
  for (let b = 0; b < values.length; b++) total += values[b]!;
  return total / values.length;
}
