/**
 * The WebAssembly (SIMD) STFT: wasm/stft.wat runs the windowing, the FFT (Stockham for 3^a 2^b,
 * a direct DFT for small odd sizes, Bluestein for the others), the split of two real frames and
 * the adjoint about 3x faster than the JavaScript kernel. Used when the runtime supports
 * WebAssembly SIMD (Node >= 16.4, current browsers); everywhere else the JavaScript kernel
 * computes the same numbers (to rounding: the two FFTs round differently, both well within 1e-15
 * relative).
 */
import type { FloatArray } from '@losses/tensor';
import { compileWasm, wasmEnabled } from '@losses/tensor/internal';
import { isSmooth3 } from '../fft/number-theory.js';
import { WASM_BASE64 } from './module.js';

interface Exports {
  memory: WebAssembly.Memory;
  fft(n: number, x: number, y: number, tw: number): void;
  spectra(
    plan: number,
    bins: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    sig: number,
    win: number,
    x: number,
    out: number,
    mag: number,
    floor: number,
  ): void;
  backward(
    plan: number,
    bins: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    spec: number,
    mag: number,
    dmag: number,
    floor: number,
    win: number,
    x: number,
    gp: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;

/** The compiled module, or null where WebAssembly SIMD is unavailable. */
function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileWasm(WASM_BASE64);
  return compiled;
}

/** How the module transforms a size: Stockham (n = 3^a 2^b), by the definition (small odd sizes,
 * where 2 ((n - 1) / 2)^2 multiply-adds beat an FFT), or Bluestein. */
export type WasmAlgorithm = 'radix' | 'direct' | 'bluestein';

/**
 * The Stockham passes of the module's FFT for n = 3^a 2^b: radix 3 while 3 divides the length,
 * then radix 4, then one radix 2 when b is odd (wasm/stft.wat).
 */
function passes(n: number): number[] {
  const out: number[] = [];
  let len = n;
  while (len >= 3 && len % 3 === 0) {
    out.push(3);
    len /= 3;
  }
  while (len >= 4) {
    out.push(4);
    len /= 4;
  }
  if (len === 2) out.push(2);
  return out;
}

/** Float64 values of the twiddle table of an FFT of size n: 8 per p of a radix-3 pass, 12 of radix 4. */
function twiddleCount(n: number): number {
  let count = 0;
  let len = n;
  for (const r of passes(n)) {
    if (r !== 2) count += (len / r) * (r === 3 ? 8 : 12);
    len /= r;
  }
  return count;
}

/** Writes the twiddles of an FFT of size n at f[o]: w^j = exp(-2 pi i p j / L), j = 1..r-1. */
function writeTwiddles(f: Float64Array, o: number, n: number): void {
  let len = n;
  for (const r of passes(n)) {
    if (r === 2) break;
    for (let p = 0; p < len / r; p++) {
      for (let j = 1; j < r; j++) {
        const angle = (-2 * Math.PI * ((p * j) % len)) / len;
        o = putFactor(f, o, Math.cos(angle), Math.sin(angle));
      }
    }
    len /= r;
  }
}

/**
 * Relative cost of the module's FFT of size n = 3^a 2^b per element and pass (measured on
 * Node 20: a radix-3 pass costs about 1.1 radix-4 passes per element, radix 2 about 0.6).
 */
function fftCost(n: number): number {
  let perElement = 0;
  for (const r of passes(n)) perElement += r === 3 ? 1.1 : r === 4 ? 1 : 0.6;
  return n * perElement;
}

/** Bluestein's convolution length for n: the cheapest 3^a 2^b >= 2n - 1 by {@link fftCost}. */
export function bluesteinSize(n: number): number {
  let best = 0;
  for (let pow3 = 1; pow3 < 4 * n; pow3 *= 3) {
    let m = pow3;
    while (m < 2 * n - 1) m *= 2;
    if (best === 0 || fftCost(m) < fftCost(best)) best = m;
  }
  return best;
}

/**
 * The algorithm {@link WasmStft} uses for size n: Stockham for n = 3^a 2^b, else the cheaper of
 * the direct DFT (odd n) and Bluestein by a cost model measured on Node 20 (per pair of frames,
 * about 3.8e-4 us per multiply-add of the direct DFT, h^2 of them with h = (n - 1) / 2, and
 * 8.4e-4 us per unit of {@link fftCost} for Bluestein's two FFTs): 67 runs direct, 127 Bluestein.
 */
export function wasmAlgorithm(n: number): WasmAlgorithm {
  if (isSmooth3(n)) return 'radix';
  if (n % 2 === 0) return 'bluestein';
  const h = (n - 1) / 2;
  return 3.8 * h * h < 8.4 * fftCost(bluesteinSize(n)) ? 'direct' : 'bluestein';
}

/**
 * Whether {@link WasmStft} can serve an FFT of size n here (any n >= 4): the runtime has
 * WebAssembly SIMD and the one switch of `@losses/tensor/internal` (`LOSSES_WASM=off`,
 * `setWasmEnabled`) allows it.
 */
export function wasmSupports(n: number): boolean {
  return wasmEnabled() && n >= 4 && compiledModule() !== null;
}

const PAGE = 65536;

/** The most bytes a WebAssembly memory may grow to: 4 GiB (wasm32), or less for tests. */
let memoryLimit = 2 ** 32;

/**
 * Sets the largest WebAssembly memory the kernels may use, in bytes (default and at most 4 GiB,
 * the wasm32 address space): per memory, and in @losses/mss for the memories of all scales of a
 * loss together. Work that needs more falls back to the JavaScript kernels (or, in @losses/mss,
 * runs in chunks of items). For tests; returns the previous limit.
 */
export function setWasmMemoryLimit(bytes: number): number {
  const was = memoryLimit;
  memoryLimit = Math.min(bytes, 2 ** 32);
  return was;
}

/** The current limit of {@link setWasmMemoryLimit}. */
export function wasmMemoryLimit(): number {
  return memoryLimit;
}

/**
 * One configuration's WebAssembly instance: its memory holds the twiddles, the window (each value
 * twice), two FFT work buffers, then the per-call data (signals, spectra, gradients), grown on
 * demand. Results are copied out: nothing returned aliases the instance's memory.
 */
export class WasmStft {
  private readonly ex: Exports;
  private readonly bins: number;
  private readonly hop: number;
  /** The DFT plan (see `$dft` in wasm/stft.wat). */
  private readonly plan = 0;
  private readonly win: number;
  private readonly x: number;
  /** Start of the per-call region (16-byte aligned). */
  private base: number;

