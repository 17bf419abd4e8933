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
import type { CostPlan } from './costs.js';
import * as fastMath from './fast-math.js';
import { createRowKernel, type RowKernel, WASM_DATA_START } from './wasm-row.js';

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

/** gamma and the step weights, validated. */
export interface Steps {
  gamma: number;
  wv: number;
  wh: number;
  wd: number;
  unit: boolean;
}

/** Reusable buffers, grown on demand (one allocation per batch, none per cell). */
export class Workspace {
  /** Soft-min weights (in the WebAssembly memory when the row kernel is used). */
  q = new Float64Array(0);
  rowA = new Float64Array(0);
  rowB = new Float64Array(0);
  scaleA = new Float64Array(0);
  scaleB = new Float64Array(0);
  cost = new Float64Array(0);
  e = new Float64Array(0);
  /** (m, s) of one row of D, interleaved: D(., j) = state[2j] - gamma log state[2j+1]. */
  state = new Float64Array(0);
  /** Step weights, 1 / gamma and gamma ln 8 as float64 (see softDtwForward). */
  readonly params = new Float64Array(5);
  /** The WebAssembly kernels (wasm-row.ts); null: the JavaScript loops. */
  kernel: RowKernel | null;
  /** Views of the kernel memory: cost row, (m, s) row, G rows, E row (see ensure). */
  private kCost = new Float64Array(0);
  private kState = new Float64Array(0);
  private kNext = new Float64Array(0);
  private kCur = new Float64Array(0);
  private kE = new Float64Array(0);
  private kN = -1;
  private kM = -1;
  private kCap = 0;
  private kStage = 0;

  /**
   * `useWasm = false` forces the JavaScript loops (for tests); `maxKernelBytes` caps the kernel
   * memory (32-bit WebAssembly: 4 GiB), beyond which the workspace continues in JavaScript.
   */
  constructor(
    useWasm = true,
    private readonly maxKernelBytes = 2 ** 32,
  ) {
    this.kernel = useWasm ? createRowKernel() : null;
  }

  /**
   * Makes room for an N x M problem; `withWeights` also sizes the soft-min weight store, and
   * `stageWords` (kernel only) the room for sequences staged by {@link stageSqeuclidean}.
   */
  ensure(N: number, M: number, withWeights: boolean, stageWords = 0): void {
    if (this.rowA.length < M + 2) {
      this.rowA = new Float64Array(M + 2);
      this.rowB = new Float64Array(M + 2);
      this.scaleA = new Float64Array(M + 2);
      this.scaleB = new Float64Array(M + 2);
      this.cost = new Float64Array(M);
      this.e = new Float64Array(M);
      this.state = new Float64Array(2 * (M + 1));
    }
    if (!withWeights) return;
    const words = 3 * (N + 1) * (M + 1);
    if (this.kernel === null) {
      if (this.q.length < words) this.q = new Float64Array(words);
      return;
    }
    // Kernel memory (float64 words): exp tables; rows of kCap columns: cost (kCap), (m, s)
    // (2 kCap + 2), G of two rows (2 kCap + 4), E (kCap); staged sequences (kStage); weights.
    // kCap and kStage only grow, so the weight region only ever covers memory that held weights
    // before (finite) or fresh zeros: the backward pass multiplies weights outside the band (and
    // of the virtual row N + 1) by G = 0, which must not meet an infinite m.
    if (M > this.kCap) this.kCap = M;
    if (stageWords > this.kStage) this.kStage = stageWords;
    const memory = this.kernel.memory;
    const qOffset = this.stageOffset() + 8 * this.kStage;
    const bytes = qOffset + 8 * words;
    if (memory.buffer.byteLength < bytes && !this.grow(memory, bytes)) {
      // More than the kernel memory can hold, or out of memory: this workspace continues with
      // the JavaScript loops and arrays (the same numbers).
      this.kernel = null;
      this.q = new Float64Array(0);
      this.ensure(N, M, true);
      return;
    }
    const buffer = memory.buffer;
    if (
      this.q.buffer !== buffer ||
      this.kN !== N ||
      this.kM !== M ||
      this.q.byteOffset !== qOffset
    ) {
      const cap = this.kCap;
      let at = WASM_DATA_START;
      this.kCost = new Float64Array(buffer, at, M);
      at += 8 * cap;
      this.kState = new Float64Array(buffer, at, 2 * (M + 1));
      at += 8 * (2 * cap + 2);
      this.kNext = new Float64Array(buffer, at, M + 2);
      at += 8 * (cap + 2);
      this.kCur = new Float64Array(buffer, at, M + 2);
      at += 8 * (cap + 2);
      this.kE = new Float64Array(buffer, at, M);
      this.q = new Float64Array(buffer, qOffset, words);
      this.kN = N;
      this.kM = M;
    }
  }

