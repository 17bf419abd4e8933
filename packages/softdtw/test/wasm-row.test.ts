import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { bandLimits } from '../src/band.js';
import { planCost } from '../src/costs.js';
import { CLASSIC_GRID } from '../src/grid.js';
import type { Steps } from '../src/options.js';
import { pairValueAndGrad, stagedPairRows } from '../src/pair-cost.js';
import { softDtwBackward, softDtwForward } from '../src/recursion.js';
import { classicSteps } from '../src/steps.js';
import { createRowKernel, WASM_DATA_START } from '../src/wasm/kernel.js';
import { WASM_BASE64 } from '../src/wasm/module.js';
import { Workspace } from '../src/workspace.js';
import { forwardBackward, rng } from './reference.js';

interface Case {
  N: number;
  M: number;
  gamma: number;
  weights: [number, number, number];
  bandwidth: number | null;
  scale: number;
}

/** Value and E (row-major N x M) of one cost matrix through the given workspace. */
function run(ws: Workspace, C: Float64Array, c: Case): { value: number; E: Float64Array } {
  const { N, M } = c;
  const [wv, wh, wd] = c.weights;
  const steps: Steps = { ...classicSteps(wv, wh, wd), gamma: c.gamma };
  const band = bandLimits(N, M, c.bandwidth);
  const E = new Float64Array(N * M);
  const value = softDtwForward(
    N,
    M,
    (i, out, lo, hi) => {
      for (let j = lo; j <= hi; j++) out[j] = C[i * M + j]!;
    },
    band,
    steps,
    ws,
  );
  softDtwBackward(N, M, band, steps, ws, (i, e, lo, hi) => {
    for (let j = lo; j <= hi; j++) E[i * M + j] = e[j]!;
  });
  return { value, E };
}

const CASES: Case[] = [];
{
  const r = rng(7);
  const sizes = [
    [1, 1],
    [1, 9],
    [9, 1],
    [6, 6],
    [23, 17],
    [17, 23],
    [40, 40],
    [5, 31],
  ];
  const gammas = [1, 0.1, 1e-4, 10];
  const weights: [number, number, number][] = [
    [1, 1, 1],
    [1, 1, 2],
    [0.5, 2, 1],
    [0, 1, 1],
  ];
  for (let k = 0; k < 48; k++) {
    const [N, M] = sizes[k % sizes.length]!;
    CASES.push({
      N: N!,
      M: M!,
      gamma: gammas[k % gammas.length]!,
      weights: weights[Math.floor(k / 4) % weights.length]!,
      bandwidth: k % 3 === 0 ? null : Math.floor(r() * 4),
      scale: k % 5 === 4 ? 1e6 : 10,
    });
  }
}

