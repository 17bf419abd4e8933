import { readFileSync } from 'node:fs';
import type { Tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { softDtwBarycenter, softDtwValueAndGrad } from '../src/index.js';
import { lbfgsb } from '../src/lbfgsb.js';
import { code } from './error-code.js';
import { onBothPaths } from './paths.js';
import { expectClose } from './reference.js';

// softDtwBarycenter against tslearn's softdtw_barycenter (test/fixtures/generate_barycenter.py,
// run on a tslearn checkout), its two documented examples first.

interface Golden {
  name: string;
  sequences: number[][][];
  options: Record<string, unknown>;
  barycenter: number[][];
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/barycenter.json', import.meta.url), 'utf8'),
) as { versions: Record<string, string>; cases: Golden[] };

describe(`softDtwBarycenter against tslearn ${golden.versions.tslearn} (${golden.versions.tslearn_commit?.slice(0, 7)})`, () => {
  it("reproduces tslearn's documented examples to their printed digits", () => {
    // From the docstring of tslearn.barycenters.softdtw_barycenter.
    const a = softDtwBarycenter(
      [
        [1, 2, 3, 4],
        [1, 2, 4, 5],
      ],
      { maxIter: 5 },
    );
    const wantA = [1.25161574, 2.03821705, 3.5101956, 4.36140605];
    const b = softDtwBarycenter(
      [
        [1, 2, 3, 4],
        [1, 2, 3, 4, 5],
      ],
      { maxIter: 5 },
    );
    const wantB = [1.21349933, 1.8932251, 2.67573269, 3.51057026, 4.33645802];
    expect(a.shape).toEqual([4, 1]);
    expect(b.shape).toEqual([5, 1]);
    wantA.forEach((v, i) => {
      expect(Math.abs(a.data[i]! - v)).toBeLessThanOrEqual(5e-9);
    });
    wantB.forEach((v, i) => {
      expect(Math.abs(b.data[i]! - v)).toBeLessThanOrEqual(5e-9);
    });
  });

  for (const g of golden.cases) {
    it(`${g.name}: the barycenter to 1e-9`, () => {
      const got = onBothPaths(() =>
        softDtwBarycenter(g.sequences, g.options as Parameters<typeof softDtwBarycenter>[1]),
      );
      const want = g.barycenter.flat();
      for (const res of [got.wasm, got.js]) {
        expect(res.shape).toEqual([g.barycenter.length, g.barycenter[0]!.length]);
        want.forEach((v, k) => {
          expectClose(res.data[k]!, v, 1e-9, 1e-9);
        });
      }
    });
  }
});

describe('softDtwBarycenter', () => {
  it('at convergence the gradient of sum_i w_i sdtw(Z, X_i) vanishes (to the tolerance)', () => {
    const seqs = golden.cases.find((c) => c.name.startsWith('max_iter 200'))!.sequences;
    // tol 1e-12: the relative-decrease test no longer stops it first
    const z = softDtwBarycenter(seqs, { maxIter: 1000, tol: 1e-12 });
    const g = new Float64Array(z.data.length);
    for (const s of seqs) {
      const r = softDtwValueAndGrad(z, s, { gamma: 1 });
      (r.grad as Tensor).data.forEach((v, k) => {
        g[k] = g[k]! + v;
      });
    }
    for (const v of g) expect(Math.abs(v)).toBeLessThan(1e-6);
  });

  it('maxIter 0 returns the start: the weighted mean, resampled to the longest length', () => {
    const z = softDtwBarycenter(
      [
        [0, 2],
        [0, 1, 2, 3],
      ],
      { maxIter: 0, weights: [1, 3] },
    );
    // [0, 2] resampled to 4 points: 0, 2/3, 4/3, 2
    const want = [0, (2 / 3 + 3) / 4, (4 / 3 + 6) / 4, (2 + 9) / 4];
    want.forEach((v, i) => {
      expectClose(z.data[i]!, v, 1e-15, 1e-15);
    });
  });

  it('accepts a batch [B, N, D] and a list of [N_i, D], and does not mutate them', () => {
    const list = [
      [
        [0, 1],
        [1, 2],
        [2, 3],
      ],
      [
        [0, 0],
        [2, 2],
        [3, 3],
      ],
    ];
    const copy = JSON.stringify(list);
    const a = softDtwBarycenter(list, { maxIter: 3 });
    expect(a.shape).toEqual([3, 2]);
    expect(JSON.stringify(list)).toBe(copy);
  });

  it('refuses bad weights, init and options', () => {
    const s = [
      [1, 2, 3],
      [1, 3, 2],
    ];
    expect(code(() => softDtwBarycenter(s, { weights: [1] }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter(s, { weights: [0, 0] }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter(s, { weights: [1, -1] }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter(s, { maxIter: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter(s, { tol: null } as never))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter(s, { init: [[1, 2]] }))).toBe('SHAPE_MISMATCH');
    expect(code(() => softDtwBarycenter(s, { cost: 'l1' } as never))).toBe('INVALID_OPTION');
    expect(code(() => softDtwBarycenter([]))).not.toBe('no error');
  });
});

describe('lbfgsb', () => {
  it('minimizes the Rosenbrock function from (-1.2, 1) (the classic test), as scipy does', () => {
    const res = lbfgsb(
      (x, g) => {
        const [a, b] = [x[0]!, x[1]!];
        g[0] = -400 * a * (b - a * a) - 2 * (1 - a);
        g[1] = 200 * (b - a * a);
        return 100 * (b - a * a) ** 2 + (1 - a) ** 2;
      },
      [-1.2, 1],
      { maxIter: 200, ftol: 1e-12, gtol: 1e-8 },
    );
    expect(Math.abs(res.x[0]! - 1)).toBeLessThan(1e-5);
    expect(Math.abs(res.x[1]! - 1)).toBeLessThan(1e-5);
  });
});
