/**
 * Issue 17: the float32 route's loss loop (wasm/mss32.wat through MssWasm.fused32) against the
 * float64 loop (MssWasm.logs + MssWasm.fused, wasm/mss.wat) on the same float32 values: the sum
 * within a bound derived from float32 rounding (the logs within 2 ulp, each difference and product
 * rounded once), dL/d|X| likewise per element (exactly where an l1 sign is not decided by
 * rounding); and exactly the float64 numbers (rounded to float32) for the groups of four with a
 * value outside the float32 fast path and for the last n mod 4. Kinds log (b + c x), safeLog, the
 * clamp-floored log of issue 14, log1p, linear alone, two log passes (added gradients), l1 and
 * squared L2, with and without a fixed target's logs.
 */
import { readFileSync } from 'node:fs';
import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import type { ResolvedCompression } from '../src/compression.js';
import { MssWasm, mssModule, TABLE_DOUBLES } from '../src/wasm/kernel.js';
import { WASM_BASE64 } from '../src/wasm/module32.js';

describe('float32 loss module', () => {
  it('is the assembly of wasm/mss32.wat (run `pnpm wasm` in packages/mss after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module32.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/mss32.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/mss32.wat'));
  });

  it('stays under 4 KiB', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });
});

/** One float32 ulp at |v| (0 for v = 0; the subnormal spacing below 2^-126). */
function ulp32(v: number): number {
  const a = Math.abs(v);
  if (a === 0) return 0;
  return 2 ** Math.max(Math.floor(Math.log2(a)) - 23, -149);
}

const N = 2 ** -126;
const f = Math.fround;
/** u(x) of a log-type compression in float32, and whether x is in the float32 fast path. */
type Kind = {
  u: (x: number) => number;
  served: (x: number) => boolean;
  /** Where the log term's gradient passes (kind 1: x at or above its threshold). */
  pos: (x: number) => boolean;
  c: number;
  a: number;
};
const normal = (u: number) => u >= N && u < Infinity;
const KINDS: Record<string, [ResolvedCompression, Kind | null]> = {
  'log(x + 1e-7)': [
    { kind: 'log', eps: 1e-7, weight: 0.75 },
    {
      u: (x) => f(f(1e-7) + x),
      served: (x) => normal(f(f(1e-7) + x)),
      pos: () => true,
      c: 1,
      a: 1,
    },
  ],
  safeLog: [
    { kind: 'safeLog', eps: 1e-5, weight: 1 },
    {
      u: (x) => (x > 0 ? x : f(1e-5)),
      served: (x) => x === 0 || normal(x),
      pos: (x) => x > 0,
      c: 1,
      a: 1,
    },
  ],
  'log(clamp(x, 1e-5))': [
    { kind: 'floorLog', form: { kind: 'log', floor: 'clamp', eps: 1e-5, power: 1 }, weight: 1 },
    { u: (x) => (x >= 1e-5 ? x : f(1e-5)), served: () => true, pos: (x) => x >= 1e-5, c: 1, a: 1 },
  ],
  'log1p(2 x)': [
    { kind: 'log1p', gamma: 2, weight: 1.5 },
    {
      u: (x) => f(1 + f(2 * x)),
      served: (x) => (x === 0 || f(2 * x) >= N) && normal(f(1 + f(2 * x))),
      pos: () => true,
      c: 2,
      a: 1,
    },
  ],
  linear: [{ kind: 'linear', weight: 1 }, null],
};

interface Case {
  name: string;
  comps: ResolvedCompression[];
  kinds: (Kind | null)[];
  squared: boolean;
  given: boolean;
}

const cases: Case[] = [];
for (const [name, [c, k]] of Object.entries(KINDS)) {
  for (const squared of [false, true]) {
    const comps: ResolvedCompression[] = k ? [{ kind: 'linear', weight: 0.5 }, c] : [c];
    cases.push({ name, comps, kinds: k ? [k] : [null], squared, given: false });
    if (k) cases.push({ name: `${name}, fixed target`, comps, kinds: [k], squared, given: true });
  }
}
cases.push({
  name: 'log(x + 1e-7) and log1p(2 x): two passes',
  comps: [KINDS['log(x + 1e-7)']![0], KINDS['log1p(2 x)']![0]],
  kinds: [KINDS['log(x + 1e-7)']![1], KINDS['log1p(2 x)']![1]],
  squared: true,
  given: false,
});

