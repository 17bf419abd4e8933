/**
 * The STFT kernel with its transforms in WebAssembly: {@link WasmStft}'s spectra, magnitudes and
 * adjoint (about 3x faster than the JavaScript kernel). Work that does not fit in a WebAssembly
 * memory (see `setWasmMemoryLimit`) runs in the JavaScript kernel, made on first need.
 */
import type { FloatArray } from '@losses/tensor';
import { type Framed, Framer } from '../framing.js';
import { JsStftKernel } from '../js-kernel.js';
import type { StftKernel } from '../kernel.js';
import type { ResolvedStft } from '../options.js';
import type { WasmStft } from './kernel.js';

export class WasmStftKernel implements StftKernel {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  private readonly wasm: WasmStft;
  private fallback: JsStftKernel | undefined;

  constructor(cfg: ResolvedStft, wasm: WasmStft, framer = new Framer(cfg)) {
    this.cfg = cfg;
    this.framer = framer;
    this.wasm = wasm;
  }

  /** The JavaScript kernel, for calls that do not fit in the WebAssembly memory. */
  private js(): JsStftKernel {
    this.fallback ??= new JsStftKernel(this.cfg, this.framer);
    return this.fallback;
  }

  /** Whether a call on `f` fits in the WebAssembly memory (its signals, spectra and magnitudes). */
  private fits(f: Framed): boolean {
    const count = f.batch * f.frames * this.cfg.bins;
    return this.wasm.fits(f.padded.length, 2 * count, count);
  }

  spectra(f: Framed): Float64Array {
    const total = f.batch * f.frames;
    const out = new Float64Array(total * this.cfg.bins * 2);
    const ok =
      this.fits(f) &&
      tryWasm(() => this.wasm.spectra(f.padded, f.frames, total, f.paddedLength, out));
    return ok ? out : this.js().spectra(f);
  }

  magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    const total = f.batch * f.frames;
    const ok =
      this.fits(f) &&
      tryWasm(() => this.wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, out));
    if (!ok) this.js().magnitudes(f, out, eps);
  }

  analyze(f: Framed, eps: number | undefined): { spec: Float64Array; mag: Float64Array } {
    const total = f.batch * f.frames;
    const count = total * this.cfg.bins;
    const spec = new Float64Array(2 * count);
    const mag = new Float64Array(count);
    const ok =
      this.fits(f) &&
      tryWasm(() =>
        this.wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, mag, spec),
      );
    return ok ? { spec, mag } : this.js().analyze(f, eps);
  }

  backward(
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
    if (!ok) return this.js().backward(f, spec, mag, dMag, eps);
    const gx = new Float64Array(f.batch * f.length);
    this.framer.addUnpadded(f, gp, gx);
    return gx;
  }
}

/** Runs `f`; false if a WebAssembly memory could not grow (RangeError), so the caller falls back. */
export function tryWasm(f: () => void): boolean {
  try {
    f();
    return true;
  } catch (e) {
    if (e instanceof RangeError) return false;
    throw e;
  }
}
