import { type Tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  dtw,
  sharpSoftDtw,
  sharpSoftDtwValueAndGrad,
  softDtw,
  softDtwDivergence,
  softDtwDivergenceValueAndGrad,
  softDtwFromCost,
} from '../src/index.js';
import { enumerate, expectClose, fd, randn, rng } from './reference.js';

const sq = (x: number[][], y: number[][]) =>
  x.map((a) => y.map((b) => a.reduce((s, v, d) => s + (v - b[d]!) ** 2, 0)));

describe('softDtwDivergence', () => {
  it('is sdtw(x, y) - sdtw(x, x) / 2 - sdtw(y, y) / 2', () => {
    const r = rng(1);
    const x = randn(5, 3, r);
    const y = randn(7, 3, r);
    const o = { gamma: 0.7 };
    const want = softDtw(x, y, o) - softDtw(x, x, o) / 2 - softDtw(y, y, o) / 2;
    expectClose(softDtwDivergence(x, y, o), want, 1e-13);
  });

  it('is zero at x = y', () => {
    const x = randn(6, 2, rng(2));
    expect(softDtwDivergence(x, x, { gamma: 0.3, stepWeights: [1, 1, 2] })).toBe(0);
  });

  it('has gradients w.r.t. x and y equal to finite differences (weights, band, prior)', () => {
    const r = rng(3);
    const x = randn(5, 2, r);
    const y = randn(6, 2, r);
    const o = {
      gamma: 0.4,
      stepWeights: [1, 1.3, 1.8] as const,
      bandwidth: 2,
      prior: { weight: 0.5, nu: 4 },
      gradY: true,
    };
    const res = softDtwDivergenceValueAndGrad(x, y, o);
    const gx = toNested(res.grad as Tensor) as number[][];
    const gy = toNested(res.gradY as Tensor) as number[][];
    for (let i = 0; i < 5; i++)
      for (let d = 0; d < 2; d++)
        expectClose(
          gx[i]![d]!,
          fd((v) => softDtwDivergence(v, y, o), x, i, d),
          2e-7,
          1e-9,
        );
    for (let j = 0; j < 6; j++)
      for (let d = 0; d < 2; d++)
        expectClose(
          gy[j]![d]!,
          fd((v) => softDtwDivergence(x, v, o), y, j, d),
          2e-7,
          1e-9,
        );
  });

  it('has zero gradient at x = y', () => {
    const x = randn(6, 2, rng(4));
    const { grad } = softDtwDivergenceValueAndGrad(x, x, { gamma: 0.5 });
    for (const g of (grad as Tensor).data) expect(Math.abs(g)).toBeLessThan(1e-12);
  });
});

describe('sharpSoftDtw', () => {
  it('equals the expected path cost <E, C> under the Gibbs distribution over alignments', () => {
    const r = rng(5);
    const x = randn(4, 2, r);
    const y = randn(5, 2, r);
    const C = sq(x, y);
    const ref = enumerate(C, { gamma: 0.6, weights: [1, 2, 1.5] });
    const expected = ref.E.reduce(
      (s, row, i) => s + row.reduce((t, e, j) => t + e * C[i]![j]!, 0),
      0,
    );
    expectClose(sharpSoftDtw(x, y, { gamma: 0.6, stepWeights: [1, 2, 1.5] }), expected, 1e-12);
  });

  it('lies between dtw and the soft-DTW value plus gamma log(number of alignments)', () => {
    const r = rng(6);
    const x = randn(4, 2, r);
    const y = randn(5, 2, r);
    const C = sq(x, y);
    const { count } = enumerate(C, { gamma: 1 });
    const hard = dtw(C).cost;
    for (const gamma of [2, 0.5, 0.05]) {
      const s = sharpSoftDtw(x, y, { gamma });
      expect(s).toBeGreaterThanOrEqual(hard - 1e-12);
      // <E, C> = sdtw + gamma H(p) and the entropy H(p) <= log(count).
      expect(s).toBeLessThanOrEqual(softDtw(x, y, { gamma }) + gamma * Math.log(count) + 1e-12);
    }
    expectClose(sharpSoftDtw(x, y, { gamma: 1e-4 }), hard, 1e-6);
  });

  for (const [name, opts] of [
    ['unit weights', { gamma: 0.5 }],
    [
      'step weights, band and prior',
      { gamma: 0.3, stepWeights: [1.5, 1, 2], bandwidth: 1, prior: { weight: 0.4, nu: 2 } },
    ],
  ] as const) {
    it(`has the exact gradient w.r.t. x and y (finite differences, ${name})`, () => {
      const r = rng(7);
      const x = randn(5, 3, r);
      const y = randn(4, 3, r);
      const o = { ...opts, gradY: true };
      const res = sharpSoftDtwValueAndGrad(x, y, o);
      const gx = toNested(res.grad as Tensor) as number[][];
      const gy = toNested(res.gradY as Tensor) as number[][];
      for (let i = 0; i < 5; i++)
        for (let d = 0; d < 3; d++)
          expectClose(
            gx[i]![d]!,
            fd((v) => sharpSoftDtw(v, y, o), x, i, d),
            2e-7,
            1e-9,
          );
      for (let j = 0; j < 4; j++)
        for (let d = 0; d < 3; d++)
          expectClose(
            gy[j]![d]!,
            fd((v) => sharpSoftDtw(x, v, o), y, j, d),
            2e-7,
            1e-9,
          );
    });
  }

  it('differs from the soft-DTW gradient by the Hessian term (not just E pulled back)', () => {
    const r = rng(8);
    const x = randn(4, 2, r);
    const y = randn(4, 2, r);
    const sharp = sharpSoftDtwValueAndGrad(x, y, { gamma: 1 }).grad as Tensor;
    const C = sq(x, y);
    const E = toNested(softDtwFromCost(C, { gamma: 1 }).alignment) as number[][];
    // J^T E for the squared Euclidean cost.
    const naive = x.map((a, i) =>
      a.map((v, d) => y.reduce((s, b, j) => s + 2 * E[i]![j]! * (v - b[d]!), 0)),
    );
    const diff = Array.from(sharp.data).reduce((s, g, k) => s + Math.abs(g - naive.flat()[k]!), 0);
    expect(diff).toBeGreaterThan(1e-3);
  });

  it('stays finite for gamma = 1e-4 and costs of 1e6', () => {
    const r = rng(9);
    const x = randn(12, 2, r).map((row) => row.map((v) => 1e3 * v));
    const y = randn(9, 2, r).map((row) => row.map((v) => 1e3 * v));
    for (const gamma of [1e-4, 1e4]) {
      const res = sharpSoftDtwValueAndGrad(x, y, { gamma, gradY: true });
      expect(Number.isFinite(res.value)).toBe(true);
      expect(Array.from((res.grad as Tensor).data).every(Number.isFinite)).toBe(true);
      expect(Array.from((res.gradY as Tensor).data).every(Number.isFinite)).toBe(true);
    }
  });
});
