/**
 * The recursion for any step set (steps.ts), in JavaScript: the forward pass (Algorithm 1 of
 * Cuturi & Blondel, ICML 2017, over the steps of the set), the backward pass (their Algorithm 2)
 * and the value alone. The classic set runs the row kernels of recursion.ts instead (WebAssembly
 * where available); this file serves every other set, CTC's among them (ctc.ts).
 *
 * With K steps (di_k, dj_k, w_k), 1-based cells and the grid's borders (grid.ts):
 *
 *   s_k(i, j) = D(i - di_k, j - dj_k) + w_k C(i, j)   (+inf outside the grid, the band, or a column
 *                                                    the step may not enter)
 *   D(i, j)   = min^gamma_k s_k = P - gamma log sum_k exp(-(s_k - P) / gamma),  P = min_k s_k
 *   q_k(i, j) = exp(-(s_k - D(i, j)) / gamma)        (the soft-min weights, stored)
 *
 *   G(i, j) = eps(i, j) + sum_k q_k(i + di_k, j + dj_k) G(i + di_k, j + dj_k)
 *   E(i, j) = dV / dC(i, j) = G(i, j) sum_k w_k q_k(i, j)
 *
 * with eps the soft-min weights of the end cells in the value V = min^gamma over the end cells of
 * D + offset (ends.ts). D is kept as (m, s) pairs, D = m - gamma log s with 1 <= s < 8, as in
 * recursion.ts: with at most 8 steps the sum is below 64, so one rescaling by 8 restores s < 8.
 * Rows are kept in a ring of max di + 1 rows; the weights take K (N+1)(M+1) float64.
 */
import type { BandLimits } from './band.js';
import { expNeg } from './fast-math.js';
import type { Grid } from './grid.js';
import type { Steps } from './options.js';
import type { AlignmentRows, CostRows } from './recursion.js';
import type { Workspace } from './workspace.js';

const INF = Number.POSITIVE_INFINITY;
const LN8 = 3 * Math.LN2;

/**
 * The forward pass of a general step set; stores the soft-min weights in `ws.gq` when `store`
 * (else a one-row scratch is used and only the value is computed). Leaves the end cells' values in
 * the workspace for ends.ts (`ws.lastRow`: D(N, j); `ws.colEnd`: D(i, M)). Returns nothing; the
 * caller reduces the ends.
 */
