/**
 * The loss's hot loops in WebAssembly (SIMD): wasm/mss.wat computes the logs of the log-type
 * compressions (a two-lane table-driven log), then the distance and the gradient w.r.t. the
 * magnitudes from both spectrograms' magnitudes and logs, the numbers of src/fused.ts and
 * src/compression.ts to rounding (the compression's form a log(b + c x) comes from there). It works in the memory of a scale's STFT module (see
 * src/wasm/pipeline.ts).
 */
import { compileWasm } from '@losses/tensor/internal';
import { logForm, type ResolvedCompression } from '../compression.js';
import { logFormFactor } from '../compression-forms.js';
import type { MagnitudeForm } from '../magnitude-forms.js';
import type { Filterbank } from '../scales/filterbank.js';
import { WASM_BASE64 } from './module.js';
import { WASM_BASE64 as WASM32_BASE64 } from './module32.js';

/** The arguments of wasm/mss.wat's `fused` before its logs (see Exports.fused). */
type FusedHead = [kind: number, squared: number, grad: number, add: number, x: number, t: number];
/** The arguments of wasm/mss.wat's `fused` after its logs. */
type FusedTail = [
  n: number,
  g: number,
  wlin: number,
  wlog: number,
  weight: number,
  a: number,
  b: number,
  c: number,
  eps: number,
  thr: number,
];

/** The functions of wasm/mss.wat (pointers are byte offsets into the scale's memory). */
export interface Exports {
  setTable(p: number): void;
  logs(
    kind: number,
    x: number,
    n: number,
    y: number,
    b: number,
    c: number,
    eps: number,
    thr: number,
  ): void;
  fused(...args: [...FusedHead, lx: number, lt: number, ...FusedTail]): number;
  bands(
    w: number,
    idx: number,
    nb: number,
    bins: number,
    x: number,
    rows: number,
    out: number,
  ): void;
  bandsT(
    w: number,
    idx: number,
    nb: number,
    bins: number,
    g: number,
    rows: number,
    out: number,
  ): void;
  form(
    x: number,
    n: number,
    out: number,
    d: number,
    offset: number,
    square: number,
    grad: number,
  ): void;
  mul(y: number, e: number, n: number): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compiled32: WebAssembly.Module | null | undefined;

/** The float32 loss loop's module (wasm/mss32.wat), or null where WebAssembly SIMD is unavailable. */
function loss32Module(): WebAssembly.Module | null {
  if (compiled32 === undefined) compiled32 = compileWasm(WASM32_BASE64);
  return compiled32;
}

/**
 * The float32 loss loop (wasm/mss32.wat): the arguments of Exports.fused without `lx` (the logs
 * are computed in the loop), on float32 rows; `lt` 0 or the target's float32 logs.
 */
type Fused32 = (...args: [...FusedHead, lt: number, ...FusedTail]) => number;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function mssModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileWasm(WASM_BASE64);
  return compiled;
}

/**
 * One pass of the loss loop (wasm/mss.wat): a linear term of weight `wlin` plus a log-type
 * compression (kind 0 log / db, 1 floored log (safeLog, clamp), 3 log1p, with A, b, c, eps and
 * kind 1's threshold thr) of weight `wlog`, or none (kind 2).
 */
interface Pass {
  kind: number;
  a: number;
  b: number;
  c: number;
  eps: number;
  thr: number;
  wlin: number;
  wlog: number;
}

/** The module's kind of a log form: 0 log(b + c x), 1 safeLog, 3 log1p (2: no log, see Pass). */
const KIND = { log: 0, safeLog: 1, log1p: 3 } as const;

/**
 * The module's pass of a log-type compression (without weights). Issue 14's floored logs
 * (compression-forms.ts) p(x) = g power log_b(f(x)) = A ln f(x), A = logFormFactor: the additive
 * floor f(x) = x + eps is kind 0 with b = eps, c = 1; the clamp f(x) = max(x, eps) is kind 1 with
 * thr = eps (u = x where x >= eps, else eps; p' = A / x there, else 0: the gradient passes at x = eps).
 * DDSP's safeLog is kind 1 with thr the smallest subnormal (x >= thr is x > 0, false for NaN).
 */
