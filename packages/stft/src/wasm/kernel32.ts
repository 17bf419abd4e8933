/**
 * The float32 WebAssembly (SIMD) STFT: wasm/stft32.wat transforms four frames at once, one per
 * f32x4 lane, for power-of-two sizes. Used for float32 signals (see `Plan.magnitudeOf`); float64
 * signals keep the float64 kernels. Accuracy: each frame's magnitudes within about 1e-6 of its
 * largest magnitude (float32 rounding through log2(n) passes), tested against float64 at 1e-5.
 */
import { compileWasm, wasmEnabled } from '@losses/tensor/internal';
import type { Framer } from '../framing.js';
import { wasmMemoryLimit as memoryLimitBytes } from './kernel.js';
import { WASM_BASE64 as WASM32_BASE64 } from './module32.js';
import { WASM_BASE64 as ADJOINT_BASE64 } from './module32-adjoint.js';

interface Exports32 {
  memory: WebAssembly.Memory;
  fft(m: number, x: number, y: number, tw: number): void;
  stockham(m: number, x: number, y: number, tw: number): number;
  finite(p: number, n: number): number;
  magnitudes(
    m: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    sig: number,
    win: number,
    tw: number,
    rt: number,
    x: number,
    y: number,
    out: number,
    spare: number,
    floor: number,
    wide: number,
    spec: number,
  ): void;
}

/** The exports of wasm/stft32-adjoint.wat. */
interface AdjointExports {
  adjoint(
    m: number,
    hop: number,
    frames: number,
    total: number,
    plen: number,
    spec: number,
    mag: number,
    dmag: number,
    floor: number,
    wide: number,
    win: number,
    tw: number,
    rt: number,
    x: number,
    y: number,
    gp: number,
    spare: number,
  ): void;
}

let compiled: WebAssembly.Module | null | undefined;
let compiledAdjoint: WebAssembly.Module | undefined;

/** The adjoint module (compiled on first use; SIMD is there when the forward module is). */
function adjointModule(): WebAssembly.Module {
  compiledAdjoint ??= compileWasm(ADJOINT_BASE64) ?? undefined;
  if (!compiledAdjoint) throw new Error('WebAssembly SIMD is not available');
  return compiledAdjoint;
}

/** The compiled wasm/stft32.wat (null without WebAssembly SIMD). */
export function compiledModule(): WebAssembly.Module | null {
  if (compiled === undefined) compiled = compileWasm(WASM32_BASE64);
  return compiled;
}

/** The smallest size of the float32 kernels. */
export const F32_MIN_SIZE = 8;

/**
 * The largest size that is not a power of two the float32 kernels serve (wasm/stft32-any.wat,
 * kernel32-any.ts: its tables and work grow as about 80 bytes per point of its convolution).
 */
export const F32_ANY_MAX_SIZE = 65536;

/**
 * Whether the float32 kernels serve size n here: n >= 8, a power of two ({@link WasmStft32}) or at
 * most {@link F32_ANY_MAX_SIZE} (`WasmStft32Any`, ./kernel32-any.ts), WebAssembly SIMD present and
 * allowed by the one switch of `@losses/tensor/internal`.
 */
export function wasm32Supports(n: number): boolean {
  return (
    n >= F32_MIN_SIZE &&
    ((n & (n - 1)) === 0 || n <= F32_ANY_MAX_SIZE) &&
    wasmEnabled() &&
    compiledModule() !== null
  );
}

/**
 * Float32 values of the twiddle table of the module's complex FFT of size m (the exported `fft`;
 * a module that calls it lays its table out with {@link writeTwiddles}).
 */
export function twiddleCount(m: number): number {
  let count = 0;
  for (let len = m; len >= 4; len /= 4) count += (len / 4 - 1) * 6;
  return count;
}

/**
 * Writes the twiddles of the module's FFT of size m at f[o]: per radix-4 pass of length L, for
 * 0 < p < L/4, (cos, -sin) of 2 pi p j / L for j = 1, 2, 3 (computed in float64, rounded once;
 * p = 0, where all are 1, has a loop without multiplies).
 */
export function writeTwiddles(f: Float32Array, o: number, m: number): void {
  for (let len = m; len >= 4; len /= 4) {
    for (let p = 1; p < len / 4; p++) {
      for (let j = 1; j < 4; j++) {
        const angle = (-2 * Math.PI * ((p * j) % len)) / len;
        f[o++] = Math.cos(angle);
        f[o++] = Math.sin(angle);
      }
    }
  }
}

const PAGE = 65536;

