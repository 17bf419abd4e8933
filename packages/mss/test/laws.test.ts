import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  createMssLoss,
  type MssOptions,
  mssLoss,
  mssLossValueAndGrad,
  mssPresets,
} from '../src/index.js';
import { signal } from './helpers.js';

const small: MssOptions = { sizes: [16, 32], compressions: ['linear', { kind: 'log', eps: 1e-5 }] };
const arbSignal = (length: number) =>
  fc.array(fc.double({ min: -1, max: 1, noNaN: true }), { minLength: length, maxLength: length });

describe('laws', () => {
  it('MSS(x, x) = 0 with a zero gradient (any signal, small sizes)', () => {
    fc.assert(
      fc.property(arbSignal(64), (x) => {
        const { value, grad } = mssLossValueAndGrad(x, x, small);
        expect(value).toBe(0);
        expect(grad.data.every((g) => g === 0)).toBe(true);
      }),
      { numRuns: 30 },
    );
  });

  for (const preset of ['standard', 'smooth', 'auraloss', 'ddsp'] as const) {
    it(`MSS(x, x) = 0 with a zero gradient for the ${preset} preset`, () => {
      const x = signal(2100, 5);
      const { value, grad } = mssLossValueAndGrad(x, x, preset);
      expect(value).toBe(0);
      expect(grad.data.every((g) => g === 0)).toBe(true);
    });
  }

  it('the loss is never negative', () => {
    fc.assert(
      fc.property(arbSignal(48), arbSignal(48), (a, b) => {
        expect(mssLoss(a, b, small)).toBeGreaterThanOrEqual(0);
      }),
      { numRuns: 30 },
    );
  });

  it('L1 of linear magnitudes is 1-homogeneous: L(a x^, a x) = a L(x^, x) for a > 0', () => {
    const opts: MssOptions = { sizes: [16, 40], compressions: ['linear'], distance: 'l1' };
    fc.assert(
      fc.property(
        arbSignal(64),
        arbSignal(64),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        (x, y, a) => {
          const base = mssLoss(x, y, opts);
          const scaled = mssLoss(
            x.map((v) => a * v),
            y.map((v) => a * v),
            opts,
          );
          expect(Math.abs(scaled - a * base)).toBeLessThanOrEqual(1e-9 * Math.max(1, a * base));
        },
      ),
      { numRuns: 30 },
    );
  });

  it('squared L2 of linear magnitudes is 2-homogeneous', () => {
    const opts: MssOptions = { sizes: [16, 40], compressions: ['linear'], distance: 'l2sq' };
    const x = signal(64, 1);
    const y = signal(64, 2);
    const a = 3.7;
    const scaled = mssLoss(
      x.map((v) => a * v),
      y.map((v) => a * v),
      opts,
    );
    expect(scaled).toBeCloseTo(a * a * mssLoss(x, y, opts), 9);
  });

  it('log(x + eps) with eps = 0 (under a magnitude floor) is invariant to a common gain far above the floor', () => {
    const opts: MssOptions = {
      sizes: [16, 32],
      compressions: [{ kind: 'log', eps: 0 }],
      magnitudeEps: 1e-30,
    };
    const x = signal(64, 3);
    const y = signal(64, 4);
    const scaled = mssLoss(
      x.map((v) => 8 * v),
      y.map((v) => 8 * v),
      opts,
    );
    expect(scaled).toBeCloseTo(mssLoss(x, y, opts), 10);
  });
});

