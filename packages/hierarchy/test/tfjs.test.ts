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

describe('@losses/hierarchy/tfjs: cost, shapes, dtypes, memory', () => {
  it('hierarchicalLoss and mcLoss: the ndarray gradient bit for bit, of the logits shape', () => {
    const z = tf.tensor3d(x, [2, F / 2, C]);
    const labels = tf.tensor3d(y, [2, F / 2, C]);
    const opts = { alpha: 0.4, beta: 1.6 };
    const a = tf.valueAndGrad((t: tf.Tensor) => hierarchicalLoss(t, labels, h, opts))(z);
    const refA = hierarchicalLossValueAndGrad(
      tensor(x, [2, F / 2, C]),
      tensor(y, [2, F / 2, C]),
      h,
      opts,
    );
    expect(a.value.dataSync()[0]).toBe(Math.fround(refA.value));
    expect(a.grad.shape).toEqual([2, F / 2, C]);
    expect(Array.from(a.grad.dataSync())).toEqual(Array.from(refA.grad.data));
    const b = tf.grad((t: tf.Tensor) => mcLoss(t, labels, h))(z);
    const refB = mcLossValueAndGrad(tensor(x, [2, F / 2, C]), tensor(y, [2, F / 2, C]), h);
    expect(Array.from(b.dataSync())).toEqual(Array.from(refB.grad.data));
  });

  it('the value outside a gradient tape equals the value inside', () => {
    const z = tf.tensor2d(x, [F, C]);
    const labels = tf.tensor2d(y, [F, C]);
    const inside = tf.valueAndGrad((t: tf.Tensor) => hierarchicalLoss(t, labels, h)).call(null, z);
    expect(hierarchicalLoss(z, labels, h).dataSync()[0]).toBe(inside.value.dataSync()[0]);
    const mc = tf.valueAndGrad((t: tf.Tensor) => mcLoss(t, labels, h)).call(null, z);
    expect(mcLoss(z, labels, h).dataSync()[0]).toBe(mc.value.dataSync()[0]);
  });

  it('reads int32 and bool labels exactly (as float64), as the ndarray functions read integer arrays', () => {
    const known = Float32Array.from(y, (v) => (Number.isNaN(v) ? 0 : v));
    const z = tf.tensor2d(x, [F, C]);
    const want = hierarchicalLossValueAndGrad(tensor(x, [F, C]), tensor(known, [F, C]), h);
    for (const labels of [
      tf.tensor2d(Int32Array.from(known), [F, C], 'int32'),
      tf.tensor2d(
        Array.from(known, (v) => v === 1),
        [F, C],
        'bool',
      ),
    ]) {
      const g = tf.grad((t: tf.Tensor) => hierarchicalLoss(t, labels, h))(z);
      expect(Array.from(g.dataSync())).toEqual(Array.from(want.grad.data));
    }
  });

  it('labels get a zero gradient when one is asked for', () => {
    const z = tf.tensor2d(x, [F, C]);
    const g = tf.grad((l: tf.Tensor) => hierarchicalLoss(z, l, h))(tf.tensor2d(y, [F, C]));
    expect(g.shape).toEqual([F, C]);
    expect(g.dataSync().every((v) => v === 0)).toBe(true);
  });

  it('leaks no tensor (losses, operators, tf.grad, minimize, a refused call)', () => {
    const z = tf.tensor2d(x, [F, C]);
    const labels = tf.tensor2d(y, [F, C]);
    const w = tf.tensor2d(dy, [F, C]);
    const v = tf.variable(tf.zeros([F, C]));
    const sgd = tf.train.sgd(1);
    const bad = tf.zeros([F, C + 1]);
    const before = tf.memory().numTensors;
    hierarchicalLoss(z, labels, h).dispose();
    mcLoss(z, labels, h).dispose();
    tf.grad((t: tf.Tensor) => hierarchicalLoss(t, labels, h))(z).dispose();
    for (const op of [maxConstraint, aggregateBottomUp]) {
      op(z, h).dispose();
      tf.grad((t: tf.Tensor) => tf.sum(tf.mul(op(t, h), w)))(z).dispose();
    }
    sgd.minimize(() => hierarchicalLoss(v, labels, h));
    expect(() => hierarchicalLoss(bad, labels, h)).toThrow();
    expect(tf.memory().numTensors).toBe(before);
  });
});
