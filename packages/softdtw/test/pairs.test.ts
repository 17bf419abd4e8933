import { readFileSync } from 'node:fs';
import { type Tensor, tensor, toNested } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { bandLimits } from '../src/band.js';
import { type CostName, planCost } from '../src/costs.js';
import { boundaryGrid, CLASSIC_GRID, type Grid } from '../src/grid.js';
import { softDtw, softDtwValueAndGrad } from '../src/index.js';
import type { Steps } from '../src/options.js';
import { pairValueAndGrad, stagedPairRows } from '../src/pair-cost.js';
import { softDtwBackward, softDtwForward } from '../src/recursion.js';
import { classicSteps } from '../src/steps.js';
import { WASM_BASE64 as PAIRS_BASE64 } from '../src/wasm/pairs-module.js';
import { Workspace } from '../src/workspace.js';
import { onBothPaths } from './paths.js';
import { expectClose, fd, rng } from './reference.js';

type PairCostName = Extract<CostName, 'sqeuclidean' | 'bce' | 'cosine'>;
const KINDS: PairCostName[] = ['sqeuclidean', 'bce', 'cosine'];

/** Frames in the cost's domain, with the edge cases real features have. */
function frames(
  cost: PairCostName,
  n: number,
  D: number,
  r: () => number,
  which: 'x' | 'y',
  silent = true,
) {
  const a = new Float64Array(n * D);
  for (let k = 0; k < a.length; k++) {
    if (cost === 'bce') {
      // probabilities with exact 0 and 1 (clamped logs) in x, binary targets in y
      const u = r();
      a[k] = which === 'y' ? (u > 0.5 ? 1 : 0) : u < 0.05 ? 0 : u > 0.95 ? 1 : u;
    } else {
      a[k] = 4 * r() - 2;
    }
  }
  if (silent && cost !== 'bce' && n > 2) a.fill(0, D, 2 * D); // a silent frame (cosine: cost 1, no gradient)
  return a;
}

/** Value and gradient w.r.t. x of one pair on the JavaScript rows (the twin of the pair kernels). */
function jsPair(
  cost: PairCostName,
  x: Float64Array,
  y: Float64Array,
  N: number,
  M: number,
  D: number,
  steps: Steps,
  grid: Grid,
): { value: number; gx: Float64Array } {
  const js = new Workspace(false);
  const plan = planCost(cost, x, y, N, M, D);
  const band = bandLimits(N, M, null);
  const value = softDtwForward(N, M, plan.row, band, steps, js, grid);
  const gx = new Float64Array(N * D);
  softDtwBackward(
    N,
    M,
    band,
    steps,
    js,
    (i, e, lo, hi) => plan.vjpRow(i, e, lo, hi, gx, null),
    grid,
  );
  return { value, gx };
}

