import { type Tensor, tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, it } from 'vitest';
import {
  dtw,
  softDtw,
  softDtwDivergence,
  softDtwFromCost,
  softDtwValueAndGrad,
} from '../src/index.js';

const seq = (n: number, d: number) =>
  fc.array(fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: d, maxLength: d }), {
    minLength: n,
    maxLength: n,
  });
const pair = fc
  .record({
    N: fc.integer({ min: 1, max: 7 }),
    M: fc.integer({ min: 1, max: 7 }),
    D: fc.integer({ min: 1, max: 3 }),
  })
  .chain(({ N, M, D }) => fc.tuple(seq(N, D), seq(M, D)));
const gamma = fc.double({ min: 1e-4, max: 10, noNaN: true });
const matrix = fc
  .record({ N: fc.integer({ min: 1, max: 8 }), M: fc.integer({ min: 1, max: 8 }) })
  .chain(({ N, M }) => seq(N, M));

/** Number of monotone alignments of an N x M grid (Delannoy number D(N-1, M-1)). */
function delannoy(N: number, M: number): number {
  const a = Array.from({ length: N }, () => new Array<number>(M).fill(1));
  for (let i = 1; i < N; i++)
    for (let j = 1; j < M; j++) a[i]![j] = a[i - 1]![j]! + a[i]![j - 1]! + a[i - 1]![j - 1]!;
  return a[N - 1]![M - 1]!;
}

describe('laws (fast-check)', () => {
  it('the divergence is non-negative for the squared Euclidean cost', () => {
    fc.assert(
      fc.property(pair, gamma, ([x, y], g) => softDtwDivergence(x, y, { gamma: g }) >= -1e-9),
      { numRuns: 150 },
    );
  });

  it('dtw - gamma log(#alignments) <= soft-DTW <= dtw', () => {
    fc.assert(
      fc.property(matrix, gamma, (C, g) => {
        const v = softDtwFromCost(C, { gamma: g }).value;
        const hard = dtw(C).cost;
        const slack = 1e-9 * (1 + Math.abs(hard));
        return (
          v <= hard + slack && v >= hard - g * Math.log(delannoy(C.length, C[0]!.length)) - slack
        );
      }),
      { numRuns: 150 },
    );
  });

  it('the alignment is finite, non-negative, and each row sums to at least 1', () => {
    fc.assert(
      fc.property(matrix, gamma, (C, g) => {
        const { alignment } = softDtwFromCost(C, { gamma: g });
        const M = C[0]!.length;
        for (let i = 0; i < C.length; i++) {
          let s = 0;
          for (let j = 0; j < M; j++) {
            const e = alignment.data[i * M + j]!;
            if (!(Number.isFinite(e) && e >= 0)) return false;
            s += e;
          }
          if (s < 1 - 1e-9) return false;
        }
        return true;
      }),
      { numRuns: 150 },
    );
  });

  it('soft-DTW is symmetric for a symmetric cost and equal vertical and horizontal weights', () => {
    fc.assert(
      fc.property(pair, gamma, ([x, y], g) => {
        const o = { gamma: g, stepWeights: [1.5, 1.5, 2] as const };
        const a = softDtw(x, y, o);
        const b = softDtw(y, x, o);
        return Math.abs(a - b) <= 1e-9 * (1 + Math.abs(a));
      }),
      { numRuns: 100 },
    );
  });

  it('never mutates the inputs, and keeps shape and float type of x in the gradient', () => {
    fc.assert(
      fc.property(pair, fc.boolean(), ([x, y], single) => {
        const D = x[0]!.length;
        const data = new Float32Array(x.flat());
        const before = data.slice();
        const xt = tensor(single ? data : Float64Array.from(data), [x.length, D]);
        const { grad } = softDtwValueAndGrad(xt, y, { gamma: 0.5 });
        const g = grad as Tensor;
        return (
          data.every((v, k) => v === before[k]) &&
          g.shape.join() === xt.shape.join() &&
          g.data.constructor === xt.data.constructor
        );
      }),
      { numRuns: 100 },
    );
  });
});
