import { cachedPlan, LruCache } from '../cache.js';
import { BluesteinFft } from './bluestein.js';
import { isPrime, smoothAtLeast } from './number-theory.js';
import { RaderFft } from './rader.js';
import { directMultiplyAdds } from './real-direct.js';
import { passCost, radices, StockhamFft } from './stockham.js';
import type { SplitTransform } from './types.js';

export type { SplitTransform } from './types.js';

/** How a length is transformed. */
export type Algorithm = 'identity' | 'radix' | 'rader' | 'bluestein';

/** The choice per length, memoised for the 4096 lengths used last (a few dozen bytes each). */
const choices = new LruCache<number, { algorithm: Algorithm; cost: number; m?: number }>(4096);

/** 5-smooth lengths in [lo, 2 lo], ascending. */
function smoothCandidates(lo: number): number[] {
  const out: number[] = [];
  for (let m = smoothAtLeast(lo); m <= 2 * lo; m = smoothAtLeast(m + 1)) out.push(m);
  return out;
}

/** The Bluestein convolution length for n: the cheapest 5-smooth m >= 2n - 1. */
export function bluesteinLength(n: number): number {
  return choose(n).m ?? cheapestSmooth(2 * n - 1).m;
}

function cheapestSmooth(lo: number): { m: number; cost: number } {
  let best = { m: 0, cost: Number.POSITIVE_INFINITY };
  for (const m of smoothCandidates(lo)) {
    const cost = choose(m).cost;
    if (cost < best.cost) best = { m, cost };
  }
  return best;
}

/** The cheapest way to transform length n, by a simple operation-count model. */
function choose(n: number): { algorithm: Algorithm; cost: number; m?: number } {
  const known = choices.get(n);
  if (known) return known;
  let best: { algorithm: Algorithm; cost: number; m?: number };
  if (n === 1) best = { algorithm: 'identity', cost: 0 };
  else {
    const factors = radices(n);
    const direct = n * factors.reduce((s, r) => s + passCost(r), 0);
    best = { algorithm: 'radix', cost: direct };
    if (factors.some((r) => r > 5 && r !== 8)) {
      const { m, cost } = cheapestSmooth(2 * n - 1);
      const bluestein = 2 * cost + 1.5 * m;
      if (bluestein < best.cost) best = { algorithm: 'bluestein', cost: bluestein, m };
      if (isPrime(n)) {
        const rader = 2 * choose(n - 1).cost + 3 * n;
        if (rader < best.cost) best = { algorithm: 'rader', cost: rader };
      }
    }
  }
  choices.set(n, best, 1);
  return best;
}

/** The model's cost of one complex transform of length n (units: one radix-4 pass per element). */
export function costOf(n: number): number {
  return choose(n).cost;
}

/**
 * Whether the STFT kernel should transform real frames of the odd length n with the direct real
 * DFT (about 2 h^2 multiply-adds per frame, h = (n - 1) / 2) instead of the FFT route (one complex FFT per pair of frames plus the pair split, about half a
 * transform per frame). Measured on Node 20 (STFT forward and backward per frame at odd n from 5
 * to 127): a multiply-add of the direct product costs about DIRECT_COST units, and the per-sample
 * work outside the transform (windowing, packing, magnitudes) is about the same on both routes.
 * So n = 67 goes direct (2178 multiply-adds, 436 units, against a Bluestein transform of 1368
 * units per pair) and n = 127 does not (7938 multiply-adds against a Rader transform of 1641 units).
 */
export function useDirectRealDft(n: number): boolean {
  if (n % 2 !== 1 || n < 3) return false;
  return DIRECT_COST * directMultiplyAdds(n) < costOf(n) / 2;
}

const DIRECT_COST = 0.2;

/** Which algorithm {@link splitFft} uses for length n. */
export function algorithmOf(n: number): Algorithm {
  return choose(n).algorithm;
}

/**
 * The split transform for length n >= 1 (cached within the plan cache's budget, see
 * PLAN_CACHE_BYTES): mixed-radix Stockham when n has only small factors, else the cheaper of Rader
 * (prime n) and Bluestein.
 */
export function splitFft(n: number): SplitTransform {
  return cachedPlan(`split ${n}`, () => {
    const algorithm = algorithmOf(n);
    if (algorithm === 'rader') return new RaderFft(n, splitFft);
    if (algorithm === 'bluestein') return new BluesteinFft(n, bluesteinLength(n), splitFft);
    return new StockhamFft(n);
  });
}
