/**
 * The hot loop of the loss: compression, elementwise distance (l1 or l2sq) and the gradient
 * w.r.t. the magnitudes in one pass over a scale's spectrogram, without intermediate arrays.
 * Computes the same numbers as `compress` followed by `distance` (see those files for formulas).
 */
import type { FloatArray } from '@losses/tensor';
import type { ResolvedCompression } from './compression.js';

/**
 * sum_i |p(mag[i]) - tgt[i]| (l1) or sum_i (p(mag[i]) - tgt[i])^2 (l2sq), unreduced. With `dMag`,
 * adds g * d/dmag[i] of that sum to dMag[dOff + i].
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
): number {
  let s = 0;
  const g2 = 2 * g;
  switch (c.kind) {
    case 'linear': {
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
      for (let i = 0; i < m; i++) {
        const d = mag[mOff + i]! - tgt[tOff + i]!;
        if (squared) {
          s += d * d;
          dMag[dOff + i]! += g2 * d;
        } else if (d > 0) {
          s += d;
          dMag[dOff + i]! += g;
        } else if (d < 0) {
          s -= d;
          dMag[dOff + i]! -= g;
        }
      }
      return s;
    }
    case 'log':
    case 'db': {
      const eps = c.eps;
      const k = c.kind === 'db' ? 20 / Math.LN10 : 1;
      if (!dMag) {
        for (let i = 0; i < m; i++) {
          const d = k * Math.log(mag[mOff + i]! + eps) - tgt[tOff + i]!;
          s += squared ? d * d : Math.abs(d);
        }
        return s;
      }
      for (let i = 0; i < m; i++) {
        const v = mag[mOff + i]! + eps;
        const d = k * Math.log(v) - tgt[tOff + i]!;
        if (squared) {
          s += d * d;
          dMag[dOff + i]! += (g2 * d * k) / v;
        } else if (d > 0) {
          s += d;
          dMag[dOff + i]! += (g * k) / v;
        } else if (d < 0) {
          s -= d;
          dMag[dOff + i]! -= (g * k) / v;
        }
      }
      return s;
    }
    case 'log1p': {
      const gamma = c.gamma;
      if (!dMag) {
        for (let i = 0; i < m; i++) {
          const d = Math.log(1 + gamma * mag[mOff + i]!) - tgt[tOff + i]!;
          s += squared ? d * d : Math.abs(d);
        }
        return s;
      }
      for (let i = 0; i < m; i++) {
        const gx = gamma * mag[mOff + i]!;
        const d = Math.log(1 + gx) - tgt[tOff + i]!;
        const dp = gamma / (1 + gx);
        if (squared) {
          s += d * d;
          dMag[dOff + i]! += g2 * d * dp;
        } else if (d > 0) {
          s += d;
          dMag[dOff + i]! += g * dp;
        } else if (d < 0) {
          s -= d;
          dMag[dOff + i]! -= g * dp;
        }
      }
      return s;
    }
    case 'safeLog': {
      const logEps = Math.log(c.eps);
      for (let i = 0; i < m; i++) {
        const x = mag[mOff + i]!;
        const pos = x > 0;
        const d = (pos ? Math.log(x) : logEps) - tgt[tOff + i]!;
        if (squared) {
          s += d * d;
          if (dMag && pos) dMag[dOff + i]! += (g2 * d) / x;
        } else if (d > 0) {
          s += d;
          if (dMag && pos) dMag[dOff + i]! += g / x;
        } else if (d < 0) {
          s -= d;
          if (dMag && pos) dMag[dOff + i]! -= g / x;
        }
      }
      return s;
    }
  }
}
