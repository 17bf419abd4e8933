/**
 * The squared Euclidean frame cost C(i, j) = ||x_i - y_j||^2, the default cost (tslearn's and
 * mblondel/soft-dtw's), in its three forms:
 *
 * - {@link sqeuclideanPlan}: the JavaScript rows of C and of its vector-Jacobian product
 *   dL/dx_i = 2 (r_i x_i - sum_j E(i, j) y_j), r_i = sum_j E(i, j) (and dL/dy_j likewise);
 * - {@link stagedSqeuclidean}: the same rows from the WebAssembly kernel (sqRow, vjpSums of
 *   wasm/softdtw.wat) on x and y staged in the kernel memory, for the row-by-row passes;
 * - {@link sqeuclideanValueAndGrad}: a whole pair without a band or prior, both passes in
 *   WebAssembly with one call each (forwardSq, backwardSq).
 *
 * Every sum runs in the same order in all three (each cost over d, each VJP sum over j), so the
 * numbers are bit for bit the same (test/wasm-row.test.ts).
 */
import type { CostPlan } from './cost-plan.js';
import type { Grid } from './grid.js';
import type { Steps } from './options.js';
import { finishForward, LN8, startBackward, startForward } from './recursion.js';
import type { Workspace } from './workspace.js';

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

/**
 * Stages x [N, D], y transposed and y in the workspace's kernel memory and returns cost and VJP
 * rows computed by the kernel. Cost rows asked for into another array, VJP rows of another array
 * or with a gradient w.r.t. y, and everything without a kernel, go to `plan` (the JavaScript rows,
 * the same numbers).
 */
export function stagedSqeuclidean(
  ws: Workspace,
  plan: CostPlan,
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
): Pick<CostPlan, 'row' | 'vjpRow'> {
  const staged = ws.stage(N, M, (N + 2 * M) * D + D + 1);
  const kernel = ws.kernel;
  if (staged === null || kernel === null) return plan;
  staged.set(x);
  transposed(y, M, D, staged, N * D);
  staged.set(y, (N + M) * D);
  const base = staged.byteOffset;
  const yT = base + 8 * N * D;
  const yRows = yT + 8 * M * D;
  const sums = yRows + 8 * M * D;
  return {
    row(i, out, lo, hi) {
      if (out.buffer !== kernel.memory.buffer) plan.row(i, out, lo, hi);
      else kernel.sqRow(base + 8 * i * D, yT, M, D, out.byteOffset, lo, hi);
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      if (gy !== null || e.buffer !== kernel.memory.buffer) {
        plan.vjpRow(i, e, lo, hi, gx, gy);
        return;
      }
      // dL/dx_i += 2 (r x_i - sum_j E(i, j) y_j), the sums from the kernel.
      kernel.vjpSums(e.byteOffset, yRows, D, lo, hi, sums);
      const out = new Float64Array(kernel.memory.buffer, sums, D + 1);
      const r = out[0]!;
      const xi = i * D;
      for (let d = 0; d < D; d++) gx[xi + d] = gx[xi + d]! + 2 * (r * x[xi + d]! - out[1 + d]!);
    },
  };
}

/**
 * Soft-DTW of one pair under the squared Euclidean cost without a band or prior, classic steps,
 * with its gradient w.r.t. x added to `gx`: both passes in WebAssembly with one call each
 * (forwardSq, backwardSq: the same row functions as softDtwForward and softDtwBackward with the
 * staged cost, so the same numbers). The grid may open the begin and end along y (subsequence),
 * not along x (the kernel keeps column 0 at +inf and the virtual column M + 1 at 0). Null without a
 * kernel.
 */
export function sqeuclideanValueAndGrad(
  ws: Workspace,
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
  steps: Steps,
  grid: Grid,
  gx: Float64Array,
): number | null {
  // Staged: x, y transposed, y, the VJP sums (D + 1), the gradient (N D).
  const staged = ws.stage(N, M, (N + 2 * M) * D + D + 1 + N * D);
  const kernel = ws.kernel;
  if (staged === null || kernel === null) return null;
  staged.set(x);
  transposed(y, M, D, staged, N * D);
  staged.set(y, (N + M) * D);
  const sumsAt = (N + 2 * M) * D;
  const gxAt = sumsAt + D + 1;
  staged.fill(0, gxAt, gxAt + N * D);
  const base = staged.byteOffset;
  const { gamma, wv, wh, wd, unit } = steps;
  const q = ws.q;
  const { cost, state: st } = ws.forwardRows();
  startForward(st, M, grid);
  kernel.forwardSq(
    N,
    M,
    D,
    wv,
    wh,
    wd,
    1 / gamma,
    gamma * LN8,
    base,
    base + 8 * N * D,
    q.byteOffset,
    st.byteOffset,
    cost.byteOffset,
  );
  const value = finishForward(st, N, M, gamma, grid, ws);
  // Backward: the end cells get their weights through the virtual row N + 1.
  const { next, cur, e } = ws.backwardRows();
  startBackward(q, next, N, M, ws);
  kernel.backwardSq(
    N,
    M,
    D,
    q.byteOffset,
    next.byteOffset,
    cur.byteOffset,
    e.byteOffset,
    base + 8 * (N + M) * D,
    base,
    base + 8 * gxAt,
    base + 8 * sumsAt,
    unit ? 1 : 0,
    wv,
    wh,
    wd,
  );
  for (let k = 0; k < N * D; k++) gx[k] = gx[k]! + staged[gxAt + k]!;
  return value;
}
