import type { FloatArray } from '@losses/tensor';
import { DirectRealDft, FRAMES } from './fft/real-direct.js';
import { type SplitTransform, splitFft, useDirectRealDft } from './fft/split.js';
import { frameCountOf, type ResolvedStft } from './options.js';

/** The frames of a batch of signals, laid out one padded signal after another. */
export interface Framed {
  /** Items in the batch. */
  batch: number;
  /** Samples per input signal. */
  length: number;
  /** Frames per item. */
  frames: number;
  /** Samples per padded signal (the stride between items in `padded`). */
  paddedLength: number;
  /** Left padding in samples. */
  left: number;
  /**
   * All padded signals, float64, `[batch, paddedLength]`: the kernel's work memory, valid until
   * its next `frame` call.
   */
  padded: Float64Array;
}

/**
 * The power of two u with u <= m < 2 u (2^-1022 for a positive m below the normal range, 0 for
 * m = 0): a frame scaled by 1 / u has its largest value in [1, 2), exactly (no rounding).
 */
export function powerOfTwoScale(m: number): number {
  if (!(m > 0)) return 0;
  if (m < MIN_NORMAL) return MIN_NORMAL;
  word[0] = m;
  halves[LOW] = 0;
  halves[1 - LOW]! &= 0x7ff00000;
  return word[0]!;
}

/**
 * The scales of two frames sharing a transform (wasm/stft.wat's $scales), from their largest
 * |values| m1, m2, into out = [t1, t2, u1, u2]: u the power of two with u <= m < 2 u, t = 1 / u
 * (both 0 for m = 0), except that frames of like size lose nothing unscaled and get t = 1, u = 1
 * (0 for a silent frame): their largest values within a factor 4 of each other (or one of them
 * silent), in [2^-498, 2^500]. Returns whether they are of like size.
 */
export function frameScales(m1: number, m2: number, out: Float64Array): boolean {
  const u1 = powerOfTwoScale(m1);
  const u2 = powerOfTwoScale(m2);
  const big = Math.max(u1, u2);
  const like =
    (u1 === 0 || u2 === 0 || (u1 <= 2 * u2 && u2 <= 2 * u1)) && big >= 2 ** -498 && big <= 2 ** 500;
  if (like) {
    out[0] = 1;
    out[1] = 1;
    out[2] = u1 > 0 ? 1 : 0;
    out[3] = u2 > 0 ? 1 : 0;
  } else {
    out[0] = u1 > 0 ? 1 / u1 : 0;
    out[1] = u2 > 0 ? 1 / u2 : 0;
    out[2] = u1;
    out[3] = u2;
  }
  return like;
}

const MIN_NORMAL = 2.2250738585072014e-308;
const word = new Float64Array(1);
const halves = new Uint32Array(word.buffer);
/** Index of the low 32 bits of a float64 in `halves` (0 on little-endian machines). */
const LOW = new Uint8Array(new Uint16Array([1]).buffer)[0] === 1 ? 0 : 1;

/**
 * The STFT machinery for one resolved configuration: the FFT plan and scratch memory.
 *
 * Every frame is accurate relative to its own size, as if transformed alone, and a silent frame
 * is exactly 0: before a transform, each windowed frame is scaled by a power of two 1 / u that
 * brings its largest |w x| into [1, 2), and its spectrum is multiplied by u afterwards (u = 0 for an
 * all-zero frame). Powers of two scale without rounding, so this changes nothing but the rounding
 * a frame picks up from its partner, and no value inside a transform overflows or underflows.
 * Two real frames of the same item share one complex FFT (z = a + i b; A[k] = (Z[k] + conj
 * Z[n-k]) / 2, B[k] = (Z[k] - conj Z[n-k]) / 2i); the adjoint runs the same trick backwards, each
 * frame's gradient bins scaled the same way by their largest |Re|, |Im|.
 */
