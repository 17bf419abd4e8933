import { describe, expect, it } from 'vitest';
import { expNeg, log1to3 } from '../src/fast-math.js';
import { rng } from './reference.js';

/** Error in units of the last place of the reference value. */
const ulps = (a: number, b: number) => Math.abs(a - b) / (Number.EPSILON * Math.abs(b));

describe('fast exp and log of the soft-min', () => {
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
  it('log1to3 matches Math.log within 2 ulp on [1, 3] (absolute 1e-16 near 1)', () => {
    const r = rng(2);
    let worst = 0;
    for (let k = 0; k < 200000; k++) {
      const s = k < 100000 ? 1 + 2 * r() : 1 + 1e-6 * r();
      const err = Math.abs(log1to3(s) - Math.log(s));
      worst = Math.max(worst, err / (Number.EPSILON * Math.max(Math.abs(Math.log(s)), 0.5)));
    }
    expect(worst).toBeLessThanOrEqual(2);
    expect(log1to3(1)).toBe(0);
    expect(log1to3(3)).toBeCloseTo(Math.log(3), 15);
  });
});
