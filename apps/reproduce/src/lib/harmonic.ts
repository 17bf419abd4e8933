/**
 * Harmonic tones for the `harmonic-estimation` case, and their gradients (vector-Jacobian products):
 *
 * - the oscillator model: x[n] = sum_{k=1}^{K} a_k sin(k omega (n - c)), omega = 2 pi f0 / rate,
 *   f0 = 440 * 2^((p - 69) / 12) for a pitch p in semitones (MIDI numbers), c = (T - 1) / 2: the
 *   phase is pinned at the middle sample, as in `freq-estimation`, so a pitch error drifts the phase
 *   symmetrically to both ends;
 * - the harmonic surrogate: s[n] = sum_k Re(c_k z^{k n}), the damped complex sinusoid of Hayes,
 *   Saitis & Fazekas (ICASSP 2023; `surrogateSignal` of @losses/metrics) with the harmonics tied to
 *   one complex z: harmonic k is z_k = z^k (r_k = r^k, omega_k = k omega), c_k = a_k e^{i phi_k}.
 *   The pitch estimate is arg z.
 *
 * Both run by complex recurrences (e^{i k theta} from e^{i theta}, z^{k n} from z^n): the study
 * evaluates them for thousands of runs and steps; `surrogateSignal` / `surrogateVjp` of @losses/metrics
 * compute one cosine and one power per sample and component, about 1000 times slower here. The tests
 * check both against those functions and against direct formulas.
 */

/** The frequency in Hz of a pitch in semitones (MIDI: 69 = 440 Hz). */
export function hzOfPitch(pitch: number): number {
  return 440 * 2 ** ((pitch - 69) / 12);
}

/** The pitch in semitones of a frequency in Hz. */
export function pitchOfHz(hz: number): number {
  return 69 + 12 * Math.log2(hz / 440);
}

/** Parameters of the oscillator model: pitch p (semitones) and the K harmonic amplitudes. */
export interface ToneParams {
  pitch: number;
  amplitudes: ArrayLike<number>;
}

/**
 * x[n] = sum_k a_k sin(k omega (n - c)) into `out` (length T).
 */
export function harmonicTone(p: ToneParams, rate: number, out: Float64Array): void {
  const T = out.length;
  const K = p.amplitudes.length;
  const omega = (2 * Math.PI * hzOfPitch(p.pitch)) / rate;
  const c = (T - 1) / 2;
  for (let n = 0; n < T; n++) {
    const theta = omega * (n - c);
    const c1 = Math.cos(theta);
    const s1 = Math.sin(theta);
    // (ck, sk) = e^{i k theta} by repeated multiplication with e^{i theta}.
    let ck = c1;
    let sk = s1;
    let v = 0;
    for (let k = 0; k < K; k++) {
      v += p.amplitudes[k]! * sk;
      const t = ck * c1 - sk * s1;
      sk = sk * c1 + ck * s1;
      ck = t;
    }
    out[n] = v;
  }
}

/**
 * The gradient of L w.r.t. the pitch and the amplitudes from g = dL/dx (length T):
 * dL/da_k = sum_n g_n sin(k theta_n), dL/dp = sum_n g_n sum_k a_k k (n - c) cos(k theta_n) domega/dp,
 * theta_n = omega (n - c), domega/dp = omega ln 2 / 12. Writes dL/da into `dAmplitudes`.
 */
export function harmonicToneVjp(
  p: ToneParams,
  rate: number,
  g: ArrayLike<number>,
  gOffset: number,
  T: number,
  dAmplitudes: Float64Array,
): number {
  const K = p.amplitudes.length;
  const omega = (2 * Math.PI * hzOfPitch(p.pitch)) / rate;
  const c = (T - 1) / 2;
  dAmplitudes.fill(0, 0, K);
  let dOmega = 0;
  for (let n = 0; n < T; n++) {
    const gn = g[gOffset + n]!;
    if (gn === 0) continue;
    const t = n - c;
    const theta = omega * t;
    const c1 = Math.cos(theta);
    const s1 = Math.sin(theta);
    let ck = c1;
    let sk = s1;
    let acc = 0;
    for (let k = 0; k < K; k++) {
      dAmplitudes[k]! += gn * sk;
      acc += p.amplitudes[k]! * (k + 1) * ck;
      const u = ck * c1 - sk * s1;
      sk = sk * c1 + ck * s1;
      ck = u;
    }
    dOmega += gn * t * acc;
  }
  return (dOmega * omega * Math.LN2) / 12;
}