export class StftKernel {
  readonly cfg: ResolvedStft;
  private readonly fft: SplitTransform;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** The direct real DFT (small odd sizes where it beats the FFT route), else null. */
  private readonly direct: DirectRealDft | null;
  /** Its work memory: inputs (u or Re G, v or Im G) and outputs (C u, S v), interleaved. */
  private readonly du: Float64Array;
  private readonly dv: Float64Array;
  private readonly dc: Float64Array;
  private readonly ds: Float64Array;
  /** Per frame of a group: x_0 (or Re G_0) and sum u (or sum Re G). */
  private readonly d0 = new Float64Array(FRAMES);
  private readonly dsum = new Float64Array(FRAMES);
  /** A group's frames, windowed and scaled ([FRAMES, n]), and their scales u. */
  private readonly dframes: Float64Array;
  private readonly dscale = new Float64Array(FRAMES);
  /** A window of ones (the frames in `dframes` are windowed already). */
  private readonly ones: Float64Array;
  /** A group's frame starts in `dframes` and spectra (interleaved, see DirectRealDft.forward4). */
  private readonly starts = new Int32Array(FRAMES);
  private readonly dre: Float64Array;
  private readonly dim: Float64Array;
  /** [t1, t2, u1, u2] of the pair of frames in hand (see {@link frameScales}). */
  private readonly sc = new Float64Array(4);

  /** Reused work memory (padded signals, their gradient), grown on demand. */
  private readonly work = { pad: new Float64Array(0), grad: new Float64Array(0) };

  /** A work array of exactly `size` elements (contents undefined). */
  private scratch(which: 'pad' | 'grad', size: number): Float64Array {
    if (this.work[which].length < size) this.work[which] = new Float64Array(size);
    return this.work[which].subarray(0, size);
  }

  /**
   * @param direct Whether to use the direct real DFT for an odd size: by default when the cost
   *   model says it is faster than the FFT route ({@link useDirectRealDft}).
   */
  constructor(cfg: ResolvedStft, direct?: boolean) {
    this.cfg = cfg;
    const n = cfg.size;
    const useDirect = n % 2 === 1 && n >= 3 && (direct ?? useDirectRealDft(n));
    this.direct = useDirect ? new DirectRealDft(n) : null;
    this.fft = splitFft(useDirect ? 1 : n);
    this.zr = new Float64Array(useDirect ? 0 : n);
    this.zi = new Float64Array(useDirect ? 0 : n);
    const h = useDirect ? (n - 1) / 2 : 0;
    const rows = this.direct?.rows ?? 0;
    this.du = new Float64Array(FRAMES * h);
    this.dv = new Float64Array(FRAMES * h);
    this.dc = new Float64Array(FRAMES * rows);
    this.ds = new Float64Array(FRAMES * rows);
    this.dframes = new Float64Array(useDirect ? FRAMES * n : 0);
    this.ones = new Float64Array(useDirect ? n : 0).fill(1);
    this.dre = new Float64Array(useDirect ? FRAMES * cfg.bins : 0);
    this.dim = new Float64Array(useDirect ? FRAMES * cfg.bins : 0);
  }

  /** Samples per padded signal for signals of `length` samples. */
  paddedLength(length: number): number {
    const { size, hop, center, padEnd } = this.cfg;
    if (padEnd) return Math.max(length, (frameCountOf(this.cfg, length) - 1) * hop + size);
    return length + 2 * (center ? Math.floor(size / 2) : 0);
  }

  /**
   * Pads `batch` signals of `length` samples (row-major in `x`) as the configuration says, into
   * `into` (at least `batch * paddedLength(length)` values) or else the kernel's work memory.
   */
  frame(x: FloatArray, batch: number, length: number, into?: Float64Array): Framed {
    const { size, center, padMode } = this.cfg;
    const frames = frameCountOf(this.cfg, length);
    const left = center ? Math.floor(size / 2) : 0;
    const paddedLength = this.paddedLength(length);
    const padded = into
      ? into.subarray(0, batch * paddedLength)
      : this.scratch('pad', batch * paddedLength);
    const reflect = center && padMode === 'reflect';
    for (let b = 0; b < batch; b++) {
      const src = b * length;
      const dst = b * paddedLength;
      padded.set(x.subarray(src, src + length), dst + left);
      if (reflect) {
        // torch/numpy 'reflect': mirror about the edge sample, edge not repeated.
        for (let i = 1; i <= left; i++) {
          padded[dst + left - i] = padded[dst + left + i]!;
          padded[dst + left + length - 1 + i] = padded[dst + left + length - 1 - i]!;
        }
      } else {
        padded.fill(0, dst, dst + left);
        padded.fill(0, dst + left + length, dst + paddedLength);
      }
    }
    return { batch, length, frames, paddedLength, left, padded };
  }

