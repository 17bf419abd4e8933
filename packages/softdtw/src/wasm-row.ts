/**
 * The row loops of soft-DTW as a small WebAssembly module, assembled here at load time from the
 * instruction lists below (no toolchain, no binary in the repository):
 *
 * - `row`: one row of the forward pass (Algorithm 1 with the soft-min weights), as
 *   forwardRowJs in recursion.ts;
 * - `backRow`: one row of the backward pass (Algorithm 2 on the weights), as softDtwBackward;
 * - `sqRow`, `vjpSums`: the squared Euclidean cost row and the sums of its VJP row, as the
 *   sqeuclidean plan of costs.ts (f64x2 SIMD, each lane summing in the same order);
 * - `forwardSq`, `backwardSq`: a whole pair without a band, calling the row functions row by row
 *   (one call from JavaScript per pass instead of one per row).
 *
 * Same operations in the same order as the JavaScript loops, so the results are bit for bit the
 * same (test/wasm-row.test.ts compares them): IEEE-754 double arithmetic, and f64.floor, f64.max
 * and truncation agree with Math.floor, Math.max and `| 0` on the values met here. What it saves
 * is V8's per-access typed-array checks and spills (the JavaScript forward loop runs about 230
 * machine instructions per cell) and, for the SIMD functions, half of the arithmetic instructions.
 *
 * Memory layout (bytes): EXP_INT (1100 float64) at 0, EXP_FRAC (256 float64) at 8800; the caller
 * (Workspace in recursion.ts) places its rows, staged sequences and the weight store above
 * {@link WASM_DATA_START}.
 */
import * as fastMath from './fast-math.js';

/** First free byte after the exp tables (8-byte aligned). */
export const WASM_DATA_START = 8 * (1100 + 256);

/** The module's exports. */
export interface RowKernel {
  /**
   * Cells (i, lo..hi) of one row. `q`: byte address of the weights of cell (i, lo); `st`: byte
   * address of the (m, s) row (column j at st + 16 j; holds row i-1 on entry, row i on exit for
   * columns lo..hi); `c`: byte address of the cost row minus 8 (column j at c + 8 j); `diagM`,
   * `diagS`: (m, s) of cell (i-1, lo-1).
   */
  row(
    lo: number,
    hi: number,
    q: number,
    st: number,
    c: number,
    wv: number,
    wh: number,
    wd: number,
    invG: number,
    shift: number,
    diagM: number,
    diagS: number,
  ): void;
  /**
   * Squared Euclidean cost row C(i, j) = sum_d (x_i[d] - y_j[d])^2 for 0-based columns lo..hi:
   * `x`: byte address of x_i (D float64); `yT`: byte address of y transposed ([D, M], y_j[d] at
   * yT + 8 (d M + j)); `out`: byte address of column 0 of the row. Two columns per SIMD lane
   * pair, four per step; each lane sums over d in order, as the JavaScript row of costs.ts.
   */
  sqRow(x: number, yT: number, M: number, D: number, out: number, lo: number, hi: number): void;
  /**
   * One row of Algorithm 2 on the stored weights, as softDtwBackward's JavaScript loop, columns
   * hi down to lo: `q`, `qn`: byte addresses of the weights of cells (i, hi) and (i+1, hi);
   * `next`, `cur`: G of rows i+1 and i (column j at + 8 j); `e`: E(i, j) goes to e + 8 j.
   */
  backRow(
    lo: number,
    hi: number,
    q: number,
    qn: number,
    next: number,
    cur: number,
    e: number,
    unit: number,
    wv: number,
    wh: number,
    wd: number,
  ): void;
  /**
   * The sums of the squared Euclidean VJP of one row of E (costs.ts): out[0] = r = sum_j e_j,
   * out[1 + d] = sum_j e_j y_j[d] for 0-based columns lo..hi, each summed over j in order (two
   * features per SIMD lane pair). `e`: byte address of e[0]; `y`: of y [M, D] row-major.
   */
  vjpSums(e: number, y: number, D: number, lo: number, hi: number, out: number): void;
  /**
   * The forward pass of one pair without a band, squared Euclidean cost (sqRow, then row, for
   * each row i). `x`, `yT` staged as for sqRow; `q`: weights of (1, 1); `st`: (m, s) row (row 0
   * on entry, row N on exit); `c`: a cost row.
   */
  forwardSq(
    N: number,
    M: number,
    D: number,
    x: number,
    yT: number,
    q: number,
    st: number,
    c: number,
    wv: number,
    wh: number,
    wd: number,
    invG: number,
    shift: number,
  ): void;
  /**
   * The backward pass of one pair without a band with the squared Euclidean VJP w.r.t. x (for
   * each row from N down: backRow, vjpSums, gx_i += 2 (r x_i - sums)). `next` holds G of the
   * virtual row N + 1 on entry; `gx`: [N, D] accumulated; `sums`: D + 1 scratch.
   */
  backwardSq(
    N: number,
    M: number,
    D: number,
    q: number,
    next: number,
    cur: number,
    e: number,
    y: number,
    x: number,
    gx: number,
    sums: number,
    unit: number,
    wv: number,
    wh: number,
    wd: number,
  ): void;
  memory: WebAssembly.Memory;
}

