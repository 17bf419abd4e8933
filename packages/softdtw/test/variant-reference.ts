/**
 * Independent references for the alignment variants (step sets, open begins and ends, bands,
 * column masks), written from the definitions in the package README, not from the package:
 *
 * - `enumerate`: the soft minimum over an explicit list of every path (tiny sizes), a path being a
 *   virtual start cell with its start value, a chain of steps through admissible cells, and an end
 *   cell with its offset; E as the Gibbs expectation of each path's weighted cell counts;
 * - `table`: the recursion on a full table with Math.log / Math.exp, and the backward pass in the
 *   original form of Algorithm 2 (Cuturi & Blondel 2017), recomputing every weight from the table;
 * - `itakuraMask`: tslearn's parallelogram per column, as tslearn writes it.
 */
import { inBand, logSumExpNeg } from './reference.js';

/** One step (di, dj, w). */
export type RefStep = [number, number, number];

/** A problem described from the options, independently of the package's code. */
export interface Spec {
  gamma: number;
  steps: RefStep[];
  /** Value of virtual cell (i, j) with i = 0 or j = 0 (+inf: no start there). */
  start: (i: number, j: number) => number;
  /** Offset of end cell (i, j) (1-based; +inf: not an end). */
  end: (i: number, j: number) => number;
  /** Cell (i, j) (1-based) admissible. */
  admit: (i: number, j: number) => boolean;
  /** Step k may enter column j (1-based). */
  enter?: (k: number, j: number) => boolean;
}

export interface SpecOptions {
  gamma: number;
  steps?: RefStep[];
  subsequence?: boolean;
  openBegin?: 'none' | 'x' | 'y' | 'both';
  openEnd?: 'none' | 'x' | 'y' | 'both';
  penalty?: { begin: number; end: number };
  bandwidth?: number;
  itakura?: number;
}

export const CLASSIC: RefStep[] = [
  [1, 0, 1],
  [0, 1, 1],
  [1, 1, 1],
];

/** The spec of an N x M problem under the package's documented conventions. */
export function specOf(N: number, M: number, o: SpecOptions): Spec {
  const begin = o.subsequence ? 'y' : (o.openBegin ?? 'none');
  const end = o.subsequence ? 'y' : (o.openEnd ?? 'none');
  const pb = o.penalty?.begin ?? 0;
  const pe = o.penalty?.end ?? 0;
  const mask = o.itakura === undefined ? null : itakuraMask(N, M, o.itakura);
  return {
    gamma: o.gamma,
    steps: o.steps ?? CLASSIC,
    start: (i, j) => {
      if (i === 0 && j === 0) return 0;
      if (i === 0 && (begin === 'y' || begin === 'both')) return j * pb;
      if (j === 0 && (begin === 'x' || begin === 'both')) return i * pb;
      return Number.POSITIVE_INFINITY;
    },
    end: (i, j) => {
      if (i === N && j === M) return 0;
      if (i === N && (end === 'y' || end === 'both')) return (M - j) * pe;
      if (j === M && (end === 'x' || end === 'both')) return (N - i) * pe;
      return Number.POSITIVE_INFINITY;
    },
    admit: (i, j) =>
      inBand(i - 1, j - 1, N, M, o.bandwidth) && (mask === null || mask[i - 1]![j - 1]!),
  };
}

/** Soft minimum over every path, with E = d value / dC as the expectation of weighted counts. */
export function enumerate(C: number[][], s: Spec): { value: number; E: number[][]; paths: number } {
  const N = C.length;
  const M = C[0]!.length;
  const costs: number[] = [];
  const counts: Map<number, number>[] = [];
  const walk = (i: number, j: number, acc: number, cells: Map<number, number>): void => {
    const off = s.end(i, j);
    if (i >= 1 && j >= 1 && off !== Number.POSITIVE_INFINITY) {
      costs.push(acc + off);
      counts.push(new Map(cells));
    }
    s.steps.forEach(([di, dj, w], k) => {
      const a = i + di;
      const b = j + dj;
      if (a < 1 || b < 1 || a > N || b > M || !s.admit(a, b)) return;
      if (s.enter && !s.enter(k, b)) return;
      const key = (a - 1) * M + b - 1;
      cells.set(key, (cells.get(key) ?? 0) + w);
      walk(a, b, acc + w * C[a - 1]![b - 1]!, cells);
      const left = cells.get(key)! - w;
      if (left === 0) cells.delete(key);
      else cells.set(key, left);
    });
  };
  for (let i = 0; i <= N; i++) {
    for (let j = 0; j <= M; j++) {
      if (i > 0 && j > 0) continue;
      const v = s.start(i, j);
      if (v !== Number.POSITIVE_INFINITY) walk(i, j, v, new Map());
    }
  }
  const value = logSumExpNeg(costs, s.gamma);
  const E = C.map((row) => row.map(() => 0));
  if (value !== Number.POSITIVE_INFINITY) {
    costs.forEach((c, p) => {
      const prob = Math.exp(-(c - value) / s.gamma);
      for (const [key, w] of counts[p]!) {
        const row = E[Math.floor(key / M)]!;
        row[key % M] = row[key % M]! + prob * w;
      }
    });
  }
  return { value, E, paths: costs.length };
}