/**
 * The rows of magnitudes and dL/d|X| of {@link Wasm32Memory.analyzeAt} and
 * {@link Wasm32Memory.adjointAt}: `[total, bins]` float32 values, or float64 values (each
 * magnitude the float32 result, exactly; dL/d|X| rounded to float32 when read).
 */
export type MagnitudeRows = 'float32' | 'float64';

/**
 * The magnitude floor of `floor` (on |X|^2) as the float32 kernels apply it: float32(sqrt(floor)),
 * one value for the forward and the adjoint (a bin at the floor passes no gradient, also where the
 * float32 rounding of sqrt(floor) is above sqrt(floor)).
 */
function magnitudeFloor(floor: number): number {
  return Math.fround(Math.sqrt(floor));
}

/**
 * The memory side of a float32 STFT module (shared by {@link WasmStft32} and the Bluestein kernel
 * of ./kernel32-any.ts): tables at the start, then the free region from `base` where each call
 * lays out its signals and magnitudes (grown on demand, up to the WebAssembly memory limit).
 */
export abstract class Wasm32Memory {
  /** One-sided bins of the size served. */
  abstract readonly bins: number;
  /** The start of the free memory (after the tables and any {@link Wasm32Memory.reserve}). */
  protected base = 0;
  private readonly mem: WebAssembly.Memory;

  constructor(memory: WebAssembly.Memory) {
    this.mem = memory;
  }

  /**
   * The module's `magnitudes` on this plan: float32 magnitude rows, or with `wide` float64 rows
   * and (with `spec` not 0) the kept spectra (see {@link Wasm32Memory.analyzeAt}), floored at
   * `floor32` (`magnitudeFloor`).
   */
  protected abstract transform(
    sig: number,
    frames: number,
    total: number,
    plen: number,
    mag: number,
    floor32: number,
    wide: boolean,
    spec: number,
  ): void;

  /**
   * The module's `adjoint` on this plan (see {@link Wasm32Memory.adjointAt}), with the floor
   * `floor32` the forward applied (`magnitudeFloor`) and `wide` for float64 rows.
   */
  protected abstract adjoint(
    spec: number,
    mag: number,
    dmag: number,
    frames: number,
    total: number,
    plen: number,
    floor32: number,
    wide: boolean,
    gp: number,
  ): void;

  /** The bytes of the spectra `analyzeAt` keeps for `total` frames, `frames` per item. */
  abstract specBytes(total: number, frames: number): number;

  /**
   * Adds to the padded-signal gradient at `gp` (`[batch, plen]` float32) the adjoint of
   * {@link Wasm32Memory.analyzeAt} followed by |.|, given dL/d|X| at `dmag` and the spectra and
   * magnitudes at `spec` and `mag` (as analyzeAt wrote them, with the same floor and `rows`):
   * `[total, bins]` rows of `rows` values ('float64', the default, or 'float32'; float64 dL/d|X|
   * is rounded to float32 when read, so float32 rows holding those roundings give the same
   * gradient). No gradient passes where a magnitude is at the floor (|X| <= float32 sqrt(floor)).
   * In float32.
   */
  adjointAt(
    spec: number,
    mag: number,
    dmag: number,
    frames: number,
    total: number,
    plen: number,
    floor: number,
    gp: number,
    rows: MagnitudeRows = 'float64',
  ): void {
    this.adjoint(
      spec,
      mag,
      dmag,
      frames,
      total,
      plen,
      magnitudeFloor(floor),
      rows === 'float64',
      gp,
    );
  }

  /** A float32 view of the memory after growing it to at least `bytes` (RangeError past the limit). */
  protected f32(bytes: number): Float32Array {
    const mem = this.mem;
    if (mem.buffer.byteLength < bytes) {
      if (bytes > memoryLimitBytes()) {
        throw new RangeError(`WebAssembly memory of ${bytes} bytes exceeds ${memoryLimitBytes()}`);
      }
      mem.grow(Math.ceil((bytes - mem.buffer.byteLength) / PAGE));
    }
    return new Float32Array(mem.buffer);
  }

  /**
   * |X| = max(sqrt(re^2 + im^2), sqrt(floor)) in float32 of every frame of the `batch` float32
   * signals `x` (`[batch, length]`), padded and framed by `framer` (the plan's, with this size and
   * hop) straight into the module's memory, into `out` (`[batch * frames * bins]`). False (nothing
   * done) when the call does not fit in the memory limit.
   */
  magnitudes(
    framer: Framer,
    x: Float32Array,
    batch: number,
    length: number,
    floor: number,
    out: Float32Array,
  ): boolean {
    const plen = framer.paddedLength(length);
    const frames = framer.frameCount(length);
    const total = batch * frames;
    const sig = this.base;
    const mag = sig + Math.ceil((batch * plen) / 8) * 32;
    const end = mag + 4 * total * this.bins;
    if (end > memoryLimitBytes()) return false;
    const f = this.f32(end);
    framer.padInto(x, batch, length, f.subarray(sig / 4, sig / 4 + batch * plen));
    this.transform(sig, frames, total, plen, mag, magnitudeFloor(floor), false, 0);
    out.set(f.subarray(mag / 4, mag / 4 + total * this.bins));
    return true;
  }