/** Parameters of the harmonic surrogate: z = zRe + i zIm and c_k = cRe_k + i cIm_k. */
export interface SurrogateHarmonicParams {
  zRe: number;
  zIm: number;
  cRe: ArrayLike<number>;
  cIm: ArrayLike<number>;
}

/** s[n] = sum_k Re(c_k z^{k n}), n = 0 .. T - 1, into `out`. */
export function surrogateHarmonic(p: SurrogateHarmonicParams, out: Float64Array): void {
  const T = out.length;
  const K = p.cRe.length;
  // w = z^n by recurrence; z^{k n} = w^k by repeated multiplication.
  let wr = 1;
  let wi = 0;
  for (let n = 0; n < T; n++) {
    let pr = wr;
    let pi = wi;
    let v = 0;
    for (let k = 0; k < K; k++) {
      v += p.cRe[k]! * pr - p.cIm[k]! * pi;
      const t = pr * wr - pi * wi;
      pi = pr * wi + pi * wr;
      pr = t;
    }
    out[n] = v;
    const t = wr * p.zRe - wi * p.zIm;
    wi = wr * p.zIm + wi * p.zRe;
    wr = t;
  }
}

/** dL/d(Re z, Im z, Re c_k, Im c_k): the real gradient, = 2 dL/d(conj .) (Wirtinger). */
export interface SurrogateHarmonicGradient {
  zRe: number;
  zIm: number;
  cRe: Float64Array;
  cIm: Float64Array;
}

/**
 * The gradient from g = dL/ds. With h_n(z, c) = sum_k c_k z^{k n} holomorphic and s_n = Re h_n,
 * 2 dL/d(conj z) = sum_n g_n conj(dh_n/dz) = sum_n g_n conj(sum_k c_k k n z^{k n - 1}), and
 * 2 dL/d(conj c_k) = sum_n g_n conj(z^{k n}). (z^{k n - 1} = z^{k n} / z; z must not be 0.)
 */
export function surrogateHarmonicVjp(
  p: SurrogateHarmonicParams,
  g: ArrayLike<number>,
  gOffset: number,
  T: number,
  out: SurrogateHarmonicGradient,
): void {
  const K = p.cRe.length;
  out.cRe.fill(0, 0, K);
  out.cIm.fill(0, 0, K);
  let ar = 0; // sum_n g_n n sum_k k c_k z^{k n}
  let ai = 0;
  let wr = 1;
  let wi = 0;
  for (let n = 0; n < T; n++) {
    const gn = g[gOffset + n]!;
    let pr = wr;
    let pi = wi;
    let hr = 0;
    let hi = 0;
    for (let k = 0; k < K; k++) {
      out.cRe[k]! += gn * pr;
      out.cIm[k]! -= gn * pi;
      const cr = p.cRe[k]!;
      const ci = p.cIm[k]!;
      hr += (k + 1) * (cr * pr - ci * pi);
      hi += (k + 1) * (cr * pi + ci * pr);
      const t = pr * wr - pi * wi;
      pi = pr * wi + pi * wr;
      pr = t;
    }
    ar += gn * n * hr;
    ai += gn * n * hi;
    const t = wr * p.zRe - wi * p.zIm;
    wi = wr * p.zIm + wi * p.zRe;
    wr = t;
  }
  // conj(a / z) = conj(a) / conj(z) = conj(a) z / |z|^2.
  const d = p.zRe * p.zRe + p.zIm * p.zIm;
  out.zRe = (ar * p.zRe + ai * p.zIm) / d;
  out.zIm = (ar * p.zIm - ai * p.zRe) / d;
}
