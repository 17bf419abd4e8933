import { primitiveRoot } from './rader.js';

/**
 * The one-sided DFT of real frames of a small odd length n, computed directly as a matrix product
 * that exploits the symmetry of a real input (no FFT). With h = (n - 1) / 2 and, for j = 1..h,
 * u_j = x_j + x_(n-j), v_j = x_j - x_(n-j):
 *
 *   Re X_k = x_0 + sum_j u_j cos(2 pi j k / n),  Im X_k = -sum_j v_j sin(2 pi j k / n),  k = 1..h,
 *   X_0 = x_0 + sum_j u_j,
 *
 * that is 2 h^2 multiply-adds per frame (C u and S v with the symmetric h x h matrices
 * C_kj = cos(2 pi j k / n), S_kj = sin(2 pi j k / n)). Frames go through the matrices
 * {@link FRAMES} at a time, three outputs per inner loop (12 accumulators in registers); for small
 * primes (n = 67: 2178 multiply-adds per frame) this beats a Bluestein or Rader FFT route.
 *
 * For a prime n whose h is odd and 3 h2 with h2 prime to 3 (n = 67: h = 33 = 3 * 11) the two
 * products run as cyclic convolutions instead (the real counterpart of Rader's algorithm): with a
 * generator g modulo n, j = +-g^(-a) and k = +-g^b (a, b < h) make C u the cyclic convolution of
 * length h of u_(j_a) with cos(2 pi g^t / n), and S v a negacyclic one (sin(2 pi g^(t+h) / n) =
 * -sin(2 pi g^t / n)), turned cyclic by the signs (-1)^a and (-1)^b (h odd). A cyclic
 * convolution of length 3 h2 is a 3 x h2 two-dimensional one (Good's index map), and the
 * length-3 direction takes 4 products of length-h2 convolutions instead of 9 (z^3 - 1 =
 * (z - 1)(z^2 + z + 1), Karatsuba on the quadratic factor; R. Agarwal and J. Cooley, "New
 * algorithms for digital convolution", IEEE Trans. ASSP 25(5), 1977): 4 h2^2 multiply-adds per
 * product instead of 9 h2^2.
 *
 * The adjoint (the STFT gradient) uses the same two products: y_j = Re sum_{k <= h} G_k
 * exp(+2 pi i j k / n) is G0r + P_j - Q_j at j and G0r + P_j + Q_j at n - j (j = 1..h), with
 * P = C Re G and Q = S Im G (C and S are symmetric), and y_0 = G0r + sum_k Re G_k.
 */
export class DirectRealDft {
  readonly n: number;
  /** (n - 1) / 2: the number of (u, v) pairs and of bins above DC. */
  readonly h: number;
  /** h rounded up to a multiple of 3 (the rows of C and S, zero-padded). */
  readonly rows: number;
  /** C in blocks of three rows: C[3 b + i][j] at [(b h + j) 3 + i] (index j for j + 1). */
  private readonly cos: Float64Array;
  /** S laid out as C. */
  private readonly sin: Float64Array;
  /** The convolution form of C and S (null: dense products). */
  private readonly conv: Convolutions | null;
  /** Work of the dense {@link DirectRealDft.forward4}: u, v and C u, S v, interleaved. */
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly cu: Float64Array;
  private readonly sv: Float64Array;
  private readonly x0 = new Float64Array(FRAMES);

  constructor(n: number) {
    if (n % 2 !== 1 || n < 3) throw new RangeError(`DirectRealDft needs an odd n >= 3, got ${n}`);
    this.n = n;
    const h = (n - 1) / 2;
    this.h = h;
    const rows = Math.ceil(h / 3) * 3;
    this.rows = rows;
    this.cos = new Float64Array(rows * h);
    this.sin = new Float64Array(rows * h);
    for (let k = 1; k <= h; k++) {
      const b = Math.floor((k - 1) / 3);
      const i = (k - 1) % 3;
      for (let j = 1; j <= h; j++) {
        // (j k) mod n keeps the angle exact in integers.
        const angle = (2 * Math.PI * ((j * k) % n)) / n;
        const at = (b * h + j - 1) * 3 + i;
        this.cos[at] = Math.cos(angle);
        this.sin[at] = Math.sin(angle);
      }
    }
    this.conv = convolutionsFor(n);
    const dense = this.conv === null;
    this.u = new Float64Array(dense ? FRAMES * h : 0);
    this.v = new Float64Array(dense ? FRAMES * h : 0);
    this.cu = new Float64Array(dense ? FRAMES * rows : 0);
    this.sv = new Float64Array(dense ? FRAMES * rows : 0);
  }

