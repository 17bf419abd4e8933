import { describe, expect, it } from 'vitest';
import {
  applyFir,
  applyFirAdjoint,
  aWeightingFilter,
  aWeightingTaps,
  firOutputLength,
  lcg32,
} from '../src/internal.js';

/** Uniform test inputs on [-0.5, 0.5) from the repository's seeded LCG. */
function rand(seed: number): () => number {
  const next = lcg32(seed);
  return () => next() - 0.5;
}

describe('@losses/tensor/internal: FIR filtering as torch conv1d', () => {
  const r = rand(9);
  const f = { weights: Float64Array.from({ length: 7 }, r), pad: 2 };

  it('is the cross-correlation with zero padding, L = T + 2 pad - K + 1 samples', () => {
    const x = Float64Array.from({ length: 12 }, r);
    const L = firOutputLength(f, x.length);
    expect(L).toBe(12 + 4 - 7 + 1);
    const y = new Float64Array(L);
    applyFir(f, x, x.length, y);
    for (let m = 0; m < L; m++) {
      let s = 0;
      for (let k = 0; k < 7; k++) {
        const i = m + k - 2;
        if (i >= 0 && i < 12) s += f.weights[k]! * x[i]!;
      }
      expect(y[m]).toBeCloseTo(s, 15);
    }
  });

  it('its adjoint satisfies <F x, h> = <x, F^T h>, also for signals shorter than the filter', () => {
    for (const T of [3, 7, 40]) {
      const x = Float64Array.from({ length: T }, r);
      const L = firOutputLength(f, T);
      const h = Float64Array.from({ length: Math.max(L, 0) }, r);
      const y = new Float64Array(Math.max(L, 0));
      const g = new Float64Array(T);
      applyFir(f, x, T, y);
      applyFirAdjoint(f, h, T, g);
      const lhs = y.reduce((a, v, i) => a + v * h[i]!, 0);
      const rhs = x.reduce((a, v, i) => a + v * g[i]!, 0);
      expect(lhs).toBeCloseTo(rhs, 14);
    }
  });

  it("A-weighting: the design's taps rounded to float32, padding floor(taps / 2), the same array while cached", () => {
    const a = aWeightingFilter(44100, 101);
    expect(a.pad).toBe(50);
    expect(Array.from(a.weights)).toEqual(Array.from(aWeightingTaps(44100, 101), Math.fround));
    expect(aWeightingFilter(44100, 101).weights).toBe(a.weights);
    // The filter is symmetric (linear phase) and near unit gain at 1 kHz (0 dB by the IEC norm; the
    // 101-tap least-squares fit is 0.13 dB off there), and far below it at 50 Hz (-30 dB in the
    // analog filter; 101 taps at 44.1 kHz resolve it to about -19 dB).
    for (let k = 0; k < 50; k++) expect(a.weights[k]).toBe(a.weights[100 - k]);
    const gainDb = (f: number) => {
      let re = 0;
      let im = 0;
      a.weights.forEach((w, k) => {
        re += w * Math.cos((2 * Math.PI * f * k) / 44100);
        im -= w * Math.sin((2 * Math.PI * f * k) / 44100);
      });
      return 20 * Math.log10(Math.hypot(re, im));
    };
    expect(Math.abs(gainDb(1000))).toBeLessThan(0.2);
    expect(gainDb(50)).toBeLessThan(-15);
  });

  it('keeps at most 8 designs (the oldest is dropped and made again on use)', () => {
    const first = aWeightingFilter(8000, 11).weights;
    for (let i = 0; i < 8; i++) aWeightingFilter(9000 + i, 11);
    const again = aWeightingFilter(8000, 11).weights;
    expect(again).not.toBe(first);
    expect(Array.from(again)).toEqual(Array.from(first));
  });
});
