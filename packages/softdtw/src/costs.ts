/**
 * Frame costs C(i, j) = c(x_i, y_j) between sequences x [N, D] and y [M, D], computed row by row,
 * and their vector-Jacobian products: given E = dL/dC, the gradients
 * dL/dx_i = sum_j E(i, j) dc(x_i, y_j)/dx_i and dL/dy_j = sum_i E(i, j) dc(x_i, y_j)/dy_j,
 * accumulated row by row without ever forming an [N, M, D] tensor.
 */

import type { Tensor } from '@losses/tensor';
import { LossInputError, show, type TensorLike, tensor, toTensor } from '@losses/tensor';
import { type CostPlan, maxFrameSum, noFinish, squaredDistanceBound } from './cost-plan.js';
import { maxAbs } from './limits.js';
import { type PairCost, rowSums } from './pair-cost.js';
import { sqeuclideanPlan } from './sqeuclidean.js';

export type { CostPlan } from './cost-plan.js';

/** Names of the built-in frame costs. */
export type CostName = 'sqeuclidean' | 'euclidean' | 'cosine' | 'l1' | 'bce' | 'bceLogits';

/** The built-in cost names, in documentation order. */
export const COST_NAMES: readonly CostName[] = [
  'sqeuclidean',
  'euclidean',
  'cosine',
  'l1',
  'bce',
  'bceLogits',
];

/**
 * A user-defined frame cost.
 *
 * - `matrix(x, y)` returns the cost matrix `[N, M]` for x `[N, D]` and y `[M, D]` (float64).
 * - `vjp(x, y, G)` returns `{ x: [N, D], y?: [M, D] }`, the products of `G [N, M]` with the
 *   Jacobians of the matrix w.r.t. x and y (dL/dx = sum_j G(i, j) dC(i, j)/dx_i, ...); `y` is
 *   only needed when the gradient w.r.t. y is requested (`gradY`, divergence, tfjs ops).
 */
export interface UserCost {
  matrix(x: Tensor, y: Tensor): TensorLike;
  vjp(x: Tensor, y: Tensor, G: Tensor): { x: TensorLike; y?: TensorLike };
}

/** A built-in cost name or a {@link UserCost}. */
export type CostOption = CostName | UserCost;

/** Validates the `cost` option. */
export function checkCostOption(value: unknown, name: string): CostOption {
  if (typeof value === 'string' && (COST_NAMES as readonly string[]).includes(value)) {
    return value as CostName;
  }
  if (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as UserCost).matrix === 'function' &&
    typeof (value as UserCost).vjp === 'function'
  ) {
    return value as UserCost;
  }
  throw new LossInputError(
    'INVALID_OPTION',
    `${name}: expected one of ${COST_NAMES.map((c) => `'${c}'`).join(', ')} or an object { matrix(x, y), vjp(x, y, G) }, got ${show(value)}`,
    name,
  );
}

/** Value ranges a cost accepts for x and y (checked at the boundary). */
export function costRange(cost: CostOption, which: 'x' | 'y'): { min?: number; max?: number } {
  if (cost === 'bce') return { min: 0, max: 1 };
  if (cost === 'bceLogits' && which === 'y') return { min: 0, max: 1 };
  return {};
}

/** Clamp of log terms in the BCE cost, as torch.nn.BCELoss: log(p) >= -100. */
const LOG_FLOOR = -100;

/**
 * Plans the cost between x [N, D] and y [M, D] (row-major float64).
 *
 * Conventions at non-differentiable points (chosen so that nothing accepted returns NaN):
 * - `euclidean` ||x - y||: at x_i = y_j the gradient is 0 (the smallest subgradient).
 * - `cosine` 1 - x.y / (|x| |y|): when |x_i| = 0 or |y_j| = 0 the cost is 1 (no similarity) and
 *   its gradient is 0.
 * - `l1` sum |x - y|: sign(0) = 0.
 * - `bce` -(1/D) sum_d [y log x + (1 - y) log(1 - x)] with each log clamped at -100 (as
 *   torch.nn.BCELoss); where the clamp is active the gradient of that term is 0.
 */