  /** How the module transforms this size. */
  readonly algorithm: WasmAlgorithm;

  constructor(n: number, hop: number, window: Float64Array, algorithm = wasmAlgorithm(n)) {
    const mod = compiledModule();
    if (mod === null) throw new Error('WebAssembly SIMD is not available');
    this.ex = new WebAssembly.Instance(mod).exports as unknown as Exports;
    this.bins = Math.floor(n / 2) + 1;
    this.hop = hop;
    this.algorithm = algorithm;
    const h = (n - 1) >> 1;
    const m = algorithm === 'bluestein' ? bluesteinSize(n) : 0;
    const fftSize = algorithm === 'radix' ? n : m;
    const twBytes = 8 * twiddleCount(fftSize);
    const tw = 32;
    this.win = tw + twBytes;
    this.x = this.win + 16 * n;
    const y = this.x + 16 * n;
    const table = y + 16 * fftSize;
    const khat = table + (algorithm === 'direct' ? 32 * h * h : 32 * n);
    const work = khat + 32 * m;
    this.base = work + (algorithm === 'direct' ? 32 * h : 16 * m);
    const f = this.f64(this.base);
    const plan = new Int32Array(this.ex.memory.buffer, this.plan, 8);
    plan.set([n, algorithm === 'direct' ? -1 : m, tw, y, table, khat, work]);
    writeTwiddles(f, tw / 8, fftSize);
    for (let j = 0; j < n; j++) {
      f[this.win / 8 + 2 * j] = window[j]!;
      f[this.win / 8 + 2 * j + 1] = window[j]!;
    }
    if (algorithm === 'direct') {
      // [cos, cos], [sin, sin] of 2 pi j k / n (j k reduced mod n, exactly), k and j from 1 to h.
      let o = table / 8;
      for (let k = 1; k <= h; k++) {
        for (let j = 1; j <= h; j++) {
          const angle = (2 * Math.PI * ((j * k) % n)) / n;
          f.fill(Math.cos(angle), o, o + 2);
          f.fill(Math.sin(angle), o + 2, o + 4);
          o += 4;
        }
      }
    } else if (algorithm === 'bluestein') {
      // c[j] = exp(-i pi j^2 / n) (j^2 reduced mod 2n, exactly), and the kernel
      // b[t] = conj(c[t]) for |t| < n, wrapped mod m, transformed by the module's own FFT.
      const b = work / 8;
      f.fill(0, b, b + 2 * m);
      for (let j = 0; j < n; j++) {
        const angle = (-Math.PI * ((j * j) % (2 * n))) / n;
        const c = Math.cos(angle);
        const d = Math.sin(angle);
        putFactor(f, table / 8 + 4 * j, c, d);
        f[b + 2 * j] = c;
        f[b + 2 * j + 1] = -d;
        if (j > 0) {
          f[b + 2 * (m - j)] = c;
          f[b + 2 * (m - j) + 1] = -d;
        }
      }
      this.ex.fft(m, work, y, tw);
      for (let k = 0; k < m; k++) {
        putFactor(f, khat / 8 + 4 * k, f[b + 2 * k]! / m, f[b + 2 * k + 1]! / m);
      }
    }
  }

