import { type Tensor, toNested } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  sharpSoftDtwValueAndGrad,
  softDtwDivergenceValueAndGrad,
  softDtwValueAndGrad,
} from '../src/index.js';
import * as tfl from '../src/tfjs/index.js';
import { randn, rng } from './reference.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

// float32 values uploaded to tfjs: compare with the float64 kernels on the same float32 inputs.
const f32 = (a: number[][]) => a.map((r) => r.map((v) => Math.fround(v)));

const ops = [
  ['softDtw', tfl.softDtw, softDtwValueAndGrad],
  ['softDtwDivergence', tfl.softDtwDivergence, softDtwDivergenceValueAndGrad],
  ['sharpSoftDtw', tfl.sharpSoftDtw, sharpSoftDtwValueAndGrad],
] as const;

describe('@losses/softdtw/tfjs', () => {
  for (const [name, op, ref] of ops) {
    it(`${name}: value and gradients w.r.t. x and y equal the ndarray ones`, () => {
      const r = rng(1);
      const x = f32(randn(5, 3, r));
      const y = f32(randn(6, 3, r));
      const opts = { gamma: 0.5, stepWeights: [1, 1, 2] as const, prior: { weight: 0.3, nu: 5 } };
      const want = ref(x, y, { ...opts, gradY: true });
      const xt = tf.tensor2d(x);
      const yt = tf.tensor2d(y);
      const value = op(xt, yt, opts).dataSync()[0]!;
      const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b, opts))([xt, yt]);
      expect(value).toBeCloseTo(want.value, 4);
      const wx = Array.from((want.grad as Tensor).data);
      const wy = Array.from((want.gradY as Tensor).data);
      gx!.dataSync().forEach((g, k) => {
        expect(g).toBeCloseTo(Math.fround(wx[k]!), 6);
      });
      gy!.dataSync().forEach((g, k) => {
        expect(g).toBeCloseTo(Math.fround(wy[k]!), 6);
      });
    });
  }

  it('works on batches [B, N, D] with the mean over items', () => {
    const r = rng(2);
    const x = [f32(randn(4, 2, r)), f32(randn(4, 2, r))];
    const y = [f32(randn(3, 2, r)), f32(randn(3, 2, r))];
    const want = softDtwValueAndGrad(x, y, { gamma: 1 });
    const xt = tf.tensor3d(x);
    const g = tf.grad((a: tf.Tensor) => tfl.softDtw(a, tf.tensor3d(y), { gamma: 1 }))(xt);
    expect(g.shape).toEqual([2, 4, 2]);
    const wg = (want.grad as Tensor[]).flatMap((t) => (toNested(t) as number[][]).flat());
    g.dataSync().forEach((v, k) => {
      expect(v).toBeCloseTo(wg[k]!, 6);
    });
  });

  it('trains with optimizer.minimize: soft-DTW to a target goes down', () => {
    const r = rng(3);
    const target = tf.tensor2d(f32(randn(8, 2, r)));
    const x = tf.variable(tf.tensor2d(f32(randn(6, 2, r))));
    const opt = tf.train.adam(0.1);
    const loss = () => tfl.softDtwDivergence(x, target, { gamma: 0.1 });
    const first = loss().dataSync()[0]!;
    for (let k = 0; k < 30; k++) opt.minimize(loss as () => tf.Scalar);
    expect(loss().dataSync()[0]!).toBeLessThan(first / 2);
  });

  it('validates options once, when the op is called', () => {
    expect(() => tfl.softDtw(tf.zeros([2, 2]), tf.zeros([2, 2]), { gamma: 0 })).toThrow(/dtw/);
  });
});
