import { checkNumber } from '@losses/tensor';
import { BluesteinPlan } from './bluestein.js';
import { Radix2Plan } from './radix2.js';
import type { FftPlan } from './types.js';

/** The plan for n = 1: the DFT of one sample is the sample. */
class IdentityPlan implements FftPlan {
  readonly n = 1;
  readonly algorithm = 'identity' as const;
  transform(input: Float64Array, output: Float64Array): void {
    output[0] = input[0]!;
    output[1] = input[1]!;
  }
  inverseTransform(input: Float64Array, output: Float64Array): void {
    this.transform(input, output);
  }
}

const cache = new Map<number, FftPlan>();

/** True for 1, 2, 4, 8, ... */
export function isPowerOfTwo(n: number): boolean {
  return n >= 1 && (n & (n - 1)) === 0;
}

/** {@link getFftPlan} without validation. */
export function fftPlan(n: number): FftPlan {
  let plan = cache.get(n);
  if (plan === undefined) {
    if (n === 1) plan = new IdentityPlan();
    else if (isPowerOfTwo(n)) plan = new Radix2Plan(n);
    else plan = new BluesteinPlan(n, fftPlan);
    cache.set(n, plan);
  }
  return plan;
}

/**
 * The FFT plan for length `n`, created on first use and cached per `n` (plans hold scratch memory:
 * use them from one thread, one transform at a time). Powers of two use a radix-4/2 transform;
 * every other length uses Bluestein's chirp-z algorithm over a power-of-two convolution.
 *
 * @param n Transform length, an integer >= 1.
 * @throws LossInputError `INVALID_OPTION` if `n` is not an integer >= 1.
 */
export function getFftPlan(n: number): FftPlan {
  checkNumber(n, 'n', { integer: true, min: 1 });
  return fftPlan(n);
}
