import { type Tensor, tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  dtw,
  softDtw,
  softDtwDivergence,
  softDtwFromCost,
  softDtwValueAndGrad,
} from '../src/index.js';
import { code } from './error-code.js';
import {
  enumerate,
  expectClose,
  fd,
  forwardBackward,
  inBand,
  randomMatrix,
  rng,
} from './reference.js';

const nested = (t: ReturnType<typeof softDtwFromCost>['alignment']) => toNested(t) as number[][];
const zeros = (n: number, d: number) => Array.from({ length: n }, () => new Array(d).fill(0));
const ones = (n: number, d: number) => Array.from({ length: n }, () => new Array(d).fill(1));

describe('softDtwFromCost: published values', () => {
  // tslearn-team/tslearn, tslearn/tests/test_metrics.py (test_soft_dtw_loss_pytorch), gamma = 1,
  // squared Euclidean cost. tslearn computes these in float32 (torch) and checks them with numpy's
  // assert_allclose default rtol = 1e-7, the precision the published digits carry. In float64 the
  // values are 91.98061035026274 and -14.19570093408344 (a plain numpy recursion gives the same).
  const TSLEARN_RTOL = 1e-7;
  it('matches tslearn for zeros(10, 8) vs ones(12, 8): 91.9806137', () => {
    const v = softDtw(zeros(10, 8), ones(12, 8), { gamma: 1 });
    expectClose(v, 91.9806137, TSLEARN_RTOL);
    expectClose(v, 91.98061035026274, 1e-14);
  });

  it('matches tslearn for zeros(10, 8) vs zeros(10, 8): -14.1957006', () => {
    const v = softDtw(zeros(10, 8), zeros(10, 8), { gamma: 1 });
    expectClose(v, -14.1957006, TSLEARN_RTOL);
    expectClose(v, -14.19570093408344, 1e-14);
  });

  it('matches tslearn for the normalised loss (divergence) of zeros(10, 8) vs ones(12, 8): 107.89006805', () => {
    expectClose(softDtwDivergence(zeros(10, 8), ones(12, 8)), 107.89006805, TSLEARN_RTOL);
  });

  it('gives the exact combinatorial gradient for zeros(10, 8) vs ones(12, 8), l1 cost, gamma 0.1', () => {
    // Every cost is 8, so at gamma = 0.1 only the shortest alignments count (the next ones are
    // e^-80 lighter): 9 diagonal and 2 horizontal steps in any order, 55 paths. Each horizontal
    // step falls before the first, between two, or after the last of the 9 diagonals with
    // probability 1/10 each, so every row of E sums to 1 + 2/10 and dL/dx = -1.2 per feature
    // (sign(0 - 1) = -1). tslearn's test of the same case prints rows of -1.2222 and -1.0 (times
    // 1/5 for its batch mean); its sum over rows is also 12, but the split differs from the exact
    // one, which this package reproduces (checked against enumeration and finite differences).
    const { grad } = softDtwValueAndGrad(zeros(10, 8), ones(12, 8), { gamma: 0.1, cost: 'l1' });
    for (const g of (grad as Tensor).data) expectClose(g, -1.2, 1e-12);
  });
});