// --- a minimal assembler: opcodes, LEB128 immediates, sections -------------------------------

const I32 = 0x7f;
const F64 = 0x7c;

function uleb(n: number): number[] {
  const out: number[] = [];
  do {
    let b = n & 0x7f;
    n >>>= 7;
    if (n !== 0) b |= 0x80;
    out.push(b);
  } while (n !== 0);
  return out;
}

function sleb(n: number): number[] {
  const out: number[] = [];
  for (;;) {
    const b = n & 0x7f;
    n >>= 7;
    if ((n === 0 && (b & 0x40) === 0) || (n === -1 && (b & 0x40) !== 0)) {
      out.push(b);
      return out;
    }
    out.push(b | 0x80);
  }
}

function f64bytes(v: number): number[] {
  return Array.from(new Uint8Array(new Float64Array([v]).buffer));
}

const get = (i: number) => [0x20, ...uleb(i)];
const set = (i: number) => [0x21, ...uleb(i)];
const i32c = (v: number) => [0x41, ...sleb(v)];
const f64c = (v: number) => [0x44, ...f64bytes(v)];
const load = (offset: number) => [0x2b, 3, ...uleb(offset)]; // f64.load align=8
const store = (offset: number) => [0x39, 3, ...uleb(offset)]; // f64.store align=8
const f64 = { add: 0xa0, sub: 0xa1, mul: 0xa2, div: 0xa3, max: 0xa5, floor: 0x9c };
const f64lt = 0x63;
const f64eq = 0x61;
const f64ge = 0x66;
const i32 = { add: 0x6a, mul: 0x6c, and: 0x71, shl: 0x74, shrS: 0x75, gtS: 0x4a, ltS: 0x48 };
const truncF64S = 0xaa;
const simd = (op: number) => [0xfd, ...uleb(op)];
const v128load = (offset: number) => [...simd(0), 3, ...uleb(offset)];
const v128store = (offset: number) => [...simd(11), 3, ...uleb(offset)];
const f64x2 = { splat: simd(20), add: simd(240), sub: simd(241), mul: simd(242) };
const V128 = 0x7b;
const IF = [0x04, 0x40];
const ELSE = 0x05;
const END = 0x0b;

function section(id: number, body: number[]): number[] {
  return [id, ...uleb(body.length), ...body];
}

function name(s: string): number[] {
  return [...uleb(s.length), ...Array.from(s, (ch) => ch.charCodeAt(0))];
}

// --- the row kernel ---------------------------------------------------------------------------

// Parameters.
const LO = 0;
const HI = 1;
const Q = 2;
const ST = 3;
const C = 4;
const WV = 5;
const WH = 6;
const WD = 7;
const INVG = 8;
const SHIFT = 9;
const DIAGM = 10;
const DIAGS = 11;
// i32 locals.
const J = 12;
const IP = 13;
const IA = 14;
const IB = 15;
const KI = 16;
const TI = 17;
const N_I32 = 6;
// f64 locals.
const LEFTM = 18;
const LEFTS = 19;
const CC = 20;
const UPM = 21;
const UPS = 22;
const P = 23;
const SP = 24;
const A = 25;
const SA = 26;
const B = 27;
const SB = 28;
const T = 29;
const V = 30;
const KK = 31;
const R = 32;
const TA = 33;
const TB = 34;
const SUM = 35;
const INV = 36;
const N_F64 = 19;

