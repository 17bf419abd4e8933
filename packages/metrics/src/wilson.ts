import { checkNumber, LossInputError } from '@losses/tensor';

/** The two-sided 95 % standard normal quantile, Phi^-1(0.975). */
export const Z95 = 1.959963984540054;

/**
 * Wilson score interval for a binomial proportion (Wilson, "Probable inference, the law of
 * succession, and statistical inference", JASA 22, 1927):
 *
 *   centre = (p + z^2 / (2n)) / (1 + z^2 / n)
 *   half   = z / (1 + z^2 / n) * sqrt(p (1 - p) / n + z^2 / (4 n^2))
 *
 * with p = k / n and z = 1.96 (95 %).
 *
 * @param k - successes, an integer in [0, n].
 * @param n - trials, an integer >= 1.
 * @returns `[lo, hi]`, clamped to [0, 1].
 * @throws LossInputError `INVALID_OPTION` when k or n is not such an integer.
 */
export function wilsonInterval(k: number, n: number): [number, number] {
  checkNumber(n, 'n', { integer: true, min: 1 });
  checkNumber(k, 'k', { integer: true, min: 0 });
  if (k > n) {
    throw new LossInputError('INVALID_OPTION', `k: expected at most n = ${n}, got ${k}`, 'k');
  }
  return wilson(k, n);
}

/**
 * {@link wilsonInterval} without the checks (kernel: n >= 1, 0 <= k <= n).
 *
 * The bounds are the roots of (1 + z^2/n) p^2 - (2 p^ + z^2/n) p + p^2 = 0, whose product is
 * p^2 / (1 + z^2/n). Written as centre -/+ half, the lower bound cancels (2.8e-17 instead of 0 at
 * k = 0, and hi = 1 - 1e-16 at k = n: an interval that misses the observed share). So each bound
 * is taken from the other, cancellation-free root through that product (of the problem for q^ = 1 - p^
 * for the upper bound):
 *
 *   lo = p^2 / (p^ + z^2/(2n) + a h),   1 - hi = q^2 / (q^ + z^2/(2n) + a h),
 *
 * with a = 1 + z^2/n and a h = z sqrt(p^ q^ / n + z^2 / (4 n^2)): exactly 0 at k = 0 and 1 at k = n,
 * every term positive.
 */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  const p = k / n;
  const q = (n - k) / n;
  const z2 = z * z;
  const shift = z2 / (2 * n);
  const ah = z * Math.sqrt((p * q) / n + z2 / (4 * n * n));
  const lo = (p * p) / (p + shift + ah);
  const hi = 1 - (q * q) / (q + shift + ah);
  return [Math.max(0, Math.min(lo, p)), Math.min(1, Math.max(hi, p))];
}
