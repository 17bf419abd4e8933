import { type Tensor, tensor, toNested } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { ctcKernel } from '../src/ctc.js';
import { evaluate } from '../src/evaluate.js';
import {
  ctcLoss,
  ctcLossValueAndGrad,
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
// So is every call of the CTC op's kernel: whether the occupancy (gradient) pass was asked for.
vi.mock('../src/ctc.js', async (importOriginal) => {
  const m = await importOriginal<typeof import('../src/ctc.js')>();
  return { ...m, ctcKernel: vi.fn(m.ctcKernel) };
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

describe('@losses/softdtw/tfjs: the variants compute the gradient w.r.t. y only when it is needed', () => {
  const B = 2;
  const N = 6;
  const M = 9;
  const D = 2;
  const r = rng(12);
  const x32 = Float32Array.from([randn(N, D, r), randn(N, D, r)].flat(2));
  const y32 = Float32Array.from([randn(M, D, r), randn(M, D, r)].flat(2));
  const wantY = () => vi.mocked(evaluate).mock.calls.filter((c) => c[4] === true).length;
  const cases = [
    [
      'softDtwDivergence sharp',
      tfl.softDtwDivergence,
      softDtwDivergenceValueAndGrad,
      { variant: 'sharp', gamma: 0.5 },
    ],
    [
      'softDtwDivergence mean-cost',
      tfl.softDtwDivergence,
      softDtwDivergenceValueAndGrad,
      { variant: 'mean-cost', gamma: 0.5 },
    ],
    [
      'softDtw with a step set and subsequence',
      tfl.softDtw,
      softDtwValueAndGrad,
      {
        steps: [
          { di: 1, dj: 1 },
          { di: 1, dj: 2 },
          { di: 0, dj: 1, weight: 0.5 },
        ],
        subsequence: true,
        normalize: 'n',
        gamma: 0.3,
      },
    ],
  ] as const;

  for (const [name, op, ref, opts] of cases) {
    it(`${name}: a data y's gradient is never computed; x's is the ndarray one bit for bit`, () => {
      vi.mocked(evaluate).mockClear();
      const yt = tf.tensor3d(y32, [B, M, D]);
      // biome-ignore lint/suspicious/noExplicitAny: the three options types of one table
      const g = tf.grad((a: tf.Tensor) => op(a, yt, opts as any))(tf.tensor3d(x32, [B, N, D]));
      expect(vi.mocked(evaluate)).toHaveBeenCalledTimes(1);
      expect(wantY()).toBe(0);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      const want = ref(tensor(x32, [B, N, D]), tensor(y32, [B, M, D]), opts as any);
      expect(Array.from(g.dataSync())).toEqual(Array.from((want.grad as Tensor).data));
    });

    it(`${name}: tf.grad w.r.t. y gives the ndarray gradY in one more pass`, () => {
      vi.mocked(evaluate).mockClear();
      const xt = tf.tensor3d(x32, [B, N, D]);
      // biome-ignore lint/suspicious/noExplicitAny: as above
      const g = tf.grad((b: tf.Tensor) => op(xt, b, opts as any))(tf.tensor3d(y32, [B, M, D]));
      expect(vi.mocked(evaluate)).toHaveBeenCalledTimes(2);
      expect(wantY()).toBe(1);
      const want = ref(tensor(x32, [B, N, D]), tensor(y32, [B, M, D]), {
        ...opts,
        gradY: true,
        // biome-ignore lint/suspicious/noExplicitAny: as above
      } as any);
      expect(Array.from(g.dataSync())).toEqual(Array.from((want.gradY as Tensor).data));
    });
  }
});

describe('@losses/softdtw/tfjs: ctcLoss computes its gradient only inside a gradient tape', () => {
  const r = rng(13);
  const lp32 = Float32Array.from(
    Array.from({ length: 2 }, () => randn(6, 4, r))
      .flat(2)
      .map((v) => v - 2),
  );
  const labels = [[1, 2], [3]];
  const withGrad = () => vi.mocked(ctcKernel).mock.calls.map((c) => c[4]);

  it('outside a tape: the losses alone, equal to ctcLoss', () => {
    vi.mocked(ctcKernel).mockClear();
    const v = tfl.ctcLoss(tf.tensor3d(lp32, [2, 6, 4]), labels).dataSync()[0]!;
    const none = tfl.ctcLoss(tf.tensor3d(lp32, [2, 6, 4]), labels, { reduction: 'none' });
    expect(withGrad()).toEqual([false, false]);
    expect(v).toBe(Math.fround(ctcLoss(tensor(Float64Array.from(lp32), [2, 6, 4]), labels)));
    const items = ctcLoss(tensor(Float64Array.from(lp32), [2, 6, 4]), labels, {
      reduction: 'none',
    });
    expect(Array.from(none.dataSync())).toEqual(items.map(Math.fround));
  });

  for (const reduction of ['mean', 'sum'] as const) {
    it(`inside tf.grad ('${reduction}'): one pass with the gradient, ctcLossValueAndGrad's bit for bit`, () => {
      vi.mocked(ctcKernel).mockClear();
      const g = tf.grad((a: tf.Tensor) => tfl.ctcLoss(a, labels, { reduction }))(
        tf.tensor3d(lp32, [2, 6, 4]),
      );
      expect(withGrad()).toEqual([true]);
      const want = ctcLossValueAndGrad(tensor(Float64Array.from(lp32), [2, 6, 4]), labels, {
        reduction,
      });
      expect(Array.from(g.dataSync())).toEqual(Array.from(want.grad.data, Math.fround));
    });
  }
});
