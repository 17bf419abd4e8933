import { tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  diagonalPrior,
  dtw,
  gammaSchedule,
  priorWeightSchedule,
  softDtwFromCost,
  stretchTarget,
} from '../src/index.js';
import { code } from './error-code.js';
import { enumerate, expectClose, randomMatrix, rng } from './reference.js';

describe('diagonalPrior', () => {
  it('is 0 on the linear block of each target and 1 - exp(-d^2 / (2 nu)) off it', () => {
    // N = 6 frames, M = 3 targets: target m owns frames 2m and 2m + 1.
    const P = toNested(diagonalPrior(6, 3, { nu: 2 })) as number[][];
    const blocks = [
      [0, 1],
      [2, 3],
      [4, 5],
    ];
    for (let n = 0; n < 6; n++) {
      for (let m = 0; m < 3; m++) {
        const [a, b] = blocks[m]!;
        const d = Math.max(0, a! - n, n - b!);
        expectClose(P[n]![m]!, 1 - Math.exp(-(d * d) / 4), 1e-15);
      }
    }
  });
  it('has shape [N, M] and a zero diagonal for N = M, default nu = 1000', () => {
    const P = diagonalPrior(4, 4);
    expect(P.shape).toEqual([4, 4]);
    const rows = toNested(P) as number[][];
    for (let i = 0; i < 4; i++) expect(rows[i]![i]).toBe(0);
    expectClose(rows[0]![3]!, 1 - Math.exp(-9 / 2000), 1e-14);
  });
  it('as option prior equals adding weight * P to the cost matrix', () => {
    const C = randomMatrix(5, 7, rng(1));
    const P = toNested(diagonalPrior(5, 7, { nu: 3 })) as number[][];
    const Cp = C.map((row, i) => row.map((c, j) => c + 0.8 * P[i]![j]!));
    const a = softDtwFromCost(C, { prior: { weight: 0.8, nu: 3 } });
    const b = softDtwFromCost(Cp);
    expectClose(a.value, b.value, 1e-14);
    expect(toNested(a.alignment)).toEqual(toNested(b.alignment));
  });
  it('refuses bad sizes and nu', () => {
    expect(code(() => diagonalPrior(0, 3))).toBe('INVALID_OPTION');
    expect(code(() => diagonalPrior(2.5, 3))).toBe('INVALID_OPTION');
    expect(code(() => diagonalPrior(2, 3, { nu: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => diagonalPrior(2, 3, { n: 1 } as never))).toBe('INVALID_OPTION');
  });
});

describe('gammaSchedule and priorWeightSchedule', () => {
  it('holds, decays linearly, then stays at the end value', () => {
    const s = gammaSchedule({ start: 1, end: 0.1, holdSteps: 10, decaySteps: 90 });
    expect(s(0)).toBe(1);
    expect(s(10)).toBe(1);
    expectClose(s(55), 0.55, 1e-15);
    expect(s(100)).toBe(0.1);
    expect(s(1000)).toBe(0.1);
  });
  it('decays geometrically with shape exponential', () => {
    const s = gammaSchedule({ start: 1, end: 0.01, decaySteps: 100, shape: 'exponential' });
    expectClose(s(50), 0.1, 1e-14);
    expectClose(s(25), 10 ** -0.5, 1e-14);
  });
  it('stays finite and between start and end across the whole float64 range (1e-300 to 1e300)', () => {
    const up = gammaSchedule({ start: 1e-300, end: 1e300, decaySteps: 10, shape: 'exponential' });
    const down = gammaSchedule({ start: 1e300, end: 1e-300, decaySteps: 10, shape: 'exponential' });
    expectClose(up(5), 1, 1e-12);
    expectClose(down(5), 1, 1e-12);
    expectClose(up(1), 1e-240, 1e-12);
    for (let step = 0; step <= 10; step++) {
      for (const v of [up(step), down(step)]) expect(v >= 1e-300 && v <= 1e300).toBe(true);
    }
    const linear = priorWeightSchedule({ start: 1.7e308, end: 0, decaySteps: 4 });
    expect(linear(2)).toBe(0.85e308);
  });
  it('lets the prior weight fade to zero linearly', () => {
    const s = priorWeightSchedule({ start: 2, end: 0, decaySteps: 4 });
    expect([0, 1, 2, 3, 4, 5].map(s)).toEqual([2, 1.5, 1, 0.5, 0, 0]);
  });
  it('refuses bad options and negative steps', () => {
    expect(code(() => gammaSchedule({ start: 0, end: 1 }))).toBe('INVALID_OPTION');
    expect(code(() => priorWeightSchedule({ start: 1, end: 0, shape: 'exponential' }))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => gammaSchedule({ start: 1, end: 0.1, decaySteps: 1.5 }))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => gammaSchedule({ start: 1, end: 0.1, shape: 'cosine' as never }))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => gammaSchedule({ start: 1, end: 0.1, hold: 3 } as never))).toBe(
      'INVALID_OPTION',
    );
    expect(code(() => gammaSchedule(undefined as never))).toBe('INVALID_OPTION');
    expect(code(() => gammaSchedule({ start: 1, end: 0.1 })(-1))).toBe('INVALID_OPTION');
  });
});

