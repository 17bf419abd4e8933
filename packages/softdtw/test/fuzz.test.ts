import { LossInputError, type Tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  type SoftDtwValueAndGrad,
  softDtwDivergenceValueAndGrad,
  softDtwFromCost,
  softDtwValueAndGrad,
} from '../src/index.js';
import { onBothPaths } from './paths.js';
import { expectClose, inBand, logSumExpNeg, rng } from './reference.js';
import { type RefStep, type SpecOptions, specOf, table } from './variant-reference.js';

// A seeded fuzz test of soft-DTW against a naive recursion written here: random sizes (N != M,
// single frames), gamma, step weights, bands and priors, with costs and frames from 1e-300 to
// 1e300, silent and constant sequences, on the WebAssembly and on the JavaScript path (which
// must agree bit for bit). In CI it runs FUZZ_RUNS (default 40) cases per family; a longer run:
//   FUZZ_RUNS=5000 pnpm --filter @losses/softdtw fuzz     (FUZZ_SEED picks another sequence)

const RUNS = Number(process.env.FUZZ_RUNS ?? 40);
const SEED = Number(process.env.FUZZ_SEED ?? 2024);

type Weights = [number, number, number];

interface Problem {
  gamma: number;
  w: Weights;
  bandwidth?: number;
  prior?: { weight: number; nu: number };
}

// --- the naive reference ----------------------------------------------------------------------

/** The diagonal prior from its definition (distance of frame n to the linear block of m). */
function priorAt(n: number, m: number, N: number, M: number, nu: number): number {
  const first = Math.floor((m * N) / M);
  const last = Math.max(first, Math.ceil(((m + 1) * N) / M) - 1);
  const d = Math.max(0, first - n, n - last);
  return 1 - Math.exp(-(d * d) / (2 * nu));
}

/**
 * Soft-DTW of C with its expected alignment, written naively: the full table R of Algorithm 1
 * (Cuturi & Blondel, ICML 2017) with step weights, and Algorithm 2 in its original form, which
 * recomputes every soft-min weight exp((R(s) - R(p) - w C(s)) / gamma) from R.
 */
function naive(C0: number[][], p: Problem): { value: number; E: number[][] } {
  const N = C0.length;
  const M = C0[0]!.length;
  const [wv, wh, wd] = p.w;
  const g = p.gamma;
  const INF = Number.POSITIVE_INFINITY;
  const C = C0.map((row, n) =>
    row.map((c, m) => (p.prior ? c + p.prior.weight * priorAt(n, m, N, M, p.prior.nu) : c)),
  );
  const ok = (i: number, j: number) =>
    i >= 1 && j >= 1 && i <= N && j <= M && inBand(i - 1, j - 1, N, M, p.bandwidth);
  const R = Array.from({ length: N + 2 }, () => new Array<number>(M + 2).fill(INF));
  R[0]![0] = 0;
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      if (!ok(i, j)) continue;
      const c = C[i - 1]![j - 1]!;
      R[i]![j] = logSumExpNeg(
        [R[i - 1]![j]! + wv * c, R[i]![j - 1]! + wh * c, R[i - 1]![j - 1]! + wd * c],
        g,
      );
    }
  }
  // d R(s) / d R(p) for the step from p into s with weight w.
  const weight = (s: [number, number], p: [number, number], w: number) => {
    const [si, sj] = s;
    if (!ok(si, sj)) return 0;
    const rp = R[p[0]]![p[1]]!;
    if (rp === INF) return 0;
    return Math.exp((R[si]![sj]! - rp - w * C[si - 1]![sj - 1]!) / g);
  };
  const G = Array.from({ length: N + 2 }, () => new Array<number>(M + 2).fill(0));
  const E = C.map((row) => row.map(() => 0));
  for (let i = N; i >= 1; i--) {
    for (let j = M; j >= 1; j--) {
      if (!ok(i, j)) continue;
      G[i]![j] =
        i === N && j === M
          ? 1
          : G[i + 1]![j]! * weight([i + 1, j], [i, j], wv) +
            G[i]![j + 1]! * weight([i, j + 1], [i, j], wh) +
            G[i + 1]![j + 1]! * weight([i + 1, j + 1], [i, j], wd);
      E[i - 1]![j - 1] =
        G[i]![j]! *
        (wv * weight([i, j], [i - 1, j], wv) +
          wh * weight([i, j], [i, j - 1], wh) +
          wd * weight([i, j], [i - 1, j - 1], wd));
    }
  }
  return { value: R[N]![M]!, E };
}

