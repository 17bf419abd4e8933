import { describe, expect, it } from 'vitest';
import { gaussian, lcg32, lcgNoise, mulberry32 } from '../src/internal.js';

// The repository's seeded random numbers: a seed must keep meaning the same numbers (the tests'
// inputs, the apps' synthetic data), so these pin the sequences the copies it replaced gave.
describe('@losses/tensor/internal: seeded random numbers', () => {
  it('mulberry32 gives the sequence of the generator the tests and apps used', () => {
    const r = mulberry32(1);
    expect([r(), r(), r()]).toEqual([0.6270739405881613, 0.002735721180215478, 0.5274470399599522]);
    const q = mulberry32(0xdeadbeef);
    expect([q(), q()]).toEqual([0.9413696140982211, 0.26719574979506433]);
  });

  it('mulberry32 draws multiples of 2^-32 in [0, 1), the same for a seed and its value mod 2^32', () => {
    const a = mulberry32(5);
    const b = mulberry32(5 + 2 ** 32);
    for (let i = 0; i < 1000; i++) {
      const v = a();
      expect(v).toBeGreaterThanOrEqual(0);
      expect(v).toBeLessThan(1);
      expect(Number.isInteger(v * 2 ** 32)).toBe(true);
      expect(b()).toBe(v);
    }
  });

  it('lcg32 steps s <- 1664525 s + 1013904223 mod 2^32 and returns s / 2^32', () => {
    const r = lcg32(7);
    expect([r(), r(), r()].map((v) => v * 2 ** 32)).toEqual([1025555898, 3923423697, 2630631676]);
  });

  it('lcgNoise is 2 u - 1 of lcg32, exactly s / 2^31 - 1', () => {
    const x = lcgNoise(3, 7);
    expect(Array.from(x)).toEqual([1025555898, 3923423697, 2630631676].map((s) => s / 2 ** 31 - 1));
    expect(lcgNoise(0, 1)).toHaveLength(0);
  });

  it('gaussian is Box-Muller on two uniform draws', () => {
    const r = mulberry32(3);
    const u = mulberry32(3);
    const u1 = u();
    const u2 = u();
    expect(gaussian(r)).toBe(Math.sqrt(-2 * Math.log(1 - u1)) * Math.cos(2 * Math.PI * u2));
  });
});