/** t = exp(max((p - x) / gamma, -745)) * s (expNegClamped of fast-math.ts, same operation order). */
function expTimes(x: number, s: number, t: number): number[] {
  return [
    // v = max((p - x) * invG, -745)
    ...get(P),
    ...get(x),
    f64.sub,
    ...get(INVG),
    f64.mul,
    ...f64c(-745),
    f64.max,
    ...set(V),
    // kk = floor(v * INV_STEP + 0.5)
    ...get(V),
    ...f64c(fastMath.INV_STEP),
    f64.mul,
    ...f64c(0.5),
    f64.add,
    f64.floor,
    ...set(KK),
    // r = v - kk * STEP_HI - kk * STEP_LO
    ...get(V),
    ...get(KK),
    ...f64c(fastMath.STEP_HI),
    f64.mul,
    f64.sub,
    ...get(KK),
    ...f64c(fastMath.STEP_LO),
    f64.mul,
    f64.sub,
    ...set(R),
    // ki = kk | 0
    ...get(KK),
    truncF64S,
    ...set(KI),
    // t = EXP_INT[(ki >> 8) + 1075] * (EXP_FRAC[ki & 255] * poly(r)) * s
    ...get(KI),
    ...i32c(8),
    i32.shrS,
    ...i32c(1075),
    i32.add,
    ...i32c(3),
    i32.shl,
    ...load(0),
    ...get(KI),
    ...i32c(255),
    i32.and,
    ...i32c(3),
    i32.shl,
    ...load(8800),
    // poly = 1 + r * (1 + r * (0.5 + r * (1/6 + r * (1/24))))
    ...f64c(1),
    ...get(R),
    ...f64c(1),
    ...get(R),
    ...f64c(0.5),
    ...get(R),
    ...f64c(0.16666666666666666),
    ...get(R),
    ...f64c(0.041666666666666664),
    f64.mul,
    f64.add,
    f64.mul,
    f64.add,
    f64.mul,
    f64.add,
    f64.mul,
    f64.add,
    // EXP_FRAC[.] * poly, then EXP_INT[.] * that, then * s
    f64.mul,
    f64.mul,
    ...get(s),
    f64.mul,
    ...set(t),
  ];
}

/** Swaps the f64 locals x and y through T. */
const swap = (x: number, y: number) => [
  ...get(x),
  ...set(T),
  ...get(y),
  ...set(x),
  ...get(T),
  ...set(y),
];

/** The address q + 8 idx (idx an i32 local), pushed before the value of an f64.store. */
const qAddr = (idx: number) => [...get(Q), ...get(idx), ...i32c(3), i32.shl, i32.add];

const rowBody: number[] = [
  // leftM = +inf, leftS = 1; j = lo
  ...f64c(Number.POSITIVE_INFINITY),
  ...set(LEFTM),
  ...f64c(1),
  ...set(LEFTS),
  ...get(LO),
  ...set(J),
  0x02,
  0x40, // block
  0x03,
  0x40, // loop
  // if (j > hi) break
  ...get(J),
  ...get(HI),
  i32.gtS,
  0x0d,
  1, // br_if 1
  // c = C(i, j); (upM, upS) = (m, s)(i-1, j)
  ...get(C),
  ...get(J),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...load(0),
  ...set(CC),
  ...get(ST),
  ...get(J),
  ...i32c(4),
  i32.shl,
  i32.add,
  ...set(TI),
  ...get(TI),
  ...load(0),
  ...set(UPM),
  ...get(TI),
  ...load(8),
  ...set(UPS),
  // p = upM + wv c (vertical, 0); a = leftM + wh c (horizontal, 1); b = diagM + wd c (diagonal, 2)
  ...get(UPM),
  ...get(WV),
  ...get(CC),
  f64.mul,
  f64.add,
  ...set(P),
  ...get(UPS),
  ...set(SP),
  ...i32c(0),
  ...set(IP),
  ...get(LEFTM),
  ...get(WH),
  ...get(CC),
  f64.mul,
  f64.add,
  ...set(A),
  ...get(LEFTS),
  ...set(SA),
  ...i32c(1),
  ...set(IA),
  ...get(DIAGM),
  ...get(WD),
  ...get(CC),
  f64.mul,
  f64.add,
  ...set(B),
  ...get(DIAGS),
  ...set(SB),
  ...i32c(2),
  ...set(IB),
  ...get(UPM),
  ...set(DIAGM),
  ...get(UPS),
  ...set(DIAGS),
  // if (a < p) swap (p, a), (sp, sa); ip = 1; ia = 0
  ...get(A),
  ...get(P),
  f64lt,
  ...IF,
  ...swap(P, A),
  ...swap(SP, SA),
  ...i32c(1),
  ...set(IP),
  ...i32c(0),
  ...set(IA),
  END,
  // if (b < p) swap (p, b), (sp, sb), (ip, ib)
  ...get(B),
  ...get(P),
  f64lt,
  ...IF,
  ...swap(P, B),
  ...swap(SP, SB),
  ...get(IP),
  ...set(KI),
  ...get(IB),
  ...set(IP),
  ...get(KI),
  ...set(IB),
  END,
  // if (p === +inf): unreachable cell, zero weights, (m, s) = (+inf, 1)
  ...get(P),
  ...f64c(Number.POSITIVE_INFINITY),
  f64eq,
  ...IF,
  ...get(Q),
  ...f64c(0),
  ...store(0),
  ...get(Q),
  ...f64c(0),
  ...store(8),
  ...get(Q),
  ...f64c(0),
  ...store(16),
  ...f64c(Number.POSITIVE_INFINITY),
  ...set(LEFTM),
  ...f64c(1),
  ...set(LEFTS),
  ELSE,
  ...expTimes(A, SA, TA),
  ...expTimes(B, SB, TB),
  // sum = sp + ta + tb; inv = 1 / sum; q[ip] = sp inv, q[ia] = ta inv, q[ib] = tb inv
  ...get(SP),
  ...get(TA),
  f64.add,
  ...get(TB),
  f64.add,
  ...set(SUM),
  ...f64c(1),
  ...get(SUM),
  f64.div,
  ...set(INV),
  ...qAddr(IP),
  ...get(SP),
  ...get(INV),
  f64.mul,
  ...store(0),
  ...qAddr(IA),
  ...get(TA),
  ...get(INV),
  f64.mul,
  ...store(0),
  ...qAddr(IB),
  ...get(TB),
  ...get(INV),
  f64.mul,
  ...store(0),
  // rescale: S >= 8 -> (P - gamma ln 8, S / 8)
  ...get(SUM),
  ...f64c(8),
  f64ge,
  ...IF,
  ...get(P),
  ...get(SHIFT),
  f64.sub,
  ...set(LEFTM),
  ...get(SUM),
  ...f64c(0.125),
  f64.mul,
  ...set(LEFTS),
  ELSE,
  ...get(P),
  ...set(LEFTM),
  ...get(SUM),
  ...set(LEFTS),
  END,
  END,
  // (m, s)(i, j) = (leftM, leftS)
  ...get(TI),
  ...get(LEFTM),
  ...store(0),
  ...get(TI),
  ...get(LEFTS),
  ...store(8),
  // j++, q += 24; continue
  ...get(J),
  ...i32c(1),
  i32.add,
  ...set(J),
  ...get(Q),
  ...i32c(24),
  i32.add,
  ...set(Q),
  0x0c,
  0, // br 0
  END, // loop
  END, // block
  END, // function
];