/** Hard DTW by its definition: the cheapest weighted path cost and its cells with their weights. */
function naiveDtw(C: number[][], w: Weights): { cost: number; E: number[][] } {
  const N = C.length;
  const M = C[0]!.length;
  const INF = Number.POSITIVE_INFINITY;
  const R = Array.from({ length: N + 1 }, () => new Array<number>(M + 1).fill(INF));
  const from = Array.from({ length: N + 1 }, () => new Array<number>(M + 1).fill(-1));
  R[0]![0] = 0;
  for (let i = 1; i <= N; i++) {
    for (let j = 1; j <= M; j++) {
      const c = C[i - 1]![j - 1]!;
      const options = [
        R[i - 1]![j]! + w[0] * c,
        R[i]![j - 1]! + w[1] * c,
        R[i - 1]![j - 1]! + w[2] * c,
      ];
      const k = options.indexOf(Math.min(...options));
      R[i]![j] = options[k]!;
      from[i]![j] = k;
    }
  }
  const E = C.map((row) => row.map(() => 0));
  let i = N;
  let j = M;
  while (i > 0 && j > 0) {
    const k = from[i]![j]!;
    E[i - 1]![j - 1] = w[k]!;
    if (k === 0) i--;
    else if (k === 1) j--;
    else {
      i--;
      j--;
    }
  }
  return { cost: R[N]![M]!, E };
}

// --- random problems --------------------------------------------------------------------------

type Rand = () => number;
const pick = <T>(r: Rand, list: readonly T[]): T => list[Math.floor(r() * list.length)]!;
const int = (r: Rand, lo: number, hi: number) => lo + Math.floor(r() * (hi - lo + 1));
const logUniform = (r: Rand, lo: number, hi: number) => lo * (hi / lo) ** r();

function weights(r: Rand, positive = false): Weights {
  const one = () => (positive ? 0.5 + 1.5 * r() : pick(r, [0, 0.5, 1, 1, 1, 2, 3]));
  const w: Weights = r() < 0.4 ? [1, 1, 1] : [one(), one(), one()];
  // At least one of the steps that reach (N, M) from anywhere must cost something finite: all
  // weights 0 is allowed too (every path then costs 0).
  return w;
}

function problem(r: Rand, gamma: number, N: number, M: number): Problem {
  const p: Problem = { gamma: Math.max(gamma, 1e-4), w: weights(r) };
  if (r() < 0.3) p.bandwidth = int(r, 0, 3);
  if (r() < 0.2) p.prior = { weight: logUniform(r, 1e-3, 10), nu: logUniform(r, 0.5, 100) };
  if (N === 1 || M === 1) p.bandwidth = undefined;
  return p;
}

const SCALES = [1e-300, 1e-150, 1e-8, 1, 1e8, 1e150, 1e300] as const;

function options(p: Problem) {
  return {
    gamma: p.gamma,
    stepWeights: p.w,
    ...(p.bandwidth === undefined ? {} : { bandwidth: p.bandwidth }),
    ...(p.prior === undefined ? {} : { prior: p.prior }),
  };
}

const nested = (t: Tensor) => toNested(t) as number[][];
const same = (a: Tensor | Tensor[], b: Tensor | Tensor[]) =>
  expect(Array.from((b as Tensor).data)).toEqual(Array.from((a as Tensor).data));

// --- the families -----------------------------------------------------------------------------

