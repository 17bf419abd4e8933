/**
 * The A-weighting FIR pre-emphasis filter of auraloss's `FIRFilter('aw')` (Wright & Välimäki,
 * 2019, arXiv:1911.08922), designed here in the same three steps so that the taps are the same:
 *
 * 1. the analog A-weighting filter of IEC/CD 1672 (pole frequencies f1..f4 in Hz, +1.9997 dB at
 *    1 kHz): H(s) = (2 pi f4)^2 10^(A1000/20) s^4 / [(s + 2 pi f4)^2 (s + 2 pi f1)^2
 *    (s + 2 pi f3)(s + 2 pi f2)];
 * 2. its bilinear transform at the sample rate (s = 2 fs (z - 1)/(z + 1), expanded with binomial
 *    coefficients as scipy.signal.bilinear does) and the magnitude of its frequency response at
 *    512 frequencies k fs / 1024, k = 0..511 (scipy.signal.freqz(b, a, worN=512, fs));
 * 3. a linear-phase FIR filter of `taps` coefficients fitted to that magnitude by least squares
 *    (scipy.signal.firls), the 512 frequencies taken as 256 bands [f_2j, f_2j+1] with the
 *    magnitude linear within each band and the gaps between bands unweighted.
 *
 * The least-squares system Q a = b (Q Toeplitz plus Hankel, positive definite) is solved by
 * Cholesky, as scipy's `solve(assume_a='pos')` does; its condition number stays below 100 for up to
 * 1023 taps. The caller rounds the taps to float32 as auraloss stores them.
 */

/** IEC/CD 1672 A-weighting pole frequencies (Hz) and gain at 1 kHz (dB), as auraloss uses them. */
const F1 = 20.598997;
const F2 = 107.65265;
const F3 = 737.86223;
const F4 = 12194.217;
const A1000 = 1.9997;

/** Product of two polynomials (coefficients from the highest power down). */
function polymul(p: readonly number[], q: readonly number[]): number[] {
  const out = new Array<number>(p.length + q.length - 1).fill(0);
  for (let i = 0; i < p.length; i++)
    for (let j = 0; j < q.length; j++) out[i + j]! += p[i]! * q[j]!;
  return out;
}

function binomial(n: number, k: number): number {
  let r = 1;
  for (let i = 1; i <= k; i++) r = (r * (n - k + i)) / i;
  return r;
}

/**
 * Bilinear transform of an analog filter b(s)/a(s) (coefficients from the highest power down)
 * at sample rate fs: the digital coefficients (in powers of z^-1), normalised so a[0] = 1.
 * With M = max(deg b, deg a), the coefficient of z^-j of a polynomial p of degree N is
 *   sum_{i=0..N} sum_{k+l=j} C(i, k) C(M - i, l) p[N - i] (2 fs)^i (-1)^k.
 */
function bilinear(b: readonly number[], a: readonly number[], fs: number): [number[], number[]] {
  const M = Math.max(b.length, a.length) - 1;
  const transform = (p: readonly number[]): number[] => {
    const N = p.length - 1;
    const out = new Array<number>(M + 1).fill(0);
    for (let j = 0; j <= M; j++) {
      let v = 0;
      for (let i = 0; i <= N; i++) {
        for (let k = 0; k <= i; k++) {
          const l = j - k;
          if (l < 0 || l > M - i) continue;
          v += binomial(i, k) * binomial(M - i, l) * p[N - i]! * (2 * fs) ** i * (-1) ** k;
        }
      }
      out[j] = v;
    }
    return out;
  };
  const bz = transform(b);
  const az = transform(a);
  const a0 = az[0]!;
  return [bz.map((v) => v / a0), az.map((v) => v / a0)];
}

/** |H(e^{iw})| of b/a (powers of z^-1) at w = pi k / n, k = 0..n-1, by Horner's rule. */
function magnitudeResponse(b: readonly number[], a: readonly number[], n: number): Float64Array {
  const out = new Float64Array(n);
  const step = Math.PI / n;
  const horner = (c: readonly number[], xr: number, xi: number): [number, number] => {
    let re = c[c.length - 1]!;
    let im = 0;
    for (let i = c.length - 2; i >= 0; i--) {
      const r = c[i]! + (re * xr - im * xi);
      im = re * xi + im * xr;
      re = r;
    }
    return [re, im];
  };
  for (let k = 0; k < n; k++) {
    const w = k * step;
    const xr = Math.cos(w);
    const xi = -Math.sin(w);
    const [nr, ni] = horner(b, xr, xi);
    const [dr, di] = horner(a, xr, xi);
    const den = dr * dr + di * di;
    out[k] = Math.hypot((nr * dr + ni * di) / den, (ni * dr - nr * di) / den);
  }
  return out;
}

/** numpy's sinc: sin(pi x) / (pi x), 1 at x = 0. */
function sinc(x: number): number {
  if (x === 0) return 1;
  const y = Math.PI * x;
  return Math.sin(y) / y;
}

