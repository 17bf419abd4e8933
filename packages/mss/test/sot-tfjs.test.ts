import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMssLoss } from '../src/index.js';
import { mssLoss, mssLossWithTarget } from '../src/tfjs/index.js';
import { relMaxError } from './helpers.js';
import { sotGoldens } from './wasserstein-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const goldens = sotGoldens();
const [B, T] = goldens.signals.shape;
const est32 = Float32Array.from(goldens.signals.estimate);
const tgt32 = Float32Array.from(goldens.signals.target);
const p2 = goldens.multiResolution.find((c) => c.p === 2)!;

describe("@losses/mss/tfjs with the 'sot' preset (through the MSS op)", () => {
  it('the tfjs gradient w.r.t. the estimate equals the ndarray gradient', () => {
    const e = tf.tensor2d(est32, [B, T]);
    const t = tf.tensor2d(tgt32, [B, T]);
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, 'sot'))(e);
    const ref = createMssLoss('sot').valueAndGrad(tensor(est32, [B, T]), tensor(tgt32, [B, T]));
    expect(Math.abs(value.dataSync()[0]! - ref.value) / ref.value).toBeLessThan(1e-6);
    expect(relMaxError(grad.dataSync(), ref.grad.data)).toBeLessThan(1e-5);
  });

  it("both gradients match sot-loss's autograd (float32 signals, so to float32 precision)", () => {
    const e = tf.tensor2d(est32, [B, T]);
    const t = tf.tensor2d(tgt32, [B, T]);
    const [ge, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mssLoss(a, b, 'sot'))([e, t]);
    expect(relMaxError(ge!.dataSync(), p2.grad)).toBeLessThan(1e-3);
    expect(relMaxError(gt!.dataSync(), p2.targetGrad)).toBeLessThan(1e-3);
  });

  it('mssLossWithTarget gives the value and estimate gradient of mssLoss', () => {
    const e = tf.tensor2d(est32, [B, T]);
    const t = tf.tensor2d(tgt32, [B, T]);
    const a = tf.valueAndGrad((x: tf.Tensor) => mssLossWithTarget(t, 'sot')(x))(e);
    const b = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, 'sot'))(e);
    expect(a.value.dataSync()[0]).toBe(b.value.dataSync()[0]);
    expect(relMaxError(a.grad.dataSync(), b.grad.dataSync())).toBeLessThan(1e-6);
  });
});
