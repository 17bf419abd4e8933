/**
 * The row loops of soft-DTW as a small WebAssembly module (wasm/softdtw.wat, assembled into
 * ./module.ts by `pnpm wasm`): the forward and backward rows, the squared Euclidean cost row and
 * the sums of a VJP row (whole pairs run in the second module, ./pairs.ts, on the same memory and
 * row functions). They compute the same operations in the same order as the JavaScript loops of
 * recursion.ts and sqeuclidean.ts, so the results are bit for bit the same (test/wasm-row.test.ts compares them). What they save is V8's per-access
 * typed-array checks and spills (the JavaScript forward loop runs about 230 machine instructions
 * per cell) and, for the SIMD functions, half of the arithmetic instructions.
 *
 * Memory layout (bytes): EXP_INT (1100 float64) at 0, EXP_FRAC (256 float64) at 8800, written here
 * from fast-math.ts; the workspace (workspace.ts) places its rows, staged sequences and the weight
 * store above {@link WASM_DATA_START}.
 */
import { compileWasm } from '@losses/tensor/internal';
import * as fastMath from '../fast-math.js';
import { WASM_BASE64 } from './module.js';

/** First free byte after the exp tables (8-byte aligned). */
export const WASM_DATA_START = 8 * (1100 + 256);

/** The module's exports (wasm/softdtw.wat). */
export interface RowKernel {
  /**
   * Cells (i, lo..hi) of one row. `q`: byte address of the weights of cell (i, lo); `st`: byte
   * address of the (m, s) row (column j at st + 16 j; holds row i-1 on entry, row i on exit for
   * columns lo..hi); `c`: byte address of the cost row minus 8 (column j at c + 8 j); `diagM`,
   * `diagS`: (m, s) of cell (i-1, lo-1); `leftM`: m of cell (i, lo-1), whose s is 1.
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
    leftM: number,
  ): void;
  /**
   * Squared Euclidean cost row C(i, j) = sum_d (x_i[d] - y_j[d])^2 for 0-based columns lo..hi:
   * `x`: byte address of x_i (D float64); `yT`: byte address of y transposed ([D, M], y_j[d] at
   * yT + 8 (d M + j)); `out`: byte address of column 0 of the row. Two columns per SIMD lane
   * pair, four per step; each lane sums over d in order, as the JavaScript row of sqeuclidean.ts.
   */
  sqRow(x: number, yT: number, M: number, D: number, out: number, lo: number, hi: number): void;
  /**
   * One row of Algorithm 2 on the stored weights, as the JavaScript loop of softDtwBackward, columns
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
   * The sums of the squared Euclidean VJP of one row of E (sqeuclidean.ts): out[0] = r = sum_j e_j,
   * out[1 + d] = sum_j e_j y_j[d] for 0-based columns lo..hi, each summed over j in order (two
   * features per SIMD lane pair). `e`: byte address of e[0]; `y`: of y [M, D] row-major.
   */
  vjpSums(e: number, y: number, D: number, lo: number, hi: number, out: number): void;
  /**
   * One row of the forward pass of a general step set (general.ts): cells (i, lo..hi). `tab`: byte
   * address of K step entries of 24 bytes [pred i32, 16 dj i32, pen i32, unused i32, w f64];
   * `q`: byte address of the weights of cell (i, lo); `st`: of column 0 of row i in the (m, s)
   * ring; `c`: of the cost row minus 8.
   */
  grow(
    lo: number,
    hi: number,
    K: number,
    tab: number,
    q: number,
    st: number,
    c: number,
    invG: number,
    shift: number,
  ): void;
  /**
   * One row of the backward pass of a general step set, columns hi down to lo: `tab`: K entries
   * of 24 bytes [G row of the successor i32, 8 dj i32, weight address base i32, unused, w f64];
   * `qi`: byte address of the weights of cell (i, hi); `cur`: G row i; `end`: the end weights of
   * row i (`endM` added at column `M`); `e`: the E row minus 8.
   */
  gback(
    lo: number,
    hi: number,
    K: number,
    tab: number,
    qi: number,
    cur: number,
    end: number,
    endM: number,
    M: number,
    e: number,
    unit: number,
  ): void;
  memory: WebAssembly.Memory;
}

let compiled: WebAssembly.Module | null | undefined;

/**
 * A new instance of the row kernel with its own memory (exp tables filled in), or null where
 * WebAssembly (SIMD) is unavailable or no instance can be made: the JavaScript loops are used then.
 * Whether WebAssembly is wanted at all (`LOSSES_WASM=off`, `setWasmEnabled`) is the caller's
 * question (workspace.ts).
 */
export function createRowKernel(): RowKernel | null {
  if (compiled === undefined) compiled = compileWasm(WASM_BASE64);
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
