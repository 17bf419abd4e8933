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
 * The STFT machinery for one resolved configuration: the FFT plan and scratch memory.
 * Two real frames go through one complex FFT (z = a + i b; A[k] = (Z[k] + conj Z[n-k]) / 2,
 * B[k] = (Z[k] - conj Z[n-k]) / 2i), and the adjoint runs the same trick backwards.
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
  /** A group's magnitudes in float64, copied out with one `set`. */
  private readonly dm: Float64Array;
  /** A group's frame starts and spectra (interleaved, see DirectRealDft.forward4). */
  private readonly starts = new Int32Array(FRAMES);
  private readonly dre: Float64Array;
  private readonly dim: Float64Array;

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
    this.fft = splitFft(n);
    this.zr = new Float64Array(n);
    this.zi = new Float64Array(n);
    const useDirect = n % 2 === 1 && n >= 3 && (direct ?? useDirectRealDft(n));
    this.direct = useDirect ? new DirectRealDft(n) : null;
    const h = useDirect ? (n - 1) / 2 : 0;
    const rows = this.direct?.rows ?? 0;
    this.du = new Float64Array(FRAMES * h);
    this.dv = new Float64Array(FRAMES * h);
    this.dc = new Float64Array(FRAMES * rows);
    this.ds = new Float64Array(FRAMES * rows);
    this.dm = new Float64Array(useDirect ? FRAMES * cfg.bins : 0);
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

  /** One-sided spectra of every frame: `[batch * frames, bins, 2]` float64. */
  spectra(f: Framed): Float64Array {
    const out = new Float64Array(f.batch * f.frames * this.cfg.bins * 2);
    this.transformFrames(f, out, null, undefined);
    return out;
  }

  /** |X| of every frame into `out` (`[batch * frames * bins]`), with an optional power floor. */
  magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    this.transformFrames(f, null, out, eps);
  }

  /**
   * Transforms the frames two at a time (z = a + i b; A[k] = (Z[k] + conj Z[n-k]) / 2,
   * B[k] = (Z[k] - conj Z[n-k]) / 2i) and writes either the complex spectra or the magnitudes.
   */
  private transformFrames(
    f: Framed,
    complex: Float64Array | null,
    mags: FloatArray | null,
    eps: number | undefined,
  ): void {
    if (this.direct !== null) {
      this.transformFramesDirect(this.direct, f, complex, mags, eps);
      return;
    }
    const { size: n, hop, window, bins } = this.cfg;
    const { zr, zi, fft } = this;
    const total = f.batch * f.frames;
    const { padded, frames, paddedLength } = f;
    const floor = eps ?? 0;
    for (let g = 0; g < total; g += 2) {
      const s1 = Math.floor(g / frames) * paddedLength + (g % frames) * hop;
      const pair = g + 1 < total;
      if (pair) {
        const g2 = g + 1;
        const s2 = Math.floor(g2 / frames) * paddedLength + (g2 % frames) * hop;
        fft.forwardWindowed(padded, s1, s2, window, zr, zi);
      } else {
        for (let j = 0; j < n; j++) zr[j] = window[j]! * padded[s1 + j]!;
        zi.fill(0);
        fft.forward(zr, zi);
      }
      if (pair && mags !== null) {
        // |A|^2 = |Z[k] + conj Z[n-k]|^2 / 4, |B|^2 = |Z[k] - conj Z[n-k]|^2 / 4, written directly.
        const o1 = g * bins;
        const o2 = o1 + bins;
        const a0 = zr[0]! * zr[0]!;
        const b0 = zi[0]! * zi[0]!;
        mags[o1] = Math.sqrt(Math.max(a0, floor));
        mags[o2] = Math.sqrt(Math.max(b0, floor));
        for (let k = 1; k < bins; k++) {
          const r = n - k;
          const pr = zr[k]!;
          const pi = zi[k]!;
          const qr = zr[r]!;
          const qi = zi[r]!;
          const sr = pr + qr;
          const di = pi - qi;
          const si = pi + qi;
          const dr = qr - pr;
          const pa = 0.25 * (sr * sr + di * di);
          const pb = 0.25 * (si * si + dr * dr);
          mags[o1 + k] = Math.sqrt(Math.max(pa, floor));
          mags[o2 + k] = Math.sqrt(Math.max(pb, floor));
        }
        continue;
      }
      if (pair && complex !== null) {
        const o1 = 2 * g * bins;
        const o2 = o1 + 2 * bins;
        complex[o1] = zr[0]!;
        complex[o1 + 1] = 0;
        complex[o2] = zi[0]!;
        complex[o2 + 1] = 0;
        for (let k = 1; k < bins; k++) {
          const r = n - k;
          const pr = zr[k]!;
          const pi = zi[k]!;
          const qr = zr[r]!;
          const qi = zi[r]!;
          complex[o1 + 2 * k] = 0.5 * (pr + qr);
          complex[o1 + 2 * k + 1] = 0.5 * (pi - qi);
          complex[o2 + 2 * k] = 0.5 * (pi + qi);
          complex[o2 + 2 * k + 1] = 0.5 * (qr - pr);
        }
        continue;
      }
      // The last frame alone (odd frame count): its spectrum is Z itself.
      const o = g * bins;
      for (let k = 0; k < bins; k++) {
        const re = zr[k]!;
        const im = zi[k]!;
        if (complex !== null) {
          complex[2 * (o + k)] = re;
          complex[2 * (o + k) + 1] = im;
        } else if (mags !== null) {
          const p = re * re + im * im;
          mags[o + k] = Math.sqrt(Math.max(p, floor));
        }
      }
    }
  }

  /**
   * {@link StftKernel.transformFrames} by the direct real DFT, {@link FRAMES} frames at a time
   * (missing frames of the last group are zeros, their outputs dropped).
   */
  private transformFramesDirect(
    direct: DirectRealDft,
    f: Framed,
    complex: Float64Array | null,
    mags: FloatArray | null,
    eps: number | undefined,
  ): void {
    const { hop, window, bins } = this.cfg;
    const { dm, starts, dre, dim } = this;
    const total = f.batch * f.frames;
    const { padded, frames, paddedLength } = f;
    const floor = eps ?? 0;
    for (let g0 = 0; g0 < total; g0 += FRAMES) {
      const count = Math.min(FRAMES, total - g0);
      for (let t = 0; t < FRAMES; t++) {
        // missing frames of the last group repeat its first frame; their outputs are dropped
        const g = t < count ? g0 + t : g0;
        starts[t] = Math.floor(g / frames) * paddedLength + (g % frames) * hop;
      }
      direct.forward4(padded, starts, window, dre, dim);
      if (mags !== null) {
        for (let t = 0; t < count; t++) {
          const o = t * bins;
          for (let k = 0, i = t; k < bins; k++, i += FRAMES) {
            const re = dre[i]!;
            const im = dim[i]!;
            dm[o + k] = Math.sqrt(Math.max(re * re + im * im, floor));
          }
        }
        if (count === FRAMES) mags.set(dm, g0 * bins);
        else mags.set(dm.subarray(0, count * bins), g0 * bins);
      } else if (complex !== null) {
        for (let t = 0; t < count; t++) {
          const o = 2 * (g0 + t) * bins;
          for (let k = 0, i = t; k < bins; k++, i += FRAMES) {
            complex[o + 2 * k] = dre[i]!;
            complex[o + 2 * k + 1] = dim[i]!;
          }
        }
      }
    }
  }

  /**
   * dL/dx for L depending on the magnitudes, given dL/d|X| (`dMag`, `[batch * frames * bins]`)
   * and the forward spectra. Per frame, with G[k] = dMag[k] X[k] / |X[k]| (0 where |X| = 0 or the
   * eps floor is active): dL/d(frame)[j] = w[j] Re sum_{k < bins} G[k] exp(+2 pi i j k / n);
   * then the overlap-add of frames and the adjoint of the padding. Two frames share one FFT:
   * with E the Hermitian part of each zero-extended G, conj(DFT(conj(E1 + i E2))) has the two
   * frames' sums as its real and imaginary parts. Returns `[batch, length]` float64.
   */
  backward(f: Framed, spec: Float64Array, dMag: FloatArray, eps: number | undefined): Float64Array {
    const { size: n, hop, window, bins } = this.cfg;
    const { zr, zi, fft } = this;
    const { batch, frames, paddedLength, length } = f;
    const total = batch * frames;
    const floor = eps ?? 0;
    const gp = this.scratch('grad', batch * paddedLength);
    gp.fill(0);
    if (this.direct !== null) this.backwardDirect(this.direct, f, spec, dMag, floor, gp);
    for (let g = 0; this.direct === null && g < total; g += 2) {
      const pair = g + 1 < total;
      const o1 = g * bins;
      const o2 = o1 + bins;
      // G[k] = dMag[k] X[k] / |X[k]| of both frames (0 where |X| = 0 or under the floor), and
      // conj(E1 + i E2) with E[k] = (G[k] + conj G[n-k]) / 2, G zero from bins on: at k and n-k
      // only one of the two terms is non-zero, except at DC and (even n) Nyquist.
      for (let k = 0; k < bins; k++) {
        let re = spec[2 * (o1 + k)]!;
        let im = spec[2 * (o1 + k) + 1]!;
        let p = re * re + im * im;
        let scale = p > 0 && p >= floor ? dMag[o1 + k]! / Math.sqrt(p) : 0;
        const g1r = scale * re;
        const g1i = scale * im;
        let g2r = 0;
        let g2i = 0;
        if (pair) {
          re = spec[2 * (o2 + k)]!;
          im = spec[2 * (o2 + k) + 1]!;
          p = re * re + im * im;
          scale = p > 0 && p >= floor ? dMag[o2 + k]! / Math.sqrt(p) : 0;
          g2r = scale * re;
          g2i = scale * im;
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
      fft.forward(zr, zi);
      // y = conj(DFT(conj Z)) = sum_k Z[k] exp(+2 pi i j k / n): Re -> frame g, Im -> frame g + 1.
      const s1 = Math.floor(g / frames) * paddedLength + (g % frames) * hop;
      for (let j = 0; j < n; j++) gp[s1 + j]! += window[j]! * zr[j]!;
      if (pair) {
        const g2 = g + 1;
        const s2 = Math.floor(g2 / frames) * paddedLength + (g2 % frames) * hop;
        for (let j = 0; j < n; j++) gp[s2 + j]! -= window[j]! * zi[j]!;
      }
    }
    const gx = new Float64Array(batch * length);
    addUnpadded(this.cfg, f, gp, gx);
    return gx;
  }

  /**
   * The frames' part of {@link StftKernel.backward} by the direct real DFT: adds each frame's
   * w[j] Re sum_k G[k] exp(+2 pi i j k / n) into `gp`, {@link FRAMES} frames at a time.
   */
  private backwardDirect(
    direct: DirectRealDft,
    f: Framed,
    spec: Float64Array,
    dMag: FloatArray,
    floor: number,
    gp: Float64Array,
  ): void {
    const { size: n, hop, window, bins } = this.cfg;
    const { du, dv, dc, ds, d0, dsum } = this;
    const h = direct.h;
    const total = f.batch * f.frames;
    const { frames, paddedLength } = f;
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
        let re = spec[2 * o]!;
        let im = spec[2 * o + 1]!;
        let p = re * re + im * im;
        d0[t] = p > 0 && p >= floor ? (dMag[o]! * re) / Math.sqrt(p) : 0;
        let sum = 0;
        for (let k = 1, i = t; k < bins; k++, i += FRAMES) {
          re = spec[2 * (o + k)]!;
          im = spec[2 * (o + k) + 1]!;
          p = re * re + im * im;
          const scale = p > 0 && p >= floor ? dMag[o + k]! / Math.sqrt(p) : 0;
          const gr = scale * re;
          du[i] = gr;
          dv[i] = scale * im;
          sum += gr;
        }
        dsum[t] = sum;
      }
      direct.cosine(du, dc);
      direct.sine(dv, ds);
      for (let t = 0; t < count; t++) {
        const g = g0 + t;
        const s = Math.floor(g / frames) * paddedLength + (g % frames) * hop;
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

/** |X| per bin: sqrt(re^2 + im^2), or sqrt(max(re^2 + im^2, eps)) with an eps floor. */
export function magnitudesOf(spec: Float64Array, out: FloatArray, eps: number | undefined): void {
  const floor = eps ?? 0;
  for (let i = 0, e = out.length; i < e; i++) {
    const re = spec[2 * i]!;
    const im = spec[2 * i + 1]!;
    const p = re * re + im * im;
    out[i] = Math.sqrt(Math.max(p, floor));
  }
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
