/**
 * The WebAssembly (SIMD) path of the STFT kernel: power-of-two sizes, where wasm/stft.wat runs the
 * windowing, the FFT, the split of two real frames and the adjoint about 3x faster than the
 * JavaScript kernel. Used when the runtime supports WebAssembly SIMD (Node >= 16.4, current
 * browsers); everything else falls back to the JavaScript kernel, which computes the same numbers
 * (to rounding: the two FFTs round differently, both well within 1e-15 relative).
 */
import type { FloatArray } from '@losses/tensor';
import { STFT_WASM_BASE64 } from './module.js';

interface Exports {
  memory: WebAssembly.Memory;
  fft(n: number, x: number, y: number, tw: number): void;
  spectra(
    n: number,
    bins: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    sig: number,
    win: number,
    tw: number,
    x: number,
    y: number,
    out: number,
  ): void;
  magnitudes(spec: number, count: number, floor: number, out: number): void;
  backward(
    n: number,
    bins: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    spec: number,
    dmag: number,
    floor: number,
    win: number,
    tw: number,
    x: number,
    y: number,
    gp: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
let enabled = true;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) {
    try {
      const text = atob(STFT_WASM_BASE64);
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

/**
 * Turns the WebAssembly path on or off for kernels created afterwards (tests compare the two paths
 * with it). Returns the previous setting.
 */
export function setWasmEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

/** Whether {@link WasmStft} can serve an FFT of size n here. */
export function wasmSupports(n: number): boolean {
  return enabled && n >= 4 && (n & (n - 1)) === 0 && compiledModule() !== null;
}

const PAGE = 65536;

/**
 * One configuration's WebAssembly instance: its memory holds the twiddles, the window (each value
 * twice), two FFT work buffers, then the per-call data (signals, spectra, gradients), grown on
 * demand. Results are copied out: nothing returned aliases the instance's memory.
 */
export class WasmStft {
  private readonly ex: Exports;
  private readonly n: number;
  private readonly bins: number;
  private readonly hop: number;
  private readonly tw: number;
  private readonly win: number;
  private readonly x: number;
  private readonly y: number;
  /** Start of the per-call region (16-byte aligned). */
  private readonly base: number;

  constructor(n: number, hop: number, window: Float64Array) {
    const mod = compiledModule();
    if (mod === null) throw new Error('WebAssembly SIMD is not available');
    this.ex = new WebAssembly.Instance(mod).exports as unknown as Exports;
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    this.hop = hop;
    // Twiddles: for each radix-4 pass of length L = n, n/4, ... >= 4: L/4 entries of 96 bytes.
    let twBytes = 0;
    for (let len = n; len >= 4; len >>= 2) twBytes += (len / 4) * 96;
    this.tw = 0;
    this.win = this.tw + twBytes;
    this.x = this.win + 16 * n;
    this.y = this.x + 16 * n;
    this.base = this.y + 16 * n;
    const f = this.f64(this.base);
    let o = this.tw / 8;
    for (let len = n; len >= 4; len >>= 2) {
      for (let p = 0; p < len / 4; p++) {
        for (let r = 1; r <= 3; r++) {
          // w^r = exp(-2 pi i p r / L) as [c, c], [-d, d] with w = c + i d.
          const a = (-2 * Math.PI * ((p * r) % len)) / len;
          const c = Math.cos(a);
          const d = Math.sin(a);
          f[o++] = c;
          f[o++] = c;
          f[o++] = -d;
          f[o++] = d;
        }
      }
    }
    for (let j = 0; j < n; j++) {
      f[this.win / 8 + 2 * j] = window[j]!;
      f[this.win / 8 + 2 * j + 1] = window[j]!;
    }
  }

  /** A float64 view of the memory after growing it to at least `bytes`. */
  private f64(bytes: number): Float64Array {
    const mem = this.ex.memory;
    if (mem.buffer.byteLength < bytes) {
      mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / PAGE));
    }
    return new Float64Array(mem.buffer);
  }

  /**
   * One-sided spectra (`[total, bins, 2]` float64, into `out`) of the `total = batch * frames`
   * frames of the padded signals `padded` (`[batch, plen]`).
   */
  spectra(
    padded: Float64Array,
    frames: number,
    total: number,
    plen: number,
    out: Float64Array,
  ): void {
    const sig = this.base;
    const spec = sig + 8 * padded.length + (padded.length % 2 === 0 ? 0 : 8);
    const f = this.f64(spec + 16 * total * this.bins);
    f.set(padded, sig / 8);
    this.ex.spectra(
      this.n,
      this.bins,
      this.hop,
      frames,
      total,
      plen,
      sig,
      this.win,
      this.tw,
      this.x,
      this.y,
      spec,
    );
    out.set(f.subarray(spec / 8, spec / 8 + 2 * total * this.bins));
  }

  /** |X| = sqrt(max(re^2 + im^2, floor)) of every frame into `out` (`[total * bins]`). */
  magnitudes(
    padded: Float64Array,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    out: FloatArray,
  ): void {
    const sig = this.base;
    const spec = sig + 8 * padded.length + (padded.length % 2 === 0 ? 0 : 8);
    const count = total * this.bins;
    const mags = spec + 16 * count;
    const f = this.f64(mags + 8 * count);
    f.set(padded, sig / 8);
    this.ex.spectra(
      this.n,
      this.bins,
      this.hop,
      frames,
      total,
      plen,
      sig,
      this.win,
      this.tw,
      this.x,
      this.y,
      spec,
    );
    this.ex.magnitudes(spec, count, floor, mags);
    out.set(f.subarray(mags / 8, mags / 8 + count));
  }

  /**
   * The padded-signal gradient (`[batch, plen]`, into `gp`) given the spectra (`[total, bins, 2]`)
   * and dL/d|X| (`[total * bins]`): the adjoint of {@link WasmStft.magnitudes}.
   */
  backward(
    spec: Float64Array,
    dMag: FloatArray,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    gp: Float64Array,
  ): void {
    const count = total * this.bins;
    const specAt = this.base;
    const dAt = specAt + 16 * count;
    const gAt = dAt + 8 * count + (count % 2 === 0 ? 0 : 8);
    const f = this.f64(gAt + 8 * gp.length);
    f.set(spec.subarray(0, 2 * count), specAt / 8);
    f.set(dMag.subarray(0, count), dAt / 8);
    f.fill(0, gAt / 8, gAt / 8 + gp.length);
    this.ex.backward(
      this.n,
      this.bins,
      this.hop,
      frames,
      total,
      plen,
      specAt,
      dAt,
      floor,
      this.win,
      this.tw,
      this.x,
      this.y,
      gAt,
    );
    gp.set(f.subarray(gAt / 8, gAt / 8 + gp.length));
  }
}
