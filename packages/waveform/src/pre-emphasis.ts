import { LossInputError } from '@losses/tensor';
import { aWeightingFilter, type FirFilter } from '@losses/tensor/internal';
import {
  type PreEmphasisOptions,
  type ResolvedPreEmphasis,
  resolvePreEmphasis,
} from './options.js';

// The FIR filtering (torch's conv1d and its adjoint) and the A-weighting design are shared with
// @losses/mss through @losses/tensor/internal.
export {
  applyFir as applyFilter,
  applyFirAdjoint as applyAdjoint,
  firOutputLength as filteredLength,
} from '@losses/tensor/internal';

/**
 * A planned pre-emphasis filter: y[m] = sum_k w[k] x[m + k - pad], m = 0..L-1, x = 0 outside
 * 0..T-1 (torch's `conv1d` is a cross-correlation), L = T + 2 pad - K + 1. The taps w are float32
 * values, as auraloss's `FIRFilter` stores them; the padding is floor(taps / 2).
 */
export type PreEmphasisFilter = FirFilter;

/** Plans the filter of a validated pre-emphasis option. */
export function planPreEmphasis(p: ResolvedPreEmphasis): PreEmphasisFilter {
  if (p.kind === 'aw') return aWeightingFilter(p.sampleRate, p.taps);
  const c = Math.fround(p.coef);
  const weights = p.kind === 'hp' ? Float64Array.of(1, -c, 0) : Float64Array.of(1, 0, -c);
  return { weights, pad: (p.taps - 1) / 2 };
}

/**
 * The filter a `preEmphasis` option stands for, as the losses apply it: the taps w (float32
 * values, as auraloss's `FIRFilter` stores them; K = 3 for `'hp'`/`'fd'`, `taps` for `'aw'`) and
 * the zero padding on each side, floor(taps / 2): y[m] = sum_k w[k] x[m + k - padding].
 *
 * @throws LossInputError `INVALID_OPTION` for a bad option.
 * @example
 * ```ts
 * preEmphasisTaps({ kind: 'hp' }); // { weights: [1, -0.85000002384, 0], padding: 50 }
 * ```
 */
export function preEmphasisTaps(options: PreEmphasisOptions): {
  weights: Float64Array;
  padding: number;
} {
  const resolved = resolvePreEmphasis(options, 'options');
  if (resolved === undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      "options: expected a pre-emphasis option { kind: 'hp' | 'fd' | 'aw', ... }, got undefined",
      'options',
    );
  }
  const f = planPreEmphasis(resolved);
  return { weights: f.weights.slice(), padding: f.pad };
}