  /** The module's memory (a module sharing it, such as the loss loop of @losses/mss, may use it). */
  get memory(): WebAssembly.Memory {
    return this.mem;
  }

  /**
   * A region of `bytes` bytes (32-byte aligned) that no later {@link Wasm32Memory.layout} overwrites
   * (for tables of a module sharing this memory). Returns its byte offset.
   */
  reserve(bytes: number): number {
    const at = this.base;
    this.base += Math.ceil(bytes / 32) * 32;
    this.f32(this.base);
    return at;
  }

  /** The end offset of a {@link Wasm32Memory.layout} of regions of these byte counts (no allocation). */
  bytesFor(...bytes: number[]): number {
    let o = this.base;
    for (const b of bytes) o += Math.ceil(b / 32) * 32;
    return o;
  }

  /**
   * Byte offsets of a work layout from the start of the free memory, one 32-byte aligned region
   * per entry of `bytes`; the memory is grown to hold them (RangeError past the limit).
   */
  layout(...bytes: number[]): number[] {
    const at: number[] = [];
    let o = this.base;
    for (const b of bytes) {
      at.push(o);
      o += Math.ceil(b / 32) * 32;
    }
    this.f32(o);
    return at;
  }

  /** A float32 view of the whole memory (detached by a later call that grows it). */
  view32(): Float32Array {
    return this.f32(0);
  }

  /** A float64 view of the whole memory (detached by a later call that grows it). */
  view64(): Float64Array {
    return new Float64Array(this.f32(0).buffer);
  }

  /**
   * The float32 transform of the `total = batch * frames` frames of the padded float32 signals at
   * byte offset `sig` (`[batch, plen]`): their magnitudes max(|X|, sqrt(floor)) (sqrt(floor)
   * rounded to float32) into `mag` as `[total, bins]` rows of `rows` values ('float64', the
   * default: each the float32 result, exactly; or 'float32': the same values in half the bytes),
   * and with `spec` (not 0) the frames' spectra, scaled, kept for the kernel's `adjointAt` (its
   * `specBytes` tells how many).
   */
  analyzeAt(
    sig: number,
    frames: number,
    total: number,
    plen: number,
    mag: number,
    spec: number,
    floor: number,
    rows: MagnitudeRows = 'float64',
  ): void {
    this.transform(sig, frames, total, plen, mag, magnitudeFloor(floor), rows === 'float64', spec);
  }
}

/**
 * One configuration's float32 WebAssembly instance: its memory holds the twiddles, the real
 * split's factors, the window, two work buffers of 4-lane complex numbers, a spare output row,
 * then the per-call signals and magnitudes (grown on demand). Results are copied out.
 */
export class WasmStft32 extends Wasm32Memory {
  private readonly ex: Exports32;
  /** The adjoint's instance on the same memory (made on first use). */
  private adj: AdjointExports | undefined;
  private readonly m: number;
  private readonly hop: number;
  private readonly tw: number;
  private readonly rt: number;
  private readonly win: number;
  private readonly x: number;
  private readonly y: number;
  private readonly spare: number;
  private readonly spareGp: number;
  /** One-sided bins: n / 2 + 1. */
  readonly bins: number;

  constructor(n: number, hop: number, window: ArrayLike<number>) {
    const mod = compiledModule();
    if (mod === null) throw new Error('WebAssembly SIMD is not available');
    const ex = new WebAssembly.Instance(mod).exports as unknown as Exports32;
    super(ex.memory);
    this.ex = ex;
    const m = n / 2;
    this.m = m;
    this.hop = hop;
    this.bins = m + 1;
    const align = (b: number) => Math.ceil(b / 32) * 32;
    this.tw = 0;
    this.rt = align(4 * twiddleCount(m));
    this.win = align(this.rt + 4 * m);
    this.x = align(this.win + 4 * n);
    this.y = this.x + 32 * m;
    this.spare = this.y + 32 * m;
    // A spare row of magnitudes (float64: either width of analyzeAt's rows), and a spare frame of
    // gradient (adjointAt).
    this.spareGp = align(this.spare + 8 * this.bins);
    this.base = align(this.spareGp + 4 * n);
    const f = this.f32(this.base);
    writeTwiddles(f, this.tw / 4, m);
    // The split's factors W = exp(-2 pi i k / n), k = 1..m/2.
    for (let k = 1; k <= m / 2; k++) {
      const angle = (-2 * Math.PI * k) / n;
      f[this.rt / 4 + 2 * (k - 1)] = Math.cos(angle);
      f[this.rt / 4 + 2 * (k - 1) + 1] = Math.sin(angle);
    }
    for (let j = 0; j < n; j++) f[this.win / 4 + j] = window[j]!;
  }