  /**
   * The one-sided spectra (bins k = 0..h) of {@link FRAMES} windowed frames
   * x_f[j] = window[j] src[starts[f] + j], into re[4 k + f], im[4 k + f] (interleaved).
   */
  forward4(
    src: Float64Array,
    starts: Int32Array,
    window: Float64Array,
    re: Float64Array,
    im: Float64Array,
  ): void {
    if (this.conv !== null) {
      this.conv.forward4(src, starts, window, re, im);
      return;
    }
    const { n, h, u, v, cu, sv } = this;
    for (let f = 0; f < FRAMES; f++) {
      const s = starts[f]!;
      const e = s + n;
      const x0 = window[0]! * src[s]!;
      this.x0[f] = x0;
      let sum = x0;
      for (let j = 1, i = f; j <= h; j++, i += FRAMES) {
        const a = window[j]! * src[s + j]!;
        const b = window[n - j]! * src[e - j]!;
        const p = a + b;
        u[i] = p;
        v[i] = a - b;
        sum += p;
      }
      re[f] = sum;
      im[f] = 0;
    }
    product(this.cos, h, this.rows, u, cu);
    product(this.sin, h, this.rows, v, sv);
    const x0 = this.x0;
    for (let i = 0, e = FRAMES * h; i < e; i++) {
      re[FRAMES + i] = x0[i & 3]! + cu[i]!;
      im[FRAMES + i] = -sv[i]!;
    }
  }

  /**
   * y = C x for {@link FRAMES} frames at once, interleaved: x[4 j + f] (j < h) is frame f's
   * (j + 1)-th input, y[4 k + f] (k < rows; the first h valid) its (k + 1)-th output.
   */
  cosine(x: Float64Array, y: Float64Array): void {
    if (this.conv !== null) {
      const conv = this.conv;
      conv.apply(conv.cos, conv.ones, conv.ones, x, y);
    } else product(this.cos, this.h, this.rows, x, y);
  }

  /** y = S x, laid out as in {@link DirectRealDft.cosine}. */
  sine(x: Float64Array, y: Float64Array): void {
    if (this.conv !== null) {
      const conv = this.conv;
      conv.apply(conv.sin, conv.signIn, conv.signOut, x, y);
    } else product(this.sin, this.h, this.rows, x, y);
  }

  /** Whether the products run as convolutions (see the class comment). */
  get convolved(): boolean {
    return this.conv !== null;
  }
}

/** Frames per call of {@link DirectRealDft.cosine} and {@link DirectRealDft.sine}. */
export const FRAMES = 4;

function isPrime(n: number): boolean {
  if (n < 2) return false;
  for (let f = 2; f * f <= n; f++) if (n % f === 0) return false;
  return true;
}

/** Whether odd n has the convolution form (see {@link DirectRealDft}). */
function convolvable(n: number): boolean {
  const h = (n - 1) / 2;
  return isPrime(n) && h % 2 === 1 && h % 3 === 0 && (h / 3) % 3 !== 0 && h >= 9;
}

/** The convolution form of C and S for n, or null when n does not have it. */
function convolutionsFor(n: number): Convolutions | null {
  return convolvable(n) ? new Convolutions(n) : null;
}

/**
 * Multiply-adds per frame of {@link DirectRealDft} for odd n >= 3 (two products; the convolution
 * form counted with its padded rows and its additions at one multiply-add per 3 values).
 */
export function directMultiplyAdds(n: number): number {
  const h = (n - 1) / 2;
  if (!convolvable(n)) return 2 * Math.ceil(h / 3) * 3 * h;
  const h2 = h / 3;
  return 2 * (4 * Math.ceil(h2 / 3) * 3 * h2 + 3 * h);
}

/** The four length-h2 circulants of one product, in blocks of three rows (see `product`). */
interface Kernels {
  /** hs = (H0 + H1 + H2) / 3, ha = (H0 - H2) / 3, hb = (H1 - H2) / 3, hab = ha + hb. */
  hs: Float64Array;
  ha: Float64Array;
  hb: Float64Array;
  hab: Float64Array;
}

