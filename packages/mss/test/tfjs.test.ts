import { tensor } from '@losses/tensor';
import { wasmEnabled } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it, vi } from 'vitest';
import { createMssLoss, type MssOptions, mssPresets } from '../src/index.js';
import { cachedPresets, kernelOf } from '../src/loss.js';
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

const shape2: [number, number] = [2, T];
const nd = (data: Float32Array | Float64Array, shape: number[]) => tensor(data, shape);

describe('@losses/mss/tfjs computes the target gradient only when it is needed', () => {
  for (const preset of ['standard', 'smooth'] as const) {
    it(`${preset}: the estimate gradient is the ndarray valueAndGrad's, bit for bit`, () => {
      const loss = createMssLoss(preset);
      const e = tf.tensor2d(est32, shape2);
      const t = tf.tensor2d(tgt32, shape2);
      const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, loss))(e);
      const ref = loss.valueAndGrad(nd(est32, shape2), nd(tgt32, shape2));
      expect(value.dataSync()[0]).toBe(Math.fround(ref.value));
      expect(grad.dtype).toBe('float32');
      expect(Array.from(grad.dataSync())).toEqual(Array.from(ref.grad.data));
    });

    it(`${preset}: a data target's gradient is never computed (tf.grad, optimizer.minimize)`, () => {
      const loss = createMssLoss(preset);
      const kernel = kernelOf(loss);
      const evaluate = vi.spyOn(kernel, 'evaluate');
      const prepare = vi.spyOn(kernel, 'prepareTarget');
      try {
        const t = tf.tensor2d(tgt32, shape2);
        tf.grad((x: tf.Tensor) => mssLoss(x, t, loss))(tf.tensor2d(est32, shape2));
        const v = tf.variable(tf.tensor2d(est32, shape2));
        tf.train.sgd(1e-3).minimize(() => mssLoss(v, t, loss));
        expect(evaluate).toHaveBeenCalledTimes(2);
        for (const call of evaluate.mock.calls) expect(call[4] ?? false).toBe(false);
        for (const call of prepare.mock.calls) expect(call[1]).toBe(false);
        v.dispose();
      } finally {
        evaluate.mockRestore();
        prepare.mockRestore();
      }
    });

    it(`${preset}: tf.grad w.r.t. the target gives the kernel's target gradient in one more pass`, () => {
      const loss = createMssLoss(preset);
      const kernel = kernelOf(loss);
      const evaluate = vi.spyOn(kernel, 'evaluate');
      try {
        const e = tf.tensor2d(est32, shape2);
        const g = tf.grad((t: tf.Tensor) => mssLoss(e, t, loss))(tf.tensor2d(tgt32, shape2));
        const ref = bothGradients(mssPresets[preset], est32, tgt32, shape2);
        expect(g.shape).toEqual(shape2);
        expect(Array.from(g.dataSync())).toEqual(Array.from(ref.targetGrad, Math.fround));
        expect(evaluate.mock.calls.filter((c) => c[4] === true)).toHaveLength(1);
      } finally {
        evaluate.mockRestore();
      }
    });
  }

  it('mssLossWithTarget: the gradient of withTarget(t).valueAndGrad, bit for bit, [T] target', () => {
    const loss = createMssLoss('smooth');
    const t1 = tgt32.subarray(0, T);
    const op = mssLossWithTarget(tf.tensor1d(t1), loss);
    const e = tf.tensor2d(est32, shape2);
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => op(x))(e);
    const ref = loss.withTarget(nd(t1, [T])).valueAndGrad(nd(est32, shape2));
    expect(value.dataSync()[0]).toBe(Math.fround(ref.value));
    expect(grad.shape).toEqual(shape2);
    expect(Array.from(grad.dataSync())).toEqual(Array.from(ref.grad.data));
  });

  it('keeps shapes: [T] signals give a [T] gradient and a float32 scalar', () => {
    const e = tf.tensor1d(est32.subarray(0, T));
    const t = tf.tensor1d(tgt32.subarray(0, T));
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) => mssLoss(x, t, 'smooth'))(e);
    expect(value.rank).toBe(0);
    expect(value.dtype).toBe('float32');
    expect(grad.shape).toEqual([T]);
    expect(grad.dtype).toBe('float32');
  });

  it('refuses int32 tensors (say 16-bit PCM) by the integer rule, naming the argument', () => {
    const pcm = (x: Float32Array) => Int32Array.from(x, (v) => Math.round(v * 12000));
    const loss = createMssLoss('standard');
    const e = tf.tensor2d(pcm(est32), shape2, 'int32');
    const t = tf.tensor2d(pcm(tgt32), shape2, 'int32');
    expect(() => mssLoss(e, tf.tensor2d(tgt32, shape2), loss)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'estimate' }),
    );
    expect(() => mssLoss(tf.tensor2d(est32, shape2), t, loss)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'target' }),
    );
    expect(() => mssLossWithTarget(t, loss)).toThrow(/int32 storage/);
  });

  it('leaks no tensor: value, tf.grad, tf.grads, withTarget, minimize, a refused call', () => {
    const loss = createMssLoss({ sizes: [32, 64], compressions: ['linear', 'log'] });
    const e = tf.tensor2d(est32, shape2);
    const t = tf.tensor2d(tgt32, shape2);
    const v = tf.variable(tf.tensor2d(est32, shape2));
    const opt = tf.train.sgd(1e-3);
    const fixed = mssLossWithTarget(t, loss);
    const short = tf.zeros([300]);
    const before = tf.memory().numTensors;
    mssLoss(e, t, loss).dispose();
    tf.grad((x: tf.Tensor) => mssLoss(x, t, loss))(e).dispose();
    for (const g of tf.grads((a: tf.Tensor, b: tf.Tensor) => mssLoss(a, b, loss))([e, t])) {
      g.dispose();
    }
    tf.grad((x: tf.Tensor) => fixed(x))(e).dispose();
    fixed(e).dispose();
    opt.minimize(() => mssLoss(v, t, loss));
    expect(() => mssLoss(short, t, loss)).toThrow(/same shape/);
    expect(tf.memory().numTensors).toBe(before);
  });
});