export function planCost(
  cost: CostOption,
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
): CostPlan {
  if (typeof cost === 'object') return userPlan(cost, tensor(x, [N, D]), tensor(y, [M, D]));
  switch (cost) {
    case 'sqeuclidean':
      return sqeuclideanPlan(x, y, M, D, squaredDistanceBound(x, y, N, M, D));
    case 'euclidean':
      return euclidean(x, y, D, Math.sqrt(squaredDistanceBound(x, y, N, M, D)));
    case 'cosine':
      return cosine(x, y, N, M, D);
    case 'l1':
      return l1(x, y, D, maxFrameSum(x, N, D, 1) + maxFrameSum(y, M, D, 1));
    case 'bce':
      return bce(x, y, N, D);
    case 'bceLogits':
      return bceLogits(x, y, N, D);
  }
}

/**
 * The VJP row of a cost whose gradient w.r.t. y_j is minus its gradient w.r.t. x_i (euclidean,
 * l1): for each column j with e_j != 0, `term(xi, yj, e_j, t)` writes e_j dc(x_i, y_j)/dx_i into
 * t (xi, yj: offsets of the frames), or returns false where that is 0; t is added to gx_i and
 * subtracted from gy_j.
 */
function antisymmetricVjp(
  D: number,
  term: (xi: number, yj: number, w: number, t: Float64Array) => boolean,
): CostPlan['vjpRow'] {
  const acc = new Float64Array(D);
  const t = new Float64Array(D);
  return (i, e, lo, hi, gx, gy) => {
    const xi = i * D;
    acc.fill(0);
    for (let j = lo; j <= hi; j++) {
      const w = e[j]!;
      if (w === 0) continue;
      const yj = j * D;
      if (!term(xi, yj, w, t)) continue;
      for (let d = 0; d < D; d++) {
        acc[d] = acc[d]! + t[d]!;
        if (gy !== null) gy[yj + d] = gy[yj + d]! - t[d]!;
      }
    }
    for (let d = 0; d < D; d++) gx[xi + d] = gx[xi + d]! + acc[d]!;
  };
}

function euclidean(x: Float64Array, y: Float64Array, D: number, bound: number): CostPlan {
  const dist = (xi: number, yj: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const t = x[xi + d]! - y[yj + d]!;
      s += t * t;
    }
    return Math.sqrt(s);
  };
  return {
    bound,
    row(i, out, lo, hi) {
      for (let j = lo; j <= hi; j++) out[j] = dist(i * D, j * D);
    },
    // d||x - y|| / dx = (x - y) / ||x - y||; 0 at x = y.
    vjpRow: antisymmetricVjp(D, (xi, yj, w, t) => {
      const r = dist(xi, yj);
      if (r === 0) return false;
      const f = w / r;
      for (let d = 0; d < D; d++) t[d] = f * (x[xi + d]! - y[yj + d]!);
      return true;
    }),
    finish: noFinish,
  };
}

/**
 * The frames of a [n, D] divided by their norms (zero frames stay zero), and the norms. Each frame
 * is scaled by its largest |entry| before squaring, so that no finite frame overflows or underflows
 * on the way (sum of squares in [1, D]); only the norm itself can overflow, for frames near the
 * float64 maximum, and is then +inf (its gradient factor 1 / |a| then 0).
 */
function unitFrames(
  a: Float64Array,
  n: number,
  D: number,
): { unit: Float64Array; norm: Float64Array } {
  const unit = new Float64Array(n * D);
  const norm = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    const s = maxAbs(a, i * D, (i + 1) * D);
    if (s === 0) continue;
    let q = 0;
    for (let d = 0; d < D; d++) q += (a[i * D + d]! / s) ** 2;
    const r = Math.sqrt(q);
    for (let d = 0; d < D; d++) unit[i * D + d] = a[i * D + d]! / s / r;
    norm[i] = s * r;
  }
  return { unit, norm };
}

