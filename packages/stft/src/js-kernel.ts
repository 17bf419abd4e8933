/**
 * The JavaScript STFT kernel: the readable reference every WebAssembly kernel is tested against,
 * and the fallback where WebAssembly SIMD is missing (or a call does not fit in its memory).
 */
import type { FloatArray } from '@losses/tensor';
import { DirectRealDft, FRAMES } from './fft/real-direct.js';
import { type SplitTransform, splitFft, useDirectRealDft } from './fft/split.js';
import { type Framed, Framer } from './framing.js';
import type { StftKernel } from './kernel.js';
import type { ResolvedStft } from './options.js';
import { frameScales, inPlainRange, powerOfTwoScale } from './scale.js';

/**
 * The STFT in JavaScript for one resolved configuration: the FFT plan (or the direct real DFT of
 * a small odd size) and scratch memory.
 *
 * Every frame is accurate relative to its own size, as if transformed alone, and a silent frame is
 * exactly 0: the one windowing step before a transform scales each windowed frame by a power of
 * two 1 / u that brings its largest |w x| into [1, 2) (1 for frames that lose nothing unscaled,
 * see `frameScales`), and its spectrum is multiplied by u afterwards (u = 0 for an all-zero
 * frame). Two real frames of the same item share one complex FFT (z = a + i b; A[k] = (Z[k] +
 * conj Z[n-k]) / 2, B[k] = (Z[k] - conj Z[n-k]) / 2i); the adjoint runs the same trick backwards,
 * each frame's gradient bins scaled the same way by their largest |Re|, |Im|.
 */
export class JsStftKernel implements StftKernel {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  /** The FFT of size n (null where the direct real DFT serves). */
  private readonly fft: SplitTransform | null;
  /** The direct real DFT (small odd sizes where it beats the FFT route), else null. */
  private readonly direct: DirectRealDft | null;
  /** The FFT's input and output: two frames as one complex signal. */
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** [t1, t2, u1, u2] of the pair of frames in hand (see `frameScales`). */
  private readonly sc = new Float64Array(4);
  /** The direct DFT's group: its frames windowed and scaled ([FRAMES, n]), their scales u. */
  private readonly dframes: Float64Array;
  private readonly dscale = new Float64Array(FRAMES);
  private readonly dmax = new Float64Array(FRAMES);
  /** The direct DFT's spectra (interleaved, see DirectRealDft.forward4). */
  private readonly dre: Float64Array;
  private readonly dim: Float64Array;
  /** The direct adjoint's inputs (Re G, Im G) and outputs (C Re G, S Im G), interleaved. */
  private readonly du: Float64Array;
  private readonly dv: Float64Array;
  private readonly dc: Float64Array;
  private readonly ds: Float64Array;
  /** Per frame of a group: Re G_0 and sum Re G. */
  private readonly d0 = new Float64Array(FRAMES);
  private readonly dsum = new Float64Array(FRAMES);
  /** The gradient w.r.t. the padded signals, grown on demand. */
  private grad = new Float64Array(0);

  /**
   * @param direct Whether to use the direct real DFT for an odd size: by default when the cost
   *   model says it is faster than the FFT route (`useDirectRealDft`).
   */
  constructor(cfg: ResolvedStft, framer = new Framer(cfg), direct?: boolean) {
    this.cfg = cfg;
    this.framer = framer;
    const n = cfg.size;
    const useDirect = n % 2 === 1 && n >= 3 && (direct ?? useDirectRealDft(n));
    this.direct = useDirect ? new DirectRealDft(n) : null;
    this.fft = useDirect ? null : splitFft(n);
    this.zr = new Float64Array(useDirect ? 0 : n);
    this.zi = new Float64Array(useDirect ? 0 : n);
    const h = useDirect ? (n - 1) / 2 : 0;
    const rows = this.direct?.rows ?? 0;
    this.dframes = new Float64Array(useDirect ? FRAMES * n : 0);
    this.dre = new Float64Array(useDirect ? FRAMES * cfg.bins : 0);
    this.dim = new Float64Array(useDirect ? FRAMES * cfg.bins : 0);
    this.du = new Float64Array(FRAMES * h);
    this.dv = new Float64Array(FRAMES * h);
    this.dc = new Float64Array(FRAMES * rows);
    this.ds = new Float64Array(FRAMES * rows);
  }

  spectra(f: Framed): Float64Array {
    const out = new Float64Array(f.batch * f.frames * this.cfg.bins * 2);
    this.transformFrames(f, out, null, undefined);
    return out;
  }

  magnitudes(f: Framed, out: FloatArray, eps: number | undefined): void {
    this.transformFrames(f, null, out, eps);
  }

  analyze(f: Framed, eps: number | undefined): { spec: Float64Array; mag: Float64Array } {
    const count = f.batch * f.frames * this.cfg.bins;
    const spec = new Float64Array(2 * count);
    const mag = new Float64Array(count);
    this.transformFrames(f, spec, mag, eps);
    return { spec, mag };
  }