function logPass(c: ResolvedCompression): Omit<Pass, 'wlin' | 'wlog'> | null {
  if (c.kind === 'floorLog') {
    const { form } = c;
    const a = logFormFactor(form);
    return form.floor === 'add'
      ? { kind: KIND.log, a, b: form.eps, c: 1, eps: 0, thr: 0 }
      : { kind: KIND.safeLog, a, b: 0, c: 1, eps: form.eps, thr: form.eps };
  }
  const f = logForm(c);
  if (f === null) return null;
  const thr = f.kind === 'safeLog' ? Number.MIN_VALUE : 0;
  return { kind: KIND[f.kind], a: f.a, b: f.b, c: f.c, eps: f.eps, thr };
}

/**
 * The passes of a list of compressions: every log-type compression gets its own pass with its form
 * a log(b + c x) (compression.ts) or its floored log, and the linear ones (their weights summed)
 * ride along with the first.
 */
function passesOf(compressions: readonly ResolvedCompression[]): Pass[] {
  let wlin = 0;
  const passes: Pass[] = [];
  for (const c of compressions) {
    const p = logPass(c);
    if (p === null) wlin += c.weight;
    else passes.push({ ...p, wlin: 0, wlog: c.weight });
  }
  if (passes.length === 0) {
    passes.push({ kind: 2, a: 1, b: 0, c: 1, eps: 0, thr: 0, wlin: 0, wlog: 0 });
  }
  passes[0]!.wlin = wlin;
  return passes;
}

/** The arguments of a pass's call of `fused` (either module) before its logs. */
function head(
  p: Pass,
  squared: boolean,
  grad: boolean,
  add: boolean,
  x: number,
  t: number,
): FusedHead {
  return [p.kind, squared ? 1 : 0, grad ? 1 : 0, add ? 1 : 0, x, t];
}

/** The arguments of a pass's call of `fused` (either module) after its logs. */
function tail(p: Pass, n: number, g: number, weight: number): FusedTail {
  return [n, g, p.wlin, p.wlog, weight, p.a, p.b, p.c, p.eps, p.thr];
}

/**
 * Float64 values of the region the module works in (wasm/mss.wat): the log table (c, 1/c and
 * log c for 128 subintervals, 32 bytes each), the module's constants and its parameters.
 */
export const TABLE_DOUBLES = 720;

/** The part of {@link TABLE_DOUBLES} wasm/mss.wat uses; wasm/mss32.wat's region (1232 bytes) follows. */
const TABLE64_DOUBLES = 566;

/**
 * The log table at f[o]: subinterval i holds the x whose high word lies in
 * [0x3fe60000 + i 2^13, 0x3fe60000 + (i + 1) 2^13) once scaled into [0.6875, 1.375); c is its centre
 * (exact: 9 significant bits), or 1 for the two subintervals that touch 1.
 */
function writeLogTable(f: Float64Array, o: number): void {
  const bits = new BigUint64Array(1);
  const asDouble = new Float64Array(bits.buffer);
  const at = (hi: number): number => {
    bits[0] = BigInt(hi) << 32n;
    return asDouble[0]!;
  };
  for (let i = 0; i < 128; i++) {
    const lo = at(0x3fe60000 + i * 8192);
    const hi = at(0x3fe60000 + (i + 1) * 8192);
    const c = lo === 1 || hi === 1 ? 1 : (lo + hi) / 2;
    f[o + 4 * i] = c;
    f[o + 4 * i + 1] = 1 / c;
    f[o + 4 * i + 2] = Math.log(c);
    f[o + 4 * i + 3] = 0;
  }
}

