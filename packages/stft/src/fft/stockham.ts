/**
 * Mixed-radix Stockham autosort FFT on split (re, im) arrays, radices 4, 2, 3, 5 with hand-made
 * butterflies and a generic butterfly for any other small prime factor.
 *
 * One decimation-in-frequency pass of radix r maps x to y (current length L = r m, stride s):
 *   y[q + s (r p + u)] = w_L^(p u) * sum_t x[q + s (p + t m)] w_r^(t u),
 *   w_L = exp(-2 pi i / L), p < m, q < s, u < r,
 * then recurses on length m with stride r s; the result comes out in natural order
 * (J. Stockham, "High-speed convolution and correlation", AFIPS 1966; C. Van Loan,
 * "Computational Frameworks for the Fast Fourier Transform", SIAM 1992, section 1.7).
 */

interface Pass {
  r: number;
  m: number;
  s: number;
  /** w_L^(p u) for p < m, u = 1..r-1 at [p (r - 1) + u - 1]. */
  twRe: Float64Array;
  twIm: Float64Array;
  /** w_r^k, k < r (generic radix only). */
  rootRe: Float64Array;
  rootIm: Float64Array;
  /** Work memory of the generic butterfly (pair sums and differences), length (r + 1) / 2. */
  work: Float64Array[];
}

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
 * The radices of n in the order the passes use them: the power of two as a first 4 (the passes
 * fused with windowing and Bluestein's chirp are radix 4), then 8s if the cost model says they pay
 * (2048 = 4 8 8 8; 1024 stays 4 4 4 4 4), then 4s and a 2, then 3, 5 and any other prime factors.
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

/** Largest prime factor of n (1 for n = 1). */
export function largestPrimeFactor(n: number): number {
  const r = radices(n);
  let best = 1;
  for (const f of r) best = Math.max(best, f === 4 || f === 8 ? 2 : f);
  return best;
}

/** Two real frames read as one complex input: x[j] = window[j] (src[s1 + j] + i src[s2 + j]). */
export interface WindowedInput {
  src: Float64Array;
  s1: number;
  s2: number;
  window: Float64Array;
}

/** A complex FFT of fixed length n on split arrays, computed in place (with internal scratch). */
export class StockhamFft {
  readonly n: number;
  private readonly passes: Pass[];
  private readonly sRe: Float64Array;
  private readonly sIm: Float64Array;

  /** @param order The radices, first to last (default {@link radices}: their product must be n). */
  constructor(n: number, order: readonly number[] = radices(n)) {
    this.n = n;
    this.passes = [];
    let length = n;
    let s = 1;
    for (const r of order) {
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
    this.run(re, im, this.n, this.n);
  }

  /**
   * The forward DFT when only the first `inputLength` inputs may be non-zero and only the first
   * `outputLength` outputs are wanted (Bluestein's convolution: both about n / 2). A leading
   * radix-4 pass skips the zero half of its inputs and a trailing radix-4 pass computes only the
   * lower half of its outputs, when the lengths allow; outputs from `outputLength` on are left
   * undefined.
   */
  forwardPruned(
    re: Float64Array,
    im: Float64Array,
    inputLength: number,
    outputLength: number,
  ): void {
    this.run(re, im, inputLength, outputLength);
  }

  /**
   * Bluestein's convolution with this transform (length M >= 2 n - 1), fused: the first pass of
   * the first FFT multiplies its inputs by the chirp w (inputs from n on are zero), its last pass
   * multiplies by the kernel spectrum K and conjugates, and the last pass of the second FFT
   * computes only the first n outputs, conjugates them and multiplies by the chirp, writing over
   * (re, im): X[k] = w[k] conj(FFT(conj(FFT(x w) K)))[k]. Returns false (doing nothing) when the
   * passes do not allow it (first pass radix 4 over a zero upper half, last pass radix 4 or 2
   * whose lower outputs cover n); `aRe`, `aIm` are work arrays of length M. With `input`, x is
   * read from there (x[j] = window[j] (src[s1 + j] + i src[s2 + j])) instead of (re, im).
   */
  bluestein(
    re: Float64Array,
    im: Float64Array,
    n: number,
    wRe: Float64Array,
    wIm: Float64Array,
    kRe: Float64Array,
    kIm: Float64Array,
    aRe: Float64Array,
    aIm: Float64Array,
    input: WindowedInput | null = null,
  ): boolean {
    const passes = this.passes;
    const count = passes.length;
    if (count < 2) return false;
    const first = passes[0]!;
    const last = passes[count - 1]!;
    if (first.r !== 4 || 2 * first.m < n || first.m >= n) return false;
    if (last.r !== 8 && last.r !== 4 && last.r !== 2) return false;
    if ((last.r === 4 && 2 * last.s < n) || (last.r === 2 && last.s < n)) return false;
    let xr = aRe;
    let xi = aIm;
    let yr = this.sRe;
    let yi = this.sIm;
    if (input === null) radix4FirstChirp(first, re, 0, im, 0, null, n, wRe, wIm, xr, xi);
    else {
      const { src, s1, s2, window } = input;
      radix4FirstChirp(first, src, s1, src, s2, window, n, wRe, wIm, xr, xi);
    }
    for (let round = 0; round < 2; round++) {
      for (let index = round === 0 ? 1 : 0; index < count - 1; index++) {
        this.pass(passes[index]!, xr, xi, yr, yi);
        const tr = xr;
        const ti = xi;
        xr = yr;
        xi = yi;
        yr = tr;
        yi = ti;
      }
      if (round === 1) break;
      if (last.r === 8) radix8LastTimes(last.s, xr, xi, yr, yi, kRe, kIm);
      else if (last.r === 4) radix4LastTimes(last.s, xr, xi, yr, yi, kRe, kIm);
      else radix2LastTimes(last.s, xr, xi, yr, yi, kRe, kIm);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (last.r === 8) radix8LastChirp(last.s, xr, xi, re, im, n, wRe, wIm);
    else if (last.r === 4) radix4LastChirp(last.s, xr, xi, re, im, n, wRe, wIm);
    else radix2LastChirp(last.s, xr, xi, re, im, n, wRe, wIm);
    return true;
  }

  /**
   * The forward DFT of x[j] = window[j] (src[s1 + j] + i src[s2 + j]) into (re, im): the windowing
   * done by a first radix-4 pass that reads the frames, and the passes arranged so that the last
   * one writes into (re, im) (no copy).
   */
  forwardWindowed(
    src: Float64Array,
    s1: number,
    s2: number,
    window: Float64Array,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const passes = this.passes;
    const count = passes.length;
    const first = passes[0];
    if (first === undefined || first.r !== 4 || count < 2) {
      for (let j = 0; j < this.n; j++) {
        const w = window[j]!;
        re[j] = w * src[s1 + j]!;
        im[j] = w * src[s2 + j]!;
      }
      this.run(re, im, this.n, this.n);
      return;
    }
    // count passes end in (re, im) if the first one writes there when count is odd
    let xr = count % 2 === 1 ? re : this.sRe;
    let xi = count % 2 === 1 ? im : this.sIm;
    let yr = count % 2 === 1 ? this.sRe : re;
    let yi = count % 2 === 1 ? this.sIm : im;
    radix4FirstWindowed(first, src, s1, s2, window, xr, xi);
    for (let index = 1; index < count; index++) {
      this.step(passes[index]!, index, xr, xi, yr, yi, this.n, this.n);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
  }

  /**
   * Rader's cyclic convolution with this transform (length L = p - 1) fused: the last pass of the
   * first FFT multiplies by the kernel spectrum K and conjugates, and the last pass of the second
   * FFT conjugates, adds x_0 and scatters: (re, im)[scatter[q]] = x_0 + conj(FFT(conj(FFT(a) K)))[q].
   * Returns false (doing nothing) unless the last pass is radix 2 or 4. `a` (aRe, aIm) is
   * overwritten.
   */
  rader(
    aRe: Float64Array,
    aIm: Float64Array,
    kRe: Float64Array,
    kIm: Float64Array,
    re: Float64Array,
    im: Float64Array,
    scatter: Int32Array,
    x0r: number,
    x0i: number,
  ): boolean {
    const passes = this.passes;
    const count = passes.length;
    const last = passes[count - 1];
    if (count < 2 || last === undefined || (last.r !== 2 && last.r !== 4)) return false;
    const n = this.n;
    let xr = aRe;
    let xi = aIm;
    let yr = this.sRe;
    let yi = this.sIm;
    for (let round = 0; round < 2; round++) {
      for (let index = 0; index < count - 1; index++) {
        this.step(passes[index]!, index, xr, xi, yr, yi, n, n);
        const tr = xr;
        const ti = xi;
        xr = yr;
        xi = yi;
        yr = tr;
        yi = ti;
      }
      if (round === 1) break;
      if (last.r === 4) radix4LastTimes(last.s, xr, xi, yr, yi, kRe, kIm);
      else radix2LastTimes(last.s, xr, xi, yr, yi, kRe, kIm);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (last.r === 4) radix4LastScatter(last.s, xr, xi, re, im, scatter, x0r, x0i);
    else radix2LastScatter(last.s, xr, xi, re, im, scatter, x0r, x0i);
    return true;
  }

  private run(re: Float64Array, im: Float64Array, inputLength: number, outputLength: number): void {
    let xr = re;
    let xi = im;
    let yr = this.sRe;
    let yi = this.sIm;
    const passes = this.passes;
    for (let index = 0; index < passes.length; index++) {
      this.step(passes[index]!, index, xr, xi, yr, yi, inputLength, outputLength);
      const tr = xr;
      const ti = xi;
      xr = yr;
      xi = yi;
      yr = tr;
      yi = ti;
    }
    if (xr !== re) {
      re.set(xr.subarray(0, outputLength));
      im.set(xi.subarray(0, outputLength));
    }
  }

  /** Pass number `index` from (xr, xi) to (yr, yi), the first and last ones pruned if they can. */
  private step(
    pass: Pass,
    index: number,
    xr: Float64Array,
    xi: Float64Array,
    yr: Float64Array,
    yi: Float64Array,
    inputLength: number,
    outputLength: number,
  ): void {
    const last = pass.m === 1;
    if (index === 0 && !last && pass.r === 4 && 2 * pass.m >= inputLength) {
      radix4FirstHalfZero(pass, xr, xi, yr, yi);
    } else if (index > 0 && last && pass.r === 4 && 2 * pass.s >= outputLength) {
      radix4LastLow(pass.s, xr, xi, yr, yi);
    } else
      switch (last ? pass.r : 0) {
        case 4:
          radix4Last(pass.s, xr, xi, yr, yi);
          break;
        case 2:
          radix2Last(pass.s, xr, xi, yr, yi);
          break;
        case 3:
          radix3Last(pass.s, xr, xi, yr, yi);
          break;
        case 5:
          radix5Last(pass.s, xr, xi, yr, yi);
          break;
        case 7:
          radix7(pass, xr, xi, yr, yi, false);
          break;
        case 8:
          radix8(pass, xr, xi, yr, yi, false);
          break;
        default:
          this.pass(pass, xr, xi, yr, yi);
      }
  }

  private pass(
    pass: Pass,
    xr: Float64Array,
    xi: Float64Array,
    yr: Float64Array,
    yi: Float64Array,
  ): void {
    switch (pass.r) {
      case 4:
        radix4(pass, xr, xi, yr, yi);
        break;
      case 2:
        radix2(pass, xr, xi, yr, yi);
        break;
      case 3:
        radix3(pass, xr, xi, yr, yi);
        break;
      case 5:
        radix5(pass, xr, xi, yr, yi);
        break;
      case 7:
        radix7(pass, xr, xi, yr, yi, true);
        break;
      case 8:
        radix8(pass, xr, xi, yr, yi, true);
        break;
      default:
        radixGeneric(pass, xr, xi, yr, yi);
    }
  }
}

function radix2(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const wr = twRe[p]!;
    const wi = twIm[p]!;
    const ib = s * p;
    const ob = 2 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const ar = xr[i0]!;
      const ai = xi[i0]!;
      const br = xr[i1]!;
      const bi = xi[i1]!;
      const o = ob + q;
      yr[o] = ar + br;
      yi[o] = ai + bi;
      const dr = ar - br;
      const di = ai - bi;
      yr[o + s] = dr * wr - di * wi;
      yi[o + s] = dr * wi + di * wr;
    }
  }
}

function radix4(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    const ib = s * p;
    const ob = 4 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i1]!;
      const a1i = xi[i1]!;
      const a2r = xr[i2]!;
      const a2i = xi[i2]!;
      const a3r = xr[i3]!;
      const a3i = xi[i3]!;
      const t0r = a0r + a2r;
      const t0i = a0i + a2i;
      const t1r = a0r - a2r;
      const t1i = a0i - a2i;
      const t2r = a1r + a3r;
      const t2i = a1i + a3i;
      const t3r = a1r - a3r;
      const t3i = a1i - a3i;
      const o = ob + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      // y1 = t1 - i t3, y2 = t0 - t2, y3 = t1 + i t3, each times its twiddle.
      const y1r = t1r + t3i;
      const y1i = t1i - t3r;
      const y2r = t0r - t2r;
      const y2i = t0i - t2i;
      const y3r = t1r - t3i;
      const y3i = t1i + t3r;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
      yr[o + 3 * s] = y3r * w3r - y3i * w3i;
      yi[o + 3 * s] = y3r * w3i + y3i * w3r;
    }
  }
}

