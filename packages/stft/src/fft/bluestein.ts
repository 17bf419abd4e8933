import type { SplitTransform } from './types.js';

/**
 * Bluestein's chirp-z algorithm for any length n (L. Bluestein, "A linear filtering approach to
 * the computation of discrete Fourier transform", IEEE Trans. Audio Electroacoustics 18(4), 1970):
 *
 *   jk = (j^2 + k^2 - (k - j)^2) / 2, so with the chirp w[k] = exp(-i pi k^2 / n)
 *   X[k] = w[k] * sum_j (x[j] w[j]) * conj(w[k - j]),
 *
 * a convolution evaluated circularly with two FFTs of a length m >= 2 n - 1 used as a black box
 * (as pocketfft does): chirp, transform, multiply by the kernel's spectrum, transform back (a
 * forward FFT between conjugations), chirp. The chirp and the transform of conj(w) (divided by m)
 * are precomputed per plan.
 */
export class BluesteinFft implements SplitTransform {
  readonly n: number;
  /** Convolution length. */
  readonly m: number;
  private readonly inner: SplitTransform;
  private readonly wRe: Float64Array;
  private readonly wIm: Float64Array;
  private readonly kRe: Float64Array;
  private readonly kIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;

  /**
   * @param n Transform length.
   * @param m Convolution length, >= 2 n - 1.
   * @param makeInner The transform of length m.
   */
  constructor(n: number, m: number, makeInner: (m: number) => SplitTransform) {
    this.n = n;
    if (m < 2 * n - 1) throw new RangeError(`Bluestein length ${m} < 2n - 1 = ${2 * n - 1}`);
    this.m = m;
    this.inner = makeInner(m);
    this.wRe = new Float64Array(n);
    this.wIm = new Float64Array(n);
    const twoN = 2 * n;
    for (let k = 0; k < n; k++) {
      // k^2 mod 2n keeps the angle exact in integers for full precision.
      const angle = (Math.PI * ((k * k) % twoN)) / n;
      this.wRe[k] = Math.cos(angle);
      this.wIm[k] = -Math.sin(angle);
    }
    this.kRe = new Float64Array(m);
    this.kIm = new Float64Array(m);
    this.kRe[0] = this.wRe[0]!;
    this.kIm[0] = -this.wIm[0]!;
    for (let k = 1; k < n; k++) {
      this.kRe[k] = this.kRe[m - k] = this.wRe[k]!;
      this.kIm[k] = this.kIm[m - k] = -this.wIm[k]!;
    }
    this.inner.forward(this.kRe, this.kIm);
    for (let i = 0; i < m; i++) {
      this.kRe[i]! /= m;
      this.kIm[i]! /= m;
    }
    this.aRe = new Float64Array(m);
    this.aIm = new Float64Array(m);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, m, wRe, wIm, kRe, kIm, aRe, aIm } = this;
    for (let k = 0; k < n; k++) {
      const xr = re[k]!;
      const xi = im[k]!;
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      aRe[k] = xr * wr - xi * wi;
      aIm[k] = xr * wi + xi * wr;
    }
    aRe.fill(0, n);
    aIm.fill(0, n);
    this.inner.forward(aRe, aIm);
    for (let i = 0; i < m; i++) {
      const ar = aRe[i]!;
      const ai = aIm[i]!;
      const kr = kRe[i]!;
      const ki = kIm[i]!;
      aRe[i] = ar * kr - ai * ki;
      aIm[i] = -(ar * ki + ai * kr);
    }
    this.inner.forward(aRe, aIm);
    for (let k = 0; k < n; k++) {
      const cr = aRe[k]!;
      const ci = -aIm[k]!;
      const wr = wRe[k]!;
      const wi = wIm[k]!;
      re[k] = cr * wr - ci * wi;
      im[k] = cr * wi + ci * wr;
    }
  }
}
