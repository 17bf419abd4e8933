/**
 * The soft-DTW recursion (Cuturi & Blondel, ICML 2017, Algorithm 1) and its backward pass, the
 * expected alignment (Algorithm 2), with step weights (Zeitler, Krause, Mueller, ICASSP 2024).
 *
 * Cells are 1-based: D(0, 0) = 0, D(i, 0) = D(0, j) = +inf, and for 1 <= i <= N, 1 <= j <= M
 *
 *   s_v = D(i-1, j) + w_v C(i, j),  s_h = D(i, j-1) + w_h C(i, j),  s_d = D(i-1, j-1) + w_d C(i, j)
 *   D(i, j) = min^gamma(s_v, s_h, s_d) = m - gamma log sum_k exp(-(s_k - m) / gamma),  m = min_k s_k
 *
 * (log-sum-exp around the smallest term: every exponent is <= 0, no inf - inf; computed without a
 * log per cell, see softDtwForward; exp by the table method of fast-math.ts). The soft-min
 * weights q_k(i, j) = exp(-(s_k - D(i, j)) / gamma) sum to 1 and are stored in the forward pass.
 * With G(i, j) = dD(N, M) / dD(i, j), the backward pass needs no exp:
 *
 *   G(N, M) = 1,  G(i, j) = q_v(i+1, j) G(i+1, j) + q_h(i, j+1) G(i, j+1) + q_d(i+1, j+1) G(i+1, j+1)
 *   E(i, j) = dD(N, M) / dC(i, j) = G(i, j) (w_v q_v(i, j) + w_h q_h(i, j) + w_d q_d(i, j))
 *
 * With unit weights E = G is the expected alignment matrix. Memory: 3 (N+1)(M+1) float64 for the
 * weights plus a few rows; the cost and E are produced and consumed row by row.
 */
import type { BandLimits } from './band.js';
import { reduceEnds } from './ends.js';
import * as fastMath from './fast-math.js';
import { generalBackward, generalForward } from './general.js';
import { CLASSIC_GRID, endsAtCorner, type Grid } from './grid.js';
import type { Steps } from './options.js';
import type { Workspace } from './workspace.js';

// Module-level copies of fast-math's constants, read in the inlined exp of the hot loops below.
// TurboFan folds a module's own `const` bindings into the code as constants, but not imported
// bindings: with the imports read directly, the forward pass ran 1.3-1.5x slower (register
// pressure from three more live float values per cell).
const EXP_FRAC = fastMath.EXP_FRAC;
const EXP_INT = fastMath.EXP_INT;
const INV_STEP = fastMath.INV_STEP;
const STEP_HI = fastMath.STEP_HI;
const STEP_LO = fastMath.STEP_LO;
const expNeg = fastMath.expNeg;

/** Fills `out[lo..hi]` (0-based, inclusive) with row `i` (0-based) of the cost matrix. */
export type CostRows = (i: number, out: Float64Array, lo: number, hi: number) => void;

/** Receives row `i` (0-based) of E in `e[lo..hi]`; entries outside are unspecified. */
export type AlignmentRows = (i: number, e: Float64Array, lo: number, hi: number) => void;

/**
 * A forward pass (Algorithm 1) over the N x M cells of a pair: the cost rows from `rows`, the cells
 * outside `band` unreachable, the buffers from `ws`, the borders and ends of `grid` (default: from
 * (0, 0) to (N, M)). Returns the value: D(N, M), or the soft minimum over the grid's end cells
 * (ends.ts). A step set other than the classic one runs the general kernels of general.ts.
 */
export type ForwardPass = (
  N: number,
  M: number,
  rows: CostRows,
  band: BandLimits,
  steps: Steps,
  ws: Workspace,
  grid?: Grid,
) => number;

/** D(., j) = m - gamma log s of an (m, s) pair (+inf stays +inf). */
function dOf(m: number, s: number, gamma: number): number {
  return m === Number.POSITIVE_INFINITY ? m : m - gamma * Math.log(s);
}

/**
 * The soft-DTW value only (Algorithm 1), two rows of memory; same (m, s) representation of D as
 * {@link softDtwForward} (no log per cell), without storing the weights.
 */
