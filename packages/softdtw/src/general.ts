/**
 * The recursion for any step set (steps.ts): the forward pass (Algorithm 1 of Cuturi & Blondel,
 * ICML 2017, over the steps of the set), the backward pass (their Algorithm 2) and the value alone.
 * The classic set runs the row kernels of recursion.ts instead; this file serves every other set,
 * CTC's among them (ctc.ts). Its rows run in the WebAssembly `grow` and `gback` of
 * wasm/softdtw.wat when available, else in {@link growJs} and {@link gbackJs}, which compute the
 * same operations in the same order on the same memory layout (test/general-row.test.ts).
 *
 * With K steps (di_k, dj_k, w_k), 1-based cells and the grid's borders (grid.ts):
 *
 *   s_k(i, j) = D(i - di_k, j - dj_k) + w_k C(i, j) + pen_k(j)   (+inf outside the grid, the band,
 *                                                                or where a mask keeps step k out)
 *   D(i, j)   = min^gamma_k s_k = P - gamma log sum_k exp(-(s_k - P) / gamma),  P = min_k s_k
 *   q_k(i, j) = exp(-(s_k - D(i, j)) / gamma)        (the soft-min weights, stored)
 *
 *   G(i, j) = eps(i, j) + sum_k q_k(i + di_k, j + dj_k) G(i + di_k, j + dj_k)
 *   E(i, j) = dV / dC(i, j) = G(i, j) sum_k w_k q_k(i, j)
 *
 * with eps the soft-min weights of the end cells in the value V = min^gamma over the end cells of
 * D + offset (ends.ts). D is kept as (m, s) pairs, D = m - gamma log s with 1 <= s < 8, as in
 * recursion.ts: with at most 8 steps the sum is below 64, so one rescaling by 8 restores s < 8.
 *
 * Memory (float64 words, in the kernel's own WebAssembly memory or a plain buffer): a ring of
 * max di + 1 rows of (m, s) pairs, padded on the left with max dj pairs of (+inf, 1) so that no
 * predecessor needs a bounds test (a row of +inf stands for the rows above row 0); a ring of G rows
 * padded with zeros on the right; one penalty row per masked step; the weights, K (N+1)(M+1).
 */
import type { BandLimits } from './band.js';
import * as fastMath from './fast-math.js';
import type { Grid } from './grid.js';
import type { Steps } from './options.js';
import type { AlignmentRows, CostRows } from './recursion.js';
import { createRowKernel, type RowKernel, WASM_DATA_START } from './wasm/kernel.js';

const INF = Number.POSITIVE_INFINITY;
const LN8 = 3 * Math.LN2;
// Module-level copies of fast-math's constants (see recursion.ts for why).
const EXP_FRAC = fastMath.EXP_FRAC;
const EXP_INT = fastMath.EXP_INT;
const INV_STEP = fastMath.INV_STEP;
const STEP_HI = fastMath.STEP_HI;
const STEP_LO = fastMath.STEP_LO;

/** Bytes of one step entry of the row tables. */
const ENTRY = 24;

/**
 * The buffers of the general kernels: one layout, in the WebAssembly memory of a kernel instance
 * of its own (so that it never shares memory with the classic kernels' weight store) or, without
 * WebAssembly, in a plain buffer with the weights in an array of their own.
 */
export class GeneralSpace {
  kernel: RowKernel | null;
  /** The whole buffer as float64 and int32 (byte address a is f64[a / 8], i32[a / 4]). */
  f64 = new Float64Array(0);
  i32 = new Int32Array(0);
  /** The weights: a view of the kernel memory (at byte `qByte`), or an array of their own. */
  q = new Float64Array(0);
  qByte = 0;
  /** Byte addresses of the regions (see ensure). */
  tabF = 0;
  tabB = 0;
  zero = 0;
  infRow = 0;
  ring = 0;
  gring = 0;
  cost = 0;
  e = 0;
  pen = 0;
  endRow = 0;
  /** Pairs per ring row (padding + columns 0..M) and words per G row. */
  rowPairs = 0;
  gw = 0;
  private shape = '';

  constructor(
    useWasm: boolean,
    private readonly maxKernelBytes: number,
  ) {
    this.kernel = useWasm ? createRowKernel() : null;
  }

