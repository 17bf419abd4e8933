import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions, type MssPresetName } from '../src/index.js';
import { relMaxError } from './helpers.js';

interface GoldenCase {
  name: string;
  options: MssOptions | MssPresetName;
  estimate: number[] | number[][];
  target: number[] | number[][];
  value: number;
  perItem: number[];
  grad: number[] | number[][];
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/goldens.json', import.meta.url), 'utf8'),
) as {
  presets: GoldenCase[];
  grid: GoldenCase[];
  variants: GoldenCase[];
  auraloss: { estimate: number[]; target: number[]; float64: number; float32: number };
  ddsp: { estimate: number[][]; target: number[][]; value: number };
};

function expectMatches(c: GoldenCase): void {
  const loss = createMssLoss(c.options);
  const { value, grad } = loss.valueAndGrad(c.estimate, c.target);
  expect(Math.abs(value - c.value) / c.value).toBeLessThan(1e-11);
  expect(grad.shape).toEqual(
    Array.isArray(c.grad[0]) ? [c.grad.length, c.grad[0].length] : [c.grad.length],
  );
  expect(relMaxError(grad.data, (c.grad as number[]).flat())).toBeLessThan(1e-9);
  const perItem = loss.perItem(c.estimate, c.target);
  expect(relMaxError(perItem.data, c.perItem)).toBeLessThan(1e-11);
}

describe('value and gradient match PyTorch autograd (float64 golden vectors)', () => {
  for (const c of golden.presets) {
    it(`the ${c.name} preset`, () => expectMatches(c));
  }
  for (const c of golden.grid) {
    it(c.name, () => expectMatches(c));
  }
  for (const c of golden.variants) {
    it(c.name, () => expectMatches(c));
  }
});

describe('presets reproduce the reference implementations', () => {
  it('auraloss: the number of MultiResolutionSTFTLoss() (its formula in torch, float64) within 1e-12', () => {
    const a = golden.auraloss;
    const v = createMssLoss('auraloss').value(a.estimate, a.target);
    expect(Math.abs(v - a.float64) / a.float64).toBeLessThan(1e-12);
  });

  it('auraloss: float32 signals give auraloss in float32 within 1e-5 relative', () => {
    const a = golden.auraloss;
    const v = createMssLoss('auraloss').value(
      Float32Array.from(a.estimate),
      Float32Array.from(a.target),
    );
    expect(Math.abs(v - a.float32) / a.float32).toBeLessThan(1e-5);
  });

  it("ddsp: the number of DDSP's SpectralLoss(mag_weight=1, logmag_weight=1) re-implemented in torch", () => {
    const d = golden.ddsp;
    const v = createMssLoss('ddsp').value(d.estimate, d.target);
    expect(Math.abs(v - d.value) / d.value).toBeLessThan(1e-12);
  });
});