export const softDtwValue: ForwardPass = (N, M, rows, band, steps, ws, grid = CLASSIC_GRID) => {
  if (!steps.classic) {
    generalForward(N, M, rows, band, steps, grid, ws, false);
    return reduceEnds(N, M, steps.gamma, grid, ws.lastRow, ws.colEnd, null, null);
  }
  ws.ensure(N, M, false);
  const { gamma, wv, wh, wd } = steps;
  const invG = 1 / gamma;
  const shift = gamma * 3 * Math.LN2;
  const crow = ws.cost;
  let prevM = ws.rowA;
  let curM = ws.rowB;
  let prevS = ws.scaleA;
  let curS = ws.scaleB;
  const startRow = grid.startRow;
  const startCol = grid.startCol;
  const colEnd = ws.colEnd;
  prevM.fill(Number.POSITIVE_INFINITY, 0, M + 1);
  prevS.fill(1, 0, M + 1);
  curS.fill(1, 0, M + 1);
  if (startRow === null) prevM[0] = 0;
  else prevM.set(startRow);
  for (let i = 1; i <= N; i++) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    curM.fill(Number.POSITIVE_INFINITY, 0, lo);
    curM.fill(Number.POSITIVE_INFINITY, hi + 1, M + 1);
    curS.fill(1, 0, lo);
    curS.fill(1, hi + 1, M + 1);
    if (startCol !== null) curM[0] = startCol[i]!;
    rows(i - 1, crow, lo - 1, hi - 1);
    let leftM = curM[lo - 1]!;
    let leftS = 1;
    for (let j = lo; j <= hi; j++) {
      const c = crow[j - 1]!;
      const mv = prevM[j]! + wv * c;
      const mh = leftM + wh * c;
      const md = prevM[j - 1]! + wd * c;
      const p = Math.min(mv, mh, md);
      if (p === Number.POSITIVE_INFINITY) {
        curM[j] = p;
        curS[j] = 1;
        leftM = p;
        leftS = 1;
        continue;
      }
      const sum =
        expNeg((p - mv) * invG) * prevS[j]! +
        expNeg((p - mh) * invG) * leftS +
        expNeg((p - md) * invG) * prevS[j - 1]!;
      if (sum >= 8) {
        leftM = p - shift;
        leftS = sum * 0.125;
      } else {
        leftM = p;
        leftS = sum;
      }
      curM[j] = leftM;
      curS[j] = leftS;
    }
    if (grid.endCol !== null) colEnd[i] = dOf(curM[M]!, curS[M]!, gamma);
    let t = prevM;
    prevM = curM;
    curM = t;
    t = prevS;
    prevS = curS;
    curS = t;
  }
  if (endsAtCorner(grid)) return prevM[M]! - gamma * Math.log(prevS[M]!);
  const last = ws.lastRow;
  for (let j = 0; j <= M; j++) last[j] = dOf(prevM[j]!, prevS[j]!, gamma);
  return reduceEnds(N, M, gamma, grid, last, colEnd, null, null);
};

/** ln 8: the rescaling step of the (m, s) representation in {@link softDtwForward}. */
export const LN8 = 3 * Math.LN2;

/**
 * Row 0 of the forward pass in (m, s) pairs: the grid's start row (closed: D(0, 0) = 0, D(0, j) =
 * +inf), s = 1 throughout.
 */
export function startForward(st: Float64Array, M: number, grid: Grid = CLASSIC_GRID): void {
  const start = grid.startRow;
  if (start === null) {
    st[0] = 0;
    st[1] = 1;
    unreachable(st, 1, M + 1);
    return;
  }
  for (let j = 0; j <= M; j++) {
    st[2 * j] = start[j]!;
    st[2 * j + 1] = 1;
  }
}

/**
 * The value from the (m, s) row N of the classic forward pass (and D(i, M) of earlier rows in
 * `ws.colEnd`), with the end weights stored for the backward pass (ends.ts): D(N, M) itself when
 * the grid ends at the corner.
 */
export function finishForward(
  st: Float64Array,
  N: number,
  M: number,
  gamma: number,
  grid: Grid,
  ws: Workspace,
): number {
  if (endsAtCorner(grid)) {
    ws.endCorner = true;
    return st[2 * M]! - gamma * Math.log(st[2 * M + 1]!);
  }
  ws.endCorner = false;
  const last = ws.lastRow;
  for (let j = 0; j <= M; j++) last[j] = dOf(st[2 * j]!, st[2 * j + 1]!, gamma);
  return reduceEnds(N, M, gamma, grid, last, ws.colEnd, ws.endRowW, ws.endColW);
}

