import { BluesteinFft } from './split-bluestein.js';
import { largestPrimeFactor, StockhamFft } from './stockham.js';

/** A complex forward FFT of fixed length on split (re, im) arrays, in place. */
export interface SplitTransform {
  readonly n: number;
  /** X[k] = sum_j x[j] exp(-2 pi i j k / n), written over (re, im). */
  forward(re: Float64Array, im: Float64Array): void;
}

/** Lengths whose prime factors are all at most this run as mixed radix; others via Bluestein. */
export const MAX_DIRECT_FACTOR = 13;

const cache = new Map<number, SplitTransform>();

/** The cached split transform for length n >= 1. */
export function splitFft(n: number): SplitTransform {
  let t = cache.get(n);
  if (t === undefined) {
    t =
      largestPrimeFactor(n) <= MAX_DIRECT_FACTOR
        ? new StockhamFft(n)
        : new BluesteinFft(n, splitFft);
    cache.set(n, t);
  }
  return t;
}

/** Which algorithm {@link splitFft} uses for n. */
export function algorithmOf(n: number): 'identity' | 'radix' | 'bluestein' {
  if (n === 1) return 'identity';
  return largestPrimeFactor(n) <= MAX_DIRECT_FACTOR ? 'radix' : 'bluestein';
}