// --- the squared Euclidean cost row -----------------------------------------------------------

// Parameters.
const SX = 0;
const SYT = 1;
const SM = 2;
const SD = 3;
const SOUT = 4;
const SLO = 5;
const SHI = 6;
// i32 locals.
const SJ = 7;
const SPX = 8;
const SPY = 9;
const SDD = 10;
const SN_I32 = 4;
// f64 locals.
const SS = 11;
const ST_ = 12;
const SN_F64 = 2;
// v128 locals.
const SACC0 = 13;
const SACC1 = 14;
const SXV = 15;
const ST0 = 16;
const SN_V128 = 4;

const sqRowBody: number[] = [
  ...get(SLO),
  ...set(SJ),
  // Four columns at a time: lanes (j, j+1) and (j+2, j+3).
  0x02,
  0x40,
  0x03,
  0x40,
  // while (j + 3 <= hi)
  ...get(SJ),
  ...i32c(3),
  i32.add,
  ...get(SHI),
  i32.gtS,
  0x0d,
  1,
  ...f64c(0),
  ...f64x2.splat,
  ...set(SACC0),
  ...f64c(0),
  ...f64x2.splat,
  ...set(SACC1),
  ...get(SX),
  ...set(SPX),
  ...get(SYT),
  ...get(SJ),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(SPY),
  ...get(SD),
  ...set(SDD),
  0x02,
  0x40,
  0x03,
  0x40,
  // for d: xv = splat(x_i[d]); acc += (xv - yT[d, j..j+1])^2, (xv - yT[d, j+2..j+3])^2
  ...get(SDD),
  0x45, // i32.eqz
  0x0d,
  1,
  ...get(SPX),
  ...load(0),
  ...f64x2.splat,
  ...set(SXV),
  ...get(SXV),
  ...get(SPY),
  ...v128load(0),
  ...f64x2.sub,
  ...set(ST0),
  ...get(SACC0),
  ...get(ST0),
  ...get(ST0),
  ...f64x2.mul,
  ...f64x2.add,
  ...set(SACC0),
  ...get(SXV),
  ...get(SPY),
  ...v128load(16),
  ...f64x2.sub,
  ...set(ST0),
  ...get(SACC1),
  ...get(ST0),
  ...get(ST0),
  ...f64x2.mul,
  ...f64x2.add,
  ...set(SACC1),
  ...get(SPX),
  ...i32c(8),
  i32.add,
  ...set(SPX),
  ...get(SPY),
  ...get(SM),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(SPY),
  ...get(SDD),
  ...i32c(-1),
  i32.add,
  ...set(SDD),
  0x0c,
  0,
  END,
  END,
  // out[j..j+3] = sums
  ...get(SOUT),
  ...get(SJ),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(SPY),
  ...get(SPY),
  ...get(SACC0),
  ...v128store(0),
  ...get(SPY),
  ...get(SACC1),
  ...v128store(16),
  ...get(SJ),
  ...i32c(4),
  i32.add,
  ...set(SJ),
  0x0c,
  0,
  END,
  END,
  // Remaining columns one at a time.
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(SJ),
  ...get(SHI),
  i32.gtS,
  0x0d,
  1,
  ...f64c(0),
  ...set(SS),
  ...get(SX),
  ...set(SPX),
  ...get(SYT),
  ...get(SJ),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(SPY),
  ...get(SD),
  ...set(SDD),
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(SDD),
  0x45,
  0x0d,
  1,
  ...get(SPX),
  ...load(0),
  ...get(SPY),
  ...load(0),
  f64.sub,
  ...set(ST_),
  ...get(SS),
  ...get(ST_),
  ...get(ST_),
  f64.mul,
  f64.add,
  ...set(SS),
  ...get(SPX),
  ...i32c(8),
  i32.add,
  ...set(SPX),
  ...get(SPY),
  ...get(SM),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(SPY),
  ...get(SDD),
  ...i32c(-1),
  i32.add,
  ...set(SDD),
  0x0c,
  0,
  END,
  END,
  ...get(SOUT),
  ...get(SJ),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...get(SS),
  ...store(0),
  ...get(SJ),
  ...i32c(1),
  i32.add,
  ...set(SJ),
  0x0c,
  0,
  END,
  END,
  END, // function
];

