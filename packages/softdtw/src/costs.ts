/**
 * Frame costs C(i, j) = c(x_i, y_j) between sequences x [N, D] and y [M, D], computed row by row,
 * and their vector-Jacobian products: given E = dL/dC, the gradients
 * dL/dx_i = sum_j E(i, j) dc(x_i, y_j)/dx_i and dL/dy_j = sum_i E(i, j) dc(x_i, y_j)/dy_j,
 * accumulated row by row without ever forming an [N, M, D] tensor.
 */

import type { Tensor } from '@losses/tensor';
import { LossInputError, show, type TensorLike, tensor, toTensor } from '@losses/tensor';
import { MAX_PATH_BOUND, maxAbs } from './limits.js';

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

/** One pair's cost, planned once: rows of C, and the VJP of rows (or of the whole matrix). */
export interface CostPlan {
  /**
   * An upper bound on |C(i, j)| over the pair, and on the intermediate sums the rows form (from
   * the frames' norms in O((N + M) D), exact for a user matrix); +inf when those sums could
   * overflow. The recursion's range check (limits.ts) reads it.
   */
  readonly bound: number;
  /** C(i, j) for j in lo..hi into out[j]. */
  row(i: number, out: Float64Array, lo: number, hi: number): void;
  /** Accumulates the VJP of row i of E (e[lo..hi]) into gx (and gy when given). */
  vjpRow(
    i: number,
    e: Float64Array,
    lo: number,
    hi: number,
    gx: Float64Array,
    gy: Float64Array | null,
  ): void;
  /** Called once after the last row (user costs apply their matrix VJP here). */
  finish(gx: Float64Array, gy: Float64Array | null): void;
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
  if (typeof cost === 'object') return userPlan(cost, x, y, N, M, D);
  switch (cost) {
    case 'sqeuclidean':
      return sqeuclidean(x, y, M, D, squaredDistanceBound(x, y, N, M, D));
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

const noFinish = (): void => {};

/** The largest sum over d of |a_id|^p among the frames of a [n, D] (p = 1 or 2; may be +inf). */
function maxFrameSum(a: Float64Array, n: number, D: number, p: 1 | 2): number {
  let m = 0;
  for (let i = 0; i < n; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) {
      const v = Math.abs(a[i * D + d]!);
      s += p === 1 ? v : v * v;
    }
    if (s > m) m = s;
  }
  return m;
}

/**
 * (max |x_i| + max |y_j|)^2, which bounds ||x_i - y_j||^2 and the sums forming it (+inf when it
 * exceeds the recursion's range, so that the range check refuses the pair).
 */
function squaredDistanceBound(
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
): number {
  const q = (Math.sqrt(maxFrameSum(x, N, D, 2)) + Math.sqrt(maxFrameSum(y, M, D, 2))) ** 2;
  return q <= MAX_PATH_BOUND ? q : Number.POSITIVE_INFINITY;
}

/** y [M, D] transposed to [D, M], so that row loops stream over contiguous columns. */
function transpose(y: Float64Array, M: number, D: number): Float64Array {
  const out = new Float64Array(M * D);
  for (let j = 0; j < M; j++) for (let d = 0; d < D; d++) out[d * M + j] = y[j * D + d]!;
  return out;
}

/** Adds a [D, M] transposed gradient into gy [M, D]. */
function addTransposed(gyT: Float64Array, gy: Float64Array, M: number, D: number): void {
  for (let j = 0; j < M; j++)
    for (let d = 0; d < D; d++) gy[j * D + d] = gy[j * D + d]! + gyT[d * M + j]!;
}

function sqeuclidean(
  x: Float64Array,
  y: Float64Array,
  M: number,
  D: number,
  bound: number,
): CostPlan {
  // Cost rows: four columns at a time (four running sums over d; the four y frames are read in
  // place, D apart). VJP rows: dL/dx_i = 2 (r_i x_i - sum_j E(i, j) y_j), r_i = sum_j E(i, j),
  // six features at a time (then four, then one). Register blocking keeps the D-loops at a few
  // instructions per cell; the sums run in the same order as the plain loops.
  let yT: Float64Array | null = null;
  let gyT: Float64Array | null = null;
  return {
    bound,
    row(i, out, lo, hi) {
      const xi = i * D;
      let j = lo;
      for (; j + 3 <= hi; j += 4) {
        let s0 = 0;
        let s1 = 0;
        let s2 = 0;
        let s3 = 0;
        for (let d = 0, b = j * D; d < D; d++, b++) {
          const xv = x[xi + d]!;
          const t0 = xv - y[b]!;
          const t1 = xv - y[b + D]!;
          const t2 = xv - y[b + 2 * D]!;
          const t3 = xv - y[b + 3 * D]!;
          s0 += t0 * t0;
          s1 += t1 * t1;
          s2 += t2 * t2;
          s3 += t3 * t3;
        }
        out[j] = s0;
        out[j + 1] = s1;
        out[j + 2] = s2;
        out[j + 3] = s3;
      }
      for (; j <= hi; j++) {
        let s = 0;
        for (let d = 0, b = j * D; d < D; d++, b++) {
          const t = x[xi + d]! - y[b]!;
          s += t * t;
        }
        out[j] = s;
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      const xi = i * D;
      let r = 0;
      for (let j = lo; j <= hi; j++) r += e[j]!;
      let d = 0;
      for (; d + 5 < D; d += 6) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        let a4 = 0;
        let a5 = 0;
        for (let j = lo, b = lo * D + d; j <= hi; j++, b += D) {
          const w = e[j]!;
          a0 += w * y[b]!;
          a1 += w * y[b + 1]!;
          a2 += w * y[b + 2]!;
          a3 += w * y[b + 3]!;
          a4 += w * y[b + 4]!;
          a5 += w * y[b + 5]!;
        }
        gx[xi + d] = gx[xi + d]! + 2 * (r * x[xi + d]! - a0);
        gx[xi + d + 1] = gx[xi + d + 1]! + 2 * (r * x[xi + d + 1]! - a1);
        gx[xi + d + 2] = gx[xi + d + 2]! + 2 * (r * x[xi + d + 2]! - a2);
        gx[xi + d + 3] = gx[xi + d + 3]! + 2 * (r * x[xi + d + 3]! - a3);
        gx[xi + d + 4] = gx[xi + d + 4]! + 2 * (r * x[xi + d + 4]! - a4);
        gx[xi + d + 5] = gx[xi + d + 5]! + 2 * (r * x[xi + d + 5]! - a5);
      }
      for (; d + 3 < D; d += 4) {
        let a0 = 0;
        let a1 = 0;
        let a2 = 0;
        let a3 = 0;
        for (let j = lo, b = lo * D + d; j <= hi; j++, b += D) {
          const w = e[j]!;
          a0 += w * y[b]!;
          a1 += w * y[b + 1]!;
          a2 += w * y[b + 2]!;
          a3 += w * y[b + 3]!;
        }
        gx[xi + d] = gx[xi + d]! + 2 * (r * x[xi + d]! - a0);
        gx[xi + d + 1] = gx[xi + d + 1]! + 2 * (r * x[xi + d + 1]! - a1);
        gx[xi + d + 2] = gx[xi + d + 2]! + 2 * (r * x[xi + d + 2]! - a2);
        gx[xi + d + 3] = gx[xi + d + 3]! + 2 * (r * x[xi + d + 3]! - a3);
      }
      for (; d < D; d++) {
        let a = 0;
        for (let j = lo, b = lo * D + d; j <= hi; j++, b += D) a += e[j]! * y[b]!;
        gx[xi + d] = gx[xi + d]! + 2 * (r * x[xi + d]! - a);
      }
      if (gy !== null) {
        // dL/dy_j += -2 E(i, j) (x_i - y_j), on y transposed (contiguous over j).
        if (yT === null) yT = transpose(y, M, D);
        if (gyT === null) gyT = new Float64Array(M * D);
        for (let d2 = 0; d2 < D; d2++) {
          const base = d2 * M;
          const xv = x[xi + d2]!;
          for (let j = lo; j <= hi; j++) {
            gyT[base + j] = gyT[base + j]! - 2 * e[j]! * (xv - yT[base + j]!);
          }
        }
      }
    },
    finish(_gx, gy) {
      if (gy !== null && gyT !== null) addTransposed(gyT, gy, M, D);
    },
  };
}

function euclidean(x: Float64Array, y: Float64Array, D: number, bound: number): CostPlan {
  const acc = new Float64Array(D);
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
    vjpRow(i, e, lo, hi, gx, gy) {
      // d||x - y|| / dx = (x - y) / ||x - y||; 0 at x = y.
      const xi = i * D;
      acc.fill(0);
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        if (w === 0) continue;
        const yj = j * D;
        const r = dist(xi, yj);
        if (r === 0) continue;
        const f = w / r;
        for (let d = 0; d < D; d++) {
          const t = f * (x[xi + d]! - y[yj + d]!);
          acc[d] = acc[d]! + t;
          if (gy !== null) gy[yj + d] = gy[yj + d]! - t;
        }
      }
      for (let d = 0; d < D; d++) gx[xi + d] = gx[xi + d]! + acc[d]!;
    },
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
  // c = 1 - u.v with u = x_i / |x_i|, v = y_j / |y_j| (c = 1 when either frame is zero), and
  // dc/dx_i = (c' u - v) / |x_i| with c' = u.v the cosine; symmetric in y. Written on the unit
  // frames so that no norm is squared or cubed: any finite frames give a finite cost.
  const { unit: ux, norm: nx } = unitFrames(x, N, D);
  const { unit: uy, norm: ny } = unitFrames(y, M, D);
  const acc = new Float64Array(D);
  const dot = (xi: number, yj: number): number => {
    let s = 0;
    for (let d = 0; d < D; d++) s += ux[xi + d]! * uy[yj + d]!;
    return s;
  };
  return {
    bound: 2,
    row(i, out, lo, hi) {
      const a = nx[i]!;
      for (let j = lo; j <= hi; j++) {
        const b = ny[j]!;
        out[j] = a === 0 || b === 0 ? 1 : 1 - dot(i * D, j * D);
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      const a = nx[i]!;
      if (a === 0) return;
      const xi = i * D;
      acc.fill(0);
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        const b = ny[j]!;
        if (w === 0 || b === 0) continue;
        const yj = j * D;
        const cw = w * dot(xi, yj);
        for (let d = 0; d < D; d++) {
          const u = ux[xi + d]!;
          const v = uy[yj + d]!;
          acc[d] = acc[d]! + (cw * u - w * v);
          if (gy !== null) gy[yj + d] = gy[yj + d]! + (cw * v - w * u) / b;
        }
      }
      for (let d = 0; d < D; d++) gx[xi + d] = gx[xi + d]! + acc[d]! / a;
    },
    finish: noFinish,
  };
}

