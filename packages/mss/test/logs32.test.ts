/**
 * Issue 17: the float32 route's logs (wasm/mss32.wat through MssWasm with `float32`): for float32
 * magnitudes, log u(x) within 2 ulp of float32 of the float64 log (the float32 log of u rounded to
 * float32, Cephes' logf), and exactly the float64 logs where a group of four has a value outside
 * the float32 normal range and for the last n mod 4; kinds log (b + c x), safeLog, the clamp-floored
 * log of issue 14 (kind 1 with the threshold at eps) and log1p.
 */
import { readFileSync } from 'node:fs';
import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import type { ResolvedCompression } from '../src/compression.js';
import { MssWasm, mssModule, TABLE_DOUBLES } from '../src/wasm/kernel.js';
import { WASM_BASE64 } from '../src/wasm/module32.js';

describe('float32 logs module', () => {
  it('is the assembly of wasm/mss32.wat (run `pnpm wasm` in packages/mss after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module32.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/mss32.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/mss32.wat'));
  });

  it('stays under 4 KiB', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });
});

/** float32 ulps between a and b (both float32 values or near them), via their float32 roundings. */
function ulps32(a: number, b: number): number {
  const i = new Int32Array(new Float32Array([a, b]).buffer);
  return Math.abs(i[0]! - i[1]!);
}

describe.runIf(mssModule() !== null)('float32 logs (issue 17)', () => {
  const N = 2 ** -126;
  /** Whether x is served by the float32 path: u(x) (and log1p's c x) in the float32 normal range. */
  const normal = (u: number) => Math.fround(u) >= N && Math.fround(u) < Infinity;
  const cases: [string, ResolvedCompression, (x: number) => number, (x: number) => boolean][] = [
    [
      'log(x + 1e-7)',
      { kind: 'log', eps: 1e-7, weight: 1 },
      (x) => Math.log(Math.fround(x + 1e-7)),
      (x) => normal(x + 1e-7),
    ],
    [
      'safeLog',
      { kind: 'safeLog', eps: 1e-5, weight: 1 },
      (x) => Math.log(x > 0 ? x : 1e-5),
      (x) => normal(x > 0 ? x : 1e-5),
    ],
    [
      // issue 14's clamp floor (kind 1 with its threshold at eps): u = x from eps up, eps below
      'log(clamp(x, 1e-5))',
      { kind: 'floorLog', form: { kind: 'log', floor: 'clamp', eps: 1e-5, power: 1 }, weight: 1 },
      (x) => Math.log(Math.fround(x >= 1e-5 ? x : 1e-5)),
      (x) => normal(x >= 1e-5 ? x : 1e-5),
    ],
    [
      'log1p(2 x)',
      { kind: 'log1p', gamma: 2, weight: 1 },
      (x) => Math.log1p(Math.fround(2 * x)),
      (x) => (2 * x === 0 || 2 * x >= N) && normal(1 + Math.fround(2 * x)),
    ],
  ];
  for (const [name, c, want, served] of cases) {
    it(`${name}: within 2 ulp of float32; out-of-range groups and the tail as the float64 logs`, () => {
      const mod = mssModule()!;
      const memory = new WebAssembly.Memory({ initial: 64 });
      const comps = [c];
      const l32 = new MssWasm(mod, memory, 0, comps, true);
      const l64 = new MssWasm(mod, memory, 0, comps);
      const rand = lcg32(77);
      const n = 40003;
      const xs = new Float64Array(n);
      for (let i = 0; i < n; i++) xs[i] = Math.fround(2 ** (120 * rand() - 100) * (1 + rand()));
      // 0, a float32 subnormal, a value past float32 (the group to the float64 logs where u is out)
      xs[40] = 0;
      xs[41] = 1e-40;
      xs[100] = 1e39;
      const x = 8 * TABLE_DOUBLES + 64;
      const y = x + 8 * n + 64;
      const y64 = y + 8 * n + 64;
      const f = new Float64Array(memory.buffer);
      f.set(xs, x / 8);
      l32.logs(0, x, n, y);
      l64.logs(0, x, n, y64);
      let worst = 0;
      for (let i = 0; i < n; i++) {
        const got = f[y / 8 + i]!;
        const ref = f[y64 / 8 + i]!;
        const g = i - (i % 4);
        const fast = [0, 1, 2, 3].every((l) => served(xs[g + l]!));
        if (!fast || i >= n - (n % 4)) {
          expect(got, `${i}`).toBe(ref);
        } else if (Math.abs(want(xs[i]!)) > 0) {
          const w = want(xs[i]!);
          if (Math.abs(w) < 1e-30) continue;
          worst = Math.max(worst, ulps32(got, w));
        }
        expect(Number.isFinite(got) || !Number.isFinite(ref)).toBe(true);
      }
      expect(worst).toBeLessThanOrEqual(2);
    });
  }
});
