/**
 * Sharp soft-DTW S(C) = <E(C), C>, the cost of the expected alignment, and its exact gradient.
 *
 * With V the soft-DTW value and E = grad V, dS = <H dC, C> + <E, dC>, so
 * grad S = E + H C, where H = hessian of V. H C is the directional derivative of E in the
 * direction Z = C, computed by forward-mode differentiation of Algorithms 1 and 2
 * (forward-over-reverse):
 *
 * forward (tangent of D):  s'_k = D'(pred_k) + w_k Z(i, j),  D'(i, j) = sum_k q_k s'_k
 * soft-min weights:        q'_k(i, j) = -q_k(i, j) (s'_k - D'(i, j)) / gamma
 * backward:                G'(i, j) = sum over successors s of [q'_s G(s) + q_s G'(s)]
 * result:                  E' = G' (w . q) + G (w . q'),   grad S = E + E'.
 *
 * (q, G, E as in recursion.ts.) Memory: the weights (3 (N+1)(M+1)), D' and Z ((N+2)(M+2) each).
 */
import type { BandLimits } from './band.js';
import type { Steps } from './options.js';
import type { AlignmentRows } from './recursion.js';

/**
 * Computes S = <E, C> for the full cost matrix `C` ([N, M] row-major, float64) and emits the rows
 * of dS/dC from the last to the first. Returns S.
 */
export function sharpSoftDtw(
  C: Float64Array,
  N: number,
  M: number,
  band: BandLimits,
  steps: Steps,
  emit: AlignmentRows,
): number {
  const { gamma, wv, wh, wd } = steps;
  const invG = 1 / gamma;
  const P = M + 2; // row stride of the padded 1-based arrays
  const q = new Float64Array(3 * (N + 2) * P);
  const dt = new Float64Array((N + 2) * P); // D'
  const z = new Float64Array((N + 2) * P); // Z = C, padded with zeros
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) z[i * P + j] = C[(i - 1) * M + j - 1]!;
  }
  // Forward: D (rolling rows), q and D' (stored).
  let prev = new Float64Array(M + 1).fill(Number.POSITIVE_INFINITY);
  let cur = new Float64Array(M + 1);
  prev[0] = 0;
  for (let i = 1; i <= N; i++) {
    cur.fill(Number.POSITIVE_INFINITY);
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    for (let j = lo; j <= hi; j++) {
      const c = z[i * P + j]!;
      const sv = prev[j]! + wv * c;
      const sh = cur[j - 1]! + wh * c;
      const sd = prev[j - 1]! + wd * c;
      const m = Math.min(sv, sh, sd);
      const k = 3 * (i * P + j);
      if (m === Number.POSITIVE_INFINITY) {
        cur[j] = m;
        continue;
      }
      const ev = Math.exp((m - sv) * invG);
      const eh = Math.exp((m - sh) * invG);
      const ed = Math.exp((m - sd) * invG);
      const sum = ev + eh + ed;
      cur[j] = m - gamma * Math.log(sum);
      const qv = ev / sum;
      const qh = eh / sum;
      const qd = ed / sum;
      q[k] = qv;
      q[k + 1] = qh;
      q[k + 2] = qd;
      dt[i * P + j] =
        qv * (dt[(i - 1) * P + j]! + wv * c) +
        qh * (dt[i * P + j - 1]! + wh * c) +
        qd * (dt[(i - 1) * P + j - 1]! + wd * c);
    }
    const t = prev;
    prev = cur;
    cur = t;
  }
  // Virtual successor (N+1, M+1): G = 1, q_d = 1, constant (q'_d = 0 via D'(N+1, M+1) = D'(N, M)).
  q[3 * ((N + 1) * P + M + 1) + 2] = 1;
  dt[(N + 1) * P + M + 1] = dt[N * P + M]!;
  let gn = new Float64Array(M + 2);
  let gc = new Float64Array(M + 2);
  let hn = new Float64Array(M + 2); // G' of row i+1
  let hc = new Float64Array(M + 2);
  gn[M + 1] = 1;
  const out = new Float64Array(M);
  let S = 0;
  for (let i = N; i >= 1; i--) {
    gc.fill(0);
    hc.fill(0);
    const lo = band.lo[i]!;
    const hi = band.hi[i]!;
    for (let j = hi; j >= lo; j--) {
      const a = i * P + j;
      const dij = dt[a]!;
      // Successors: (i+1, j) by a vertical step, (i, j+1) horizontal, (i+1, j+1) diagonal.
      const sV = a + P;
      const sH = a + 1;
      const sD = a + P + 1;
      const qV = q[3 * sV]!;
      const qH = q[3 * sH + 1]!;
      const qD = q[3 * sD + 2]!;
      const pV = -qV * invG * (dij + wv * z[sV]! - dt[sV]!);
      const pH = -qH * invG * (dij + wh * z[sH]! - dt[sH]!);
      const pD = -qD * invG * (dij + wd * z[sD]! - dt[sD]!);
      const g = qV * gn[j]! + qH * gc[j + 1]! + qD * gn[j + 1]!;
      const h =
        pV * gn[j]! +
        qV * hn[j]! +
        pH * gc[j + 1]! +
        qH * hc[j + 1]! +
        pD * gn[j + 1]! +
        qD * hn[j + 1]!;
      gc[j] = g;
      hc[j] = h;
      // Own weights and their tangents.
      const k = 3 * a;
      const c = z[a]!;
      const qv = q[k]!;
      const qh = q[k + 1]!;
      const qd = q[k + 2]!;
      const tv = -qv * invG * (dt[a - P]! + wv * c - dij);
      const th = -qh * invG * (dt[a - 1]! + wh * c - dij);
      const td = -qd * invG * (dt[a - P - 1]! + wd * c - dij);
      const wq = wv * qv + wh * qh + wd * qd;
      const e = g * wq;
      S += e * c;
      out[j - 1] = e + h * wq + g * (wv * tv + wh * th + wd * td);
    }
    emit(i - 1, out, lo - 1, hi - 1);
    [gn, gc] = [gc, gn];
    [hn, hc] = [hc, hn];
  }
  return S;
}
