import { type Tensor, tensor, toNested } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  ctcLoss,
  ctcLossValueAndGrad,
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

describe('@losses/softdtw/tfjs: the variants', () => {
  it('softDtw with a step set, subsequence and normalize: value and gradients equal the ndarray ones', () => {
    const r = rng(4);
    const x = f32(randn(4, 2, r));
    const y = f32(randn(9, 2, r));
    const opts = {
      steps: [
        { di: 1, dj: 1 },
        { di: 1, dj: 2 },
        { di: 0, dj: 1, weight: 0.5 },
      ],
      subsequence: true,
      normalize: 'n' as const,
      gamma: 0.3,
    };
    const want = softDtwValueAndGrad(x, y, { ...opts, gradY: true });
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tfl.softDtw(a, b, opts))([
      tf.tensor2d(x),
      tf.tensor2d(y),
    ]);
    expect(tfl.softDtw(tf.tensor2d(x), tf.tensor2d(y), opts).dataSync()[0]!).toBeCloseTo(
      want.value,
      4,
    );
    gx!.dataSync().forEach((g, k) => {
      expect(g).toBeCloseTo((want.grad as Tensor).data[k]!, 5);
    });
    gy!.dataSync().forEach((g, k) => {
      expect(g).toBeCloseTo((want.gradY as Tensor).data[k]!, 5);
    });
  });

  it('softDtwDivergence takes the sharp and mean-cost variants', () => {
    const r = rng(5);
    const x = f32(randn(5, 2, r));
    const y = f32(randn(4, 2, r));
    for (const variant of ['sharp', 'mean-cost'] as const) {
      const want = softDtwDivergenceValueAndGrad(x, y, { variant, gamma: 0.5 });
      const g = tf.grad((a: tf.Tensor) =>
        tfl.softDtwDivergence(a, tf.tensor2d(y), { variant, gamma: 0.5 }),
      )(tf.tensor2d(x));
      g.dataSync().forEach((v, k) => {
        expect(v).toBeCloseTo((want.grad as Tensor).data[k]!, 5);
      });
    }
  });
});

describe('@losses/softdtw/tfjs: ctcLoss', () => {
  const r = rng(6);
  const logits = Array.from({ length: 3 }, () => randn(7, 5, r));
  const labels = [[1, 2], [3, 3], [4]];

  it("value and gradient through tf.logSoftmax equal the ndarray gradient pushed through log-softmax ('mean')", () => {
    const z = tf.tensor3d(logits);
    const lp = tf.logSoftmax(z);
    const lpData = Array.from(lp.dataSync());
    const want = ctcLossValueAndGrad(tensor(Float64Array.from(lpData), [3, 7, 5]), labels);
    expect(tfl.ctcLoss(lp, labels).dataSync()[0]!).toBeCloseTo(want.value, 4);
    const g = tf
      .grad((a: tf.Tensor) => tfl.ctcLoss(tf.logSoftmax(a), labels))(z)
      .dataSync();
    for (let bt = 0; bt < 21; bt++) {
      let s = 0;
      for (let c = 0; c < 5; c++) s += want.grad.data[bt * 5 + c]!;
      for (let c = 0; c < 5; c++) {
        const k = bt * 5 + c;
        expect(g[k]!).toBeCloseTo(want.grad.data[k]! - Math.exp(lpData[k]!) * s, 5);
      }
    }
  });

  it("'none' gives every item's loss as a [B] tensor, and its gradient is each item's own", () => {
    const lp = tf.logSoftmax(tf.tensor3d(logits));
    const lpData = Float64Array.from(lp.dataSync());
    const out = tfl.ctcLoss(lp, labels, { reduction: 'none' });
    expect(out.shape).toEqual([3]);
    const items = ctcLoss(tensor(lpData, [3, 7, 5]), labels, { reduction: 'none' });
    out.dataSync().forEach((v, b) => {
      expect(v).toBeCloseTo(items[b]!, 4);
    });
    // d(2 l_0 + 3 l_1 + 5 l_2)/dlp: each item's gradient scaled by its weight
    const w = tf.tensor1d([2, 3, 5]);
    const g = tf.grad((a: tf.Tensor) =>
      tf.sum(tf.mul(tfl.ctcLoss(a, labels, { reduction: 'none' }), w)),
    )(lp);
    const sum = ctcLossValueAndGrad(tensor(lpData, [3, 7, 5]), labels, { reduction: 'sum' }).grad;
    g.dataSync().forEach((v, k) => {
      expect(v).toBeCloseTo([2, 3, 5][Math.floor(k / 35)]! * sum.data[k]!, 5);
    });
  });

  it('trains: a linear model learns to emit the labels (the loss falls by half)', () => {
    const x = tf.tensor2d(f32(randn(12, 4, rng(7))));
    const W = tf.variable(tf.randomNormal([4, 4], 0, 0.1, 'float32', 8));
    const opt = tf.train.adam(0.1);
    const loss = () => tfl.ctcLoss(tf.logSoftmax(tf.matMul(x, W)), [1, 2, 3]) as tf.Scalar;
    const first = loss().dataSync()[0]!;
    for (let k = 0; k < 60; k++) opt.minimize(loss);
    expect(loss().dataSync()[0]!).toBeLessThan(first / 2);
  });
});