const SIN60 = Math.sqrt(3) / 2;

function radix3(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[2 * p]!;
    const w1i = twIm[2 * p]!;
    const w2r = twRe[2 * p + 1]!;
    const w2i = twIm[2 * p + 1]!;
    const ib = s * p;
    const ob = 3 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const br = xr[i1]! + xr[i2]!;
      const bi = xi[i1]! + xi[i2]!;
      const dr = xr[i1]! - xr[i2]!;
      const di = xi[i1]! - xi[i2]!;
      const cr = a0r - 0.5 * br;
      const ci = a0i - 0.5 * bi;
      const o = ob + q;
      yr[o] = a0r + br;
      yi[o] = a0i + bi;
      // y1 = c - i sin60 d, y2 = c + i sin60 d
      const y1r = cr + SIN60 * di;
      const y1i = ci - SIN60 * dr;
      const y2r = cr - SIN60 * di;
      const y2i = ci + SIN60 * dr;
      yr[o + s] = y1r * w1r - y1i * w1i;
      yi[o + s] = y1r * w1i + y1i * w1r;
      yr[o + 2 * s] = y2r * w2r - y2i * w2i;
      yi[o + 2 * s] = y2r * w2i + y2i * w2r;
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

function radix5(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const t = 4 * p;
    const w1r = twRe[t]!;
    const w1i = twIm[t]!;
    const w2r = twRe[t + 1]!;
    const w2i = twIm[t + 1]!;
    const w3r = twRe[t + 2]!;
    const w3i = twIm[t + 2]!;
    const w4r = twRe[t + 3]!;
    const w4i = twIm[t + 3]!;
    const ib = s * p;
    const ob = 5 * s * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const i4 = i3 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const b1r = xr[i1]! + xr[i4]!;
      const b1i = xi[i1]! + xi[i4]!;
      const d1r = xr[i1]! - xr[i4]!;
      const d1i = xi[i1]! - xi[i4]!;
      const b2r = xr[i2]! + xr[i3]!;
      const b2i = xi[i2]! + xi[i3]!;
      const d2r = xr[i2]! - xr[i3]!;
      const d2i = xi[i2]! - xi[i3]!;
      const c1r = a0r + C1 * b1r + C2 * b2r;
      const c1i = a0i + C1 * b1i + C2 * b2i;
      const c2r = a0r + C2 * b1r + C1 * b2r;
      const c2i = a0i + C2 * b1i + C1 * b2i;
      // e1 = S1 d1 + S2 d2, e2 = S2 d1 - S1 d2; y1 = c1 - i e1, y4 = c1 + i e1, y2 = c2 - i e2, y3 = c2 + i e2
      const e1r = S1 * d1r + S2 * d2r;
      const e1i = S1 * d1i + S2 * d2i;
      const e2r = S2 * d1r - S1 * d2r;
      const e2i = S2 * d1i - S1 * d2i;
      const o = ob + q;
      yr[o] = a0r + b1r + b2r;
      yi[o] = a0i + b1i + b2i;
      let vr = c1r + e1i;
      let vi = c1i - e1r;
      yr[o + s] = vr * w1r - vi * w1i;
      yi[o + s] = vr * w1i + vi * w1r;
      vr = c2r + e2i;
      vi = c2i - e2r;
      yr[o + 2 * s] = vr * w2r - vi * w2i;
      yi[o + 2 * s] = vr * w2i + vi * w2r;
      vr = c2r - e2i;
      vi = c2i + e2r;
      yr[o + 3 * s] = vr * w3r - vi * w3i;
      yi[o + 3 * s] = vr * w3i + vi * w3r;
      vr = c1r - e1i;
      vi = c1i + e1r;
      yr[o + 4 * s] = vr * w4r - vi * w4i;
      yi[o + 4 * s] = vr * w4i + vi * w4r;
    }
  }
}