/**
 * Least-squares linear-phase FIR design (the formulation of scipy.signal.firls): `taps` (odd)
 * coefficients minimising sum over bands of the weight-1 integral of (H(f) - D(f))^2, D linear
 * from `desired[2j]` to `desired[2j+1]` over the band [bands[2j], bands[2j+1]] (frequencies as a
 * fraction of Nyquist). With M = (taps - 1)/2 and H(f) = sum_{n=0..M} a_n cos(pi n f):
 *   q(n) = sum_bands [f sinc(f n)]_{f1}^{f2},   Q[i][j] = q(|i - j|) + q(i + j),
 *   b(n) = sum_bands [f (m f + c) sinc(f n) + m cos(pi n f) / (pi n)^2]_{f1}^{f2}   (n >= 1),
 *   b(0) = sum_bands [f (m f + c) - m f^2 / 2]_{f1}^{f2},
 * Q a = b, taps = [a_M, ..., a_1, 2 a_0, a_1, ..., a_M].
 */
function firls(taps: number, bands: Float64Array, desired: Float64Array): Float64Array {
  const M = (taps - 1) / 2;
  const nb = bands.length / 2;
  const q = new Float64Array(taps);
  for (let n = 0; n < taps; n++) {
    let s = 0;
    for (let j = 0; j < nb; j++) {
      const f1 = bands[2 * j]!;
      const f2 = bands[2 * j + 1]!;
      s += sinc(f2 * n) * f2 - sinc(f1 * n) * f1;
    }
    q[n] = s;
  }
  const Q = new Float64Array((M + 1) * (M + 1));
  for (let i = 0; i <= M; i++) {
    for (let j = 0; j <= M; j++) Q[i * (M + 1) + j] = q[Math.abs(i - j)]! + q[i + j]!;
  }
  const rhs = new Float64Array(M + 1);
  for (let n = 0; n <= M; n++) {
    let s = 0;
    for (let j = 0; j < nb; j++) {
      const f1 = bands[2 * j]!;
      const f2 = bands[2 * j + 1]!;
      const d1 = desired[2 * j]!;
      const d2 = desired[2 * j + 1]!;
      const m = (d2 - d1) / (f2 - f1);
      const c = d1 - f1 * m;
      const term = (f: number): number => {
        let v = f * (m * f + c) * sinc(f * n);
        if (n === 0) v -= (m * f * f) / 2;
        else v += (m * Math.cos(n * Math.PI * f)) / (Math.PI * n) ** 2;
        return v;
      };
      s += term(f2) - term(f1);
    }
    rhs[n] = s;
  }
  const a = choleskySolve(Q, rhs, M + 1);
  const out = new Float64Array(taps);
  for (let i = 1; i <= M; i++) {
    out[M - i] = a[i]!;
    out[M + i] = a[i]!;
  }
  out[M] = 2 * a[0]!;
  return out;
}

/** Solves A x = b for a symmetric positive definite A (n x n, row-major) by Cholesky. */
function choleskySolve(A: Float64Array, b: Float64Array, n: number): Float64Array {
  const L = new Float64Array(n * n);
  for (let j = 0; j < n; j++) {
    let d = A[j * n + j]!;
    for (let k = 0; k < j; k++) d -= L[j * n + k]! * L[j * n + k]!;
    const ljj = Math.sqrt(d);
    L[j * n + j] = ljj;
    for (let i = j + 1; i < n; i++) {
      let s = A[i * n + j]!;
      for (let k = 0; k < j; k++) s -= L[i * n + k]! * L[j * n + k]!;
      L[i * n + j] = s / ljj;
    }
  }
  const y = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    let s = b[i]!;
    for (let k = 0; k < i; k++) s -= L[i * n + k]! * y[k]!;
    y[i] = s / L[i * n + i]!;
  }
  const x = new Float64Array(n);
  for (let i = n - 1; i >= 0; i--) {
    let s = y[i]!;
    for (let k = i + 1; k < n; k++) s -= L[k * n + i]! * x[k]!;
    x[i] = s / L[i * n + i]!;
  }
  return x;
}

/**
 * The taps (float64, before auraloss's rounding to float32) of the A-weighting FIR filter of
 * auraloss's `FIRFilter('aw', fs=sampleRate, ntaps=taps)`.
 *
 * @param sampleRate Hz (validated by the caller: 1000 to 1e6).
 * @param taps Odd, 1 to 1023 (validated by the caller).
 */
export function aWeightingTaps(sampleRate: number, taps: number): Float64Array {
  const w4 = 2 * Math.PI * F4;
  const num = [w4 ** 2 * 10 ** (A1000 / 20), 0, 0, 0, 0];
  let den = polymul([1, 4 * Math.PI * F4, w4 ** 2], [1, 4 * Math.PI * F1, (2 * Math.PI * F1) ** 2]);
  den = polymul(polymul(den, [1, 2 * Math.PI * F3]), [1, 2 * Math.PI * F2]);
  const [b, a] = bilinear(num, den, sampleRate);
  const points = 512;
  const mag = magnitudeResponse(b, a, points);
  // The response's frequencies in Hz (w fs / 2 pi), then as a fraction of Nyquist, pairwise bands.
  const bands = new Float64Array(points);
  const step = Math.PI / points;
  for (let k = 0; k < points; k++)
    bands[k] = (k * step * sampleRate) / (2 * Math.PI) / (0.5 * sampleRate);
  return firls(taps, bands, mag);
}