/**
 * The virtual row N + 1 of the classic backward pass, which hands every end cell (N, j) its weight:
 * G(N + 1, j) = eps(N, j) reached by a vertical step of weight q_v = 1 (and q_d = 0), so that
 * G(N, j) = eps(N, j) + q_h(N, j + 1) G(N, j + 1) follows the same three-term rule as every cell.
 * (With the corner alone: G(N + 1, M) = 1, the rest 0.) `next` is G of row N + 1.
 */
export function startBackward(
  q: Float64Array,
  next: Float64Array,
  N: number,
  M: number,
  ws: Workspace,
): void {
  const W = M + 1;
  const k0 = 3 * N * W;
  for (let j = 1; j <= M + 1; j++) {
    q[k0 + 3 * (j - 1)] = 1;
    q[k0 + 3 * (j - 1) + 2] = 0;
  }
  if (ws.endCorner) {
    next.fill(0, 0, M + 2);
    next[M] = 1;
  } else {
    next.set(ws.endRowW.subarray(0, M + 1));
    next[M + 1] = 0;
  }
}

/** Columns from..to-1 of an (m, s) row are unreachable: (+inf, 1). */
function unreachable(st: Float64Array, from: number, to: number): void {
  for (let j = from; j < to; j++) {
    st[2 * j] = Number.POSITIVE_INFINITY;
    st[2 * j + 1] = 1;
  }
}

/**
 * Algorithm 1 storing the soft-min weights q_v, q_h, q_d of every cell in `ws.q`
 * (cell (i, j) at 3 ((i-1)(M+1) + j-1)). Returns D(N, M).
 *
 * No log per cell: each D(i, j) is kept as a pair (m, s) with D = m - gamma log s, 1 <= s < 8.
 * With mu_k = m_k + w_k C(i, j) for the three predecessors and the pivot P = min_k mu_k,
 *
 *   t_k = exp(-(mu_k - P) / gamma) s_k  (<= 8, the pivot's is s_P >= 1),  S = sum_k t_k,
 *   D(i, j) = P - gamma log S,  q_k = t_k / S   (= exp(-(s_k' - D(i, j)) / gamma) exactly),
 *
 * and when S >= 8 the pair is rescaled to (P - gamma ln 8, S / 8). Every exponent is <= 0 and S
 * is in [1, 24): the same stability as the log-sum-exp form, with 2 exp and no log per cell.
 *
 * The exp is fast-math.ts's expNegClamped inlined by hand (V8 does not inline the call here): the
 * table method with the argument clamped at -745 instead of a Math.exp fallback below -708 (a
 * call in the loop made V8 spill live values on every cell). It equals expNeg on [-708, 0], is
 * within 2 subnormal units of exp below, and gives 0 from -745 on (tested in fast-math.test.ts).
 *
 * One row of (m, s) is updated in place (interleaved), the diagonal predecessor (i-1, j-1)
 * carried in registers from the previous column: fewer typed arrays in the loop, each of which
 * V8 re-checks on every access. The cells of a row are computed by the WebAssembly `row` of
 * wasm/softdtw.wat when the workspace has the kernel (the same operations in the same order), else
 * by {@link forwardRowJs}; this function does the cost rows and the band's +inf cells.
 */
