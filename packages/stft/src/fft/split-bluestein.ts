import type { SplitTransform } from './split.js';
import { radices, StockhamFft, type WindowedInput } from './stockham.js';

const EMPTY = new Float64Array(0);

/** Smallest m >= n of the form 2^a 3^b 5^c. */
export function smoothAtLeast(n: number): number {
  let best = Number.POSITIVE_INFINITY;
  for (let p5 = 1; p5 < 2 * n; p5 *= 5) {
    for (let p35 = p5; p35 < 2 * n; p35 *= 3) {
      let m = p35;
      while (m < n) m *= 2;
      if (m < best) best = m;
    }
  }
  return best;
}

/**
 * Bluestein's chirp-z algorithm for any length n (L. Bluestein, "A linear filtering approach to
 * the computation of discrete Fourier transform", IEEE Trans. Audio Electroacoustics 18(4), 1970):
 *
 *   jk = (j^2 + k^2 - (k - j)^2) / 2, so with the chirp w[k] = exp(-i pi k^2 / n)
 *   X[k] = w[k] * sum_j (x[j] w[j]) * conj(w[k - j]),
 *
 * a convolution evaluated circularly with an FFT of a 5-smooth length m >= 2 n - 1 (chosen by cost). The chirp and
 * the transform of conj(w) (divided by m) are precomputed per plan; the inverse FFT of the
 * convolution is a forward FFT between conjugations.
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
  /** The frames of {@link BluesteinFft.forwardWindowed} (reused, released after each call). */
  private readonly input: WindowedInput = { src: EMPTY, s1: 0, s2: 0, window: EMPTY };

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
    // The fused passes (StockhamFft.bluestein) need a first radix 4 and a last radix 8, 4 or 2:
    // with other factors last (e.g. 4320 = 4 8 3 3 3 5), a transform of its own that moves the
    // powers of two after the first 4 to the end (4 3 3 3 5 8).
    if (this.inner instanceof StockhamFft) {
      const order = radices(m);
      const end = order[order.length - 1]!;
      if (order[0] === 4 && end !== 8 && end !== 4 && end !== 2 && order.length > 2) {
        const twos = order.slice(1).filter((r) => r === 8 || r === 4 || r === 2);
        if (twos.length > 0) {
          const odd = order.slice(1).filter((r) => r % 2 === 1);
          this.inner = new StockhamFft(m, [4, ...odd, ...twos]);
        }
      }
    }
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

  forwardWindowed(
    src: Float64Array,
    s1: number,
    s2: number,
    window: Float64Array,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const { n, wRe, wIm, kRe, kIm, aRe, aIm, input } = this;
    const pruned = this.inner instanceof StockhamFft ? this.inner : null;
    input.src = src;
    input.s1 = s1;
    input.s2 = s2;
    input.window = window;
    const done = pruned?.bluestein(re, im, n, wRe, wIm, kRe, kIm, aRe, aIm, input) ?? false;
    input.src = input.window = EMPTY;
    if (done) return;
    for (let j = 0; j < n; j++) {
      const w = window[j]!;
      re[j] = w * src[s1 + j]!;
      im[j] = w * src[s2 + j]!;
    }
    this.forward(re, im);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, m, wRe, wIm, kRe, kIm, aRe, aIm } = this;
    const pruned = this.inner instanceof StockhamFft ? this.inner : null;
    // The fused passes (chirps and kernel inside the first and last passes) when they apply.
    if (pruned?.bluestein(re, im, n, wRe, wIm, kRe, kIm, aRe, aIm)) return;
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
    if (pruned) pruned.forwardPruned(aRe, aIm, n, m);
    else this.inner.forward(aRe, aIm);
    for (let i = 0; i < m; i++) {
      const ar = aRe[i]!;
      const ai = aIm[i]!;
      const kr = kRe[i]!;
      const ki = kIm[i]!;
      aRe[i] = ar * kr - ai * ki;
      aIm[i] = -(ar * ki + ai * kr);
    }
    // Only the first n outputs of the convolution are used.
    if (pruned) pruned.forwardPruned(aRe, aIm, m, n);
    else this.inner.forward(aRe, aIm);
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