// --- one row of the backward pass -------------------------------------------------------------

// Parameters: lo, hi, q, qn, next, cur, e, unit (i32), wv, wh, wd (f64).
const BLO = 0;
const BHI = 1;
const BQ = 2;
const BQN = 3;
const BNEXT = 4;
const BCUR = 5;
const BE = 6;
const BUNIT = 7;
const BWV = 8;
const BWH = 9;
const BWD = 10;
// Locals: j (i32); g, right (f64).
const BJ = 11;
const BG = 12;
const BRIGHT = 13;

/** Byte address base + 8 j (j an i32 local). */
const at = (base: number, j: number) => [...get(base), ...get(j), ...i32c(3), i32.shl, i32.add];

const backRowBody: number[] = [
  // right = G(i, hi + 1); j = hi
  ...at(BCUR, BHI),
  ...load(8),
  ...set(BRIGHT),
  ...get(BHI),
  ...set(BJ),
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(BJ),
  ...get(BLO),
  i32.ltS,
  0x0d,
  1,
  // g = q_v(i+1, j) G(i+1, j) + q_d(i+1, j+1) G(i+1, j+1) + q_h(i, j+1) right
  ...get(BQN),
  ...load(0),
  ...at(BNEXT, BJ),
  ...load(0),
  f64.mul,
  ...get(BQN),
  ...load(40),
  ...at(BNEXT, BJ),
  ...load(8),
  f64.mul,
  f64.add,
  ...get(BQ),
  ...load(32),
  ...get(BRIGHT),
  f64.mul,
  f64.add,
  ...set(BG),
  // cur[j] = g; right = g
  ...at(BCUR, BJ),
  ...get(BG),
  ...store(0),
  ...get(BG),
  ...set(BRIGHT),
  // e[j] = unit ? g : g (wv q_v + wh q_h + wd q_d)
  ...at(BE, BJ),
  ...get(BUNIT),
  0x04,
  F64, // if with an f64 result
  ...get(BG),
  ELSE,
  ...get(BG),
  ...get(BWV),
  ...get(BQ),
  ...load(0),
  f64.mul,
  ...get(BWH),
  ...get(BQ),
  ...load(8),
  f64.mul,
  f64.add,
  ...get(BWD),
  ...get(BQ),
  ...load(16),
  f64.mul,
  f64.add,
  f64.mul,
  END,
  ...store(0),
  // j--, q -= 24, qn -= 24
  ...get(BJ),
  ...i32c(-1),
  i32.add,
  ...set(BJ),
  ...get(BQ),
  ...i32c(-24),
  i32.add,
  ...set(BQ),
  ...get(BQN),
  ...i32c(-24),
  i32.add,
  ...set(BQN),
  0x0c,
  0,
  END,
  END,
  END, // function
];