  /**
   * {@link WasmStft32.magnitudes} into a new array, for a signal not yet checked for finite
   * values: the kernel checks its padded copy (one SIMD pass, cheaper than a scan of `x` before
   * it) before the output is allocated (the memory grows for the padded signals, then for the
   * magnitudes). 'nonfinite' (no output allocated) when a sample is NaN or infinite, null when the
   * call does not fit in the memory limit.
   */
  checkedMagnitudes(
    framer: Framer,
    x: Float32Array,
    batch: number,
    length: number,
    floor: number,
  ): Float32Array | 'nonfinite' | null {
    const plen = framer.paddedLength(length);
    const frames = framer.frameCount(length);
    const total = batch * frames;
    const sig = this.base;
    const count = Math.ceil((batch * plen) / 8) * 8;
    const mag = sig + 4 * count;
    const end = mag + 4 * total * this.bins;
    if (end > memoryLimitBytes()) return null;
    // The memory grows for the padded signals first, for the magnitudes after the check.
    const s = sig / 4;
    const f = this.f32(mag);
    framer.padInto(x, batch, length, f.subarray(s, s + batch * plen));
    // The region's last floats past the signals are stale: zeros for the check.
    f.fill(0, s + batch * plen, s + count);
    if (this.ex.finite(sig, count) === 0) return 'nonfinite';
    const out = new Float32Array(total * this.bins);
    const g = this.f32(end);
    this.transform(sig, frames, total, plen, mag, magnitudeFloor(floor), false, 0);
    out.set(g.subarray(mag / 4, mag / 4 + total * this.bins));
    return out;
  }

  protected transform(
    sig: number,
    frames: number,
    total: number,
    plen: number,
    mag: number,
    floor32: number,
    wide: boolean,
    spec: number,
  ): void {
    this.ex.magnitudes(
      this.m,
      this.hop,
      frames,
      total,
      plen,
      sig,
      this.win,
      this.tw,
      this.rt,
      this.x,
      this.y,
      mag,
      this.spare,
      floor32,
      wide ? 1 : 0,
      spec,
    );
  }

  /** The bytes of the spectra {@link WasmStft32.analyzeAt} keeps for `total` frames. */
  specBytes(total: number): number {
    return Math.ceil(total / 4) * this.bins * 32;
  }

  /** {@link Wasm32Memory.adjointAt} by wasm/stft32-adjoint.wat. */
  protected adjoint(
    spec: number,
    mag: number,
    dmag: number,
    frames: number,
    total: number,
    plen: number,
    floor32: number,
    wide: boolean,
    gp: number,
  ): void {
    this.adj ??= new WebAssembly.Instance(adjointModule(), {
      env: { memory: this.ex.memory, stockham: this.ex.stockham },
    }).exports as unknown as AdjointExports;
    this.adj.adjoint(
      this.m,
      this.hop,
      frames,
      total,
      plen,
      spec,
      mag,
      dmag,
      floor32,
      wide ? 1 : 0,
      this.win,
      this.tw,
      this.rt,
      this.x,
      this.y,
      gp,
      this.spareGp,
    );
  }

  /**
   * The module's complex FFT of four lanes (for tests): `re`, `im` are `[4, m]` (lane-major), the
   * DFT of each lane is returned in the same layout.
   */
  fft4(re: Float32Array, im: Float32Array): { re: Float32Array; im: Float32Array } {
    const m = this.m;
    const f = this.f32(this.base);
    for (let j = 0; j < m; j++) {
      for (let l = 0; l < 4; l++) {
        f[this.x / 4 + 8 * j + l] = re[l * m + j]!;
        f[this.x / 4 + 8 * j + 4 + l] = im[l * m + j]!;
      }
    }
    this.ex.fft(m, this.x, this.y, this.tw);
    const outRe = new Float32Array(4 * m);
    const outIm = new Float32Array(4 * m);
    for (let j = 0; j < m; j++) {
      for (let l = 0; l < 4; l++) {
        outRe[l * m + j] = f[this.x / 4 + 8 * j + l]!;
        outIm[l * m + j] = f[this.x / 4 + 8 * j + 4 + l]!;
      }
    }
    return { re: outRe, im: outIm };
  }
}