  /** Where frame g (of all items' frames) starts in the padded signals. */
  private startOf(f: Framed, g: number): number {
    return Math.floor(g / f.frames) * f.paddedLength + (g % f.frames) * this.cfg.hop;
  }

  /**
   * Writes frame g (or zeros, for g < 0) windowed and scaled by 1 / u into dst[o..o+n) and returns
   * u: the power of two that brings its largest |w x| into [1, 2) (0 for an all-zero frame), by
   * which its spectrum is multiplied afterwards. This is where frames meet the transforms.
   */
  private windowed(f: Framed, g: number, dst: Float64Array, o: number): number {
    const { size: n, window } = this.cfg;
    if (g < 0) {
      dst.fill(0, o, o + n);
      return 0;
    }
    const { padded } = f;
    const s = this.startOf(f, g);
    let max = 0;
    for (let j = 0; j < n; j++) {
      const v = window[j]! * padded[s + j]!;
      dst[o + j] = v;
      const a = Math.abs(v);
      if (a > max) max = a;
    }
    const u = powerOfTwoScale(max);
    const t = u > 0 ? 1 / u : 0;
    for (let j = 0; j < n; j++) dst[o + j]! *= t;
    return u;
  }

  /** One-sided spectra of every frame: `[batch * frames, bins, 2]` float64. */
  spectra(f: Framed): Float64Array {
    const out = new Float64Array(f.batch * f.frames * this.cfg.bins * 2);
    this.transformFrames(f, out, null, undefined);
    return out;
  }