const K1 = Math.cos((2 * Math.PI) / 7);
const K2 = Math.cos((4 * Math.PI) / 7);
const K3 = Math.cos((6 * Math.PI) / 7);
const L1 = Math.sin((2 * Math.PI) / 7);
const L2 = Math.sin((4 * Math.PI) / 7);
const L3 = Math.sin((6 * Math.PI) / 7);

/**
 * Radix 7 with pairs b_t = a_t + a_(7-t), d_t = a_t - a_(7-t) (t = 1..3):
 *   y_u = a_0 + sum_t b_t cos(2 pi t u / 7) - i sum_t d_t sin(2 pi t u / 7), y_(7-u) with +i,
 * the cosines and sines of t u mod 7 written out. Without `twiddled` (the last pass, m = 1) the
 * twiddles are skipped.
 */
function radix7(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  twiddled: boolean,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const ib = s * p;
    const ob = 7 * s * p;
    const tw = 6 * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const i4 = i3 + sm;
      const i5 = i4 + sm;
      const i6 = i5 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const b1r = xr[i1]! + xr[i6]!;
      const b1i = xi[i1]! + xi[i6]!;
      const d1r = xr[i1]! - xr[i6]!;
      const d1i = xi[i1]! - xi[i6]!;
      const b2r = xr[i2]! + xr[i5]!;
      const b2i = xi[i2]! + xi[i5]!;
      const d2r = xr[i2]! - xr[i5]!;
      const d2i = xi[i2]! - xi[i5]!;
      const b3r = xr[i3]! + xr[i4]!;
      const b3i = xi[i3]! + xi[i4]!;
      const d3r = xr[i3]! - xr[i4]!;
      const d3i = xi[i3]! - xi[i4]!;
      const c1r = a0r + K1 * b1r + K2 * b2r + K3 * b3r;
      const c1i = a0i + K1 * b1i + K2 * b2i + K3 * b3i;
      const c2r = a0r + K2 * b1r + K3 * b2r + K1 * b3r;
      const c2i = a0i + K2 * b1i + K3 * b2i + K1 * b3i;
      const c3r = a0r + K3 * b1r + K1 * b2r + K2 * b3r;
      const c3i = a0i + K3 * b1i + K1 * b2i + K2 * b3i;
      const e1r = L1 * d1r + L2 * d2r + L3 * d3r;
      const e1i = L1 * d1i + L2 * d2i + L3 * d3i;
      const e2r = L2 * d1r - L3 * d2r - L1 * d3r;
      const e2i = L2 * d1i - L3 * d2i - L1 * d3i;
      const e3r = L3 * d1r - L1 * d2r + L2 * d3r;
      const e3i = L3 * d1i - L1 * d2i + L2 * d3i;
      const o = ob + q;
      yr[o] = a0r + b1r + b2r + b3r;
      yi[o] = a0i + b1i + b2i + b3i;
      // y_u = c_u - i e_u, y_(7-u) = c_u + i e_u
      const y1r = c1r + e1i;
      const y1i = c1i - e1r;
      const y6r = c1r - e1i;
      const y6i = c1i + e1r;
      const y2r = c2r + e2i;
      const y2i = c2i - e2r;
      const y5r = c2r - e2i;
      const y5i = c2i + e2r;
      const y3r = c3r + e3i;
      const y3i = c3i - e3r;
      const y4r = c3r - e3i;
      const y4i = c3i + e3r;
      if (!twiddled) {
        yr[o + s] = y1r;
        yi[o + s] = y1i;
        yr[o + 2 * s] = y2r;
        yi[o + 2 * s] = y2i;
        yr[o + 3 * s] = y3r;
        yi[o + 3 * s] = y3i;
        yr[o + 4 * s] = y4r;
        yi[o + 4 * s] = y4i;
        yr[o + 5 * s] = y5r;
        yi[o + 5 * s] = y5i;
        yr[o + 6 * s] = y6r;
        yi[o + 6 * s] = y6i;
        continue;
      }
      let wr = twRe[tw]!;
      let wi = twIm[tw]!;
      yr[o + s] = y1r * wr - y1i * wi;
      yi[o + s] = y1r * wi + y1i * wr;
      wr = twRe[tw + 1]!;
      wi = twIm[tw + 1]!;
      yr[o + 2 * s] = y2r * wr - y2i * wi;
      yi[o + 2 * s] = y2r * wi + y2i * wr;
      wr = twRe[tw + 2]!;
      wi = twIm[tw + 2]!;
      yr[o + 3 * s] = y3r * wr - y3i * wi;
      yi[o + 3 * s] = y3r * wi + y3i * wr;
      wr = twRe[tw + 3]!;
      wi = twIm[tw + 3]!;
      yr[o + 4 * s] = y4r * wr - y4i * wi;
      yi[o + 4 * s] = y4r * wi + y4i * wr;
      wr = twRe[tw + 4]!;
      wi = twIm[tw + 4]!;
      yr[o + 5 * s] = y5r * wr - y5i * wi;
      yi[o + 5 * s] = y5r * wi + y5i * wr;
      wr = twRe[tw + 5]!;
      wi = twIm[tw + 5]!;
      yr[o + 6 * s] = y6r * wr - y6i * wi;
      yi[o + 6 * s] = y6r * wi + y6i * wr;
    }
  }
}