/** The loss loop of one scale, on the given memory (byte offsets into it). */
export class MssWasm {
  private readonly ex: Exports;
  /** The module's functions (for {@link WasmFilterbank}, which shares the instance). */
  get exports(): Exports {
    return this.ex;
  }
  /** The float32 loss loop (wasm/mss32.wat), with `float32` (see the constructor). */
  private readonly fn32: Fused32 | undefined;
  private readonly passes: Pass[];
  /**
   * Issue 14 (`breakdown`): each compression alone, weight 1, with the index of its log array
   * (-1 for the linear one; 0 weights are skipped).
   */
  private readonly termPasses: { k: number; pass: Pass; log: number }[];
  /** How many log arrays a spectrogram needs: one per log-type compression. */
  readonly logCount: number;

  /**
   * @param table Byte offset of TABLE_DOUBLES float64 values in `memory` (16-byte aligned) reserved
   *   for the module (the log table is written here).
   * @param float32 Issue 17: also the float32 loss loop ({@link MssWasm.fused32}, for the float32
   *   route's float32 rows).
   */
  constructor(
    mod: WebAssembly.Module,
    memory: WebAssembly.Memory,
    table: number,
    compressions: readonly ResolvedCompression[],
    float32 = false,
  ) {
    this.ex = new WebAssembly.Instance(mod, { env: { log: Math.log, memory } })
      .exports as unknown as Exports;
    const mod32 = float32 ? loss32Module() : null;
    if (mod32) {
      const env = { logs: this.ex.logs, fused: this.ex.fused, memory };
      const ex32 = new WebAssembly.Instance(mod32, { env }).exports as {
        fused: Fused32;
        setTable(p: number): void;
      };
      ex32.setTable(table + 8 * TABLE64_DOUBLES);
      this.fn32 = ex32.fused;
    }
    this.passes = passesOf(compressions);
    this.logCount = this.passes.filter((p) => p.kind !== 2).length;
    let logs = 0;
    this.termPasses = [];
    compressions.forEach((c, k) => {
      const p = logPass(c);
      const log = p === null ? -1 : logs++;
      if (c.weight === 0) return;
      const pass = p === null ? { ...passesOf([])[0]!, wlin: 1 } : { ...p, wlin: 0, wlog: 1 };
      this.termPasses.push({ k, pass, log });
    });
    writeLogTable(new Float64Array(memory.buffer), table / 8);
    this.ex.setTable(table);
  }

  /** y[i] = log u_j(x[i]) for i < n, for the j-th log-type compression (float64 at byte offsets). */
  logs(j: number, x: number, n: number, y: number): void {
    const p = this.passes[j]!;
    this.ex.logs(p.kind, x, n, y, p.b, p.c, p.eps, p.thr);
  }

  /**
   * Issue 14: the magnitude form S (magnitude-forms.ts, not the identity) of `n` magnitudes at
   * byte offset `x` into `out`, and with `deriv` dS/dm there: applyMagnitudeForm's numbers.
   */
  magnitudeForm(form: MagnitudeForm, x: number, n: number, out: number, deriv?: number): void {
    const square = form.power === 2 ? 1 : 0;
    this.ex.form(x, n, out, deriv ?? 0, form.offset, square, deriv === undefined ? 0 : 1);
  }

  /** y[i] *= e[i] for i < n (byte offsets). */
  multiply(y: number, e: number, n: number): void {
    this.ex.mul(y, e, n);
  }

  /**
   * Issue 14 (`breakdown`): for every compression k of weight w_k != 0, the unweighted
   * sum over i < n of dist(p_k(x[i]) - p_k(t[i])), passed to `term(k, sum)` (arguments as
   * {@link MssWasm.fused}).
   */
  terms(
    squared: boolean,
    x: number,
    t: number,
    lx: readonly number[],
    lt: readonly number[],
    n: number,
    term: (k: number, sum: number) => void,
  ): void {
    for (const { k, pass: p, log } of this.termPasses) {
      const lxj = log < 0 ? 0 : lx[log]!;
      const ltj = log < 0 ? 0 : lt[log]!;
      const sum = this.ex.fused(
        ...head(p, squared, false, false, x, t),
        lxj,
        ltj,
        ...tail(p, n, 0, 1),
      );
      term(k, sum);
    }
  }