  /**
   * |X| of every frame into `out` (`[batch * frames * bins]`), with an optional power floor:
   * sqrt(max(re^2 + im^2, eps)).
   */
  magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    this.transformFrames(f, null, out, eps);
  }

  /** The spectra and the float64 magnitudes of every frame, from one transform. */
  analyze(f: Framed, eps: number | undefined): { spec: Float64Array; mag: Float64Array } {
    const count = f.batch * f.frames * this.cfg.bins;
    const spec = new Float64Array(2 * count);
    const mag = new Float64Array(count);
    this.transformFrames(f, spec, mag, eps);
    return { spec, mag };
  }

  /**
   * Transforms the frames two at a time (z = a + i b; A[k] = (Z[k] + conj Z[n-k]) / 2,
   * B[k] = (Z[k] - conj Z[n-k]) / 2i), each scaled by its own power of two, and writes the
   * complex spectra and/or the magnitudes |X| = u |X / u| (max'ed with sqrt(eps)).
   */
  private transformFrames(
    f: Framed,
    complex: Float64Array | null,
    mags: FloatArray | null,
    eps: number | undefined,
  ): void {
    const rootFloor = Math.sqrt(eps ?? 0);
    if (this.direct !== null) {
      this.transformFramesDirect(this.direct, f, complex, mags, rootFloor);
      return;
    }
    const { size: n, bins } = this.cfg;
    const { zr, zi, fft } = this;
    const total = f.batch * f.frames;
    const { window } = this.cfg;
    const { padded } = f;
    const sc = this.sc;
    for (let g = 0; g < total; g += pairsWith(f, g) ? 2 : 1) {
      const pair = pairsWith(f, g);
      // A frame alone (the last of an item with an odd frame count) shares its transform with
      // itself (the split gives its spectrum; B is not stored).
      const s1 = this.startOf(f, g);
      const s2 = pair ? this.startOf(f, g + 1) : s1;
      const like = frameScales(
        windowedMax(padded, s1, window),
        windowedMax(padded, s2, window),
        sc,
      );
      if (like) fft.forwardWindowed(padded, s1, s2, window, zr, zi);
      else {
        for (let j = 0; j < n; j++) {
          zr[j] = window[j]! * padded[s1 + j]! * sc[0]!;
          zi[j] = window[j]! * padded[s2 + j]! * sc[1]!;
        }
        fft.forward(zr, zi);
      }
      const u1 = sc[2]!;
      const u2 = sc[3]!;
      const h1 = 0.5 * u1;
      const h2 = 0.5 * u2;
      const o1 = g * bins;
      const o2 = o1 + bins;
      if (mags !== null) {
        // |A| = u |Z[k] + conj Z[n-k]| / 2, |B| = u |Z[k] - conj Z[n-k]| / 2.
        mags[o1] = Math.max(u1 * Math.abs(zr[0]!), rootFloor);
        if (pair) mags[o2] = Math.max(u2 * Math.abs(zi[0]!), rootFloor);
        for (let k = 1; k < bins; k++) {
          const r = n - k;
          const pr = zr[k]!;
          const pi = zi[k]!;
          const qr = zr[r]!;
          const qi = zi[r]!;
          const sr = pr + qr;
          const di = pi - qi;
          mags[o1 + k] = Math.max(h1 * Math.sqrt(sr * sr + di * di), rootFloor);
          if (pair) {
            const si = pi + qi;
            const dr = qr - pr;
            mags[o2 + k] = Math.max(h2 * Math.sqrt(si * si + dr * dr), rootFloor);
          }
        }
      }
      if (complex !== null) {
        const c1 = 2 * o1;
        const c2 = 2 * o2;
        complex[c1] = u1 * zr[0]!;
        complex[c1 + 1] = 0;
        if (pair) {
          complex[c2] = u2 * zi[0]!;
          complex[c2 + 1] = 0;
        }
        for (let k = 1; k < bins; k++) {
          const r = n - k;
          const pr = zr[k]!;
          const pi = zi[k]!;
          const qr = zr[r]!;
          const qi = zi[r]!;
          complex[c1 + 2 * k] = h1 * (pr + qr);
          complex[c1 + 2 * k + 1] = h1 * (pi - qi);
          if (pair) {
            complex[c2 + 2 * k] = h2 * (pi + qi);
            complex[c2 + 2 * k + 1] = h2 * (qr - pr);
          }
        }
      }
    }
  }

  /**
   * {@link StftKernel.transformFrames} by the direct real DFT, {@link FRAMES} frames at a time
   * (each transformed on its own; missing frames of the last group are zeros, their outputs
   * dropped).
   */
  private transformFramesDirect(
    direct: DirectRealDft,
    f: Framed,
    complex: Float64Array | null,
    mags: FloatArray | null,
    rootFloor: number,
  ): void {
    const { size: n, bins, window } = this.cfg;
    const { starts, dre, dim, dframes, dscale, ones } = this;
    const total = f.batch * f.frames;
    for (let g0 = 0; g0 < total; g0 += FRAMES) {
      const count = Math.min(FRAMES, total - g0);
      // Each frame is transformed on its own: scaling matters only where a frame's size could
      // overflow or underflow inside the sums, so frames in [2^-498, 2^500] (and silent ones) are
      // read in place (missing frames of the last group repeat its first; outputs dropped).
      let inRange = true;
      for (let t = 0; t < FRAMES; t++) {
        const s = this.startOf(f, t < count ? g0 + t : g0);
        starts[t] = s;
        const m = windowedMax(f.padded, s, window);
        dscale[t] = m > 0 ? 1 : 0;
        if (m !== 0 && !(m >= 2 ** -498 && m <= 2 ** 500)) inRange = false;
      }
      if (inRange) direct.forward4(f.padded, starts, window, dre, dim);
      else {
        for (let t = 0; t < FRAMES; t++) {
          dscale[t] = this.windowed(f, t < count ? g0 + t : -1, dframes, t * n);
          starts[t] = t * n;
        }
        direct.forward4(dframes, starts, ones, dre, dim);
      }
      for (let t = 0; t < count; t++) {
        const u = dscale[t]!;
        const o = (g0 + t) * bins;
        for (let k = 0, i = t; k < bins; k++, i += FRAMES) {
          const re = dre[i]!;
          const im = dim[i]!;
          if (mags !== null) mags[o + k] = Math.max(u * Math.sqrt(re * re + im * im), rootFloor);
          if (complex !== null) {
            complex[2 * (o + k)] = u * re;
            complex[2 * (o + k) + 1] = u * im;
          }
        }
      }
    }
  }

  /**
   * dL/dx for L depending on the magnitudes, given dL/d|X| (`dMag`, `[batch * frames * bins]`)
   * and the forward's spectra and float64 magnitudes (from {@link StftKernel.analyze}). Per frame,
   * with G[k] = dMag[k] X[k] / |X[k]| (0 where |X| <= sqrt(eps), the floor, or |X| = 0):
   * dL/d(frame)[j] = w[j] Re sum_{k < bins} G[k] exp(+2 pi i j k / n); then the overlap-add of
   * frames and the adjoint of the padding. Two frames share one FFT: with E the Hermitian part of
   * each zero-extended G, conj(DFT(conj(E1 + i E2))) has the two frames' sums as its real and
   * imaginary parts; each frame's G is scaled by the power of two 1 / u that brings its largest
   * |Re G|, |Im G| into [1, 2) before, and its sum multiplied by u after (u = 0 for G = 0).
   * Returns `[batch, length]` float64.
   */
  backward(
    f: Framed,
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    eps: number | undefined,
  ): Float64Array {
    const { size: n, window, bins } = this.cfg;
    const { zr, zi, fft } = this;
    const { batch, frames, paddedLength, length } = f;
    const total = batch * frames;
    const rootFloor = Math.sqrt(eps ?? 0);
    const gp = this.scratch('grad', batch * paddedLength);
    gp.fill(0);
    if (this.direct !== null) this.backwardDirect(this.direct, f, spec, mag, dMag, rootFloor, gp);
    const sc = this.sc;
    for (let g = 0; this.direct === null && g < total; g += pairsWith(f, g) ? 2 : 1) {
      const pair = pairsWith(f, g);
      // Packed unscaled first (t = 1), which serves frames of like size; else again, scaled.
      const o1 = g * bins;
      const o2 = pair ? o1 + bins : -1;
      const m1 = packGradients(spec, mag, dMag, o1, o2, bins, rootFloor, 1, 1, zr, zi);
      const like = frameScales(m1[0]!, m1[1]!, sc);
      if (!like) packGradients(spec, mag, dMag, o1, o2, bins, rootFloor, sc[0]!, sc[1]!, zr, zi);
      const u1 = sc[2]!;
      const u2 = sc[3]!;
      fft.forward(zr, zi);
      // y = conj(DFT(conj Z)) = sum_k Z[k] exp(+2 pi i j k / n): Re -> frame g, Im -> frame g + 1.
      const s1 = this.startOf(f, g);
      for (let j = 0; j < n; j++) gp[s1 + j]! += window[j]! * zr[j]! * u1;
      if (pair) {
        const s2 = this.startOf(f, g + 1);
        for (let j = 0; j < n; j++) gp[s2 + j]! -= window[j]! * zi[j]! * u2;
      }
    }
    const gx = new Float64Array(batch * length);
    addUnpadded(this.cfg, f, gp, gx);
    return gx;
  }

  /**
   * The frames' part of {@link StftKernel.backward} by the direct real DFT: adds each frame's
   * w[j] Re sum_k G[k] exp(+2 pi i j k / n) into `gp`, {@link FRAMES} frames at a time (each on
   * its own: no scaling needed).
   */
  private backwardDirect(
    direct: DirectRealDft,
    f: Framed,
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    rootFloor: number,
    gp: Float64Array,
  ): void {
    const { size: n, window, bins } = this.cfg;
    const { du, dv, dc, ds, d0, dsum } = this;
    const h = direct.h;
    const total = f.batch * f.frames;
    for (let g0 = 0; g0 < total; g0 += FRAMES) {
      const count = Math.min(FRAMES, total - g0);
      for (let t = 0; t < FRAMES; t++) {
        if (t >= count) {
          for (let k = 0, i = t; k < h; k++, i += FRAMES) {
            du[i] = 0;
            dv[i] = 0;
          }
          continue;
        }
        const o = (g0 + t) * bins;
        d0[t] = passes(mag, o, rootFloor) ? dMag[o]! * (spec[2 * o]! / mag[o]!) : 0;
        let sum = 0;
        for (let k = 1, i = t; k < bins; k++, i += FRAMES) {
          const b = o + k;
          const ok = passes(mag, b, rootFloor);
          const gr = ok ? dMag[b]! * (spec[2 * b]! / mag[b]!) : 0;
          du[i] = gr;
          dv[i] = ok ? dMag[b]! * (spec[2 * b + 1]! / mag[b]!) : 0;
          sum += gr;
        }
        dsum[t] = sum;
      }
      direct.cosine(du, dc);
      direct.sine(dv, ds);
      for (let t = 0; t < count; t++) {
        const s = this.startOf(f, g0 + t);
        const g0r = d0[t]!;
        gp[s]! += window[0]! * (g0r + dsum[t]!);
        for (let j = 1, i = t, e = s + n; j <= h; j++, i += FRAMES) {
          const pj = g0r + dc[i]!;
          const qj = ds[i]!;
          gp[s + j]! += window[j]! * (pj - qj);
          gp[e - j]! += window[n - j]! * (pj + qj);
        }
      }
    }
  }
}

