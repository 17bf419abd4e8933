/**
 * The Sakoe-Chiba band scaled to the diagonal, and the "block" a linear alignment assigns to a
 * frame. Both use the same rule: frame n of an N-frame sequence covers the time interval
 * [n/N, (n+1)/N); frame m of an M-frame sequence covers [m/M, (m+1)/M). A linear alignment pairs
 * (n, m) exactly when these intervals overlap, i.e. m in [floor(n M / N), ceil((n+1) M / N) - 1].
 * For N = M this is the diagonal m = n.
 */

/** First and last column (0-based, inclusive) that a linear alignment gives row `n` of N to M. */
export function linearBlock(n: number, N: number, M: number): [number, number] {
  const lo = Math.floor((n * M) / N);
  const hi = Math.max(lo, Math.ceil(((n + 1) * M) / N) - 1);
  return [lo, hi];
}

/** Column limits of each row, 1-based, for rows 1..N (index 0 unused). */
export interface BandLimits {
  /** First column of row i (1-based). */
  lo: Int32Array;
  /** Last column of row i (1-based). */
  hi: Int32Array;
}

/**
 * Column limits of the Sakoe-Chiba band of half-width `bandwidth` (in frames of the column
 * sequence) around the linear alignment; `null` = no band (every cell allowed).
 *
 * Row n keeps the columns of its linear block widened by `bandwidth` on each side. The band is
 * always connected: it contains (0, 0), (N-1, M-1) and a monotone path between them, even for
 * `bandwidth = 0` and N != M.
 */
export function bandLimits(N: number, M: number, bandwidth: number | null): BandLimits {
  const lo = new Int32Array(N + 1);
  const hi = new Int32Array(N + 1);
  for (let i = 1; i <= N; i++) {
    if (bandwidth === null) {
      lo[i] = 1;
      hi[i] = M;
    } else {
      const [a, b] = linearBlock(i - 1, N, M);
      lo[i] = Math.max(0, a - bandwidth) + 1;
      hi[i] = Math.min(M - 1, b + bandwidth) + 1;
    }
  }
  return { lo, hi };
}