/**
 * Any odd prime radix r >= 7, pairing t with r - t: with b_t = a_t + a_(r-t), d_t = a_t - a_(r-t),
 *   y_u = a_0 + sum_t b_t cos(2 pi t u / r) - i sum_t d_t sin(2 pi t u / r),  t = 1..(r-1)/2,
 * and y_(r-u) the same with +i, so each pair of outputs costs (r - 1) / 2 real-coefficient terms.
 */
function radixGeneric(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { r, m, s, twRe, twIm, rootRe, rootIm } = pass;
  const h = (r - 1) / 2;
  const sm = s * m;
  const [br, bi, dr, di] = pass.work as [Float64Array, Float64Array, Float64Array, Float64Array];
  for (let p = 0; p < m; p++) {
    const ib = s * p;
    const ob = r * s * p;
    const tw = p * (r - 1);
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const o = ob + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let y0r = a0r;
      let y0i = a0i;
      for (let t = 1; t <= h; t++) {
        const j1 = i0 + t * sm;
        const j2 = i0 + (r - t) * sm;
        const ur = xr[j1]!;
        const ui = xi[j1]!;
        const vr = xr[j2]!;
        const vi = xi[j2]!;
        br[t] = ur + vr;
        bi[t] = ui + vi;
        dr[t] = ur - vr;
        di[t] = ui - vi;
        y0r += ur + vr;
        y0i += ui + vi;
      }
      yr[o] = y0r;
      yi[o] = y0i;
      for (let u = 1; u <= h; u++) {
        let ar = a0r;
        let ai = a0i;
        let sr = 0;
        let si = 0;
        let k = 0;
        for (let t = 1; t <= h; t++) {
          k += u;
          if (k >= r) k -= r;
          const c = rootRe[k]!;
          const sn = rootIm[k]!;
          ar += br[t]! * c;
          ai += bi[t]! * c;
          sr += dr[t]! * sn;
          si += di[t]! * sn;
        }
        // rootIm holds -sin, so A + S' with S' = -i sum d sin gives y_u; y_(r-u) = A - S'.
        const pr = ar - si;
        const pi = ai + sr;
        const qr = ar + si;
        const qi = ai - sr;
        const w1r = twRe[tw + u - 1]!;
        const w1i = twIm[tw + u - 1]!;
        const w2r = twRe[tw + r - u - 1]!;
        const w2i = twIm[tw + r - u - 1]!;
        yr[o + u * s] = pr * w1r - pi * w1i;
        yi[o + u * s] = pr * w1i + pi * w1r;
        yr[o + (r - u) * s] = qr * w2r - qi * w2i;
        yi[o + (r - u) * s] = qr * w2i + qi * w2r;
      }
    }
  }
}

// Last passes (m = 1): every twiddle is 1, so the butterflies run without multiplications.

function radix2Last(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const ar = xr[q]!;
    const ai = xi[q]!;
    const br = xr[q + s]!;
    const bi = xi[q + s]!;
    yr[q] = ar + br;
    yi[q] = ai + bi;
    yr[q + s] = ar - br;
    yi[q + s] = ai - bi;
  }
}

function radix4Last(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const t0r = xr[q]! + xr[i2]!;
    const t0i = xi[q]! + xi[i2]!;
    const t1r = xr[q]! - xr[i2]!;
    const t1i = xi[q]! - xi[i2]!;
    const t2r = xr[i1]! + xr[i3]!;
    const t2i = xi[i1]! + xi[i3]!;
    const t3r = xr[i1]! - xr[i3]!;
    const t3i = xi[i1]! - xi[i3]!;
    yr[q] = t0r + t2r;
    yi[q] = t0i + t2i;
    yr[i1] = t1r + t3i;
    yi[i1] = t1i - t3r;
    yr[i2] = t0r - t2r;
    yi[i2] = t0i - t2i;
    yr[i3] = t1r - t3i;
    yi[i3] = t1i + t3r;
  }
}

function radix3Last(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const a0r = xr[q]!;
    const a0i = xi[q]!;
    const br = xr[i1]! + xr[i2]!;
    const bi = xi[i1]! + xi[i2]!;
    const dr = xr[i1]! - xr[i2]!;
    const di = xi[i1]! - xi[i2]!;
    const cr = a0r - 0.5 * br;
    const ci = a0i - 0.5 * bi;
    yr[q] = a0r + br;
    yi[q] = a0i + bi;
    yr[i1] = cr + SIN60 * di;
    yi[i1] = ci - SIN60 * dr;
    yr[i2] = cr - SIN60 * di;
    yi[i2] = ci + SIN60 * dr;
  }
}