/** max_j |w[j] x[s + j]|: the size of a windowed frame. */
function windowedMax(x: Float64Array, s: number, window: Float64Array): number {
  let max = 0;
  for (let j = 0; j < window.length; j++) {
    const a = Math.abs(window[j]! * x[s + j]!);
    if (a > max) max = a;
  }
  return max;
}

/**
 * Whether frame g shares its transform with frame g + 1: when both belong to the same item (so
 * that an item's numbers never depend on the other items of its batch, bit for bit).
 */
function pairsWith(f: Framed, g: number): boolean {
  return (g + 1) % f.frames !== 0;
}

/**
 * Whether bin i of the forward passes a gradient: |X| above the floor sqrt(eps) (or above 0),
 * that is where the magnitude is |X| itself and not 0 or the floor.
 */
function passes(mag: Float64Array, i: number, rootFloor: number): boolean {
  return mag[i]! > rootFloor;
}

const largest = new Float64Array(2);

/**
 * Packs the gradient bins of two frames (bins at o1 and o2; o2 < 0: none) into one complex input
 * of the adjoint FFT, each frame's G[k] = t dMag[k] (X[k] / |X[k]|) (0 where |X| <= rootFloor):
 * conj(E1 + i E2) with E[k] = (G[k] + conj G[n-k]) / 2, G zero from bins on; at k and n-k only one
 * of the two terms is non-zero, except at DC and (even n) Nyquist. Returns the largest |t dMag|
 * of each frame where G passes (its largest |G|).
 */
