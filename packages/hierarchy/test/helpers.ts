import { type Tensor, tensor } from '@losses/tensor';
import { defineHierarchy } from '../src/index.js';

/** A small DAG test hierarchy: d has two parents (b, c), f has two roots above it (c, g). */
export const dag = defineHierarchy([
  ['a', 'b'],
  ['a', 'c'],
  ['b', 'd'],
  ['c', 'd'],
  ['b', 'e'],
  ['c', 'f'],
  ['g', 'f'],
]);

/** The repository's seeded PRNG (mulberry32) for reproducible test data. */
export { mulberry32 as rng } from '@losses/tensor/internal';

/** Standard normal values from a PRNG (Box-Muller). */
export function randn(r: () => number, n: number, scale = 1): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) {
    out[i] = scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
  }
  return out;
}

/** Labels in {0, 1, NaN} with the given share of unknowns. */
export function randomLabels(r: () => number, n: number, unknown = 0.25): Float64Array {
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = r() < unknown ? Number.NaN : r() < 0.4 ? 1 : 0;
  return out;
}

/** Central finite differences of a scalar function of a flat float64 vector. */
export function finiteDiff(
  f: (x: Float64Array) => number,
  x: Float64Array,
  h = 1e-6,
): Float64Array {
  const g = new Float64Array(x.length);
  const xp = Float64Array.from(x);
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    xp[i] = v + h;
    const fp = f(xp);
    xp[i] = v - h;
    const fm = f(xp);
    xp[i] = v;
    g[i] = (fp - fm) / (2 * h);
  }
  return g;
}

/** Largest absolute difference between two arrays (NaN = NaN counts as equal). */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  if (a.length !== b.length) return Number.POSITIVE_INFINITY;
  let m = 0;
  for (let i = 0; i < a.length; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (Number.isNaN(x) && Number.isNaN(y)) continue;
    const d = Math.abs(x - y);
    if (!(d <= m)) m = d;
  }
  return m;
}

/** A [rows, cols] float64 tensor. */
export function mat(data: ArrayLike<number>, rows: number, cols: number): Tensor {
  return tensor(Float64Array.from(data), [rows, cols]);
}

/** Flat number array from JSON with null = NaN. */
export function fromJson(values: readonly (number | null)[]): Float64Array {
  return Float64Array.from(values, (v) => (v === null ? Number.NaN : v));
}
