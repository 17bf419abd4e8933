import { type Tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  dtw,
  type SoftDtwValueAndGrad,
  sharpSoftDtwValueAndGrad,
  softDtw,
  softDtwDivergence,
  softDtwDivergenceValueAndGrad,
  softDtwFromCost,
  softDtwValueAndGrad,
} from '../src/index.js';
import { refusal } from './error-code.js';
import { onBothPaths } from './paths.js';
import { enumerate, expectClose, randn, randomMatrix, rng } from './reference.js';

// Nothing accepted may return NaN or +-Infinity: inputs at the ends of the float64 range are
// either computed (and then right) or refused with a LossInputError, on both the WebAssembly and
// the JavaScript path, which also agree bit for bit.

const full = (N: number, M: number, v: number) =>
  Array.from({ length: N }, () => new Array<number>(M).fill(v));
const scaled = (a: number[][], s: number) => a.map((r) => r.map((v) => v * s));
const nested = (t: Tensor) => toNested(t) as number[][];
const data = (t: Tensor | Tensor[]) => Array.from((t as Tensor).data);

/**
 * The scaling law of a loss under the squared Euclidean cost: frames times s and gamma times s^2
 * give s^2 times the value and s times the gradients (w.r.t. x and, with gradY, y), to `rel` and
 * `relGrad` (an absolute floor 1e-10 s for gradient entries near 0). Returns the scaled result.
 */
function expectScaling(
  loss: (x: number[][], y: number[][], o: object) => SoftDtwValueAndGrad,
  x: number[][],
  y: number[][],
  gamma: number,
  s: number,
  rel: number,
  relGrad: number,
): { value: number; grad: number[]; gradY: number[] } {
  const base = loss(x, y, { gamma, gradY: true });
  const got = loss(scaled(x, s), scaled(y, s), { gamma: gamma * s * s, gradY: true });
  expectClose(got.value, s * s * base.value, rel);
  const result = { value: got.value, grad: data(got.grad), gradY: data(got.gradY!) };
  for (const [a, b] of [
    [result.grad, data(base.grad)],
    [result.gradY, data(base.gradY!)],
  ] as const) {
    expect(allFinite(a)).toBe(true);
    a.forEach((g, k) => {
      expectClose(g, s * b[k]!, relGrad, 1e-10 * s);
    });
  }
  return result;
}

/** Every number finite. */
function allFinite(values: Iterable<number>): boolean {
  for (const v of values) if (!Number.isFinite(v)) return false;
  return true;
}