  /** Grows the kernel memory to `bytes`; false when over the cap or when growing fails. */
  private grow(memory: WebAssembly.Memory, bytes: number): boolean {
    if (bytes > this.maxKernelBytes) return false;
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      return true;
    } catch {
      return false;
    }
  }

  /** Byte offset of the staged sequences (after the rows). */
  private stageOffset(): number {
    return WASM_DATA_START + 8 * (6 * this.kCap + 6);
  }

  /**
   * The squared Euclidean cost rows and VJP rows from the kernel's SIMD functions (wasm-row.ts:
   * the same sums in the same order as `plan`, the JavaScript rows of costs.ts): copies x
   * [N, D], y transposed and y into the kernel memory. Cost rows asked for into another array,
   * VJP rows of another array or with a gradient w.r.t. y, and everything without a kernel, go
   * to `plan`.
   */
  stageSqeuclidean(
    x: Float64Array,
    y: Float64Array,
    N: number,
    M: number,
    D: number,
    plan: CostPlan,
  ): Pick<CostPlan, 'row' | 'vjpRow'> {
    if (this.kernel === null) return plan;
    const stage = (N + 2 * M) * D + D + 1;
    this.ensure(N, M, true, stage);
    const kernel = this.kernel;
    if (kernel === null) return plan;
    const base = this.stageOffset();
    const staged = new Float64Array(kernel.memory.buffer, base, stage);
    staged.set(x);
    staged.set(y, (N + M) * D);
    for (let j = 0; j < M; j++)
      for (let d = 0; d < D; d++) staged[N * D + d * M + j] = y[j * D + d]!;
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
   * Soft-DTW of one pair under the squared Euclidean cost without a band or prior, with its
   * gradient w.r.t. x added to `gx`: both passes in WebAssembly with one call each
   * (forwardSq, backwardSq of wasm-row.ts: the same row functions as softDtwForward and
   * softDtwBackward with the staged cost, so the same numbers). Null without a kernel.
   */
  sqeuclideanValueAndGrad(
    x: Float64Array,
    y: Float64Array,
    N: number,
    M: number,
    D: number,
    steps: Steps,
    gx: Float64Array,
  ): number | null {
    if (this.kernel === null) return null;
    const stage = (N + 2 * M) * D + D + 1 + N * D;
    this.ensure(N, M, true, stage);
    const kernel = this.kernel;
    if (kernel === null) return null;
    const base = this.stageOffset();
    const staged = new Float64Array(kernel.memory.buffer, base, stage);
    staged.set(x);
    for (let j = 0; j < M; j++)
      for (let d = 0; d < D; d++) staged[N * D + d * M + j] = y[j * D + d]!;
    staged.set(y, (N + M) * D);
    const sumsAt = (N + 2 * M) * D;
    const gxAt = sumsAt + D + 1;
    staged.fill(0, gxAt, gxAt + N * D);
    const { gamma, wv, wh, wd, unit } = steps;
    const q = this.q;
    const W = M + 1;
    // Forward: row 0 is D(0, 0) = 0, D(0, j) = +inf.
    const st = this.kState;
    st[0] = 0;
    st[1] = 1;
    for (let j = 1; j <= M; j++) {
      st[2 * j] = Number.POSITIVE_INFINITY;
      st[2 * j + 1] = 1;
    }
    kernel.forwardSq(
      N,
      M,
      D,
      base,
      base + 8 * N * D,
      q.byteOffset,
      st.byteOffset,
      this.kCost.byteOffset,
      wv,
      wh,
      wd,
      1 / gamma,
      gamma * LN8,
    );
    const value = st[2 * M]! - gamma * Math.log(st[2 * M + 1]!);
    // Backward: G of the virtual cell (N+1, M+1) is 1, reached with q_d = 1.
    this.kNext.fill(0, 0, M + 2);
    this.kNext[M + 1] = 1;
    q[3 * (N * W + M) + 2] = 1;
    kernel.backwardSq(
      N,
      M,
      D,
      q.byteOffset,
      this.kNext.byteOffset,
      this.kCur.byteOffset,
      this.kE.byteOffset,
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

  /** The cost row and (m, s) row the forward pass uses. */
  forwardRows(): { cost: Float64Array; state: Float64Array } {
    return this.kernel === null
      ? { cost: this.cost, state: this.state }
      : { cost: this.kCost, state: this.kState };
  }

  /** The two G rows and the E row the backward pass uses. */
  backwardRows(): { next: Float64Array; cur: Float64Array; e: Float64Array } {
    return this.kernel === null
      ? { next: this.rowA, cur: this.rowB, e: this.e }
      : { next: this.kNext, cur: this.kCur, e: this.kE };
  }

  /** Float64 words held (for memory accounting). */
  words(): number {
    const js =
      this.rowA.length +
      this.rowB.length +
      this.scaleA.length +
      this.scaleB.length +
      this.cost.length +
      this.e.length +
      this.state.length;
    return js + (this.kernel === null ? this.q.length : this.kernel.memory.buffer.byteLength / 8);
  }
}

/**
 * One {@link Workspace} kept between calls. The soft-min weight store of an N x M pair is
 * 3 (N+1)(M+1) float64 (385 MiB at N = M = 4096); a fresh allocation has every page faulted in
 * and zeroed by the OS on first touch, which on the benchmark machine took longer than the
 * forward pass itself. The pool holds it through a WeakRef: reused while alive, but never kept
 * from the garbage collector (a later call after a major GC allocates a new one). A workspace is
 * taken out of the pool while in use, so a re-entrant call (a user cost that calls soft-DTW) gets
 * its own. Nothing returned to the caller is a view of workspace memory.
 */
let pooled: WeakRef<Workspace> | undefined;

/** A workspace for one call: the pooled one when it is still alive, else a new one. */
export function acquireWorkspace(): Workspace {
  const ws = pooled?.deref();
  pooled = undefined;
  return ws ?? new Workspace();
}

/** Returns a workspace to the pool (replacing whatever is there). */
export function releaseWorkspace(ws: Workspace): void {
  pooled = new WeakRef(ws);
}

/**
 * The soft-DTW value only (Algorithm 1), two rows of memory; same (m, s) representation of D as
 * {@link softDtwForward} (no log per cell), without storing the weights.
 */
export function softDtwValue(
  N: number,
  M: number,
  rows: CostRows,
  band: BandLimits,
  steps: Steps,
  ws: Workspace,
): number {
  ws.ensure(N, M, false);
  const { gamma, wv, wh, wd } = steps;
  const invG = 1 / gamma;
  const shift = gamma * 3 * Math.LN2;
  const crow = ws.cost;
  let prevM = ws.rowA;
  let curM = ws.rowB;
  let prevS = ws.scaleA;
  let curS = ws.scaleB;
  prevM.fill(Number.POSITIVE_INFINITY, 0, M + 1);
  prevS.fill(1, 0, M + 1);
  curS.fill(1, 0, M + 1);
  prevM[0] = 0;
  for (let i = 1; i <= N; i++) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    curM.fill(Number.POSITIVE_INFINITY, 0, lo);
    curM.fill(Number.POSITIVE_INFINITY, hi + 1, M + 1);
    curS.fill(1, 0, lo);
    curS.fill(1, hi + 1, M + 1);
    rows(i - 1, crow, lo - 1, hi - 1);
    let leftM = Number.POSITIVE_INFINITY;
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
    let t = prevM;
    prevM = curM;
    curM = t;
    t = prevS;
    prevS = curS;
    curS = t;
  }
  return prevM[M]! - gamma * Math.log(prevS[M]!);
}

/** ln 8: the rescaling step of the (m, s) representation in {@link softDtwForward}. */
const LN8 = 3 * Math.LN2;

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
 * wasm-row.ts when the workspace has the kernel (the same operations in the same order), else
 * by {@link forwardRowJs}; this function does the cost rows and the band's +inf cells.
 */
export function softDtwForward(
  N: number,
  M: number,
  rows: CostRows,
  band: BandLimits,
  steps: Steps,
  ws: Workspace,
): number {
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
  const INF = Number.POSITIVE_INFINITY;
  // Row 0: D(0, 0) = 0, D(0, j) = +inf.
  st[0] = 0;
  st[1] = 1;
  for (let j = 1; j <= M; j++) {
    st[2 * j] = INF;
    st[2 * j + 1] = 1;
  }
  for (let i = 1; i <= N; i++) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    rows(i - 1, crow, lo - 1, hi - 1);
    const diagM = st[2 * lo - 2]!;
    const diagS = st[2 * lo - 1]!;
    // Row i left of the band (and column 0) is +inf (with s = 1); D(i-1, lo-1) is read above.
    for (let j = 0; j < lo; j++) {
      st[2 * j] = INF;
      st[2 * j + 1] = 1;
    }
    const k = 3 * ((i - 1) * W + lo - 1);
    if (kernel !== null) {
      // The same loop in WebAssembly (wasm-row.ts); addresses in bytes.
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
      );
    } else {
      forwardRowJs(lo, hi, k, q, st, crow, wv, wh, wd, invG, shift, diagM, diagS);
    }
    // Row i right of the band is +inf.
    for (let j = hi + 1; j <= M; j++) {
      st[2 * j] = INF;
      st[2 * j + 1] = 1;
    }
  }
  return st[2 * M]! - gamma * Math.log(st[2 * M + 1]!);
}

