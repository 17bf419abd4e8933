import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { type MssOptions, mssPresets } from '../src/index.js';
import { bothGradients, relMaxError } from './helpers.js';

interface GoldenCase {
  name: string;
  preset?: keyof typeof mssPresets;
  options: MssOptions;
  estimate: number[][];
  target: number[][];
  value: number;
  grad: number[][];
  targetGrad: number[][];
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/goldens.json', import.meta.url), 'utf8'),
) as {
  presets: GoldenCase[];
  variants: GoldenCase[];
};

describe('the gradient w.r.t. the target (the tfjs op) matches PyTorch autograd (float64)', () => {
  for (const c of [...golden.presets, ...golden.variants]) {
    it(c.name, () => {
      const options = c.preset ? mssPresets[c.preset] : c.options;
      const shape: [number, number] = [c.estimate.length, c.estimate[0]!.length];
      const r = bothGradients(
        options,
        Float64Array.from(c.estimate.flat()),
        Float64Array.from(c.target.flat()),
        shape,
      );
      expect(Math.abs(r.value - c.value) / c.value).toBeLessThan(1e-11);
      expect(relMaxError(r.grad, c.grad.flat())).toBeLessThan(1e-9);
      expect(relMaxError(r.targetGrad, c.targetGrad.flat())).toBeLessThan(1e-9);
    });
  }
});
