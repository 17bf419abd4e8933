/**
 * Independent references for the tests (not used by the package):
 * - `enumerate`: soft-DTW as a soft minimum over an explicit list of every monotone alignment
 *   (tiny sizes only), with E as the Gibbs expectation of the weighted alignment matrices;
 * - `forwardBackward`: log-partition forward (column-major) and backward recursions, E from
 *   the step marginals exp(-(alpha(pred) + w C + beta - V) / gamma) (not Algorithm 2);
 * - `inBand`: the band membership written from its definition.
 */

export interface RefOptions {
  gamma: number;
  weights?: [number, number, number];
  bandwidth?: number;
}

export function inBand(i: number, j: number, N: number, M: number, r?: number): boolean {
  if (r === undefined) return true;
  // Intervals [i/N, (i+1)/N) and [j'/M, (j'+1)/M) overlap for j' in the linear block of row i.
  const first = Math.floor((i * M) / N);
  const last = Math.max(first, Math.ceil(((i + 1) * M) / N) - 1);
  return j >= first - r && j <= last + r;
}

/** The soft minimum -gamma log sum_k exp(-v_k / gamma), around the smallest term. */
export function logSumExpNeg(values: number[], gamma: number): number {
  // -gamma log sum exp(-v / gamma)
  const m = Math.min(...values);
  if (m === Number.POSITIVE_INFINITY) return m;
  let s = 0;
  for (const v of values) s += Math.exp(-(v - m) / gamma);
  return m - gamma * Math.log(s);
}

/** Every alignment as its list of (cell, step) with step 0 = start/diagonal, 1 = vertical, 2 = horizontal. */
function alignments(N: number, M: number, r?: number): [number, number, number][][] {
  const out: [number, number, number][][] = [];
  const walk = (path: [number, number, number][]): void => {
    const [i, j] = path[path.length - 1]!;
    if (i === N - 1 && j === M - 1) {
      out.push(path.slice());
      return;
    }
    const moves: [number, number, number][] = [
      [i + 1, j, 1],
      [i, j + 1, 2],
      [i + 1, j + 1, 0],
    ];
    for (const mv of moves) {
      if (mv[0] < N && mv[1] < M && inBand(mv[0], mv[1], N, M, r)) {
        path.push(mv);
        walk(path);
        path.pop();
      }
    }
  };
  walk([[0, 0, 0]]);
  return out;
}

export function enumerate(
  C: number[][],
  o: RefOptions,
): { value: number; E: number[][]; count: number; min: number } {
  const N = C.length;
  const M = C[0]!.length;
  const w = o.weights ?? [1, 1, 1];
  const stepW = (s: number) => (s === 0 ? w[2] : s === 1 ? w[0] : w[1]);
  const paths = alignments(N, M, o.bandwidth);
  const costs = paths.map((p) => p.reduce((a, [i, j, s]) => a + stepW(s) * C[i]![j]!, 0));
  const value = logSumExpNeg(costs, o.gamma);
  const E = C.map((row) => row.map(() => 0));
  paths.forEach((p, k) => {
    const prob = Math.exp(-(costs[k]! - value) / o.gamma);
    for (const [i, j, s] of p) E[i]![j] = E[i]![j]! + prob * stepW(s);
  });
  return { value, E, count: paths.length, min: Math.min(...costs) };
}

export function forwardBackward(C: number[][], o: RefOptions): { value: number; E: number[][] } {
  const N = C.length;
  const M = C[0]!.length;
  const [wv, wh, wd] = o.weights ?? [1, 1, 1];
  const INF = Number.POSITIVE_INFINITY;
  const g = o.gamma;
  const alpha = Array.from({ length: N + 1 }, () => new Array<number>(M + 1).fill(INF));
  alpha[0]![0] = 0;
  for (let j = 1; j <= M; j++) {
    for (let i = 1; i <= N; i++) {
      if (!inBand(i - 1, j - 1, N, M, o.bandwidth)) continue;
      const c = C[i - 1]![j - 1]!;
      alpha[i]![j] = logSumExpNeg(
        [alpha[i - 1]![j]! + wv * c, alpha[i]![j - 1]! + wh * c, alpha[i - 1]![j - 1]! + wd * c],
        g,
      );
    }
  }
  const value = alpha[N]![M]!;
  // beta(i, j): soft cost of the rest of the path after cell (i, j) (1-based).
  const beta = Array.from({ length: N + 2 }, () => new Array<number>(M + 2).fill(INF));
  beta[N]![M] = 0;
  const cost = (i: number, j: number) =>
    i >= 1 && i <= N && j >= 1 && j <= M && inBand(i - 1, j - 1, N, M, o.bandwidth)
      ? C[i - 1]![j - 1]!
      : INF;
  for (let j = M; j >= 1; j--) {
    for (let i = N; i >= 1; i--) {
      if (i === N && j === M) continue;
      if (!inBand(i - 1, j - 1, N, M, o.bandwidth)) continue;
      beta[i]![j] = logSumExpNeg(
        [
          wv * cost(i + 1, j) + beta[i + 1]![j]!,
          wh * cost(i, j + 1) + beta[i]![j + 1]!,
          wd * cost(i + 1, j + 1) + beta[i + 1]![j + 1]!,
        ],
        g,
      );
    }
  }
  const E = C.map((row) => row.map(() => 0));
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      if (!inBand(i - 1, j - 1, N, M, o.bandwidth)) continue;
      const c = C[i - 1]![j - 1]!;
      const b = beta[i]![j]!;
      const terms: [number, number][] = [
        [alpha[i - 1]![j]!, wv],
        [alpha[i]![j - 1]!, wh],
        [alpha[i - 1]![j - 1]!, wd],
      ];
      let e = 0;
      for (const [a, w] of terms) {
        if (a === INF || b === INF) continue;
        e += w * Math.exp(-(a + w * c + b - value) / g);
      }
      E[i - 1]![j - 1] = e;
    }
  }
  return { value, E };
}

/** The repository's reproducible uniform random generator (mulberry32). */
export { mulberry32 as rng } from '@losses/tensor/internal';

export function randomMatrix(N: number, M: number, r: () => number, scale = 1): number[][] {
  return Array.from({ length: N }, () => Array.from({ length: M }, () => scale * r()));
}

/** Standard normal samples (Box-Muller). */
export function randn(N: number, M: number, r: () => number): number[][] {
  return Array.from({ length: N }, () =>
    Array.from({ length: M }, () => {
      const u = Math.max(r(), 1e-12);
      return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * r());
    }),
  );
}

/** Central finite difference of f at x (nested arrays) in coordinate (i, j). */
export function fd(
  f: (x: number[][]) => number,
  x: number[][],
  i: number,
  j: number,
  h = 1e-6,
): number {
  const a = x.map((r) => r.slice());
  const b = x.map((r) => r.slice());
  a[i]![j] = a[i]![j]! + h;
  b[i]![j] = b[i]![j]! - h;
  return (f(a) - f(b)) / (2 * h);
}

/** Relative closeness with an absolute floor. */
export function expectClose(actual: number, expected: number, rel: number, abs = 0): void {
  const err = Math.abs(actual - expected);
  if (!(err <= rel * Math.abs(expected) + abs)) {
    throw new Error(
      `expected ${actual} to be close to ${expected} (err ${err}, rel ${rel}, abs ${abs})`,
    );
  }
}
