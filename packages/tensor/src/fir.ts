/**
 * FIR filtering as torch's `conv1d` does it (a cross-correlation with zero padding on both sides),
 * its adjoint, and the A-weighting filter of auraloss's `FIRFilter('aw')`, shared by the losses
 * that pre-filter signals (@losses/waveform's `preEmphasis`, @losses/mss's `perceptualWeighting`).
 */
import { aWeightingTaps } from './a-weighting.js';

/**
 * A planned FIR filter: y[m] = sum_k w[k] x[m + k - pad], m = 0..L-1, x = 0 outside 0..T-1,
 * L = T + 2 pad - K + 1 (torch's `conv1d(x, w, padding=pad)`; K = w.length).
 */
export interface FirFilter {
  /** The taps w, K of them. */
  readonly weights: Float64Array;
  /** Zero padding on each side. */
  readonly pad: number;
}

/** The filtered length L = T + 2 pad - K + 1 of a signal of T samples (may be < 1). */
export function firOutputLength(f: FirFilter, T: number): number {
  return T + 2 * f.pad - f.weights.length + 1;
}

/**
 * y = F x: `x` holds T samples, `y` receives L = {@link firOutputLength}(f, T) samples.
 * Accumulates in float64.
 */
export function applyFir(f: FirFilter, x: ArrayLike<number>, T: number, y: Float64Array): void {
  const w = f.weights;
  const K = w.length;
  const L = firOutputLength(f, T);
  for (let m = 0; m < L; m++) {
    const start = m - f.pad;
    const k0 = Math.max(0, -start);
    const k1 = Math.min(K, T - start);
    let s = 0;
    for (let k = k0; k < k1; k++) s += w[k]! * x[start + k]!;
    y[m] = s;
  }
}

/**
 * g = F^T h, the adjoint of {@link applyFir}: `h` holds L samples, `g` receives T
 * (g[n] = sum_k w[k] h[n + pad - k] over 0 <= n + pad - k < L).
 */
export function applyFirAdjoint(
  f: FirFilter,
  h: ArrayLike<number>,
  T: number,
  g: Float64Array,
): void {
  const w = f.weights;
  const K = w.length;
  const L = firOutputLength(f, T);
  for (let n = 0; n < T; n++) {
    const base = n + f.pad;
    const k0 = Math.max(0, base - L + 1);
    const k1 = Math.min(K, base + 1);
    let s = 0;
    for (let k = k0; k < k1; k++) s += w[k]! * h[base - k]!;
    g[n] = s;
  }
}

/** Bound on the cache of A-weighting designs (one per sample rate and length). */
const DESIGN_CACHE_SIZE = 8;
const designs = new Map<string, Float64Array>();

/**
 * The A-weighting FIR filter of auraloss's `FIRFilter(filter_type='aw', fs=sampleRate,
 * ntaps=taps)`: the least-squares design of {@link aWeightingTaps}, its taps rounded to float32 as
 * auraloss stores them (`taps.astype('float32')`), padding floor(taps / 2) on each side (so the
 * output has the input's length). Designs are cached (at most 8, oldest dropped first); the
 * returned taps are the cache's own array: do not modify them.
 *
 * @param sampleRate Hz (validated by the caller: 1000 to 1e6).
 * @param taps Odd, 1 to 1023 (validated by the caller). auraloss's default is 101.
 */
export function aWeightingFilter(sampleRate: number, taps: number): FirFilter {
  const key = `${sampleRate}/${taps}`;
  let w = designs.get(key);
  if (w === undefined) {
    w = aWeightingTaps(sampleRate, taps).map(Math.fround);
    if (designs.size >= DESIGN_CACHE_SIZE) designs.delete(designs.keys().next().value!);
    designs.set(key, w);
  }
  return { weights: w, pad: (taps - 1) / 2 };
}