describe('softDtwFromCost: against independent references', () => {
  const cases: {
    name: string;
    N: number;
    M: number;
    opts: Parameters<typeof softDtwFromCost>[1];
  }[] = [
    { name: 'square, gamma 1', N: 4, M: 4, opts: { gamma: 1 } },
    { name: 'N < M, gamma 0.3', N: 3, M: 5, opts: { gamma: 0.3 } },
    { name: 'N > M, gamma 2', N: 5, M: 3, opts: { gamma: 2 } },
    { name: 'step weights [1, 1, 2]', N: 4, M: 5, opts: { gamma: 0.5, stepWeights: [1, 1, 2] } },
    {
      name: 'step weights [2, 0.5, 1.5]',
      N: 5,
      M: 4,
      opts: { gamma: 0.7, stepWeights: [2, 0.5, 1.5] },
    },
    { name: 'band 0, N != M', N: 5, M: 3, opts: { gamma: 0.5, bandwidth: 0 } },
    {
      name: 'band 1 with weights',
      N: 4,
      M: 6,
      opts: { gamma: 0.4, bandwidth: 1, stepWeights: [1, 2, 1] },
    },
  ];
  for (const c of cases) {
    it(`value and alignment equal the soft minimum over every alignment (${c.name})`, () => {
      const r = rng(c.N * 31 + c.M);
      const C = randomMatrix(c.N, c.M, r, 3);
      const o = c.opts!;
      const ref = enumerate(C, {
        gamma: o.gamma!,
        weights: o.stepWeights as [number, number, number] | undefined,
        bandwidth: o.bandwidth,
      });
      const got = softDtwFromCost(C, o);
      expectClose(got.value, ref.value, 1e-12, 1e-12);
      const E = nested(got.alignment);
      for (let i = 0; i < c.N; i++) {
        for (let j = 0; j < c.M; j++) expectClose(E[i]![j]!, ref.E[i]![j]!, 1e-10, 1e-13);
      }
    });
  }

  it('equals a forward-backward (log-partition) computation on a 23 x 17 matrix with weights and band', () => {
    const C = randomMatrix(23, 17, rng(7), 2);
    const o = { gamma: 0.3, stepWeights: [1.5, 1, 2] as [number, number, number], bandwidth: 3 };
    const ref = forwardBackward(C, { gamma: 0.3, weights: o.stepWeights, bandwidth: 3 });
    const got = softDtwFromCost(C, o);
    expectClose(got.value, ref.value, 1e-12);
    const E = nested(got.alignment);
    for (let i = 0; i < 23; i++) {
      for (let j = 0; j < 17; j++) expectClose(E[i]![j]!, ref.E[i]![j]!, 1e-9, 1e-14);
    }
  });

  it('is zero outside the band and the band keeps (0, 0) and (N-1, M-1)', () => {
    const C = randomMatrix(9, 4, rng(3));
    const E = nested(softDtwFromCost(C, { bandwidth: 0 }).alignment);
    for (let i = 0; i < 9; i++) {
      for (let j = 0; j < 4; j++) if (!inBand(i, j, 9, 4, 0)) expect(E[i]![j]).toBe(0);
    }
    expectClose(E[0]![0]!, 1, 1e-14);
    expectClose(E[8]![3]!, 1, 1e-14);
  });
});

describe('softDtwFromCost: the alignment is the gradient', () => {
  it('equals central finite differences of the value (weights, band, prior)', () => {
    const C = randomMatrix(6, 8, rng(11), 2);
    const opts = {
      gamma: 0.5,
      stepWeights: [1, 1.5, 2] as const,
      bandwidth: 2,
      prior: { weight: 0.7, nu: 3 },
    };
    const E = nested(softDtwFromCost(C, opts).alignment);
    const f = (c: number[][]) => softDtwFromCost(c, opts).value;
    for (let i = 0; i < 6; i++) {
      for (let j = 0; j < 8; j++) expectClose(E[i]![j]!, fd(f, C, i, j), 1e-7, 1e-9);
    }
  });

  it('has every row sum >= 1 with unit weights (each row is visited at least once)', () => {
    const C = randomMatrix(7, 12, rng(5), 4);
    const E = nested(softDtwFromCost(C, { gamma: 0.8 }).alignment);
    for (const row of E) expect(row.reduce((a, b) => a + b, 0)).toBeGreaterThanOrEqual(1 - 1e-12);
  });

  it('returns each item of a batch [B, N, M] with the mean as value', () => {
    const A = randomMatrix(4, 5, rng(1));
    const B = randomMatrix(4, 5, rng(2));
    const got = softDtwFromCost([A, B], { gamma: 0.5 });
    const a = softDtwFromCost(A, { gamma: 0.5 });
    const b = softDtwFromCost(B, { gamma: 0.5 });
    expect(got.perItem).toEqual([a.value, b.value]);
    expect(got.value).toBeCloseTo((a.value + b.value) / 2, 14);
    expect(toNested(got.alignment)).toEqual([toNested(a.alignment), toNested(b.alignment)]);
  });

  it('keeps float32 input as float32 output', () => {
    const C = tensor(new Float32Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    expect(softDtwFromCost(C).alignment.data).toBeInstanceOf(Float32Array);
  });

  it('does not mutate the cost matrix', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const copy = data.slice();
    softDtwFromCost(tensor(data, [2, 3]), { prior: { weight: 1 } });
    expect(data).toEqual(copy);
  });
});

