/**
 * The STFT kernels behind a plan: one interface, two siblings (the JavaScript kernel, js-kernel.ts,
 * and the WebAssembly kernel, wasm/stft-kernel.ts), each framing through the plan's `Framer`.
 * `createKernel` builds only the one it uses.
 */
import type { FloatArray } from '@losses/tensor';
import type { Framed, Framer } from './framing.js';
import { JsStftKernel } from './js-kernel.js';
import type { ResolvedStft } from './options.js';
import { WasmStft, wasmSupports } from './wasm/kernel.js';
import { WasmStftKernel } from './wasm/stft-kernel.js';

/** The transforms of one resolved configuration, on signals framed by its {@link Framer}. */
export interface StftKernel {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  /** One-sided spectra of every frame: `[batch * frames, bins, 2]` float64. */
  spectra(f: Framed): Float64Array;
  /**
   * |X| of every frame into `out` (`[batch * frames * bins]`), with an optional power floor:
   * sqrt(max(re^2 + im^2, eps)).
   */
  magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void;
  /** The spectra and the float64 magnitudes of every frame, from one transform. */
  analyze(f: Framed, eps: number | undefined): { spec: Float64Array; mag: Float64Array };
  /**
   * dL/dx for L depending on the magnitudes, given dL/d|X| (`dMag`, `[batch * frames * bins]`)
   * and the forward's spectra and float64 magnitudes (from {@link StftKernel.analyze}). Per frame,
   * with G[k] = dMag[k] X[k] / |X[k]| (0 where |X| <= sqrt(eps), the floor, or |X| = 0):
   * dL/d(frame)[j] = w[j] Re sum_{k < bins} G[k] exp(+2 pi i j k / n); then the overlap-add of
   * frames and the adjoint of the padding. Returns `[batch, length]` float64.
   */
  backward(
    f: Framed,
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    eps: number | undefined,
  ): Float64Array;
}

/**
 * The kernel for a configuration: WebAssembly where the runtime has SIMD, the one switch of
 * `@losses/tensor/internal` allows it and its tables fit in a WebAssembly memory, else JavaScript.
 */
export function createKernel(cfg: ResolvedStft, framer?: Framer): StftKernel {
  const wasm = wasmSupports(cfg.size) ? WasmStft.create(cfg.size, cfg.hop, cfg.window) : null;
  return wasm === null ? new JsStftKernel(cfg, framer) : new WasmStftKernel(cfg, wasm, framer);
}