// --- sums of the squared Euclidean VJP of one row ---------------------------------------------

// Parameters: e, y, D, lo, hi, out (i32).
const VE = 0;
const VY = 1;
const VD = 2;
const VLO = 3;
const VHI = 4;
const VOUT = 5;
// Locals: j, d, py (i32); r (f64); w, a0, a1, a2 (v128).
const VJ = 6;
const VDD = 7;
const VPY = 8;
const VR = 9;
const VW = 10;
const VA0 = 11;
const VA1 = 12;
const VA2 = 13;

/** py = y + 8 (lo D + d), j = lo. */
const vjpStart = [
  ...get(VY),
  ...get(VLO),
  ...get(VD),
  i32.mul,
  ...get(VDD),
  i32.add,
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(VPY),
  ...get(VLO),
  ...set(VJ),
];

/** py += 8 D, j += 1. */
const vjpStep = [
  ...get(VPY),
  ...get(VD),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...set(VPY),
  ...get(VJ),
  ...i32c(1),
  i32.add,
  ...set(VJ),
];

/** Loop header: block, loop, exit when j > hi. */
const whileJ = [0x02, 0x40, 0x03, 0x40, ...get(VJ), ...get(VHI), i32.gtS, 0x0d, 1];

/** One pass over j summing e_j y_j[d .. d + 2 lanes - 1] in `lanes` v128 accumulators. */
function vjpPass(lanes: number): number[] {
  const accs = [VA0, VA1, VA2].slice(0, lanes);
  return [
    ...accs.flatMap((a) => [...f64c(0), ...f64x2.splat, ...set(a)]),
    ...vjpStart,
    ...whileJ,
    ...at(VE, VJ),
    ...load(0),
    ...f64x2.splat,
    ...set(VW),
    ...accs.flatMap((a, k) => [
      ...get(a),
      ...get(VW),
      ...get(VPY),
      ...v128load(16 * k),
      ...f64x2.mul,
      ...f64x2.add,
      ...set(a),
    ]),
    ...vjpStep,
    0x0c,
    0,
    END,
    END,
    // out[1 + d ...] = sums; d += 2 lanes
    ...accs.flatMap((a, k) => [...at(VOUT, VDD), ...get(a), ...v128store(8 + 16 * k)]),
    ...get(VDD),
    ...i32c(2 * lanes),
    i32.add,
    ...set(VDD),
  ];
}

/** While d + width <= D: a pass of width / 2 accumulators. */
const vjpPasses = (width: number) => [
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(VDD),
  ...i32c(width),
  i32.add,
  ...get(VD),
  i32.gtS,
  0x0d,
  1,
  ...vjpPass(width / 2),
  0x0c,
  0,
  END,
  END,
];

const vjpSumsBody: number[] = [
  // r = sum_j e_j
  ...f64c(0),
  ...set(VR),
  ...get(VLO),
  ...set(VJ),
  ...whileJ,
  ...get(VR),
  ...at(VE, VJ),
  ...load(0),
  f64.add,
  ...set(VR),
  ...get(VJ),
  ...i32c(1),
  i32.add,
  ...set(VJ),
  0x0c,
  0,
  END,
  END,
  ...get(VOUT),
  ...get(VR),
  ...store(0),
  // Six features per pass while they last, then two, then the last one alone.
  ...i32c(0),
  ...set(VDD),
  ...vjpPasses(6),
  ...vjpPasses(2),
  ...get(VDD),
  ...get(VD),
  i32.ltS,
  ...IF,
  ...f64c(0),
  ...set(VR),
  ...vjpStart,
  ...whileJ,
  ...get(VR),
  ...at(VE, VJ),
  ...load(0),
  ...get(VPY),
  ...load(0),
  f64.mul,
  f64.add,
  ...set(VR),
  ...vjpStep,
  0x0c,
  0,
  END,
  END,
  ...at(VOUT, VDD),
  ...get(VR),
  ...store(8),
  END,
  END, // function
];

// --- whole pairs (squared Euclidean cost, no band): the row functions called from a loop here,
// saving a JavaScript-to-WebAssembly call per row and function ------------------------------

const CALL = 0x10;
const FN_ROW = 0;
const FN_SQROW = 1;
const FN_BACKROW = 2;
const FN_VJPSUMS = 3;

// forwardSq(N, M, D, x, yT, q, st, c, wv, wh, wd, invG, shift); locals i (i32), diagM, diagS.
const FN = 0;
const FM = 1;
const FD = 2;
const FX = 3;
const FYT = 4;
const FQ = 5;
const FST = 6;
const FC = 7;
const FI = 13;
const FDM = 14;
const FDS = 15;