/** C and S of a prime n (h = 3 h2, h odd, h2 prime to 3) as 3 x h2 cyclic convolutions. */
class Convolutions {
  readonly cos: Kernels;
  readonly sin: Kernels;
  /** Signs per 2-D place of C (all 1) and S ((-1)^a times the sign of g^(-a) at input a; (-1)^b
   * times that of g^b at output b). */
  readonly ones: Float64Array;
  readonly signIn: Float64Array;
  readonly signOut: Float64Array;
  private readonly h2: number;
  private readonly rows2: number;
  /** 4 (j - 1) for input a at its 2-D place r h2 + c (r = a mod 3, c = a mod h2). */
  private readonly gather: Int32Array;
  /** 4 (k - 1) for output b at its 2-D place. */
  private readonly scatter: Int32Array;
  /** Work: s, a, b, a + b of the three rows and the four products, 4 frames each. */
  private readonly xs: Float64Array;
  private readonly xa: Float64Array;
  private readonly xb: Float64Array;
  private readonly xab: Float64Array;
  private readonly ms: Float64Array;
  private readonly m1: Float64Array;
  private readonly m2: Float64Array;
  private readonly m3: Float64Array;
  /** The same for v (sine) in {@link Convolutions.forward4}, and x_0 and sum u per frame. */
  private readonly vs: Float64Array;
  private readonly va: Float64Array;
  private readonly vb: Float64Array;
  private readonly vab: Float64Array;
  private readonly ns: Float64Array;
  private readonly n1: Float64Array;
  private readonly n2: Float64Array;
  private readonly n3: Float64Array;
  private readonly x0 = new Float64Array(FRAMES);
  private readonly sum = new Float64Array(FRAMES);
  private readonly n: number;

  constructor(n: number) {
    const h = (n - 1) / 2;
    const h2 = h / 3;
    this.n = n;
    this.h2 = h2;
    const rows2 = Math.ceil(h2 / 3) * 3;
    this.rows2 = rows2;
    const g = primitiveRoot(n);
    let gInv = 1;
    for (let i = 0; i < n - 2; i++) gInv = (gInv * g) % n;
    this.gather = new Int32Array(h);
    this.scatter = new Int32Array(h);
    this.ones = new Float64Array(h).fill(1);
    this.signIn = new Float64Array(h);
    this.signOut = new Float64Array(h);
    // kernel t: cos(2 pi g^t / n) and (-1)^t sin(2 pi g^t / n), t < h
    const cosT = new Float64Array(h);
    const sinT = new Float64Array(h);
    let ga = 1;
    let gb = 1;
    for (let t = 0; t < h; t++) {
      const place = (t % 3) * h2 + (t % h2);
      const alt = t % 2 === 0 ? 1 : -1;
      // input a = t: j = +-g^(-a); output b = t: k = +-g^b
      this.gather[place] = 4 * ((ga <= h ? ga : n - ga) - 1);
      this.signIn[place] = alt * (ga <= h ? 1 : -1);
      this.scatter[place] = 4 * ((gb <= h ? gb : n - gb) - 1);
      this.signOut[place] = alt * (gb <= h ? 1 : -1);
      const angle = (2 * Math.PI * gb) / n;
      cosT[t] = Math.cos(angle);
      sinT[t] = alt * Math.sin(angle);
      ga = (ga * gInv) % n;
      gb = (gb * g) % n;
    }
    this.cos = this.kernels(cosT);
    this.sin = this.kernels(sinT);
    this.xs = new Float64Array(FRAMES * h2);
    this.xa = new Float64Array(FRAMES * h2);
    this.xb = new Float64Array(FRAMES * h2);
    this.xab = new Float64Array(FRAMES * h2);
    this.ms = new Float64Array(FRAMES * rows2);
    this.m1 = new Float64Array(FRAMES * rows2);
    this.m2 = new Float64Array(FRAMES * rows2);
    this.m3 = new Float64Array(FRAMES * rows2);
    this.vs = new Float64Array(FRAMES * h2);
    this.va = new Float64Array(FRAMES * h2);
    this.vb = new Float64Array(FRAMES * h2);
    this.vab = new Float64Array(FRAMES * h2);
    this.ns = new Float64Array(FRAMES * rows2);
    this.n1 = new Float64Array(FRAMES * rows2);
    this.n2 = new Float64Array(FRAMES * rows2);
    this.n3 = new Float64Array(FRAMES * rows2);
  }

