import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createStft, magnitude, type StftOptions, stft } from '../src/index.js';
import { maxAbsDiff, noise } from './helpers.js';

interface StftCase {
  name: string;
  options: Omit<StftOptions, 'window'> & { window: string | number[] };
  shape: number[];
  x: number[];
  stftShape: number[];
  stft: number[];
  magnitude: number[];
}
const golden = JSON.parse(readFileSync(new URL('fixtures/stft.json', import.meta.url), 'utf8'))
  .cases as StftCase[];

function optionsOf(c: StftCase): StftOptions {
  return c.options as StftOptions;
}

describe('stft vs torch.stft golden vectors', () => {
  for (const c of golden) {
    it(`equals torch.stft: ${c.name}`, () => {
      const x = tensor(Float64Array.from(c.x), c.shape);
      const X = stft(x, optionsOf(c));
      expect(X.shape).toEqual(c.stftShape);
      expect(maxAbsDiff(X.data, c.stft)).toBeLessThan(1e-10);
    });
    it(`magnitude equals |torch.stft|: ${c.name}`, () => {
      const x = tensor(Float64Array.from(c.x), c.shape);
      const M = magnitude(x, optionsOf(c));
      expect(M.shape).toEqual(c.stftShape.slice(0, -1));
      expect(maxAbsDiff(M.data, c.magnitude)).toBeLessThan(1e-10);
    });
  }
});

describe('createStft', () => {
  it('reports its configuration, the centred zero-padded window and the bin count', () => {
    const plan = createStft({ size: 8, hop: 2, windowLength: 4, window: 'rectangular' });
    expect(plan.size).toBe(8);
    expect(plan.hop).toBe(2);
    expect(plan.windowLength).toBe(4);
    expect(plan.center).toBe(true);
    expect(plan.padMode).toBe('reflect');
    expect(plan.padEnd).toBe(false);
    expect(plan.bins).toBe(5);
    expect(Array.from(plan.window)).toEqual([0, 0, 1, 1, 1, 1, 0, 0]);
  });

  it('counts frames as torch does with center and without', () => {
    expect(createStft({ size: 16, hop: 4 }).frameCount(50)).toBe(13);
    expect(createStft({ size: 10, hop: 3, center: false }).frameCount(37)).toBe(10);
  });

  it('counts ceil(T / hop) frames with padEnd, as tf.signal.stft(pad_end=True)', () => {
    const plan = createStft({ size: 10, hop: 4, center: false, padEnd: true });
    expect(plan.frameCount(37)).toBe(10);
    expect(plan.frameCount(40)).toBe(10);
    expect(plan.frameCount(41)).toBe(11);
    expect(plan.frameCount(3)).toBe(1);
  });

  it("gives tf.signal.frame's documented example: 9152 samples, 512 / 180 -> 49 frames, 51 with padEnd", () => {
    expect(createStft({ size: 512, hop: 180, center: false }).frameCount(9152)).toBe(49);
    expect(createStft({ size: 512, hop: 180, center: false, padEnd: true }).frameCount(9152)).toBe(
      51,
    );
  });

  it('with padEnd equals the STFT of the signal zero-padded at the end', () => {
    const x = noise(37, 9);
    const padded = new Float64Array(46);
    padded.set(x);
    const withPadEnd = stft(x, { size: 10, hop: 4, center: false, padEnd: true });
    const explicit = stft(padded, { size: 10, hop: 4, center: false });
    expect(withPadEnd.shape).toEqual([10, 6, 2]);
    expect(maxAbsDiff(withPadEnd.data, explicit.data)).toBeLessThan(1e-15);
  });

  it('gives the same frames for an item of a batch as for the item alone', () => {
    const plan = createStft({ size: 67, hop: 20 });
    const a = noise(300, 1);
    const b = noise(300, 2);
    const both = new Float64Array(600);
    both.set(a);
    both.set(b, 300);
    const batch = plan.stft(tensor(both, [2, 300]));
    const single = plan.stft(b);
    const half = batch.data.length / 2;
    expect(maxAbsDiff(batch.data.subarray(half), single.data)).toBeLessThan(1e-12);
  });

  it('applies the eps floor: sqrt(max(re^2 + im^2, eps))', () => {
    const plan = createStft({ size: 8, hop: 4 });
    const m = plan.magnitude(new Float64Array(16), 1e-6);
    for (const v of m.data) expect(v).toBeCloseTo(1e-3, 15);
  });
});