const forwardSqBody: number[] = [
  ...i32c(0),
  ...set(FI),
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(FI),
  ...get(FN),
  i32.ltS,
  0x45,
  0x0d,
  1,
  // cost row i: sqRow(x + 8 i D, yT, M, D, c, 0, M - 1)
  ...get(FX),
  ...get(FI),
  ...get(FD),
  i32.mul,
  ...i32c(3),
  i32.shl,
  i32.add,
  ...get(FYT),
  ...get(FM),
  ...get(FD),
  ...get(FC),
  ...i32c(0),
  ...get(FM),
  ...i32c(-1),
  i32.add,
  CALL,
  FN_SQROW,
  // (diagM, diagS) = (m, s)(i - 1, 0); column 0 of row i is (+inf, 1)
  ...get(FST),
  ...load(0),
  ...set(FDM),
  ...get(FST),
  ...load(8),
  ...set(FDS),
  ...get(FST),
  ...f64c(Number.POSITIVE_INFINITY),
  ...store(0),
  ...get(FST),
  ...f64c(1),
  ...store(8),
  // row(1, M, q + 24 i (M + 1), st, c - 8, wv, wh, wd, invG, shift, diagM, diagS)
  ...i32c(1),
  ...get(FM),
  ...get(FQ),
  ...get(FI),
  ...get(FM),
  ...i32c(1),
  i32.add,
  i32.mul,
  ...i32c(24),
  i32.mul,
  i32.add,
  ...get(FST),
  ...get(FC),
  ...i32c(-8),
  i32.add,
  ...get(8),
  ...get(9),
  ...get(10),
  ...get(11),
  ...get(12),
  ...get(FDM),
  ...get(FDS),
  CALL,
  FN_ROW,
  ...get(FI),
  ...i32c(1),
  i32.add,
  ...set(FI),
  0x0c,
  0,
  END,
  END,
  END, // function
];

// backwardSq(N, M, D, q, next, cur, e, y, x, gx, sums, unit, wv, wh, wd); locals i, t, d (i32),
// r (f64). Rows N down to 1: backRow, vjpSums, then gx_i[d] += 2 (r x_i[d] - sums[1 + d]).
const BN = 0;
const BM = 1;
const BD = 2;
const BQ2 = 3;
const BNX = 4;
const BCU = 5;
const BE2 = 6;
const BY = 7;
const BX = 8;
const BGX = 9;
const BSUMS = 10;
const BUN = 11;
const BI = 15;
const BT = 16;
const BDD = 17;
const BR = 18;

/** Byte address base + 8 (i D + d) (i, d i32 locals; base a local). */
const rowElem = (base: number) => [
  ...get(base),
  ...get(BI),
  ...get(BD),
  i32.mul,
  ...get(BDD),
  i32.add,
  ...i32c(3),
  i32.shl,
  i32.add,
];

const backwardSqBody: number[] = [
  ...get(BN),
  ...set(BI),
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(BI),
  ...i32c(1),
  i32.ltS,
  0x0d,
  1,
  // cur[0 .. M + 1] = 0 (memory.fill)
  ...get(BCU),
  ...i32c(0),
  ...get(BM),
  ...i32c(2),
  i32.add,
  ...i32c(3),
  i32.shl,
  0xfc,
  11,
  0,
  // backRow(1, M, q + 24 ((i - 1)(M + 1) + M - 1), q + 24 (i (M + 1) + M - 1), next, cur, e - 8,
  //         unit, wv, wh, wd)
  ...i32c(1),
  ...get(BM),
  ...get(BQ2),
  ...get(BI),
  ...i32c(-1),
  i32.add,
  ...get(BM),
  ...i32c(1),
  i32.add,
  i32.mul,
  ...get(BM),
  i32.add,
  ...i32c(-1),
  i32.add,
  ...i32c(24),
  i32.mul,
  i32.add,
  ...get(BQ2),
  ...get(BI),
  ...get(BM),
  ...i32c(1),
  i32.add,
  i32.mul,
  ...get(BM),
  i32.add,
  ...i32c(-1),
  i32.add,
  ...i32c(24),
  i32.mul,
  i32.add,
  ...get(BNX),
  ...get(BCU),
  ...get(BE2),
  ...i32c(-8),
  i32.add,
  ...get(BUN),
  ...get(12),
  ...get(13),
  ...get(14),
  CALL,
  FN_BACKROW,
  // vjpSums(e, y, D, 0, M - 1, sums)
  ...get(BE2),
  ...get(BY),
  ...get(BD),
  ...i32c(0),
  ...get(BM),
  ...i32c(-1),
  i32.add,
  ...get(BSUMS),
  CALL,
  FN_VJPSUMS,
  // row i - 1 of gx (0-based): gx[d] += 2 (r x[d] - sums[1 + d])
  ...get(BI),
  ...i32c(-1),
  i32.add,
  ...set(BI),
  ...get(BSUMS),
  ...load(0),
  ...set(BR),
  ...i32c(0),
  ...set(BDD),
  0x02,
  0x40,
  0x03,
  0x40,
  ...get(BDD),
  ...get(BD),
  i32.ltS,
  0x45,
  0x0d,
  1,
  ...rowElem(BGX),
  ...rowElem(BGX),
  ...load(0),
  ...f64c(2),
  ...get(BR),
  ...rowElem(BX),
  ...load(0),
  f64.mul,
  ...get(BSUMS),
  ...get(BDD),
  ...i32c(3),
  i32.shl,
  i32.add,
  ...load(8),
  f64.sub,
  f64.mul,
  f64.add,
  ...store(0),
  ...get(BDD),
  ...i32c(1),
  i32.add,
  ...set(BDD),
  0x0c,
  0,
  END,
  END,
  // swap next and cur
  ...get(BNX),
  ...set(BT),
  ...get(BCU),
  ...set(BNX),
  ...get(BT),
  ...set(BCU),
  0x0c,
  0,
  END,
  END,
  END, // function
];