  /**
   * {@link DirectRealDft.forward4}: the windowed frames packed straight into the rows' s, a, b,
   * a + b of u (cosine) and of the signed v (sine), the eight products, and the outputs
   * reconstructed straight into their bins.
   */
  forward4(
    src: Float64Array,
    starts: Int32Array,
    window: Float64Array,
    re: Float64Array,
    im: Float64Array,
  ): void {
    const { n, h2, rows2, gather, scatter, signIn, signOut, xs, xa, xb, xab, ms, m1, m2, m3 } =
      this;
    const { vs, va, vb, vab, ns, n1, n2, n3, x0, sum } = this;
    for (let f = 0; f < FRAMES; f++) {
      const s = starts[f]!;
      x0[f] = window[0]! * src[s]!;
      sum[f] = 0;
    }
    for (let c = 0, o = 0; c < h2; c++, o += 4) {
      // natural indices j (1-based) of the three rows at column c
      const j0 = (gather[c]! >> 2) + 1;
      const j1 = (gather[h2 + c]! >> 2) + 1;
      const j2 = (gather[2 * h2 + c]! >> 2) + 1;
      const g0 = signIn[c]!;
      const g1 = signIn[h2 + c]!;
      const g2 = signIn[2 * h2 + c]!;
      const w0a = window[j0]!;
      const w0b = window[n - j0]!;
      const w1a = window[j1]!;
      const w1b = window[n - j1]!;
      const w2a = window[j2]!;
      const w2b = window[n - j2]!;
      for (let f = 0; f < FRAMES; f++) {
        const s = starts[f]!;
        const e = s + n;
        let a = w0a * src[s + j0]!;
        let b = w0b * src[e - j0]!;
        const u0 = a + b;
        const v0 = g0 * (a - b);
        a = w1a * src[s + j1]!;
        b = w1b * src[e - j1]!;
        const u1 = a + b;
        const v1 = g1 * (a - b);
        a = w2a * src[s + j2]!;
        b = w2b * src[e - j2]!;
        const u2 = a + b;
        const v2 = g2 * (a - b);
        const i = o + f;
        const su = u0 + u1 + u2;
        sum[f]! += su;
        xs[i] = su;
        xa[i] = u0 - u2;
        xb[i] = u1 - u2;
        xab[i] = u0 + u1 - 2 * u2;
        vs[i] = v0 + v1 + v2;
        va[i] = v0 - v2;
        vb[i] = v1 - v2;
        vab[i] = v0 + v1 - 2 * v2;
      }
    }
    const kc = this.cos;
    const ks = this.sin;
    product(kc.hs, h2, rows2, xs, ms);
    product(kc.ha, h2, rows2, xa, m1);
    product(kc.hb, h2, rows2, xb, m2);
    product(kc.hab, h2, rows2, xab, m3);
    product(ks.hs, h2, rows2, vs, ns);
    product(ks.ha, h2, rows2, va, n1);
    product(ks.hb, h2, rows2, vb, n2);
    product(ks.hab, h2, rows2, vab, n3);
    for (let f = 0; f < FRAMES; f++) {
      re[f] = x0[f]! + sum[f]!;
      im[f] = 0;
    }
    for (let c = 0, o = 0; c < h2; c++, o += 4) {
      // 4 k for the three outputs at column c (bin k = natural index + 1)
      const q0 = scatter[c]! + 4;
      const q1 = scatter[h2 + c]! + 4;
      const q2 = scatter[2 * h2 + c]! + 4;
      const t0 = -signOut[c]!;
      const t1 = -signOut[h2 + c]!;
      const t2 = -signOut[2 * h2 + c]!;
      for (let f = 0; f < FRAMES; f++) {
        const i = o + f;
        const x = x0[f]!;
        let s = ms[i]!;
        let p1 = m1[i]!;
        let p2 = m2[i]!;
        let c0 = p1 - p2;
        let c1 = m3[i]! - p1 - 2 * p2;
        re[q0 + f] = x + s + 2 * c0 - c1;
        re[q1 + f] = x + s - c0 + 2 * c1;
        re[q2 + f] = x + s - c0 - c1;
        s = ns[i]!;
        p1 = n1[i]!;
        p2 = n2[i]!;
        c0 = p1 - p2;
        c1 = n3[i]! - p1 - 2 * p2;
        im[q0 + f] = t0 * (s + 2 * c0 - c1);
        im[q1 + f] = t1 * (s - c0 + 2 * c1);
        im[q2 + f] = t2 * (s - c0 - c1);
      }
    }
  }

  /** The four circulants of a length-h kernel (1/3 of the reconstruction folded in). */
  private kernels(kernel: Float64Array): Kernels {
    const { h2, rows2 } = this;
    const row = (r: number, c: number): number => {
      // the t with t = r mod 3 and t = c mod h2
      for (let t = c; ; t += h2) if (t % 3 === r) return kernel[t]!;
    };
    const make = (f: (c: number) => number): Float64Array => {
      const m = new Float64Array(rows2 * h2);
      for (let k = 0; k < h2; k++) {
        for (let j = 0; j < h2; j++) {
          m[(Math.floor(k / 3) * h2 + j) * 3 + (k % 3)] = f((k - j + h2) % h2);
        }
      }
      return m;
    };
    return {
      hs: make((c) => (row(0, c) + row(1, c) + row(2, c)) / 3),
      ha: make((c) => (row(0, c) - row(2, c)) / 3),
      hb: make((c) => (row(1, c) - row(2, c)) / 3),
      hab: make((c) => (row(0, c) + row(1, c) - 2 * row(2, c)) / 3),
    };
  }