describe('extreme costs: softDtwFromCost', () => {
  it('costs of 1e300 over 300 x 300 cells: the value 3e302 of the diagonal, which takes all the alignment', () => {
    const { wasm, js } = onBothPaths(() => softDtwFromCost(full(300, 300, 1e300)));
    for (const r of [wasm, js]) {
      // Every other path has at least one more cell, 1e300 more, weighted by exp(-1e300) = 0.
      expectClose(r.value, 300e300, 1e-13);
      const E = nested(r.alignment);
      for (let i = 0; i < 300; i += 37)
        for (let j = 0; j < 300; j++) expect(E[i]![j]).toBe(i === j ? 1 : 0);
    }
    expect(Object.is(wasm.value, js.value)).toBe(true);
    expect(data(wasm.alignment)).toEqual(data(js.alignment));
  });

  it('costs of -1e300 over 300 x 300 cells: the longest paths (599 cells) share the alignment', () => {
    const { wasm, js } = onBothPaths(() => softDtwFromCost(full(300, 300, -1e300)));
    for (const r of [wasm, js]) {
      expectClose(r.value, -599e300, 1e-13);
      const E = data(r.alignment);
      expect(allFinite(E)).toBe(true);
      // Each longest path visits one cell per anti-diagonal: E sums to 1 on each of them.
      const A = nested(r.alignment);
      for (const k of [0, 150, 299, 400, 598]) {
        let s = 0;
        for (let i = Math.max(0, k - 299); i <= Math.min(299, k); i++) s += A[i]![k - i]!;
        expectClose(s, 1, 1e-12);
      }
    }
    expect(data(wasm.alignment)).toEqual(data(js.alignment));
  });

  it('random costs in [0, 1e300) at gamma 1e-4: the value is the DTW cost and E the DTW path', () => {
    const r = rng(5);
    const C = randomMatrix(4, 5, r, 1e300);
    const ref = enumerate(C, { gamma: 1e-4 });
    const { wasm, js } = onBothPaths(() => softDtwFromCost(C, { gamma: 1e-4 }));
    for (const got of [wasm, js]) {
      expectClose(got.value, ref.min, 1e-15);
      expect(nested(got.alignment)).toEqual(ref.E);
    }
  });

  it('costs of 1e-300 (subnormal products): -gamma log(#paths) and the path-count alignment', () => {
    const C = randomMatrix(3, 4, rng(6), 1e-300);
    const ref = enumerate(C, { gamma: 1, weights: [1, 2, 0.5] });
    const { wasm, js } = onBothPaths(() => softDtwFromCost(C, { stepWeights: [1, 2, 0.5] }));
    for (const got of [wasm, js]) {
      expectClose(got.value, ref.value, 1e-14);
      const E = nested(got.alignment);
      for (let i = 0; i < 3; i++)
        for (let j = 0; j < 4; j++) expectClose(E[i]![j]!, ref.E[i]![j]!, 1e-14, 1e-300);
    }
  });

  it('scale: C x 1e300 with gamma x 1e300 gives 1e300 x the value and the same alignment (huge gamma)', () => {
    const C = randomMatrix(4, 6, rng(7), 3);
    const base = softDtwFromCost(C, { gamma: 0.7, bandwidth: 2 });
    const { wasm, js } = onBothPaths(() =>
      softDtwFromCost(scaled(C, 1e300), { gamma: 0.7e300, bandwidth: 2 }),
    );
    for (const got of [wasm, js]) {
      expectClose(got.value, 1e300 * base.value, 1e-13);
      const E = data(got.alignment);
      data(base.alignment).forEach((e, k) => {
        expectClose(E[k]!, e, 1e-12, 1e-15);
      });
    }
  });

  it('gamma 1e300 on unit costs: the value is -gamma log(#paths) to rounding, E the share of paths', () => {
    const C = full(3, 4, 1);
    const ref = enumerate(C, { gamma: 1e300 });
    const got = softDtwFromCost(C, { gamma: 1e300 });
    expectClose(got.value, -1e300 * Math.log(ref.count), 1e-14);
    const E = nested(got.alignment);
    for (let i = 0; i < 3; i++)
      for (let j = 0; j < 4; j++) expectClose(E[i]![j]!, ref.E[i]![j]!, 1e-14);
  });

  it('costs or gamma whose paths would overflow are refused (NON_FINITE) naming C or options.gamma, never NaN or inf', () => {
    const cases: [number[][], object, string][] = [
      [full(200, 200, 1e306), {}, 'C'],
      [full(200, 200, -1e306), {}, 'C'],
      [full(3, 3, 1.7e308), {}, 'C'],
      [full(2, 2, 1e307), { stepWeights: [1, 1, 100] }, 'C'],
      [full(3, 3, 1), { gamma: 1e308 }, 'options.gamma'],
      [full(3, 3, 1), { prior: { weight: 1e308 } }, 'C'],
    ];
    for (const [C, options, argument] of cases) {
      const e = refusal(() => softDtwFromCost(C, options));
      expect(e.code).toBe('NON_FINITE');
      expect(e.argument).toBe(argument);
      expect(e.message).toMatch(/float64 range/);
    }
  });

  it('the refusal is per item of a batch', () => {
    const e = refusal(() => softDtwFromCost([full(2, 2, 1), full(2, 2, 1.7e308)]));
    expect(e.code).toBe('NON_FINITE');
  });
});

describe('extreme costs: dtw', () => {
  it('sums costs of 1e300 along 300 x 300 and refuses sums that would overflow', () => {
    expectClose(dtw(full(300, 300, 1e300)).cost, 300e300, 1e-13);
    expectClose(dtw(full(300, 300, -1e300)).cost, -599e300, 1e-13);
    for (const C of [full(200, 200, -1e306), full(3, 3, 1.7e308)]) {
      expect(refusal(() => dtw(C, { stepWeights: [2, 2, 2] })).code).toBe('NON_FINITE');
    }
  });
});