// The bound concerns the WebAssembly engine's memories (which never shrink); the JavaScript engine
// keeps less than the bound for these inputs, so with LOSSES_WASM=off nothing is dropped.
describe.skipIf(!wasmEnabled())(
  '@losses/mss/tfjs keeps the preset cache bounded, as the one-shot functions do',
  () => {
    // Past PRESET_CACHE_BYTES (64 MiB) for standard: about 100 float64 values per sample on the
    // float64 route; on the float32 route that these float32 tensors take (issue 17), about 320
    // bytes with the gradient and 150 for the value alone.
    const big = 700_000;
    const e = () => tf.tensor1d(Float32Array.from(signal(big, 5)));
    const t = () => tf.tensor1d(Float32Array.from(signal(big, 6)));
    const small = () => {
      mssLoss(tf.tensor1d(est32.subarray(0, T)), tf.tensor1d(tgt32.subarray(0, T)), 'standard');
      expect(cachedPresets().has('standard')).toBe(true);
    };

    it('mssLoss (value, and tf.grad w.r.t. the estimate) drops a preset that grew past the bound', () => {
      small();
      mssLoss(e(), t(), 'standard');
      expect(cachedPresets().has('standard')).toBe(false);
      small();
      const target = t();
      tf.grad((a: tf.Tensor) => mssLoss(a, target, 'standard'))(e());
      expect(cachedPresets().has('standard')).toBe(false);
    });

    it('mssLossWithTarget drops it after a large estimate', () => {
      small();
      const loss = mssLossWithTarget(t(), 'standard');
      tf.grad((a: tf.Tensor) => loss(a))(e());
      expect(cachedPresets().has('standard')).toBe(false);
    });
  },
);