/**
 * Cells (i, lo..hi) of one row of {@link softDtwForward} in JavaScript; wasm-row.ts has the same
 * loop in WebAssembly. `k`: index of the weights of (i, lo) in q; `st` holds the (m, s) row i-1
 * on entry and row i on exit (columns lo..hi); `crow[j-1]` = C(i, j); (diagM, diagS) = (m, s) of
 * cell (i-1, lo-1).
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
): void {
  const EF = EXP_FRAC;
  const EI = EXP_INT;
  const INF = Number.POSITIVE_INFINITY;
  let diagM = diagM0;
  let diagS = diagS0;
  let leftM = INF;
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
      const t = p;
      p = a;
      a = t;
      const u = sp;
      sp = sa;
      sa = u;
      ip = 1;
      ia = 0;
    }
    if (b < p) {
      const t = p;
      p = b;
      b = t;
      const u = sp;
      sp = sb;
      sb = u;
      const v = ip;
      ip = ib;
      ib = v;
    }
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
      if (sum >= 8) {
        leftM = p - shift;
        leftS = sum * 0.125;
      } else {
        leftM = p;
        leftS = sum;
      }
    }
    st[2 * j] = leftM;
    st[2 * j + 1] = leftS;
  }
}

/**
 * Algorithm 2 on the weights stored by {@link softDtwForward}: emits the rows of E from the last
 * to the first. Uses a virtual cell (N+1, M+1) with G = 1 and q_d = 1 so that every cell follows
 * the same three-term rule; cells outside the band have G = 0, so stale weights there never
 * contribute (they are finite: see Workspace.ensure). Rows run in the WebAssembly `backRow` of
 * wasm-row.ts when the workspace has the kernel (the same operations in the same order).
 */
export function softDtwBackward(
  N: number,
  M: number,
  band: BandLimits,
  steps: Steps,
  ws: Workspace,
  emit: AlignmentRows,
): void {
  const { wv, wh, wd, unit } = steps;
  const q = ws.q;
  const kernel = ws.kernel;
  const rows = ws.backwardRows();
  const e = rows.e;
  const W = M + 1;
  let next = rows.next;
  let cur = rows.cur;
  next.fill(0, 0, M + 2);
  next[M + 1] = 1;
  q[3 * (N * W + M) + 2] = 1;
  for (let i = N; i >= 1; i--) {
    cur.fill(0, 0, M + 2);
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    if (kernel !== null) {
      // The same loop in WebAssembly (wasm-row.ts); addresses in bytes.
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