describe.runIf(mssModule() !== null)('the float32 loss loop (issue 17)', () => {
  for (const cs of cases) {
    it(`${cs.name}, ${cs.squared ? 'squared L2' : 'l1'}: float32 rounding bounds; the slow groups and the tail exactly float64's`, () => {
      const mod = mssModule()!;
      const memory = new WebAssembly.Memory({ initial: 64 });
      const l32 = new MssWasm(mod, memory, 0, cs.comps, true);
      const l64 = new MssWasm(mod, memory, 0, cs.comps);
      const passes = cs.kinds.filter((k) => k !== null);
      const rand = lcg32(cs.name.length * 31 + (cs.squared ? 7 : 0) + (cs.given ? 3 : 0));
      const n = 4003;
      const val = () => f(2 ** (60 * rand() - 40) * (1 + rand()));
      const xs = Float64Array.from({ length: n }, val);
      const ts = Float64Array.from({ length: n }, (_, i) =>
        i % 5 === 0 ? f(xs[i]! * (1 + 1e-3 * rand())) : val(),
      );
      // silence, a float32 subnormal, values at the floors, equal pairs (d = 0), the tail
      xs[40] = 0;
      ts[41] = 0;
      xs[42] = f(1e-40);
      xs[45] = f(1e-5);
      ts[46] = f(1e-44);
      xs[50] = 0;
      ts[50] = 0;
      xs[51] = ts[51]!;
      xs[n - 1] = 0;
      const at = (k: number) => 8 * TABLE_DOUBLES + 64 + k * (8 * n + 64);
      const [x64, t64, g64, x32, t32, g32, ...rest] = Array.from(
        { length: 6 + 4 * passes.length },
        (_, k) => at(k),
      );
      const lx64 = rest.slice(0, passes.length);
      const lt64 = rest.slice(passes.length, 2 * passes.length);
      const lt32 = rest.slice(2 * passes.length, 3 * passes.length);
      const F64 = new Float64Array(memory.buffer);
      const F32 = new Float32Array(memory.buffer);
      F64.set(xs, x64! / 8);
      F64.set(ts, t64! / 8);
      F32.set(xs, x32! / 4);
      F32.set(ts, t32! / 4);
      passes.forEach((_, j) => {
        l64.logs(j, x64!, n, lx64[j]!);
        l64.logs(j, t64!, n, lt64[j]!);
        if (cs.given) {
          // a fixed target's logs as float32 rows; the float64 reference gets the same values
          const l = F64.subarray(lt64[j]! / 8, lt64[j]! / 8 + n);
          F32.set(l, lt32[j]! / 4);
          l.set(F32.subarray(lt32[j]! / 4, lt32[j]! / 4 + n));
        }
      });
      const weight = 0.37;
      for (const grad of [false, true]) {
        const want = l64.fused(cs.squared, grad, x64!, t64!, lx64, lt64, n, g64!, weight);
        const got = l32.fused32(
          cs.squared,
          grad,
          x32!,
          t32!,
          cs.given ? lt32 : undefined,
          n,
          g32!,
          weight,
        );
        expect(Number.isFinite(got)).toBe(true);
        // The bound: per element, the float32 roundings of the logs (2 ulp each), of d = A (lx - lt)
        // and of d1 = x - t, through |.| (l1) or the square (2 |d| per unit of d).
        let bound = 0;
        const wlin = cs.comps.filter((c) => c.kind === 'linear').reduce((s, c) => s + c.weight, 0);
        const logW = cs.comps.filter((c) => c.kind !== 'linear').map((c) => c.weight);
        // a group goes to the float64 loop in a pass when one of its values is not served there
        const slowIn = (i: number, k: Kind) => {
          const g0 = i - (i % 4);
          if (g0 + 4 > n - (n % 4)) return true;
          return [0, 1, 2, 3].some(
            (l) => !k.served(xs[g0 + l]!) || (!cs.given && !k.served(ts[g0 + l]!)),
          );
        };
        const tail = (i: number) => i >= n - (n % 4);
        const errD: number[][] = [];
        for (let i = 0; i < n; i++) {
          const d1 = xs[i]! - ts[i]!;
          const e1 = ulp32(d1);
          bound += wlin * (cs.squared ? 2 * Math.abs(d1) * e1 + e1 * e1 : e1);
          errD[i] = passes.map((k, j) => {
            const lx = F64[lx64[j]! / 8 + i]!;
            const lt = F64[lt64[j]! / 8 + i]!;
            const d = k.a * (lx - lt);
            const e = 2 * ulp32(lx) + (cs.given ? 0 : 2 * ulp32(lt)) + 2 * ulp32(d);
            bound += logW[j]! * (cs.squared ? 2 * Math.abs(d) * e + e * e : e);
            return e;
          });
        }
        expect(Math.abs(got - want), `sum ${got} vs ${want}`).toBeLessThanOrEqual(
          bound * 1.01 + 1e-300,
        );
        if (!grad) continue;
        const scale = cs.squared ? 2 * weight : weight;
        for (let i = 0; i < n; i++) {
          const g = F32[g32! / 4 + i]!;
          const r = F64[g64! / 8 + i]!;
          // (finite where float64's is a float32 number: safeLog's A / x past 2^128 at x = 1e-40 is not)
          expect(Number.isFinite(g) || !Number.isFinite(f(r)), `${i}`).toBe(true);
          if (tail(i) || (passes.length > 0 && passes.every((k) => slowIn(i, k)))) {
            expect(g, `slow ${i}`).toBe(f(r));
            continue;
          }
          // Rounding: 4 float32 ulps of each term of scale (wlin s1 + sum_j dy_j s2_j) with
          // dy_j = w_j A c / u(x), s = sign (l1) or the difference (squared, plus its own error).
          // An l1 sign within a difference's error is not decided by the float32 numbers: skipped.
          const R = 4 * 2 ** -23;
          const d1 = xs[i]! - ts[i]!;
          let tol =
            4 * ulp32(r) + scale * wlin * (cs.squared ? 2 * ulp32(d1) + R * Math.abs(d1) : R);
          let decided = cs.squared || d1 === 0 || Math.abs(d1) > 2 * ulp32(d1);
          passes.forEach((k, j) => {
            const d = k.a * (F64[lx64[j]! / 8 + i]! - F64[lt64[j]! / 8 + i]!);
            const dy = k.pos(xs[i]!) ? (logW[j]! * k.a * k.c) / k.u(xs[i]!) : 0;
            if (slowIn(i, k)) return;
            if (cs.squared) tol += scale * dy * (errD[i]![j]! + R * Math.abs(d));
            else if (d !== 0 && Math.abs(d) <= errD[i]![j]!) decided = false;
            tol += scale * dy * R;
          });
          if (!decided) continue;
          expect(Math.abs(g - r), `${i}: ${g} vs ${r}`).toBeLessThanOrEqual(tol);
        }
      }
    });
  }
});