function radix5Last(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const i4 = i3 + s;
    const a0r = xr[q]!;
    const a0i = xi[q]!;
    const b1r = xr[i1]! + xr[i4]!;
    const b1i = xi[i1]! + xi[i4]!;
    const d1r = xr[i1]! - xr[i4]!;
    const d1i = xi[i1]! - xi[i4]!;
    const b2r = xr[i2]! + xr[i3]!;
    const b2i = xi[i2]! + xi[i3]!;
    const d2r = xr[i2]! - xr[i3]!;
    const d2i = xi[i2]! - xi[i3]!;
    const c1r = a0r + C1 * b1r + C2 * b2r;
    const c1i = a0i + C1 * b1i + C2 * b2i;
    const c2r = a0r + C2 * b1r + C1 * b2r;
    const c2i = a0i + C2 * b1i + C1 * b2i;
    const e1r = S1 * d1r + S2 * d2r;
    const e1i = S1 * d1i + S2 * d2i;
    const e2r = S2 * d1r - S1 * d2r;
    const e2i = S2 * d1i - S1 * d2i;
    yr[q] = a0r + b1r + b2r;
    yi[q] = a0i + b1i + b2i;
    yr[i1] = c1r + e1i;
    yi[i1] = c1i - e1r;
    yr[i2] = c2r + e2i;
    yi[i2] = c2i - e2r;
    yr[i3] = c2r - e2i;
    yi[i3] = c2i + e2r;
    yr[i4] = c1r - e1i;
    yi[i4] = c1i + e1r;
  }
}

/** First radix-4 pass when inputs from index 2 m on are zero (a2 = a3 = 0). */
function radix4FirstHalfZero(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, twRe, twIm } = pass;
  // s = 1 in a first pass.
  for (let p = 0; p < m; p++) {
    const a0r = xr[p]!;
    const a0i = xi[p]!;
    const a1r = xr[p + m]!;
    const a1i = xi[p + m]!;
    const o = 4 * p;
    yr[o] = a0r + a1r;
    yi[o] = a0i + a1i;
    // y1 = a0 - i a1, y2 = a0 - a1, y3 = a0 + i a1, each times its twiddle.
    const y1r = a0r + a1i;
    const y1i = a0i - a1r;
    const y2r = a0r - a1r;
    const y2i = a0i - a1i;
    const y3r = a0r - a1i;
    const y3i = a0i + a1r;
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    yr[o + 1] = y1r * w1r - y1i * w1i;
    yi[o + 1] = y1r * w1i + y1i * w1r;
    yr[o + 2] = y2r * w2r - y2i * w2i;
    yi[o + 2] = y2r * w2i + y2i * w2r;
    yr[o + 3] = y3r * w3r - y3i * w3i;
    yi[o + 3] = y3r * w3i + y3i * w3r;
  }
}

/** Last radix-4 pass computing only outputs below 2 s (u = 0, 1). */
function radix4LastLow(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const t0r = xr[q]! + xr[i2]!;
    const t0i = xi[q]! + xi[i2]!;
    const t1r = xr[q]! - xr[i2]!;
    const t1i = xi[q]! - xi[i2]!;
    const t2r = xr[i1]! + xr[i3]!;
    const t2i = xi[i1]! + xi[i3]!;
    const t3r = xr[i1]! - xr[i3]!;
    const t3i = xi[i1]! - xi[i3]!;
    yr[q] = t0r + t2r;
    yi[q] = t0i + t2i;
    yr[i1] = t1r + t3i;
    yi[i1] = t1i - t3r;
  }
}

// Bluestein's fused passes (see StockhamFft.bluestein).

/**
 * First radix-4 pass (s = 1) over x w, x of length n <= 2 m (x[j] w[j] = 0 from j = n on), as
 * {@link radix4FirstHalfZero}; x[j] = v[j] (re[o1 + j] + i im[o2 + j]) with v the window (or 1).
 */
function radix4FirstChirp(
  pass: Pass,
  re: Float64Array,
  o1: number,
  im: Float64Array,
  o2: number,
  window: Float64Array | null,
  n: number,
  wRe: Float64Array,
  wIm: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, twRe, twIm } = pass;
  for (let p = 0; p < m; p++) {
    let v = window === null ? 1 : window[p]!;
    let xr = v * re[o1 + p]!;
    let xi = v * im[o2 + p]!;
    let cr = wRe[p]!;
    let ci = wIm[p]!;
    const a0r = xr * cr - xi * ci;
    const a0i = xr * ci + xi * cr;
    let a1r = 0;
    let a1i = 0;
    const j = p + m;
    if (j < n) {
      v = window === null ? 1 : window[j]!;
      xr = v * re[o1 + j]!;
      xi = v * im[o2 + j]!;
      cr = wRe[j]!;
      ci = wIm[j]!;
      a1r = xr * cr - xi * ci;
      a1i = xr * ci + xi * cr;
    }
    const o = 4 * p;
    yr[o] = a0r + a1r;
    yi[o] = a0i + a1i;
    const y1r = a0r + a1i;
    const y1i = a0i - a1r;
    const y2r = a0r - a1r;
    const y2i = a0i - a1i;
    const y3r = a0r - a1i;
    const y3i = a0i + a1r;
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    yr[o + 1] = y1r * w1r - y1i * w1i;
    yi[o + 1] = y1r * w1i + y1i * w1r;
    yr[o + 2] = y2r * w2r - y2i * w2i;
    yi[o + 2] = y2r * w2i + y2i * w2r;
    yr[o + 3] = y3r * w3r - y3i * w3i;
    yi[o + 3] = y3r * w3i + y3i * w3r;
  }
}

/** {@link radix4Last}, each output v then replaced by conj(v K). */
function radix4LastTimes(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  kRe: Float64Array,
  kIm: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const t0r = xr[q]! + xr[i2]!;
    const t0i = xi[q]! + xi[i2]!;
    const t1r = xr[q]! - xr[i2]!;
    const t1i = xi[q]! - xi[i2]!;
    const t2r = xr[i1]! + xr[i3]!;
    const t2i = xi[i1]! + xi[i3]!;
    const t3r = xr[i1]! - xr[i3]!;
    const t3i = xi[i1]! - xi[i3]!;
    let vr = t0r + t2r;
    let vi = t0i + t2i;
    let kr = kRe[q]!;
    let ki = kIm[q]!;
    yr[q] = vr * kr - vi * ki;
    yi[q] = -(vr * ki + vi * kr);
    vr = t1r + t3i;
    vi = t1i - t3r;
    kr = kRe[i1]!;
    ki = kIm[i1]!;
    yr[i1] = vr * kr - vi * ki;
    yi[i1] = -(vr * ki + vi * kr);
    vr = t0r - t2r;
    vi = t0i - t2i;
    kr = kRe[i2]!;
    ki = kIm[i2]!;
    yr[i2] = vr * kr - vi * ki;
    yi[i2] = -(vr * ki + vi * kr);
    vr = t1r - t3i;
    vi = t1i + t3r;
    kr = kRe[i3]!;
    ki = kIm[i3]!;
    yr[i3] = vr * kr - vi * ki;
    yi[i3] = -(vr * ki + vi * kr);
  }
}