function l1(x: Float64Array, y: Float64Array, D: number, bound: number): CostPlan {
  const acc = new Float64Array(D);
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
    vjpRow(i, e, lo, hi, gx, gy) {
      // d|x - y| / dx = sign(x - y) with sign(0) = 0.
      const xi = i * D;
      acc.fill(0);
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        if (w === 0) continue;
        const yj = j * D;
        for (let d = 0; d < D; d++) {
          const t = w * Math.sign(x[xi + d]! - y[yj + d]!);
          acc[d] = acc[d]! + t;
          if (gy !== null) gy[yj + d] = gy[yj + d]! - t;
        }
      }
      for (let d = 0; d < D; d++) gx[xi + d] = gx[xi + d]! + acc[d]!;
    },
    finish: noFinish,
  };
}

function bce(x: Float64Array, y: Float64Array, N: number, D: number): CostPlan {
  // c(x, y) = -(1/D) sum_d [y_d log x_d + (1 - y_d) log(1 - x_d)]  (Krause, Weiss, Mueller,
  // ICASSP 2023), logs clamped at -100 as torch.nn.BCELoss.
  //       = -(1/D) [sum_d y_d (lx_d - l1x_d) + sum_d l1x_d].
  const lx = new Float64Array(N * D);
  const l1x = new Float64Array(N * D);
  const dlx = new Float64Array(N * D); // d lx / dx (0 where clamped)
  const dl1x = new Float64Array(N * D); // d l1x / dx
  const base = new Float64Array(N);
  for (let k = 0; k < N * D; k++) {
    const p = x[k]!;
    const a = Math.log(p);
    const b = Math.log1p(-p);
    lx[k] = Math.max(a, LOG_FLOOR);
    l1x[k] = Math.max(b, LOG_FLOOR);
    dlx[k] = a > LOG_FLOOR ? 1 / p : 0;
    dl1x[k] = b > LOG_FLOOR ? -1 / (1 - p) : 0;
  }
  for (let i = 0; i < N; i++) {
    let s = 0;
    for (let d = 0; d < D; d++) s += l1x[i * D + d]!;
    base[i] = s;
  }
  const invD = 1 / D;
  const acc = new Float64Array(D);
  return {
    // Each log is clamped at -100 and y_d, 1 - y_d are in [0, 1]: 0 <= c <= 100.
    bound: -LOG_FLOOR,
    row(i, out, lo, hi) {
      const xi = i * D;
      const b = base[i]!;
      for (let j = lo; j <= hi; j++) {
        const yj = j * D;
        let s = b;
        for (let d = 0; d < D; d++) s += y[yj + d]! * (lx[xi + d]! - l1x[xi + d]!);
        out[j] = -s * invD;
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      // dc/dx_d = -(1/D) [y_d dlx_d + (1 - y_d) dl1x_d];  dc/dy_d = -(1/D) (lx_d - l1x_d).
      const xi = i * D;
      acc.fill(0);
      let r = 0;
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        if (w === 0) continue;
        r += w;
        const yj = j * D;
        for (let d = 0; d < D; d++) acc[d] = acc[d]! + w * y[yj + d]!;
        if (gy !== null) {
          for (let d = 0; d < D; d++) {
            gy[yj + d] = gy[yj + d]! - w * invD * (lx[xi + d]! - l1x[xi + d]!);
          }
        }
      }
      for (let d = 0; d < D; d++) {
        const k = xi + d;
        gx[k] = gx[k]! - invD * (acc[d]! * dlx[k]! + (r - acc[d]!) * dl1x[k]!);
      }
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
      acc.fill(0);
      let r = 0;
      for (let j = lo; j <= hi; j++) {
        const w = e[j]!;
        if (w === 0) continue;
        r += w;
        const yj = j * D;
        for (let d = 0; d < D; d++) acc[d] = acc[d]! + w * y[yj + d]!;
        if (gy !== null) {
          for (let d = 0; d < D; d++) gy[yj + d] = gy[yj + d]! - w * invD * x[xi + d]!;
        }
      }
      for (let d = 0; d < D; d++) {
        gx[xi + d] = gx[xi + d]! + invD * (r * sig[xi + d]! - acc[d]!);
      }
    },
    finish: noFinish,
  };
}

function userPlan(
  cost: UserCost,
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
): CostPlan {
  const xt = tensor(x, [N, D]);
  const yt = tensor(y, [M, D]);
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
      const g = toTensor(r.x, {
        name: 'cost.vjp(x, y, G).x',
        rank: 2,
        shape: [N, D],
        dtype: 'float64',
      }).data;
      for (let k = 0; k < g.length; k++) gx[k] = gx[k]! + g[k]!;
      if (gy !== null) {
        if (r.y === undefined) {
          throw new LossInputError(
            'INVALID_TYPE',
            'cost.vjp(x, y, G).y: the gradient with respect to y is needed (gradY, divergence or tfjs) but the user cost returned none',
            'cost.vjp',
          );
        }
        const h = toTensor(r.y, {
          name: 'cost.vjp(x, y, G).y',
          rank: 2,
          shape: [M, D],
          dtype: 'float64',
        }).data;
        for (let k = 0; k < h.length; k++) gy[k] = gy[k]! + h[k]!;
      }
    },
  };
}
