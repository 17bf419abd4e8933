import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { snrLoss } from '../src/index.js';
import { type LossName, lossNames, plan } from './helpers/losses.js';
import { fade, randn, rng } from './helpers/random.js';

const T = 17;
const zeros = () => new Float64Array(T);

describe('silence', () => {
  it('silent estimate and target: every loss at its documented floor, gradient zero', () => {
    const expected: Record<LossName, number> = {
      l1: 0,
      mse: 0,
      esr: 0,
      dc: 0,
      logCosh: Math.log1p(1e-8), // log(cosh 0 + eps) / a
      snr: 80, // -10 log10(0 / eps + eps)
      siSdr: 80,
      sdSdr: 80,
    };
    for (const name of lossNames) {
      const r = plan(name).valueAndGrad(zeros(), zeros());
      expect(r.value).toBeCloseTo(expected[name], 12);
      for (const g of r.grad.data) expect(g).toBe(0);
    }
  });

  it('a silent target: finite values (80 dB for the dB losses), finite gradients', () => {
    const x = Float64Array.from(randn(T, rng(1)));
    for (const name of lossNames) {
      const r = plan(name).valueAndGrad(x, zeros());
      expect(Number.isFinite(r.value)).toBe(true);
      for (const g of r.grad.data) expect(Number.isFinite(g)).toBe(true);
      if (name === 'snr' || name === 'siSdr' || name === 'sdSdr')
        expect(r.value).toBeCloseTo(80, 9);
    }
    // ESR of a silent target is the estimate's energy over eps.
    const energy = x.reduce((a, v) => a + v * v, 0);
    expect(plan('esr').value(x, zeros())).toBeCloseTo(energy / 1e-8, 0);
  });

  it('a silent estimate: finite values and gradients', () => {
    const t = Float64Array.from(fade(T, 0.1));
    for (const name of lossNames) {
      const r = plan(name).valueAndGrad(zeros(), t);
      expect(Number.isFinite(r.value)).toBe(true);
      for (const g of r.grad.data) expect(Number.isFinite(g)).toBe(true);
    }
  });

  it('a silent item in a batch changes neither the other items nor their gradients', () => {
    const r = rng(2);
    const t0 = randn(T, r);
    const x0 = t0.map((v) => 0.8 * v + 0.1 * randn(1, r)[0]!);
    for (const name of lossNames) {
      const alone = plan(name).valueAndGrad(x0, t0);
      const batch = plan(name).valueAndGrad([x0, Array(T).fill(0)], [t0, Array(T).fill(0)]);
      expect(batch.perItem.data[0]).toBe(alone.value);
      for (let i = 0; i < T; i++) {
        expect(batch.grad.data[i]).toBeCloseTo(alone.grad.data[i]! / 2, 15);
        expect(batch.grad.data[T + i]).toBe(0);
      }
    }
  });
});

describe('extreme amplitudes', () => {
  /** Rows of random sign and magnitude 10^u, u uniform in [lo, hi], with zeros and subnormals. */
  function wild(r: () => number, lo: number, hi: number): number[] {
    return Array.from({ length: T }, () => {
      const k = r();
      if (k < 0.1) return 0;
      if (k < 0.15) return (r() < 0.5 ? -1 : 1) * 5e-324;
      return (r() < 0.5 ? -1 : 1) * 10 ** (lo + (hi - lo) * r());
    });
  }

  it('amplitudes in 1e-300 .. 1e150: every value and gradient finite', () => {
    const r = rng(3);
    for (let trial = 0; trial < 200; trial++) {
      const x = wild(r, -300, 150);
      const t = trial % 3 === 0 ? x.map((v) => v * (1 + 1e-3 * r())) : wild(r, -300, 150);
      for (const name of lossNames) {
        const v = plan(name).valueAndGrad(x, t);
        expect(Number.isFinite(v.value), `${name} ${trial}`).toBe(true);
        for (const g of v.grad.data) expect(Number.isFinite(g), `${name} ${trial}`).toBe(true);
      }
    }
  });

  it('any finite amplitude up to 1.7e308: never NaN; the ratio and dB losses stay finite', () => {
    const r = rng(4);
    for (let trial = 0; trial < 200; trial++) {
      const x = wild(r, -320, 308);
      const t = trial % 4 === 0 ? x.slice() : wild(r, -320, 308);
      if (trial % 5 === 0) x[0] = 1.7e308;
      for (const name of lossNames) {
        for (const options of [{}, { preEmphasis: { kind: 'hp' } }]) {
          if ('preEmphasis' in options && !['l1', 'mse', 'esr', 'logCosh'].includes(name)) continue;
          const v = plan(name, options).valueAndGrad(x, t);
          expect(Number.isNaN(v.value), `${name} ${trial}`).toBe(false);
          for (const g of v.grad.data) expect(Number.isNaN(g), `${name} ${trial}`).toBe(false);
          if (!['l1', 'mse'].includes(name)) {
            // l1 and mse exceed the float range only where the true mean does.
            expect(Number.isFinite(v.value), `${name} ${trial}`).toBe(true);
          }
        }
      }
    }
  });

  it('signals beyond 2^400 (rescaled inside) give the numbers of the same signals below it', () => {
    const r = rng(5);
    const t = randn(T, r);
    const x = t.map((v) => 0.7 * v + 0.3 * randn(1, r)[0]!);
    const lo = 2 ** 380; // peak below 2^400: computed as given
    const hi = 2 ** 500; // peak above 2^400: scaled down by a power of two inside
    const k = 2 ** 120;
    const at = (v: number[], g: number) => v.map((u) => u * g);
    for (const name of lossNames) {
      const a = plan(name).valueAndGrad(at(x, lo), at(t, lo));
      const b = plan(name).valueAndGrad(at(x, hi), at(t, hi));
      // Homogeneous of degree 2 (mse), 1 (l1, log-cosh in its linear range) or 0 (the ratios,
      // eps being below the last bit of every energy here): exact powers of two.
      const degree = name === 'mse' ? 2 : name === 'l1' || name === 'logCosh' ? 1 : 0;
      expect(b.value, name).toBe(a.value * k ** degree);
      b.grad.data.forEach((v, i) => {
        expect(v, name).toBe(a.grad.data[i]! * k ** (degree - 1));
      });
    }
  });

  it('a perfect estimate at 1e300: the SNR loss -10 log10(sum t^2 / eps) in the log domain', () => {
    const t = fade(T, 0.13).map((v) => v * 1e300);
    const centredEnergyLog10 = (() => {
      const u = t.map((v) => v / 1e300);
      const m = u.reduce((a, b) => a + b, 0) / T;
      return Math.log10(u.reduce((a, v) => a + (v - m) ** 2, 0)) + 600;
    })();
    // sum t^2 / (0 + eps) + eps, in dB: -10 (log10 sum t^2 - log10 eps).
    expect(snrLoss(t, t)).toBeCloseTo(-10 * (centredEnergyLog10 + 8), 9);
  });

  it('float32 signals up to 3.4e38 keep float32 gradients without NaN', () => {
    const x = Float32Array.from({ length: T }, (_, i) => (i % 2 ? 3.4e38 : -3.4e38));
    const t = Float32Array.from({ length: T }, (_, i) => (i % 3 ? 1e-45 : 2e38));
    for (const name of lossNames) {
      const v = plan(name).valueAndGrad(tensor(x, [T]), tensor(t, [T]));
      expect(Number.isNaN(v.value)).toBe(false);
      for (const g of v.grad.data) expect(Number.isNaN(g)).toBe(false);
    }
  });
});
