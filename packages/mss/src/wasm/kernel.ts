/**
 * The loss's hot loop in WebAssembly (SIMD): wasm/mss.wat computes the compressions (with a
 * two-lane version of fdlibm's log), the distance and the gradient w.r.t. the magnitudes, the
 * numbers of src/fused.ts and src/compression.ts to rounding. It works in the memory of a scale's
 * STFT module (see src/wasm/pipeline.ts).
 */
import type { ResolvedCompression } from '../compression.js';
import { WASM_BASE64 } from './module.js';

interface Exports {
  compress(
    kind: number,
    x: number,
    n: number,
    y: number,
    a: number,
    b: number,
    c: number,
    logEps: number,
  ): void;
  fused(
    kind: number,
    squared: number,
    grad: number,
    x: number,
    t: number,
    n: number,
    g: number,
    weight: number,
    a: number,
    b: number,
    c: number,
    logEps: number,
  ): number;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
export function mssModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(WASM_BASE64);
      const bytes = new Uint8Array(text.length);
      for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
      // Synchronous compilation is allowed for modules under 4 KiB on a browser's main thread.
      compiled = new WebAssembly.Module(bytes);
    } catch {
      compiled = null;
    }
  }
  return compiled;
}

/** A compression as the module's (kind, A, b, c, log eps) (see wasm/mss.wat). */
interface WasmCompression {
  kind: number;
  a: number;
  b: number;
  c: number;
  logEps: number;
}

function wasmCompression(c: ResolvedCompression): WasmCompression {
  switch (c.kind) {
    case 'linear':
      return { kind: 2, a: 1, b: 0, c: 1, logEps: 0 };
    case 'log':
      return { kind: 0, a: 1, b: c.eps, c: 1, logEps: 0 };
    case 'db':
      return { kind: 0, a: 20 / Math.LN10, b: c.eps, c: 1, logEps: 0 };
    case 'log1p':
      return { kind: 0, a: 1, b: 1, c: c.gamma, logEps: 0 };
    case 'safeLog':
      return { kind: 1, a: 1, b: 0, c: 1, logEps: Math.log(c.eps) };
  }
}

/** The loss loop of one scale, on the given memory (byte offsets into it). */
export class MssWasm {
  private readonly ex: Exports;
  private readonly comps: WasmCompression[];

  constructor(
    mod: WebAssembly.Module,
    memory: WebAssembly.Memory,
    compressions: readonly ResolvedCompression[],
  ) {
    this.ex = new WebAssembly.Instance(mod, { env: { log: Math.log, memory } })
      .exports as unknown as Exports;
    this.comps = compressions.map(wasmCompression);
  }

  /** y[i] = p_k(x[i]) for i < n (compression k of the loss; float64 at byte offsets x, y). */
  compress(k: number, x: number, n: number, y: number): void {
    const c = this.comps[k]!;
    this.ex.compress(c.kind, x, n, y, c.a, c.b, c.c, c.logEps);
  }

  /**
   * sum over i < n of dist(p_k(x[i]) - t[i]) (|.| or squared), and with `grad` the gradient of
   * `weight` times it w.r.t. x added to g.
   */
  fused(
    k: number,
    squared: boolean,
    grad: boolean,
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
      x,
      t,
      n,
      g,
      weight,
      c.a,
      c.b,
      c.c,
      c.logEps,
    );
  }
}
