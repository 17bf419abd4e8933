/**
 * Mixed-radix Stockham autosort FFT on split (re, im) arrays: passes of radix 4, 8, 2, 3, 5, 7
 * (hand-written butterflies) and a generic butterfly for any other prime factor (butterflies.ts).
 *
 * One decimation-in-frequency pass of radix r maps x to y (current length L = r m, stride s):
 *   y[q + s (r p + u)] = w_L^(p u) * sum_t x[q + s (p + t m)] w_r^(t u),
 *   w_L = exp(-2 pi i / L), p < m, q < s, u < r,
 * then recurses on length m with stride r s; the result comes out in natural order
 * (J. Stockham, "High-speed convolution and correlation", AFIPS 1966; C. Van Loan,
 * "Computational Frameworks for the Fast Fourier Transform", SIAM 1992, section 1.7).
 */
import { butterflyOf, type Pass } from './butterflies.js';
import type { SplitTransform } from './types.js';

/**
 * Relative cost per element of one Stockham pass of radix r, relative to a radix-4 pass (measured
 * on Node 20; radices 2-8 have hand-written butterflies, the generic odd-prime butterfly costs
 * about r^2 / 2 multiply-adds per r outputs).
 */
export function passCost(r: number): number {
  switch (r) {
    case 4:
      return 1;
    case 2:
      return 0.8;
    case 3:
      return 1;
    case 5:
      return 1.3;
    case 7:
      return 2.2;
    case 8:
      return 1.5;
    default:
      return 0.65 * r;
  }
}

/** Radices of 2^e (e >= 2): a first 4, then 8s while `eights`, then 4s, then a 2 if e is odd. */
function powerOfTwoRadices(e: number, eights: boolean): number[] {
  const out = [4];
  let left = e - 2;
  while (eights && left >= 3) {
    out.push(8);
    left -= 3;
  }
  while (left >= 2) {
    out.push(4);
    left -= 2;
  }
  if (left === 1) out.push(2);
  return out;
}

/**
 * The radices of n in the order the passes use them: the power of two as a first 4, then 8s if
 * the cost model says they pay (2048 = 4 8 8 8; 1024 stays 4 4 4 4 4), then 4s and a 2, then 3,
 * 5 and any other prime factors.
 */
export function radices(n: number): number[] {
  let out: number[] = [];
  let e = 0;
  while (n % 2 === 0) {
    e++;
    n /= 2;
  }
  if (e >= 2) {
    const cost = (rs: number[]) => rs.reduce((sum, r) => sum + passCost(r), 0);
    const fours = powerOfTwoRadices(e, false);
    const eights = powerOfTwoRadices(e, true);
    out = cost(eights) < cost(fours) ? eights : fours;
  } else if (e === 1) out.push(2);
  for (const p of [3, 5]) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
  }
  for (let p = 7; n > 1; p += 2) {
    while (n % p === 0) {
      out.push(p);
      n /= p;
    }
    if (p * p > n && n > 1) {
      out.push(n);
      break;
    }
  }
  return out;
}

/** A complex FFT of fixed length n on split arrays, computed in place (with internal scratch). */
export class StockhamFft implements SplitTransform {
  readonly n: number;
  private readonly passes: Pass[];
  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.passes = [];
    let length = n;
    let s = 1;
    for (const r of radices(n)) {
      const m = length / r;
      const twRe = new Float64Array(m * (r - 1));
      const twIm = new Float64Array(m * (r - 1));
      for (let p = 0; p < m; p++) {
        for (let u = 1; u < r; u++) {
          const angle = (-2 * Math.PI * ((p * u) % length)) / length;
          twRe[p * (r - 1) + u - 1] = Math.cos(angle);
          twIm[p * (r - 1) + u - 1] = Math.sin(angle);
        }
      }
      const rootRe = new Float64Array(r);
      const rootIm = new Float64Array(r);
      for (let k = 0; k < r; k++) {
        rootRe[k] = Math.cos((-2 * Math.PI * k) / r);
        rootIm[k] = Math.sin((-2 * Math.PI * k) / r);
      }
      const h = (r + 1) >> 1;
      const work = [0, 1, 2, 3].map(() => new Float64Array(r > 5 ? h : 0));
      this.passes.push({ r, m, s, twRe, twIm, rootRe, rootIm, work });
      length = m;
      s *= r;
    }
    this.sRe = new Float64Array(n);
    this.sIm = new Float64Array(n);
  }

  /** Forward DFT of (re, im) in place: X[k] = sum_j x[j] exp(-2 pi i j k / n). */
  forward(re: Float64Array, im: Float64Array): void {
    let xr = re;
    let xi = im;
    let yr = this.sRe;
    let yi = this.sIm;
    for (const pass of this.passes) {
      butterflyOf(pass.r)(pass, xr, xi, yr, yi);
      [xr, xi, yr, yi] = [yr, yi, xr, xi];
    }
    if (xr !== re) {
      re.set(xr);
      im.set(xi);
    }
  }
}