describe('pair kernels (wasm/pairs.wat)', () => {
  it('are the assembly of wasm/pairs.wat (run `pnpm wasm` in packages/softdtw after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/pairs-module.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/pairs.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/pairs.wat'));
  });

  it('are available in Node and small enough for synchronous compilation in browsers (< 4 KiB)', () => {
    expect(new Workspace(true).pairKernel()).not.toBeNull();
    expect(atob(PAIRS_BASE64).length).toBeLessThan(4096);
  });

  for (const cost of KINDS) {
    it(`${cost}: whole pairs give bit for bit the value and gradient of the JavaScript rows (N, M, D not multiples of 4, weights, gamma, subsequence), one workspace reused`, () => {
      const r = rng(101);
      const ws = new Workspace(true);
      for (const [N, M, D, gamma, weights, sub] of [
        [1, 1, 1, 1, [1, 1, 1], false],
        [2, 7, 3, 0.5, [1, 1, 1], false],
        [7, 5, 12, 1, [1, 1, 2], false],
        [16, 16, 12, 1e-4, [0.5, 2, 1], false],
        [33, 21, 13, 10, [1, 1, 1], false],
        [6, 19, 2, 0.3, [1, 1, 1], true],
        [4, 4, 4, 1, [0, 1, 1], false],
        [30, 35, 5, 0.1, [1, 1, 1], true],
      ] as const) {
        const x = frames(cost, N, D, r, 'x');
        const y = frames(cost, M, D, r, 'y');
        const steps: Steps = { ...classicSteps(weights[0], weights[1], weights[2]), gamma };
        const grid = sub
          ? boundaryGrid({ begin: 'y', end: 'y', beginPenalty: 0, endPenalty: 0 }, N, M)
          : CLASSIC_GRID;
        const gx = new Float64Array(N * D);
        const plan = planCost(cost, x, y, N, M, D);
        const value = pairValueAndGrad(ws, plan.pair!, N, M, D, steps, grid, gx);
        const want = jsPair(cost, x, y, N, M, D, steps, grid);
        expect(value).not.toBeNull();
        expect(Object.is(value, want.value)).toBe(true);
        for (let k = 0; k < N * D; k++) {
          if (!Object.is(gx[k], want.gx[k])) {
            throw new Error(`${cost} ${N}x${M}x${D}: gx[${k}] ${gx[k]} vs ${want.gx[k]}`);
          }
        }
      }
    });

    it(`${cost}: staged rows (bands, priors, divergences) give bit for bit the cost and VJP rows of the JavaScript plan`, () => {
      const r = rng(102);
      const ws = new Workspace(true);
      for (const [N, M, D] of [
        [7, 5, 1],
        [6, 9, 5],
        [10, 8, 12],
        [3, 4, 13],
      ] as const) {
        const x = frames(cost, N, D, r, 'x');
        const y = frames(cost, M, D, r, 'y');
        const plan = planCost(cost, x, y, N, M, D);
        const fast = stagedPairRows(ws, plan, plan.pair!, N, M, D);
        expect(fast).not.toBe(plan);
        const { cost: crow } = ws.forwardRows();
        const { e } = ws.backwardRows();
        const want = new Float64Array(M);
        const gxWant = Float64Array.from({ length: N * D }, () => r());
        const gxGot = Float64Array.from(gxWant);
        for (let i = 0; i < N; i++) {
          const lo = i % 2;
          const hi = M - 1 - (i % 3 === 0 ? 1 : 0);
          plan.row(i, want, lo, hi);
          fast.row(i, crow, lo, hi);
          for (let j = lo; j <= hi; j++) expect(Object.is(crow[j], want[j])).toBe(true);
          for (let j = 0; j < M; j++) e[j] = r();
          plan.vjpRow(i, e, lo, hi, gxWant, null);
          fast.vjpRow(i, e, lo, hi, gxGot, null);
        }
        for (let k = 0; k < N * D; k++) expect(Object.is(gxGot[k], gxWant[k])).toBe(true);
      }
    });
  }

  it('the public functions give the same bits on the WebAssembly and JavaScript paths for the three costs (batch, band, gradY)', () => {
    const r = rng(103);
    for (const cost of KINDS) {
      const x = tensor(frames(cost, 3 * 9, 6, r, 'x'), [3, 9, 6]);
      const y = tensor(frames(cost, 3 * 11, 6, r, 'y'), [3, 11, 6]);
      for (const extra of [{}, { bandwidth: 2 }, { gradY: true }, { prior: { weight: 0.5 } }]) {
        const opts = { cost, gamma: 0.7, ...extra };
        const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y, opts));
        expect(Object.is(wasm.value, js.value)).toBe(true);
        const a = (wasm.grad as Tensor).data;
        const b = (js.grad as Tensor).data;
        for (let k = 0; k < a.length; k++) expect(Object.is(a[k], b[k])).toBe(true);
      }
    }
  });

  for (const cost of ['bce', 'cosine'] as const) {
    it(`${cost}: the gradient of a whole pair (no gradY: the pair kernels) equals central finite differences`, () => {
      const r = rng(104);
      const N = 7;
      const M = 6;
      const D = 5;
      const xs = frames(cost, N, D, r, 'x', false).map((v) =>
        cost === 'bce' ? 0.05 + 0.9 * v : v,
      );
      const x = Array.from({ length: N }, (_, i) => Array.from(xs.subarray(i * D, (i + 1) * D)));
      const ys = frames(cost, M, D, r, 'y', false);
      const y = Array.from({ length: M }, (_, j) => Array.from(ys.subarray(j * D, (j + 1) * D)));
      const opts = { cost, gamma: 0.5 };
      const g = toNested(softDtwValueAndGrad(x, y, opts).grad as Tensor) as number[][];
      for (let i = 0; i < N; i++) {
        for (let d = 0; d < D; d++) {
          expectClose(
            g[i]![d]!,
            fd((v) => softDtw(v, y, opts), x, i, d),
            2e-7,
            1e-9,
          );
        }
      }
    });
  }
});
