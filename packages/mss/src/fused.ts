/**
 * The hot loop of the loss: compression, elementwise distance (l1 or l2sq) and the gradient
 * w.r.t. the magnitudes of one scale's spectrogram. Computes the same numbers as `compress`
 * followed by `distance` (see those files for the formulas), with two tight passes: the logarithms
 * into a scratch array (a loop with only the Math.log call runs about twice as fast in V8 as one
 * that also does the distance and the gradient), then distance and gradient together. The sign of
 * the l1 gradient is +(d > 0) - +(d < 0): branch-free, about 5x faster than Math.sign in V8 here.
 */
import type { FloatArray } from '@losses/tensor';
import type { ResolvedCompression } from './compression.js';

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
  if (c.kind === 'linear') return linearSum(squared, mag, mOff, tgt, tOff, m, dMag, dOff, g);
  // Pass 1: y = p(mag).
  switch (c.kind) {
    case 'log': {
      const eps = c.eps;
      for (let i = 0; i < m; i++) y[i] = Math.log(mag[mOff + i]! + eps);
      break;
    }
    case 'db': {
      const eps = c.eps;
      for (let i = 0; i < m; i++) y[i] = Math.log(mag[mOff + i]! + eps);
      const k = 20 / Math.LN10;
      for (let i = 0; i < m; i++) y[i] = k * y[i]!;
      break;
    }
    case 'log1p': {
      const gamma = c.gamma;
      for (let i = 0; i < m; i++) y[i] = Math.log1p(gamma * mag[mOff + i]!);
      break;
    }
    case 'safeLog': {
      const logEps = Math.log(c.eps);
      for (let i = 0; i < m; i++) {
        const x = mag[mOff + i]!;
        y[i] = x > 0 ? Math.log(x) : logEps;
      }
      break;
    }
  }
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
  // dL/dmag = dd/dy * p'(mag): l1 sign(y - t), l2sq 2 (y - t); p' = a / (b + c mag) or 0.
  let a: number;
  let b: number;
  let cm: number;
  switch (c.kind) {
    case 'log':
      a = 1;
      b = c.eps;
      cm = 1;
      break;
    case 'db':
      a = 20 / Math.LN10;
      b = c.eps;
      cm = 1;
      break;
    case 'log1p':
      a = c.gamma;
      b = 1;
      cm = c.gamma;
      break;
    case 'safeLog':
      a = 1;
      b = 0;
      cm = 1;
      break;
  }
  const ga = (squared ? 2 * g : g) * a;
  const safe = c.kind === 'safeLog';
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
