/**
 * The hot loop of the JavaScript engine: compression, elementwise distance (l1 or l2sq) and the
 * gradient w.r.t. the magnitudes of one scale's spectrogram. Computes the same numbers as
 * `compress` followed by `distance` (see those files for the formulas; the compression's form
 * a log(b + c x) comes from compression.ts), with two tight passes: the logarithms into a scratch
 * array (a loop with only the Math.log call runs about twice as fast in V8 as one
 * that also does the distance and the gradient), then distance and gradient together. The sign of
 * the l1 gradient is +(d > 0) - +(d < 0): branch-free, about 5x faster than Math.sign in V8 here.
 */
import type { FloatArray } from '@losses/tensor';
import { logForm, logValues, type ResolvedCompression } from './compression.js';

/**
 * sum_i |p(mag[i]) - tgt[i]| (l1) or sum_i (p(mag[i]) - tgt[i])^2 (l2sq) over i < m, unreduced.
 * With `dMag`, adds g * d/dmag[i] of that sum to dMag[dOff + i]. `y` is scratch of length >= m.
 */
export function fusedSum(
  c: ResolvedCompression,
  squared: boolean,
  mag: FloatArray,
  mOff: number,
  tgt: Float64Array,
  tOff: number,
  m: number,
  dMag: Float64Array | undefined,
  dOff: number,
  g: number,
  y: Float64Array,
): number {
  const f = logForm(c);
  if (f === null) return linearSum(squared, mag, mOff, tgt, tOff, m, dMag, dOff, g);
  // Pass 1: y = p(mag).
  logValues(f, mag, mOff, m, y);
  // Pass 2: the distance, and the gradient through p'(mag).
  let s = 0;
  if (!dMag) {
    if (squared) {
      for (let i = 0; i < m; i++) {
        const d = y[i]! - tgt[tOff + i]!;
        s += d * d;
      }
    } else {
      for (let i = 0; i < m; i++) s += Math.abs(y[i]! - tgt[tOff + i]!);
    }
    return s;
  }
  // dL/dmag = dd/dy * p'(mag): l1 sign(y - t), l2sq 2 (y - t); p' = a c / (b + c mag) or 0.
  const { b, c: cm } = f;
  const ga = (squared ? 2 * g : g) * (f.a * f.c);
  const safe = f.kind === 'safeLog';
  for (let i = 0; i < m; i++) {
    const d = y[i]! - tgt[tOff + i]!;
    const x = mag[mOff + i]!;
    if (squared) s += d * d;
    else s += Math.abs(d);
    if (safe && !(x > 0)) continue;
    dMag[dOff + i]! += (ga * (squared ? d : +(d > 0) - +(d < 0))) / (b + cm * x);
  }
  return s;
}

function linearSum(
  squared: boolean,
  mag: FloatArray,
  mOff: number,
  tgt: Float64Array,
  tOff: number,
  m: number,
  dMag: Float64Array | undefined,
  dOff: number,
  g: number,
): number {
  let s = 0;
  if (!dMag) {
    if (squared) {
      for (let i = 0; i < m; i++) {
        const d = mag[mOff + i]! - tgt[tOff + i]!;
        s += d * d;
      }
    } else {
      for (let i = 0; i < m; i++) s += Math.abs(mag[mOff + i]! - tgt[tOff + i]!);
    }
    return s;
  }
  if (squared) {
    const g2 = 2 * g;
    for (let i = 0; i < m; i++) {
      const d = mag[mOff + i]! - tgt[tOff + i]!;
      s += d * d;
      dMag[dOff + i]! += g2 * d;
    }
  } else {
    for (let i = 0; i < m; i++) {
      const d = mag[mOff + i]! - tgt[tOff + i]!;
      s += Math.abs(d);
      dMag[dOff + i]! += g * (+(d > 0) - +(d < 0));
    }
  }
  return s;
}
