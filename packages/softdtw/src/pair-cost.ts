/**
 * The frame costs with a product form, as blocked matrix products in WebAssembly (wasm/pairs.wat):
 *
 *   squared Euclidean  C(i, j) = sum_d (x_i[d] - y_j[d])^2                    (kind 0)
 *   BCE                C(i, j) = -(a_i + sum_d y_j[d] l_i[d]) / D                (kind 1)
 *   cosine             C(i, j) = 1 - sum_d u_i[d] v_j[d]                          (kind 2)
 *
 * with, for BCE (Krause, Weiss, Mueller, ICASSP 2023), l_i = log x_i - log(1 - x_i) and
 * a_i = sum_d log(1 - x_i[d]) (each log clamped at -100 as torch.nn.BCELoss), computed once per
 * frame; for cosine the unit frames u_i = x_i / |x_i|, v_j = y_j / |y_j| (zero frames stay zero,
 * so their cost is 1). The squared Euclidean cost keeps its difference form: the Gram form
 * |x|^2 + |y|^2 - 2 x.y would cancel every digit where x_i is close to y_j relative to their norms
 * (and is not 0 at x_i = y_j), so it is blocked the same way but sums (x_i[d] - y_j[d])^2.
 *
 * The gradient w.r.t. x of every row needs the same sums of the row of E = dL/dC,
 * r_i = sum_j E(i, j) and t_i[d] = sum_j E(i, j) v_j[d] (each over j in order), and then O(D):
 *
 *   squared Euclidean  dL/dx_i = 2 (r_i x_i - t_i)
 *   BCE                dL/dx_i[d] = -(t_i[d] l'_i[d] + (r_i - t_i[d]) m'_i[d]) / D,
 *                      l' = d log x / dx, m' = d log(1 - x) / dx (0 where clamped)
 *   cosine             dL/dx_i = (rho_i u_i - t_i) / |x_i|, rho_i = u_i . t_i  (0 for a zero frame)
 *
 * (the cosine's from dc/dx_i = (cos u_i - v_j) / |x_i| summed over j: sum_j E(i, j) cos(i, j) =
 * u_i . t_i). The JavaScript plans (sqeuclidean.ts, costs.ts) compute the same sums in the same
 * order and call the same gradient rows, so both paths give the same bits.
 */
import type { Grid } from './grid.js';
import type { Steps } from './options.js';
import { finishForward, LN8, startBackward, startForward } from './recursion.js';
import type { Workspace } from './workspace.js';

/** The product form of a cost between x [N, D] and y [M, D] (see the file comment). */
export interface PairCost {
  /** 0 squared Euclidean, 1 BCE, 2 cosine. */
  readonly kind: 0 | 1 | 2;
  /** u [N, D]: x, the BCE log-odds l, or the unit frames of x. */
  readonly u: Float64Array;
  /** a [N], the start of each product (BCE), or null (0). */
  readonly a: Float64Array | null;
  /** v [M, D]: y, or the unit frames of y. */
  readonly v: Float64Array;
  /** 1 / D. */
  readonly invD: number;
  /** Adds row i's gradient to gx from r = sums[at] and t[d] = sums[at + 1 + d]. */
  gradRow(i: number, sums: Float64Array, at: number, gx: Float64Array): void;
}

/**
 * out[at] = sum_j e_j and out[at + 1 + d] = sum_j e_j v_j[d] over the columns lo..hi, each sum
 * over j in order from 0 (as vjpSums of wasm/softdtw.wat and sumsTile4 of wasm/pairs.wat).
 */
export function rowSums(
  e: Float64Array,
  lo: number,
  hi: number,
  v: Float64Array,
  D: number,
  out: Float64Array,
  at = 0,
): void {
  let r = 0;
  for (let j = lo; j <= hi; j++) r += e[j]!;
  out[at] = r;
  for (let d = 0; d < D; d++) {
    let t = 0;
    for (let j = lo, b = lo * D + d; j <= hi; j++, b += D) t += e[j]! * v[b]!;
    out[at + 1 + d] = t;
  }
}

/** y [M, D] transposed into out [D, cols] at `at` (columns M..cols-1 untouched). */
function transposeInto(
  y: Float64Array,
  M: number,
  D: number,
  out: Float64Array,
  at: number,
  cols: number,
): void {
  for (let j = 0; j < M; j++) for (let d = 0; d < D; d++) out[at + d * cols + j] = y[j * D + d]!;
}

/** Cost and VJP rows, as a plan gives them. */
export interface Rows {
  row(i: number, out: Float64Array, lo: number, hi: number): void;
  vjpRow(
    i: number,
    e: Float64Array,
    lo: number,
    hi: number,
    gx: Float64Array,
    gy: Float64Array | null,
  ): void;
}

/**
 * Stages the pair in the workspace's kernel memory and returns cost and VJP rows computed there:
 * the cost rows by sqRow (wasm/softdtw.wat) or prodRow and finish (wasm/pairs.wat), the VJP rows'
 * sums by vjpSums. Cost rows asked for into another array, VJP rows of another array or with a
 * gradient w.r.t. y, and everything without the kernels, go to `plan` (the same numbers).
 */