/** {@link radix2Last}, each output v then replaced by conj(v K). */
function radix2LastTimes(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  kRe: Float64Array,
  kIm: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const ar = xr[q]!;
    const ai = xi[q]!;
    const br = xr[q + s]!;
    const bi = xi[q + s]!;
    let vr = ar + br;
    let vi = ai + bi;
    let kr = kRe[q]!;
    let ki = kIm[q]!;
    yr[q] = vr * kr - vi * ki;
    yi[q] = -(vr * ki + vi * kr);
    vr = ar - br;
    vi = ai - bi;
    kr = kRe[q + s]!;
    ki = kIm[q + s]!;
    yr[q + s] = vr * kr - vi * ki;
    yi[q + s] = -(vr * ki + vi * kr);
  }
}

/** Output k < n of the last radix-4 pass (k < 2 s), conjugated, times w[k], into (re, im). */
function radix4LastChirp(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  re: Float64Array,
  im: Float64Array,
  n: number,
  wRe: Float64Array,
  wIm: Float64Array,
): void {
  const both = n - s;
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const t0r = xr[q]! + xr[i2]!;
    const t0i = xi[q]! + xi[i2]!;
    const t2r = xr[i1]! + xr[i3]!;
    const t2i = xi[i1]! + xi[i3]!;
    let cr = t0r + t2r;
    let ci = -(t0i + t2i);
    let wr = wRe[q]!;
    let wi = wIm[q]!;
    re[q] = cr * wr - ci * wi;
    im[q] = cr * wi + ci * wr;
    if (q < both) {
      const t1r = xr[q]! - xr[i2]!;
      const t1i = xi[q]! - xi[i2]!;
      const t3r = xr[i1]! - xr[i3]!;
      const t3i = xi[i1]! - xi[i3]!;
      cr = t1r + t3i;
      ci = -(t1i - t3r);
      wr = wRe[i1]!;
      wi = wIm[i1]!;
      re[i1] = cr * wr - ci * wi;
      im[i1] = cr * wi + ci * wr;
    }
  }
}

/** Output k < n of the last radix-2 pass (n <= s), conjugated, times w[k], into (re, im). */
function radix2LastChirp(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  re: Float64Array,
  im: Float64Array,
  n: number,
  wRe: Float64Array,
  wIm: Float64Array,
): void {
  for (let q = 0; q < n; q++) {
    const cr = xr[q]! + xr[q + s]!;
    const ci = -(xi[q]! + xi[q + s]!);
    const wr = wRe[q]!;
    const wi = wIm[q]!;
    re[q] = cr * wr - ci * wi;
    im[q] = cr * wi + ci * wr;
  }
}

