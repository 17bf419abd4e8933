import { powMod, primitiveRoot } from './number-theory.js';
import type { SplitTransform } from './types.js';

/**
 * Rader's algorithm for a prime length p (C. M. Rader, "Discrete Fourier transforms when the
 * number of data samples is prime", Proc. IEEE 56(6), 1968). With g a generator modulo p:
 *
 *   X[0] = sum_j x[j]
 *   X[g^(-q)] = x[0] + sum_{r=0}^{p-2} x[g^r] exp(-2 pi i g^(r - q) / p),  q = 0..p-2,
 *
 * a cyclic convolution of length p - 1, computed with two FFTs of length p - 1 used as a black
 * box (worth it when p - 1 has only small factors, e.g. 257 = 2^8 + 1): transform, multiply by the
 * kernel's spectrum, transform back (a forward FFT between conjugations). The transform of the
 * exp(...) sequence (divided by p - 1) is precomputed per plan.
 */
export class RaderFft implements SplitTransform {
  readonly n: number;
  private readonly inner: SplitTransform;
  /** g^r mod p, r = 0..p-2 (input permutation). */
  private readonly gather: Int32Array;
  /** g^(-q) mod p, q = 0..p-2 (output permutation). */
  private readonly scatter: Int32Array;
  private readonly kRe: Float64Array;
  private readonly kIm: Float64Array;
  private readonly aRe: Float64Array;
  private readonly aIm: Float64Array;

  /**
   * @param p The prime length.
   * @param makeInner The transform of length p - 1.
   */
  constructor(p: number, makeInner: (m: number) => SplitTransform) {
    this.n = p;
    const L = p - 1;
    this.inner = makeInner(L);
    const g = primitiveRoot(p);
    const gInv = powMod(g, p - 2, p);
    this.gather = new Int32Array(L);
    this.scatter = new Int32Array(L);
    let a = 1;
    let b = 1;
    for (let r = 0; r < L; r++) {
      this.gather[r] = a;
      this.scatter[r] = b;
      a = (a * g) % p;
      b = (b * gInv) % p;
    }
    // b_r = exp(-2 pi i g^(-r) / p), transformed and divided by L.
    this.kRe = new Float64Array(L);
    this.kIm = new Float64Array(L);
    for (let r = 0; r < L; r++) {
      const angle = (-2 * Math.PI * this.scatter[r]!) / p;
      this.kRe[r] = Math.cos(angle);
      this.kIm[r] = Math.sin(angle);
    }
    this.inner.forward(this.kRe, this.kIm);
    for (let r = 0; r < L; r++) {
      this.kRe[r]! /= L;
      this.kIm[r]! /= L;
    }
    this.aRe = new Float64Array(L);
    this.aIm = new Float64Array(L);
  }

  forward(re: Float64Array, im: Float64Array): void {
    const { n, gather, scatter, kRe, kIm, aRe, aIm } = this;
    const L = n - 1;
    const x0r = re[0]!;
    const x0i = im[0]!;
    let sr = x0r;
    let si = x0i;
    for (let r = 0; r < L; r++) {
      const j = gather[r]!;
      const vr = re[j]!;
      const vi = im[j]!;
      aRe[r] = vr;
      aIm[r] = vi;
      sr += vr;
      si += vi;
    }
    this.inner.forward(aRe, aIm);
    // conj(A * K): a forward FFT of it, conjugated, is the (normalised) cyclic convolution.
    for (let r = 0; r < L; r++) {
      const ar = aRe[r]!;
      const ai = aIm[r]!;
      const kr = kRe[r]!;
      const ki = kIm[r]!;
      aRe[r] = ar * kr - ai * ki;
      aIm[r] = -(ar * ki + ai * kr);
    }
    this.inner.forward(aRe, aIm);
    re[0] = sr;
    im[0] = si;
    for (let q = 0; q < L; q++) {
      const k = scatter[q]!;
      re[k] = x0r + aRe[q]!;
      im[k] = x0i - aIm[q]!;
    }
  }
}
