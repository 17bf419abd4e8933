import { checkKeys, checkNumber, type Tensor, tensor } from '@losses/tensor';
import { linearBlock } from './band.js';
import { checkElements } from './limits.js';
import { checkNu } from './options.js';

/** Options of {@link diagonalPrior}. */
export interface DiagonalPriorOptions {
  /** Width parameter nu (squared frames) of P = 1 - exp(-d^2 / (2 nu)). Default 1000. */
  nu?: number;
}

/**
 * Adds `weight * P(n, m)` of the diagonal prior to one cost row, computing P on the fly from a
 * table over the integer distance d (no exp per cell, no N x M matrix).
 */
export class PriorRow {
  private readonly table: Float64Array;
  private readonly blockLo: Int32Array;
  private readonly blockHi: Int32Array;

  constructor(
    N: number,
    M: number,
    nu: number,
    private readonly weight: number,
  ) {
    this.table = new Float64Array(N + 1);
    // Zeitler, Deniffel, Krause, Mueller (ISMIR 2023): P(n, m) = 1 - exp(-d^2 / (2 nu)).
    for (let d = 0; d <= N; d++) this.table[d] = -Math.expm1(-(d * d) / (2 * nu));
    this.blockLo = new Int32Array(M);
    this.blockHi = new Int32Array(M);
    for (let m = 0; m < M; m++) {
      const [a, b] = linearBlock(m, M, N);
      this.blockLo[m] = a;
      this.blockHi[m] = b;
    }
  }

  /** P(n, m) (without the weight). */
  value(n: number, m: number): number {
    const d = Math.max(0, this.blockLo[m]! - n, n - this.blockHi[m]!);
    return this.table[d]!;
  }

  /** out[m] += weight * P(n, m) for m in lo..hi. */
  addTo(n: number, out: Float64Array, lo: number, hi: number): void {
    const { table, blockLo, blockHi, weight } = this;
    for (let m = lo; m <= hi; m++) {
      const a = blockLo[m]!;
      const b = blockHi[m]!;
      const d = n < a ? a - n : n > b ? n - b : 0;
      out[m] = out[m]! + weight * table[d]!;
    }
  }
}

/**
 * The diagonal prior of Zeitler, Deniffel, Krause and Mueller (ISMIR 2023), `[N, M]` float64:
 * P(n, m) = 1 - exp(-d^2 / (2 nu)), where d is the distance in frames from frame n (of N) to the
 * block of frames that a linear alignment assigns to target m (of M), 0 inside the block. The block
 * of target m is the frames n whose time interval [n/N, (n+1)/N) overlaps [m/M, (m+1)/M), i.e.
 * n in [floor(m N / M), ceil((m+1) N / M) - 1].
 *
 * Added to a cost matrix as `prior: { weight, nu }`, it penalises alignments far from the
 * diagonal and so stabilises training with weak targets.
 *
 * @param N Frames of the first sequence (rows), a positive integer.
 * @param M Frames of the second sequence (columns), a positive integer; N x M at most
 *   {@link MAX_ELEMENTS} (2^28).
 * @param options `nu` (default 1000, > 0).
 * @throws LossInputError `INVALID_OPTION` for a bad N, M or nu, or N x M over the limit (checked
 *   before anything is allocated).
 */
export function diagonalPrior(N: number, M: number, options?: DiagonalPriorOptions): Tensor {
  checkNumber(N, 'N', { min: 1, integer: true });
  checkNumber(M, 'M', { min: 1, integer: true });
  checkElements(N, M, 'the entries N x M of the prior', 'N, M', 'INVALID_OPTION');
  checkKeys(options, 'options', ['nu']);
  const nu = options?.nu === undefined ? 1000 : checkNu(options.nu, 'options.nu');
  const row = new PriorRow(N, M, nu, 1);
  const out = new Float64Array(N * M);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) out[n * M + m] = row.value(n, m);
  }
  return tensor(out, [N, M]);
}