describe('extreme sequences', () => {
  it('sqeuclidean at amplitude 1e150: s^2 times the value and s times the gradient (gamma x s^2)', () => {
    const r = rng(8);
    const x = randn(7, 3, r);
    const y = randn(5, 3, r);
    const { wasm, js } = onBothPaths(() =>
      expectScaling(softDtwValueAndGrad, x, y, 0.5, 1e150, 1e-12, 1e-11),
    );
    expect(wasm).toEqual(js);
  });

  it('sqeuclidean at amplitude 1e-150 (costs near the subnormal range): the reference on the cost matrix', () => {
    const r = rng(9);
    const x = scaled(randn(3, 2, r), 1e-150);
    const y = scaled(randn(4, 2, r), 1e-150);
    const C = x.map((a) => y.map((b) => a.reduce((t, v, d) => t + (v - b[d]!) ** 2, 0)));
    const ref = enumerate(C, { gamma: 1 });
    const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y));
    for (const got of [wasm, js]) {
      expectClose(got.value, ref.value, 1e-14);
      // dL/dx_i = 2 sum_j E(i, j) (x_i - y_j), about 1e-150.
      const g = nested(got.grad as Tensor);
      for (let i = 0; i < 3; i++) {
        for (let d = 0; d < 2; d++) {
          let want = 0;
          for (let j = 0; j < 4; j++) want += 2 * ref.E[i]![j]! * (x[i]![d]! - y[j]![d]!);
          expectClose(g[i]![d]!, want, 1e-12, 1e-170);
        }
      }
    }
  });

  it('long sequences with large costs (300 x 250 frames at amplitude 1e100): the scaling law holds', () => {
    const r = rng(10);
    expectScaling(softDtwValueAndGrad, randn(300, 2, r), randn(250, 2, r), 2, 1e100, 1e-11, 1e-9);
  });

  it('sequences whose costs would overflow are refused (NON_FINITE), also with a zero step weight', () => {
    const x = scaled(randn(4, 2, rng(11)), 1e160);
    const y = randn(5, 2, rng(12));
    for (const options of [
      {},
      { stepWeights: [1, 1, 0] as const },
      { cost: 'euclidean' as const },
    ]) {
      const e = refusal(() => softDtwValueAndGrad(x, y, options));
      expect(e.code).toBe('NON_FINITE');
      expect(e.argument).toBe('x, y');
      expect(refusal(() => softDtw(x, y, options)).code).toBe('NON_FINITE');
    }
    expect(refusal(() => softDtwValueAndGrad([x], [y])).argument).toBe('x[0], y[0]');
    // The divergence's own terms: sdtw(x, x) of huge x.
    expect(refusal(() => softDtwDivergence(x, y)).argument).toBe('x, y');
  });

  it('cosine is scale-free: frames at 1e200 or 1e-200 give the same value and 1/s the gradient', () => {
    const r = rng(13);
    const x = randn(5, 3, r);
    const y = randn(6, 3, r);
    const base = softDtwValueAndGrad(x, y, { cost: 'cosine', gradY: true });
    for (const s of [1e200, 1e-200, 1e300]) {
      const got = softDtwValueAndGrad(scaled(x, s), y, { cost: 'cosine', gradY: true });
      expectClose(got.value, base.value, 1e-13);
      data(got.grad).forEach((g, k) => {
        expectClose(g * s, data(base.grad)[k]!, 1e-12, 1e-14);
      });
      data(got.gradY!).forEach((g, k) => {
        expectClose(g, data(base.gradY!)[k]!, 1e-12, 1e-14);
      });
    }
  });

  it('cosine with a frame of subnormal norm: the value is computed, a gradient beyond float64 is refused', () => {
    const x = [
      [5e-324, 0],
      [1, 2],
    ];
    const y = [
      [1, 1],
      [0, 1],
    ];
    expect(Number.isFinite(softDtw(x, y, { cost: 'cosine' }))).toBe(true);
    const e = refusal(() => softDtwValueAndGrad(x, y, { cost: 'cosine' }));
    expect(e.code).toBe('NON_FINITE');
    expect(e.argument).toBe('x');
  });

  it('silent sequences: value -gamma log(#paths), gradient exactly 0, divergence exactly 0', () => {
    const x = full(4, 3, 0);
    const y = full(6, 3, 0);
    const ref = enumerate(full(4, 6, 0), { gamma: 0.3 });
    const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y, { gamma: 0.3, gradY: true }));
    for (const got of [wasm, js]) {
      expectClose(got.value, ref.value, 1e-14);
      expect(data(got.grad).every((g) => g === 0)).toBe(true);
      expect(data(got.gradY!).every((g) => g === 0)).toBe(true);
    }
    const div = softDtwDivergenceValueAndGrad(x, y, { gamma: 0.3 });
    expect(div.value).toBeGreaterThanOrEqual(0);
    expect(allFinite(data(div.grad))).toBe(true);
    expect(softDtwDivergence(x, x)).toBe(0);
  });

  it('a silent item in a batch: finite, its gradient zero, its value as when alone', () => {
    const r = rng(14);
    const x = [full(5, 2, 0), randn(5, 2, r)];
    const y = [full(5, 2, 0), randn(5, 2, r)];
    const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y));
    for (const got of [wasm, js]) {
      expect(got.perItem[0]).toBe(softDtw(x[0]!, y[0]!));
      expect(data((got.grad as Tensor[])[0]!).every((g) => g === 0)).toBe(true);
      expect(allFinite(data((got.grad as Tensor[])[1]!))).toBe(true);
    }
  });

  it('constant sequences and N != M (1 x 40, 40 x 1, 3 x 29): finite and equal to the reference', () => {
    const r = rng(15);
    for (const [N, M] of [
      [1, 40],
      [40, 1],
      [3, 29],
    ] as const) {
      const x = full(N, 2, 0.25);
      const y = randn(M, 2, r);
      const C = x.map((a) => y.map((b) => a.reduce((t, v, d) => t + (v - b[d]!) ** 2, 0)));
      const want = softDtwFromCost(C, { gamma: 0.2 });
      const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y, { gamma: 0.2 }));
      for (const got of [wasm, js]) {
        expectClose(got.value, want.value, 1e-13);
        expect(allFinite(data(got.grad))).toBe(true);
      }
      expect(data(wasm.grad)).toEqual(data(js.grad));
    }
  });

  it('sharp soft-DTW at scale 1e150: s^2 the value, s the gradient, finite', () => {
    const r = rng(16);
    expectScaling(
      sharpSoftDtwValueAndGrad,
      randn(4, 2, r),
      randn(5, 2, r),
      0.4,
      1e150,
      1e-12,
      1e-10,
    );
  });
});
