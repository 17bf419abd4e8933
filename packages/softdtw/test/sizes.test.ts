import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  ctcLossValueAndGrad,
  diagonalPrior,
  MAX_ELEMENTS,
  sharpSoftDtw,
  softDtw,
  softDtwDivergenceValueAndGrad,
  softDtwValueAndGrad,
  stretchTarget,
} from '../src/index.js';
import { code, refusal } from './error-code.js';

/** Refused within 200 ms: the defect was an allocation of gigabytes before any check. */
const quickly = (f: () => unknown) => refusal(f, 200);

/** A sequence [N, 1] of one repeated value (small to hold, N x M cells with another). */
const column = (N: number) => tensor(new Float64Array(N).fill(0.5), [N, 1]);

describe('sizes: refused before anything is allocated', () => {
  it('documents the limit as 2^28 entries', () => {
    expect(MAX_ELEMENTS).toBe(2 ** 28);
  });

  it('diagonalPrior(2^31, 1) and diagonalPrior(1e5, 1e5) are LossInputErrors naming N x M, within milliseconds', () => {
    for (const [N, M] of [
      [2 ** 31, 1],
      [1, 2 ** 31],
      [1e5, 1e5],
      [2 ** 14 + 1, 2 ** 14],
    ] as const) {
      const e = quickly(() => diagonalPrior(N, M));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.message).toMatch(/N x M/);
      expect(e.message).toMatch(/2\^28/);
    }
  });

  it('diagonalPrior at the limit is still accepted (the check is not off by one)', () => {
    // 2^28 entries would allocate 2 GiB: check the boundary with a cheap shape instead.
    expect(() => diagonalPrior(2 ** 14, 1)).not.toThrow();
    expect(diagonalPrior(1, 2 ** 14).shape).toEqual([1, 2 ** 14]);
  });

  it('stretchTarget(y, 2^31) is a LossInputError within milliseconds, also for N x D over the limit', () => {
    expect(quickly(() => stretchTarget([[1, 2]], 2 ** 31)).code).toBe('INVALID_OPTION');
    expect(quickly(() => stretchTarget([1, 2, 3], 2 ** 31)).code).toBe('INVALID_OPTION');
    const wide = tensor(new Float64Array(2 ** 10), [1, 2 ** 10]);
    const e = quickly(() => stretchTarget(wide, 2 ** 19));
    expect(e.message).toMatch(/N x D/);
  });

  it('a gradient or alignment of more than 2^28 cells is refused before the weight store is allocated', () => {
    // 2^14 + 1 by 2^14 frames: 2^28 + 2^14 cells (the weights would take 6 GiB).
    const x = column(2 ** 14 + 1);
    const y = column(2 ** 14);
    for (const f of [
      () => softDtwValueAndGrad(x, y),
      () => softDtwValueAndGrad([x], [y]),
      () => softDtwDivergenceValueAndGrad(x, y),
      () => sharpSoftDtw(x, y),
    ]) {
      const e = quickly(f);
      expect(e.code).toBe('SHAPE_MISMATCH');
      expect(e.message).toMatch(/2\^28/);
    }
  });

  it('a user cost is refused over the limit before its matrix is asked for, also for the value alone', () => {
    const cost = {
      matrix: () => {
        throw new Error('matrix() must not be called');
      },
      vjp: () => ({ x: [] }),
    };
    const e = quickly(() => softDtw(column(2 ** 14 + 1), column(2 ** 14), { cost }));
    expect(e.code).toBe('SHAPE_MISMATCH');
  });

  it('the divergence counts the cells of sdtw(x, x) and sdtw(y, y) too', () => {
    // N x M is small, N x N is over the limit.
    const e = quickly(() => softDtwDivergenceValueAndGrad(column(2 ** 14 + 1), column(3)));
    expect(e.code).toBe('SHAPE_MISMATCH');
  });

  it('the value alone keeps two rows and is not limited by cells', () => {
    // 2^28 + 2^9 cells, refused with a gradient; on a band of width 0 the value is quick.
    const x = column(2 ** 19 + 1);
    const y = column(2 ** 9);
    expect(code(() => softDtwValueAndGrad(x, y, { bandwidth: 0 }))).toBe('SHAPE_MISMATCH');
    // Every frame equal: each path's cost is 0, so the value is -gamma log(#paths in the band).
    const v = softDtw(x, y, { bandwidth: 0 });
    expect(Number.isFinite(v) && v <= 0).toBe(true);
  });

  it('a step set of more than 3 steps lowers the limit on N x M in proportion (K weights per cell)', () => {
    // 6 steps: at most 2^28 * 3 / 6 = 2^27 cells; 2^14 x (2^13 + 1) is just over.
    const steps = [
      { di: 1, dj: 0 },
      { di: 0, dj: 1 },
      { di: 1, dj: 1 },
      { di: 1, dj: 2 },
      { di: 2, dj: 1 },
      { di: 2, dj: 2 },
    ];
    const e = quickly(() => softDtwValueAndGrad(column(2 ** 14), column(2 ** 13 + 1), { steps }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/6 weights per cell/);
    // the same pair with the classic steps is within the limit (only checked, not run)
    expect(2 ** 14 * (2 ** 13 + 1)).toBeLessThan(MAX_ELEMENTS);
  });

  it('ctcLoss refuses a T x (2L + 1) grid over the limit before anything is allocated', () => {
    // T = 2^15 frames of 3 classes, a label sequence of 2^13: 2^15 x (2^14 + 1) cells.
    const lp = tensor(new Float64Array(2 ** 15 * 3).fill(-1), [2 ** 15, 3]);
    const labels = new Array<number>(2 ** 13).fill(1);
    const e = quickly(() => ctcLossValueAndGrad(lp, labels));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/2L \+ 1/);
  });
});