describe('stretchTarget', () => {
  it('uses idx = floor(n M / N) (linspace without endpoint), so idx stays below M', () => {
    const y = [[0], [1], [2]];
    expect(toNested(stretchTarget(y, 7))).toEqual([[0], [0], [0], [1], [1], [2], [2]]);
    // numpy: np.floor(np.linspace(0, 3, 7, endpoint=False)) = [0, 0, 0, 1, 1, 2, 2]
  });
  it('gives every target floor(N/M) or ceil(N/M) frames and keeps the order', () => {
    for (const [M, N] of [
      [5, 17],
      [3, 3],
      [7, 100],
    ] as const) {
      const y = Array.from({ length: M }, (_, m) => m);
      const out = Array.from(stretchTarget(y, N).data);
      const counts = new Array(M).fill(0);
      out.forEach((v, n) => {
        counts[v]++;
        if (n > 0) expect(v).toBeGreaterThanOrEqual(out[n - 1]!);
      });
      for (const c of counts) expect([Math.floor(N / M), Math.ceil(N / M)]).toContain(c);
    }
  });
  it('keeps float32 and the feature size', () => {
    const t = stretchTarget(tensor(new Float32Array([1, 2, 3, 4]), [2, 2]), 3);
    expect(t.data).toBeInstanceOf(Float32Array);
    expect(t.shape).toEqual([3, 2]);
  });
  it('refuses a bad N or an empty target', () => {
    expect(code(() => stretchTarget([1, 2], 0))).toBe('INVALID_OPTION');
    expect(code(() => stretchTarget([], 3))).toBe('EMPTY');
  });
});

describe('dtw', () => {
  it('finds the minimum over every alignment (weights and band) and a path with that cost', () => {
    for (const [seed, opts] of [
      [1, {}],
      [2, { stepWeights: [1, 1, 2] }],
      [3, { stepWeights: [2, 1, 1.5], bandwidth: 1 }],
    ] as const) {
      const C = randomMatrix(5, 4, rng(seed), 3);
      const w = (opts as { stepWeights?: [number, number, number] }).stepWeights ?? [1, 1, 1];
      const ref = enumerate(C, {
        gamma: 1,
        weights: w,
        bandwidth: (opts as { bandwidth?: number }).bandwidth,
      });
      const { cost, path } = dtw(C, opts);
      expectClose(cost, ref.min, 1e-14);
      expect(path[0]).toEqual([0, 0]);
      expect(path[path.length - 1]).toEqual([4, 3]);
      let total = w[2] * C[0]![0]!;
      for (let k = 1; k < path.length; k++) {
        const [i, j] = path[k]!;
        const [pi, pj] = path[k - 1]!;
        const step = i - pi === 1 && j - pj === 1 ? w[2] : i - pi === 1 ? w[0] : w[1];
        expect(i - pi >= 0 && j - pj >= 0 && i - pi + j - pj >= 1).toBe(true);
        total += step * C[i]![j]!;
      }
      expectClose(total, cost, 1e-14);
    }
  });
  it('refuses bad options', () => {
    expect(code(() => dtw([[1]], { stepWeights: [1, 1] }))).toBe('INVALID_OPTION');
    expect(code(() => dtw([[1]], { gamma: 1 } as never))).toBe('INVALID_OPTION');
    expect(code(() => dtw([1, 2]))).toBe('SHAPE_MISMATCH');
  });
});
