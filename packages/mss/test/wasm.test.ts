import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { createMssLoss, type MssOptions, mssPresets } from '../src/index.js';
import { createJsEngineLoss, kernelOf } from '../src/loss.js';
import { MssWasm, mssModule, TABLE_DOUBLES } from '../src/wasm/kernel.js';
import { WASM_BASE64 } from '../src/wasm/module.js';
import { relMaxError, signal } from './helpers.js';

/** The loss through the WebAssembly engine and through the JavaScript engine. */
function both(options: MssOptions) {
  const wasm = createMssLoss(options);
  const js = createJsEngineLoss(options);
  expect(kernelOf(wasm).wasmEngine).toBeDefined();
  expect(kernelOf(js).wasmEngine).toBeUndefined();
  return { wasm, js };
}

const T = 2300;
const est = tensor(signal(T, 11, 3), [3, T]);
const tgt = tensor(signal(T, 12, 3), [3, T]);

const grid: [string, MssOptions][] = [
  ['standard', mssPresets.standard],
  ['smooth', mssPresets.smooth],
  ['ddsp (padEnd, safeLog)', mssPresets.ddsp],
  [
    'centred, reflect, db + log1p, l2sq',
    {
      sizes: [64, 100, 67],
      center: true,
      padMode: 'reflect',
      compressions: [
        { kind: 'db', eps: 1e-6 },
        { kind: 'log1p', gamma: 3, weight: 0.5 },
      ],
      distance: 'l2sq',
    },
  ],
  [
    'centred, constant, linear, l1, sum, magnitudeEps',
    {
      sizes: [48, 127],
      windowLengths: [40, 127],
      window: 'hamming',
      center: true,
      padMode: 'constant',
      compressions: ['linear'],
      reduction: 'sum',
      scaleReduction: 'mean',
      magnitudeEps: 1e-6,
    },
  ],
];

