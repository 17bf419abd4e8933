import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { type LossName, plan } from './helpers/losses.js';
import { fade, randn, rng } from './helpers/random.js';

/** Central differences of `f` at `x` (float64), step h (1 + |x_i|) per coordinate. */
function finiteDifferences(
  f: (x: Float64Array) => number,
  x: Float64Array,
  h = 1e-6,
): Float64Array {
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const step = h * (1 + Math.abs(x[i]!));
    const xp = x.slice();
    const xm = x.slice();
    xp[i]! += step;
    xm[i]! -= step;
    g[i] = (f(xp) - f(xm)) / (2 * step);
  }
  return g;
}

const B = 2;
const T = 23;

/** A batch: item 0 a noisy estimate of noise, item 1 a detuned, attenuated fade with an offset. */
function inputs(seed: number): { x: Float64Array; t: Float64Array } {
  const r = rng(seed);
  const t0 = randn(T, r);
  const x0 = t0.map((v, i) => v + 0.4 * randn(T, r)[i]!);
  const t1 = fade(T, 0.07, 1.3);
  const x1 = fade(T, 0.075, 0.8, 0.3).map((v) => v + 0.2);
  return { x: Float64Array.from([...x0, ...x1]), t: Float64Array.from([...t0, ...t1]) };
}

const cases: [LossName, Record<string, unknown>][] = [
  ['l1', {}],
  ['l1', { preEmphasis: { kind: 'hp' } }],
  ['mse', {}],
  ['mse', { preEmphasis: { kind: 'fd', coef: 0.9, taps: 5 } }],
  ['mse', { preEmphasis: { kind: 'aw', sampleRate: 16000, taps: 9 } }],
  ['mse', { preEmphasis: { kind: 'hp', taps: 1 } }],
  ['esr', {}],
  ['esr', { eps: 1e-3, preEmphasis: { kind: 'hp', coef: 0.95 } }],
  ['esr', { preEmphasis: { kind: 'aw', taps: 15 } }],
  ['dc', {}],
  ['dc', { eps: 0.5 }],
  ['logCosh', {}],
  ['logCosh', { a: 4, eps: 0 }],
  ['logCosh', { a: 0.3, eps: 0.01, preEmphasis: { kind: 'fd' } }],
  ['snr', {}],
  ['snr', { zeroMean: false, eps: 1e-3 }],
  ['siSdr', {}],
  ['siSdr', { zeroMean: false }],
  ['siSdr', { eps: 0.5 }],
  ['sdSdr', {}],
  ['sdSdr', { zeroMean: false, eps: 1e-2 }],
];

describe('gradients equal central finite differences (float64)', () => {
  for (const [name, options] of cases) {
    it(`${name} ${JSON.stringify(options)}`, () => {
      const { x, t } = inputs(name.length * 31 + JSON.stringify(options).length);
      const loss = plan(name, options);
      const tt = tensor(t, [B, T]);
      const got = loss.valueAndGrad(tensor(x, [B, T]), tt);
      const fd = finiteDifferences((v) => loss.value(tensor(v, [B, T]), tt), x);
      let scale = 0;
      for (const v of fd) scale = Math.max(scale, Math.abs(v));
      expect(scale).toBeGreaterThan(0);
      fd.forEach((v, i) => {
        expect(Math.abs(got.grad.data[i]! - v)).toBeLessThanOrEqual(1e-6 * scale);
      });
    });
  }

  it('clipMin: zero gradient on a clamped item, the unclamped item unchanged', () => {
    const { x, t } = inputs(7);
    const free = plan('siSdr', {}).valueAndGrad(tensor(x, [B, T]), tensor(t, [B, T]));
    const perItem = Array.from(free.perItem.data);
    // Clamp between the two items' losses: the better item (lower loss) is clamped.
    const clipMin = (perItem[0]! + perItem[1]!) / 2;
    const lower = perItem[0]! < perItem[1]! ? 0 : 1;
    const clipped = plan('siSdr', { clipMin }).valueAndGrad(tensor(x, [B, T]), tensor(t, [B, T]));
    expect(clipped.perItem.data[lower]).toBe(clipMin);
    for (let i = 0; i < T; i++) {
      expect(clipped.grad.data[lower * T + i]).toBe(0);
      const k = (1 - lower) * T + i;
      expect(clipped.grad.data[k]).toBe(free.grad.data[k]);
    }
    const fd = finiteDifferences(
      (v) => plan('siSdr', { clipMin }).value(tensor(v, [B, T]), tensor(t, [B, T])),
      x,
    );
    fd.forEach((v, i) => {
      expect(Math.abs(clipped.grad.data[i]! - v)).toBeLessThanOrEqual(1e-6);
    });
  });

  it('a [T] input gives the gradient of its one item', () => {
    const { x, t } = inputs(3);
    const row = (a: Float64Array) => a.slice(0, T);
    const one = plan('siSdr').valueAndGrad(row(x), row(t));
    const batch = plan('siSdr').valueAndGrad(tensor(x, [B, T]), tensor(t, [B, T]));
    expect(one.grad.shape).toEqual([T]);
    for (let i = 0; i < T; i++) expect(one.grad.data[i]).toBeCloseTo(B * batch.grad.data[i]!, 14);
  });
});