function cosine(x: Float64Array, y: Float64Array, N: number, M: number, D: number): CostPlan {
  // c = 1 - u.v with u = x_i / |x_i|, v = y_j / |y_j| (c = 1 when either frame is zero: its unit
  // frame is zero), and dc/dx_i = (c' u - v) / |x_i| with c' = u.v the cosine; symmetric in y.
  // Written on the unit frames so that no norm is squared or cubed: any finite frames give a
  // finite cost. The gradient w.r.t. x of a row of E from its sums (pair-cost.ts):
  // sum_j E(i, j) (c'_ij u - v_j) = (u . t) u - t with t = sum_j E(i, j) v_j.
  const { unit: ux, norm: nx } = unitFrames(x, N, D);
  const { unit: uy, norm: ny } = unitFrames(y, M, D);
  const sums = new Float64Array(D + 1);
  const pair: PairCost = {
    kind: 2,
    u: ux,
    a: null,
    v: uy,
    invD: 1 / D,
    gradRow(i, s, at, gx) {
      const a = nx[i]!;
      if (a === 0) return;
      const xi = i * D;
      let rho = 0;
      for (let d = 0; d < D; d++) rho += ux[xi + d]! * s[at + 1 + d]!;
      for (let d = 0; d < D; d++) {
        gx[xi + d] = gx[xi + d]! + (rho * ux[xi + d]! - s[at + 1 + d]!) / a;
      }
    },
  };
  return {
    bound: 2,
    pair,
    row(i, out, lo, hi) {
      // 1 - sum_d u[d] v[d] from 0, as prodRow and finish of wasm/pairs.wat (a zero frame: 1 - 0).
      const xi = i * D;
      for (let j = lo; j <= hi; j++) {
        let s = 0;
        for (let d = 0, yj = j * D; d < D; d++) s += ux[xi + d]! * uy[yj + d]!;
        out[j] = 1 - s;
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      rowSums(e, lo, hi, uy, D, sums);
      pair.gradRow(i, sums, 0, gx);
      const a = nx[i]!;
      if (gy === null || a === 0) return;
      const xi = i * D;
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        const b = ny[j]!;
        if (w === 0 || b === 0) continue;
        const yj = j * D;
        let dot = 0;
        for (let d = 0; d < D; d++) dot += ux[xi + d]! * uy[yj + d]!;
        const cw = w * dot;
        for (let d = 0; d < D; d++) {
          gy[yj + d] = gy[yj + d]! + (cw * uy[yj + d]! - w * ux[xi + d]!) / b;
        }
      }
    },
    finish: noFinish,
  };
}

function l1(x: Float64Array, y: Float64Array, D: number, bound: number): CostPlan {
  return {
    bound,
    row(i, out, lo, hi) {
      const xi = i * D;
      for (let j = lo; j <= hi; j++) {
        const yj = j * D;
        let s = 0;
        for (let d = 0; d < D; d++) s += Math.abs(x[xi + d]! - y[yj + d]!);
        out[j] = s;
      }
    },
    // d|x - y| / dx = sign(x - y) with sign(0) = 0.
    vjpRow: antisymmetricVjp(D, (xi, yj, w, t) => {
      for (let d = 0; d < D; d++) t[d] = w * Math.sign(x[xi + d]! - y[yj + d]!);
      return true;
    }),
    finish: noFinish,
  };
}

/**
 * r = sum_j e_j and acc[d] = sum_j e_j y_j[d] over the columns lo..hi, in order (the weighted
 * targets of the BCE-with-logits cost's gradient); zero weights are skipped. Returns r.
 */