  /**
   * sum over i < n and compressions k of w_k dist(p_k(x[i]) - p_k(t[i])) (|.| or squared, w_k the
   * compression's weight) for the magnitudes x (estimate) and t (target), given their logs from
   * {@link MssWasm.logs} (`lx[j]`, `lt[j]` per log-type compression j), and with `grad` the
   * gradient of `weight` times it w.r.t. x (dL/d|X|, the adjoint STFT's input), stored into g.
   */
  fused(
    squared: boolean,
    grad: boolean,
    x: number,
    t: number,
    lx: readonly number[],
    lt: readonly number[],
    n: number,
    g: number,
    weight: number,
  ): number {
    let sum = 0;
    this.passes.forEach((p, j) => {
      sum += this.ex.fused(
        ...head(p, squared, grad, j > 0, x, t),
        lx[j] ?? 0,
        lt[j] ?? 0,
        ...tail(p, n, g, weight),
      );
    });
    return sum;
  }

  /**
   * Issue 17: {@link MssWasm.fused} on float32 rows (the float32 route's): the magnitudes x and t
   * (`n` float32 values each), the target's logs from `lt[j]` (float32 rows, a fixed target's) or
   * computed in the loop (`lt` undefined), the estimate's always computed there; with `grad`
   * dL/d|X| stored into the float32 rows at g. Needs the instance made with `float32`.
   */
  fused32(
    squared: boolean,
    grad: boolean,
    x: number,
    t: number,
    lt: readonly number[] | undefined,
    n: number,
    g: number,
    weight: number,
  ): number {
    const fn = this.fn32!;
    let sum = 0;
    this.passes.forEach((p, j) => {
      sum += fn(...head(p, squared, grad, j > 0, x, t), lt?.[j] ?? 0, ...tail(p, n, g, weight));
    });
    return sum;
  }
}

/**
 * Issue 14: a filterbank in a scale's memory, applied by the module (wasm/mss.wat `bands`,
 * `bandsT`) with the numbers of src/scales/filterbank.ts's `applyFilterbank` and
 * `applyFilterbankTranspose`, to the last bit.
 */
export class WasmFilterbank {
  /** Values per row out of {@link WasmFilterbank.apply}. */
  readonly bands: number;
  readonly bins: number;
  private readonly ex: Exports;
  private readonly w: number;
  private readonly idx: number;

  /**
   * @param reserve Reserves `doubles` float64 values of `memory` for good (WasmStft.reserve) and
   *   returns their byte offset: the filterbank's weights and its ranges are written there.
   */
  constructor(
    loss: MssWasm,
    memory: WebAssembly.Memory,
    reserve: (doubles: number) => number,
    fb: Filterbank,
  ) {
    this.ex = loss.exports;
    this.bands = fb.bands;
    this.bins = fb.bins;
    const nnz = fb.weights.length;
    // The weights, then the starts and offsets as int32 (two per float64).
    this.w = reserve(nnz + Math.ceil((2 * fb.bands + 1) / 2));
    this.idx = this.w + 8 * nnz;
    new Float64Array(memory.buffer, this.w, nnz).set(fb.weights);
    const ints = new Int32Array(memory.buffer, this.idx, 2 * fb.bands + 1);
    ints.set(fb.starts);
    ints.set(fb.offsets, fb.bands);
  }

  /** S = M W^T: `rows` rows of `bins` values at byte offset `x` into rows x bands at `out`. */
  apply(x: number, rows: number, out: number): void {
    this.ex.bands(this.w, this.idx, this.bands, this.bins, x, rows, out);
  }

  /** dM = dS W: rows x bands at `g` into rows x bins at `out` (overwritten). */
  transpose(g: number, rows: number, out: number): void {
    this.ex.bandsT(this.w, this.idx, this.bands, this.bins, g, rows, out);
  }
}