function packGradients(
  spec: Float64Array,
  mag: Float64Array,
  dMag: FloatArray,
  o1: number,
  o2: number,
  bins: number,
  rootFloor: number,
  t1: number,
  t2: number,
  zr: Float64Array,
  zi: Float64Array,
): Float64Array {
  const n = zr.length;
  let max1 = 0;
  let max2 = 0;
  for (let k = 0; k < bins; k++) {
    // G = dMag (X / |X|): the unit phasor first, so G is finite for X of any size (dMag / |X|
    // alone would overflow for |X| < 1e-154 under a log-type loss).
    let i = o1 + k;
    let m = mag[i]!;
    let d = m > rootFloor ? t1 * dMag[i]! : 0;
    const g1r = d === 0 ? 0 : d * (spec[2 * i]! / m);
    const g1i = d === 0 ? 0 : d * (spec[2 * i + 1]! / m);
    if (Math.abs(d) > max1) max1 = Math.abs(d);
    let g2r = 0;
    let g2i = 0;
    if (o2 >= 0) {
      i = o2 + k;
      m = mag[i]!;
      d = m > rootFloor ? t2 * dMag[i]! : 0;
      g2r = d === 0 ? 0 : d * (spec[2 * i]! / m);
      g2i = d === 0 ? 0 : d * (spec[2 * i + 1]! / m);
      if (Math.abs(d) > max2) max2 = Math.abs(d);
    }
    const r = n - k;
    if (k === 0 || k === r) {
      zr[k] = g1r;
      zi[k] = -g2r;
    } else {
      zr[k] = 0.5 * (g1r - g2i);
      zi[k] = -0.5 * (g1i + g2r);
      zr[r] = 0.5 * (g1r + g2i);
      zi[r] = 0.5 * (g1i - g2r);
    }
  }
  largest[0] = max1;
  largest[1] = max2;
  return largest;
}

/**
 * The adjoint of the framing's padding: adds the gradient w.r.t. the padded signals (`gp`,
 * `[batch, paddedLength]`) to the gradient w.r.t. the signals (`out`, `[batch, length]`). Reflect
 * padding folds the mirrored samples back onto their sources; constant padding drops the pad.
 */
export function addUnpadded(
  cfg: ResolvedStft,
  f: Framed,
  gp: Float64Array,
  out: Float64Array,
): void {
  const { batch, paddedLength, length, left } = f;
  const reflect = cfg.center && cfg.padMode === 'reflect';
  for (let b = 0; b < batch; b++) {
    const src = b * paddedLength + left;
    const dst = b * length;
    for (let t = 0; t < length; t++) out[dst + t]! += gp[src + t]!;
    if (reflect) {
      for (let i = 1; i <= left; i++) {
        out[dst + i]! += gp[src - i]!;
        out[dst + length - 1 - i]! += gp[src + length - 1 + i]!;
      }
    }
  }
}
