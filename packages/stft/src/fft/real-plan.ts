import type { FloatArray } from '@losses/tensor';
import { cachedPlan } from '../cache.js';
import { type SplitTransform, splitFft } from './split.js';

/**
 * The one-sided DFT of one real signal of length n. Even n uses the half-size trick: with
 * z[j] = x[2j] + i x[2j+1] (length h = n/2) and Z = FFT_h(z),
 *
 *   X[k] = (Z[k] + conj Z[h-k]) / 2 - i exp(-2 pi i k / n) (Z[k] - conj Z[h-k]) / 2,  k = 0..h,
 *
 * (Z[h] = Z[0]); odd n transforms the signal as a complex one with zero imaginary part.
 */
export class RealFft {
  readonly n: number;
  readonly bins: number;
  private readonly fft: SplitTransform;
  private readonly zr: Float64Array;
  private readonly zi: Float64Array;
  /** exp(-2 pi i k / n), k = 0..h (even n only). */
  private readonly wr: Float64Array;
  private readonly wi: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.bins = Math.floor(n / 2) + 1;
    const even = n % 2 === 0;
    const m = even ? n / 2 : n;
    this.fft = splitFft(m);
    this.zr = new Float64Array(m);
    this.zi = new Float64Array(m);
    this.wr = new Float64Array(even ? m + 1 : 0);
    this.wi = new Float64Array(even ? m + 1 : 0);
    for (let k = 0; even && k <= m; k++) {
      this.wr[k] = Math.cos((-2 * Math.PI * k) / n);
      this.wi[k] = Math.sin((-2 * Math.PI * k) / n);
    }
  }

  /** X of x (length n) into out, interleaved (re, im), `2 * bins` values. */
  forward(x: FloatArray, out: FloatArray): void {
    const { n, zr, zi, wr, wi } = this;
    if (n % 2 === 1) {
      for (let j = 0; j < n; j++) zr[j] = x[j]!;
      zi.fill(0);
      this.fft.forward(zr, zi);
      for (let k = 0; k < this.bins; k++) {
        out[2 * k] = zr[k]!;
        out[2 * k + 1] = zi[k]!;
      }
      return;
    }
    const h = n / 2;
    for (let j = 0; j < h; j++) {
      zr[j] = x[2 * j]!;
      zi[j] = x[2 * j + 1]!;
    }
    this.fft.forward(zr, zi);
    for (let k = 0; k <= h; k++) {
      const a = k === h ? 0 : k;
      const b = k === 0 ? 0 : h - k;
      const pr = zr[a]!;
      const pi = zi[a]!;
      const qr = zr[b]!;
      const qi = -zi[b]!;
      // even part E = (P + conj Q') / 2, odd part O = (P - conj Q') / 2i with Q' = Z[h-k]
      const er = 0.5 * (pr + qr);
      const ei = 0.5 * (pi + qi);
      const dr = 0.5 * (pr - qr);
      const di = 0.5 * (pi - qi);
      // O = (dr + i di) / i = di - i dr
      const or = di;
      const oi = -dr;
      const c = wr[k]!;
      const s = wi[k]!;
      out[2 * k] = er + (or * c - oi * s);
      out[2 * k + 1] = ei + (or * s + oi * c);
    }
  }
}

/** The real FFT of length n >= 1 (cached within the plan cache's budget, see PLAN_CACHE_BYTES). */
export function realFft(n: number): RealFft {
  return cachedPlan(`real ${n}`, () => new RealFft(n));
}