describe('softDtwFromCost: limits and stability', () => {
  it('approaches dtw as gamma -> 0, within gamma * log(number of alignments)', () => {
    const C = randomMatrix(4, 5, rng(9), 3);
    const { count } = enumerate(C, { gamma: 1 });
    const hard = dtw(C).cost;
    for (const gamma of [1, 0.1, 0.01, 0.001, 1e-4]) {
      const v = softDtwFromCost(C, { gamma }).value;
      expect(v).toBeLessThanOrEqual(hard + 1e-12);
      expect(v).toBeGreaterThanOrEqual(hard - gamma * Math.log(count) - 1e-12);
    }
  });

  it('stays finite for gamma = 1e-4 and costs of 1e6', () => {
    const C = randomMatrix(30, 40, rng(4), 1e6);
    for (const gamma of [1e-4, 1, 1e4]) {
      const { value, alignment } = softDtwFromCost(C, {
        gamma,
        stepWeights: [1, 1, 2],
        bandwidth: 5,
      });
      expect(Number.isFinite(value)).toBe(true);
      for (const e of alignment.data) expect(Number.isFinite(e) && e >= 0).toBe(true);
    }
  });

  it('gives a 0/1 path alignment at gamma = 1e-4 when the optimum is unique', () => {
    const C = randomMatrix(8, 8, rng(12), 10);
    const { alignment } = softDtwFromCost(C, { gamma: 1e-4 });
    const E = nested(alignment);
    const { path } = dtw(C);
    const onPath = new Set(path.map(([i, j]) => `${i},${j}`));
    for (let i = 0; i < 8; i++) {
      for (let j = 0; j < 8; j++) expect(E[i]![j]!).toBeCloseTo(onPath.has(`${i},${j}`) ? 1 : 0, 6);
    }
  });
});

describe('softDtwFromCost: bad input', () => {
  const C = [
    [1, 2],
    [3, 4],
  ];
  it('refuses gamma = 0 and points to dtw', () => {
    expect(() => softDtwFromCost(C, { gamma: 0 })).toThrow(/dtw/);
  });
  it('refuses gamma below 1e-4, negative or not a number', () => {
    expect(code(() => softDtwFromCost(C, { gamma: 1e-5 }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { gamma: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { gamma: Number.NaN }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { gamma: '1' as unknown as number }))).toBe(
      'INVALID_OPTION',
    );
  });
  it('refuses step weights that are not three finite non-negative numbers', () => {
    for (const w of [[1, 1], [1, 1, -1], [1, 1, Number.POSITIVE_INFINITY], 'x'] as unknown[]) {
      expect(code(() => softDtwFromCost(C, { stepWeights: w as number[] }))).toBe('INVALID_OPTION');
    }
  });
  it('refuses a negative or fractional bandwidth', () => {
    expect(code(() => softDtwFromCost(C, { bandwidth: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { bandwidth: 1.5 }))).toBe('INVALID_OPTION');
  });
  it('refuses a bad prior', () => {
    expect(code(() => softDtwFromCost(C, { prior: { weight: -1 } }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { prior: { weight: 1, nu: 0 } }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwFromCost(C, { prior: { weight: 1, mu: 2 } as never }))).toBe(
      'INVALID_OPTION',
    );
  });
  it('refuses unknown options', () => {
    expect(code(() => softDtwFromCost(C, { gama: 1 } as never))).toBe('INVALID_OPTION');
  });
  it('refuses matrices of the wrong rank, empty or non-finite', () => {
    expect(code(() => softDtwFromCost([1, 2, 3]))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtwFromCost([[]]))).toBe('EMPTY');
    expect(code(() => softDtwFromCost([[1, Number.NaN]]))).toBe('NON_FINITE');
    expect(code(() => softDtwFromCost([[1, Number.POSITIVE_INFINITY]]))).toBe('NON_FINITE');
    expect(code(() => softDtwFromCost(null as never))).toBe('INVALID_TYPE');
  });
});