export const softDtwForward: ForwardPass = (N, M, rows, band, steps, ws, grid = CLASSIC_GRID) => {
  if (!steps.classic) {
    generalForward(N, M, rows, band, steps, grid, ws, true);
    ws.endCorner = false;
    return reduceEnds(N, M, steps.gamma, grid, ws.lastRow, ws.colEnd, ws.endRowW, ws.endColW);
  }
  ws.ensure(N, M, true);
  const gamma = steps.gamma;
  // Read back from a Float64Array so that V8 types them as float64: integer-valued weights (the
  // default 1) would otherwise stay small integers, converted to float on every cell.
  const par = ws.params;
  par[0] = steps.wv;
  par[1] = steps.wh;
  par[2] = steps.wd;
  par[3] = 1 / gamma;
  par[4] = gamma * LN8;
  const wv = par[0]!;
  const wh = par[1]!;
  const wd = par[2]!;
  const invG = par[3]!;
  const shift = par[4]!;
  const q = ws.q;
  const { cost: crow, state: st } = ws.forwardRows();
  const kernel = ws.kernel;
  const W = M + 1;
  const startCol = grid.startCol;
  const colEnd = ws.colEnd;
  startForward(st, M, grid);
  for (let i = 1; i <= N; i++) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    rows(i - 1, crow, lo - 1, hi - 1);
    const diagM = st[2 * lo - 2]!;
    const diagS = st[2 * lo - 1]!;
    // Row i left of the band (and column 0) is +inf (with s = 1), or the grid's D(i, 0) in
    // column 0; D(i-1, lo-1) is read above.
    unreachable(st, 0, lo);
    if (startCol !== null) st[0] = startCol[i]!;
    const leftM = st[2 * lo - 2]!;
    const k = 3 * ((i - 1) * W + lo - 1);
    if (kernel !== null) {
      // The same loop in WebAssembly (wasm/softdtw.wat); addresses in bytes.
      kernel.row(
        lo,
        hi,
        q.byteOffset + 8 * k,
        st.byteOffset,
        crow.byteOffset - 8,
        wv,
        wh,
        wd,
        invG,
        shift,
        diagM,
        diagS,
        leftM,
      );
    } else {
      forwardRowJs(lo, hi, k, q, st, crow, wv, wh, wd, invG, shift, diagM, diagS, leftM);
    }
    // Row i right of the band is +inf.
    unreachable(st, hi + 1, M + 1);
    if (grid.endCol !== null) colEnd[i] = dOf(st[2 * M]!, st[2 * M + 1]!, gamma);
  }
  return finishForward(st, N, M, gamma, grid, ws);
};

/**
 * Cells (i, lo..hi) of one row of {@link softDtwForward} in JavaScript; wasm/softdtw.wat has the same
 * loop in WebAssembly. `k`: index of the weights of (i, lo) in q; `st` holds the (m, s) row i-1
 * on entry and row i on exit (columns lo..hi); `crow[j-1]` = C(i, j); (diagM, diagS) = (m, s) of
 * cell (i-1, lo-1); leftM0 = m of cell (i, lo-1) (its s is 1: +inf, or a start value of column 0).
 */
function forwardRowJs(
  lo: number,
  hi: number,
  k0: number,
  q: Float64Array,
  st: Float64Array,
  crow: Float64Array,
  wv: number,
  wh: number,
  wd: number,
  invG: number,
  shift: number,
  diagM0: number,
  diagS0: number,
  leftM0: number,
): void {
  const EF = EXP_FRAC;
  const EI = EXP_INT;
  const INF = Number.POSITIVE_INFINITY;
  let diagM = diagM0;
  let diagS = diagS0;
  let leftM = leftM0;
  let leftS = 1;
  for (let j = lo, k = k0; j <= hi; j++, k += 3) {
    const c = crow[j - 1]!;
    const upM = st[2 * j]!;
    const upS = st[2 * j + 1]!;
    // Offsets 0, 1, 2 = vertical, horizontal, diagonal; p = pivot, a and b the others.
    let p = upM + wv * c;
    let sp = upS;
    let ip = 0;
    let a = leftM + wh * c;
    let sa = leftS;
    let ia = 1;
    let b = diagM + wd * c;
    let sb = diagS;
    let ib = 2;
    diagM = upM;
    diagS = upS;
    if (a < p) {
      [p, a, sp, sa] = [a, p, sa, sp];
      ip = 1;
      ia = 0;
    }
    if (b < p) [p, b, sp, sb, ip, ib] = [b, p, sb, sp, ib, ip];
    if (p === INF) {
      // Unreachable cell (cannot happen inside a connected band; kept for safety).
      q[k] = 0;
      q[k + 1] = 0;
      q[k + 2] = 0;
      leftM = INF;
      leftS = 1;
    } else {
      // exp(va), exp(vb) for va, vb <= 0 (expNegClamped, inlined).
      const va = Math.max((p - a) * invG, -745);
      const ka = Math.floor(va * INV_STEP + 0.5);
      const ra = va - ka * STEP_HI - ka * STEP_LO;
      const pa = 1 + ra * (1 + ra * (0.5 + ra * (0.16666666666666666 + ra * 0.041666666666666664)));
      const ia32 = ka | 0;
      const ta = EI[(ia32 >> 8) + 1075]! * (EF[ia32 & 255]! * pa) * sa;
      const vb = Math.max((p - b) * invG, -745);
      const kb = Math.floor(vb * INV_STEP + 0.5);
      const rb = vb - kb * STEP_HI - kb * STEP_LO;
      const pb = 1 + rb * (1 + rb * (0.5 + rb * (0.16666666666666666 + rb * 0.041666666666666664)));
      const ib32 = kb | 0;
      const tb = EI[(ib32 >> 8) + 1075]! * (EF[ib32 & 255]! * pb) * sb;
      const sum = sp + ta + tb;
      const inv = 1 / sum;
      q[k + ip] = sp * inv;
      q[k + ia] = ta * inv;
      q[k + ib] = tb * inv;
      // Rescaled to (P - gamma ln 8, S / 8) when S >= 8.
      const big = sum >= 8;
      leftM = big ? p - shift : p;
      leftS = big ? sum * 0.125 : sum;
    }
    st[2 * j] = leftM;
    st[2 * j + 1] = leftS;
  }
}

