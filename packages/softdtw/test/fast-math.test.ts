import { describe, expect, it } from 'vitest';
import { expNeg, expNegClamped } from '../src/fast-math.js';
import { rng } from './reference.js';

/** Error in units of the last place of the reference value. */
const ulps = (a: number, b: number) => Math.abs(a - b) / (Number.EPSILON * Math.abs(b));

describe('fast exp of the soft-min', () => {
  it('expNeg matches Math.exp within 2 ulp on [-708, 0]', () => {
    const r = rng(1);
    let worst = 0;
    for (let k = 0; k < 200000; k++) {
      const v = k < 100000 ? -708 * r() : -40 * r();
      worst = Math.max(worst, ulps(expNeg(v), Math.exp(v)));
    }
    expect(worst).toBeLessThanOrEqual(2);
  });
  it('expNeg is exact at 0 and handles subnormal results and -Infinity', () => {
    expect(expNeg(0)).toBe(1);
    expect(expNeg(-740)).toBe(Math.exp(-740));
    expect(expNeg(-800)).toBe(0);
    expect(expNeg(Number.NEGATIVE_INFINITY)).toBe(0);
  });
  it('expNegClamped equals expNeg on [-708, 0]', () => {
    const r = rng(2);
    for (let k = 0; k < 100000; k++) {
      const v = k < 50000 ? -708 * r() : -40 * r();
      expect(expNegClamped(v)).toBe(expNeg(v));
    }
    expect(expNegClamped(0)).toBe(1);
  });
  it('expNegClamped is within 2 subnormal units of Math.exp below -708, 0 from -745 on', () => {
    const r = rng(3);
    let worst = 0;
    for (let k = 0; k < 100000; k++) {
      const v = -708 - 40 * r();
      const a = expNegClamped(v);
      expect(a).toBeGreaterThanOrEqual(0);
      const b = Math.exp(v);
      // In units of the last place of b, or of the smallest subnormal for subnormal b.
      worst = Math.max(worst, Math.abs(a - b) / Math.max(Number.EPSILON * b, 2 ** -1074));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(expNegClamped(-745)).toBe(0);
    expect(expNegClamped(-800)).toBe(0);
    expect(expNegClamped(Number.NEGATIVE_INFINITY)).toBe(0);
  });
});