describe('batches and fixed targets', () => {
  const T = 2100;
  const est = ndarray(signal(T, 7, 3), [3, T]);
  const tgt = ndarray(signal(T, 8, 3), [3, T]);

  for (const preset of ['standard', 'smooth', 'auraloss', 'ddsp'] as const) {
    it(`withTarget equals the two-argument form bit for bit (${preset})`, () => {
      const loss = createMssLoss(preset);
      const fixed = loss.withTarget(tgt);
      expect(fixed.value(est)).toBe(loss.value(est, tgt));
      const a = fixed.valueAndGrad(est);
      const b = loss.valueAndGrad(est, tgt);
      expect(a.value).toBe(b.value);
      expect(Array.from(a.grad.data)).toEqual(Array.from(b.grad.data));
      expect(Array.from(fixed.perItem(est).data)).toEqual(Array.from(loss.perItem(est, tgt).data));
    });
  }

  it('a [T] target in withTarget is compared with every item of a [B, T] estimate', () => {
    const loss = createMssLoss('standard');
    const one = signal(T, 9);
    const fixed = loss.withTarget(one);
    const perItem = fixed.perItem(est);
    for (let b = 0; b < 3; b++) {
      const item = est.data.subarray(b * T, (b + 1) * T) as Float64Array;
      // Equal up to rounding: the STFT pairs frames across items differently in a batch.
      expect(perItem.data[b]).toBeCloseTo(loss.value(item, one), 11);
    }
    const g = fixed.valueAndGrad(est).grad;
    const g0 = loss.valueAndGrad(est.data.subarray(0, T) as Float64Array, one).grad;
    // The batch gradient is the gradient of the mean: item 0's gradient divided by B.
    for (let i = 0; i < T; i += 97) expect(g.data[i]).toBeCloseTo(g0.data[i]! / 3, 14);
  });

  it('value is the mean of perItem, and perItem holds each item alone', () => {
    const loss = createMssLoss('smooth');
    const perItem = loss.perItem(est, tgt);
    expect(perItem.shape).toEqual([3]);
    const mean = (perItem.data[0]! + perItem.data[1]! + perItem.data[2]!) / 3;
    expect(loss.value(est, tgt)).toBeCloseTo(mean, 12);
    const item1 = loss.value(
      est.data.subarray(T, 2 * T) as Float64Array,
      tgt.data.subarray(T, 2 * T) as Float64Array,
    );
    expect(perItem.data[1]).toBeCloseTo(item1, 12);
  });

  it('keeps the float type: Float32 in, Float32 gradient and perItem out', () => {
    const loss = createMssLoss('standard');
    const e32 = ndarray(Float32Array.from(est.data), [3, T]);
    const t32 = ndarray(Float32Array.from(tgt.data), [3, T]);
    expect(loss.valueAndGrad(e32, t32).grad.data).toBeInstanceOf(Float32Array);
    expect(loss.perItem(e32, t32).data).toBeInstanceOf(Float32Array);
    expect(loss.valueAndGrad(est, tgt).grad.data).toBeInstanceOf(Float64Array);
    const rel = Math.abs(loss.value(e32, t32) - loss.value(est, tgt)) / loss.value(est, tgt);
    expect(rel).toBeLessThan(1e-5);
  });

  it('a [T] estimate gets a [T] gradient', () => {
    const { grad } = mssLossValueAndGrad(signal(300, 1), signal(300, 2), small);
    expect(grad.shape).toEqual([300]);
  });

  it('never mutates its inputs', () => {
    const e = signal(200, 1, 2);
    const t = signal(200, 2, 2);
    const e0 = e.slice();
    const t0 = t.slice();
    const loss = createMssLoss(small);
    loss.valueAndGrad(ndarray(e, [2, 200]), ndarray(t, [2, 200]));
    loss.withTarget(ndarray(t, [2, 200])).valueAndGrad(ndarray(e, [2, 200]));
    expect(e).toEqual(e0);
    expect(t).toEqual(t0);
  });

  it('accepts strided views (a column of a transposed array)', () => {
    const data = signal(2 * 300, 4);
    const view = ndarray(data, [300, 2]).transpose(1, 0); // [2, 300], not contiguous
    const copy = ndarray(
      Float64Array.from({ length: 600 }, (_, i) => view.get(Math.floor(i / 300), i % 300)),
      [2, 300],
    );
    const target = ndarray(signal(600, 5), [2, 300]);
    expect(mssLoss(view, target, small)).toBe(mssLoss(copy, target, small));
  });
});

describe('presets', () => {
  it('compose: { ...mssPresets.smooth, sizes } keeps the rest of smooth and its hop rule', () => {
    const loss = createMssLoss({ ...mssPresets.smooth, sizes: [127, 257] });
    expect(loss.config.sizes).toEqual([127, 257]);
    expect(loss.config.hops).toEqual([63, 128]);
    expect(loss.config.window).toBe('flattop');
    expect(loss.config.distance).toBe('l2sq');
    expect(loss.config.compressions).toEqual([{ kind: 'log1p', gamma: 1, weight: 1 }]);
  });

  it('a preset by name equals the preset object', () => {
    const x = signal(2100, 1);
    const y = signal(2100, 2);
    expect(mssLoss(x, y, 'ddsp')).toBe(mssLoss(x, y, mssPresets.ddsp));
  });

  it('standard is the default and is (W_H, S_4, C_4, D_1)', () => {
    const c = createMssLoss().config;
    expect(c).toMatchObject({
      window: 'hann',
      sizes: [64, 128, 256, 512, 1024, 2048],
      hops: [16, 32, 64, 128, 256, 512],
      compressions: [
        { kind: 'linear', weight: 1 },
        { kind: 'log', eps: 1e-7, weight: 1 },
      ],
      distance: 'l1',
      reduction: 'mean',
      scaleReduction: 'sum',
      center: false,
      padEnd: false,
    });
  });

  it('presets are frozen data', () => {
    expect(Object.isFrozen(mssPresets.standard)).toBe(true);
    expect(Object.isFrozen(mssPresets.auraloss.sizes)).toBe(true);
  });
});