describe(`fuzz (${RUNS} cases per family, seed ${SEED})`, () => {
  it('softDtwFromCost: value and expected alignment against the naive recursion, costs 1e-300 to 1e300 (gamma scaled with them)', () => {
    for (let k = 0; k < RUNS; k++) {
      const r = rng(SEED + k);
      const N = int(r, 1, 8);
      const M = int(r, 1, 8);
      const s = pick(r, SCALES);
      const offset = r() < 0.3 ? 0.5 : 0; // some negative costs
      const constant = r() < 0.15;
      const c0 = r();
      const C = Array.from({ length: N }, () =>
        Array.from({ length: M }, () => s * ((constant ? c0 : r()) - offset)),
      );
      const p = problem(r, s * logUniform(r, 1e-2, 1e2), N, M);
      const ref = naive(C, p);
      const label = `case ${k}: N ${N} M ${M} scale ${s} ${JSON.stringify(options(p))}`;
      const { wasm, js } = onBothPaths(() => softDtwFromCost(C, options(p)));
      for (const got of [wasm, js]) {
        const tol = 1e-12 * (Math.abs(ref.value) + s * (N + M) + p.gamma);
        try {
          expectClose(got.value, ref.value, 1e-12, tol);
          const E = nested(got.alignment);
          for (let i = 0; i < N; i++)
            for (let j = 0; j < M; j++) expectClose(E[i]![j]!, ref.E[i]![j]!, 1e-10, 1e-10);
        } catch (e) {
          throw new Error(`${label}: ${(e as Error).message}`);
        }
      }
      expect(Object.is(wasm.value, js.value), label).toBe(true);
      same(wasm.alignment, js.alignment);
    }
  });

  it('softDtwFromCost at gamma 1e-4 with costs up to 1e300: the DTW cost and the DTW path', () => {
    for (let k = 0; k < RUNS; k++) {
      const r = rng(SEED + 1e6 + k);
      const N = int(r, 1, 7);
      const M = int(r, 1, 7);
      // Costs of 1e20 and more: any two paths differ by far more than 745 gamma (the exponent
      // below which exp is 0), so every other path gets a weight of exactly 0.
      const s = pick(r, [1e20, 1e100, 1e300]);
      const C = Array.from({ length: N }, () => Array.from({ length: M }, () => s * r()));
      const w = weights(r, true);
      const ref = naiveDtw(C, w);
      const { wasm, js } = onBothPaths(() => softDtwFromCost(C, { gamma: 1e-4, stepWeights: w }));
      for (const got of [wasm, js]) {
        expectClose(got.value, ref.cost, 1e-14, 1e-3);
        expect(nested(got.alignment), `case ${k}`).toEqual(ref.E);
      }
    }
  });

  it('softDtwFromCost near the float64 range: refused (NON_FINITE) exactly where the documented bound says, else finite', () => {
    for (let k = 0; k < RUNS; k++) {
      const r = rng(SEED + 2e6 + k);
      const N = int(r, 1, 6);
      const M = int(r, 1, 6);
      const s = logUniform(r, 1e300, 1.7e308);
      const sign = r() < 0.5 ? -1 : 1;
      const C = Array.from({ length: N }, () => Array.from({ length: M }, () => sign * s * r()));
      const p = problem(r, r() < 0.2 ? logUniform(r, 1e300, 1e308) : 1, N, M);
      const wMax = Math.max(...p.w);
      const maxC = Math.max(...C.flat().map(Math.abs)) + (p.prior?.weight ?? 0);
      const bound = (N + M) * (wMax * maxC + p.gamma * 3 * Math.LN2);
      const { wasm, js } = onBothPaths(() => {
        try {
          return softDtwFromCost(C, options(p));
        } catch (e) {
          expect(e).toBeInstanceOf(LossInputError);
          expect((e as LossInputError).code).toBe('NON_FINITE');
          return null;
        }
      });
      expect(wasm === null, `case ${k}: bound ${bound}`).toBe(!(bound <= 2 ** 1020));
      expect(js === null).toBe(wasm === null);
      if (wasm === null || js === null) continue;
      for (const got of [wasm, js]) {
        expect(Number.isFinite(got.value)).toBe(true);
        for (const e of got.alignment.data) expect(e >= 0 && e <= wMax * (1 + 1e-12)).toBe(true);
      }
      same(wasm.alignment, js.alignment);
    }
  });

  it('step sets, open begins and ends, bands: softDtwFromCost against the full-table recursion, costs 1e-300 to 1e300', () => {
    const SETS: RefStep[][] = [
      [
        [1, 1, 1],
        [1, 2, 1],
        [2, 1, 1],
      ],
      [
        [1, 0, 1],
        [1, 1, 1],
        [1, 2, 1],
      ],
      [
        [0, 1, 0.5],
        [1, 1, 2],
        [2, 1, 1],
        [1, 3, 0.5],
      ],
      [
        [1, 0, 1],
        [0, 1, 1],
        [1, 1, 2],
      ],
    ];
    const AXES = ['none', 'x', 'y', 'both'] as const;
    for (let k = 0; k < RUNS; k++) {
      const r = rng(SEED + 5e6 + k);
      const N = int(r, 1, 9);
      const M = int(r, 1, 9);
      const scale = pick(r, SCALES);
      const steps = pick(r, SETS);
      const spec: SpecOptions = {
        gamma: Math.max(1e-4, scale * logUniform(r, 1e-2, 1e2)),
        steps,
        openBegin: pick(r, AXES),
        openEnd: pick(r, AXES),
        ...(r() < 0.5 ? { penalty: { begin: scale * r(), end: scale * r() } } : {}),
        ...(r() < 0.3 && N > 1 && M > 1 ? { bandwidth: int(r, 0, 2) } : {}),
      };
      if (spec.openBegin === 'none' && spec.openEnd === 'none') spec.penalty = undefined;
      const C = Array.from({ length: N }, () => Array.from({ length: M }, () => scale * r()));
      const want = table(C, specOf(N, M, spec));
      const o = {
        gamma: spec.gamma,
        steps: steps.map(([di, dj, weight]) => ({ di, dj, weight })),
        openBegin: spec.openBegin,
        openEnd: spec.openEnd,
        ...(spec.penalty ? { skipPenalty: spec.penalty } : {}),
        ...(spec.bandwidth === undefined ? {} : { bandwidth: spec.bandwidth }),
      };
      const label = `case ${k}: ${N} x ${M} scale ${scale} ${JSON.stringify(o)}`;
      const { wasm, js } = onBothPaths(() => softDtwFromCost(C, o));
      expect(Object.is(wasm.value, js.value), label).toBe(true);
      expect(Array.from(wasm.alignment.data), label).toEqual(Array.from(js.alignment.data));
      if (want.value === Number.POSITIVE_INFINITY) {
        expect(js.value, label).toBe(Number.POSITIVE_INFINITY);
        continue;
      }
      try {
        expectClose(js.value, want.value, 1e-11, 1e-11 * scale);
        const E = nested(js.alignment);
        for (let i = 0; i < N; i++) {
          for (let j = 0; j < M; j++) expectClose(E[i]![j]!, want.E[i]![j]!, 1e-8, 1e-9);
        }
      } catch (e) {
        throw new Error(`${label}: ${(e as Error).message}`);
      }
    }
  });

  it('sequences: value, gradients w.r.t. x and y (and the divergence) against the naive recursion, frames from silence to 1e150', () => {
    const AMPLITUDES = [0, 1e-150, 1e-5, 1, 1e5, 1e100, 1e150];
    for (let k = 0; k < RUNS; k++) {
      const r = rng(SEED + 3e6 + k);
      const N = int(r, 1, 7);
      const M = int(r, 1, 7);
      const D = int(r, 1, 4);
      const a = pick(r, AMPLITUDES);
      const cost: CostName =
        a >= 1e-60 && a <= 1e60 && r() < 0.3 ? pick(r, ['l1', 'cosine'] as const) : 'sqeuclidean';
      // l1 and cosine at moderate amplitudes (the reference's cosine derivative cubes the norm).
      // Silent frames here and there, a constant sequence now and then.
      const frames = (n: number) => {
        const constant = r() < 0.15 ? Array.from({ length: D }, () => a * (r() - 0.5)) : null;
        return Array.from({ length: n }, () =>
          r() < 0.2
            ? new Array<number>(D).fill(0)
            : (constant ?? Array.from({ length: D }, () => a * (2 * r() - 1))),
        );
      };
      const x = frames(N);
      const y = frames(M);
      const scale = cost === 'sqeuclidean' ? a * a : cost === 'l1' ? a : 1;
      const p = problem(r, (scale || 1) * logUniform(r, 1e-2, 1e2), N, M);
      const divergence = r() < 0.25;
      const o = { ...options(p), cost, gradY: true };
      const ref = divergence ? naiveDivergence(x, y, p, cost) : naiveSequences(x, y, p, cost);
      const label = `case ${k}: N ${N} M ${M} D ${D} amplitude ${a} ${cost}${divergence ? ' divergence' : ''} ${JSON.stringify(options(p))}`;
      const { wasm, js } = onBothPaths(() =>
        divergence ? softDtwDivergenceValueAndGrad(x, y, o) : softDtwValueAndGrad(x, y, o),
      );
      for (const got of [wasm, js]) {
        try {
          compareGrad(got, ref, scale, a, p.gamma, N + M);
        } catch (e) {
          throw new Error(`${label}: ${(e as Error).message}`);
        }
      }
      expect(Object.is(wasm.value, js.value), label).toBe(true);
      same(wasm.grad, js.grad);
      same(wasm.gradY!, js.gradY!);
    }
  });
});

