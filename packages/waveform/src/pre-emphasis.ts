import { LossInputError } from '@losses/tensor';
import { aWeightingTaps } from './a-weighting.js';
import {
  type PreEmphasisOptions,
  type ResolvedPreEmphasis,
  resolvePreEmphasis,
} from './options.js';

/**
 * A planned pre-emphasis filter: y[m] = sum_k w[k] x[m + k - pad], m = 0..L-1, x = 0 outside
 * 0..T-1 (torch's `conv1d` is a cross-correlation), L = T + 2 pad - K + 1.
 */
export interface PreEmphasisFilter {
  /** The taps w (float32 values, as auraloss stores them), K of them. */
  readonly weights: Float64Array;
  /** Zero padding on each side: floor(taps / 2), as auraloss's `FIRFilter.forward`. */
  readonly pad: number;
}

/** Bound on the cache of A-weighting designs (one per sample rate and length). */
const DESIGN_CACHE_SIZE = 8;
const designs = new Map<string, Float64Array>();

function aWeighting(sampleRate: number, taps: number): Float64Array {
  const key = `${sampleRate}/${taps}`;
  let w = designs.get(key);
  if (w === undefined) {
    w = aWeightingTaps(sampleRate, taps).map(Math.fround);
    if (designs.size >= DESIGN_CACHE_SIZE) designs.delete(designs.keys().next().value!);
    designs.set(key, w);
  }
  return w;
}

/** Plans the filter of a validated pre-emphasis option. */
export function planPreEmphasis(p: ResolvedPreEmphasis): PreEmphasisFilter {
  const c = Math.fround(p.coef);
  const weights =
    p.kind === 'hp'
      ? Float64Array.of(1, -c, 0)
      : p.kind === 'fd'
        ? Float64Array.of(1, 0, -c)
        : aWeighting(p.sampleRate, p.taps);
  return { weights, pad: (p.taps - 1) / 2 };
}

/** The filtered length L of a signal of T samples (may be < 1 for short signals). */
export function filteredLength(f: PreEmphasisFilter, T: number): number {
  return T + 2 * f.pad - f.weights.length + 1;
}

/** y = F x: `x` has T samples, `y` receives L = filteredLength(f, T). Accumulates in float64. */
export function applyFilter(
  f: PreEmphasisFilter,
  x: Float64Array,
  T: number,
  y: Float64Array,
): void {
  const w = f.weights;
  const K = w.length;
  const L = filteredLength(f, T);
  for (let m = 0; m < L; m++) {
    const start = m - f.pad;
    const k0 = Math.max(0, -start);
    const k1 = Math.min(K, T - start);
    let s = 0;
    for (let k = k0; k < k1; k++) s += w[k]! * x[start + k]!;
    y[m] = s;
  }
}

/** g = F^T h, the adjoint of {@link applyFilter}: `h` has L samples, `g` receives T. */
export function applyAdjoint(
  f: PreEmphasisFilter,
  h: Float64Array,
  T: number,
  g: Float64Array,
): void {
  const w = f.weights;
  const K = w.length;
  const L = filteredLength(f, T);
  for (let n = 0; n < T; n++) {
    // m = n - k + pad must lie in 0..L-1.
    const base = n + f.pad;
    const k0 = Math.max(0, base - L + 1);
    const k1 = Math.min(K, base + 1);
    let s = 0;
    for (let k = k0; k < k1; k++) s += w[k]! * h[base - k]!;
    g[n] = s;
  }
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
