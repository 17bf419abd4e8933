import { type Tensor, tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  COST_NAMES,
  type CostOption,
  softDtw,
  softDtwFromCost,
  softDtwValueAndGrad,
  type UserCost,
} from '../src/index.js';
import { code } from './error-code.js';
import { expectClose, fd, randn, randomMatrix, rng } from './reference.js';

const sig = (t: number) => 1 / (1 + Math.exp(-t));

/** The frame cost written directly from its definition (for the cost-matrix checks). */
function frameCost(name: string, a: number[], b: number[]): number {
  const D = a.length;
  const dot = a.reduce((s, v, d) => s + v * b[d]!, 0);
  const na = Math.hypot(...a);
  const nb = Math.hypot(...b);
  switch (name) {
    case 'sqeuclidean':
      return a.reduce((s, v, d) => s + (v - b[d]!) ** 2, 0);
    case 'euclidean':
      return Math.sqrt(a.reduce((s, v, d) => s + (v - b[d]!) ** 2, 0));
    case 'cosine':
      return 1 - dot / (na * nb);
    case 'l1':
      return a.reduce((s, v, d) => s + Math.abs(v - b[d]!), 0);
    case 'bce':
      return -a.reduce((s, p, d) => s + b[d]! * Math.log(p) + (1 - b[d]!) * Math.log(1 - p), 0) / D;
    default: // bceLogits
      return (
        -a.reduce(
          (s, t, d) => s + b[d]! * Math.log(sig(t)) + (1 - b[d]!) * Math.log(1 - sig(t)),
          0,
        ) / D
      );
  }
}

/** Inputs in each cost's domain, away from its non-differentiable points. */
function inputs(name: string, seed: number, N: number, M: number, D: number) {
  const r = rng(seed);
  if (name === 'bce') {
    return {
      x: randomMatrix(N, D, r).map((row) => row.map((v) => 0.05 + 0.9 * v)),
      y: randomMatrix(M, D, r).map((row) => row.map((v) => (v > 0.5 ? 1 : 0))),
    };
  }
  if (name === 'bceLogits') {
    return {
      x: randn(N, D, r),
      y: randomMatrix(M, D, r).map((row) => row.map((v) => (v > 0.5 ? 1 : 0))),
    };
  }
  return { x: randn(N, D, r), y: randn(M, D, r) };
}

describe('costs: the cost matrix', () => {
  for (const name of COST_NAMES) {
    it(`${name}: soft-DTW of sequences equals soft-DTW of the cost matrix written from the definition`, () => {
      const { x, y } = inputs(name, 3, 5, 6, 4);
      const C = x.map((a) => y.map((b) => frameCost(name, a, b)));
      const direct = softDtwFromCost(C, { gamma: 0.4 }).value;
      expectClose(softDtw(x, y, { cost: name, gamma: 0.4 }), direct, 1e-13, 1e-13);
    });
  }
});