/**
 * Algorithm 2 on the weights stored by {@link softDtwForward}: emits the rows of E from the last
 * to the first. A virtual row N + 1 (and, with an open end along x, a virtual column M + 1) hands
 * the end cells their weights (startBackward) so that every cell follows the same three-term rule;
 * cells outside the band have G = 0, so stale weights there never contribute (they are finite: see
 * Workspace.ensure). Rows run in the WebAssembly `backRow` of
 * wasm/softdtw.wat when the workspace has the kernel (the same operations in the same order).
 */
export function softDtwBackward(
  N: number,
  M: number,
  band: BandLimits,
  steps: Steps,
  ws: Workspace,
  emit: AlignmentRows,
  grid: Grid = CLASSIC_GRID,
): void {
  if (!steps.classic) {
    generalBackward(N, M, band, steps, grid, ws, emit);
    return;
  }
  const { wv, wh, wd, unit } = steps;
  const q = ws.q;
  const kernel = ws.kernel;
  const rows = ws.backwardRows();
  const e = rows.e;
  const W = M + 1;
  let next = rows.next;
  let cur = rows.cur;
  startBackward(q, next, N, M, ws);
  // An open end along x: G(i, M + 1) = eps(i, M) reached by a horizontal step of weight
  // q_h(i, M + 1) = 1 (and q_d = 0), the same trick in the virtual column M + 1.
  const endCol = grid.endCol === null || ws.endCorner ? null : ws.endColW;
  if (endCol !== null) {
    for (let i = 1; i < N; i++) {
      q[3 * ((i - 1) * W + M) + 1] = 1;
      q[3 * ((i - 1) * W + M) + 2] = 0;
    }
  }
  for (let i = N; i >= 1; i--) {
    cur.fill(0, 0, M + 2);
    if (endCol !== null && i < N) cur[M + 1] = endCol[i]!;
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    if (kernel !== null) {
      // The same loop in WebAssembly (wasm/softdtw.wat); addresses in bytes.
      kernel.backRow(
        lo,
        hi,
        q.byteOffset + 24 * ((i - 1) * W + hi - 1),
        q.byteOffset + 24 * (i * W + hi - 1),
        next.byteOffset,
        cur.byteOffset,
        e.byteOffset - 8,
        unit ? 1 : 0,
        wv,
        wh,
        wd,
      );
      emit(i - 1, e, lo - 1, hi - 1);
      const t = next;
      next = cur;
      cur = t;
      continue;
    }
    let k = 3 * ((i - 1) * W + hi - 1); // cell (i, j)
    let kn = 3 * (i * W + hi - 1); // cell (i+1, j)
    // G(i, j+1), kept in a register: the only term on the dependency chain along the row, added
    // last so that the chain is one multiply-add per cell.
    let right = cur[hi + 1]!;
    for (let j = hi; j >= lo; j--, k -= 3, kn -= 3) {
      const g = q[kn]! * next[j]! + q[kn + 5]! * next[j + 1]! + q[k + 4]! * right;
      cur[j] = g;
      right = g;
      e[j - 1] = unit ? g : g * (wv * q[k]! + wh * q[k + 1]! + wd * q[k + 2]!);
    }
    emit(i - 1, e, lo - 1, hi - 1);
    const t = next;
    next = cur;
    cur = t;
  }
}
