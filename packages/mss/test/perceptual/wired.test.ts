/**
 * Issue 14 phase B: the options wired into `createMssLoss`. Every golden of
 * test/fixtures/perceptual.json (the presets run by their references' own code, auraloss's
 * compositions, the torch grid of scale x compression x distance) through the created loss:
 * value, per-item values and gradient. Both the default engines and the JavaScript engine alone.
 */
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions, mssPresets } from '../../src/index.js';
import { createJsEngineLoss } from '../../src/loss.js';
import { type RandomWindowKind, torchWindow } from '../../src/random-resolution.js';
import { goldens, type LossGolden, relMax } from './fixtures.js';

function optionsOf(c: LossGolden): MssOptions {
  const o = c.options;
  if (typeof o === 'string') return mssPresets[o as keyof typeof mssPresets];
  if ('preset' in o) {
    return { ...mssPresets[o.preset as keyof typeof mssPresets], sampleRate: o.sampleRate };
  }
  // auraloss's drawn windows (kaiser, bartlett) as arrays: the option takes @losses/stft's kinds.
  const w = o.window as string | undefined;
  if (w === 'kaiser' || w === 'bartlett') {
    const kind: RandomWindowKind = w;
    return { ...o, window: o.windowLengths!.map((wl) => torchWindow(kind, wl)) };
  }
  return o;
}

function flat(x: unknown): number[] {
  return (x as unknown[]).flat(3) as number[];
}

function check(c: LossGolden, est: unknown, tgt: unknown): void {
  for (const make of [createMssLoss, createJsEngineLoss]) {
    const loss = make(optionsOf(c));
    const e = Float64Array.from(flat(est));
    const t = Float64Array.from(flat(tgt));
    const shape = shapeOf(est);
    const E = tensor(e, shape);
    const T = tensor(t, shape);
    const { value, grad } = loss.valueAndGrad(E, T);
    expect(Math.abs(value - c.value) / Math.abs(c.value)).toBeLessThan(1e-12);
    expect(relMax(Array.from(grad.data), flat(c.grad))).toBeLessThan(1e-9);
    if (c.perItem) {
      expect(relMax(Array.from(loss.perItem(E, T).data), c.perItem)).toBeLessThan(1e-12);
    }
    // withTarget: bit for bit the two-argument numbers.
    const fixed = loss.withTarget(T).valueAndGrad(E);
    expect(fixed.value).toBe(value);
    expect(Array.from(fixed.grad.data)).toEqual(Array.from(grad.data));
    // breakdown: the contributions add up to the value.
    const b = loss.breakdown(E, T);
    expect(b.value).toBe(loss.value(E, T));
    const sum = b.terms.reduce((s, t) => s + t.contribution, 0);
    expect(Math.abs(sum - value) / Math.abs(value)).toBeLessThan(1e-12);
  }
}

function shapeOf(x: unknown): number[] {
  const shape: number[] = [];
  let v = x;
  while (Array.isArray(v)) {
    shape.push(v.length);
    v = v[0];
  }
  return shape;
}

describe('the presets through createMssLoss give their references (value 1e-12, gradient 1e-9)', () => {
  for (const c of goldens.presets) it(c.name, () => check(c, c.estimate, c.target));
});

describe("auraloss's compositions through createMssLoss", () => {
  for (const c of goldens.compositions) it(c.name, () => check(c, c.estimate, c.target));
});

describe('grid: scale x compression x distance through createMssLoss', () => {
  const g = goldens.grid;
  for (const c of g.cases) {
    it(c.name, () => {
      const est = c.stereo ? g.stereoEstimate : c.extreme ? g.extremeEstimate : g.estimate;
      const tgt = c.stereo ? g.stereoTarget : c.extreme ? g.extremeTarget : g.target;
      check(c, est, tgt);
    });
  }
});
