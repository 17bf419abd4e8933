import { lcgNoise } from '@losses/tensor/internal';
import { createStft, type MagnitudeOptions } from '../src/index.js';
import type { NaiveOptions } from './naive.js';

/** Deterministic pseudo-random numbers in [-1, 1) (test helper; the repository's one LCG). */
export function noise(n: number, seed: number): Float64Array {
  return lcgNoise(n, seed);
}

/** Largest |a - b| over all elements. */
export function maxAbsDiff(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < a.length; i++) m = Math.max(m, Math.abs(a[i]! - b[i]!));
  return m;
}

/** The naive reference's options for what `createStft` resolves from `o` (window, defaults). */
export function naiveOptions(o: MagnitudeOptions): NaiveOptions {
  const { eps: _, ...options } = o;
  const plan = createStft(options);
  return {
    size: plan.size,
    hop: plan.hop,
    window: plan.window,
    center: plan.center,
    padMode: plan.padMode,
    padEnd: plan.padEnd,
  };
}
