import type { FftPlan } from './types.js';

/**
 * Bluestein's chirp-z algorithm for any length n (L. Bluestein, "A linear filtering approach to
 * the computation of discrete Fourier transform", IEEE Trans. Audio Electroacoustics 18(4), 1970):
 *
 *   jk = (j^2 + k^2 - (k - j)^2) / 2, so with the chirp w[k] = exp(-i pi k^2 / n)
 *   X[k] = w[k] * sum_j (x[j] w[j]) * conj(w[k - j]),
 *
 * a convolution evaluated circularly with a power-of-two FFT of length m >= 2 n - 1.
 * The chirp and the transform of conj(w) (divided by m) are precomputed per plan.
 */
export class BluesteinPlan implements FftPlan {
  readonly n: number;
  readonly algorithm = 'bluestein' as const;
  /** Convolution length (a power of two >= 2 n - 1). */
  readonly m: number;
  private readonly inner: FftPlan;
  /** w[k] = exp(-i pi k^2 / n), interleaved, length 2 n. */
  private readonly chirp: Float64Array;
  /** FFT_m(conj(w) wrapped circularly) / m, interleaved, length 2 m. */
  private readonly kernel: Float64Array;
  private readonly a: Float64Array;
  private readonly b: Float64Array;

  constructor(n: number, makePlan: (m: number) => FftPlan) {
    this.n = n;
    let m = 1;
    while (m < 2 * n - 1) m *= 2;
    this.m = m;
    this.inner = makePlan(m);
    const chirp = new Float64Array(2 * n);
    const twoN = 2 * n;
    for (let k = 0; k < n; k++) {
      // k^2 mod 2n keeps the angle small (exact in integers) for full precision.
      const q = (k * k) % twoN;
      const angle = (Math.PI * q) / n;
      chirp[2 * k] = Math.cos(angle);
      chirp[2 * k + 1] = -Math.sin(angle);
    }
    this.chirp = chirp;
    const b = new Float64Array(2 * m);
    b[0] = chirp[0]!;
    b[1] = -chirp[1]!;
    for (let k = 1; k < n; k++) {
      b[2 * k] = chirp[2 * k]!;
      b[2 * k + 1] = -chirp[2 * k + 1]!;
      b[2 * (m - k)] = chirp[2 * k]!;
      b[2 * (m - k) + 1] = -chirp[2 * k + 1]!;
    }
    const kernel = new Float64Array(2 * m);
    this.inner.transform(b, kernel);
    for (let i = 0; i < 2 * m; i++) kernel[i]! /= m;
    this.kernel = kernel;
    this.a = new Float64Array(2 * m);
    this.b = new Float64Array(2 * m);
  }

  transform(input: Float64Array, output: Float64Array): void {
    const { n, m, chirp, kernel, a, b } = this;
    for (let k = 0; k < n; k++) {
      const xr = input[2 * k]!;
      const xi = input[2 * k + 1]!;
      const wr = chirp[2 * k]!;
      const wi = chirp[2 * k + 1]!;
      a[2 * k] = xr * wr - xi * wi;
      a[2 * k + 1] = xr * wi + xi * wr;
    }
    a.fill(0, 2 * n);
    this.inner.transform(a, b);
    // conj(A * K), so that a forward FFT followed by conj gives the (unnormalised) inverse.
    for (let i = 0; i < 2 * m; i += 2) {
      const ar = b[i]!;
      const ai = b[i + 1]!;
      const kr = kernel[i]!;
      const ki = kernel[i + 1]!;
      b[i] = ar * kr - ai * ki;
      b[i + 1] = -(ar * ki + ai * kr);
    }
    this.inner.transform(b, a);
    for (let k = 0; k < n; k++) {
      const cr = a[2 * k]!;
      const ci = -a[2 * k + 1]!;
      const wr = chirp[2 * k]!;
      const wi = chirp[2 * k + 1]!;
      output[2 * k] = cr * wr - ci * wi;
      output[2 * k + 1] = cr * wi + ci * wr;
    }
  }

  inverseTransform(input: Float64Array, output: Float64Array): void {
    inverseByConjugation(this, input, output);
  }
}

/** x = conj(DFT(conj(X))) / n, the inverse through the forward transform. */
export function inverseByConjugation(
  plan: FftPlan,
  input: Float64Array,
  output: Float64Array,
): void {
  const n2 = 2 * plan.n;
  const tmp = new Float64Array(n2);
  for (let i = 0; i < n2; i += 2) {
    tmp[i] = input[i]!;
    tmp[i + 1] = -input[i + 1]!;
  }
  plan.transform(tmp, output);
  const scale = 1 / plan.n;
  for (let i = 0; i < n2; i += 2) {
    output[i]! *= scale;
    output[i + 1] = -output[i + 1]! * scale;
  }
}
