import type { Tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type SoftDtwDivergenceOptions,
  sharpSoftDtw,
  softDtw,
  softDtwDivergence,
  softDtwDivergenceValueAndGrad,
} from '../src/index.js';
import { code } from './error-code.js';
import { onBothPaths } from './paths.js';
import { expectClose, randn, rng } from './reference.js';
import { CLASSIC, enumerate, type RefStep, specOf } from './variant-reference.js';

// The three divergences of Blondel, Mensch & Vert (AISTATS 2021), f(x, y) - f(x, x)/2 - f(y, y)/2,
// with f soft-DTW, sharp soft-DTW <E, C> or the mean cost <E_mean, C> (E_mean: the mean of the
// alignment matrices of every admissible path), against references written here.

const sq = (a: number[][], b: number[][]) =>
  a.map((ai) => b.map((bj) => ai.reduce((s, v, d) => s + (v - bj[d]!) ** 2, 0)));

/** The mean cost by enumeration: the average over every path of its weighted cost. */
function meanCost(C: number[][], steps: RefStep[], subsequence = false): number {
  // gamma -> infinity: every path weighs the same; enumerate with a huge gamma and read E
  const spec = specOf(C.length, C[0]!.length, { gamma: 1e12, steps, subsequence });
  const zero = C.map((row) => row.map(() => 0));
  const { E } = enumerate(zero, spec);
  return E.reduce((s, row, i) => s + row.reduce((t, e, j) => t + e * C[i]![j]!, 0), 0);
}

/** Sharp soft-DTW <E, C> by enumeration. */
function sharp(C: number[][], gamma: number, steps: RefStep[], subsequence = false): number {
  const { E } = enumerate(C, specOf(C.length, C[0]!.length, { gamma, steps, subsequence }));
  return E.reduce((s, row, i) => s + row.reduce((t, e, j) => t + e * C[i]![j]!, 0), 0);
}

const STEPS: [string, RefStep[]][] = [
  ['classic', CLASSIC],
  [
    'weighted classic',
    [
      [1, 0, 1],
      [0, 1, 1],
      [1, 1, 2],
    ],
  ],
  [
    'FMP steps',
    [
      [1, 1, 1],
      [1, 2, 1],
      [2, 1, 1],
    ],
  ],
];

describe('divergences: the three variants against enumeration', () => {
  for (const [name, steps] of STEPS) {
    for (const subsequence of [false, true]) {
      it(`${name}${subsequence ? ', subsequence' : ''}: soft, sharp and mean-cost divergences`, () => {
        const r = rng(81);
        const x = randn(3, 2, r);
        const y = randn(4, 2, r);
        const s = steps.map(([di, dj, weight]) => ({ di, dj, weight }));
        const gamma = 0.7;
        const o = { steps: s, subsequence, gamma };
        const terms = (f: (C: number[][]) => number) =>
          f(sq(x, y)) - 0.5 * f(sq(x, x)) - 0.5 * f(sq(y, y));
        const want = {
          soft: terms(
            (C) =>
              enumerate(C, specOf(C.length, C[0]!.length, { gamma, steps, subsequence })).value,
          ),
          sharp: terms((C) => sharp(C, gamma, steps, subsequence)),
          'mean-cost': terms((C) => meanCost(C, steps, subsequence)),
        };
        for (const variant of ['soft', 'sharp', 'mean-cost'] as const) {
          const got = onBothPaths(() => softDtwDivergence(x, y, { ...o, variant }));
          expect(got.wasm).toBe(got.js);
          expectClose(got.js, want[variant], 1e-10, 1e-10);
        }
        expectClose(
          sharpSoftDtw(x, y, o),
          sharp(sq(x, y), gamma, steps, subsequence),
          1e-10,
          1e-10,
        );
      });
    }
  }

  it('the mean cost does not depend on gamma', () => {
    const r = rng(82);
    const x = randn(5, 2, r);
    const y = randn(6, 2, r);
    const a = softDtwDivergence(x, y, { variant: 'mean-cost', gamma: 0.01 });
    const b = softDtwDivergence(x, y, { variant: 'mean-cost', gamma: 50 });
    expect(a).toBe(b);
  });
});

