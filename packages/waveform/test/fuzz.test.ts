import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { type LossName, lossNames, plan } from './helpers/losses.js';
import { fade, randn, rng } from './helpers/random.js';
import { type Options, referenceItem } from './helpers/reference.js';

/** Random options for `name` (every option of the loss, sometimes left out). */
function randomOptions(name: LossName, r: () => number): Options {
  const pick = <T>(xs: T[]): T => xs[Math.floor(r() * xs.length)]!;
  const pre = () =>
    pick<Options | undefined>([
      undefined,
      undefined,
      { kind: 'hp' },
      { kind: 'hp', coef: 0.95, taps: 3 },
      { kind: 'fd', coef: 0.7, taps: 7 },
      { kind: 'aw', sampleRate: pick([8000, 16000, 44100]), taps: pick([1, 5, 31]) },
    ]);
  const o: Options = {};
  const set = (key: string, value: unknown) => {
    if (value !== undefined) o[key] = value;
  };
  switch (name) {
    case 'l1':
    case 'mse':
      set('preEmphasis', pre());
      break;
    case 'esr':
      set('eps', pick([undefined, 1e-3, 1e-12]));
      set('preEmphasis', pre());
      break;
    case 'dc':
      set('eps', pick([undefined, 0.1]));
      break;
    case 'logCosh':
      set('a', pick([undefined, 0.3, 5]));
      set('eps', pick([undefined, 0, 1e-3]));
      set('preEmphasis', pre());
      break;
    default:
      set('zeroMean', pick([undefined, true, false]));
      set('eps', pick([undefined, 1e-3]));
      set('clipMin', pick([undefined, undefined, -10]));
  }
  return o;
}

/** A random row: noise, a fade, a sparse click train, silence or a constant, at a random level. */
function randomRow(T: number, r: () => number): number[] {
  const level = 10 ** (12 * r() - 6);
  const kind = Math.floor(r() * 5);
  if (kind === 0) return randn(T, r, level);
  if (kind === 1) return fade(T, 0.5 * r(), level, 6 * r());
  if (kind === 2) return Array.from({ length: T }, () => (r() < 0.1 ? level * (r() - 0.5) : 0));
  if (kind === 3) return new Array<number>(T).fill(0);
  return new Array<number>(T).fill(level * (r() - 0.5));
}

describe('seeded fuzz against the naive reference of test/helpers/reference.ts', () => {
  it('600 random problems: same value and perItem, to 1e-9 relative', () => {
    const r = rng(20240516);
    let checked = 0;
    for (let trial = 0; trial < 600; trial++) {
      const name = lossNames[trial % lossNames.length]!;
      const options = randomOptions(name, r);
      const B = 1 + Math.floor(r() * 3);
      const T = 1 + Math.floor(r() * 60);
      const t = Array.from({ length: B }, () => randomRow(T, r));
      // Estimates: related to the target (noisy, scaled, shifted) or independent.
      const x = t.map((row) => {
        const mode = Math.floor(r() * 4);
        if (mode === 0) return randomRow(T, r);
        const g = 2 * r();
        const noise = randn(T, r, 10 ** (4 * r() - 4) * (Math.max(...row.map(Math.abs)) || 1));
        return row.map((v, i) => (mode === 1 ? g * v : v) + (mode === 3 ? 0.1 : 0) + noise[i]!);
      });
      const loss = plan(name, options);
      let got: { value: number; perItem: number[] };
      try {
        const v = loss.valueAndGrad(x, t);
        got = { value: v.value, perItem: Array.from(v.perItem.data) };
      } catch (e) {
        // Only a filter longer than the signal may refuse a valid problem.
        expect((e as { code?: string }).code).toBe('SHAPE_MISMATCH');
        expect(options.preEmphasis).toBeDefined();
        continue;
      }
      const want = x.map((row, b) => referenceItem(name, row, t[b]!, options));
      const a = (options.a as number | undefined) ?? 1;
      want.forEach((w, b) => {
        const tol = 1e-9 * Math.abs(w) + (name === 'logCosh' ? 2 ** -50 / a : 1e-300);
        const ctx = `trial ${trial} ${name} ${JSON.stringify(options)} item ${b}: ${got.perItem[b]} vs ${w}`;
        expect(Math.abs(got.perItem[b]! - w), ctx).toBeLessThanOrEqual(tol);
      });
      const mean = want.reduce((s, v) => s + v, 0) / B;
      expect(Math.abs(got.value - mean)).toBeLessThanOrEqual(
        1e-9 * Math.abs(mean) + (name === 'logCosh' ? 2 ** -50 / a : 1e-300),
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(550);
  });

  it('float32 inputs: the float64 result of the float32 values', () => {
    const r = rng(7);
    for (let trial = 0; trial < 80; trial++) {
      const name = lossNames[trial % lossNames.length]!;
      const T = 5 + Math.floor(r() * 40);
      const t = Float32Array.from(randomRow(T, r));
      const x = Float32Array.from(t, (v) => v * 0.9 + 0.01 * (r() - 0.5));
      const got = plan(name).value(tensor(x, [1, T]), tensor(t, [1, T]));
      const want = referenceItem(name, Array.from(x), Array.from(t));
      expect(Math.abs(got - want)).toBeLessThanOrEqual(
        1e-9 * Math.abs(want) + (name === 'logCosh' ? 2 ** -50 : 1e-300),
      );
    }
  });
});
