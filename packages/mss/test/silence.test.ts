/**
 * Issue 12 in the loss: partly silent inputs (the repro, leading and trailing silence, a
 * silent item in a batch, fades over 300 dB) give PyTorch's numbers (golden vectors of
 * test/fixtures/generate_goldens.py, float64 autograd), a silent target item is refused by the
 * spectral convergence alone or in a batch, and samples of 1e-300 .. 1e300 give finite, exact
 * losses and gradients. `pnpm test` runs this file with and without WebAssembly.
 */
import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
// lcgNoise: the uniform noise of generate_goldens.py's lcg_noise (exactly the same numbers).
import { lcgNoise } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssPresetName, mssPresets } from '../src/index.js';
import { errorOf, signal } from './helpers.js';
import { naiveMss } from './naive.js';

interface Silent {
  repro: {
    preset: MssPresetName;
    estimateSeed: number;
    silent: number;
    targetSeed: number;
    length: number;
    value: number;
    gradEvery4: number[];
    gradMaxAbs: number;
    silentGradMaxAbs: number;
  }[];
  ddsp16001: {
    estimateSeed: number;
    targetSeed: number;
    length: number;
    value: number;
    gradEvery4: number[];
  };
  batch: {
    items: number;
    length: number;
    presets: {
      preset: MssPresetName;
      value: number;
      perItem: number[];
      gradEvery3: number[][];
      gradMaxAbs: number;
    }[];
  };
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/silent.json', import.meta.url), 'utf8'),
) as Silent;

/** max |a[i] - b[i]| over the strided samples, relative to `scale`. */
function strided(grad: ArrayLike<number>, offset: number, every: number, want: number[]): number {
  let err = 0;
  want.forEach((w, i) => {
    err = Math.max(err, Math.abs(grad[offset + i * every]! - w));
  });
  return err;
}

describe("the issue's repro: 16000 samples, the first 6000 silent, against noise", () => {
  for (const r of golden.repro) {
    it(`${r.preset}: value and gradient equal PyTorch's (was off by up to 3e15 for ddsp)`, () => {
      const est = lcgNoise(r.length, r.estimateSeed);
      est.fill(0, 0, r.silent);
      const tgt = lcgNoise(r.length, r.targetSeed);
      const { value, grad } = createMssLoss(r.preset).valueAndGrad(est, tgt);
      expect(Math.abs(value - r.value) / r.value).toBeLessThan(1e-11);
      expect(strided(grad.data, 0, 4, r.gradEvery4)).toBeLessThan(1e-9 * r.gradMaxAbs);
      let silentMax = 0;
      for (let t = 0; t < r.silent; t++) silentMax = Math.max(silentMax, Math.abs(grad.data[t]!));
      expect(Math.abs(silentMax - r.silentGradMaxAbs)).toBeLessThan(1e-9 * r.gradMaxAbs);
    });
  }

  it('ddsp: plain noise of 16001 samples (its last frame zero-padded) equals PyTorch', () => {
    const d = golden.ddsp16001;
    const est = lcgNoise(d.length, d.estimateSeed);
    const tgt = lcgNoise(d.length, d.targetSeed);
    const { value, grad } = createMssLoss('ddsp').valueAndGrad(est, tgt);
    expect(Math.abs(value - d.value) / d.value).toBeLessThan(1e-11);
    let max = 0;
    for (const v of d.gradEvery4) max = Math.max(max, Math.abs(v));
    expect(strided(grad.data, 0, 4, d.gradEvery4)).toBeLessThan(1e-9 * max);
  });
});

