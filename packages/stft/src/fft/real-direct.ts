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
 * odd sizes (n = 67: 2178 multiply-adds per frame) this beats a Bluestein or Rader FFT route.
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
  /** Work of {@link DirectRealDft.forward4}: u, v and C u, S v, interleaved. */
  private readonly u: Float64Array;
  private readonly v: Float64Array;
  private readonly cu: Float64Array;
  private readonly sv: Float64Array;

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
    this.u = new Float64Array(FRAMES * h);
    this.v = new Float64Array(FRAMES * h);
    this.cu = new Float64Array(FRAMES * rows);
    this.sv = new Float64Array(FRAMES * rows);
  }

  /**
   * The one-sided spectra (bins k = 0..h) of {@link FRAMES} frames, stored one after another in
   * `frames` (`[FRAMES, n]`), into re[4 k + f], im[4 k + f] (interleaved).
   */
  forward4(frames: Float64Array, re: Float64Array, im: Float64Array): void {
    const { n, h, u, v, cu, sv } = this;
    for (let f = 0; f < FRAMES; f++) {
      const s = f * n;
      const e = s + n;
      let sum = frames[s]!;
      for (let j = 1, i = f; j <= h; j++, i += FRAMES) {
        const a = frames[s + j]!;
        const b = frames[e - j]!;
        const p = a + b;
        u[i] = p;
        v[i] = a - b;
        sum += p;
      }
      re[f] = sum;
      im[f] = 0;
    }
    this.cosine(u, cu);
    this.sine(v, sv);
    for (let i = 0, e = FRAMES * h; i < e; i++) {
      re[FRAMES + i] = frames[(i & 3) * n]! + cu[i]!;
      im[FRAMES + i] = -sv[i]!;
    }
  }

  /**
   * y = C x for {@link FRAMES} frames at once, interleaved: x[4 j + f] (j < h) is frame f's
   * (j + 1)-th input, y[4 k + f] (k < rows; the first h valid) its (k + 1)-th output.
   */
  cosine(x: Float64Array, y: Float64Array): void {
    product(this.cos, this.h, this.rows, x, y);
  }

  /** y = S x, laid out as in {@link DirectRealDft.cosine}. */
  sine(x: Float64Array, y: Float64Array): void {
    product(this.sin, this.h, this.rows, x, y);
  }
}

/** Frames per call of {@link DirectRealDft.forward4}, {@link DirectRealDft.cosine} and `sine`. */
export const FRAMES = 4;

/** Multiply-adds per frame of {@link DirectRealDft} for odd n >= 3 (two products, rows padded). */
export function directMultiplyAdds(n: number): number {
  const h = (n - 1) / 2;
  return 2 * Math.ceil(h / 3) * 3 * h;
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
