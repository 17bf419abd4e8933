import '@tensorflow/tfjs';
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs-core';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  aggregateBottomUpVjp,
  aggregateBottomUp as aggregateNd,
  hierarchicalLossValueAndGrad,
  hierarchies,
  maxConstraintVjp,
  mcLossValueAndGrad,
  maxConstraint as mcmNd,
} from '../src/index.js';
import { aggregateBottomUp, hierarchicalLoss, maxConstraint, mcLoss } from '../src/tfjs/index.js';
import { maxAbsDiff, randn, randomLabels, rng } from './helpers.js';

const h = hierarchies.orchestra;
const F = 6;
const C = h.classes.length;
const r = rng(31);
const x = Float32Array.from(randn(r, F * C, 2));
const y = Float32Array.from(randomLabels(r, F * C));
const dy = Float32Array.from(randn(r, F * C));

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// Both sides compute in float32 storage from the same float32 inputs; differences are rounding.
const TOL = 1e-6;

describe('@losses/hierarchy/tfjs ops', () => {
  it('hierarchicalLoss: value and tf.grad equal the ndarray kernel', () => {
    const z = tf.tensor2d(x, [F, C]);
    const labels = tf.tensor2d(y, [F, C]);
    const opts = { alpha: 0.4, beta: 1.6 };
    const { value, grad } = tf.valueAndGrad((t: tf.Tensor) => hierarchicalLoss(t, labels, h, opts))(
      z,
    );
    const ref = hierarchicalLossValueAndGrad(tensor(x, [F, C]), tensor(y, [F, C]), h, opts);
    expect(value.dataSync()[0]).toBeCloseTo(ref.value, 6);
    expect(maxAbsDiff(grad.dataSync(), ref.grad.data)).toBeLessThan(TOL);
  });

  it('mcLoss: value and tf.grad equal the ndarray kernel, scaled by the upstream gradient', () => {
    const z = tf.tensor2d(x, [F, C]);
    const labels = tf.tensor2d(y, [F, C]);
    const g = tf.grad((t: tf.Tensor) => tf.mul(mcLoss(t, labels, h), 3))(z);
    const ref = mcLossValueAndGrad(tensor(x, [F, C]), tensor(y, [F, C]), h);
    expect(
      maxAbsDiff(
        g.dataSync(),
        ref.grad.data.map((v) => 3 * v),
      ),
    ).toBeLessThan(TOL);
  });

  it('maxConstraint: output and vjp equal the ndarray kernels', () => {
    const z = tf.tensor2d(x, [F, C]);
    const w = tf.tensor2d(dy, [F, C]);
    const out = maxConstraint(z, h);
    expect(maxAbsDiff(out.dataSync(), mcmNd(tensor(x, [F, C]), h).data)).toBe(0);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(maxConstraint(t, h), w)))(z);
    const ref = maxConstraintVjp(tensor(x, [F, C]), tensor(dy, [F, C]), h);
    expect(maxAbsDiff(g.dataSync(), ref.data)).toBeLessThan(TOL);
  });

  it('aggregateBottomUp: output and vjp equal the ndarray kernels, through a sigmoid', () => {
    const z = tf.tensor2d(x, [F, C]);
    const w = tf.tensor2d(dy, [F, C]);
    const out = aggregateBottomUp(tf.sigmoid(z), h);
    const p = tf.sigmoid(z).dataSync() as Float32Array;
    expect(maxAbsDiff(out.dataSync(), aggregateNd(tensor(p, [F, C]), h).data)).toBe(0);
    const g = tf.grad((t: tf.Tensor) => tf.sum(tf.mul(aggregateBottomUp(t, h), w)))(z);
    const ref = aggregateBottomUpVjp(tensor(x, [F, C]), tensor(dy, [F, C]), h);
    expect(maxAbsDiff(g.dataSync(), ref.data)).toBeLessThan(TOL);
  });

  it('trains: a few SGD steps on the hierarchical loss lower it', () => {
    const v = tf.variable(tf.zeros([F, C]));
    const labels = tf.tensor2d(y, [F, C]);
    const opt = tf.train.sgd(50);
    const loss = () => hierarchicalLoss(v, labels, h);
    const before = loss().dataSync()[0]!;
    for (let k = 0; k < 20; k++) opt.minimize(loss);
    expect(loss().dataSync()[0]!).toBeLessThan(before * 0.7);
  });
});