// --- sequence references ----------------------------------------------------------------------

type CostName = 'sqeuclidean' | 'l1' | 'cosine';
interface Reference {
  value: number;
  gx: number[][];
  gy: number[][];
}

/** c(u, v) and its partial derivatives from the definitions (cosine of a zero frame: 1, flat). */
function frameCost(
  name: CostName,
  u: number[],
  v: number[],
): { c: number; du: number[]; dv: number[] } {
  if (name === 'sqeuclidean') {
    return {
      c: u.reduce((s, t, d) => s + (t - v[d]!) ** 2, 0),
      du: u.map((t, d) => 2 * (t - v[d]!)),
      dv: u.map((t, d) => -2 * (t - v[d]!)),
    };
  }
  if (name === 'l1') {
    return {
      c: u.reduce((s, t, d) => s + Math.abs(t - v[d]!), 0),
      du: u.map((t, d) => Math.sign(t - v[d]!)),
      dv: u.map((t, d) => -Math.sign(t - v[d]!)),
    };
  }
  const nu = Math.hypot(...u);
  const nv = Math.hypot(...v);
  if (nu === 0 || nv === 0) return { c: 1, du: u.map(() => 0), dv: v.map(() => 0) };
  const dot = u.reduce((s, t, d) => s + t * v[d]!, 0);
  // d(1 - u.v / (|u||v|)) / du = -v / (|u||v|) + (u.v) u / (|u|^3 |v|).
  return {
    c: 1 - dot / (nu * nv),
    du: u.map((t, d) => -v[d]! / (nu * nv) + (dot * t) / (nu ** 3 * nv)),
    dv: v.map((t, d) => -u[d]! / (nu * nv) + (dot * t) / (nv ** 3 * nu)),
  };
}

