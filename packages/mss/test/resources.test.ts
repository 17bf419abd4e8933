/**
 * Issue 12, defects 3 to 5 in the loss: sizes checked before anything is allocated, the preset
 * cache of the one-shot functions bounded (and its memory returned), and inputs too large for a
 * WebAssembly memory run in chunks of items or in JavaScript, with the same numbers.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { setWasmMemoryLimit } from '@losses/stft/internal';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createMssLoss, mssLoss, mssLossValueAndGrad, mssPresets } from '../src/index.js';
import { cachedPresets, createJsEngineLoss, kernelOf, PRESET_CACHE_BYTES } from '../src/loss.js';
import { errorOf, relMaxError, signal } from './helpers.js';

describe('size limits (issue 12, defect 3)', () => {
  it('refuses sizes above MAX_FFT_SIZE at once, allocating nothing', () => {
    for (const size of [2 ** 22 + 1, 2 ** 27, 2 ** 31, 2 ** 53]) {
      const before = process.memoryUsage().arrayBuffers;
      const e = errorOf(() => createMssLoss({ sizes: [64, size] }));
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.message).toMatch(
        new RegExp(`options.sizes\\[1\\]: expected at most 4194304 .*got ${size}`),
      );
      expect(process.memoryUsage().arrayBuffers - before).toBeLessThan(2 ** 20);
    }
  });
});

describe('the preset cache of the one-shot functions (issue 12, defect 4)', () => {
  it('keeps a preset loss between calls while it holds at most PRESET_CACHE_BYTES (64 MiB)', () => {
    expect(PRESET_CACHE_BYTES).toBe(64 * 2 ** 20);
    const T = 16000;
    mssLoss(signal(T, 1), signal(T, 2), 'smooth');
    const kept = cachedPresets().get('smooth');
    expect(kept).toBeDefined();
    mssLossValueAndGrad(signal(T, 3), signal(T, 4), 'smooth');
    expect(cachedPresets().get('smooth')).toBe(kept);
  });

  it('drops a preset loss whose work memory grew past the bound', () => {
    const T = 120_000; // about 100 float64 values per sample for standard: some 96 MB
    mssLossValueAndGrad(signal(2100, 1), signal(2100, 2), 'standard');
    expect(cachedPresets().has('standard')).toBe(true);
    mssLossValueAndGrad(signal(T, 1), signal(T, 2), 'standard');
    expect(cachedPresets().has('standard')).toBe(false);
    // The next call plans it again (and keeps it: small input).
    mssLoss(signal(2100, 1), signal(2100, 2), 'standard');
    expect(cachedPresets().has('standard')).toBe(true);
  });

  it('lets the memory of a large one-shot call return (2.5 GB stayed after 3 M samples)', () => {
    const script = fileURLToPath(new URL('memory/preset.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      encoding: 'utf8',
    });
    const { before, peak, after } = JSON.parse(out.trim().split('\n').pop()!) as Record<
      string,
      number
    >;
    expect(peak! - before!).toBeGreaterThan(150 * 2 ** 20); // the call did use that much
    expect(after! - before!).toBeLessThan(PRESET_CACHE_BYTES);
  });
});

describe('inputs too large for one WebAssembly memory (issue 12, defect 5)', () => {
  const B = 4;
  const T = 16000;
  const est = tensor(signal(T, 5, B), [B, T]);
  const tgt = tensor(signal(T, 6, B), [B, T]);
  const same = (a: ArrayLike<number>, b: ArrayLike<number>) =>
    a.length === b.length && Array.from(a).every((v, i) => Object.is(v, b[i]));

  for (const preset of ['standard', 'smooth', 'ddsp'] as const) {
    it(`${preset}: runs in chunks of items with bit-identical numbers`, () => {
      const loss = createMssLoss(preset);
      expect(kernelOf(loss).wasmEngine).toBeDefined();
      const whole = loss.valueAndGrad(est, tgt);
      const fixedWhole = loss.withTarget(tgt).valueAndGrad(est);
      const oneTarget = loss.withTarget(tgt.pick(0, null)).perItem(est);
      // Limits that hold one item and two (all scales' memories together; about 13 MB per item
      // for standard). The fixed target of B items needs a little less.
      const engine = kernelOf(loss).wasmEngine!;
      const per = (items: number) => engine.memoryFor(items, T, false, false);
      expect(per(1)).toBeGreaterThan(5e6);
      for (const limit of [per(1) + 1000, per(2) + 1000]) {
        const was = setWasmMemoryLimit(limit);
        try {
          const small = createMssLoss(preset);
          const chunked = small.valueAndGrad(est, tgt);
          expect(chunked.value).toBe(whole.value);
          expect(same(chunked.grad.data, whole.grad.data)).toBe(true);
          const fixed = small.withTarget(tgt).valueAndGrad(est);
          expect(fixed.value).toBe(fixedWhole.value);
          expect(same(fixed.grad.data, fixedWhole.grad.data)).toBe(true);
          expect(same(small.withTarget(tgt.pick(0, null)).perItem(est).data, oneTarget.data)).toBe(
            true,
          );
        } finally {
          setWasmMemoryLimit(was);
        }
      }
    });
  }

  it('runs in JavaScript what does not fit one item at a time, with its numbers', () => {
    const wasm = createMssLoss('standard').valueAndGrad(est, tgt);
    const was = setWasmMemoryLimit(4 * 2 ** 20);
    try {
      const loss = createMssLoss('standard');
      const fixed = createMssLoss('standard').withTarget(tgt);
      const js = createJsEngineLoss(mssPresets.standard).valueAndGrad(est, tgt);
      for (const r of [loss.valueAndGrad(est, tgt), fixed.valueAndGrad(est)]) {
        expect(r.value).toBe(js.value);
        expect(same(r.grad.data, js.grad.data)).toBe(true);
        expect(Math.abs(r.value - wasm.value) / wasm.value).toBeLessThan(1e-12);
        expect(relMaxError(r.grad.data, wasm.grad.data)).toBeLessThan(1e-10);
      }
    } finally {
      setWasmMemoryLimit(was);
    }
  });
});
