/**
 * A complex discrete Fourier transform of one fixed length `n`, planned once (twiddles, chirps and
 * scratch memory are precomputed) and reused for every transform of that length.
 *
 * Complex arrays are interleaved: element k is `(a[2k], a[2k + 1])` = (re, im), length `2 n`.
 */
export interface FftPlan {
  /** The transform length (any integer >= 1). */
  readonly n: number;
  /**
   * How the plan computes: `'identity'` (n = 1), `'radix'` (mixed radix), `'rader'` (prime n via
   * a cyclic convolution of length n - 1) or `'bluestein'` (chirp-z).
   */
  readonly algorithm: 'identity' | 'radix' | 'rader' | 'bluestein';
  /**
   * Forward DFT X[k] = sum_j x[j] exp(-2 pi i j k / n), unnormalised.
   * `input` and `output` are interleaved complex arrays of length `2 n` and must be different
   * arrays; `input` is not modified.
   */
  transform(input: Float64Array, output: Float64Array): void;
  /**
   * Inverse DFT x[j] = (1 / n) sum_k X[k] exp(+2 pi i j k / n) (normalised, like numpy.fft.ifft).
   * Same conventions as {@link FftPlan.transform}.
   */
  inverseTransform(input: Float64Array, output: Float64Array): void;
}

/**
 * A complex forward FFT of one fixed length on split (re, im) arrays, in place: the form every
 * algorithm of this folder implements (and uses of another, as a black box).
 */
export interface SplitTransform {
  readonly n: number;
  /** X[k] = sum_j x[j] exp(-2 pi i j k / n), written over (re, im) (both of length n). */
  forward(re: Float64Array, im: Float64Array): void;
}
