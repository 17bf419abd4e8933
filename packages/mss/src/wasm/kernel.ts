/**
 * The loss's hot loop in WebAssembly (SIMD): wasm/mss.wat computes the compressions' difference
 * (one two-lane table-driven log of a ratio per element), the distance and the gradient w.r.t. the
 * magnitudes, the numbers of src/fused.ts and src/compression.ts to rounding. It works in the memory of a scale's
 * STFT module (see src/wasm/pipeline.ts).
 */
import { compileWasm } from '@losses/stft/internal';
import type { ResolvedCompression } from '../compression.js';
import { WASM_BASE64 } from './module.js';

interface Exports {
  setTable(p: number): void;
  fused(
    kind: number,
    squared: number,
    grad: number,
    add: number,
    x: number,
    t: number,
    n: number,
    g: number,
    weight: number,
    a: number,
    b: number,
    c: number,
    eps: number,
  ): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function mssModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileWasm(WASM_BASE64);
  return compiled;
}

/** A compression as the module's (kind, A, b, c, eps) (see wasm/mss.wat). */
interface WasmCompression {
  kind: number;
  a: number;
  b: number;
  c: number;
  eps: number;
}

function wasmCompression(c: ResolvedCompression): WasmCompression {
  switch (c.kind) {
    case 'linear':
      return { kind: 2, a: 1, b: 0, c: 1, eps: 0 };
    case 'log':
      return { kind: 0, a: 1, b: c.eps, c: 1, eps: 0 };
    case 'db':
      return { kind: 0, a: 20 / Math.LN10, b: c.eps, c: 1, eps: 0 };
    case 'log1p':
      return { kind: 0, a: 1, b: 1, c: c.gamma, eps: 0 };
    case 'safeLog':
      return { kind: 1, a: 1, b: 0, c: 1, eps: c.eps };
  }
}

/**
 * Float64 values of the region the module works in (wasm/mss.wat): the log table (c, 1/c and
 * log c for 128 subintervals, 32 bytes each), the module's constants and its parameters.
 */
export const TABLE_DOUBLES = 558;

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
  private readonly comps: WasmCompression[];

  /**
   * @param table Byte offset of TABLE_DOUBLES float64 values in `memory` (16-byte aligned) reserved
   *   for the module (the log table is written here).
   */
  constructor(
    mod: WebAssembly.Module,
    memory: WebAssembly.Memory,
    table: number,
    compressions: readonly ResolvedCompression[],
  ) {
    this.ex = new WebAssembly.Instance(mod, { env: { log: Math.log, memory } })
      .exports as unknown as Exports;
    this.comps = compressions.map(wasmCompression);
    writeLogTable(new Float64Array(memory.buffer), table / 8);
    this.ex.setTable(table);
  }

  /**
   * sum over i < n of dist(p_k(x[i]) - p_k(t[i])) (|.| or squared) for the magnitudes x (estimate)
   * and t (target), and with `grad` the gradient of `weight` times it w.r.t. x, stored into g (or
   * added to it with `add`).
   */
  fused(
    k: number,
    squared: boolean,
    grad: boolean,
    add: boolean,
    x: number,
    t: number,
    n: number,
    g: number,
    weight: number,
  ): number {
    const c = this.comps[k]!;
    return this.ex.fused(
      c.kind,
      squared ? 1 : 0,
      grad ? 1 : 0,
      add ? 1 : 0,
      x,
      t,
      n,
      g,
      weight,
      c.a,
      c.b,
      c.c,
      c.eps,
    );
  }
}