  /**
   * A plan for size n, or null when its tables do not fit in a WebAssembly memory (see
   * {@link setWasmMemoryLimit}; checked before the memory grows).
   */
  static create(
    n: number,
    hop: number,
    window: Float64Array,
    algorithm = wasmAlgorithm(n),
  ): WasmStft | null {
    try {
      return new WasmStft(n, hop, window, algorithm);
    } catch (e) {
      if (e instanceof RangeError) return null;
      throw e;
    }
  }

  /** The instance's memory (a loss's own module may import it to work on the same data). */
  get memory(): WebAssembly.Memory {
    return this.ex.memory;
  }

  /**
   * A float64 view of the memory after growing it to at least `bytes`. Views made before a call
   * that grows the memory are detached: take a new one after every call that may grow it.
   */
  f64(bytes: number): Float64Array {
    const mem = this.ex.memory;
    if (mem.buffer.byteLength < bytes) {
      if (bytes > memoryLimit) {
        throw new RangeError(`WebAssembly memory of ${bytes} bytes exceeds ${memoryLimit}`);
      }
      mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / PAGE));
    }
    return new Float64Array(mem.buffer);
  }

  /**
   * The memory in bytes a {@link WasmStft.layout} of these regions needs (its end offset);
   * nothing is allocated.
   */
  bytesFor(...doubles: number[]): number {
    let o = this.base;
    for (const d of doubles) o += 8 * (d + (d % 2));
    return o;
  }

  /**
   * Whether a {@link WasmStft.layout} of these regions fits in the memory limit (see
   * {@link setWasmMemoryLimit}); nothing is allocated.
   */
  fits(...doubles: number[]): boolean {
    return this.bytesFor(...doubles) <= memoryLimit;
  }

  /**
   * A region of `doubles` float64 values that no later {@link WasmStft.layout} overwrites (for
   * tables of a module sharing this memory). Returns its byte offset.
   */
  reserve(doubles: number): number {
    const at = this.base;
    this.base += 8 * (doubles + (doubles % 2));
    this.f64(this.base);
    return at;
  }

  /**
   * Byte offsets of a work layout from the start of the free memory: one region per entry of
   * `doubles` (float64 counts), each 16-byte aligned. The memory is grown to hold them.
   */
  layout(...doubles: number[]): number[] {
    const at: number[] = [];
    let o = this.base;
    for (const d of doubles) {
      at.push(o);
      o += 8 * (d + (d % 2));
    }
    this.f64(o);
    return at;
  }

  /**
   * One-sided spectra (`[total, bins, 2]` at byte offset `spec`) of the `total = batch * frames`
   * frames of the padded signals at `sig` (`[batch, plen]` float64), and with `mag` (a byte
   * offset, not 0) their magnitudes |X| = sqrt(max(re^2 + im^2, floor)) (`[total, bins]`). Each
   * frame is transformed as accurately as alone (a silent frame is exactly 0), see wasm/stft.wat.
   */
  spectraAt(
    sig: number,
    frames: number,
    total: number,
    plen: number,
    spec: number,
    mag = 0,
    floor = 0,
  ): void {
    this.ex.spectra(
      this.plan,
      this.bins,
      this.hop,
      frames,
      total,
      plen,
      sig,
      this.win,
      this.x,
      spec,
      mag,
      Math.sqrt(floor),
    );
  }

  /**
   * Adds to the padded-signal gradient at `gp` (`[batch, plen]`) the adjoint of
   * {@link WasmStft.spectraAt} followed by |.|, given dL/d|X| at `dmag` and the spectra and
   * magnitudes at `spec` and `mag` (as spectraAt wrote them, with the same floor).
   */
  backwardAt(
    spec: number,
    mag: number,
    dmag: number,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    gp: number,
  ): void {
    this.ex.backward(
      this.plan,
      this.bins,
      this.hop,
      frames,
      total,
      plen,
      spec,
      mag,
      dmag,
      Math.sqrt(floor),
      this.win,
      this.x,
      gp,
    );
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
    const [sig, spec] = this.layout(padded.length, 2 * total * this.bins) as [number, number];
    const f = this.f64(0);
    f.set(padded, sig / 8);
    this.spectraAt(sig, frames, total, plen, spec);
    out.set(f.subarray(spec / 8, spec / 8 + 2 * total * this.bins));
  }

  /**
   * |X| = sqrt(max(re^2 + im^2, floor)) of every frame into `out` (`[total * bins]`), and with
   * `spectra` the spectra too (`[total, bins, 2]`).
   */
  magnitudes(
    padded: Float64Array,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    out: FloatArray,
    spectra?: Float64Array,
  ): void {
    const count = total * this.bins;
    const [sig, spec, mag] = this.layout(padded.length, 2 * count, count) as [
      number,
      number,
      number,
    ];
    const f = this.f64(0);
    f.set(padded, sig / 8);
    this.spectraAt(sig, frames, total, plen, spec, mag, floor);
    out.set(f.subarray(mag / 8, mag / 8 + count));
    spectra?.set(f.subarray(spec / 8, spec / 8 + 2 * count));
  }

  /**
   * The padded-signal gradient (`[batch, plen]`, into `gp`) given the spectra (`[total, bins, 2]`),
   * their magnitudes and dL/d|X| (`[total * bins]` each): the adjoint of
   * {@link WasmStft.magnitudes}.
   */
  backward(
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    gp: Float64Array,
  ): void {
    const count = total * this.bins;
    const [s, m, d, g] = this.layout(2 * count, count, count, gp.length) as [
      number,
      number,
      number,
      number,
    ];
    const f = this.f64(0);
    f.set(spec.subarray(0, 2 * count), s / 8);
    f.set(mag.subarray(0, count), m / 8);
    f.set(dMag.subarray(0, count), d / 8);
    f.fill(0, g / 8, g / 8 + gp.length);
    this.backwardAt(s, m, d, frames, total, plen, floor, g);
    gp.set(f.subarray(g / 8, g / 8 + gp.length));
  }
}

/** Writes the complex factor c + i d as [c, c], [-d, d] (see wasm/stft.wat) at f[o]; returns o + 4. */
function putFactor(f: Float64Array, o: number, c: number, d: number): number {
  f[o] = c;
  f[o + 1] = c;
  f[o + 2] = -d;
  f[o + 3] = d;
  return o + 4;
}