function targetSums(
  e: Float64Array,
  lo: number,
  hi: number,
  y: Float64Array,
  D: number,
  acc: Float64Array,
): number {
  acc.fill(0);
  let r = 0;
  for (let j = lo; j <= hi; j++) {
    const w = e[j]!;
    if (w === 0) continue;
    r += w;
    const yj = j * D;
    for (let d = 0; d < D; d++) acc[d] = acc[d]! + w * y[yj + d]!;
  }
  return r;
}

/**
 * gy_j[d] -= e_j s v[xi + d] over the columns lo..hi (zero weights skipped): the BCE costs are
 * linear in y, with dc/dy_j = -s v_i (s = 1/D; v the log-odds for bce, the logits for bceLogits).
 */
function subtractFromTargets(
  e: Float64Array,
  lo: number,
  hi: number,
  gy: Float64Array,
  D: number,
  s: number,
  v: Float64Array,
  xi: number,
): void {
  for (let j = lo; j <= hi; j++) {
    const w = e[j]!;
    if (w === 0) continue;
    for (let d = 0, yj = j * D; d < D; d++) gy[yj + d] = gy[yj + d]! - w * s * v[xi + d]!;
  }
}

function bce(x: Float64Array, y: Float64Array, N: number, D: number): CostPlan {
  // c(x, y) = -(1/D) sum_d [y_d log x_d + (1 - y_d) log(1 - x_d)]  (Krause, Weiss, Mueller,
  // ICASSP 2023), logs clamped at -100 as torch.nn.BCELoss.
  //       = -(1/D) [sum_d y_d (lx_d - l1x_d) + sum_d l1x_d],
  // a product of the frames' log-odds with y (pair-cost.ts): the logs once per frame of x.
  const lr = new Float64Array(N * D); // lx - l1x: the clamped log-odds
  const dlx = new Float64Array(N * D); // d lx / dx (0 where clamped)
  const dl1x = new Float64Array(N * D); // d l1x / dx
  const base = new Float64Array(N);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0, k = i * D; d < D; d++, k++) {
      const p = x[k]!;
      const a = Math.log(p);
      const b = Math.log1p(-p);
      const l1x = Math.max(b, LOG_FLOOR);
      lr[k] = Math.max(a, LOG_FLOOR) - l1x;
      dlx[k] = a > LOG_FLOOR ? 1 / p : 0;
      dl1x[k] = b > LOG_FLOOR ? -1 / (1 - p) : 0;
      s += l1x;
    }
    base[i] = s;
  }
  const invD = 1 / D;
  const sums = new Float64Array(D + 1);
  const pair: PairCost = {
    kind: 1,
    u: lr,
    a: base,
    v: y,
    invD,
    gradRow(i, s, at, gx) {
      // dc/dx_d = -(1/D) [y_d dlx_d + (1 - y_d) dl1x_d], summed over the row with E.
      const r = s[at]!;
      for (let d = 0, k = i * D; d < D; d++, k++) {
        const t = s[at + 1 + d]!;
        gx[k] = gx[k]! - invD * (t * dlx[k]! + (r - t) * dl1x[k]!);
      }
    },
  };
  return {
    // Each log is clamped at -100 and y_d, 1 - y_d are in [0, 1]: 0 <= c <= 100.
    bound: -LOG_FLOOR,
    pair,
    row(i, out, lo, hi) {
      const xi = i * D;
      const b = base[i]!;
      for (let j = lo; j <= hi; j++) {
        const yj = j * D;
        let s = b;
        for (let d = 0; d < D; d++) s += lr[xi + d]! * y[yj + d]!;
        out[j] = -s * invD;
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      // dc/dy_d = -(1/D) (lx_d - l1x_d).
      rowSums(e, lo, hi, y, D, sums);
      pair.gradRow(i, sums, 0, gx);
      if (gy !== null) subtractFromTargets(e, lo, hi, gy, D, invD, lr, i * D);
    },
    finish: noFinish,
  };
}