  /**
   * Lays out an N x M problem with K steps, R ring rows and P = max dj of padding; `store`: the
   * weights of every cell (else one row of them).
   */
  ensure(N: number, M: number, K: number, R: number, P: number, store: boolean): void {
    const shape = `${N},${M},${K},${R},${P},${store}`;
    if (shape === this.shape) return;
    const rowPairs = P + M + 1;
    const gw = M + 1 + P;
    let at = WASM_DATA_START;
    const take = (words: number): number => {
      const here = at;
      at += 8 * words;
      return here;
    };
    this.tabF = take((8 * ENTRY) / 8);
    this.tabB = take((8 * ENTRY) / 8);
    this.zero = take(Math.max(gw, M + 2));
    this.infRow = take(2 * rowPairs);
    this.ring = take(2 * rowPairs * R);
    this.gring = take(gw * R);
    this.cost = take(M + 1);
    this.e = take(M + 1);
    this.pen = take(K * (M + 1));
    this.endRow = take(M + 2);
    const qWords = store ? K * (N + 1) * (M + 1) : K * (M + 1);
    const bytes = at + 8 * qWords;
    if (this.kernel !== null && !this.grow(bytes)) this.kernel = null;
    if (this.kernel !== null) {
      const buffer = this.kernel.memory.buffer;
      this.f64 = new Float64Array(buffer);
      this.i32 = new Int32Array(buffer);
      this.qByte = at;
      this.q = new Float64Array(buffer, at, qWords);
    } else {
      if (this.f64.length < at / 8) {
        const buffer = new ArrayBuffer(at);
        this.f64 = new Float64Array(buffer);
        this.i32 = new Int32Array(buffer);
      }
      this.qByte = 0;
      if (this.q.length < qWords || this.q.buffer === this.f64.buffer)
        this.q = new Float64Array(qWords);
    }
    this.rowPairs = rowPairs;
    this.gw = gw;
    // Constant regions: zeros, a row of (+inf, 1), and the left padding of every ring row.
    const f = this.f64;
    f.fill(0, this.zero / 8, this.zero / 8 + Math.max(gw, M + 2));
    for (let k = 0; k < rowPairs; k++) {
      f[this.infRow / 8 + 2 * k] = INF;
      f[this.infRow / 8 + 2 * k + 1] = 1;
    }
    for (let r = 0; r < R; r++) {
      const base = this.ring / 8 + 2 * rowPairs * r;
      for (let k = 0; k < P; k++) {
        f[base + 2 * k] = INF;
        f[base + 2 * k + 1] = 1;
      }
    }
    this.shape = shape;
  }

  /** Byte address of column 0 of ring row `slot`. */
  ringRow(slot: number, P: number): number {
    return this.ring + 16 * (this.rowPairs * slot + P);
  }

  private grow(bytes: number): boolean {
    const memory = this.kernel!.memory;
    if (memory.buffer.byteLength >= bytes) return true;
    if (bytes > this.maxKernelBytes) return false;
    try {
      memory.grow(Math.ceil((bytes - memory.buffer.byteLength) / 65536));
      return true;
    } catch {
      return false;
    }
  }

  /** Float64 words held (for memory accounting). */
  words(): number {
    return this.kernel === null ? this.f64.length + this.q.length : this.f64.length;
  }
}

/** What the drivers need from the workspace: the general space and the ends' buffers. */
export interface GeneralWorkspace {
  general(): GeneralSpace;
  lastRow: Float64Array;
  colEnd: Float64Array;
  endRowW: Float64Array;
  endColW: Float64Array;
  ensureEnds(N: number, M: number): void;
}

/**
 * The forward pass of a general step set; stores the soft-min weights of every cell when `store`
 * (else only the value is computed). Leaves the end cells' values in the workspace for ends.ts
 * (`lastRow`: D(N, j); `colEnd`: D(i, M)).
 */
