/**
 * The loss's hot loops in WebAssembly (SIMD): wasm/mss.wat computes the logs of the log-type
 * compressions (a two-lane table-driven log), then the distance and the gradient w.r.t. the
 * magnitudes from both spectrograms' magnitudes and logs, the numbers of src/fused.ts and
 * src/compression.ts to rounding (the compression's form a log(b + c x) comes from there). It works in the memory of a scale's STFT module (see
 * src/wasm/pipeline.ts).
 */
import { compileWasm } from '@losses/tensor/internal';
import { logForm, type ResolvedCompression } from '../compression.js';
import { WASM_BASE64 } from './module.js';
import { WASM_BASE64 as WASM32_BASE64 } from './module32.js';

interface Exports {
  setTable(p: number): void;
  logs(kind: number, x: number, n: number, y: number, b: number, c: number, eps: number): void;
  fused(
    kind: number,
    squared: number,
    grad: number,
    add: number,
    x: number,
    t: number,
    lx: number,
    lt: number,
    n: number,
    g: number,
    wlin: number,
    wlog: number,
    weight: number,
    a: number,
    b: number,
    c: number,
    eps: number,
  ): number;
}

let compiled: WebAssembly.Module | null | undefined;
let compiled32: WebAssembly.Module | null | undefined;

/** The float32 logs' module (wasm/mss32.wat), or null where WebAssembly SIMD is unavailable. */
function logs32Module(): WebAssembly.Module | null {
  if (compiled32 === undefined) compiled32 = compileWasm(WASM32_BASE64);
  return compiled32;
}

/** The float32 logs' export (wasm/mss32.wat): the signature of Exports.logs. */
type Logs = Exports['logs'];

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function mssModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileWasm(WASM_BASE64);
  return compiled;
}

/**
 * One pass of the loss loop (wasm/mss.wat): a linear term of weight `wlin` plus a log-type
 * compression (kind 0 log / db, 1 safeLog, 3 log1p, with A, b, c, eps) of weight `wlog`, or none
 * (kind 2).
 */
interface Pass {
  kind: number;
  a: number;
  b: number;
  c: number;
  eps: number;
  wlin: number;
  wlog: number;
}

/** The module's kind of a log form: 0 log(b + c x), 1 safeLog, 3 log1p (2: no log, see Pass). */
const KIND = { log: 0, safeLog: 1, log1p: 3 } as const;

/**
 * The passes of a list of compressions: every log-type compression gets its own pass with its form
 * a log(b + c x) (compression.ts), and the linear ones (their weights summed) ride along with the
 * first.
 */
function passesOf(compressions: readonly ResolvedCompression[]): Pass[] {
  let wlin = 0;
  const passes: Pass[] = [];
  for (const c of compressions) {
    const f = logForm(c);
    if (f === null) wlin += c.weight;
    else
      passes.push({
        kind: KIND[f.kind],
        a: f.a,
        b: f.b,
        c: f.c,
        eps: f.eps,
        wlin: 0,
        wlog: c.weight,
      });
  }
  if (passes.length === 0) passes.push({ kind: 2, a: 1, b: 0, c: 1, eps: 0, wlin: 0, wlog: 0 });
  passes[0]!.wlin = wlin;
  return passes;
}

/**
 * Float64 values of the region the module works in (wasm/mss.wat): the log table (c, 1/c and
 * log c for 128 subintervals, 32 bytes each), the module's constants and its parameters.
 */
export const TABLE_DOUBLES = 562;

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
  /** The logs in use: float64 (wasm/mss.wat), or float32 (wasm/mss32.wat, see the constructor). */
  private readonly logFn: Logs;
  private readonly passes: Pass[];
  /** How many log arrays a spectrogram needs: one per log-type compression. */
  readonly logCount: number;

  /**
   * @param table Byte offset of TABLE_DOUBLES float64 values in `memory` (16-byte aligned) reserved
   *   for the module (the log table is written here).
   * @param float32 Issue 17: the logs in float32 lanes (for magnitudes that are float32 values, the
   *   float32 route's), stored as float64; within about 1 ulp of float32 of the float64 logs.
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
    const mod32 = float32 ? logs32Module() : null;
    this.logFn = mod32
      ? (new WebAssembly.Instance(mod32, { env: { logs: this.ex.logs, memory } }).exports
          .logs as Logs)
      : this.ex.logs;
    this.passes = passesOf(compressions);
    this.logCount = this.passes.filter((p) => p.kind !== 2).length;
    writeLogTable(new Float64Array(memory.buffer), table / 8);
    this.ex.setTable(table);
  }

  /** y[i] = log u_j(x[i]) for i < n, for the j-th log-type compression (float64 at byte offsets). */
  logs(j: number, x: number, n: number, y: number): void {
    const p = this.passes[j]!;
    this.logFn(p.kind, x, n, y, p.b, p.c, p.eps);
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
        p.kind,
        squared ? 1 : 0,
        grad ? 1 : 0,
        j > 0 ? 1 : 0,
        x,
        t,
        lx[j] ?? 0,
        lt[j] ?? 0,
        n,
        g,
        p.wlin,
        p.wlog,
        weight,
        p.a,
        p.b,
        p.c,
        p.eps,
      );
    });
    return sum;
  }
}
