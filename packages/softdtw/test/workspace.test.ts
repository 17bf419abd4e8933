import { type Tensor, tensor, toNested } from '@losses/tensor';
import { setWasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { softDtw, softDtwFromCost, softDtwValueAndGrad, type UserCost } from '../src/index.js';
import { acquireWorkspace, releaseWorkspace } from '../src/workspace.js';
import { forwardBackward, randn, randomMatrix, rng } from './reference.js';

/** Squared Euclidean cost matrix written from the definition. */
function sqCost(x: number[][], y: number[][]): number[][] {
  return x.map((a) => y.map((b) => a.reduce((s, v, d) => s + (v - b[d]!) ** 2, 0)));
}

describe('workspace reuse between calls', () => {
  it('a large call followed by smaller ones (stale weights in the pool) gives the reference values', () => {
    const r = rng(41);
    // Grow the pooled workspace first, with a band and step weights, then run smaller problems.
    const big = randomMatrix(40, 37, r, 3);
    softDtwFromCost(big, { gamma: 0.3, stepWeights: [1, 2, 0.5], bandwidth: 3 });
    for (const [N, M] of [
      [9, 7],
      [7, 9],
      [12, 12],
    ] as const) {
      const C = randomMatrix(N, M, r, 2);
      const want = forwardBackward(C, { gamma: 0.7 });
      const got = softDtwFromCost(C, { gamma: 0.7 });
      expect(Math.abs(got.value - want.value)).toBeLessThan(1e-12 * Math.abs(want.value) + 1e-12);
      const E = toNested(got.alignment) as number[][];
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++)
          expect(Math.abs(E[i]![j]! - want.E[i]![j]!)).toBeLessThan(1e-12);
    }
  });

  it('returned values never alias reused memory (a later call leaves an earlier result intact)', () => {
    const r = rng(42);
    const x = randn(11, 3, r);
    const y = randn(13, 3, r);
    const first = softDtwValueAndGrad(x, y, { gamma: 1 });
    const firstGrad = Array.from((first.grad as Tensor).data);
    const firstE = softDtwFromCost(sqCost(x, y), { gamma: 1 });
    const firstA = Array.from(firstE.alignment.data);
    // Different sizes and inputs through the same pooled workspace.
    softDtwValueAndGrad(randn(17, 3, r), randn(5, 3, r), { gamma: 0.2 });
    softDtwFromCost(randomMatrix(13, 11, r), { gamma: 2 });
    expect(Array.from((first.grad as Tensor).data)).toEqual(firstGrad);
    expect(Array.from(firstE.alignment.data)).toEqual(firstA);
  });

  it('a user cost may call soft-DTW re-entrantly (the pooled workspace is not shared)', () => {
    const r = rng(43);
    const x = randn(9, 2, r);
    const y = randn(10, 2, r);
    let inner = 0;
    const cost: UserCost = {
      matrix(a, b) {
        // A re-entrant soft-DTW call of another size while the outer call holds a workspace.
        inner += softDtw(randn(15, 2, r), randn(14, 2, r));
        return tensor(
          Float64Array.from(sqCost(toNested(a) as number[][], toNested(b) as number[][]).flat()),
          [a.shape[0]!, b.shape[0]!],
        );
      },
      vjp(a, b, G) {
        inner += softDtwValueAndGrad(randn(6, 2, r), randn(8, 2, r)).value;
        const xa = toNested(a) as number[][];
        const yb = toNested(b) as number[][];
        const g = toNested(G) as number[][];
        const gx = xa.map((xi, i) =>
          xi.map((v, d) => yb.reduce((s, yj, j) => s + 2 * g[i]![j]! * (v - yj[d]!), 0)),
        );
        return { x: gx };
      },
    };
    const got = softDtwValueAndGrad(x, y, { gamma: 1, cost });
    const want = softDtwValueAndGrad(x, y, { gamma: 1 });
    expect(Number.isFinite(inner)).toBe(true);
    expect(Math.abs(got.value - want.value)).toBeLessThan(1e-9 * Math.abs(want.value));
    const g1 = (got.grad as Tensor).data;
    const g2 = (want.grad as Tensor).data;
    for (let k = 0; k < g1.length; k++) expect(Math.abs(g1[k]! - g2[k]!)).toBeLessThan(1e-9);
  });

  it('hands out the pooled workspace once, and a new one while it is taken', () => {
    const a = acquireWorkspace();
    const b = acquireWorkspace();
    expect(b).not.toBe(a);
    releaseWorkspace(a);
    expect(acquireWorkspace()).toBe(a);
    releaseWorkspace(a);
  });

  it('keeps one workspace per path: the switch picks the JavaScript one, and back', () => {
    const was = setWasmEnabled(true);
    try {
      const wasm = acquireWorkspace();
      releaseWorkspace(wasm);
      setWasmEnabled(false);
      const js = acquireWorkspace();
      expect(js).not.toBe(wasm);
      expect(js.kernel).toBeNull();
      releaseWorkspace(js);
      setWasmEnabled(true);
      expect(acquireWorkspace()).toBe(wasm);
      releaseWorkspace(wasm);
      setWasmEnabled(false);
      expect(acquireWorkspace()).toBe(js);
      releaseWorkspace(js);
    } finally {
      setWasmEnabled(was);
    }
  });
});