export function generalForward(
  N: number,
  M: number,
  rows: CostRows,
  band: BandLimits,
  steps: Steps,
  grid: Grid,
  ws: Workspace,
  store: boolean,
): void {
  const K = steps.di.length;
  const R = steps.maxDi + 1;
  ws.ensureGeneral(N, M, K, R, store);
  const W = M + 1;
  const gamma = steps.gamma;
  const invG = 1 / gamma;
  const shift = gamma * LN8;
  const ring = ws.ring;
  const crow = ws.cost;
  const q = store ? ws.gq : ws.gqRow;
  const di = ws.stepDi;
  const dj = ws.stepDj;
  const w = ws.stepW;
  for (let k = 0; k < K; k++) {
    di[k] = steps.di[k]!;
    dj[k] = steps.dj[k]!;
    w[k] = steps.w[k]!;
  }
  const masks = grid.masks;
  const pred = ws.predBase; // ring offset of each step's predecessor row, -1 below row 0
  const cm = ws.candM;
  const cs = ws.candS;
  // Row 0: the grid's start row (D(0, 0) = 0 and +inf elsewhere when closed).
  for (let j = 0; j <= M; j++) {
    ring[2 * j] = grid.startRow === null ? (j === 0 ? 0 : INF) : grid.startRow[j]!;
    ring[2 * j + 1] = 1;
  }
  const colEnd = ws.colEnd;
  for (let i = 1; i <= N; i++) {
    const base = 2 * (i % R) * W;
    ring[base] = grid.startCol === null ? INF : grid.startCol[i]!;
    ring[base + 1] = 1;
    for (let j = 1; j <= M; j++) {
      ring[base + 2 * j] = INF;
      ring[base + 2 * j + 1] = 1;
    }
    for (let k = 0; k < K; k++) pred[k] = i - di[k]! < 0 ? -1 : 2 * ((i - di[k]!) % R) * W;
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    if (lo <= hi) rows(i - 1, crow, lo - 1, hi - 1);
    let qk = store ? K * ((i - 1) * W + lo - 1) : K * (lo - 1);
    for (let j = lo; j <= hi; j++, qk += K) {
      const c = crow[j - 1]!;
      let P = INF;
      for (let k = 0; k < K; k++) {
        const pj = j - dj[k]!;
        const pb = pred[k]!;
        let m = INF;
        let s = 1;
        if (pb >= 0 && pj >= 0) {
          const mask = masks === null ? null : masks[k]!;
          if (mask === null || mask[j] === 1) {
            const at = pb + 2 * pj;
            m = ring[at]! + w[k]! * c;
            s = ring[at + 1]!;
          }
        }
        cm[k] = m;
        cs[k] = s;
        if (m < P) P = m;
      }
      const at = base + 2 * j;
      if (P === INF) {
        for (let k = 0; k < K; k++) q[qk + k] = 0;
        continue; // ring already holds (+inf, 1)
      }
      let S = 0;
      for (let k = 0; k < K; k++) {
        const t = cm[k] === P ? cs[k]! : expNeg((P - cm[k]!) * invG) * cs[k]!;
        cm[k] = t;
        S += t;
      }
      const inv = 1 / S;
      for (let k = 0; k < K; k++) q[qk + k] = cm[k]! * inv;
      if (S >= 8) {
        ring[at] = P - shift;
        ring[at + 1] = S * 0.125;
      } else {
        ring[at] = P;
        ring[at + 1] = S;
      }
    }
    if (grid.endCol !== null) {
      const m = ring[base + 2 * M]!;
      colEnd[i] = m === INF ? INF : m - gamma * Math.log(ring[base + 2 * M + 1]!);
    }
  }
  const last = ws.lastRow;
  const base = 2 * (N % R) * W;
  for (let j = 0; j <= M; j++) {
    const m = ring[base + 2 * j]!;
    last[j] = m === INF ? INF : m - gamma * Math.log(ring[base + 2 * j + 1]!);
  }
}

/**
 * The backward pass of a general step set on the weights stored by {@link generalForward}, with
 * the end weights of ends.ts (`ws.endRowW`, `ws.endColW`): emits the rows of E from the last to
 * the first.
 */
export function generalBackward(
  N: number,
  M: number,
  band: BandLimits,
  steps: Steps,
  grid: Grid,
  ws: Workspace,
  emit: AlignmentRows,
): void {
  const K = steps.di.length;
  const R = steps.maxDi + 1;
  const W = M + 1;
  const q = ws.gq;
  const G = ws.gring;
  const e = ws.e;
  const di = ws.stepDi;
  const dj = ws.stepDj;
  const w = ws.stepW;
  const unit = steps.unit;
  const endRow = ws.endRowW;
  const endCol = grid.endCol === null ? null : ws.endColW;
  const succ = ws.predBase; // G-ring offset of each step's successor row, -1 beyond row N
  const qs = ws.candS; // q offset of each step's successor row
  for (let i = N; i >= 1; i--) {
    const base = (i % R) * W;
    G.fill(0, base, base + W);
    for (let k = 0; k < K; k++) {
      const si = i + di[k]!;
      succ[k] = si > N ? -1 : (si % R) * W;
      qs[k] = K * (si - 1) * W;
    }
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    for (let j = hi; j >= lo; j--) {
      let g = i === N ? endRow[j]! : 0;
      if (endCol !== null && j === M && i < N) g += endCol[i]!;
      for (let k = 0; k < K; k++) {
        const sj = j + dj[k]!;
        const sb = succ[k]!;
        if (sb < 0 || sj > M) continue;
        const gs = G[sb + sj]!;
        if (gs !== 0) g += q[qs[k]! + K * (sj - 1) + k]! * gs;
      }
      G[base + j] = g;
      if (unit) {
        e[j - 1] = g;
      } else {
        const at = K * ((i - 1) * W + j - 1);
        let wq = 0;
        for (let k = 0; k < K; k++) wq += w[k]! * q[at + k]!;
        e[j - 1] = g * wq;
      }
    }
    if (lo <= hi) emit(i - 1, e, lo - 1, hi - 1);
  }
}
