import { describe, expect, it } from 'vitest';
import { bandOf } from '../src/band.js';
import { type Boundary, boundaryGrid, type Grid } from '../src/grid.js';
import type { Steps } from '../src/options.js';
import { softDtwBackward, softDtwForward, softDtwValue } from '../src/recursion.js';
import { checkSteps } from '../src/steps.js';
import { Workspace } from '../src/workspace.js';
import { rng } from './reference.js';
import { table } from './variant-reference.js';

// The general step sets' WebAssembly rows (grow, gback of wasm/softdtw.wat) against their
// JavaScript twins (growJs, gbackJs of src/general.ts): the same operations in the same order, so
// the same bits, on one workspace reused across sizes (memory left dirty by larger problems).

interface Case {
  N: number;
  M: number;
  steps: Steps;
  grid: Grid;
  band: ReturnType<typeof bandOf>;
  C: Float64Array;
}

const SETS = [
  [
    { di: 1, dj: 1 },
    { di: 1, dj: 2 },
    { di: 2, dj: 1 },
  ],
  [
    { di: 1, dj: 0 },
    { di: 1, dj: 1 },
    { di: 1, dj: 2 },
  ],
  [
    { di: 0, dj: 1, weight: 0.5 },
    { di: 1, dj: 1, weight: 2 },
    { di: 2, dj: 1, weight: 1.5 },
    { di: 1, dj: 3, weight: 0.25 },
    { di: 3, dj: 2 },
  ],
  [{ di: 1, dj: 1, weight: 3 }],
];

const BOUNDS: Boundary[] = [
  { begin: 'none', end: 'none', beginPenalty: 0, endPenalty: 0 },
  { begin: 'y', end: 'y', beginPenalty: 0, endPenalty: 0 },
  { begin: 'both', end: 'x', beginPenalty: 0.3, endPenalty: 1.2 },
];

function cases(seed: number, count: number): Case[] {
  const r = rng(seed);
  const out: Case[] = [];
  for (let k = 0; k < count; k++) {
    const N = 1 + Math.floor(r() * 40);
    const M = 1 + Math.floor(r() * 40);
    const gamma = [1, 0.1, 1e-4, 10][k % 4]!;
    const steps = { ...checkSteps(SETS[k % SETS.length]!, 'steps'), gamma };
    const grid = boundaryGrid(BOUNDS[Math.floor(k / 4) % BOUNDS.length]!, N, M);
    const band = bandOf(N, M, k % 3 === 0 ? { kind: 'sakoe-chiba', width: 2 } : null);
    const scale = k % 5 === 4 ? 1e6 : 10;
    out.push({
      N,
      M,
      steps,
      grid,
      band,
      C: Float64Array.from({ length: N * M }, () => scale * r()),
    });
  }
  return out;
}

function run(ws: Workspace, c: Case): { value: number; E: Float64Array; valueOnly: number } {
  const { N, M, steps, grid, C } = c;
  const band = c.band!;
  const rows = (i: number, out: Float64Array, lo: number, hi: number) => {
    for (let j = lo; j <= hi; j++) out[j] = C[i * M + j]!;
  };
  const E = new Float64Array(N * M);
  const value = softDtwForward(N, M, rows, band, steps, ws, grid);
  softDtwBackward(
    N,
    M,
    band,
    steps,
    ws,
    (i, e, lo, hi) => {
      for (let j = lo; j <= hi; j++) E[i * M + j] = e[j]!;
    },
    grid,
  );
  return { value, E, valueOnly: softDtwValue(N, M, rows, band, steps, ws, grid) };
}

describe('general step sets: WebAssembly rows and their JavaScript twins', () => {
  it('a workspace has the WebAssembly rows of the general kernels', () => {
    expect(new Workspace(true).general().kernel).not.toBeNull();
    expect(new Workspace(false).general().kernel).toBeNull();
  });

  it('give bit for bit the same values, value-only passes and alignments (80 cases, one dirty workspace each)', () => {
    const wasm = new Workspace(true);
    const js = new Workspace(false);
    for (const c of cases(71, 80)) {
      const a = run(wasm, c);
      const b = run(js, c);
      expect(Object.is(a.value, b.value)).toBe(true);
      expect(Object.is(a.valueOnly, b.valueOnly)).toBe(true);
      expect(Object.is(a.value, a.valueOnly)).toBe(true);
      for (let k = 0; k < a.E.length; k++) {
        if (!Object.is(a.E[k], b.E[k]))
          throw new Error(`E differs at ${k}: ${a.E[k]} vs ${b.E[k]}`);
      }
    }
  });

  it('match the full-table reference after the memory was left dirty by larger problems', () => {
    const ws = new Workspace(true);
    for (const c of cases(72, 10)) run(ws, c);
    const r = rng(73);
    const steps = { ...checkSteps(SETS[0]!, 'steps'), gamma: 0.7 };
    for (const [N, M] of [
      [7, 11],
      [12, 9],
    ] as const) {
      const C = Array.from({ length: N }, () => Array.from({ length: M }, () => 3 * r()));
      const want = table(C, {
        gamma: 0.7,
        steps: [
          [1, 1, 1],
          [1, 2, 1],
          [2, 1, 1],
        ],
        start: (i, j) => (i === 0 && j === 0 ? 0 : Number.POSITIVE_INFINITY),
        end: (i, j) => (i === N && j === M ? 0 : Number.POSITIVE_INFINITY),
        admit: () => true,
      });
      const got = run(ws, {
        N,
        M,
        steps,
        grid: boundaryGrid(BOUNDS[0]!, N, M),
        band: bandOf(N, M, null),
        C: Float64Array.from(C.flat()),
      });
      if (want.value === Number.POSITIVE_INFINITY) {
        expect(got.value).toBe(want.value);
        continue;
      }
      expect(Math.abs(got.value - want.value)).toBeLessThan(1e-12 * Math.abs(want.value) + 1e-12);
      for (let i = 0; i < N; i++) {
        for (let j = 0; j < M; j++)
          expect(Math.abs(got.E[i * M + j]! - want.E[i]![j]!)).toBeLessThan(1e-11);
      }
    }
  });

  it('continue in JavaScript (same numbers) when a problem outgrows the kernel memory cap', () => {
    const ws = new Workspace(true, 256 * 1024);
    const js = new Workspace(false);
    const small = cases(74, 1)[0]!;
    const big: Case = {
      ...small,
      N: 200,
      M: 200,
      band: bandOf(200, 200, null),
      grid: boundaryGrid(BOUNDS[0]!, 200, 200),
      C: Float64Array.from({ length: 40000 }, (_, k) => (k % 17) / 3),
    };
    expect(ws.general().kernel).not.toBeNull();
    for (const c of [small, big, small]) {
      const a = run(ws, c);
      const b = run(js, c);
      expect(Object.is(a.value, b.value)).toBe(true);
      expect(Array.from(a.E)).toEqual(Array.from(b.E));
    }
    expect(ws.general().kernel).toBeNull();
  });
});
