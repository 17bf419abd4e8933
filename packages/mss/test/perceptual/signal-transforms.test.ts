import { LossInputError, tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { A_WEIGHTING_TAPS, aWeight, aWeightAdjoint, aWeightingAt } from '../../src/a-weighting.js';
import {
  checkStereo,
  combineSumAndDifference,
  sumAndDifference,
  sumAndDifferenceAdjoint,
} from '../../src/stereo.js';
import { errorOf } from '../helpers.js';
import { goldens, relMax } from './fixtures.js';

function dot(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]! * b[i]!;
  return s;
}

describe("perceptual weighting: auraloss's FIRFilter('aw') before the STFT", () => {
  for (const g of goldens.aWeighting) {
    it(`filters like auraloss's conv1d(x, taps, padding=50) at ${g.sampleRate} Hz (taps bit for bit, output within 1e-13)`, () => {
      const f = aWeightingAt(g.sampleRate);
      expect(Array.from(f.weights)).toEqual(g.taps);
      expect(f.weights.length).toBe(A_WEIGHTING_TAPS);
      const y = new Float64Array(g.input.length);
      aWeight(f, g.input, 1, g.input.length, y);
      expect(relMax(y, g.output)).toBeLessThan(1e-13);
    });
  }

  const f = aWeightingAt(44100);
  const r = lcg32(3);
  const items = 3;
  const T = 257;
  const x = Float64Array.from({ length: items * T }, () => r() - 0.5);
  const c = Float64Array.from({ length: items * T }, () => r() - 0.5);

  it('filters every item on its own, keeping the length T', () => {
    const all = new Float64Array(items * T);
    aWeight(f, x, items, T, all);
    for (let b = 0; b < items; b++) {
      const one = new Float64Array(T);
      aWeight(f, x.subarray(b * T, (b + 1) * T), 1, T, one);
      expect(all.subarray(b * T, (b + 1) * T)).toEqual(one);
    }
  });

  it('its adjoint satisfies <F x, g> = <x, F^T g>', () => {
    const fx = new Float64Array(items * T);
    const ftc = new Float64Array(items * T);
    aWeight(f, x, items, T, fx);
    aWeightAdjoint(f, c, items, T, ftc);
    expect(Math.abs(dot(fx, c) - dot(x, ftc))).toBeLessThan(1e-13 * Math.abs(dot(fx, c)));
  });

  it('the gradient of 1/2 ||F x - c||^2 through the adjoint equals central finite differences', () => {
    const loss = (z: Float64Array) => {
      const y = new Float64Array(items * T);
      aWeight(f, z, items, T, y);
      return 0.5 * y.reduce((a, v, i) => a + (v - c[i]!) ** 2, 0);
    };
    const y = new Float64Array(items * T);
    aWeight(f, x, items, T, y);
    const grad = new Float64Array(items * T);
    aWeightAdjoint(
      f,
      y.map((v, i) => v - c[i]!),
      items,
      T,
      grad,
    );
    for (const i of [0, 1, 49, 50, 128, T - 1, T, 2 * T + 200, items * T - 1]) {
      const h = 1e-5;
      const p = x.slice();
      const q = x.slice();
      p[i]! += h;
      q[i]! -= h;
      const fd = (loss(p) - loss(q)) / (2 * h);
      expect(Math.abs(fd - grad[i]!)).toBeLessThan(1e-8 * Math.max(1, Math.abs(fd)));
    }
  });

  it('refuses a sample rate outside the range of the design (1000 to 1e6 Hz)', () => {
    for (const rate of [999, 2e6, Number.NaN]) {
      const e = errorOf(() => aWeightingAt(rate));
      expect(e).toBeInstanceOf(LossInputError);
      expect(e!.code).toBe('INVALID_OPTION');
      expect(e!.message).toMatch(/^sampleRate: expected a finite number >= 1000 <= 1000000/);
    }
  });
});

describe("stereo: 'sum-difference' (auraloss's SumAndDifferenceSTFTLoss)", () => {
  const B = 2;
  const T = 5;
  const x = Float64Array.from({ length: B * 2 * T }, (_, i) => Math.sin(i) + 0.1 * i);

  it('gives L + R and L - R without a factor 1/2', () => {
    const s = new Float64Array(B * T);
    const d = new Float64Array(B * T);
    sumAndDifference(x, B, T, s, d);
    for (let b = 0; b < B; b++)
      for (let t = 0; t < T; t++) {
        const l = x[2 * b * T + t]!;
        const r = x[2 * b * T + T + t]!;
        expect(s[b * T + t]).toBe(l + r);
        expect(d[b * T + t]).toBe(l - r);
      }
    expect(combineSumAndDifference(3, 5)).toBe(4);
  });

  it('its adjoint satisfies <split x, (gs, gd)> = <x, split^T (gs, gd)>', () => {
    const r = lcg32(11);
    const gs = Float64Array.from({ length: B * T }, () => r() - 0.5);
    const gd = Float64Array.from({ length: B * T }, () => r() - 0.5);
    const s = new Float64Array(B * T);
    const d = new Float64Array(B * T);
    sumAndDifference(x, B, T, s, d);
    const back = new Float64Array(B * 2 * T);
    sumAndDifferenceAdjoint(gs, gd, B, T, back);
    expect(dot(s, gs) + dot(d, gd)).toBeCloseTo(dot(x, back), 13);
  });

  it('the gradient of a nonlinear loss of the two signals through the adjoint equals central differences', () => {
    const loss = (z: Float64Array) => {
      const s = new Float64Array(B * T);
      const d = new Float64Array(B * T);
      sumAndDifference(z, B, T, s, d);
      return (s.reduce((a, v) => a + v ** 3, 0) + d.reduce((a, v) => a + Math.sin(v), 0)) / 2;
    };
    const s = new Float64Array(B * T);
    const d = new Float64Array(B * T);
    sumAndDifference(x, B, T, s, d);
    const grad = new Float64Array(B * 2 * T);
    sumAndDifferenceAdjoint(
      s.map((v) => (3 * v * v) / 2),
      d.map((v) => Math.cos(v) / 2),
      B,
      T,
      grad,
    );
    for (let i = 0; i < x.length; i++) {
      const h = 1e-6;
      const p = x.slice();
      const q = x.slice();
      p[i]! += h;
      q[i]! -= h;
      const fd = (loss(p) - loss(q)) / (2 * h);
      expect(Math.abs(fd - grad[i]!)).toBeLessThan(1e-7 * Math.max(1, Math.abs(fd)));
    }
  });

  it('refuses inputs that are not [B, 2, T], naming the argument and both shapes', () => {
    for (const shape of [[8], [2, 8], [1, 3, 8], [2, 1, 8], [1, 2, 8, 1]]) {
      const n = shape.reduce((a, b) => a * b, 1);
      const e = errorOf(() => checkStereo(tensor(new Float64Array(n), shape), 'estimate'));
      expect(e!.code).toBe('SHAPE_MISMATCH');
      expect(e!.message).toBe(
        `estimate: stereo: 'sum-difference' expects [B, 2, T] (items, left and right channels, samples), got [${shape.join(', ')}]`,
      );
    }
    expect(() => checkStereo(tensor(new Float64Array(16), [4, 2, 2]), 'estimate')).not.toThrow();
  });
});
