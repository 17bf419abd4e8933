/**
 * The STFT kernel with its transforms in WebAssembly: the JavaScript kernel's framing, and
 * {@link WasmStft}'s spectra, magnitudes and adjoint (about 3x faster). Every plan uses it where
 * the runtime has WebAssembly SIMD; {@link setWasmEnabled} turns it off (tests of the fallback).
 */
import type { FloatArray } from '@losses/tensor';
import { addUnpadded, type Framed, StftKernel } from '../kernel.js';
import type { ResolvedStft } from '../options.js';
import { WasmStft, wasmSupports } from './kernel.js';

class WasmStftKernel extends StftKernel {
  private readonly wasm: WasmStft;

  constructor(cfg: ResolvedStft) {
    super(cfg);
    this.wasm = new WasmStft(cfg.size, cfg.hop, cfg.window);
  }

  override spectra(f: Framed): Float64Array {
    const total = f.batch * f.frames;
    const out = new Float64Array(total * this.cfg.bins * 2);
    this.wasm.spectra(f.padded, f.frames, total, f.paddedLength, out);
    return out;
  }

  override magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    this.wasm.magnitudes(f.padded, f.frames, f.batch * f.frames, f.paddedLength, eps ?? 0, out);
  }

  override backward(
    f: Framed,
    spec: Float64Array,
    dMag: FloatArray,
    eps: number | undefined,
  ): Float64Array {
    const gp = new Float64Array(f.batch * f.paddedLength);
    this.wasm.backward(spec, dMag, f.frames, f.batch * f.frames, f.paddedLength, eps ?? 0, gp);
    const gx = new Float64Array(f.batch * f.length);
    addUnpadded(this.cfg, f, gp, gx);
    return gx;
  }
}

/** The kernel for a configuration: WebAssembly where available, else JavaScript. */
export function createKernel(cfg: ResolvedStft): StftKernel {
  return wasmSupports(cfg.size) ? new WasmStftKernel(cfg) : new StftKernel(cfg);
}