  /**
   * The windowing step, where frames meet the transforms: dst[o + j] = w[j] x[j] for frame g,
   * j < n. Returns max_j |w[j] x[j]|, the size that decides the frame's scale (see
   * {@link JsStftKernel.scale}).
   */
  private windowFrame(f: Framed, g: number, dst: Float64Array, o: number): number {
    const { window } = this.cfg;
    const { padded } = f;
    const s = this.framer.start(f, g);
    let max = 0;
    for (let j = 0; j < window.length; j++) {
      const v = window[j]! * padded[s + j]!;
      dst[o + j] = v;
      const a = Math.abs(v);
      if (a > max) max = a;
    }
    return max;
  }

  /** The scaling that completes the windowing step: dst[o + j] *= t for j < n (t = 1: none). */
  private scale(dst: Float64Array, o: number, t: number): void {
    if (t === 1) return;
    for (let j = o, e = o + this.cfg.size; j < e; j++) dst[j]! *= t;
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
    const { zr, zi, sc } = this;
    const fft = this.fft!;
    const total = f.batch * f.frames;
    for (let g = 0; g < total; g += pairsWith(f, g) ? 2 : 1) {
      const pair = pairsWith(f, g);
      // A frame alone (the last of an item with an odd frame count) shares its transform with
      // itself (the split gives its spectrum; B is not stored).
      const m1 = this.windowFrame(f, g, zr, 0);
      const m2 = this.windowFrame(f, pair ? g + 1 : g, zi, 0);
      frameScales(m1, m2, sc);
      this.scale(zr, 0, sc[0]!);
      this.scale(zi, 0, sc[1]!);
      fft.forward(zr, zi);
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
   * {@link JsStftKernel.transformFrames} by the direct real DFT, {@link FRAMES} frames at a time
   * (each transformed on its own; missing frames of the last group are zeros, their outputs
   * dropped). Scaling matters only where a frame's size could overflow or underflow inside the
   * sums: a group whose frames are all in [2^-498, 2^500] (or silent) is windowed unscaled.
   */
  private transformFramesDirect(
    direct: DirectRealDft,
    f: Framed,
    complex: Float64Array | null,
    mags: FloatArray | null,
    rootFloor: number,
  ): void {
    const { size: n, bins } = this.cfg;
    const { dre, dim, dframes, dscale, dmax } = this;
    const total = f.batch * f.frames;
    for (let g0 = 0; g0 < total; g0 += FRAMES) {
      const count = Math.min(FRAMES, total - g0);
      let plain = true;
      for (let t = 0; t < FRAMES; t++) {
        if (t >= count) {
          dframes.fill(0, t * n, (t + 1) * n);
          continue;
        }
        const m = this.windowFrame(f, g0 + t, dframes, t * n);
        dmax[t] = m;
        if (m !== 0 && !inPlainRange(m)) plain = false;
      }
      for (let t = 0; t < count; t++) {
        const u = plain ? (dmax[t]! > 0 ? 1 : 0) : powerOfTwoScale(dmax[t]!);
        dscale[t] = u;
        if (!plain) this.scale(dframes, t * n, u > 0 ? 1 / u : 0);
      }
      direct.forward4(dframes, dre, dim);
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

  backward(
    f: Framed,
    spec: Float64Array,
    mag: Float64Array,
    dMag: FloatArray,
    eps: number | undefined,
  ): Float64Array {
    const { size: n, window, bins } = this.cfg;
    const { zr, zi, sc } = this;
    const { batch, frames, paddedLength, length } = f;
    const total = batch * frames;
    const rootFloor = Math.sqrt(eps ?? 0);
    if (this.grad.length < batch * paddedLength) this.grad = new Float64Array(batch * paddedLength);
    const gp = this.grad.subarray(0, batch * paddedLength);
    gp.fill(0);
    if (this.direct !== null) this.backwardDirect(this.direct, f, spec, mag, dMag, rootFloor, gp);
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
      this.fft!.forward(zr, zi);
      // y = conj(DFT(conj Z)) = sum_k Z[k] exp(+2 pi i j k / n): Re -> frame g, Im -> frame g + 1.
      const s1 = this.framer.start(f, g);
      for (let j = 0; j < n; j++) gp[s1 + j]! += window[j]! * zr[j]! * u1;
      if (pair) {
        const s2 = this.framer.start(f, g + 1);
        for (let j = 0; j < n; j++) gp[s2 + j]! -= window[j]! * zi[j]! * u2;
      }
    }
    const gx = new Float64Array(batch * length);
    this.framer.addUnpadded(f, gp, gx);
    return gx;
  }

  /**
   * The frames' part of {@link JsStftKernel.backward} by the direct real DFT: adds each frame's
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
        const s = this.framer.start(f, g0 + t);
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