/** The batch of generate_goldens.py: leading silence, a silent estimate, trailing silence, a fade. */
function partlySilentBatch(): { est: Float64Array; tgt: Float64Array; B: number; T: number } {
  const { items: B, length: T } = golden.batch;
  const est = new Float64Array(B * T);
  const tgt = new Float64Array(B * T);
  for (let b = 0; b < B; b++) {
    est.set(lcgNoise(T, 10 + b), b * T);
    tgt.set(lcgNoise(T, 20 + b), b * T);
  }
  est.fill(0, 0, 700);
  tgt.fill(0, 0, 600);
  est.fill(0, T, 2 * T);
  est.fill(0, 2 * T + 1300, 3 * T);
  tgt.fill(0, 2 * T + 1400, 3 * T);
  for (let t = 0; t < T; t++) {
    const fade = 2 ** -Math.floor(50 * (1 - t / T));
    est[3 * T + t]! *= fade;
    tgt[3 * T + t]! *= fade;
  }
  return { est, tgt, B, T };
}

describe('a batch of partly silent items (leading, silent, trailing, a 300 dB fade)', () => {
  const { est, tgt, B, T } = partlySilentBatch();
  for (const p of golden.batch.presets) {
    it(`${p.preset}: every item's loss and the gradient equal PyTorch's`, () => {
      const loss = createMssLoss(p.preset);
      const e = tensor(est, [B, T]);
      const t = tensor(tgt, [B, T]);
      const { value, grad } = loss.valueAndGrad(e, t);
      expect(Math.abs(value - p.value) / p.value).toBeLessThan(1e-11);
      const perItem = loss.perItem(e, t).data;
      p.perItem.forEach((v, b) => {
        expect(Math.abs(perItem[b]! - v) / v).toBeLessThan(1e-11);
      });
      p.gradEvery3.forEach((row, b) => {
        // Relative to the item's own largest gradient: the fade's quiet end has gradients
        // 1e12 times the loud end's under safe_log, each exact relative to its own frames.
        const size = Math.max(...row.map(Math.abs));
        expect(strided(grad.data, b * T, 3, row)).toBeLessThanOrEqual(1e-9 * size);
      });
      // The silent estimate's gradient: exactly 0 where torch's is exactly 0.
      const silent = grad.data.subarray(T, 2 * T);
      p.gradEvery3[1]!.forEach((w, i) => {
        if (w === 0) expect(silent[3 * i] === 0).toBe(true);
      });
    });
  }

  it('gives a silent estimate item the same gradient whatever its neighbours (was 0 or 1.2e14)', () => {
    for (const preset of ['standard', 'ddsp', 'smooth'] as const) {
      const loss = createMssLoss(preset);
      const T = 2100;
      const silent = new Float64Array(T);
      const target = lcgNoise(T, 5);
      const alone = loss.valueAndGrad(silent, target).grad.data;
      for (const neighbour of [lcgNoise(T, 6), new Float64Array(T)]) {
        const e = new Float64Array(2 * T);
        e.set(neighbour, 0);
        const t = new Float64Array(2 * T);
        t.set(lcgNoise(T, 7), 0);
        t.set(target, T);
        const g = loss.valueAndGrad(tensor(e, [2, T]), tensor(t, [2, T])).grad.data;
        // The batch gradient is of the mean over 2 items: twice it is the item's own.
        for (let i = 0; i < T; i++) expect(2 * g[T + i]!).toBe(alone[i]);
      }
    }
  });
});

describe('a silent target item under the spectral convergence (issue 12, defect 2)', () => {
  const options = { sizes: [64], compressions: ['linear' as const], spectralConvergence: 1 };
  // 35 frames of 64 per item: odd, so an item's first frame shared a transform with the last
  // frame of the item before it (the leak that gave the silent item a norm of 1e-15).
  const T = 608;

  it('is refused alone, naming it', () => {
    const e = errorOf(() => createMssLoss(options).value(signal(T, 1), new Float64Array(T)));
    expect(e?.code).toBe('NON_FINITE');
    expect(e?.message).toMatch(/target: item 0 is silent at FFT size 64/);
  });

  it('is refused inside a batch too, naming the item (was perItem 2.98e16)', () => {
    const tgt = signal(T, 2, 3);
    tgt.fill(0, T, 2 * T);
    for (const f of [
      (l: ReturnType<typeof createMssLoss>) =>
        l.perItem(tensor(signal(T, 1, 3), [3, T]), tensor(tgt, [3, T])),
      (l: ReturnType<typeof createMssLoss>) =>
        l.value(tensor(signal(T, 1, 3), [3, T]), tensor(tgt, [3, T])),
      (l: ReturnType<typeof createMssLoss>) => l.withTarget(tensor(tgt, [3, T])),
    ]) {
      const e = errorOf(() => f(createMssLoss(options)));
      expect(e?.code).toBe('NON_FINITE');
      expect(e?.message).toMatch(/target: item 1 is silent/);
    }
  });

  it('with magnitudeEps is a documented finite value instead (||Y||_F >= sqrt(M eps))', () => {
    const tgt = signal(T, 2, 2);
    tgt.fill(0, T, 2 * T);
    const loss = createMssLoss({ ...options, magnitudeEps: 1e-8 });
    const perItem = loss.perItem(tensor(signal(T, 1, 2), [2, T]), tensor(tgt, [2, T])).data;
    expect(perItem.every((v) => Number.isFinite(v))).toBe(true);
  });
});

