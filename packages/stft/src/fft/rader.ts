import type { SplitTransform } from './split.js';
import { radices, StockhamFft } from './stockham.js';

/** Smallest generator of the multiplicative group modulo the prime p. */
export function primitiveRoot(p: number): number {
  const phi = p - 1;
  const factors: number[] = [];
  let m = phi;
  for (let f = 2; f * f <= m; f++) {
    if (m % f === 0) {
      factors.push(f);
      while (m % f === 0) m /= f;
    }
  }
  if (m > 1) factors.push(m);
  for (let g = 2; g < p; g++) {
    if (factors.every((f) => powMod(g, phi / f, p) !== 1)) return g;
  }
  return 1;
}

function powMod(base: number, exp: number, mod: number): number {
  let result = 1;
  let b = base % mod;
  let e = exp;
  while (e > 0) {
    if (e & 1) result = (result * b) % mod;
    b = (b * b) % mod;
    e = Math.floor(e / 2);
  }
  return result;
}

/**
 * Rader's algorithm for a prime length p (C. M. Rader, "Discrete Fourier transforms when the
 * number of data samples is prime", Proc. IEEE 56(6), 1968). With g a generator modulo p:
 *
 *   X[0] = sum_j x[j]
 *   X[g^(-q)] = x[0] + sum_{r=0}^{p-2} x[g^r] exp(-2 pi i g^(r - q) / p),  q = 0..p-2,
 *
 * a cyclic convolution of length p - 1, computed with FFTs of length p - 1 (worth it when p - 1
 * has only small factors, e.g. 257 = 2^8 + 1). The transform of the exp(...) sequence (divided by
 * p - 1) is precomputed per plan.
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
  /** The inner transform with its last pass radix 2 or 4 (null: unfused convolution). */
  private readonly fused: StockhamFft | null = null;

  constructor(p: number, makeInner: (m: number) => SplitTransform) {
    this.n = p;
    const L = p - 1;
    this.inner = makeInner(L);
    // For the fused convolution (StockhamFft.rader) the last pass must be radix 2 or 4: a
    // transform of its own with the radix 2 moved last when the inner one ends otherwise.
    if (this.inner instanceof StockhamFft) {
      const order = radices(L);
      const end = order[order.length - 1];
      const two = order.indexOf(2);
      if (end === 2 || end === 4) this.fused = this.inner;
      else if (two >= 0) {
        order.splice(two, 1);
        order.push(2);
        this.fused = new StockhamFft(L, order);
      }
    }
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
    const { n, gather, aRe, aIm } = this;
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
    this.convolve(x0r, x0i, sr, si, re, im);
  }

  forwardWindowed(
    src: Float64Array,
    s1: number,
    s2: number,
    window: Float64Array,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const { n, gather, aRe, aIm } = this;
    const L = n - 1;
    const x0r = window[0]! * src[s1]!;
    const x0i = window[0]! * src[s2]!;
    let sr = x0r;
    let si = x0i;
    for (let r = 0; r < L; r++) {
      const j = gather[r]!;
      const w = window[j]!;
      const vr = w * src[s1 + j]!;
      const vi = w * src[s2 + j]!;
      aRe[r] = vr;
      aIm[r] = vi;
      sr += vr;
      si += vi;
    }
    this.convolve(x0r, x0i, sr, si, re, im);
  }

  /** The cyclic convolution of the gathered input (in aRe, aIm) and the outputs. */
  private convolve(
    x0r: number,
    x0i: number,
    sr: number,
    si: number,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const { n, scatter, kRe, kIm, aRe, aIm } = this;
    const L = n - 1;
    re[0] = sr;
    im[0] = si;
    if (this.fused?.rader(aRe, aIm, kRe, kIm, re, im, scatter, x0r, x0i)) return;
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
    for (let q = 0; q < L; q++) {
      const k = scatter[q]!;
      re[k] = x0r + aRe[q]!;
      im[k] = x0i - aIm[q]!;
    }
  }
}
