import { type Tensor, tensor, toNested } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { evaluate } from '../src/evaluate.js';
import {
  sharpSoftDtwValueAndGrad,
  softDtwDivergenceValueAndGrad,
  softDtwValueAndGrad,
} from '../src/index.js';
import * as tfl from '../src/tfjs/index.js';
import { randn, rng } from './reference.js';

// Every call of the evaluation engine is recorded (and runs as usual): which gradients were asked.
vi.mock('../src/evaluate.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/evaluate.js')>();
  return { ...m, evaluate: vi.fn(m.evaluate) };
});

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

describe('@losses/softdtw/tfjs computes the gradient w.r.t. y only when it is needed', () => {
  const B = 2;
  const N = 7;
  const M = 5;
  const D = 3;
  const r = rng(11);
  const xs = [f32(randn(N, D, r)), f32(randn(N, D, r))];
  const ys = [f32(randn(M, D, r)), f32(randn(M, D, r))];
  const x32 = Float32Array.from(xs.flat(2));
  const y32 = Float32Array.from(ys.flat(2));
  const opts = { gamma: 0.3 };
  const wantY = () => vi.mocked(evaluate).mock.calls.filter((c) => c[4] === true).length;

  for (const [name, op, ref] of ops) {
    it(`${name}: x's gradient is the ndarray one bit for bit, and a data y's is never computed`, () => {
      vi.mocked(evaluate).mockClear();
      const yt = tf.tensor3d(y32, [B, M, D]);
      const g = tf.grad((a: tf.Tensor) => op(a, yt, opts))(tf.tensor3d(x32, [B, N, D]));
      const v = tf.variable(tf.tensor3d(x32, [B, N, D]));
      tf.train.sgd(1e-3).minimize(() => op(v, yt, opts));
      v.dispose();
      expect(vi.mocked(evaluate)).toHaveBeenCalledTimes(2);
      expect(wantY()).toBe(0);
      const want = ref(tensor(x32, [B, N, D]), tensor(y32, [B, M, D]), opts);
      expect(g.shape).toEqual([B, N, D]);
      expect(Array.from(g.dataSync())).toEqual(Array.from((want.grad as Tensor).data));
    });

    it(`${name}: tf.grad w.r.t. y gives the ndarray gradY in one more pass`, () => {
      vi.mocked(evaluate).mockClear();
      const xt = tf.tensor3d(x32, [B, N, D]);
      const g = tf.grad((b: tf.Tensor) => op(xt, b, opts))(tf.tensor3d(y32, [B, M, D]));
      expect(wantY()).toBe(1);
      const want = ref(tensor(x32, [B, N, D]), tensor(y32, [B, M, D]), { ...opts, gradY: true });
      expect(g.shape).toEqual([B, M, D]);
      expect(Array.from(g.dataSync())).toEqual(Array.from((want.gradY as Tensor).data));
    });
  }

  it('outside a gradient tape the value alone is computed', () => {
    vi.mocked(evaluate).mockClear();
    const value = tfl.softDtw(tf.tensor3d(x32, [B, N, D]), tf.tensor3d(y32, [B, M, D]), opts);
    expect(vi.mocked(evaluate).mock.calls.map((c) => [c[3], c[4]])).toEqual([[false, false]]);
    expect(value.dataSync()[0]).toBe(
      Math.fround(softDtwValueAndGrad(tensor(x32, [B, N, D]), tensor(y32, [B, M, D]), opts).value),
    );
  });

  it('reads int32 sequences exactly, as float64', () => {
    const xi = Int32Array.from(x32, (v) => Math.round(3 * v));
    const yi = Int32Array.from(y32, (v) => Math.round(3 * v));
    const g = tf.grad((a: tf.Tensor) => tfl.softDtw(a, tf.tensor3d(yi, [B, M, D], 'int32'), opts))(
      tf.tensor3d(xi, [B, N, D], 'int32'),
    );
    const want = softDtwValueAndGrad(
      tensor(Float64Array.from(xi), [B, N, D]),
      tensor(Float64Array.from(yi), [B, M, D]),
      opts,
    );
    expect(Array.from(g.dataSync())).toEqual(Array.from((want.grad as Tensor).data, Math.fround));
  });

  it('leaks no tensor (value, tf.grad, tf.grads, minimize, a refused call)', () => {
    const xt = tf.tensor3d(x32, [B, N, D]);
    const yt = tf.tensor3d(y32, [B, M, D]);
    const v = tf.variable(tf.tensor3d(x32, [B, N, D]));
    const bad = tf.zeros([B, M, D + 1]);
    const sgd = tf.train.sgd(1e-3); // keeps its learning rate as a tensor
    const before = tf.memory().numTensors;
    tfl.softDtw(xt, yt, opts).dispose();
    tf.grad((a: tf.Tensor) => tfl.softDtwDivergence(a, yt, opts))(xt).dispose();
    for (const g of tf.grads((a: tf.Tensor, b: tf.Tensor) => tfl.sharpSoftDtw(a, b, opts))([
      xt,
      yt,
    ])) {
      g.dispose();
    }
    sgd.minimize(() => tfl.softDtw(v, yt, opts));
    expect(() => tfl.softDtw(xt, bad, opts)).toThrow(/must agree/);
    expect(tf.memory().numTensors).toBe(before);
  });
});