describe('extreme amplitudes (issue 12, defect 6)', () => {
  // The shortest signals each preset takes (the naive reference is O(frames N^2)).
  const lengths = { standard: 2048, smooth: 2053, auraloss: 1100, ddsp: 1100 };
  for (const amplitude of [1e160, 1e-160, 1e300, 1e-300]) {
    for (const preset of ['standard', 'smooth', 'auraloss', 'ddsp'] as const) {
      it(`${preset} at amplitude ${amplitude}: finite and equal to the naive reference`, () => {
        const T = lengths[preset];
        const est = Float64Array.from(signal(T, 3), (v) => v * amplitude);
        const tgt = Float64Array.from(signal(T, 4), (v) => v * amplitude);
        const loss = createMssLoss(preset);
        const { value, grad } = loss.valueAndGrad(est, tgt);
        expect(Number.isFinite(value)).toBe(true);
        expect(grad.data.every((v) => Number.isFinite(v))).toBe(true);
        const ref = naiveMss([est], [tgt], loss.config);
        // (smooth's loss at 1e-160, about (1e-158)^2, is below the normal range: no relative
        // precision there, in any implementation)
        const tiny = 2.2250738585072014e-308;
        expect(Math.abs(value - ref.value)).toBeLessThanOrEqual(1e-10 * Math.abs(ref.value) + tiny);
        let size = 0;
        let err = 0;
        ref.grad[0]!.forEach((v, i) => {
          size = Math.max(size, Math.abs(v));
          err = Math.max(err, Math.abs(grad.data[i]! - v));
        });
        expect(err).toBeLessThanOrEqual(1e-8 * size);
      });
    }
  }

  it('refuses samples beyond 2^1023 / the largest window sum, naming the argument', () => {
    const loss = createMssLoss('standard');
    const est = signal(2200, 1);
    est[5] = 1e305;
    const e = errorOf(() => loss.value(est, signal(2200, 2)));
    expect(e?.code).toBe('INVALID_OPTION');
    expect(e?.message).toMatch(/estimate: element \[5\] is 1e\+305, outside the accepted range/);
    const t = errorOf(() => loss.withTarget(est));
    expect(t?.message).toMatch(/target: element \[5\]/);
    // 1e300 times a Hann sum of 1024 stays finite: accepted.
    expect(
      Number.isFinite(
        loss.value(
          Float64Array.from(est, () => 1e300),
          signal(2200, 2),
        ),
      ),
    ).toBe(true);
  });

  it('never turns an overflowing l2sq term with weight 0 into NaN', () => {
    const loss = createMssLoss({
      sizes: [64],
      compressions: [{ kind: 'linear', weight: 0 }, 'log1p'],
      distance: 'l2sq',
    });
    const est = Float64Array.from(signal(300, 1), (v) => v * 1e200);
    const r = loss.valueAndGrad(est, signal(300, 2));
    expect(Number.isFinite(r.value)).toBe(true);
    expect(r.grad.data.every((v) => Number.isFinite(v))).toBe(true);
    expect(mssPresets.smooth.distance).toBe('l2sq');
  });
});
