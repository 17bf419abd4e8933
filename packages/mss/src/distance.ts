/**
 * Distances d(Y, Y^) between compressed spectrograms of one scale, and their gradients.
 *
 * With D = Y^ - Y over the M elements of one scale's spectrogram:
 * - l1: sum |D|, or mean |D| (reduction 'mean');
 * - l2sq: sum D^2, or mean D^2;
 * - l2: ||D||_F, or ||D||_F / sqrt(M) (the root mean square) for reduction 'mean' (computed
 *   without overflow, see norm.ts).
 */
import { normOf } from './norm.js';

/** The distance kinds. */
export type DistanceKind = 'l1' | 'l2sq' | 'l2';

/** How a scale's elementwise distances are reduced. */
export type Reduction = 'mean' | 'sum';

/**
 * The distance between `est` and `tgt` (each of length n, compressed spectrograms of one scale).
 * When `grad` is given, adds `scale * d d / d est` into it (for l1, sign(0) = 0; for l2, 0 at D = 0).
 */
export function distance(
  kind: DistanceKind,
  reduction: Reduction,
  est: Float64Array,
  tgt: Float64Array,
  n: number,
  grad?: Float64Array,
  scale = 1,
): number {
  const norm = reduction === 'mean' ? 1 / n : 1;
  switch (kind) {
    case 'l1': {
      let s = 0;
      if (grad) {
        const g = scale * norm;
        for (let i = 0; i < n; i++) {
          const d = est[i]! - tgt[i]!;
          if (d > 0) {
            s += d;
            grad[i]! += g;
          } else if (d < 0) {
            s -= d;
            grad[i]! -= g;
          }
        }
      } else {
        for (let i = 0; i < n; i++) s += Math.abs(est[i]! - tgt[i]!);
      }
      return s * norm;
    }
    case 'l2sq': {
      let s = 0;
      if (grad) {
        const g = 2 * scale * norm;
        for (let i = 0; i < n; i++) {
          const d = est[i]! - tgt[i]!;
          s += d * d;
          grad[i]! += g * d;
        }
      } else {
        for (let i = 0; i < n; i++) {
          const d = est[i]! - tgt[i]!;
          s += d * d;
        }
      }
      return s * norm;
    }
    case 'l2': {
      const r = normOf(est, 0, n, tgt, 0);
      const rootNorm = reduction === 'mean' ? 1 / Math.sqrt(n) : 1;
      if (grad && r > 0) {
        const g = (scale * rootNorm) / r;
        for (let i = 0; i < n; i++) grad[i]! += g * (est[i]! - tgt[i]!);
      }
      return r * rootNorm;
    }
  }
}