describe('forward pass: WebAssembly row kernel', () => {
  it('is the assembly of wasm/softdtw.wat (run `pnpm wasm` in packages/softdtw after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/softdtw.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/softdtw.wat'));
  });

  it('is available in Node, and small enough for synchronous compilation in browsers (< 4 KiB)', () => {
    expect(createRowKernel()).not.toBeNull();
    expect(new Workspace(true).kernel).not.toBeNull();
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });

  it('gives bit for bit the values and alignments of the JavaScript loop (sizes, gamma, weights, bands, huge costs), one workspace reused throughout', () => {
    const r = rng(8);
    const wasm = new Workspace(true);
    const js = new Workspace(false);
    for (const c of CASES) {
      const C = Float64Array.from({ length: c.N * c.M }, () => c.scale * r());
      const a = run(wasm, C, c);
      const b = run(js, C, c);
      expect(Object.is(a.value, b.value)).toBe(true);
      for (let k = 0; k < a.E.length; k++) {
        expect(Number.isFinite(a.E[k]!)).toBe(true);
        if (!Object.is(a.E[k], b.E[k]))
          throw new Error(`E differs at ${k}: ${a.E[k]} vs ${b.E[k]}`);
      }
    }
  });

  it('matches the forward-backward reference after larger problems left the memory dirty', () => {
    const r = rng(9);
    const ws = new Workspace(true);
    // Grow and dirty the kernel memory (cost rows, (m, s) rows with +inf, weights).
    run(
      ws,
      Float64Array.from({ length: 60 * 50 }, () => 5 * r()),
      {
        N: 60,
        M: 50,
        gamma: 0.5,
        weights: [1, 1, 1],
        bandwidth: 2,
        scale: 5,
      },
    );
    for (const [N, M, bw] of [
      [12, 9, 1],
      [9, 12, null],
      [20, 20, 0],
    ] as const) {
      const rows = Array.from({ length: N }, () => Array.from({ length: M }, () => 3 * r()));
      const want = forwardBackward(rows, { gamma: 0.7, bandwidth: bw ?? undefined });
      const got = run(ws, Float64Array.from(rows.flat()), {
        N,
        M,
        gamma: 0.7,
        weights: [1, 1, 1],
        bandwidth: bw,
        scale: 3,
      });
      expect(Math.abs(got.value - want.value)).toBeLessThan(1e-12 * Math.abs(want.value));
      for (let i = 0; i < N; i++)
        for (let j = 0; j < M; j++) {
          expect(Math.abs(got.E[i * M + j]! - want.E[i]![j]!)).toBeLessThan(1e-12);
        }
    }
  });

  it('computes squared Euclidean cost rows bit for bit as the JavaScript row (D odd and even, any column range)', () => {
    const r = rng(10);
    const kernel = createRowKernel()!;
    for (const [N, M, D] of [
      [3, 1, 1],
      [5, 7, 2],
      [9, 11, 7],
      [4, 13, 12],
      [6, 5, 3],
    ] as const) {
      const x = Float64Array.from({ length: N * D }, () => 4 * r() - 2);
      const y = Float64Array.from({ length: M * D }, () => 4 * r() - 2);
      const mem = new Float64Array(kernel.memory.buffer);
      const base = WASM_DATA_START / 8;
      mem.set(x, base);
      for (let j = 0; j < M; j++)
        for (let d = 0; d < D; d++) mem[base + N * D + d * M + j] = y[j * D + d]!;
      const outAt = base + (N + M) * D;
      const plan = planCost('sqeuclidean', x, y, N, M, D);
      const want = new Float64Array(M);
      for (let i = 0; i < N; i++) {
        const lo = i % M;
        const hi = M - 1 - (i % 2);
        if (hi < lo) continue;
        plan.row(i, want, lo, hi);
        kernel.sqRow(8 * (base + i * D), 8 * (base + N * D), M, D, 8 * outAt, lo, hi);
        for (let j = lo; j <= hi; j++) expect(Object.is(mem[outAt + j], want[j])).toBe(true);
      }
    }
  });

  it('stages the squared Euclidean cost: rows and VJP rows bit for bit as the JavaScript plan', () => {
    const r = rng(11);
    const ws = new Workspace(true);
    for (const [N, M, D] of [
      [7, 5, 1],
      [6, 9, 5],
      [10, 8, 12],
      [3, 4, 13],
    ] as const) {
      const x = Float64Array.from({ length: N * D }, () => 4 * r() - 2);
      const y = Float64Array.from({ length: M * D }, () => 4 * r() - 2);
      const plan = planCost('sqeuclidean', x, y, N, M, D);
      const fast = stagedPairRows(ws, plan, plan.pair!, N, M, D);
      const { cost } = ws.forwardRows();
      const { e } = ws.backwardRows();
      const want = new Float64Array(M);
      const gxWant = Float64Array.from({ length: N * D }, () => r());
      const gxGot = Float64Array.from(gxWant);
      for (let i = 0; i < N; i++) {
        const lo = i % 2;
        const hi = M - 1 - (i % 3 === 0 ? 1 : 0);
        plan.row(i, want, lo, hi);
        fast.row(i, cost, lo, hi);
        for (let j = lo; j <= hi; j++) expect(Object.is(cost[j], want[j])).toBe(true);
        for (let j = 0; j < M; j++) e[j] = r();
        plan.vjpRow(i, e, lo, hi, gxWant, null);
        fast.vjpRow(i, e, lo, hi, gxGot, null);
      }
      for (let k = 0; k < N * D; k++) expect(Object.is(gxGot[k], gxWant[k])).toBe(true);
    }
  });

  it('runs whole squared Euclidean pairs (forwardPair, backwardPair) bit for bit as the JavaScript row loops', () => {
    const r = rng(12);
    const ws = new Workspace(true);
    const js = new Workspace(false);
    for (const [N, M, D, gamma, weights] of [
      [1, 1, 1, 1, [1, 1, 1]],
      [7, 5, 3, 0.5, [1, 1, 1]],
      [5, 9, 12, 1, [1, 1, 2]],
      [16, 16, 12, 1e-4, [0.5, 2, 1]],
      [33, 20, 4, 10, [1, 1, 1]],
    ] as const) {
      const x = Float64Array.from({ length: N * D }, () => 4 * r() - 2);
      const y = Float64Array.from({ length: M * D }, () => 4 * r() - 2);
      const steps: Steps = { ...classicSteps(weights[0], weights[1], weights[2]), gamma };
      const gx = new Float64Array(N * D);
      const plan = planCost('sqeuclidean', x, y, N, M, D);
      const value = pairValueAndGrad(ws, plan.pair!, N, M, D, steps, CLASSIC_GRID, gx);
      const band = bandLimits(N, M, null);
      const want = softDtwForward(N, M, plan.row, band, steps, js);
      const gxWant = new Float64Array(N * D);
      softDtwBackward(N, M, band, steps, js, (i, e, lo, hi) =>
        plan.vjpRow(i, e, lo, hi, gxWant, null),
      );
      expect(value !== null && Object.is(value, want)).toBe(true);
      for (let k = 0; k < N * D; k++) expect(Object.is(gx[k], gxWant[k])).toBe(true);
    }
  });

  it('continues in JavaScript (same numbers) when a problem outgrows the kernel memory cap', () => {
    const r = rng(13);
    const ws = new Workspace(true, 128 * 1024); // room for about 14,000 weights
    const js = new Workspace(false);
    const D = 3;
    const usedKernel: boolean[] = [];
    for (const [N, M] of [
      [20, 20],
      [100, 90],
      [20, 20],
    ] as const) {
      const x = Float64Array.from({ length: N * D }, () => r());
      const y = Float64Array.from({ length: M * D }, () => r());
      const steps: Steps = { ...classicSteps(1, 1, 1), gamma: 1 };
      const gx = new Float64Array(N * D);
      const plan = planCost('sqeuclidean', x, y, N, M, D);
      let value = pairValueAndGrad(ws, plan.pair!, N, M, D, steps, CLASSIC_GRID, gx);
      usedKernel.push(value !== null);
      const band = bandLimits(N, M, null);
      if (value === null) {
        value = softDtwForward(N, M, plan.row, band, steps, ws);
        softDtwBackward(N, M, band, steps, ws, (i, e, lo, hi) =>
          plan.vjpRow(i, e, lo, hi, gx, null),
        );
      }
      const want = softDtwForward(N, M, plan.row, band, steps, js);
      const gxWant = new Float64Array(N * D);
      softDtwBackward(N, M, band, steps, js, (i, e, lo, hi) =>
        plan.vjpRow(i, e, lo, hi, gxWant, null),
      );
      expect(Object.is(value, want)).toBe(true);
      for (let k = 0; k < N * D; k++) expect(Object.is(gx[k], gxWant[k])).toBe(true);
    }
    expect(usedKernel).toEqual([true, false, false]);
    expect(ws.kernel).toBeNull();
  });
});
