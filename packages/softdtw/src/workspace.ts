/**
 * The memory the passes run in: a {@link Workspace} holds the soft-min weight store and the rows of
 * one call, in the WebAssembly memory of the row kernel (wasm/kernel.ts) when there is one, and is
 * kept between calls by a small pool ({@link withWorkspace}).
 */
import { wasmEnabled } from '@losses/tensor/internal';
import { GeneralSpace } from './general.js';
import { createRowKernel, type RowKernel, WASM_DATA_START } from './wasm/kernel.js';
import { createPairKernel, type PairKernel } from './wasm/pairs.js';

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
  /** D(N, j) of the last row, for open ends (ends.ts). */
  lastRow = new Float64Array(0);
  /** D(i, M) of each row, for an open end along x (ends.ts). */
  colEnd = new Float64Array(0);
  /** Soft-min weights of the end cells (N, j) and (i, M) (ends.ts), for the backward pass. */
  endRowW = new Float64Array(0);
  endColW = new Float64Array(0);
  /** The last forward pass ended at (N, M) alone (its weight 1, the rest 0). */
  endCorner = true;
  /** The general step sets' buffers and kernel (general.ts), made on first use. */
  private generalSpace: GeneralSpace | null = null;
  /** The WebAssembly kernels (wasm/kernel.ts); null: the JavaScript loops. */
  kernel: RowKernel | null;
  /** The pair kernels linked to `kernel` (wasm/pairs.ts), made on first use; null: none. */
  private pairs: { of: RowKernel; k: PairKernel | null } | null = null;
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
   * `useWasm`: whether to run the WebAssembly row kernel (default: the switch of
   * `@losses/tensor/internal`, `LOSSES_WASM=off` or `setWasmEnabled(false)` turn it off; tests
   * pass false or true to compare the two); `maxKernelBytes` caps the kernel memory (32-bit
   * WebAssembly: 4 GiB), beyond which the workspace continues in JavaScript.
   */
  constructor(
    readonly useWasm = wasmEnabled(),
    private readonly maxKernelBytes = 2 ** 32,
  ) {
    this.kernel = useWasm ? createRowKernel() : null;
  }

  /**
   * Makes room for an N x M problem; `withWeights` also sizes the soft-min weight store, and
   * `stageWords` (kernel only) the room for sequences staged by {@link stage}.
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
    this.ensureEnds(N, M);
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

  /** The pair kernels (wasm/pairs.wat) sharing the row kernel's memory; null without it. */
  pairKernel(): PairKernel | null {
    const kernel = this.kernel;
    if (kernel === null) return null;
    if (this.pairs === null || this.pairs.of !== kernel) {
      this.pairs = { of: kernel, k: createPairKernel(kernel) };
    }
    return this.pairs.k;
  }

  /** The buffers (and WebAssembly kernel instance) of the general step sets. */
  general(): GeneralSpace {
    if (this.generalSpace === null) {
      this.generalSpace = new GeneralSpace(this.useWasm, this.maxKernelBytes);
    }
    return this.generalSpace;
  }

  /** Room for the end values and weights of an N x M problem (ends.ts). */
  ensureEnds(N: number, M: number): void {
    if (this.lastRow.length < M + 2) {
      this.lastRow = new Float64Array(M + 2);
      this.endRowW = new Float64Array(M + 2);
    }
    if (this.colEnd.length < N + 2) {
      this.colEnd = new Float64Array(N + 2);
      this.endColW = new Float64Array(N + 2);
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
   * Room for `words` float64 of staged data in the kernel memory, after making room for an N x M
   * problem with its weights; null without a kernel (also when this problem made the workspace
   * continue in JavaScript). The view is valid until the next `ensure`.
   */
  stage(N: number, M: number, words: number): Float64Array | null {
    if (this.kernel === null) return null;
    this.ensure(N, M, true, words);
    if (this.kernel === null) return null;
    return new Float64Array(this.kernel.memory.buffer, this.stageOffset(), words);
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
      this.state.length +
      (this.generalSpace?.words() ?? 0);
    return js + (this.kernel === null ? this.q.length : this.kernel.memory.buffer.byteLength / 8);
  }
}

/**
 * One {@link Workspace} kept between calls for each path (WebAssembly or JavaScript, as the switch
 * says when the call starts). The soft-min weight store of an N x M pair is 3 (N+1)(M+1) float64
 * (385 MiB at N = M = 4096); a fresh allocation has every page faulted in and zeroed by the OS on
 * first touch, which on the benchmark machine took longer than the forward pass itself. The pool
 * holds it through a WeakRef: reused while alive, but never kept from the garbage collector (a
 * later call after a major GC allocates a new one). A workspace is taken out of the pool while in
 * use, so a re-entrant call (a user cost that calls soft-DTW) gets its own. Nothing returned to the
 * caller is a view of workspace memory.
 */
const pooled: { wasm?: WeakRef<Workspace>; js?: WeakRef<Workspace> } = {};

/** A workspace for one call on the path the switch selects: the pooled one when still alive. */
export function acquireWorkspace(): Workspace {
  const path = wasmEnabled() ? 'wasm' : 'js';
  const ws = pooled[path]?.deref();
  pooled[path] = undefined;
  return ws ?? new Workspace(path === 'wasm');
}

/** Returns a workspace to the pool of its path (replacing whatever is there). */
export function releaseWorkspace(ws: Workspace): void {
  pooled[ws.useWasm ? 'wasm' : 'js'] = new WeakRef(ws);
}

/** Runs `f` with a workspace from the pool and returns the workspace to it afterwards. */
export function withWorkspace<T>(f: (ws: Workspace) => T): T {
  const ws = acquireWorkspace();
  try {
    return f(ws);
  } finally {
    releaseWorkspace(ws);
  }
}
