import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { createRowKernel, WASM_DATA_START } from '../src/wasm/kernel.js';
import { createRows4Kernel } from '../src/wasm/pairs.js';
import { WASM_BASE64 } from '../src/wasm/rows4-module.js';
import { rng } from './reference.js';

/**
 * Runs the cells (i + r, lo..hi), r = 0..3, once as four calls of `row` (softdtw.wat) and once as
 * one call of `rows4` (rows4.wat) on the same memory, from the same (m, s) row, costs and border
 * values; returns the weights and the final (m, s) row of both.
 */
function both(
  M: number,
  lo: number,
  hi: number,
  cost: Float64Array, // 4 rows of M
  prev: Float64Array, // (m, s) of row i - 1, 2 (M + 1)
  lefts: number[],
  w: [number, number, number],
  gamma: number,
) {
  const k = createRowKernel()!;
  const r4 = createRows4Kernel(k)!;
  const W = M + 1;
  // Layout (float64 words): the row, then 3 words of slack, 4 cost rows of M + 6 (3 columns of
  // slack on each side, as the pair kernel's cost block has), then the weights of 4 rows.
  const stAt = WASM_DATA_START / 8;
  const cs = M + 6;
  const cAt = stAt + 2 * W + 8;
  const qAt = cAt + 4 * cs + 8;
  const need = 8 * (qAt + 3 * 4 * W + 8);
  if (k.memory.buffer.byteLength < need)
    k.memory.grow(Math.ceil((need - k.memory.buffer.byteLength) / 65536));
  const mem = new Float64Array(k.memory.buffer);
  const costAt = (r: number) => cAt + r * cs + 3;
  const run = (four: boolean) => {
    // Dirty memory around everything (NaN): no lane may read it into a result.
    mem.fill(Number.NaN, stAt, qAt + 3 * 4 * W + 8);
    mem.set(prev, stAt);
    for (let r = 0; r < 4; r++) mem.set(cost.subarray(r * M, (r + 1) * M), costAt(r));
    const invG = 1 / gamma;
    const shift = gamma * 3 * Math.LN2;
    const diagM = mem[stAt + 2 * (lo - 1)]!;
    const diagS = mem[stAt + 2 * (lo - 1) + 1]!;
    const qOf = (r: number) => 8 * (qAt + 3 * (r * W + lo - 1));
    if (four) {
      r4.rows4(
        lo,
        hi,
        qOf(0),
        24 * W,
        8 * stAt,
        8 * costAt(0) - 8,
        8 * costAt(1) - 8,
        8 * costAt(2) - 8,
        8 * costAt(3) - 8,
        ...w,
        invG,
        shift,
        diagM,
        diagS,
        lefts[0]!,
        lefts[1]!,
        lefts[2]!,
        lefts[3]!,
      );
    } else {
      let dM = diagM;
      let dS = diagS;
      for (let r = 0; r < 4; r++) {
        k.row(lo, hi, qOf(r), 8 * stAt, 8 * costAt(r) - 8, ...w, invG, shift, dM, dS, lefts[r]!);
        // the diagonal of the next row's first cell: (i + r, lo - 1) = (left_r, 1)
        dM = lefts[r]!;
        dS = 1;
      }
    }
    const q: number[] = [];
    for (let r = 0; r < 4; r++)
      for (let j = lo; j <= hi; j++)
        for (let t = 0; t < 3; t++) q.push(mem[qAt + 3 * (r * W + j - 1) + t]!);
    const st: number[] = [];
    for (let j = lo; j <= hi; j++) st.push(mem[stAt + 2 * j]!, mem[stAt + 2 * j + 1]!);
    return { q, st };
  };
  return { want: run(false), got: run(true) };
}

describe('four rows at once (wasm/rows4.wat)', () => {
  it('is the assembly of wasm/rows4.wat (run `pnpm wasm` in packages/softdtw after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/rows4-module.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/rows4.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/rows4.wat'));
  });

  it('is available in Node and small enough for synchronous compilation in browsers (< 4 KiB)', () => {
    expect(createRows4Kernel(createRowKernel()!)).not.toBeNull();
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });

  it('gives bit for bit the weights and the last row of four calls of `row` (column ranges, gamma, weights, unreachable cells, start values, huge and tiny costs)', () => {
    const r = rng(404);
    const INF = Number.POSITIVE_INFINITY;
    let cases = 0;
    for (const [M, lo, hi, gamma, w, scale, lefts, holes] of [
      [1, 1, 1, 1, [1, 1, 1], 1, [INF, INF, INF, INF], false],
      [2, 1, 2, 0.5, [1, 1, 1], 3, [INF, INF, INF, INF], false],
      [9, 1, 9, 1, [1, 1, 2], 20, [INF, INF, INF, INF], false],
      [9, 3, 7, 0.1, [0.5, 2, 1], 5, [INF, INF, INF, INF], false],
      [17, 2, 17, 1e-4, [1, 1, 1], 2, [0.5, 1.5, 2.5, 3.5], false],
      [13, 1, 12, 10, [0, 1, 1], 1e3, [INF, INF, INF, INF], true],
      [31, 1, 31, 1, [1, 1, 1], 1e-300, [INF, INF, INF, INF], false],
      [31, 5, 5, 1, [1, 1, 1], 1e300, [0, 0, 0, 0], false],
      [64, 1, 64, 0.7, [1, 1, 1], 50, [INF, INF, INF, INF], true],
    ] as const) {
      const cost = Float64Array.from({ length: 4 * M }, () => scale * r() * r());
      if (holes) for (let t = 0; t < 4 * M; t += 5) cost[t] = 0; // ties between the three terms
      const prev = new Float64Array(2 * (M + 1));
      for (let j = 0; j <= M; j++) {
        // row i - 1: some unreachable cells (+inf, 1), the rest (m, s) with s in [1, 8)
        const unreachable = j === 0 || (holes && j % 4 === 1);
        prev[2 * j] = unreachable ? INF : scale * r();
        prev[2 * j + 1] = unreachable ? 1 : 1 + 7 * r();
      }
      const { want, got } = both(M, lo, hi, cost, prev, [...lefts], [...w] as never, gamma);
      expect(got.q.length).toBe(want.q.length);
      for (let t = 0; t < want.q.length; t++) {
        if (!Object.is(got.q[t], want.q[t]))
          throw new Error(`M ${M} [${lo}, ${hi}]: weight ${t}: ${got.q[t]} vs ${want.q[t]}`);
      }
      for (let t = 0; t < want.st.length; t++) {
        if (!Object.is(got.st[t], want.st[t]))
          throw new Error(`M ${M} [${lo}, ${hi}]: row entry ${t}: ${got.st[t]} vs ${want.st[t]}`);
      }
      for (const v of got.q) expect(Number.isFinite(v)).toBe(true);
      cases++;
    }
    expect(cases).toBe(9);
  });
});