describe('costs: gradients equal central finite differences', () => {
  for (const name of COST_NAMES) {
    it(`${name}: d value / dx and d value / dy`, () => {
      const { x, y } = inputs(name, 17, 6, 5, 3);
      const opts = { cost: name, gamma: 0.3, stepWeights: [1, 1.5, 2] as const, gradY: true };
      const res = softDtwValueAndGrad(x, y, opts);
      const gx = toNested(res.grad as Tensor) as number[][];
      const gy = toNested(res.gradY as Tensor) as number[][];
      for (let i = 0; i < x.length; i++) {
        for (let d = 0; d < 3; d++) {
          expectClose(
            gx[i]![d]!,
            fd((v) => softDtw(v, y, opts), x, i, d),
            2e-7,
            1e-9,
          );
        }
      }
      if (name === 'bce' || name === 'bceLogits') {
        // Targets may be any value in [0, 1]: differentiate at interior points.
        const ys = y.map((row) => row.map((v) => 0.2 + 0.6 * v));
        const g2 = toNested(softDtwValueAndGrad(x, ys, opts).gradY as Tensor) as number[][];
        for (let j = 0; j < ys.length; j++) {
          for (let d = 0; d < 3; d++) {
            expectClose(
              g2[j]![d]!,
              fd((v) => softDtw(x, v, opts), ys, j, d),
              2e-7,
              1e-9,
            );
          }
        }
        return;
      }
      for (let j = 0; j < y.length; j++) {
        for (let d = 0; d < 3; d++) {
          expectClose(
            gy[j]![d]!,
            fd((v) => softDtw(x, v, opts), y, j, d),
            2e-7,
            1e-9,
          );
        }
      }
    });
  }

  it('a user cost gets the gradient through its own vjp', () => {
    // c(x, y) = sum_d (x_d - 2 y_d)^2 as a user cost.
    const user: UserCost = {
      matrix(x, y) {
        const [N, D] = x.shape as [number, number];
        const M = y.shape[0]!;
        const out = new Float64Array(N * M);
        for (let i = 0; i < N; i++)
          for (let j = 0; j < M; j++)
            for (let d = 0; d < D; d++) out[i * M + j] += (x.get(i, d) - 2 * y.get(j, d)) ** 2;
        return tensor(out, [N, M]);
      },
      vjp(x, y, G) {
        const [N, D] = x.shape as [number, number];
        const M = y.shape[0]!;
        const gx = new Float64Array(N * D);
        const gy = new Float64Array(M * D);
        for (let i = 0; i < N; i++)
          for (let j = 0; j < M; j++)
            for (let d = 0; d < D; d++) {
              const t = 2 * G.get(i, j) * (x.get(i, d) - 2 * y.get(j, d));
              gx[i * D + d] += t;
              gy[j * D + d] -= 2 * t;
            }
        return { x: tensor(gx, [N, D]), y: tensor(gy, [M, D]) };
      },
    };
    const { x, y } = inputs('sqeuclidean', 5, 4, 5, 2);
    const opts = { cost: user, gamma: 0.5, gradY: true };
    const res = softDtwValueAndGrad(x, y, opts);
    const gx = toNested(res.grad as Tensor) as number[][];
    const gy = toNested(res.gradY as Tensor) as number[][];
    for (let i = 0; i < 4; i++)
      for (let d = 0; d < 2; d++)
        expectClose(
          gx[i]![d]!,
          fd((v) => softDtw(v, y, opts), x, i, d),
          2e-7,
          1e-9,
        );
    for (let j = 0; j < 5; j++)
      for (let d = 0; d < 2; d++)
        expectClose(
          gy[j]![d]!,
          fd((v) => softDtw(x, v, opts), y, j, d),
          2e-7,
          1e-9,
        );
    // Same value as the built-in squared Euclidean cost on (x, 2 y).
    const y2 = y.map((r) => r.map((v) => 2 * v));
    expectClose(res.value, softDtw(x, y2, { gamma: 0.5 }), 1e-13);
  });
});

describe('costs: conventions at non-differentiable points', () => {
  const finite = (t: Tensor) => Array.from(t.data).every(Number.isFinite);
  it('euclidean: zero distance gives a zero gradient, no NaN', () => {
    const x = [
      [1, 2],
      [3, 4],
    ];
    const res = softDtwValueAndGrad(x, x, { cost: 'euclidean', gradY: true });
    expect(finite(res.grad as Tensor) && finite(res.gradY as Tensor)).toBe(true);
  });
  it('cosine: a zero frame has cost 1 and gets a zero gradient, no NaN', () => {
    const x = [
      [0, 0],
      [1, 1],
    ];
    const y = [
      [1, 0],
      [0, 0],
    ];
    const res = softDtwValueAndGrad(x, y, { cost: 'cosine', gradY: true });
    expect(finite(res.grad as Tensor) && finite(res.gradY as Tensor)).toBe(true);
    const g = toNested(res.grad as Tensor) as number[][];
    expect(g[0]).toEqual([0, 0]);
    const C = softDtwFromCost([
      [1, 1],
      [1 - Math.SQRT1_2, 1],
    ]).value;
    expectClose(res.value, C, 1e-14);
  });
  it('l1: equal coordinates give a zero gradient (sign(0) = 0)', () => {
    const res = softDtwValueAndGrad([[1, 2]], [[1, 3]], { cost: 'l1' });
    expect(Array.from((res.grad as Tensor).data)).toEqual([0, -1]);
  });
  it('bce: probabilities of exactly 0 and 1 stay finite (logs clamped at -100)', () => {
    const x = [
      [0, 1],
      [1, 0],
    ];
    const y = [
      [1, 1],
      [0, 0],
    ];
    const res = softDtwValueAndGrad(x, y, { cost: 'bce', gradY: true });
    expect(Number.isFinite(res.value)).toBe(true);
    expect(finite(res.grad as Tensor) && finite(res.gradY as Tensor)).toBe(true);
  });
  it('bceLogits: huge logits stay finite', () => {
    const res = softDtwValueAndGrad([[1e6, -1e6]], [[0, 1]], { cost: 'bceLogits' });
    expect(Number.isFinite(res.value)).toBe(true);
    expect(finite(res.grad as Tensor)).toBe(true);
  });
});

