/**
 * The value of a problem from its end cells, and their soft-min weights for the backward pass:
 *
 *   V = min^gamma over the end cells e of D(e) + offset(e),   eps(e) = exp(-(D(e) + offset(e) - V) / gamma)
 *
 * (grid.ts: (N, M) is always an end; an open end adds the last row or column). With (N, M) alone
 * the value is D(N, M) itself and eps(N, M) = 1. No end reachable: V = +inf and every eps = 0, so
 * the gradient is 0 (as for an infeasible CTC target).
 */
import type { Grid } from './grid.js';

const INF = Number.POSITIVE_INFINITY;

/**
 * Reduces the end cells: `lastRow[j]` = D(N, j) (j = 1..M), `colEnd[i]` = D(i, M) (i = 1..N-1,
 * read only with an open end along x). Writes eps into `wRow` (index j) and `wCol` (index i) when
 * given. Returns V.
 */
export function reduceEnds(
  N: number,
  M: number,
  gamma: number,
  grid: Grid,
  lastRow: Float64Array,
  colEnd: Float64Array,
  wRow: Float64Array | null,
  wCol: Float64Array | null,
): number {
  const endRow = grid.endRow;
  const endCol = grid.endCol;
  const rowAt = (j: number): number =>
    endRow === null ? (j === M ? lastRow[M]! : INF) : lastRow[j]! + endRow[j]!;
  const colAt = (i: number): number => (endCol === null ? INF : colEnd[i]! + endCol[i]!);
  let P = INF;
  for (let j = 1; j <= M; j++) P = Math.min(P, rowAt(j));
  for (let i = 1; i < N; i++) P = Math.min(P, colAt(i));
  if (P === INF) {
    wRow?.fill(0, 0, M + 1);
    wCol?.fill(0, 0, N + 1);
    return INF;
  }
  let S = 0;
  for (let j = 1; j <= M; j++) S += Math.exp((P - rowAt(j)) / gamma);
  for (let i = 1; i < N; i++) S += Math.exp((P - colAt(i)) / gamma);
  const V = endRow === null && endCol === null ? P : P - gamma * Math.log(S);
  if (wRow !== null) {
    wRow[0] = 0;
    for (let j = 1; j <= M; j++) wRow[j] = Math.exp((P - rowAt(j)) / gamma) / S;
  }
  if (wCol !== null) {
    wCol.fill(0, 0, N + 1);
    for (let i = 1; i < N; i++) wCol[i] = Math.exp((P - colAt(i)) / gamma) / S;
  }
  return V;
}