describe('divergences: gradients equal central finite differences', () => {
  const cases: [string, SoftDtwDivergenceOptions][] = [
    ['sharp', { variant: 'sharp', gamma: 0.5 }],
    [
      'sharp, FMP steps, subsequence, normalize n+m',
      {
        variant: 'sharp',
        steps: [
          { di: 1, dj: 1 },
          { di: 1, dj: 2 },
          { di: 2, dj: 1 },
        ],
        subsequence: true,
        normalize: 'n+m',
      },
    ],
    ['mean-cost', { variant: 'mean-cost' }],
    [
      'mean-cost, Itakura band, open end',
      {
        variant: 'mean-cost',
        band: { kind: 'itakura', slope: 3 },
        openEnd: 'both',
      },
    ],
    ['soft, weighted steps, prior', { stepWeights: [1, 1, 2], prior: { weight: 0.5, nu: 4 } }],
  ];
  for (const [name, options] of cases) {
    it(`${name}: d/dx and d/dy`, () => {
      const r = rng(83);
      const x = randn(5, 2, r);
      const y = randn(6, 2, r);
      const res = softDtwDivergenceValueAndGrad(x, y, { ...options, gradY: true });
      expectClose(res.value, softDtwDivergence(x, y, options), 1e-12, 1e-12);
      const h = 1e-6;
      for (const [which, seq, grad] of [
        ['x', x, res.grad as Tensor],
        ['y', y, res.gradY as Tensor],
      ] as const) {
        for (let i = 0; i < seq.length; i++) {
          for (let d = 0; d < 2; d++) {
            const plus = seq.map((row) => row.slice());
            const minus = seq.map((row) => row.slice());
            plus[i]![d] = plus[i]![d]! + h;
            minus[i]![d] = minus[i]![d]! - h;
            const f = (s: number[][]) =>
              which === 'x' ? softDtwDivergence(s, y, options) : softDtwDivergence(x, s, options);
            expectClose(grad.get(i, d), (f(plus) - f(minus)) / (2 * h), 1e-6, 1e-7);
          }
        }
      }
    });
  }
});

describe('divergences: laws (fast-check)', () => {
  const seqArb = (maxN: number) =>
    fc
      .tuple(fc.integer({ min: 1, max: maxN }), fc.integer({ min: 1, max: 3 }), fc.integer())
      .map(([n, d, seed]) => ({ n, d, seed }));

  // The soft-DTW divergence is non-negative for any lengths (Blondel, Mensch, Vert 2021,
  // Proposition 2: exp(-C / gamma) is a positive definite kernel for the squared Euclidean cost).
  // The sharp and mean-cost divergences are non-negative for equal lengths: then the three mean
  // alignments coincide and are symmetric, and the mean-cost divergence is tr(Z^T E_mean Z) with
  // Z = x - y (observed >= 0; the sharp one tends to it as gamma grows). For N != M both can be
  // negative: see the counterexample below.
  for (const variant of ['soft', 'sharp', 'mean-cost'] as const) {
    it(`${variant}: non-negative for the squared Euclidean cost${variant === 'soft' ? '' : ' and N = M'}, and 0 at x = y`, () => {
      fc.assert(
        fc.property(
          seqArb(8),
          fc.integer({ min: 1, max: 8 }),
          fc.double({ min: 0.01, max: 1000, noNaN: true }),
          ({ n, d, seed }, m0, gamma) => {
            const r = rng(seed);
            const m = variant === 'soft' ? m0 : n;
            const x = randn(n, d, r);
            const y = randn(m, d, r);
            const v = softDtwDivergence(x, y, { variant, gamma });
            const scale = softDtw(x, y, { gamma }) + 1;
            expect(v).toBeGreaterThanOrEqual(-1e-12 * Math.abs(scale));
            expect(softDtwDivergence(x, x, { variant, gamma })).toBe(0);
          },
        ),
        { numRuns: 200 },
      );
    });
  }

  it('sharp and mean-cost can be negative when N != M (a counterexample: 4 frames against 1)', () => {
    // x = (1, -2, 2, -1) swings: every alignment with y = (0) costs |x|^2 = 10, but the mean
    // alignment of x with itself puts weight on its off-diagonal pairs, which cost up to 16 each.
    const x = [[1], [-2], [2], [-1]];
    const y = [[0]];
    expectClose(softDtwDivergence(x, y, { variant: 'mean-cost' }), -34 / 9, 1e-12);
    expect(softDtwDivergence(x, y, { variant: 'mean-cost' })).toBeLessThan(0);
    expect(softDtwDivergence(x, y, { variant: 'sharp', gamma: 100 })).toBeLessThan(0);
    expect(softDtwDivergence(x, y, { variant: 'soft', gamma: 100 })).toBeGreaterThan(0);
  });

  it('refuses an unknown variant, and variant on the other losses', () => {
    const x = [[0], [1]];
    expect(code(() => softDtwDivergence(x, x, { variant: 'hard' } as never))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => softDtw(x, x, { variant: 'sharp' } as never))).toBe('INVALID_OPTION');
  });
});