/** First radix-4 pass (s = 1) reading x[j] = window[j] (src[s1 + j] + i src[s2 + j]). */
function radix4FirstWindowed(
  pass: Pass,
  src: Float64Array,
  s1: number,
  s2: number,
  window: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { m, twRe, twIm } = pass;
  for (let p = 0; p < m; p++) {
    const i1 = p + m;
    const i2 = i1 + m;
    const i3 = i2 + m;
    const v0 = window[p]!;
    const v1 = window[i1]!;
    const v2 = window[i2]!;
    const v3 = window[i3]!;
    const a0r = v0 * src[s1 + p]!;
    const a0i = v0 * src[s2 + p]!;
    const a1r = v1 * src[s1 + i1]!;
    const a1i = v1 * src[s2 + i1]!;
    const a2r = v2 * src[s1 + i2]!;
    const a2i = v2 * src[s2 + i2]!;
    const a3r = v3 * src[s1 + i3]!;
    const a3i = v3 * src[s2 + i3]!;
    const t0r = a0r + a2r;
    const t0i = a0i + a2i;
    const t1r = a0r - a2r;
    const t1i = a0i - a2i;
    const t2r = a1r + a3r;
    const t2i = a1i + a3i;
    const t3r = a1r - a3r;
    const t3i = a1i - a3i;
    const o = 4 * p;
    yr[o] = t0r + t2r;
    yi[o] = t0i + t2i;
    const y1r = t1r + t3i;
    const y1i = t1i - t3r;
    const y2r = t0r - t2r;
    const y2i = t0i - t2i;
    const y3r = t1r - t3i;
    const y3i = t1i + t3r;
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    yr[o + 1] = y1r * w1r - y1i * w1i;
    yi[o + 1] = y1r * w1i + y1i * w1r;
    yr[o + 2] = y2r * w2r - y2i * w2i;
    yi[o + 2] = y2r * w2i + y2i * w2r;
    yr[o + 3] = y3r * w3r - y3i * w3i;
    yi[o + 3] = y3r * w3i + y3i * w3r;
  }
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Radix 8 as 2 x 4: b_t = a_t + a_(t+4), c_t = a_t - a_(t+4) (t < 4); the even outputs are the
 * 4-point DFT of b, the odd ones that of c_t w8^t (w8 = exp(-i pi / 4)). Without `twiddled` (the
 * last pass, m = 1) the twiddles are skipped.
 */
function radix8(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  twiddled: boolean,
): void {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  for (let p = 0; p < m; p++) {
    const ib = s * p;
    const ob = 8 * s * p;
    const tw = 7 * p;
    for (let q = 0; q < s; q++) {
      const i0 = ib + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + 1 * sm]!;
      const a1i = xi[i0 + 1 * sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!;
      const a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!;
      const a4i = xi[i0 + 4 * sm]!;
      const a5r = xr[i0 + 5 * sm]!;
      const a5i = xi[i0 + 5 * sm]!;
      const a6r = xr[i0 + 6 * sm]!;
      const a6i = xi[i0 + 6 * sm]!;
      const a7r = xr[i0 + 7 * sm]!;
      const a7i = xi[i0 + 7 * sm]!;
      const b0r = a0r + a4r;
      const b0i = a0i + a4i;
      const b1r = a1r + a5r;
      const b1i = a1i + a5i;
      const b2r = a2r + a6r;
      const b2i = a2i + a6i;
      const b3r = a3r + a7r;
      const b3i = a3i + a7i;
      const c0r = a0r - a4r;
      const c0i = a0i - a4i;
      const c1r = a1r - a5r;
      const c1i = a1i - a5i;
      // d2 = -i (a2 - a6), d1 = w8 (a1 - a5), d3 = w8^3 (a3 - a7), w8 = (1 - i) / sqrt 2
      const d2r = a2i - a6i;
      const d2i = a6r - a2r;
      const c3r = a3r - a7r;
      const c3i = a3i - a7i;
      const d1r = SQRT1_2 * (c1r + c1i);
      const d1i = SQRT1_2 * (c1i - c1r);
      const d3r = SQRT1_2 * (c3i - c3r);
      const d3i = -SQRT1_2 * (c3r + c3i);
      const t0r = b0r + b2r;
      const t0i = b0i + b2i;
      const t1r = b0r - b2r;
      const t1i = b0i - b2i;
      const t2r = b1r + b3r;
      const t2i = b1i + b3i;
      const t3r = b1r - b3r;
      const t3i = b1i - b3i;
      const u0r = c0r + d2r;
      const u0i = c0i + d2i;
      const u1r = c0r - d2r;
      const u1i = c0i - d2i;
      const u2r = d1r + d3r;
      const u2i = d1i + d3i;
      const u3r = d1r - d3r;
      const u3i = d1i - d3i;
      // y_2u from t, y_2u+1 from u (z - i w = (zr + wi, zi - wr))
      const y0r = t0r + t2r;
      const y0i = t0i + t2i;
      const y4r = t0r - t2r;
      const y4i = t0i - t2i;
      const y2r = t1r + t3i;
      const y2i = t1i - t3r;
      const y6r = t1r - t3i;
      const y6i = t1i + t3r;
      const y1r = u0r + u2r;
      const y1i = u0i + u2i;
      const y5r = u0r - u2r;
      const y5i = u0i - u2i;
      const y3r = u1r + u3i;
      const y3i = u1i - u3r;
      const y7r = u1r - u3i;
      const y7i = u1i + u3r;
      const o = ob + q;
      yr[o] = y0r;
      yi[o] = y0i;
      if (!twiddled) {
        yr[o + 1 * s] = y1r;
        yi[o + 1 * s] = y1i;
        yr[o + 2 * s] = y2r;
        yi[o + 2 * s] = y2i;
        yr[o + 3 * s] = y3r;
        yi[o + 3 * s] = y3i;
        yr[o + 4 * s] = y4r;
        yi[o + 4 * s] = y4i;
        yr[o + 5 * s] = y5r;
        yi[o + 5 * s] = y5i;
        yr[o + 6 * s] = y6r;
        yi[o + 6 * s] = y6i;
        yr[o + 7 * s] = y7r;
        yi[o + 7 * s] = y7i;
        continue;
      }
      let wr = twRe[tw + 0]!;
      let wi = twIm[tw + 0]!;
      yr[o + 1 * s] = y1r * wr - y1i * wi;
      yi[o + 1 * s] = y1r * wi + y1i * wr;
      wr = twRe[tw + 1]!;
      wi = twIm[tw + 1]!;
      yr[o + 2 * s] = y2r * wr - y2i * wi;
      yi[o + 2 * s] = y2r * wi + y2i * wr;
      wr = twRe[tw + 2]!;
      wi = twIm[tw + 2]!;
      yr[o + 3 * s] = y3r * wr - y3i * wi;
      yi[o + 3 * s] = y3r * wi + y3i * wr;
      wr = twRe[tw + 3]!;
      wi = twIm[tw + 3]!;
      yr[o + 4 * s] = y4r * wr - y4i * wi;
      yi[o + 4 * s] = y4r * wi + y4i * wr;
      wr = twRe[tw + 4]!;
      wi = twIm[tw + 4]!;
      yr[o + 5 * s] = y5r * wr - y5i * wi;
      yi[o + 5 * s] = y5r * wi + y5i * wr;
      wr = twRe[tw + 5]!;
      wi = twIm[tw + 5]!;
      yr[o + 6 * s] = y6r * wr - y6i * wi;
      yi[o + 6 * s] = y6r * wi + y6i * wr;
      wr = twRe[tw + 6]!;
      wi = twIm[tw + 6]!;
      yr[o + 7 * s] = y7r * wr - y7i * wi;
      yi[o + 7 * s] = y7r * wi + y7i * wr;
    }
  }
}

/** Last radix-8 pass (m = 1), each output v replaced by conj(v K). */
function radix8LastTimes(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
  kRe: Float64Array,
  kIm: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const a0r = xr[q]!;
    const a0i = xi[q]!;
    const a1r = xr[q + 1 * s]!;
    const a1i = xi[q + 1 * s]!;
    const a2r = xr[q + 2 * s]!;
    const a2i = xi[q + 2 * s]!;
    const a3r = xr[q + 3 * s]!;
    const a3i = xi[q + 3 * s]!;
    const a4r = xr[q + 4 * s]!;
    const a4i = xi[q + 4 * s]!;
    const a5r = xr[q + 5 * s]!;
    const a5i = xi[q + 5 * s]!;
    const a6r = xr[q + 6 * s]!;
    const a6i = xi[q + 6 * s]!;
    const a7r = xr[q + 7 * s]!;
    const a7i = xi[q + 7 * s]!;
    const b0r = a0r + a4r;
    const b0i = a0i + a4i;
    const b1r = a1r + a5r;
    const b1i = a1i + a5i;
    const b2r = a2r + a6r;
    const b2i = a2i + a6i;
    const b3r = a3r + a7r;
    const b3i = a3i + a7i;
    const c0r = a0r - a4r;
    const c0i = a0i - a4i;
    const c1r = a1r - a5r;
    const c1i = a1i - a5i;
    // d2 = -i (a2 - a6), d1 = w8 (a1 - a5), d3 = w8^3 (a3 - a7), w8 = (1 - i) / sqrt 2
    const d2r = a2i - a6i;
    const d2i = a6r - a2r;
    const c3r = a3r - a7r;
    const c3i = a3i - a7i;
    const d1r = SQRT1_2 * (c1r + c1i);
    const d1i = SQRT1_2 * (c1i - c1r);
    const d3r = SQRT1_2 * (c3i - c3r);
    const d3i = -SQRT1_2 * (c3r + c3i);
    const t0r = b0r + b2r;
    const t0i = b0i + b2i;
    const t1r = b0r - b2r;
    const t1i = b0i - b2i;
    const t2r = b1r + b3r;
    const t2i = b1i + b3i;
    const t3r = b1r - b3r;
    const t3i = b1i - b3i;
    const u0r = c0r + d2r;
    const u0i = c0i + d2i;
    const u1r = c0r - d2r;
    const u1i = c0i - d2i;
    const u2r = d1r + d3r;
    const u2i = d1i + d3i;
    const u3r = d1r - d3r;
    const u3i = d1i - d3i;
    // y_2u from t, y_2u+1 from u (z - i w = (zr + wi, zi - wr))
    const y0r = t0r + t2r;
    const y0i = t0i + t2i;
    const y4r = t0r - t2r;
    const y4i = t0i - t2i;
    const y2r = t1r + t3i;
    const y2i = t1i - t3r;
    const y6r = t1r - t3i;
    const y6i = t1i + t3r;
    const y1r = u0r + u2r;
    const y1i = u0i + u2i;
    const y5r = u0r - u2r;
    const y5i = u0i - u2i;
    const y3r = u1r + u3i;
    const y3i = u1i - u3r;
    const y7r = u1r - u3i;
    const y7i = u1i + u3r;
    let i = q;
    let kr = kRe[i]!;
    let ki = kIm[i]!;
    yr[i] = y0r * kr - y0i * ki;
    yi[i] = -(y0r * ki + y0i * kr);
    i = q + 1 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y1r * kr - y1i * ki;
    yi[i] = -(y1r * ki + y1i * kr);
    i = q + 2 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y2r * kr - y2i * ki;
    yi[i] = -(y2r * ki + y2i * kr);
    i = q + 3 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y3r * kr - y3i * ki;
    yi[i] = -(y3r * ki + y3i * kr);
    i = q + 4 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y4r * kr - y4i * ki;
    yi[i] = -(y4r * ki + y4i * kr);
    i = q + 5 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y5r * kr - y5i * ki;
    yi[i] = -(y5r * ki + y5i * kr);
    i = q + 6 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y6r * kr - y6i * ki;
    yi[i] = -(y6r * ki + y6i * kr);
    i = q + 7 * s;
    kr = kRe[i]!;
    ki = kIm[i]!;
    yr[i] = y7r * kr - y7i * ki;
    yi[i] = -(y7r * ki + y7i * kr);
  }
}