  /**
   * y = M x (natural order, 4 frames interleaved) for the M of `k`, inputs and outputs times
   * their signs: rows x_r of the 3 x h2 array give s = x0 + x1 + x2, a = x0 - x2, b = x1 - x2;
   * with ms = hs s, m1 = ha a, m2 = hb b, m3 = hab (a + b), c0 = m1 - m2, c1 = m3 - m1 - 2 m2:
   * y0 = ms + 2 c0 - c1, y1 = ms - c0 + 2 c1, y2 = ms - c0 - c1.
   */
  apply(
    k: Kernels,
    signIn: Float64Array,
    signOut: Float64Array,
    x: Float64Array,
    y: Float64Array,
  ): void {
    const { h2, rows2, gather, scatter, xs, xa, xb, xab, ms, m1, m2, m3 } = this;
    for (let c = 0, o = 0; c < h2; c++, o += 4) {
      const p0 = gather[c]!;
      const p1 = gather[h2 + c]!;
      const p2 = gather[2 * h2 + c]!;
      const s0 = signIn[c]!;
      const s1 = signIn[h2 + c]!;
      const s2 = signIn[2 * h2 + c]!;
      for (let f = 0; f < 4; f++) {
        const v0 = s0 * x[p0 + f]!;
        const v1 = s1 * x[p1 + f]!;
        const v2 = s2 * x[p2 + f]!;
        xs[o + f] = v0 + v1 + v2;
        xa[o + f] = v0 - v2;
        xb[o + f] = v1 - v2;
        xab[o + f] = v0 + v1 - 2 * v2;
      }
    }
    product(k.hs, h2, rows2, xs, ms);
    product(k.ha, h2, rows2, xa, m1);
    product(k.hb, h2, rows2, xb, m2);
    product(k.hab, h2, rows2, xab, m3);
    for (let c = 0, o = 0; c < h2; c++, o += 4) {
      const q0 = scatter[c]!;
      const q1 = scatter[h2 + c]!;
      const q2 = scatter[2 * h2 + c]!;
      const t0 = signOut[c]!;
      const t1 = signOut[h2 + c]!;
      const t2 = signOut[2 * h2 + c]!;
      for (let f = 0; f < 4; f++) {
        const i = o + f;
        const s = ms[i]!;
        const p1 = m1[i]!;
        const p2 = m2[i]!;
        const c0 = p1 - p2;
        const c1 = m3[i]! - p1 - 2 * p2;
        y[q0 + f] = t0 * (s + 2 * c0 - c1);
        y[q1 + f] = t1 * (s - c0 + 2 * c1);
        y[q2 + f] = t2 * (s - c0 - c1);
      }
    }
  }
}

/** y = M x for four interleaved frames, M (rows x h) in blocks of three rows. */
function product(m: Float64Array, h: number, rows: number, x: Float64Array, y: Float64Array): void {
  let c = 0;
  for (let o = 0; o < rows; o += 3) {
    let p0 = 0;
    let p1 = 0;
    let p2 = 0;
    let q0 = 0;
    let q1 = 0;
    let q2 = 0;
    let r0 = 0;
    let r1 = 0;
    let r2 = 0;
    let s0 = 0;
    let s1 = 0;
    let s2 = 0;
    for (let j = 0, xi = 0; j < h; j++, c += 3, xi += 4) {
      const m0 = m[c]!;
      const m1 = m[c + 1]!;
      const m2 = m[c + 2]!;
      const a = x[xi]!;
      const b = x[xi + 1]!;
      const d = x[xi + 2]!;
      const e = x[xi + 3]!;
      p0 += m0 * a;
      p1 += m1 * a;
      p2 += m2 * a;
      q0 += m0 * b;
      q1 += m1 * b;
      q2 += m2 * b;
      r0 += m0 * d;
      r1 += m1 * d;
      r2 += m2 * d;
      s0 += m0 * e;
      s1 += m1 * e;
      s2 += m2 * e;
    }
    const t = 4 * o;
    y[t] = p0;
    y[t + 1] = q0;
    y[t + 2] = r0;
    y[t + 3] = s0;
    y[t + 4] = p1;
    y[t + 5] = q1;
    y[t + 6] = r1;
    y[t + 7] = s1;
    y[t + 8] = p2;
    y[t + 9] = q2;
    y[t + 10] = r2;
    y[t + 11] = s2;
  }
}