describe('WebAssembly pipeline', () => {
  it('is the assembly of wasm/mss.wat (run `pnpm wasm` in packages/mss after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/mss.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/mss.wat'));
  });

  it('stays under 4 KiB (browsers compile larger modules synchronously only off the main thread)', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });

  it('computes log within 1 ulp of Math.log, to the last place next to 1, and Math.log of 0 and subnormals', () => {
    const mod = mssModule();
    expect(mod).not.toBeNull();
    const memory = new WebAssembly.Memory({ initial: 8 });
    const loss = new MssWasm(mod!, memory, 0, [{ kind: 'log', eps: 0, weight: 1 }]);
    const xs: number[] = [0, 5e-324, 2.2e-308, 1, 2, 0.5, 1.375, 0.6875, Number.MAX_VALUE];
    const rand = lcg32(12345);
    for (let i = 0; i < 20000; i++) xs.push(2 ** (1400 * rand() - 700) * (1 + rand()));
    for (let i = 0; i < 10000; i++) xs.push(1 + (rand() - 0.5) * 2 ** (-40 * rand()));
    // log u(x) with u(x) = eps + x, eps = 0: a last element alone and the second lane of a pair.
    const x = 8 * TABLE_DOUBLES;
    const y = x + 16;
    const f = new Float64Array(memory.buffer);
    const bits = new BigInt64Array(2);
    const as = new Float64Array(bits.buffer);
    let worst = 0n;
    const check = (got: number, v: number) => {
      as[0] = got;
      as[1] = Math.log(v);
      if (!Number.isFinite(as[1]!)) {
        expect(got).toBe(as[1]);
        return;
      }
      const d = bits[0]! > bits[1]! ? bits[0]! - bits[1]! : bits[1]! - bits[0]!;
      if (d > worst) worst = d;
    };
    xs.forEach((v, i) => {
      f[x / 8] = v;
      loss.logs(0, x, 1, y);
      check(f[y / 8]!, v);
      // Lane 1 of a pair (lane 0 holds 1, whose log is exactly 0).
      f[x / 8] = 1;
      f[x / 8 + 1] = v;
      if (i % 7 === 0) {
        loss.logs(0, x, 2, y);
        check(f[y / 8 + 1]!, v);
      }
    });
    expect(worst).toBeLessThanOrEqual(1n);
  });

  it('computes log1p(gamma x) within 2 ulp of Math.log1p, exactly gamma x for tiny x (issue 12)', () => {
    const mod = mssModule();
    const memory = new WebAssembly.Memory({ initial: 8 });
    for (const gamma of [1, 3]) {
      const loss = new MssWasm(mod!, memory, 0, [{ kind: 'log1p', gamma, weight: 1 }]);
      const xs: number[] = [0, 5e-324, 1e-300, 1e-160, 1e-17, 1e-16, 3e-16, 1e-9, 0.5, 1, 1e300];
      const rand = lcg32(99);
      for (let i = 0; i < 20000; i++) xs.push(2 ** (60 * rand() - 58) * (1 + rand()));
      const x = 8 * TABLE_DOUBLES;
      const y = x + 16;
      const f = new Float64Array(memory.buffer);
      let bad = 0;
      for (const v of xs) {
        f[x / 8] = v;
        loss.logs(0, x, 1, y);
        const want = Math.log1p(gamma * v);
        // Math.log(1 + x) would be 0 below x = 1.1e-16, and off by up to 100 % just above.
        if (!(Math.abs(f[y / 8]! - want) <= 2 * Number.EPSILON * Math.abs(want))) bad++;
      }
      expect(bad).toBe(0);
    }
  });

  it('serves l1 and l2sq without spectral convergence; the rest runs in JavaScript', () => {
    expect(kernelOf(createMssLoss({ sizes: [64], distance: 'l2' })).wasmEngine).toBeUndefined();
    expect(kernelOf(createMssLoss('auraloss')).wasmEngine).toBeUndefined();
    expect(kernelOf(createMssLoss('ddsp')).wasmEngine).toBeDefined();
  });

  for (const [name, options] of grid) {
    it(`gives the JavaScript kernel's value and gradient: ${name}`, () => {
      const { wasm, js } = both(options);
      const a = wasm.valueAndGrad(est, tgt);
      const b = js.valueAndGrad(est, tgt);
      expect(Math.abs(a.value - b.value) / Math.abs(b.value)).toBeLessThan(1e-12);
      expect(relMaxError(a.grad.data, b.grad.data)).toBeLessThan(1e-10);
      expect(relMaxError(wasm.perItem(est, tgt).data, js.perItem(est, tgt).data)).toBeLessThan(
        1e-12,
      );
      // A fixed target, one item against every item of the estimate.
      const one = tensor(signal(T, 13), [T]);
      const fa = wasm.withTarget(one).valueAndGrad(est);
      const fb = js.withTarget(one).valueAndGrad(est);
      expect(Math.abs(fa.value - fb.value) / Math.abs(fb.value)).toBeLessThan(1e-12);
      expect(relMaxError(fa.grad.data, fb.grad.data)).toBeLessThan(1e-10);
    });
  }

  it('keeps a fixed target in WebAssembly memory between calls, and never a stale one', () => {
    const { wasm } = both(mssPresets.standard);
    const other = tensor(signal(T, 14, 3), [3, T]);
    const a = wasm.withTarget(tgt);
    const b = wasm.withTarget(other);
    const first = a.valueAndGrad(est);
    // Other targets and two-argument calls in between overwrite the memory the target sits in.
    const sequence = [
      () => a.valueAndGrad(est),
      () => b.valueAndGrad(est),
      () => a.valueAndGrad(est),
      () => wasm.valueAndGrad(est, other),
      () => a.valueAndGrad(est),
      () => wasm.withTarget(other).valueAndGrad(est),
      () => a.valueAndGrad(est),
    ];
    const results = sequence.map((f) => f());
    for (const i of [0, 2, 4, 6]) {
      expect(results[i]!.value).toBe(first.value);
      expect(Array.from(results[i]!.grad.data)).toEqual(Array.from(first.grad.data));
    }
    expect(results[1]!.value).toBe(wasm.valueAndGrad(est, other).value);
    expect(results[1]!.value).not.toBe(first.value);
  });

  it('keeps float32 in and out, and its values agree with float64 to float32 precision', () => {
    const { wasm } = both(mssPresets.smooth);
    const e32 = tensor(new Float32Array(est.data), [3, T]);
    const t32 = tensor(new Float32Array(tgt.data), [3, T]);
    const a = wasm.valueAndGrad(e32, t32);
    const b = wasm.valueAndGrad(est, tgt);
    expect(a.grad.data).toBeInstanceOf(Float32Array);
    expect(Math.abs(a.value - b.value) / b.value).toBeLessThan(1e-5);
    expect(relMaxError(a.grad.data, b.grad.data)).toBeLessThan(1e-4);
  });

  for (const preset of ['standard', 'smooth', 'ddsp'] as const) {
    it(`is silent-signal safe (${preset}): zero signals give 0 and a zero gradient, a zero estimate a finite one`, () => {
      const { wasm, js } = both(mssPresets[preset]);
      const z = tensor(new Float64Array(3 * T), [3, T]);
      const r = wasm.valueAndGrad(z, z);
      expect(r.value).toBe(0);
      expect(Array.from(r.grad.data).every((v) => v === 0)).toBe(true);
      // |X| = 0 everywhere in the estimate: the loss loop divides by |X| there (inf or NaN), which
      // the adjoint STFT must mask: the gradient of |X| at 0 is 0, as in the JavaScript kernel.
      const a = wasm.valueAndGrad(z, tgt);
      const b = js.valueAndGrad(z, tgt);
      expect(Math.abs(a.value - b.value) / Math.abs(b.value)).toBeLessThan(1e-12);
      expect(Array.from(b.grad.data).every((v) => v === 0)).toBe(true);
      expect(Array.from(a.grad.data).every((v) => v === 0)).toBe(true);
      // One item silent, the others not: finite everywhere, and the JavaScript kernel's numbers.
      const mixed = tensor(Float64Array.from(est.data as Float64Array), [3, T]);
      (mixed.data as Float64Array).fill(0, T, 2 * T);
      const c = wasm.valueAndGrad(mixed, tgt);
      const d = js.valueAndGrad(mixed, tgt);
      expect(Array.from(c.grad.data).every(Number.isFinite)).toBe(true);
      expect(Math.abs(c.value - d.value) / Math.abs(d.value)).toBeLessThan(1e-12);
      expect(relMaxError(c.grad.data, d.grad.data)).toBeLessThan(1e-10);
    });
  }
});
