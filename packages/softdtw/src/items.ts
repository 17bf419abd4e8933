/**
 * The engine behind the sequence losses: the items (pairs) of a batch, one after the other on one
 * thread. evaluate.ts runs it on the calling thread or spreads the items over workers (threads.ts).
 */
import { planCost } from './costs.js';
import type { Grid } from './grid.js';
import { normalizer, type Resolved, type Steps, stepsOf } from './options.js';
import { pairValueAndGrad, stagedPairRows } from './pair-cost.js';
import { PriorRow } from './prior.js';
import { checkPairRange, ProblemCache } from './problem.js';
import { type CostRows, softDtwBackward, softDtwForward, softDtwValue } from './recursion.js';
import type { Pairs } from './sequences.js';
import { sharpSoftDtw } from './sharp-kernel.js';
import { type Workspace, withWorkspace } from './workspace.js';

/** Which loss: soft-DTW, a divergence, or sharp soft-DTW. */
export type LossKind = 'softDtw' | 'divergence' | 'sharp';

/** One term of a loss: soft-DTW, sharp soft-DTW, or the mean cost over all alignments. */
type TermKind = 'softDtw' | 'sharp' | 'mean';

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
  const pair = plan.pair;
  if (
    pair !== undefined &&
    kind === 'softDtw' &&
    steps.classic &&
    grid.startCol === null &&
    grid.endCol === null &&
    r.prior === null &&
    r.band === null &&
    scale === 1 &&
    ga !== null &&
    gb === null
  ) {
    // The common case (and the benchmark's) in one WebAssembly call per pass when available:
    // squared Euclidean, BCE and cosine costs as blocked products (pair-cost.ts).
    const v = pairValueAndGrad(ws, pair, Na, Nb, D, steps, grid, ga);
    if (v !== null) return v;
  }
  const prior = r.prior === null ? null : new PriorRow(Na, Nb, r.prior.nu, r.prior.weight);
  const wantGrad = ga !== null || gb !== null;
  // Cost and VJP rows from the WebAssembly kernels when there are (the classic steps' rows live in
  // the kernel memory).
  const fast =
    pair !== undefined && kind === 'softDtw' && wantGrad && steps.classic
      ? stagedPairRows(ws, plan, pair, Na, Nb, D)
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

/** The items of a call as the engine reads them (a share of a batch on a worker, or all of it). */
export interface Items {
  /** How the caller passed them: names in errors are `x`, `y` for one pair, else `x[b]`, `y[b]`. */
  layout: Pairs['layout'];
  D: number;
  xs: Float64Array[];
  ys: Float64Array[];
  Ns: number[];
  Ms: number[];
  /** Index of the first item in the caller's batch (for the names in errors). */
  first: number;
}

/**
 * Zeroed gradient buffers of every item of a call w.r.t. x or y: views of one buffer for a batch
 * [B, N, D] (shapeGrads then returns that buffer without a copy), one buffer per item otherwise.
 */
export function gradBuffers(pairs: Pairs, which: 'x' | 'y'): Float64Array[] {
  const lens = which === 'x' ? pairs.Ns : pairs.Ms;
  const D = pairs.D;
  if (pairs.layout !== 'batch') return lens.map((n) => new Float64Array(n * D));
  const L = lens[0]! * D;
  const flat = new Float64Array(lens.length * L);
  return lens.map((_, b) => flat.subarray(b * L, (b + 1) * L));
}

/**
 * The loss of items 0..n-1 (each item's value in the returned array). Gradients are of the batch
 * value (the mean over the B items of the whole call), so each item's gradient is divided by B;
 * item k's gradients are added to gx[k] and gy[k] (zeroed buffers of its sizes) when given.
 *
 * @throws LossInputError the first error of the items in order (the names count from
 *   `items.first`).
 */
export function evaluateItems(
  kind: LossKind,
  items: Items,
  r: Resolved,
  B: number,
  gx: Float64Array[] | null,
  gy: Float64Array[] | null,
): number[] {
  return withWorkspace((ws) => {
    const perItem: number[] = [];
    const D = items.D;
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
    for (let k = 0; k < items.xs.length; k++) {
      const x = items.xs[k]!;
      const y = items.ys[k]!;
      const N = items.Ns[k]!;
      const M = items.Ms[k]!;
      const ax = gx === null ? null : gx[k]!;
      const ay = gy === null ? null : gy[k]!;
      const b = items.first + k;
      const s = 1 / B;
      const [xName, yName] = items.layout === 'single' ? ['x', 'y'] : [`x[${b}]`, `y[${b}]`];
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
      if (ax !== null) scaleInPlace(ax, s);
      if (ay !== null) scaleInPlace(ay, s);
    }
    return perItem;
  });
}

// Element loops live in small functions of their own rather than inline in evaluateItems: V8
// optimizes its body late (its loop runs once per item), and until then an inline loop runs in the
// interpreter (about 10 ms per call at B = 64, N = M = 128, D = 12).

function scaleInPlace(a: Float64Array, s: number): void {
  for (let k = 0; k < a.length; k++) a[k] = a[k]! * s;
}