/**
 * The module's bytes (about 2.4 KB: under the 4 KB up to which browsers allow synchronous
 * compilation on the main thread, which createRowKernel uses).
 */
export function moduleBytes(): Uint8Array<ArrayBuffer> {
  const rowParams = [I32, I32, I32, I32, I32, F64, F64, F64, F64, F64, F64, F64];
  const sqParams = [I32, I32, I32, I32, I32, I32, I32];
  const backParams = [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64];
  const vjpParams = [I32, I32, I32, I32, I32, I32];
  const fwdParams = [I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64, F64, F64];
  const bwdParams = [I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, I32, F64, F64, F64];
  const types = [rowParams, sqParams, backParams, vjpParams, fwdParams, bwdParams];
  const type = section(1, [
    types.length,
    ...types.flatMap((t) => [0x60, ...uleb(t.length), ...t, 0]),
  ]);
  const func = section(3, [6, 0, 1, 2, 3, 4, 5]);
  const memory = section(5, [1, 0, 1]); // one memory, min 1 page, no max
  const exports = section(7, [
    7,
    ...name('row'),
    0,
    0,
    ...name('sqRow'),
    0,
    1,
    ...name('backRow'),
    0,
    2,
    ...name('vjpSums'),
    0,
    3,
    ...name('forwardSq'),
    0,
    4,
    ...name('backwardSq'),
    0,
    5,
    ...name('memory'),
    2,
    0,
  ]);
  // Locals: groups of (count, type).
  const bodies = [
    [2, ...uleb(N_I32), I32, ...uleb(N_F64), F64, ...rowBody],
    [3, ...uleb(SN_I32), I32, ...uleb(SN_F64), F64, ...uleb(SN_V128), V128, ...sqRowBody],
    [2, 1, I32, 2, F64, ...backRowBody],
    [3, 3, I32, 1, F64, 4, V128, ...vjpSumsBody],
    [2, 1, I32, 2, F64, ...forwardSqBody],
    [2, 3, I32, 1, F64, ...backwardSqBody],
  ];
  const code = section(10, [bodies.length, ...bodies.flatMap((f) => [...uleb(f.length), ...f])]);
  return new Uint8Array([
    0x00,
    0x61,
    0x73,
    0x6d,
    1,
    0,
    0,
    0,
    ...type,
    ...func,
    ...memory,
    ...exports,
    ...code,
  ]);
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A new instance of the row kernel with its own memory (exp tables filled in), or null where
 * WebAssembly is unavailable (the JavaScript loop is used then).
 */
export function createRowKernel(): RowKernel | null {
  if (compiled === undefined) {
    try {
      compiled = new WebAssembly.Module(moduleBytes());
    } catch {
      compiled = null;
    }
  }
  if (compiled === null) return null;
  let inst: WebAssembly.Instance;
  try {
    inst = new WebAssembly.Instance(compiled, {});
  } catch {
    // No memory for another instance (V8 reserves address space per WebAssembly memory): the
    // JavaScript loops compute the same numbers.
    return null;
  }
  const exports = inst.exports as unknown as RowKernel;
  const view = new Float64Array(exports.memory.buffer);
  view.set(fastMath.EXP_INT, 0);
  view.set(fastMath.EXP_FRAC, 1100);
  return exports;
}
