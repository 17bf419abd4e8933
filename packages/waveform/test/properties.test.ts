import { tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  dcLoss,
  esrLoss,
  l1Loss,
  logCoshLoss,
  mseLoss,
  sdSdrLoss,
  siSdrLoss,
  snrLoss,
} from '../src/index.js';
import { type LossName, lossNames, plan } from './helpers/losses.js';

const T_MAX = 40;

/** A pair of signals [T] with T in 2..T_MAX, values in [-3, 3]. */
const pair = fc
  .integer({ min: 2, max: T_MAX })
  .chain((T) =>
    fc.tuple(
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: T, maxLength: T }),
      fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: T, maxLength: T }),
    ),
  );

/** Two pairs of signals of one length. */
const twoPairs = fc.integer({ min: 2, max: T_MAX }).chain((T) => {
  const row = fc.array(fc.double({ min: -3, max: 3, noNaN: true }), { minLength: T, maxLength: T });
  return fc.tuple(row, row, row, row);
});

const energy = (v: number[]) => v.reduce((a, b) => a + b * b, 0);
const centred = (v: number[]) => {
  const m = v.reduce((a, b) => a + b, 0) / v.length;
  return v.map((u) => u - m);
};

/**
 * Away from the regimes where eps or rounding decides: both centred signals carry energy and
 * they are neither nearly orthogonal nor nearly parallel (|cos| in [0.05, 0.99]). There the dB
 * losses are well conditioned and the invariances hold to rounding.
 */
function wellPosed(x: number[], t: number[]): boolean {
  const xc = centred(x);
  const tc = centred(t);
  const ex = energy(xc);
  const et = energy(tc);
  if (ex < 1e-2 || et < 1e-2) return false;
  const c = Math.abs(xc.reduce((a, v, i) => a + v * tc[i]!, 0)) / Math.sqrt(ex * et);
  return c >= 0.05 && c <= 0.99;
}

describe('laws (fast-check)', () => {
  it('loss(x, x) = 0 for l1, mse, esr, dc and log-cosh with eps = 0', () => {
    fc.assert(
      fc.property(pair, ([x]) => {
        expect(l1Loss(x, x)).toBe(0);
        expect(mseLoss(x, x)).toBe(0);
        expect(esrLoss(x, x)).toBe(0);
        expect(dcLoss(x, x)).toBe(0);
        expect(logCoshLoss(x, x, { eps: 0 })).toBe(0);
        expect(mseLoss(x, x, { preEmphasis: { kind: 'aw', taps: 7 } })).toBe(0);
      }),
    );
  });

  it('log-cosh(x, x) = log(1 + eps) / a: auraloss puts eps inside the log', () => {
    fc.assert(
      fc.property(
        pair,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 1e-12, max: 0.1, noNaN: true }),
        ([x], a, eps) => {
          const want = Math.log1p(eps) / a;
          expect(Math.abs(logCoshLoss(x, x, { a, eps }) - want)).toBeLessThanOrEqual(1e-14 * want);
        },
      ),
    );
  });

  it('every loss is >= its floor: l1, mse, esr, dc, log-cosh >= 0; the dB losses >= -10 log10(1 / eps + ...)', () => {
    fc.assert(
      fc.property(pair, ([x, t]) => {
        for (const name of ['l1', 'mse', 'esr', 'dc'] as LossName[]) {
          expect(plan(name).value(x, t)).toBeGreaterThanOrEqual(0);
        }
        expect(logCoshLoss(x, t, { eps: 0 })).toBeGreaterThanOrEqual(0);
        // The dB losses are at most -10 log10(eps) = 80 dB: the ratio inside the log is >= 0.
        for (const name of ['snr', 'siSdr', 'sdSdr'] as LossName[]) {
          expect(plan(name).value(x, t)).toBeLessThanOrEqual(80 + 1e-9);
        }
      }),
    );
  });

  it('SI-SDR is invariant to the gain of the estimate and of the target', () => {
    fc.assert(
      fc.property(
        pair,
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        ([x, t], k, g) => {
          fc.pre(wellPosed(x, t));
          const o = { eps: 1e-30 };
          const base = siSdrLoss(x, t, o);
          const scaled = siSdrLoss(
            x.map((v) => k * v),
            t.map((v) => g * v),
            o,
          );
          expect(Math.abs(scaled - base)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(base)));
        },
      ),
    );
  });

  it('the zero-mean dB losses ignore DC offsets; SNR and SD-SDR are invariant to a common gain', () => {
    fc.assert(
      fc.property(
        pair,
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: -5, max: 5, noNaN: true }),
        fc.double({ min: 0.01, max: 100, noNaN: true }),
        ([x, t], cx, ct, k) => {
          fc.pre(wellPosed(x, t));
          const o = { eps: 1e-30 };
          for (const f of [snrLoss, siSdrLoss, sdSdrLoss]) {
            const base = f(x, t, o);
            const shifted = f(
              x.map((v) => v + cx),
              t.map((v) => v + ct),
              o,
            );
            expect(Math.abs(shifted - base)).toBeLessThanOrEqual(1e-8 * (1 + Math.abs(base)));
          }
          for (const f of [snrLoss, sdSdrLoss]) {
            const base = f(x, t, o);
            const both = f(
              x.map((v) => k * v),
              t.map((v) => k * v),
              o,
            );
            expect(Math.abs(both - base)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(base)));
          }
        },
      ),
    );
  });

  it('SD-SDR loss >= SI-SDR loss for eps -> 0 (alpha t is the projection, Le Roux et al.)', () => {
    fc.assert(
      fc.property(pair, ([x, t]) => {
        // Signals whose energy is far above eps (the law is about the projection, not eps).
        fc.pre(energy(centred(x)) > 1e-12 && energy(centred(t)) > 1e-12);
        // Exact for eps -> 0 only: with eps, alpha = <x, t> / (|t|^2 + eps) is not quite the
        // projection, and |x - t| can beat |x - alpha t| by an eps-sized amount.
        const o = { eps: 1e-30 };
        const si = siSdrLoss(x, t, o);
        // Equal (to rounding) when the estimate is a multiple of the target.
        expect(sdSdrLoss(x, t, o)).toBeGreaterThanOrEqual(si - 1e-12 * (1 + Math.abs(si)));
      }),
    );
  });

  it('mean |d| <= sqrt(mean d^2) (Jensen) and log-cosh lies between |d| - ln 2 / a and a d^2 / 2', () => {
    fc.assert(
      fc.property(pair, fc.double({ min: 0.05, max: 20, noNaN: true }), ([x, t], a) => {
        // (+1e-150: squares of differences below 1e-154 underflow.)
        expect(l1Loss(x, t)).toBeLessThanOrEqual(Math.sqrt(mseLoss(x, t)) * (1 + 1e-12) + 1e-150);
        const lc = logCoshLoss(x, t, { a, eps: 0 });
        expect(lc).toBeLessThanOrEqual((a * mseLoss(x, t)) / 2 + 1e-12);
        expect(lc).toBeGreaterThanOrEqual(l1Loss(x, t) - Math.LN2 / a - 1e-12);
      }),
    );
  });

  it('losses without a filter ignore the order of samples (the same permutation of both)', () => {
    fc.assert(
      fc.property(pair, fc.integer(), ([x, t], seed) => {
        const T = x.length;
        const order = Array.from({ length: T }, (_, i) => i).sort(
          (i, j) => ((i * 7919 + seed) % T) - ((j * 7919 + seed) % T) || i - j,
        );
        const xp = order.map((i) => x[i]!);
        const tp = order.map((i) => t[i]!);
        for (const name of lossNames) {
          const a = plan(name).value(x, t);
          const b = plan(name).value(xp, tp);
          expect(Math.abs(a - b)).toBeLessThanOrEqual(1e-9 * (1 + Math.abs(a)));
        }
      }),
    );
  });

  it('a batch gives the mean of its rows, and perItem the rows', () => {
    fc.assert(
      fc.property(twoPairs, ([x1, t1, x2, t2]) => {
        for (const name of lossNames) {
          const loss = plan(name);
          const a = loss.value(x1, t1);
          const b = loss.value(x2, t2);
          const batch = loss.valueAndGrad([x1, x2], [t1, t2]);
          expect(batch.value).toBeCloseTo((a + b) / 2, 12);
          expect(batch.perItem.data[0]).toBe(a);
          expect(batch.perItem.data[1]).toBe(b);
        }
      }),
    );
  });
});

