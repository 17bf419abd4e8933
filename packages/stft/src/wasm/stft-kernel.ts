/**
 * The STFT kernel with its transforms in WebAssembly: the JavaScript kernel's framing, and
 * {@link WasmStft}'s spectra, magnitudes and adjoint (about 3x faster). Every plan uses it where
 * the runtime has WebAssembly SIMD; {@link setWasmEnabled} turns it off (tests of the fallback).
 * Work that does not fit in a WebAssembly memory (see `setWasmMemoryLimit`) runs in JavaScript.
 */
import type { FloatArray } from '@losses/tensor';
import { addUnpadded, type Framed, StftKernel } from '../kernel.js';
import type { ResolvedStft } from '../options.js';
import { WasmStft, wasmSupports } from './kernel.js';

class WasmStftKernel extends StftKernel {
  private readonly wasm: WasmStft;

  constructor(cfg: ResolvedStft, wasm: WasmStft) {
    super(cfg);
    this.wasm = wasm;
  }

  /** Whether a call on `f` fits in the WebAssembly memory (its signals, spectra and magnitudes). */
  private fits(f: Framed, extra = 0): boolean {
    const count = f.batch * f.frames * this.cfg.bins;
    return this.wasm.fits(f.padded.length, 2 * count, count, extra);
  }

  override spectra(f: Framed): Float64Array {
    const total = f.batch * f.frames;
    const out = new Float64Array(total * this.cfg.bins * 2);
    const ok =
      this.fits(f) &&
      tryWasm(() => this.wasm.spectra(f.padded, f.frames, total, f.paddedLength, out));
    return ok ? out : super.spectra(f);
  }

  override magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    const total = f.batch * f.frames;
    const ok =
      this.fits(f) &&
      tryWasm(() => this.wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, out));
    if (!ok) super.magnitudes(f, out, eps);
  }

  override analyze(f: Framed, eps: number | undefined): { spec: Float64Array; mag: Float64Array } {
    const total = f.batch * f.frames;
    const count = total * this.cfg.bins;
    const spec = new Float64Array(2 * count);
    const mag = new Float64Array(count);
    const ok =
      this.fits(f) &&
      tryWasm(() =>
        this.wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, mag, spec),
      );
    return ok ? { spec, mag } : super.analyze(f, eps);
  }

  override backward(
    f: Framed,
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    eps: number | undefined,
  ): Float64Array {
    const count = f.batch * f.frames * this.cfg.bins;
    const gp = new Float64Array(f.batch * f.paddedLength);
    const ok =
      this.wasm.fits(2 * count, count, count, gp.length) &&
      tryWasm(() =>
        this.wasm.backward(
          spec,
          mag,
          dMag,
          f.frames,
          f.batch * f.frames,
          f.paddedLength,
          eps ?? 0,
          gp,
        ),
      );
    if (!ok) return super.backward(f, spec, mag, dMag, eps);
    const gx = new Float64Array(f.batch * f.length);
    addUnpadded(this.cfg, f, gp, gx);
    return gx;
  }
}

/** Runs `f`; false if a WebAssembly memory could not grow (RangeError), so the caller falls back. */
function tryWasm(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}

/**
 * The kernel for a configuration: WebAssembly where available and its tables fit in a
 * WebAssembly memory, else JavaScript.
 */
export function createKernel(cfg: ResolvedStft): StftKernel {
  if (!wasmSupports(cfg.size)) return new StftKernel(cfg);
  const wasm = WasmStft.create(cfg.size, cfg.hop, cfg.window);
  return wasm === null ? new StftKernel(cfg) : new WasmStftKernel(cfg, wasm);
}