export function generalForward(
  N: number,
  M: number,
  rows: CostRows,
  band: BandLimits,
  steps: Steps,
  grid: Grid,
  ws: GeneralWorkspace,
  store: boolean,
): void {
  const K = steps.di.length;
  const R = steps.maxDi + 1;
  const P = steps.maxDj;
  const W = M + 1;
  const sp = ws.general();
  sp.ensure(N, M, K, R, P, store);
  ws.ensureEnds(N, M);
  const f = sp.f64;
  const kernel = sp.kernel;
  const gamma = steps.gamma;
  const invG = 1 / gamma;
  const shift = gamma * LN8;
  // Penalty rows of masked steps (0 where the step may enter, +inf elsewhere); the zero row else.
  const penAt: number[] = [];
  for (let k = 0; k < K; k++) {
    const mask = grid.masks === null ? null : grid.masks[k]!;
    if (mask === null) {
      penAt.push(sp.zero);
      continue;
    }
    const at = sp.pen + 8 * k * W;
    for (let j = 0; j <= M; j++) f[at / 8 + j] = mask[j] === 1 ? 0 : INF;
    penAt.push(at);
  }
  // Row 0: the grid's start row.
  const row0 = sp.ringRow(0, P) / 8;
  for (let j = 0; j <= M; j++) {
    f[row0 + 2 * j] = grid.startRow === null ? (j === 0 ? 0 : INF) : grid.startRow[j]!;
    f[row0 + 2 * j + 1] = 1;
  }
  const cost = new Float64Array(f.buffer, sp.cost, M);
  const colEnd = ws.colEnd;
  const tab = sp.tabF;
  for (let i = 1; i <= N; i++) {
    const st = sp.ringRow(i % R, P);
    const s0 = st / 8;
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    f[s0] = grid.startCol === null ? INF : grid.startCol[i]!;
    f[s0 + 1] = 1;
    for (let j = 1; j < Math.min(lo, M + 1); j++) {
      f[s0 + 2 * j] = INF;
      f[s0 + 2 * j + 1] = 1;
    }
    for (let j = Math.max(hi + 1, 1); j <= M; j++) {
      f[s0 + 2 * j] = INF;
      f[s0 + 2 * j + 1] = 1;
    }
    for (let k = 0; k < K; k++) {
      const e = tab + ENTRY * k;
      const pi = i - steps.di[k]!;
      sp.i32[e / 4] = pi < 0 ? sp.infRow + 16 * P : sp.ringRow(pi % R, P);
      sp.i32[e / 4 + 1] = 16 * steps.dj[k]!;
      sp.i32[e / 4 + 2] = penAt[k]!;
      f[(e + 16) / 8] = steps.w[k]!;
    }
    if (lo <= hi) {
      rows(i - 1, cost, lo - 1, hi - 1);
      const qCell = store ? K * ((i - 1) * W + lo - 1) : K * (lo - 1);
      if (kernel !== null) {
        kernel.grow(lo, hi, K, tab, sp.qByte + 8 * qCell, st, sp.cost - 8, invG, shift);
      } else {
        growJs(f, sp.i32, sp.q, lo, hi, K, tab, qCell, s0, sp.cost / 8 - 1, invG, shift);
      }
    }
    if (grid.endCol !== null) colEnd[i] = dOf(f[s0 + 2 * M]!, f[s0 + 2 * M + 1]!, gamma);
  }
  const last = ws.lastRow;
  const sN = sp.ringRow(N % R, P) / 8;
  for (let j = 0; j <= M; j++) last[j] = dOf(f[sN + 2 * j]!, f[sN + 2 * j + 1]!, gamma);
}

/** D = m - gamma log s of an (m, s) pair (+inf stays +inf). */
function dOf(m: number, s: number, gamma: number): number {
  return m === INF ? m : m - gamma * Math.log(s);
}

/**
 * Cells (i, lo..hi) of one row of the forward pass in JavaScript, the twin of `grow` in
 * wasm/softdtw.wat: the same operations in the same order. `tab`: byte address of the step
 * entries in `f` / `i32`; `qk`: index of the weights of (i, lo) in `q`; `s0`: index of column 0 of
 * row i in `f`; `c0`: index of the cost row minus 1.
 */