describe('float type, shapes and inputs', () => {
  it('float32 in gives float32 gradient and perItem, float64 in gives float64', () => {
    const x = Float32Array.from([0.1, -0.4, 0.3, 0.9, -0.2, 0.05]);
    const t = Float32Array.from([0.2, -0.3, 0.1, 0.8, -0.1, 0.0]);
    for (const name of lossNames) {
      const r32 = plan(name).valueAndGrad(tensor(x, [2, 3]), tensor(t, [2, 3]));
      expect(r32.grad.data).toBeInstanceOf(Float32Array);
      expect(r32.perItem.data).toBeInstanceOf(Float32Array);
      expect(r32.grad.shape).toEqual([2, 3]);
      expect(r32.perItem.shape).toEqual([2]);
      const r64 = plan(name).valueAndGrad(Float64Array.from(x), Float64Array.from(t));
      expect(r64.grad.data).toBeInstanceOf(Float64Array);
      expect(r64.grad.shape).toEqual([6]);
      expect(r64.perItem.shape).toEqual([1]);
    }
  });

  it('never modifies its inputs (typed arrays, ndarray views, nested arrays)', () => {
    const x = Float64Array.from([3, 1, -2, 0.5, 7, -1, 0.25, 2]);
    const t = Float64Array.from([2, 1.5, -1, 0, 6, -2, 0.5, 1]);
    const xc = x.slice();
    const tc = t.slice();
    const nested = [
      [1, 2, 3, 4],
      [0, -1, 0.5, 2],
    ];
    const nestedCopy = JSON.stringify(nested);
    for (const name of lossNames) {
      plan(name).valueAndGrad(x, t);
      plan(name).valueAndGrad(tensor(x, [2, 4]).transpose(1, 0), tensor(t, [4, 2]));
      plan(name).valueAndGrad(
        nested,
        nested.map((r) => r.map((v) => v * 0.5)),
      );
    }
    plan('esr', { preEmphasis: { kind: 'hp' } }).valueAndGrad(x, t);
    expect(Array.from(x)).toEqual(Array.from(xc));
    expect(Array.from(t)).toEqual(Array.from(tc));
    expect(JSON.stringify(nested)).toBe(nestedCopy);
  });

  it('reads ndarray views (transposed, stepped) as their logical values', () => {
    const base = Float64Array.from({ length: 12 }, (_, i) => Math.sin(i) + 0.1 * i);
    const other = Float64Array.from({ length: 12 }, (_, i) => Math.cos(i));
    const view = tensor(base, [3, 4]).transpose(1, 0); // [4, 3]
    const plain = [0, 1, 2, 3].map((i) => [0, 1, 2].map((j) => base[j * 4 + i]!));
    const tgt = tensor(other, [4, 3]);
    for (const name of lossNames) {
      expect(plan(name).value(view, tgt)).toBe(plan(name).value(plain, tgt));
    }
  });
});
