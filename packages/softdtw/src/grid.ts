/**
 * Where alignments may begin and end, and which steps may enter which columns: the parts of a
 * problem besides the cost, the band and the step set.
 *
 * Convention (the package README's): cells are 1-based, D(0, 0) = 0 and every other cell of row 0
 * and column 0 is +inf. An open begin sets those virtual cells to a finite value (a path may then
 * start anywhere along that border), an open end lets a path end in more cells than (N, M):
 *
 *   begin 'y':  D(0, j) = j p_begin for j = 0..M       (skip a prefix of the second sequence)
 *   begin 'x':  D(i, 0) = i p_begin for i = 0..N       (skip a prefix of the first)
 *   end 'y':    value = min^gamma over j of D(N, j) + (M - j) p_end
 *   end 'x':    value = min^gamma over i of D(i, M) + (N - i) p_end
 *
 * 'both' is the union (a path skips a prefix of x or of y, not of both). Subsequence DTW (Mueller,
 * Fundamentals of Music Processing, 2021, section 7.2.3) is begin = end = 'y' with zero penalties.
 */
import type { OpenAxis } from './options.js';

/** Everything of one N x M problem besides costs, band and steps (null parts are the classic ones). */
export interface Grid {
  /** D(0, j) for j = 0..M; null: 0 at j = 0, +inf elsewhere. */
  readonly startRow: Float64Array | null;
  /** D(i, 0) for i = 1..N (index i); null: +inf. */
  readonly startCol: Float64Array | null;
  /** Offsets of the end cells (N, j), j = 1..M (index j, +inf: not an end); null: (N, M) alone. */
  readonly endRow: Float64Array | null;
  /** Offsets of the end cells (i, M), i = 1..N-1 (index i, +inf: not an end); null: none. */
  readonly endCol: Float64Array | null;
  /**
   * Per step, the columns it may enter (index j = 1..M, 1 = allowed), or null for every column;
   * null altogether when no step is restricted. CTC uses it (ctc.ts).
   */
  readonly masks: readonly (Uint8Array | null)[] | null;
}

/** The classic problem: from (0, 0) to (N, M), every step everywhere. */
export const CLASSIC_GRID: Grid = {
  startRow: null,
  startCol: null,
  endRow: null,
  endCol: null,
  masks: null,
};

/** Validated open begin and end of a problem. */
export interface Boundary {
  begin: OpenAxis;
  end: OpenAxis;
  /** Cost per frame skipped before the begin (>= 0). */
  beginPenalty: number;
  /** Cost per frame skipped after the end (>= 0). */
  endPenalty: number;
}

/** Closed at both ends: the classic problem. */
export const CLOSED: Boundary = { begin: 'none', end: 'none', beginPenalty: 0, endPenalty: 0 };

/** True when the boundary is the classic one. */
export function isClosed(b: Boundary): boolean {
  return b.begin === 'none' && b.end === 'none';
}

/** The grid of an N x M problem with the given open begin and end (and no step masks). */
export function boundaryGrid(b: Boundary, N: number, M: number): Grid {
  if (isClosed(b)) return CLASSIC_GRID;
  const alongY = (a: OpenAxis) => a === 'y' || a === 'both';
  const alongX = (a: OpenAxis) => a === 'x' || a === 'both';
  let startRow: Float64Array | null = null;
  let startCol: Float64Array | null = null;
  let endRow: Float64Array | null = null;
  let endCol: Float64Array | null = null;
  if (alongY(b.begin)) {
    startRow = new Float64Array(M + 1);
    for (let j = 0; j <= M; j++) startRow[j] = j * b.beginPenalty;
  }
  if (alongX(b.begin)) {
    startCol = new Float64Array(N + 1);
    for (let i = 1; i <= N; i++) startCol[i] = i * b.beginPenalty;
  }
  if (alongY(b.end)) {
    endRow = new Float64Array(M + 1);
    endRow[0] = Number.POSITIVE_INFINITY;
    for (let j = 1; j <= M; j++) endRow[j] = (M - j) * b.endPenalty;
  }
  if (alongX(b.end)) {
    endCol = new Float64Array(N + 1).fill(Number.POSITIVE_INFINITY);
    for (let i = 1; i < N; i++) endCol[i] = (N - i) * b.endPenalty;
  }
  return { startRow, startCol, endRow, endCol, masks: null };
}

/** True when the grid ends in (N, M) alone (the value is D(N, M) itself). */
export function endsAtCorner(g: Grid): boolean {
  return g.endRow === null && g.endCol === null;
}