export function growJs(
  f: Float64Array,
  i32: Int32Array,
  q: Float64Array,
  lo: number,
  hi: number,
  K: number,
  tab: number,
  qk0: number,
  s0: number,
  c0: number,
  invG: number,
  shift: number,
): void {
  const EF = EXP_FRAC;
  const EI = EXP_INT;
  for (let j = lo, qk = qk0; j <= hi; j++, qk += K) {
    const cc = f[c0 + j]!;
    const oa = s0 + 2 * j;
    let P = INF;
    for (let k = 0, e = tab; k < K; k++, e += ENTRY) {
      const pa = (i32[e / 4]! + 16 * j - i32[e / 4 + 1]!) / 8;
      const m = f[pa]! + f[(e + 16) / 8]! * cc + f[i32[e / 4 + 2]! / 8 + j]!;
      q[qk + k] = m;
      if (m < P) P = m;
    }
    if (P === INF) {
      for (let k = 0; k < K; k++) q[qk + k] = 0;
      f[oa] = INF;
      f[oa + 1] = 1;
      continue;
    }
    let S = 0;
    for (let k = 0, e = tab; k < K; k++, e += ENTRY) {
      const pa = (i32[e / 4]! + 16 * j - i32[e / 4 + 1]!) / 8;
      const m = q[qk + k]!;
      let t: number;
      if (m === P) {
        t = f[pa + 1]!;
      } else if (m === INF) {
        t = 0;
      } else {
        // expNegClamped of fast-math.ts, inlined as in recursion.ts.
        const v = Math.max((P - m) * invG, -745);
        const kk = Math.floor(v * INV_STEP + 0.5);
        const r = v - kk * STEP_HI - kk * STEP_LO;
        const p = 1 + r * (1 + r * (0.5 + r * (0.16666666666666666 + r * 0.041666666666666664)));
        const ki = kk | 0;
        t = EI[(ki >> 8) + 1075]! * (EF[ki & 255]! * p) * f[pa + 1]!;
      }
      q[qk + k] = t;
      S += t;
    }
    const inv = 1 / S;
    for (let k = 0; k < K; k++) q[qk + k] = q[qk + k]! * inv;
    if (S >= 8) {
      f[oa] = P - shift;
      f[oa + 1] = S * 0.125;
    } else {
      f[oa] = P;
      f[oa + 1] = S;
    }
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
  ws: GeneralWorkspace,
  emit: AlignmentRows,
): void {
  const K = steps.di.length;
  const R = steps.maxDi + 1;
  const W = M + 1;
  const sp = ws.general();
  const f = sp.f64;
  const kernel = sp.kernel;
  const gw = sp.gw;
  f.set(ws.endRowW.subarray(0, M + 1), sp.endRow / 8);
  const endCol = grid.endCol === null ? null : ws.endColW;
  const eRow = new Float64Array(f.buffer, sp.e, M);
  const tab = sp.tabB;
  const unit = steps.unit ? 1 : 0;
  for (let i = N; i >= 1; i--) {
    const cur = sp.gring + 8 * gw * (i % R);
    f.fill(0, cur / 8, cur / 8 + gw);
    for (let k = 0; k < K; k++) {
      const e = tab + ENTRY * k;
      const si = i + steps.di[k]!;
      sp.i32[e / 4] = si > N ? sp.zero : sp.gring + 8 * gw * (si % R);
      sp.i32[e / 4 + 1] = 8 * steps.dj[k]!;
      sp.i32[e / 4 + 2] = si > N ? 0 : sp.qByte + 8 * (K * ((si - 1) * W + steps.dj[k]! - 1) + k);
      f[(e + 16) / 8] = steps.w[k]!;
    }
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    if (lo > hi) continue;
    const end = i === N ? sp.endRow : sp.zero;
    const endM = endCol !== null && i < N ? endCol[i]! : 0;
    const qi = K * ((i - 1) * W + hi - 1);
    if (kernel !== null) {
      kernel.gback(lo, hi, K, tab, sp.qByte + 8 * qi, cur, end, endM, M, sp.e - 8, unit);
    } else {
      gbackJs(f, sp.i32, sp.q, lo, hi, K, tab, qi, cur / 8, end / 8, endM, M, sp.e / 8 - 1, unit);
    }
    emit(i - 1, eRow, lo - 1, hi - 1);
  }
}

/**
 * One row of the backward pass in JavaScript, the twin of `gback` in wasm/softdtw.wat (same
 * operations, same order). Indices: `qi` of the weights of (i, hi) in `q`; `g0`, `end0` of
 * column 0 of the G row and the end row in `f`; `e0` of the E row minus 1.
 */
export function gbackJs(
  f: Float64Array,
  i32: Int32Array,
  q: Float64Array,
  lo: number,
  hi: number,
  K: number,
  tab: number,
  qi0: number,
  g0: number,
  end0: number,
  endM: number,
  M: number,
  e0: number,
  unit: number,
): void {
  for (let j = hi, qi = qi0; j >= lo; j--, qi -= K) {
    let g = f[end0 + j]!;
    if (j === M) g = g + endM;
    for (let k = 0, e = tab; k < K; k++, e += ENTRY) {
      const gs = f[(i32[e / 4]! + 8 * j + i32[e / 4 + 1]!) / 8]!;
      if (gs !== 0) g = g + q[(i32[e / 4 + 2]! + 8 * K * j) / 8]! * gs;
    }
    f[g0 + j] = g;
    if (unit === 0) {
      let wq = 0;
      for (let k = 0, e = tab; k < K; k++, e += ENTRY) wq = wq + f[(e + 16) / 8]! * q[qi + k]!;
      g = g * wq;
    }
    f[e0 + j] = g;
  }
}
