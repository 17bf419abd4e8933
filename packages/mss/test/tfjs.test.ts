import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions } from '../src/index.js';
import { mssLoss, mssLossWithTarget } from '../src/tfjs/index.js';
import { bothGradients, relMaxError, signal } from './helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const T = 2100;
const est32 = Float32Array.from(signal(T, 3, 2));
const tgt32 = Float32Array.from(signal(T, 4, 2));

describe('@losses/mss/tfjs', () => {
  for (const preset of ['standard', 'smooth'] as const) {
    it(`the tfjs gradient equals the ndarray gradient (${preset})`, () => {
      const e = tf.tensor2d(est32, [2, T]);
      const t = tf.tensor2d(tgt32, [2, T]);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, preset))(e);
      const ref = createMssLoss(preset).valueAndGrad(
        { data: est32, shape: [2, T], stride: [T, 1], offset: 0 } as never,
        { data: tgt32, shape: [2, T], stride: [T, 1], offset: 0 } as never,
      );
      expect(Math.abs(value.dataSync()[0]! - ref.value) / ref.value).toBeLessThan(1e-6);
      expect(relMaxError(grad.dataSync(), ref.grad.data)).toBeLessThan(1e-5);
    });
  }

  it('is differentiable w.r.t. both arguments, with the kernel gradients', () => {
    const options: MssOptions = {
      sizes: [32, 64],
      compressions: ['linear'],
      spectralConvergence: 0.7,
    };
    const e = tf.tensor2d(est32, [2, T]);
    const t = tf.tensor2d(tgt32, [2, T]);
    const [ge, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mssLoss(a, b, options))([e, t]);
    const ref = bothGradients(options, est32, tgt32, [2, T]);
    expect(relMaxError(ge!.dataSync(), ref.grad)).toBeLessThan(1e-6);
    expect(relMaxError(gt!.dataSync(), ref.targetGrad)).toBeLessThan(1e-6);
  });

  it('mssLossWithTarget gives the value and estimate gradient of mssLoss', () => {
    const e = tf.tensor2d(est32, [2, T]);
    const t = tf.tensor2d(tgt32, [2, T]);
    const fixed = mssLossWithTarget(t, 'smooth');
    const a = tf.valueAndGrad((x: tf.Tensor) => fixed(x))(e);
    const b = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, 'smooth'))(e);
    expect(a.value.dataSync()[0]).toBeCloseTo(b.value.dataSync()[0]!, 5);
    expect(relMaxError(a.grad.dataSync(), b.grad.dataSync())).toBeLessThan(1e-5);
  });

  it('works inside optimizer.minimize: Adam lowers the loss of a learnt gain', () => {
    const target = tf.tensor1d(Float32Array.from(signal(600, 1)));
    const gain = tf.variable(tf.scalar(0.3));
    const loss = createMssLoss({ sizes: [32, 64], compressions: ['linear'] });
    const f = () => mssLoss(tf.mul(target, gain), target, loss);
    const before = f().dataSync()[0]!;
    const opt = tf.train.adam(0.05);
    for (let i = 0; i < 20; i++) opt.minimize(() => f() as tf.Scalar);
    const after = f().dataSync()[0]!;
    expect(after).toBeLessThan(0.5 * before);
    expect(gain.dataSync()[0]).toBeGreaterThan(0.6);
  });

  it('refuses tensors of different shapes', () => {
    expect(() => mssLoss(tf.zeros([300]), tf.zeros([301]), { sizes: [16] })).toThrow(/same shape/);
  });
});
