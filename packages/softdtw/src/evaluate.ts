/** The engine behind the sequence losses: one pass over every pair of a batch. */
import { LossInputError } from '@losses/tensor';
import { type BandLimits, bandLimits } from './band.js';
import { planCost } from './costs.js';
import { checkRange } from './limits.js';
import { type Resolved, type Steps, stepsOf } from './options.js';
import { PriorRow } from './prior.js';
import { type CostRows, softDtwBackward, softDtwForward, softDtwValue } from './recursion.js';
import type { Pairs } from './sequences.js';
import { sharpSoftDtw } from './sharp-kernel.js';
import { sqeuclideanValueAndGrad, stagedSqeuclidean } from './sqeuclidean.js';
import { type Workspace, withWorkspace } from './workspace.js';

/** Which loss: soft-DTW, the soft-DTW divergence, or sharp soft-DTW. */
export type LossKind = 'softDtw' | 'divergence' | 'sharp';

/** Values and (optionally) float64 gradients of every item. */
export interface Evaluation {
  value: number;
  perItem: number[];
  gx: Float64Array[] | null;
  gy: Float64Array[] | null;
}

/**
 * The validated steps and the band limits of the sizes met so far in one call (a batch has one
 * size; the divergence three).
 */
class BandCache {
  readonly steps: Steps;
  private readonly bandwidth: number | null;
  private readonly sizes: number[] = [];
  private readonly limits: BandLimits[] = [];

  constructor(r: Resolved) {
    this.steps = stepsOf(r);
    this.bandwidth = r.bandwidth;
  }

  get(N: number, M: number): BandLimits {
    for (let k = 0; k < this.limits.length; k++) {
      if (this.sizes[2 * k] === N && this.sizes[2 * k + 1] === M) return this.limits[k]!;
    }
    const band = bandLimits(N, M, this.bandwidth);
    this.sizes.push(N, M);
    this.limits.push(band);
    return band;
  }
}

/**
 * One term f(a, b) (soft-DTW or sharp soft-DTW of the pair a [Na, D], b [Nb, D]) times `scale`;
 * adds scale * df/da to `ga` and scale * df/db to `gb` when given (they may be the same buffer).
 * `names` names the pair in errors (e.g. `'x, y'`, `'x[2]'`).
 *
 * @throws LossInputError `NON_FINITE` when the pair's costs (or gamma) are so large that the
 *   recursion would overflow (limits.ts), before either pass runs.
 */
function term(
  kind: 'softDtw' | 'sharp',
  a: Float64Array,
  b: Float64Array,
  Na: number,
  Nb: number,
  D: number,
  r: Resolved,
  ws: Workspace,
  bands: BandCache,
  scale: number,
  ga: Float64Array | null,
  gb: Float64Array | null,
  names: string,
): number {
  const plan = planCost(r.cost, a, b, Na, Nb, D);
  const steps = bands.steps;
  checkRange(
    {
      N: Na,
      M: Nb,
      costBound: plan.bound + (r.prior === null ? 0 : r.prior.weight),
      wMax: Math.max(steps.wv, steps.wh, steps.wd),
      gamma: steps.gamma,
    },
    names,
    'options.gamma',
  );
  if (
    kind === 'softDtw' &&
    r.cost === 'sqeuclidean' &&
    r.prior === null &&
    r.bandwidth === null &&
    scale === 1 &&
    ga !== null &&
    gb === null
  ) {
    // The common case (and the benchmark's) in one WebAssembly call per pass when available.
    const v = sqeuclideanValueAndGrad(ws, a, b, Na, Nb, D, steps, ga);
    if (v !== null) return v;
  }
  const prior = r.prior === null ? null : new PriorRow(Na, Nb, r.prior.nu, r.prior.weight);
  // Squared Euclidean cost and VJP rows from the WebAssembly kernels when there are.
  const fast =
    r.cost === 'sqeuclidean' && kind === 'softDtw' && (ga !== null || gb !== null)
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
  const band = bands.get(Na, Nb);
  const wantGrad = ga !== null || gb !== null;
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
    value = sharpSoftDtw(C, Na, Nb, band, steps, wantGrad ? emit : () => {});
  } else if (!wantGrad) {
    value = softDtwValue(Na, Nb, rows, band, steps, ws);
  } else {
    value = softDtwForward(Na, Nb, rows, band, steps, ws);
    softDtwBackward(Na, Nb, band, steps, ws, emit);
  }
  if (wantGrad) plan.finish(sink!, gb);
  return scale * value;
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
    const bands = new BandCache(r);
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
      let v: number;
      if (kind === 'divergence') {
        // Blondel, Mensch, Vert (AISTATS 2021): D(x, y) = sdtw(x, y) - sdtw(x, x)/2 - sdtw(y, y)/2.
        v = term('softDtw', x, y, N, M, D, r, ws, bands, 1, ax, ay, both);
        v += term('softDtw', x, x, N, N, D, r, ws, bands, -0.5, ax, ax, xName);
        if (ay !== null) v += term('softDtw', y, y, M, M, D, r, ws, bands, -0.5, ay, ay, yName);
        else v += term('softDtw', y, y, M, M, D, r, ws, bands, -0.5, null, null, yName);
      } else {
        v = term(kind, x, y, N, M, D, r, ws, bands, 1, ax, ay, both);
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
 * every gradient). Such a result is refused rather than returned.
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
  for (let b = 0; b < perItem.length; b++) {
    if (!Number.isFinite(perItem[b]!)) fail(name('x', b), 'value', perItem[b]!);
  }
  if (!Number.isFinite(value)) fail('x', 'value', value);
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