export function stagedPairRows(
  ws: Workspace,
  plan: Rows,
  pc: PairCost,
  N: number,
  M: number,
  D: number,
): Rows {
  // Staged: u [N, D], a [N], v transposed [D, M], v [M, D], the sums (D + 1).
  const staged = ws.stage(N, M, N * D + N + 2 * M * D + D + 1);
  const kernel = ws.kernel;
  const pairs = ws.pairKernel();
  if (staged === null || kernel === null || pairs === null) return plan;
  staged.set(pc.u);
  if (pc.a === null) staged.fill(0, N * D, N * D + N);
  else staged.set(pc.a, N * D);
  const vTAt = N * D + N;
  transposeInto(pc.v, M, D, staged, vTAt, M);
  const vAt = vTAt + M * D;
  staged.set(pc.v, vAt);
  const sumsAt = vAt + M * D;
  const base = staged.byteOffset;
  const { kind, invD } = pc;
  return {
    row(i, out, lo, hi) {
      if (out.buffer !== kernel.memory.buffer) {
        plan.row(i, out, lo, hi);
      } else if (kind === 0) {
        kernel.sqRow(base + 8 * i * D, base + 8 * vTAt, M, D, out.byteOffset, lo, hi);
      } else {
        const at = out.byteOffset;
        pairs.prodRow(base + 8 * i * D, 8, staged[N * D + i]!, base + 8 * vTAt, M, D, at, lo, hi);
        pairs.finish(kind, at, 0, 1, lo, hi, invD);
      }
    },
    vjpRow(i, e, lo, hi, gx, gy) {
      if (gy !== null || e.buffer !== kernel.memory.buffer) {
        plan.vjpRow(i, e, lo, hi, gx, gy);
        return;
      }
      kernel.vjpSums(e.byteOffset, base + 8 * vAt, D, lo, hi, base + 8 * sumsAt);
      pc.gradRow(i, staged, sumsAt, gx);
    },
  };
}

/** n rounded up to a multiple of 4. */
const up4 = (n: number): number => (n + 3) & ~3;

/**
 * Soft-DTW of one pair under a cost with a product form, classic steps, no band or prior, with its
 * gradient w.r.t. x added to `gx`: both passes in WebAssembly with one call each (forwardPair,
 * backwardPair of wasm/pairs.wat: blocked cost rows, then the same row kernels as softDtwForward
 * and softDtwBackward, so the same numbers as the JavaScript rows). The grid may open the begin
 * and end along y (subsequence), not along x. Null without the kernels.
 */
export function pairValueAndGrad(
  ws: Workspace,
  pc: PairCost,
  N: number,
  M: number,
  D: number,
  steps: Steps,
  grid: Grid,
  gx: Float64Array,
): number | null {
  const Np = up4(N);
  const Mp = M + 3;
  const Dp = up4(D + 1);
  // Staged: uB [Np, D] in blocks of 4 rows, a [Np], vT [D, Mp], v1 [M, Dp], the sums S [Np, Dp],
  // 4 cost rows of Mp, 4 E rows of M.
  const aAt = Np * D;
  const vTAt = aAt + Np;
  const v1At = vTAt + D * Mp;
  const sAt = v1At + M * Dp;
  const cbAt = sAt + Np * Dp;
  const ebAt = cbAt + 4 * Mp;
  const staged = ws.stage(N, M, ebAt + 4 * M);
  const kernel = ws.kernel;
  const pairs = ws.pairKernel();
  if (staged === null || kernel === null || pairs === null) return null;
  const { u, a, v } = pc;
  staged.fill(0, 0, v1At);
  for (let i = 0; i < N; i++) {
    const at = 4 * (i >> 2) * D + (i & 3);
    for (let d = 0; d < D; d++) staged[at + 4 * d] = u[i * D + d]!;
  }
  if (a !== null) staged.set(a, aAt);
  transposeInto(v, M, D, staged, vTAt, Mp);
  staged.fill(0, v1At, sAt);
  for (let j = 0; j < M; j++) {
    staged[v1At + j * Dp] = 1;
    staged.set(v.subarray(j * D, (j + 1) * D), v1At + j * Dp + 1);
  }
  const base = staged.byteOffset;
  const { gamma, wv, wh, wd, unit } = steps;
  const { state: st } = ws.forwardRows();
  startForward(st, M, grid);
  pairs.forwardPair(
    pc.kind,
    N,
    M,
    D,
    wv,
    wh,
    wd,
    1 / gamma,
    gamma * LN8,
    pc.invD,
    base,
    base + 8 * aAt,
    base + 8 * vTAt,
    ws.q.byteOffset,
    st.byteOffset,
    base + 8 * cbAt,
  );
  const value = finishForward(st, N, M, gamma, grid, ws);
  const { next, cur } = ws.backwardRows();
  startBackward(ws.q, next, N, M, ws);
  pairs.backwardPair(
    N,
    M,
    Dp,
    ws.q.byteOffset,
    next.byteOffset,
    cur.byteOffset,
    base + 8 * ebAt,
    base + 8 * v1At,
    base + 8 * sAt,
    unit ? 1 : 0,
    wv,
    wh,
    wd,
  );
  for (let i = 0; i < N; i++) pc.gradRow(i, staged, sAt + i * Dp, gx);
  return value;
}
