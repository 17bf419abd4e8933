import '@tensorflow/tfjs';
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { describe, expect, it } from 'vitest';
import { magnitude, magnitudeVjp } from '../src/index.js';
import { magnitudeSpectrogram } from '../src/tfjs/index.js';
import { maxAbsDiff, noise } from './helpers.js';

describe('magnitudeSpectrogram (tfjs)', () => {
  const options = { size: 33, hop: 8, window: 'hamming' as const };

  it('computes the magnitude spectrogram of the package', async () => {
    const x = Float32Array.from(noise(2 * 200, 1));
    const out = magnitudeSpectrogram(tf.tensor(x, [2, 200]), options);
    const expected = magnitude(tensor(x, [2, 200]), options);
    expect(out.shape).toEqual(expected.shape);
    expect(maxAbsDiff(await out.data(), expected.data)).toBe(0);
  });

  it('has the gradient of magnitudeVjp under tf.grad', async () => {
    const x = Float32Array.from(noise(2 * 200, 2));
    const m = magnitude(tensor(x, [2, 200]), options);
    const dMag = Float32Array.from(noise(m.data.length, 3));
    const grad = tf.grad((signal: tf.Tensor) =>
      tf.sum(tf.mul(magnitudeSpectrogram(signal, options), tf.tensor(dMag, m.shape))),
    );
    const g = grad(tf.tensor(x, [2, 200]));
    const expected = magnitudeVjp(tensor(x, [2, 200]), options, tensor(dMag, m.shape));
    expect(g.shape).toEqual([2, 200]);
    expect(maxAbsDiff(await g.data(), expected.data)).toBeLessThan(1e-6);
  });

  it('refuses bad options with a LossInputError before running', () => {
    expect(() => magnitudeSpectrogram(tf.zeros([64]), { size: 0, hop: 4 })).toThrow(
      /options.size: expected an integer >= 1/,
    );
    expect(() => magnitudeSpectrogram(tf.zeros([64]), { size: 8, hop: 4, eps: -1 })).toThrow(
      /options.eps/,
    );
  });

  it('passes the eps floor through to the kernel', async () => {
    const out = magnitudeSpectrogram(tf.zeros([64]), { size: 16, hop: 4, eps: 1e-4 });
    for (const v of await out.data()) expect(v).toBeCloseTo(1e-2, 7);
  });

  it('gives the same magnitudes inside a gradient tape as outside, and leaks no tensor', () => {
    const x = tf.tensor(Float32Array.from(noise(2 * 200, 4)), [2, 200]);
    const before = tf.memory().numTensors;
    const outside = magnitudeSpectrogram(x, options);
    let inside: Float32Array | undefined;
    tf.grad((s: tf.Tensor) => {
      const m = magnitudeSpectrogram(s, options);
      inside = m.dataSync() as Float32Array;
      return tf.sum(m);
    })(x).dispose();
    expect(Array.from(inside!)).toEqual(Array.from(outside.dataSync()));
    outside.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});
