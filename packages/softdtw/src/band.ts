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

/** A band option after validation: Sakoe-Chiba (half-width in columns) or Itakura (max slope). */
export type BandSpec =
  | null
  | { readonly kind: 'sakoe-chiba'; readonly width: number }
  | { readonly kind: 'itakura'; readonly slope: number };

/** np.round(x, 2): x * 100 rounded half to even, divided by 100 (numpy's and numba's rule). */
function round2(x: number): number {
  const y = x * 100;
  let z = Math.round(y);
  if (Math.abs(y - Math.trunc(y)) === 0.5 && z % 2 !== 0) z -= 1;
  return z / 100;
}

/**
 * The Itakura parallelogram of tslearn (tslearn.metrics.itakura_mask(N, M, max_slope)), as
 * column limits per row, or null when it leaves a row or a column empty (tslearn raises then).
 *
 * tslearn bounds the rows of each column j (0-based) by two lines through (0, 0) and (N-1, M-1)
 * of slopes s N / M and N / (s M), each bound rounded to 2 decimals first:
 *
 *   lower(j) = ceil(max(r(j N / (s M)), r((N-1) - s N/M (M-1) + s N/M j)))
 *   upper(j) = floor(min(r(s N/M j), r((N-1) - N/(s M) (M-1) + N/(s M) j)) + 1)     (exclusive)
 *
 * with r = round to 2 decimals; rows lower(j) .. upper(j) - 1 of column j are inside. Both bounds
 * are non-decreasing in j, so each row's columns are contiguous.
 */
export function itakuraLimits(N: number, M: number, slope: number): BandLimits | null {
  const ratio = N / M;
  const maxSlope = slope * ratio;
  const minSlope = (1 / slope) * ratio;
  const lowerAt = N - 1 - maxSlope * (M - 1);
  const upperAt = N - 1 - minSlope * (M - 1);
  const lo = new Int32Array(N + 1).fill(M + 1);
  const hi = new Int32Array(N + 1).fill(0);
  const colUsed = new Uint8Array(M);
  for (let j = 0; j < M; j++) {
    const lower = Math.ceil(Math.max(round2(minSlope * j), round2(lowerAt + maxSlope * j)));
    const upper = Math.floor(Math.min(round2(maxSlope * j), round2(upperAt + minSlope * j)) + 1);
    for (let i = Math.max(0, lower); i < Math.min(N, upper); i++) {
      colUsed[j] = 1;
      if (j + 1 < lo[i + 1]!) lo[i + 1] = j + 1;
      if (j + 1 > hi[i + 1]!) hi[i + 1] = j + 1;
    }
  }
  for (let i = 1; i <= N; i++) if (hi[i]! < lo[i]!) return null;
  for (let j = 0; j < M; j++) if (colUsed[j] === 0) return null;
  return { lo, hi };
}

/**
 * The column limits of a band option for an N x M problem; null when an Itakura parallelogram
 * admits no path (a row or column left empty).
 */
export function bandOf(N: number, M: number, spec: BandSpec): BandLimits | null {
  if (spec === null) return bandLimits(N, M, null);
  if (spec.kind === 'sakoe-chiba') return bandLimits(N, M, spec.width);
  return itakuraLimits(N, M, spec.slope);
}
