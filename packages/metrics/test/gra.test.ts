import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { gra, graWithCi, wilsonInterval } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

describe('gra', () => {
  it('counts a trial correct when the gradient has the sign of estimate - target', () => {
    expect(gra([{ estimate: 1010, target: 1000, gradient: 0.5 }])).toBe(1);
    expect(gra([{ estimate: 990, target: 1000, gradient: -0.5 }])).toBe(1);
  });

  it('counts a gradient pointing away from the target as wrong', () => {
    expect(gra([{ estimate: 1010, target: 1000, gradient: -0.5 }])).toBe(0);
  });

  it('counts a zero gradient as wrong', () => {
    expect(gra([{ estimate: 1010, target: 1000, gradient: 0 }])).toBe(0);
  });

  it('counts a trial with estimate = target as wrong (no direction to get right)', () => {
    expect(gra([{ estimate: 1000, target: 1000, gradient: 1 }])).toBe(0);
  });

  it('is the share of correct trials: 3 of 4', () => {
    expect(
      gra([
        { estimate: 2, target: 1, gradient: 1 },
        { estimate: 0, target: 1, gradient: -3 },
        { estimate: 5, target: 1, gradient: 1e-9 },
        { estimate: 0, target: 1, gradient: 2 },
      ]),
    ).toBe(0.75);
  });

  it('is 1 for the gradient of a convex loss |log e - log t| (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(
            fc.double({ min: 1, max: 1e4, noNaN: true }),
            fc.double({ min: 1, max: 1e4, noNaN: true }),
          ),
          {
            minLength: 1,
          },
        ),
        (pairs) => {
          const trials = pairs
            .filter(([e, t]) => e !== t)
            .map(([e, t]) => ({ estimate: e, target: t, gradient: Math.sign(e - t) / e }));
          fc.pre(trials.length > 0);
          return gra(trials) === 1;
        },
      ),
    );
  });

  it('refuses an empty list', () => {
    expect(codeOf(() => gra([]))).toBe('EMPTY');
  });

  it('refuses something that is not an array', () => {
    expect(codeOf(() => gra({} as never))).toBe('INVALID_TYPE');
  });

  it('refuses a trial that is not an object', () => {
    expect(codeOf(() => gra([3 as never]))).toBe('INVALID_TYPE');
  });

  it('refuses a missing or non-numeric field, naming it', () => {
    expect(() => gra([{ estimate: 1, target: 2 } as never])).toThrow(/trials\[0\]\.gradient/);
    expect(codeOf(() => gra([{ estimate: '1', target: 2, gradient: 1 } as never]))).toBe(
      'INVALID_TYPE',
    );
  });

  it('refuses NaN and infinite values', () => {
    expect(codeOf(() => gra([{ estimate: 1, target: 2, gradient: Number.NaN }]))).toBe(
      'NON_FINITE',
    );
    expect(codeOf(() => gra([{ estimate: Infinity, target: 2, gradient: 1 }]))).toBe('NON_FINITE');
  });
});

describe('graWithCi', () => {
  it('returns the share, the counts and the Wilson 95 % interval', () => {
    const trials = [
      ...Array.from({ length: 8 }, () => ({ estimate: 2, target: 1, gradient: 1 })),
      ...Array.from({ length: 2 }, () => ({ estimate: 2, target: 1, gradient: -1 })),
    ];
    const r = graWithCi(trials);
    expect(r.gra).toBe(0.8);
    expect(r.correct).toBe(8);
    expect(r.total).toBe(10);
    // Wilson interval of 8/10 at 95 % (published tables: 0.4902 to 0.9433).
    expect(r.ci[0]).toBeCloseTo(0.4902, 4);
    expect(r.ci[1]).toBeCloseTo(0.9433, 4);
  });

  it('refuses what gra refuses', () => {
    expect(codeOf(() => graWithCi([]))).toBe('EMPTY');
  });
});

describe('wilsonInterval', () => {
  it('stays inside [0, 1] at 0 and n successes', () => {
    const [lo0, hi0] = wilsonInterval(0, 20);
    expect(lo0).toBeCloseTo(0, 12);
    expect(hi0).toBeCloseTo(0.1611, 4);
    const [lo1, hi1] = wilsonInterval(20, 20);
    expect(lo1).toBeCloseTo(0.8389, 4);
    expect(hi1).toBeCloseTo(1, 12);
  });

  it('contains the observed share exactly: lo = 0 at k = 0 and hi = 1 at k = n (no rounding slack)', () => {
    // The textbook centre -/+ half cancels at the ends: it gave lo = 2.8e-17 for (0, 7) and
    // hi = 0.9999999999999999 for (10, 10), an interval that excludes the observed share.
    for (let n = 1; n <= 2000; n++) {
      expect(wilsonInterval(0, n)[0]).toBe(0);
      expect(wilsonInterval(n, n)[1]).toBe(1);
      const k = Math.floor(n / 3);
      const [lo, hi] = wilsonInterval(k, n);
      expect(lo <= k / n && k / n <= hi).toBe(true);
    }
  });

  it('refuses k or n that are not integers with 0 <= k <= n, n >= 1', () => {
    expect(codeOf(() => wilsonInterval(1, 0))).toBe('INVALID_OPTION');
    expect(codeOf(() => wilsonInterval(0.5, 2))).toBe('INVALID_OPTION');
    expect(codeOf(() => wilsonInterval(-1, 2))).toBe('INVALID_OPTION');
    expect(() => wilsonInterval(3, 2)).toThrow(/at most n = 2/);
  });

  it('contains the observed share and narrows as n grows (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 5000 }),
        fc.double({ min: 0, max: 1, noNaN: true }),
        (n, q) => {
          const k = Math.round(q * n);
          const [lo, hi] = wilsonInterval(k, n);
          const [lo4, hi4] = wilsonInterval(4 * k, 4 * n);
          return lo <= k / n + 1e-12 && k / n <= hi + 1e-12 && hi4 - lo4 < hi - lo;
        },
      ),
    );
  });
});