describe('costs: bad input', () => {
  const x = [
    [0.2, 0.4],
    [0.6, 0.8],
  ];
  it('refuses an unknown cost name or an object without matrix and vjp', () => {
    expect(code(() => softDtw(x, x, { cost: 'hamming' as CostOption }))).toBe('INVALID_OPTION');
    expect(code(() => softDtw(x, x, { cost: { matrix: () => [] } as never }))).toBe(
      'INVALID_OPTION',
    );
  });
  it('refuses bce probabilities or targets outside [0, 1]', () => {
    expect(code(() => softDtw([[1.2, 0]], x, { cost: 'bce' }))).toBe('INVALID_OPTION');
    expect(code(() => softDtw(x, [[-0.1, 0]], { cost: 'bce' }))).toBe('INVALID_OPTION');
    expect(code(() => softDtw([[5, -5]], [[2, 0]], { cost: 'bceLogits' }))).toBe('INVALID_OPTION');
  });
  it('refuses a user cost matrix of the wrong shape or with NaN', () => {
    const bad = (m: unknown): UserCost => ({ matrix: () => m as never, vjp: () => ({ x: [] }) });
    expect(code(() => softDtw(x, x, { cost: bad([[1, 2]]) }))).toBe('SHAPE_MISMATCH');
    expect(
      code(() =>
        softDtw(x, x, {
          cost: bad([
            [1, Number.NaN],
            [1, 2],
          ]),
        }),
      ),
    ).toBe('NON_FINITE');
  });
  it('refuses a user vjp of the wrong shape, or without y when y is needed', () => {
    const C = [
      [1, 2],
      [3, 4],
    ];
    const u = (v: unknown): UserCost => ({ matrix: () => C, vjp: () => v as never });
    expect(code(() => softDtwValueAndGrad(x, x, { cost: u({ x: [[1, 2]] }) }))).toBe(
      'SHAPE_MISMATCH',
    );
    expect(code(() => softDtwValueAndGrad(x, x, { cost: u(null) }))).toBe('INVALID_TYPE');
    expect(code(() => softDtwValueAndGrad(x, x, { cost: u({ x }), gradY: true }))).toBe(
      'INVALID_TYPE',
    );
  });
  it('refuses sequences of different feature sizes, ranks or batch sizes', () => {
    expect(code(() => softDtw(x, [[1, 2, 3]]))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtw([1, 2], [1, 2]))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtw([x], x))).toBe('SHAPE_MISMATCH');
    const a = tensor(new Float64Array(2 * 3 * 2), [2, 3, 2]);
    const b = tensor(new Float64Array(3 * 3 * 2), [3, 3, 2]);
    expect(code(() => softDtw(a, b))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtw(a, x))).toBe('SHAPE_MISMATCH');
  });
  it('refuses lists of different lengths, empty lists and mixed feature sizes', () => {
    expect(code(() => softDtw([x, x], [x]))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtw([], []))).toBe('EMPTY');
    expect(code(() => softDtw([x, [[1, 2, 3]]], [x, [[1, 2, 3]]]))).toBe('SHAPE_MISMATCH');
  });
  it('refuses NaN or infinite frames and a non-boolean gradY', () => {
    expect(code(() => softDtw([[Number.NaN, 1]], x))).toBe('NON_FINITE');
    expect(code(() => softDtw(x, [[Number.POSITIVE_INFINITY, 1]]))).toBe('NON_FINITE');
    expect(code(() => softDtwValueAndGrad(x, x, { gradY: 1 as never }))).toBe('INVALID_OPTION');
  });
});
