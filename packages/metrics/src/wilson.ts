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

/** {@link wilsonInterval} without the checks (kernel: n >= 1, 0 <= k <= n). */
export function wilson(k: number, n: number, z = Z95): [number, number] {
  const p = k / n;
  const z2 = z * z;
  const denom = 1 + z2 / n;
  const centre = (p + z2 / (2 * n)) / denom;
  const half = (z / denom) * Math.sqrt((p * (1 - p)) / n + z2 / (4 * n * n));
  return [Math.max(0, centre - half), Math.min(1, centre + half)];
}
