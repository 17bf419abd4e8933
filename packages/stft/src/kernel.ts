import type { FloatArray } from '@losses/tensor';
import { type SplitTransform, splitFft } from './fft/split.js';
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
  /** All padded signals, float64, `[batch, paddedLength]`. */
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

  constructor(cfg: ResolvedStft) {
    this.cfg = cfg;
    this.fft = splitFft(cfg.size);
    this.zr = new Float64Array(cfg.size);
    this.zi = new Float64Array(cfg.size);
  }

  /** Pads `batch` signals of `length` samples (row-major in `x`) as the configuration says. */
  frame(x: FloatArray, batch: number, length: number): Framed {
    const { size, hop, center, padMode, padEnd } = this.cfg;
    const frames = frameCountOf(this.cfg, length);
    const left = center ? Math.floor(size / 2) : 0;
    let paddedLength = length + 2 * left;
    if (padEnd) paddedLength = Math.max(length, (frames - 1) * hop + size);
    const padded = new Float64Array(batch * paddedLength);
    const reflect = center && padMode === 'reflect';
    for (let b = 0; b < batch; b++) {
      const src = b * length;
      const dst = b * paddedLength;
      for (let t = 0; t < length; t++) padded[dst + left + t] = x[src + t]!;
      if (reflect) {
        // torch/numpy 'reflect': mirror about the edge sample, edge not repeated.
        for (let i = 1; i <= left; i++) {
          padded[dst + left - i] = x[src + i]!;
          padded[dst + left + length - 1 + i] = x[src + length - 1 - i]!;
        }
      }
    }
    return { batch, length, frames, paddedLength, left, padded };
  }

  /** One-sided spectra of every frame: `[batch * frames, bins, 2]` float64. */
  spectra(f: Framed): Float64Array {
    const { size: n, hop, window, bins } = this.cfg;
    const { zr, zi, fft } = this;
    const total = f.batch * f.frames;
    const out = new Float64Array(total * bins * 2);
    const { padded, frames, paddedLength } = f;
    for (let g = 0; g < total; g += 2) {
      const s1 = Math.floor(g / frames) * paddedLength + (g % frames) * hop;
      const pair = g + 1 < total;
      if (pair) {
        const g2 = g + 1;
        const s2 = Math.floor(g2 / frames) * paddedLength + (g2 % frames) * hop;
        for (let j = 0; j < n; j++) {
          const w = window[j]!;
          zr[j] = w * padded[s1 + j]!;
          zi[j] = w * padded[s2 + j]!;
        }
      } else {
        for (let j = 0; j < n; j++) zr[j] = window[j]! * padded[s1 + j]!;
        zi.fill(0);
      }
      fft.forward(zr, zi);
      const o1 = g * bins * 2;
      if (!pair) {
        for (let k = 0; k < bins; k++) {
          out[o1 + 2 * k] = zr[k]!;
          out[o1 + 2 * k + 1] = zi[k]!;
        }
        continue;
      }
      const o2 = o1 + bins * 2;
      out[o1] = zr[0]!;
      out[o1 + 1] = 0;
      out[o2] = zi[0]!;
      out[o2 + 1] = 0;
      for (let k = 1; k < bins; k++) {
        const r = n - k;
        const ar = zr[k]!;
        const ai = zi[k]!;
        const br = zr[r]!;
        const bi = zi[r]!;
        out[o1 + 2 * k] = 0.5 * (ar + br);
        out[o1 + 2 * k + 1] = 0.5 * (ai - bi);
        out[o2 + 2 * k] = 0.5 * (ai + bi);
        out[o2 + 2 * k + 1] = 0.5 * (br - ar);
      }
    }
    return out;
  }

  /**
   * dL/dx for L depending on the magnitudes, given dL/d|X| (`dMag`, `[batch * frames * bins]`)
   * and the forward spectra. Per frame, with G[k] = dMag[k] X[k] / |X[k]| (0 where |X| = 0 or the
   * eps floor is active): dL/d(frame)[j] = w[j] Re sum_{k < bins} G[k] exp(+2 pi i j k / n);
   * then the overlap-add of frames and the adjoint of the padding.
   * Returns `[batch, length]` float64.
   */
  backward(f: Framed, spec: Float64Array, dMag: FloatArray, eps: number | undefined): Float64Array {
    const { size: n, hop, window, bins, center, padMode } = this.cfg;
    const { zr, zi, fft } = this;
    const { batch, frames, paddedLength, length, left } = f;
    const total = batch * frames;
    // G = dMag * X / |X| per bin, in place of a copy of the spectrum.
    const grad = new Float64Array(total * bins * 2);
    const floor = eps ?? 0;
    for (let i = 0, e = total * bins; i < e; i++) {
      const re = spec[2 * i]!;
      const im = spec[2 * i + 1]!;
      const p = re * re + im * im;
      if (p > 0 && p >= floor) {
        const s = dMag[i]! / Math.sqrt(p);
        grad[2 * i] = s * re;
        grad[2 * i + 1] = s * im;
      }
    }
    const gp = new Float64Array(batch * paddedLength);
    for (let g = 0; g < total; g += 2) {
      const pair = g + 1 < total;
      const h1 = g * bins * 2;
      const h2 = h1 + bins * 2;
      // conj(E1 + i E2), E = Hermitian part of the one-sided H (zero beyond bins - 1).
      for (let k = 0; k < n; k++) {
        const r = k === 0 ? 0 : n - k;
        let e1r = 0;
        let e1i = 0;
        let e2r = 0;
        let e2i = 0;
        if (k < bins) {
          e1r += grad[h1 + 2 * k]!;
          e1i += grad[h1 + 2 * k + 1]!;
          if (pair) {
            e2r += grad[h2 + 2 * k]!;
            e2i += grad[h2 + 2 * k + 1]!;
          }
        }
        if (r < bins) {
          e1r += grad[h1 + 2 * r]!;
          e1i -= grad[h1 + 2 * r + 1]!;
          if (pair) {
            e2r += grad[h2 + 2 * r]!;
            e2i -= grad[h2 + 2 * r + 1]!;
          }
        }
        // halves of (E1 + i E2), conjugated
        zr[k] = 0.5 * (e1r - e2i);
        zi[k] = -0.5 * (e1i + e2r);
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
    const reflect = center && padMode === 'reflect';
    for (let b = 0; b < batch; b++) {
      const src = b * paddedLength;
      const dst = b * length;
      for (let t = 0; t < length; t++) gx[dst + t] = gp[src + left + t]!;
      if (reflect) {
        for (let i = 1; i <= left; i++) {
          gx[dst + i]! += gp[src + left - i]!;
          gx[dst + length - 1 - i]! += gp[src + left + length - 1 + i]!;
        }
      }
    }
    return gx;
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