function naiveSequences(x: number[][], y: number[][], p: Problem, cost: CostName): Reference {
  const cells = x.map((u) => y.map((v) => frameCost(cost, u, v)));
  const { value, E } = naive(
    cells.map((row) => row.map((c) => c.c)),
    p,
  );
  const gx = x.map((u) => u.map(() => 0));
  const gy = y.map((v) => v.map(() => 0));
  for (let i = 0; i < x.length; i++) {
    for (let j = 0; j < y.length; j++) {
      const c = cells[i]![j]!;
      const e = E[i]![j]!;
      c.du.forEach((g, d) => {
        gx[i]![d] = gx[i]![d]! + e * g;
      });
      c.dv.forEach((g, d) => {
        gy[j]![d] = gy[j]![d]! + e * g;
      });
    }
  }
  return { value, gx, gy };
}

/** sdtw(x, y) - sdtw(x, x) / 2 - sdtw(y, y) / 2 (Blondel, Mensch, Vert, AISTATS 2021). */
function naiveDivergence(x: number[][], y: number[][], p: Problem, cost: CostName): Reference {
  const xy = naiveSequences(x, y, p, cost);
  const xx = naiveSequences(x, x, p, cost);
  const yy = naiveSequences(y, y, p, cost);
  const add = (a: number[][], b: number[][], c: number[][]) =>
    a.map((row, i) => row.map((v, d) => v - 0.5 * (b[i]![d]! + c[i]![d]!)));
  return {
    value: xy.value - 0.5 * xx.value - 0.5 * yy.value,
    gx: add(xy.gx, xx.gx, xx.gy),
    gy: add(xy.gy, yy.gx, yy.gy),
  };
}

/**
 * Value and gradients against the reference: relative 1e-10 with an absolute floor at the
 * rounding of the sums involved (costs of size `scale` over N + M steps, frames of size `a`).
 */
function compareGrad(
  got: SoftDtwValueAndGrad,
  ref: Reference,
  scale: number,
  a: number,
  gamma: number,
  L: number,
): void {
  expectClose(got.value, ref.value, 1e-11, 1e-11 * (scale * L + gamma));
  // A gradient entry is a sum of E (<= w_max) times dc/dx, of size scale / a (1 / a for cosine).
  const gScale = a === 0 ? 0 : (scale / a) * L * 4;
  const floor = 1e-10 * gScale + 1e-300;
  const gx = nested(got.grad as Tensor);
  const gy = nested(got.gradY as Tensor);
  ref.gx.forEach((row, i) => {
    row.forEach((g, d) => {
      expectClose(gx[i]![d]!, g, 1e-9, floor);
    });
  });
  ref.gy.forEach((row, j) => {
    row.forEach((g, d) => {
      expectClose(gy[j]![d]!, g, 1e-9, floor);
    });
  });
}
