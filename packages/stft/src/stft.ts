import {
  arrayType,
  checkNumber,
  type DType,
  dtypeOf,
  type FloatArray,
  LossInputError,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { frameCountOf, minSignalLength } from './framing.js';
import { createKernel, type StftKernel } from './kernel.js';
import { checkAmplitude, FLOAT32_MAX } from './limits.js';
import {
  buildStft,
  checkSignalLength,
  type PadMode,
  parseStftOptions,
  type StftLayout,
  type StftOptions,
} from './options.js';
import { WasmStft32, wasm32Supports } from './wasm/kernel32.js';
import { createStft32, type Stft32Kernel } from './wasm/kernel32-any.js';
import { tryWasm } from './wasm/stft-kernel.js';

/** A magnitude spectrogram with the vector-Jacobian product of the same forward pass. */
export interface MagnitudeWithVjp {
  /** |X|, shape `[(B,) frames, bins]`, the float type of the signal. */
  magnitude: Tensor;
  /**
   * dL/dx (shape and float type of the signal) from dL/d|X| (shape of `magnitude`, or the same
   * values as one flat array), reusing the forward spectrum. May be called several times.
   */
  vjp(dMag: TensorLike): Tensor;
}

/**
 * An STFT configuration validated once, with its window and FFT plan cached. Signals are `[T]` or
 * `[B, T]`; outputs keep the signal's float type (number arrays give float64).
 */
export interface StftPlan {
  /** FFT size N in samples. */
  readonly size: number;
  /** Hop between frames in samples. */
  readonly hop: number;
  /** Length of the (unpadded) window in samples. */
  readonly windowLength: number;
  /** Whether frames are centred (the signal padded by floor(size / 2) on both sides). */
  readonly center: boolean;
  /** The padding of a centred STFT. */
  readonly padMode: PadMode;
  /** Whether the end is zero-padded to ceil(T / hop) frames (only without `center`). */
  readonly padEnd: boolean;
  /** The window zero-padded (centred) to `size` samples. Do not modify. */
  readonly window: Float64Array;
  /** One-sided frequency bins: floor(size / 2) + 1. */
  readonly bins: number;
  /** Number of frames for a signal of `length` samples. */
  frameCount(length: number): number;
  /** The complex STFT: `[T]` -> `[frames, bins, 2]`, `[B, T]` -> `[B, frames, bins, 2]`. */
  stft(x: TensorLike): Tensor;
  /**
   * The magnitude spectrogram |X|: `[(B,) frames, bins]`. With `eps` (>= 0):
   * sqrt(max(re^2 + im^2, eps)).
   */
  magnitude(x: TensorLike, eps?: number): Tensor;
  /** {@link StftPlan.magnitude} plus its vector-Jacobian product from the same spectrum. */
  magnitudeWithVjp(x: TensorLike, eps?: number): MagnitudeWithVjp;
}

interface Prepared {
  dtype: DType;
  batched: boolean;
  batch: number;
  length: number;
  data: FloatArray;
}

/** Coerces and validates a signal against a layout (nothing allocated but a possible copy). */
function prepare(layout: StftLayout, x: TensorLike): Prepared {
  const t = toTensor(x, { name: 'x', rank: [1, 2] });
  const batched = t.shape.length === 2;
  const batch = batched ? t.shape[0]! : 1;
  const length = batched ? t.shape[1]! : t.shape[0]!;
  checkSignalLength(layout, length, 'x');
  return { dtype: dtypeOf(t.data), batched, batch, length, data: t.data };
}

/**
 * A float32 signal exactly as `toTensor(x, { rank: [1, 2] })` would return it without a copy (its
 * values not yet checked): a non-empty Float32Array (`[T]`), or an ndarray or ndarray-like object
 * of rank 1 or 2 over a Float32Array holding exactly its elements, offset 0, row-major strides.
 * Null for anything else, which the general route coerces and validates.
 */
function float32Signal(
  x: TensorLike,
): { data: Float32Array; batched: boolean; batch: number; length: number } | null {
  if (x instanceof Float32Array) {
    return x.length > 0 ? { data: x, batched: false, batch: 1, length: x.length } : null;
  }
  if (typeof x !== 'object' || x === null || Array.isArray(x) || ArrayBuffer.isView(x)) return null;
  const { shape, stride, offset, data } = x as Partial<
    Record<'shape' | 'stride' | 'offset' | 'data', unknown>
  >;
  if (!(data instanceof Float32Array) || offset !== 0) return null;
  if (!Array.isArray(shape) || !Array.isArray(stride) || stride.length !== shape.length)
    return null;
  const batched = shape.length === 2;
  if (!batched && shape.length !== 1) return null;
  const batch = batched ? shape[0] : 1;
  const length = shape[shape.length - 1];
  if (!Number.isSafeInteger(batch) || !Number.isSafeInteger(length)) return null;
  if (batch < 1 || length < 1 || data.length !== batch * length) return null;
  if (stride[stride.length - 1] !== 1 || (batched && stride[0] !== length)) return null;
  return { data, batched, batch, length };
}

function checkEps(eps: unknown): number | undefined {
  return eps === undefined ? undefined : checkNumber(eps, 'eps', { min: 0 });
}

class Plan implements StftPlan {
  readonly size: number;
  readonly hop: number;
  readonly windowLength: number;
  readonly center: boolean;
  readonly padMode: PadMode;
  readonly padEnd: boolean;
  readonly window: Float64Array;
  readonly bins: number;
  private readonly kernel: StftKernel;
  /** The float32 kernel for float32 signals (made on first need; null where it does not serve). */
  private kernel32: Stft32Kernel | null | undefined;
  /** Whether `magnitude` of a float32 signal may take the float32 kernel (see {@link keepFloat64}). */
  float32Route = true;

  constructor(kernel: StftKernel) {
    const c = kernel.cfg;
    this.kernel = kernel;
    this.size = c.size;
    this.hop = c.hop;
    this.windowLength = c.windowLength;
    this.center = c.center;
    this.padMode = c.padMode;
    this.padEnd = c.padEnd;
    this.window = c.window;
    this.bins = c.bins;
  }

  frameCount(length: number): number {
    checkNumber(length, 'length', { integer: true, min: 1 });
    return frameCountOf(this.kernel.cfg, length);
  }

  stft(x: TensorLike): Tensor {
    return this.stftOf(this.checked(prepare(this.kernel.cfg, x)));
  }

  /** Checks a prepared signal's amplitude against the plan's window. */
  checked(p: Prepared): Prepared {
    checkAmplitude(p.data, this.kernel.cfg.amplitudeLimit, 'x');
    return p;
  }

  stftOf(p: Prepared): Tensor {
    const framed = this.kernel.framer.frame(p.data, p.batch, p.length);
    const spec = this.kernel.spectra(framed);
    const out = p.dtype === 'float64' ? spec : new Float32Array(spec);
    const shape = [framed.frames, this.bins, 2];
    return tensor(out, p.batched ? [p.batch, ...shape] : shape);
  }

  magnitude(x: TensorLike, eps?: number): Tensor {
    const floor = checkEps(eps);
    return (
      this.magnitude32(x, floor) ??
      this.magnitudeOf(this.checked(prepare(this.kernel.cfg, x)), floor)
    );
  }

  /**
   * The float32 kernel's short route of {@link Plan.magnitude}: a float32 signal that `toTensor`
   * would keep as it is ({@link float32Signal}) and that is long enough is checked for NaN and
   * infinities on the kernel's padded copy of it (one SIMD pass) instead of by a scan before the
   * copy, and the output allocated after that check. Null (nothing returned, the general route
   * follows) for any other input, where the power-of-two kernel does not serve, and for a signal the check
   * refuses: the general route's validation then throws its usual LossInputError.
   */
  private magnitude32(x: TensorLike, floor: number | undefined): Tensor | null {
    if (!this.float32Route) return null;
    const v = float32Signal(x);
    const cfg = this.kernel.cfg;
    // (checkAmplitude passes every float32 signal when the limit is at least FLOAT32_MAX.)
    if (v === null || v.length < minSignalLength(cfg) || cfg.amplitudeLimit < FLOAT32_MAX) {
      return null;
    }
    // (powers of two: the Bluestein kernel of other sizes keeps the general route)
    const k32 = this.float32Kernel();
    if (!(k32 instanceof WasmStft32)) return null;
    const framer = this.kernel.framer;
    let mag: Float32Array | 'nonfinite' | null = null;
    // null (or a RangeError) when the call does not fit in a WebAssembly memory
    tryWasm(() => {
      mag = k32.checkedMagnitudes(framer, v.data, v.batch, v.length, floor ?? 0);
    });
    if (mag === null || mag === 'nonfinite') return null;
    const shape = [framer.frameCount(v.length), this.bins];
    return tensor(mag, v.batched ? [v.batch, ...shape] : shape);
  }

  /** The float32 kernel of this plan, or null (a size it does not serve, or no WebAssembly SIMD). */
  private float32Kernel(): Stft32Kernel | null {
    if (this.kernel32 === undefined) {
      const c = this.kernel.cfg;
      this.kernel32 = wasm32Supports(c.size) ? createStft32(c.size, c.hop, c.window) : null;
    }
    return this.kernel32;
  }

  magnitudeOf(p: Prepared, floor: number | undefined): Tensor {
    const framer = this.kernel.framer;
    const frames = framer.frameCount(p.length);
    const mag = new (arrayType(p.dtype))(p.batch * frames * this.bins);
    // Float32 signals go through the float32 kernel (four frames per f32x4 vector) where it
    // serves the size and the call fits its memory; everything else through the float64 kernels.
    const k32 = p.data instanceof Float32Array && this.float32Route ? this.float32Kernel() : null;
    let done = false;
    if (k32) {
      const x32 = p.data as Float32Array;
      const out = mag as Float32Array;
      // false (or a RangeError) when the call does not fit in a WebAssembly memory
      tryWasm(() => {
        done = k32.magnitudes(framer, x32, p.batch, p.length, floor ?? 0, out);
      });
    }
    if (!done) this.kernel.magnitudes(framer.frame(p.data, p.batch, p.length), mag, floor);
    const shape = [frames, this.bins];
    return tensor(mag, p.batched ? [p.batch, ...shape] : shape);
  }

  magnitudeWithVjp(x: TensorLike, eps?: number): MagnitudeWithVjp {
    const floor = checkEps(eps);
    return this.magnitudeWithVjpOf(this.checked(prepare(this.kernel.cfg, x)), floor);
  }

  magnitudeWithVjpOf(p: Prepared, eps: number | undefined): MagnitudeWithVjp {
    const kernel = this.kernel;
    const framed = kernel.framer.frame(p.data, p.batch, p.length);
    const { spec, mag: mag64 } = kernel.analyze(framed, eps);
    const shape = p.batched ? [p.batch, framed.frames, this.bins] : [framed.frames, this.bins];
    const mag = p.dtype === 'float64' ? mag64 : new Float32Array(mag64);
    const magnitude = tensor(mag, shape);
    return {
      magnitude,
      vjp: (dMag: TensorLike): Tensor => {
        const d = toTensor(dMag, { name: 'dMag' });
        const flat = d.shape.length === 1 && d.shape[0] === mag.length;
        if (!flat && (d.shape.length !== shape.length || d.shape.some((s, i) => s !== shape[i]))) {
          throw new LossInputError(
            'SHAPE_MISMATCH',
            `dMag: expected the magnitude's shape [${shape.join(', ')}] (or ${mag.length} values flat), got [${d.shape.join(', ')}]`,
            'dMag',
          );
        }
        const gx = kernel.backward(framed, spec, mag64, d.data, eps);
        const out = p.dtype === 'float64' ? gx : new Float32Array(gx);
        return tensor(out, p.batched ? [p.batch, p.length] : [p.length]);
      },
    };
  }
}

/**
 * Makes `plan`'s `magnitude` keep the float64 kernels for float32 signals too (the float32 route
 * off), and returns it: for a loss that mixes `magnitude` with `magnitudeWithVjp`, whose
 * transform stays float64, so that both give the same magnitudes (a loss of x against itself
 * exactly 0). Internal (`@losses/stft/internal`).
 */
export function keepFloat64(plan: StftPlan): StftPlan {
  if (plan instanceof Plan) plan.float32Route = false;
  return plan;
}

/**
 * Validates STFT options once and returns a plan that caches the window and the FFT plan.
 * The transform equals `torch.stft(x, n_fft=size, hop_length=hop, win_length=windowLength,
 * window=w, center=center, pad_mode=padMode, onesided=True, return_complex=True)`, frame for frame.
 * `hop` defaults to floor(size / 4), torch's default, and to 1 for sizes 1 to 3 (torch's would be
 * 0); the same default holds in {@link stft}, {@link magnitude} and {@link magnitudeVjp}.
 *
 * Every frame is accurate relative to its own energy, as if transformed alone (a silent frame is
 * exactly 0, with a zero gradient), for any signal whose samples lie within +-2^1023 / sum_j |w_j|
 * (8.8e304 for a Hann window of 2048 samples: the spectrum stays finite); larger samples are
 * refused. Nothing is allocated before the options are validated.
 *
 * @throws LossInputError `INVALID_OPTION` (size not an integer from 1 to `MAX_FFT_SIZE` = 2^22,
 *   hop not an integer >= 1, windowLength outside 1..size, unknown window kind, unknown options,
 *   padEnd with center), `SHAPE_MISMATCH` (window array of the wrong length), `NON_FINITE`
 *   (window samples). The plan's methods throw `INVALID_OPTION` for samples out of that range.
 */
export function createStft(options: StftOptions): StftPlan {
  return planOf(parseStftOptions(options));
}

/** The plan of a validated layout; with a prepared signal, checks its amplitude first. */
function planOf(layout: StftLayout, p?: Prepared): Plan {
  const cfg = buildStft(layout);
  if (p !== undefined) checkAmplitude(p.data, cfg.amplitudeLimit, 'x');
  return new Plan(createKernel(cfg));
}

/**
 * The complex one-sided STFT of `x` (`[T]` or `[B, T]`): `[(B,) frames, bins, 2]` with
 * bins = floor(size / 2) + 1, in the float type of `x`. Equal to torch.stft (see
 * {@link createStft}); frames = 1 + floor((T + 2 floor(size/2) - size) / hop) with `center`.
 *
 * @throws LossInputError for bad options (see {@link createStft}), a non-finite, empty or too
 *   loud signal, or a signal too short for reflect padding (use `padMode: 'constant'`); the
 *   options and the signal's length are checked before anything is allocated.
 */
export function stft(x: TensorLike, options: StftOptions): Tensor {
  const layout = parseStftOptions(options);
  const p = prepare(layout, x);
  return planOf(layout, p).stftOf(p);
}

/** Options of {@link magnitude} and {@link magnitudeVjp}: the STFT's plus an optional floor. */
export interface MagnitudeOptions extends StftOptions {
  /** Floor on the power: |X| = sqrt(max(re^2 + im^2, eps)), gradient 0 where it is active. */
  eps?: number;
}

/** Validates magnitude options (no allocation): the layout and the eps floor. */
function layoutAndEps(options: MagnitudeOptions): {
  layout: StftLayout;
  eps: number | undefined;
} {
  const layout = parseStftOptions(options, 'options', ['eps']);
  const eps =
    options.eps === undefined ? undefined : checkNumber(options.eps, 'options.eps', { min: 0 });
  return { layout, eps };
}

/**
 * Validates magnitude options once and plans: the STFT plan and the eps floor. With the signal's
 * `length`, checks it against the options before planning.
 */
export function planAndEps(
  options: MagnitudeOptions,
  length?: number,
): {
  plan: StftPlan;
  eps: number | undefined;
} {
  const { layout, eps } = layoutAndEps(options);
  if (length !== undefined) checkSignalLength(layout, length, 'x');
  return { plan: planOf(layout), eps };
}

/**
 * The magnitude spectrogram |STFT(x)|: `[T]` -> `[frames, bins]`, `[B, T]` -> `[B, frames, bins]`,
 * in the float type of `x`. With `options.eps`: sqrt(max(re^2 + im^2, eps)).
 *
 * @throws LossInputError as {@link stft}, and for a negative `eps`.
 */
export function magnitude(x: TensorLike, options: MagnitudeOptions): Tensor {
  const { layout, eps } = layoutAndEps(options);
  const p = prepare(layout, x);
  return planOf(layout, p).magnitudeOf(p, eps);
}

/**
 * The gradient of a loss with respect to the signal `x`, given dL/d|X| (`dMag`, the shape of
 * `magnitude(x, options)`): the exact adjoint through the magnitude, the one-sided spectrum, the
 * window, the overlap of frames and the padding. Bins with |X| = 0 (or under the eps floor)
 * contribute 0. Returns the shape and float type of `x`.
 *
 * @throws LossInputError as {@link magnitude}, and `SHAPE_MISMATCH` if `dMag` has the wrong shape.
 */
export function magnitudeVjp(x: TensorLike, options: MagnitudeOptions, dMag: TensorLike): Tensor {
  const { layout, eps } = layoutAndEps(options);
  const p = prepare(layout, x);
  return planOf(layout, p).magnitudeWithVjpOf(p, eps).vjp(dMag);
}