/** Outputs k < n of the last radix-8 pass (m = 1), conjugated, times w[k], into (re, im). */
function radix8LastChirp(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  re: Float64Array,
  im: Float64Array,
  n: number,
  wRe: Float64Array,
  wIm: Float64Array,
): void {
  for (let q = 0; q < s; q++) {
    const a0r = xr[q]!;
    const a0i = xi[q]!;
    const a1r = xr[q + 1 * s]!;
    const a1i = xi[q + 1 * s]!;
    const a2r = xr[q + 2 * s]!;
    const a2i = xi[q + 2 * s]!;
    const a3r = xr[q + 3 * s]!;
    const a3i = xi[q + 3 * s]!;
    const a4r = xr[q + 4 * s]!;
    const a4i = xi[q + 4 * s]!;
    const a5r = xr[q + 5 * s]!;
    const a5i = xi[q + 5 * s]!;
    const a6r = xr[q + 6 * s]!;
    const a6i = xi[q + 6 * s]!;
    const a7r = xr[q + 7 * s]!;
    const a7i = xi[q + 7 * s]!;
    const b0r = a0r + a4r;
    const b0i = a0i + a4i;
    const b1r = a1r + a5r;
    const b1i = a1i + a5i;
    const b2r = a2r + a6r;
    const b2i = a2i + a6i;
    const b3r = a3r + a7r;
    const b3i = a3i + a7i;
    const c0r = a0r - a4r;
    const c0i = a0i - a4i;
    const c1r = a1r - a5r;
    const c1i = a1i - a5i;
    // d2 = -i (a2 - a6), d1 = w8 (a1 - a5), d3 = w8^3 (a3 - a7), w8 = (1 - i) / sqrt 2
    const d2r = a2i - a6i;
    const d2i = a6r - a2r;
    const c3r = a3r - a7r;
    const c3i = a3i - a7i;
    const d1r = SQRT1_2 * (c1r + c1i);
    const d1i = SQRT1_2 * (c1i - c1r);
    const d3r = SQRT1_2 * (c3i - c3r);
    const d3i = -SQRT1_2 * (c3r + c3i);
    const t0r = b0r + b2r;
    const t0i = b0i + b2i;
    const t1r = b0r - b2r;
    const t1i = b0i - b2i;
    const t2r = b1r + b3r;
    const t2i = b1i + b3i;
    const t3r = b1r - b3r;
    const t3i = b1i - b3i;
    const u0r = c0r + d2r;
    const u0i = c0i + d2i;
    const u1r = c0r - d2r;
    const u1i = c0i - d2i;
    const u2r = d1r + d3r;
    const u2i = d1i + d3i;
    const u3r = d1r - d3r;
    const u3i = d1i - d3i;
    // y_2u from t, y_2u+1 from u (z - i w = (zr + wi, zi - wr))
    const y0r = t0r + t2r;
    const y0i = t0i + t2i;
    const y4r = t0r - t2r;
    const y4i = t0i - t2i;
    const y2r = t1r + t3i;
    const y2i = t1i - t3r;
    const y6r = t1r - t3i;
    const y6i = t1i + t3r;
    const y1r = u0r + u2r;
    const y1i = u0i + u2i;
    const y5r = u0r - u2r;
    const y5i = u0i - u2i;
    const y3r = u1r + u3i;
    const y3i = u1i - u3r;
    const y7r = u1r - u3i;
    const y7i = u1i + u3r;
    let k = q;
    let cr = y0r;
    let ci = -y0i;
    let wr = wRe[k]!;
    let wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y1r;
    ci = -y1i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y2r;
    ci = -y2i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y3r;
    ci = -y3i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y4r;
    ci = -y4i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y5r;
    ci = -y5i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y6r;
    ci = -y6i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
    k += s;
    if (k >= n) continue;
    cr = y7r;
    ci = -y7i;
    wr = wRe[k]!;
    wi = wIm[k]!;
    re[k] = cr * wr - ci * wi;
    im[k] = cr * wi + ci * wr;
  }
}

/** The last radix-2 pass, conjugated, plus x_0, output q written at scatter[q] of (re, im). */
function radix2LastScatter(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  re: Float64Array,
  im: Float64Array,
  scatter: Int32Array,
  x0r: number,
  x0i: number,
): void {
  for (let q = 0; q < s; q++) {
    const ar = xr[q]!;
    const ai = xi[q]!;
    const br = xr[q + s]!;
    const bi = xi[q + s]!;
    let k = scatter[q]!;
    re[k] = x0r + (ar + br);
    im[k] = x0i - (ai + bi);
    k = scatter[q + s]!;
    re[k] = x0r + (ar - br);
    im[k] = x0i - (ai - bi);
  }
}

/** The last radix-4 pass, conjugated, plus x_0, output q written at scatter[q] of (re, im). */
function radix4LastScatter(
  s: number,
  xr: Float64Array,
  xi: Float64Array,
  re: Float64Array,
  im: Float64Array,
  scatter: Int32Array,
  x0r: number,
  x0i: number,
): void {
  for (let q = 0; q < s; q++) {
    const i1 = q + s;
    const i2 = i1 + s;
    const i3 = i2 + s;
    const t0r = xr[q]! + xr[i2]!;
    const t0i = xi[q]! + xi[i2]!;
    const t1r = xr[q]! - xr[i2]!;
    const t1i = xi[q]! - xi[i2]!;
    const t2r = xr[i1]! + xr[i3]!;
    const t2i = xi[i1]! + xi[i3]!;
    const t3r = xr[i1]! - xr[i3]!;
    const t3i = xi[i1]! - xi[i3]!;
    let k = scatter[q]!;
    re[k] = x0r + (t0r + t2r);
    im[k] = x0i - (t0i + t2i);
    k = scatter[i1]!;
    re[k] = x0r + (t1r + t3i);
    im[k] = x0i - (t1i - t3r);
    k = scatter[i2]!;
    re[k] = x0r + (t0r - t2r);
    im[k] = x0i - (t0i - t2i);
    k = scatter[i3]!;
    re[k] = x0r + (t1r - t3i);
    im[k] = x0i - (t1i + t3r);
  }
}
