/**
 * Sharp soft-DTW S(C) = <E(C), C>, the cost of the expected alignment, and its exact gradient, for
 * any step set, band and grid (Blondel, Mensch, Vert, AISTATS 2021, section 3).
 *
 * With V the soft-DTW value and E = grad V, S is the directional derivative of V in the direction
 * Z = C, and dS = <H dC, C> + <E, dC>, so grad S = E + H C with H the Hessian of V. Both come from
 * forward-mode differentiation of the recursion and of its backward pass (forward-over-reverse;
 * steps, q, G, eps as in general.ts and ends.ts):
 *
 *   forward (tangent of D):  s'_k = D'(pred_k) + w_k Z(i, j),   D'(i, j) = sum_k q_k s'_k,
 *                            D' = 0 on the borders (start values are constants)
 *   value:                   S = V' = sum_e eps_e D'(e)
 *   soft-min weights:        q'_k(i, j) = -q_k(i, j) (s'_k - D'(i, j)) / gamma,
 *                            eps'_e = -eps_e (D'(e) - V') / gamma
 *   backward:                G'(i, j) = eps'(i, j) + sum over successors s of [q'_s G(s) + q_s G'(s)]
 *   result:                  E' = G' (w . q) + G (w . q'),   grad S = E + E'.
 *
 * Plain log-sum-exp in float64 (no (m, s) pairs); memory: D, D', the weights (K + 2 words a cell).
 */
import type { BandLimits } from './band.js';
import type { Grid } from './grid.js';
import type { Steps } from './options.js';
import type { AlignmentRows } from './recursion.js';

const INF = Number.POSITIVE_INFINITY;

/**
 * Computes S = <E, C> for the full cost matrix `C` ([N, M] row-major, float64) and emits the rows
 * of dS/dC from the last to the first (none when `emit` is null). Returns S (0 when no alignment
 * fits: there is no expected alignment then).
 */
export function sharpSoftDtw(
  C: Float64Array,
  N: number,
  M: number,
  band: BandLimits,
  steps: Steps,
  grid: Grid,
  emit: AlignmentRows | null,
): number {
  const { gamma } = steps;
  const K = steps.di.length;
  const invG = 1 / gamma;
  const W = M + 1;
  const D = new Float64Array((N + 1) * W).fill(INF);
  const dt = new Float64Array((N + 1) * W); // D'
  const q = new Float64Array(K * (N + 1) * W);
  const cand = new Float64Array(K);
  const tang = new Float64Array(K);
  for (let j = 0; j <= M; j++)
    D[j] = grid.startRow === null ? (j === 0 ? 0 : INF) : grid.startRow[j]!;
  if (grid.startCol !== null) for (let i = 1; i <= N; i++) D[i * W] = grid.startCol[i]!;
  const masks = grid.masks;
  for (let i = 1; i <= N; i++) {
    for (let j = band.lo[i]!; j <= band.hi[i]!; j++) {
      const c = C[(i - 1) * M + j - 1]!;
      let P = INF;
      for (let k = 0; k < K; k++) {
        const pi = i - steps.di[k]!;
        const pj = j - steps.dj[k]!;
        const mask = masks === null ? null : masks[k]!;
        let v = INF;
        if (pi >= 0 && pj >= 0 && (mask === null || mask[j] === 1)) {
          v = D[pi * W + pj]! + steps.w[k]! * c;
          tang[k] = dt[pi * W + pj]! + steps.w[k]! * c;
        }
        cand[k] = v;
        if (v < P) P = v;
      }
      if (P === INF) continue;
      let S = 0;
      for (let k = 0; k < K; k++) {
        cand[k] = cand[k] === INF ? 0 : Math.exp((P - cand[k]!) * invG);
        S += cand[k]!;
      }
      D[i * W + j] = P - gamma * Math.log(S);
      let d = 0;
      const at = K * (i * W + j);
      for (let k = 0; k < K; k++) {
        const p = cand[k]! / S;
        q[at + k] = p;
        if (p !== 0) d += p * tang[k]!;
      }
      dt[i * W + j] = d;
    }
  }
  // The ends: V, eps and their tangents (ends.ts).
  const ends: number[] = [];
  const endOff: number[] = [];
  for (let j = 1; j <= M; j++) {
    const off = grid.endRow === null ? (j === M ? 0 : INF) : grid.endRow[j]!;
    if (off !== INF && D[N * W + j]! !== INF) {
      ends.push(N * W + j);
      endOff.push(off);
    }
  }
  if (grid.endCol !== null) {
    for (let i = 1; i < N; i++) {
      const off = grid.endCol[i]!;
      if (off !== INF && D[i * W + M]! !== INF) {
        ends.push(i * W + M);
        endOff.push(off);
      }
    }
  }
  if (ends.length === 0) return 0;
  let P = INF;
  for (let e = 0; e < ends.length; e++) P = Math.min(P, D[ends[e]!]! + endOff[e]!);
  let Z = 0;
  for (let e = 0; e < ends.length; e++) Z += Math.exp((P - D[ends[e]!]! - endOff[e]!) * invG);
  const eps = new Float64Array((N + 1) * W);
  const epsDot = new Float64Array((N + 1) * W);
  let Sval = 0;
  for (let e = 0; e < ends.length; e++) {
    const a = ends[e]!;
    eps[a] = Math.exp((P - D[a]! - endOff[e]!) * invG) / Z;
    Sval += eps[a]! * dt[a]!;
  }
  if (emit === null) return Sval;
  for (let e = 0; e < ends.length; e++) {
    const a = ends[e]!;
    epsDot[a] = -eps[a]! * invG * (dt[a]! - Sval);
  }
  // Backward: G and G' over the whole grid (zero outside the band).
  const G = new Float64Array((N + 1) * W);
  const Gd = new Float64Array((N + 1) * W);
  const out = new Float64Array(M);
  for (let i = N; i >= 1; i--) {
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    for (let j = hi; j >= lo; j--) {
      const a = i * W + j;
      let g = eps[a]!;
      let h = epsDot[a]!;
      const dij = dt[a]!;
      for (let k = 0; k < K; k++) {
        const si = i + steps.di[k]!;
        const sj = j + steps.dj[k]!;
        if (si > N || sj > M) continue;
        const s = si * W + sj;
        const qs = q[K * s + k]!;
        if (qs === 0) continue;
        // q'_k at the successor: -q (D'(i, j) + w Z(s) - D'(s)) / gamma.
        const qd = -qs * invG * (dij + steps.w[k]! * C[(si - 1) * M + sj - 1]! - dt[s]!);
        g += qs * G[s]!;
        h += qd * G[s]! + qs * Gd[s]!;
      }
      G[a] = g;
      Gd[a] = h;
      // Own weights and their tangents.
      const c = C[(i - 1) * M + j - 1]!;
      let wq = 0;
      let wqd = 0;
      for (let k = 0; k < K; k++) {
        const p = q[K * a + k]!;
        if (p === 0) continue;
        const pred = (i - steps.di[k]!) * W + j - steps.dj[k]!;
        wq += steps.w[k]! * p;
        wqd += steps.w[k]! * -p * invG * (dt[pred]! + steps.w[k]! * c - dij);
      }
      out[j - 1] = g * wq + h * wq + g * wqd;
    }
    if (lo <= hi) emit(i - 1, out, lo - 1, hi - 1);
  }
  return Sval;
}