/** The recursion on a full table, and Algorithm 2 recomputing the weights from the table. */
export function table(C: number[][], s: Spec): { value: number; E: number[][] } {
  const N = C.length;
  const M = C[0]!.length;
  const INF = Number.POSITIVE_INFINITY;
  const g = s.gamma;
  const R = Array.from({ length: N + 1 }, (_, i) =>
    Array.from({ length: M + 1 }, (_, j) => (i === 0 || j === 0 ? s.start(i, j) : INF)),
  );
  const ok = (i: number, j: number) => i >= 1 && j >= 1 && i <= N && j <= M && s.admit(i, j);
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      if (!ok(i, j)) continue;
      const cand: number[] = [];
      s.steps.forEach(([di, dj, w], k) => {
        if (i - di < 0 || j - dj < 0) return;
        if (s.enter && !s.enter(k, j)) return;
        cand.push(R[i - di]![j - dj]! + w * C[i - 1]![j - 1]!);
      });
      R[i]![j] = cand.length === 0 ? INF : logSumExpNeg(cand, g);
    }
  }
  const ends: [number, number, number][] = [];
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      const off = s.end(i, j);
      if (off !== INF && ok(i, j)) ends.push([i, j, R[i]![j]! + off]);
    }
  }
  const value = logSumExpNeg(
    ends.map((e) => e[2]),
    g,
  );
  const E = C.map((row) => row.map(() => 0));
  if (value === INF) return { value, E };
  // q of step k into cell (i, j): exp((R(i, j) - R(pred) - w C(i, j)) / gamma).
  const weight = (i: number, j: number, k: number): number => {
    const [di, dj, w] = s.steps[k]!;
    if (!ok(i, j) || i - di < 0 || j - dj < 0) return 0;
    if (s.enter && !s.enter(k, j)) return 0;
    const p = R[i - di]![j - dj]!;
    if (p === INF || R[i]![j] === INF) return 0;
    return Math.exp((R[i]![j]! - p - w * C[i - 1]![j - 1]!) / g);
  };
  const G = Array.from({ length: N + 2 }, () => new Array<number>(M + 2).fill(0));
  for (let i = N; i >= 1; i--) {
    for (let j = M; j >= 1; j--) {
      if (!ok(i, j)) continue;
      let acc = 0;
      const off = s.end(i, j);
      if (off !== INF && R[i]![j] !== INF) acc += Math.exp(-(R[i]![j]! + off - value) / g);
      s.steps.forEach(([di, dj], k) => {
        const a = i + di;
        const b = j + dj;
        if (a > N || b > M) return;
        acc += G[a]![b]! * weight(a, b, k);
      });
      G[i]![j] = acc;
      let wq = 0;
      s.steps.forEach(([, , w], k) => {
        wq += w * weight(i, j, k);
      });
      E[i - 1]![j - 1] = acc * wq;
    }
  }
  return { value, E };
}

/** Hard DTW on the spec: the cheapest path cost (the gamma -> 0 limit of `table`). */
export function hardCost(C: number[][], s: Spec): number {
  const N = C.length;
  const M = C[0]!.length;
  const INF = Number.POSITIVE_INFINITY;
  const R = Array.from({ length: N + 1 }, (_, i) =>
    Array.from({ length: M + 1 }, (_, j) => (i === 0 || j === 0 ? s.start(i, j) : INF)),
  );
  let best = INF;
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      if (!s.admit(i, j)) continue;
      let m = INF;
      s.steps.forEach(([di, dj, w], k) => {
        if (i - di < 0 || j - dj < 0) return;
        if (s.enter && !s.enter(k, j)) return;
        m = Math.min(m, R[i - di]![j - dj]! + w * C[i - 1]![j - 1]!);
      });
      R[i]![j] = m;
      best = Math.min(best, m + s.end(i, j));
    }
  }
  return best;
}

/** np.round(x, 2) (round half to even). */
function round2(x: number): number {
  const y = x * 100;
  const f = Math.floor(y);
  const d = y - f;
  const r = d > 0.5 ? f + 1 : d < 0.5 ? f : f % 2 === 0 ? f : f + 1;
  return r / 100;
}

/** tslearn's itakura_mask(sz1, sz2, max_slope): rows [lower, upper) of each column. */
export function itakuraMask(sz1: number, sz2: number, maxSlope0: number): boolean[][] {
  const minSlope0 = 1 / maxSlope0;
  const maxSlope = maxSlope0 * (sz1 / sz2);
  const minSlope = minSlope0 * (sz1 / sz2);
  const mask = Array.from({ length: sz1 }, () => new Array<boolean>(sz2).fill(false));
  for (let j = 0; j < sz2; j++) {
    const l0 = minSlope * j;
    const l1 = sz1 - 1 - maxSlope * (sz2 - 1) + maxSlope * j;
    const lower = Math.ceil(Math.max(round2(l0), round2(l1)));
    const u0 = maxSlope * j;
    const u1 = sz1 - 1 - minSlope * (sz2 - 1) + minSlope * j;
    const upper = Math.floor(Math.min(round2(u0), round2(u1)) + 1);
    for (let i = lower; i < upper; i++) if (i >= 0 && i < sz1) mask[i]![j] = true;
  }
  return mask;
}
