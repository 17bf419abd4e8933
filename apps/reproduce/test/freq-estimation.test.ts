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
    // d/dp sum_n x[n] y[n] with y = the target itself: the chain rule through f = 440 * 2^((p - 69) / 12).
    const length = 32;
    const y = synth(tf.tensor1d([TARGET_PITCH]), length);
    const g = tf.grad((p: tf.Tensor) => tf.sum(tf.mul(synth(p as tf.Tensor1D, length), y)))(
      tf.tensor1d([TARGET_PITCH]),
    );
    const f = 1000;
    let expected = 0;
    for (let n = 0; n < length; n++) {
      const t = (n - (length - 1) / 2) / 44100;
      const phase = 2 * Math.PI * f * t;
      expected += Math.sin(phase) * Math.cos(phase) * 2 * Math.PI * t * ((f * Math.LN2) / 12);
    }
    expect(g.dataSync()[0]).toBeCloseTo(expected, 3);
    expect(expected).not.toBe(0);
  });
});
