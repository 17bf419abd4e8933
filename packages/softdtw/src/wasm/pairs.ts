/**
 * The second WebAssembly module of soft-DTW (wasm/pairs.wat, assembled into ./pairs-module.ts by
 * `pnpm wasm`): whole pairs with their frame costs as blocked matrix products. It has no memory of
 * its own: each instance is linked to one instance of the row kernel (./kernel.ts), whose memory
 * and `row` / `backRow` it imports, so the workspace's layout (workspace.ts) serves both.
 */
import { compileWasm } from '@losses/tensor/internal';
import type { RowKernel } from './kernel.js';
import { WASM_BASE64 as PAIRS_BASE64 } from './pairs-module.js';
import { WASM_BASE64 as ROWS4_BASE64 } from './rows4-module.js';

/** The exports of wasm/pairs.wat; addresses are byte offsets in the row kernel's memory. */
export interface PairKernel {
  /**
   * Squared Euclidean cost rows of 4 frames at once: C(4b + r, j) = sum_d (u[d] - v_j[d])^2 for
   * columns j = lo, lo + 4, ... <= hi (4 a step, up to 3 beyond hi). `u`: block b of the blocked
   * rows (u_{4b+r}[d] at u + 8 (4 d + r)); `vT`: v transposed with `Mp` columns; row r of the
   * output at `out + r os`, column j at + 8 j.
   */
  sqTile4(
    u: number,
    vT: number,
    Mp: number,
    D: number,
    out: number,
    os: number,
    lo: number,
    hi: number,
  ): void;
  /** The product a[r] + sum_d u[d] v_j[d] of 4 rows, as {@link sqTile4} (`a`: 4 float64). */
  prodTile4(
    u: number,
    a: number,
    vT: number,
    Mp: number,
    D: number,
    out: number,
    os: number,
    lo: number,
    hi: number,
  ): void;
  /**
   * The product a + sum_d u_i[d] v_j[d] of one row, columns lo..hi: `u` the address of u_i[0],
   * `us` the bytes from u_i[d] to u_i[d + 1]; `out` the address of column 0.
   */
  prodRow(
    u: number,
    us: number,
    a: number,
    vT: number,
    Mp: number,
    D: number,
    out: number,
    lo: number,
    hi: number,
  ): void;
  /** In place, `rows` rows `os` bytes apart, columns lo..hi: kind 1 (-s) invD, kind 2 1 - s. */
  finish(
    kind: number,
    out: number,
    os: number,
    rows: number,
    lo: number,
    hi: number,
    invD: number,
  ): void;
  /** out[r Dp + f] = sum_j E_r(j) v1_j[f] over j = 0..M-1 for the 4 rows E_r at e + r es. */
  sumsTile4(e: number, es: number, v1: number, Dp: number, M: number, out: number): void;
  /** The forward pass of one pair (see wasm/pairs.wat). */
  forwardPair(
    kind: number,
    N: number,
    M: number,
    D: number,
    wv: number,
    wh: number,
    wd: number,
    invG: number,
    shift: number,
    invD: number,
    uB: number,
    a: number,
    vT: number,
    q: number,
    st: number,
    cb: number,
  ): void;
  /** The backward pass of one pair with the sums of every row into S (see wasm/pairs.wat). */
  backwardPair(
    N: number,
    M: number,
    Dp: number,
    q: number,
    next: number,
    cur: number,
    eb: number,
    v1: number,
    S: number,
    unit: number,
    wv: number,
    wh: number,
    wd: number,
  ): void;
}

/** The export of wasm/rows4.wat: four rows of the forward pass at once. */
export interface Rows4Kernel {
  /**
   * Cells (i + r, lo..hi), r = 0..3, of the forward pass, the same numbers as four calls of
   * `row` (wasm/rows4.wat): `q` the weights of cell (i, lo), `qs` the bytes from row i's weights
   * to row i + 1's; `st` the (m, s) row (row i - 1 on entry, row i + 3 on exit); `c0`..`c3` the
   * cost rows minus 8; (`diagM`, `diagS`) cell (i - 1, lo - 1); `left0`..`left3` m of cells
   * (i + r, lo - 1), whose s is 1.
   */
  rows4(
    lo: number,
    hi: number,
    q: number,
    qs: number,
    st: number,
    c0: number,
    c1: number,
    c2: number,
    c3: number,
    wv: number,
    wh: number,
    wd: number,
    invG: number,
    shift: number,
    diagM: number,
    diagS: number,
    left0: number,
    left1: number,
    left2: number,
    left3: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compiledRows4: WebAssembly.Module | null | undefined;

/** An instance of wasm/rows4.wat on the memory of the row kernel `k`, or null. */
export function createRows4Kernel(k: RowKernel): Rows4Kernel | null {
  if (compiledRows4 === undefined) compiledRows4 = compileWasm(ROWS4_BASE64);
  if (compiledRows4 === null) return null;
  try {
    const inst = new WebAssembly.Instance(compiledRows4, { k: { memory: k.memory } });
    return inst.exports as unknown as Rows4Kernel;
  } catch {
    return null;
  }
}

/**
 * An instance of the pair kernels linked to the row kernel `k` (its memory, `row` and `backRow`)
 * and to an instance of wasm/rows4.wat on the same memory, or null where it cannot be made (no
 * WebAssembly SIMD, no memory for another instance).
 */
export function createPairKernel(k: RowKernel): PairKernel | null {
  if (compiled === undefined) compiled = compileWasm(PAIRS_BASE64);
  if (compiled === null) return null;
  const r4 = createRows4Kernel(k);
  if (r4 === null) return null;
  try {
    const inst = new WebAssembly.Instance(compiled, {
      k: { memory: k.memory, row: k.row, backRow: k.backRow, rows4: r4.rows4 },
    });
    return inst.exports as unknown as PairKernel;
  } catch {
    return null;
  }
}
