import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { stepsToConverge, synth, TARGET_PITCH } from '../src/cases/freq-estimation.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('freq-estimation helpers', () => {
  it('counts steps until a run stays within 1 cent', () => {
    expect(stepsToConverge([50, 10, 0.5, 3, 0.9, 0.2, -0.4])).toBe(4);
    expect(stepsToConverge([50, 10, 3])).toBe(-1);
    expect(stepsToConverge([0.5, 0.1])).toBe(0);
  });

  it('synthesises the target pitch as a 1000 Hz sinusoid at 44.1 kHz, phase 0 at the middle', () => {
    const x = synth(tf.tensor1d([TARGET_PITCH]), 64).dataSync();
    for (let n = 0; n < 64; n++)
      expect(x[n]).toBeCloseTo(Math.sin((2 * Math.PI * 1000 * (n - 31.5)) / 44100), 3);
  });

  it('gives the pitch a gradient through the synthesis', () => {
    const g = tf.grad((p: tf.Tensor) => tf.sum(synth(p as tf.Tensor1D, 32)))(
      tf.tensor1d([TARGET_PITCH]),
    );
    expect(Number.isFinite(g.dataSync()[0]!)).toBe(true);
    expect(g.dataSync()[0]).not.toBe(0);
  });
});