function bceLogits(x: Float64Array, y: Float64Array, N: number, D: number): CostPlan {
  // c(x, y) = (1/D) sum_d [softplus(x_d) - y_d x_d], softplus(t) = max(t, 0) + log1p(exp(-|t|)).
  const sp = new Float64Array(N);
  const sig = new Float64Array(N * D);
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const t = x[i * D + d]!;
      s += Math.max(t, 0) + Math.log1p(Math.exp(-Math.abs(t)));
      sig[i * D + d] = t >= 0 ? 1 / (1 + Math.exp(-t)) : Math.exp(t) / (1 + Math.exp(t));
    }
    sp[i] = s;
  }
  const invD = 1 / D;
  const acc = new Float64Array(D);
  return {
    // |softplus(t) - y t| <= 2 |t| + ln 2, summed over d before the division by D.
    bound: 2 * maxFrameSum(x, N, D, 1) + D * Math.LN2,
    row(i, out, lo, hi) {
      const xi = i * D;
      for (let j = lo; j <= hi; j++) {
        const yj = j * D;
        let s = sp[i]!;
        for (let d = 0; d < D; d++) s -= y[yj + d]! * x[xi + d]!;
        out[j] = s * invD;
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      // dc/dx_d = (sigmoid(x_d) - y_d) / D;  dc/dy_d = -x_d / D.
      const xi = i * D;
      const r = targetSums(e, lo, hi, y, D, acc);
      if (gy !== null) subtractFromTargets(e, lo, hi, gy, D, invD, x, xi);
      for (let d = 0; d < D; d++) {
        gx[xi + d] = gx[xi + d]! + invD * (r * sig[xi + d]! - acc[d]!);
      }
    },
    finish: noFinish,
  };
}

/** A user cost on x [N, D] and y [M, D] as tensors: its matrix once, its VJP after the last row. */
function userPlan(cost: UserCost, xt: Tensor, yt: Tensor): CostPlan {
  const [N, D] = xt.shape as [number, number];
  const M = yt.shape[0]!;
  const C = toTensor(cost.matrix(xt, yt), {
    name: 'cost.matrix(x, y)',
    rank: 2,
    shape: [N, M],
    dtype: 'float64',
  }).data;
  // dL/dC, filled row by row by the backward pass (allocated only when a gradient is asked for).
  let G: Float64Array | null = null;
  return {
    bound: maxAbs(C),
    row(i, out, lo, hi) {
      for (let j = lo; j <= hi; j++) out[j] = C[i * M + j]!;
    },
    vjpRow(i, e, lo, hi) {
      if (G === null) G = new Float64Array(N * M);
      for (let j = lo; j <= hi; j++) G[i * M + j] = e[j]!;
    },
    finish(gx, gy) {
      const r = cost.vjp(xt, yt, tensor(G ?? new Float64Array(N * M), [N, M]));
      if (typeof r !== 'object' || r === null) {
        throw new LossInputError(
          'INVALID_TYPE',
          `cost.vjp(x, y, G): expected an object { x, y? }, got ${show(r)}`,
          'cost.vjp',
        );
      }
      // Each part [rows, D] of the returned gradient, validated like any tensor input.
      const part = (which: 'x' | 'y', rows: number) =>
        toTensor(r[which] as TensorLike, {
          name: `cost.vjp(x, y, G).${which}`,
          rank: 2,
          shape: [rows, D],
          dtype: 'float64',
        }).data;
      const g = part('x', N);
      for (let k = 0; k < g.length; k++) gx[k] = gx[k]! + g[k]!;
      if (gy !== null) {
        if (r.y === undefined) {
          throw new LossInputError(
            'INVALID_TYPE',
            'cost.vjp(x, y, G).y: the gradient with respect to y is needed (gradY, divergence or tfjs) but the user cost returned none',
            'cost.vjp',
          );
        }
        const h = part('y', M);
        for (let k = 0; k < h.length; k++) gy[k] = gy[k]! + h[k]!;
      }
    },
  };
}
