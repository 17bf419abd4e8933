import { cachedPlan } from '../cache.js';
import { checkSize, type MAX_FFT_SIZE } from '../limits.js';
import { algorithmOf, type SplitTransform, splitFft } from './split.js';
import type { FftPlan } from './types.js';

/** The public interleaved-array face of a cached split transform. */
class Plan implements FftPlan {
  readonly n: number;
  readonly algorithm: FftPlan['algorithm'];
  private readonly fft: SplitTransform;
  private readonly re: Float64Array;
  private readonly im: Float64Array;

  constructor(n: number) {
    this.n = n;
    this.algorithm = algorithmOf(n);
    this.fft = splitFft(n);
    this.re = new Float64Array(n);
    this.im = new Float64Array(n);
  }

  transform(input: Float64Array, output: Float64Array): void {
    this.run(input, output, 1, 1);
  }

  inverseTransform(input: Float64Array, output: Float64Array): void {
    // x = conj(DFT(conj X)) / n
    this.run(input, output, -1, 1 / this.n);
  }

  private run(input: Float64Array, output: Float64Array, sign: number, scale: number): void {
    const { n, re, im } = this;
    for (let k = 0; k < n; k++) {
      re[k] = input[2 * k]!;
      im[k] = sign * input[2 * k + 1]!;
    }
    this.fft.forward(re, im);
    for (let k = 0; k < n; k++) {
      output[2 * k] = scale * re[k]!;
      output[2 * k + 1] = sign * scale * im[k]!;
    }
  }
}

/** {@link getFftPlan} without validation. */
export function fftPlan(n: number): FftPlan {
  return cachedPlan(`complex ${n}`, () => new Plan(n));
}

/**
 * The FFT plan for length `n`, created on first use and cached per `n` (plans hold scratch memory:
 * use them from one thread, one transform at a time). The cache keeps the plans used last up to
 * 64 MiB in all (`PLAN_CACHE_BYTES`); a larger plan is made anew on each call. Lengths with small
 * prime factors (powers of two included) use a mixed-radix Stockham transform (radices 4, 2, 3, 5,
 * generic); other lengths use the cheaper of Rader's algorithm (primes p with a smooth p - 1, e.g.
 * 127, 257) and Bluestein's chirp-z algorithm over a 5-smooth convolution length (e.g. 67, 509,
 * 1021, 2053).
 *
 * @param n Transform length, an integer from 1 to {@link MAX_FFT_SIZE} (2^22).
 * @throws LossInputError `INVALID_OPTION` if `n` is not such an integer.
 */
export function getFftPlan(n: number): FftPlan {
  checkSize(n, 'n');
  return fftPlan(n);
}
