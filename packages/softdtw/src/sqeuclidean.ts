/**
 * The squared Euclidean frame cost C(i, j) = ||x_i - y_j||^2, the default cost (tslearn's and
 * mblondel/soft-dtw's): {@link sqeuclideanPlan}, the JavaScript rows of C and of its
 * vector-Jacobian product dL/dx_i = 2 (r_i x_i - sum_j E(i, j) y_j), r_i = sum_j E(i, j) (and
 * dL/dy_j likewise), with its product form for the WebAssembly kernels (pair-cost.ts: sqRow and
 * vjpSums of wasm/softdtw.wat row by row, sqTile4 and sumsTile4 of wasm/pairs.wat for a whole
 * pair). Every sum runs in the same order in all of them (each cost over d, each VJP sum over j),
 * so the numbers are bit for bit the same (test/wasm-row.test.ts, test/pairs.test.ts).
 */
import type { CostPlan } from './cost-plan.js';

/** y [M, D] transposed to [D, M], so that row loops stream over contiguous columns. */
function transposed(y: Float64Array, M: number, D: number, out: Float64Array, at = 0): void {
  for (let j = 0; j < M; j++) for (let d = 0; d < D; d++) out[at + d * M + j] = y[j * D + d]!;
}

/**
 * The JavaScript rows of the squared Euclidean cost between x [N, D] and y [M, D] (row-major
 * float64); `bound` bounds |C| (cost-plan.ts).
 */
export function sqeuclideanPlan(
  x: Float64Array,
  y: Float64Array,
  M: number,
  D: number,
  bound: number,
): CostPlan {
  // Cost rows: four columns at a time (four running sums over d; the four y frames are read in
  // place, D apart), each column's sum over d in order.
  let yT: Float64Array | null = null;
  let gyT: Float64Array | null = null;
  return {
    bound,
    pair: {
      kind: 0,
      u: x,
      a: null,
      v: y,
      invD: 1 / D,
      gradRow(i, sums, at, gx) {
        // dL/dx_i = 2 (r x_i - t), as the JavaScript vjpRow below writes it.
        const r = sums[at]!;
        for (let d = 0, k = i * D; d < D; d++, k++) {
          gx[k] = gx[k]! + 2 * (r * x[k]! - sums[at + 1 + d]!);
        }
      },
    },
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
      // r = sum_j e_j and a_d = sum_j e_j y_j[d], each over j in order (as vjpSums): four
      // features a pass in registers (the D-loop at a few instructions per cell), then one.
      const xi = i * D;
      let r = 0;
      for (let j = lo; j <= hi; j++) r += e[j]!;
      let d = 0;
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
        if (yT === null) {
          yT = new Float64Array(M * D);
          transposed(y, M, D, yT);
        }
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
      if (gy === null || gyT === null) return;
      for (let j = 0; j < M; j++)
        for (let d = 0; d < D; d++) gy[j * D + d] = gy[j * D + d]! + gyT[d * M + j]!;
    },
  };
}
