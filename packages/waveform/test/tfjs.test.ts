import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import * as tfw from '../src/tfjs/index.js';
import { type LossName, lossNames, plan } from './helpers/losses.js';
import { fade, randn, rng } from './helpers/random.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const ops: Record<LossName, (e: tf.Tensor, t: tf.Tensor, o?: never) => tf.Scalar> = {
  l1: tfw.l1Loss,
  mse: tfw.mseLoss,
  esr: tfw.esrLoss,
  dc: tfw.dcLoss,
  logCosh: tfw.logCoshLoss,
  snr: tfw.snrLoss,
  siSdr: tfw.siSdrLoss,
  sdSdr: tfw.sdSdrLoss,
};

const optionsOf: Record<LossName, Record<string, unknown>> = {
  l1: { preEmphasis: { kind: 'hp' } },
  mse: { preEmphasis: { kind: 'aw', sampleRate: 16000, taps: 11 } },
  esr: { preEmphasis: { kind: 'fd', coef: 0.9, taps: 3 } },
  dc: { eps: 1e-4 },
  logCosh: { a: 2 },
  snr: { zeroMean: false },
  siSdr: { clipMin: -40 },
  sdSdr: {},
};

const B = 3;
const T = 41;

function batch(seed: number): { x: Float32Array; t: Float32Array } {
  const r = rng(seed);
  const t = Float32Array.from([...randn(T, r), ...fade(T, 0.09, 0.7), ...new Array(T).fill(0)]);
  const x = Float32Array.from(t, (v, i) => 0.8 * v + 0.2 * Math.sin(i) + 0.01);
  return { x, t };
}

describe('@losses/waveform/tfjs', () => {
  for (const name of lossNames) {
    it(`${name}: value and gradient equal the ndarray ones on the same float32 data`, () => {
      const { x, t } = batch(name.length);
      const o = optionsOf[name] as never;
      const want = plan(name, optionsOf[name]).valueAndGrad(tensor(x, [B, T]), tensor(t, [B, T]));
      const xt = tf.tensor2d(x, [B, T]);
      const tt = tf.tensor2d(t, [B, T]);
      const value = ops[name](xt, tt, o).dataSync()[0]!;
      const g = tf.grad((e: tf.Tensor) => ops[name](e, tt, o))(xt);
      expect(g.shape).toEqual([B, T]);
      expect(value).toBe(Math.fround(want.value));
      const gd = g.dataSync();
      for (let i = 0; i < B * T; i++) expect(gd[i]).toBe(want.grad.data[i]);
    });
  }

  it('a [T] tensor, and the chain rule through a scale of the loss', () => {
    const { x, t } = batch(9);
    const xt = tf.tensor1d(x.slice(0, T));
    const tt = tf.tensor1d(t.slice(0, T));
    const want = plan('siSdr').valueAndGrad(x.slice(0, T), t.slice(0, T));
    const g = tf.grad((e: tf.Tensor) => tf.mul(tfw.siSdrLoss(e, tt), 3))(xt);
    expect(g.shape).toEqual([T]);
    g.dataSync().forEach((v, i) => {
      expect(v).toBeCloseTo(3 * want.grad.data[i]!, 5);
    });
  });

  it('the target gets no gradient (it is a constant of the loss)', () => {
    const { x, t } = batch(4);
    const [, gt] = tf.grads((e: tf.Tensor, u: tf.Tensor) => tfw.mseLoss(e, u))([
      tf.tensor2d(x, [B, T]),
      tf.tensor2d(t, [B, T]),
    ]);
    for (const v of gt!.dataSync()) expect(v).toBe(0);
  });

  it('trains: Adam on an estimate lowers the SI-SDR loss by 20 dB', () => {
    const r = rng(11);
    const target = tf.tensor1d(Float32Array.from(fade(256, 0.03)));
    const est = tf.variable(tf.tensor1d(Float32Array.from(randn(256, r, 0.5))));
    const opt = tf.train.adam(0.05);
    const loss = () => tfw.siSdrLoss(est, target);
    const first = loss().dataSync()[0]!;
    for (let k = 0; k < 60; k++) opt.minimize(loss as () => tf.Scalar);
    expect(loss().dataSync()[0]!).toBeLessThan(first - 20);
  });

  it('validates options when the op is called', () => {
    expect(() => tfw.esrLoss(tf.zeros([4]), tf.zeros([4]), { eps: 0 })).toThrow(/options.eps/);
    expect(() => tfw.siSdrLoss(tf.zeros([4]), tf.zeros([5]))).toThrow(/same shape/);
  });

  it('kept ops follow the options by value: an options object changed between calls, 20 option sets, each gives its own loss', () => {
    const xs = Float32Array.from(randn(2 * 400, rng(5)));
    const ts = Float32Array.from(randn(2 * 400, rng(6)));
    const x = tf.tensor2d(xs, [2, 400]);
    const t = tf.tensor2d(ts, [2, 400]);
    const want = (o: Record<string, unknown>) =>
      plan('logCosh', o).value(tensor(xs, [2, 400]), tensor(ts, [2, 400]));
    const options: { a?: number; eps?: number } = { a: 1 };
    const got1 = tfw.logCoshLoss(x, t, options).dataSync()[0]!;
    options.a = 5;
    const got5 = tfw.logCoshLoss(x, t, options).dataSync()[0]!;
    expect(got1).toBe(Math.fround(want({ a: 1 })));
    expect(got5).toBe(Math.fround(want({ a: 5 })));
    expect(got5).not.toBe(got1);
    // more option sets than the ops kept (16), twice over: each call its own options' value
    for (let round = 0; round < 2; round++) {
      for (let k = 1; k <= 20; k++) {
        const o = { eps: k * 1e-3 };
        expect(tfw.logCoshLoss(x, t, o).dataSync()[0]!).toBe(Math.fround(want(o)));
        expect(tfw.esrLoss(x, t, o).dataSync()[0]!).toBe(
          Math.fround(plan('esr', o).value(tensor(xs, [2, 400]), tensor(ts, [2, 400]))),
        );
      }
    }
  });
});

describe('@losses/waveform/tfjs: dtypes and memory', () => {
  it('refuses int32 tensors (say 16-bit PCM) by the integer rule of every input, naming the argument', () => {
    const { x, t } = batch(5);
    const xi = tf.tensor2d(
      Int32Array.from(x, (v) => Math.round(9000 * v)),
      [B, T],
      'int32',
    );
    const ti = tf.tensor2d(
      Int32Array.from(t, (v) => Math.round(9000 * v)),
      [B, T],
      'int32',
    );
    for (const name of lossNames) {
      const o = optionsOf[name] as never;
      expect(() => ops[name](xi, tf.tensor2d(t, [B, T]), o)).toThrow(
        expect.objectContaining({ code: 'INVALID_TYPE', argument: 'estimate' }),
      );
      expect(() => ops[name](tf.tensor2d(x, [B, T]), ti, o)).toThrow(
        expect.objectContaining({ code: 'INVALID_TYPE', argument: 'target' }),
      );
    }
  });

  it('the value outside a gradient tape equals the value inside', () => {
    const { x, t } = batch(6);
    const xt = tf.tensor2d(x, [B, T]);
    const tt = tf.tensor2d(t, [B, T]);
    for (const name of lossNames) {
      const o = optionsOf[name] as never;
      const inside = tf.valueAndGrad((e: tf.Tensor) => ops[name](e, tt, o))(xt).value;
      expect(ops[name](xt, tt, o).dataSync()[0]).toBe(inside.dataSync()[0]);
    }
  });

  it('leaks no tensor (value, tf.grad, tf.grads, minimize, a refused call)', () => {
    const { x, t } = batch(7);
    const xt = tf.tensor2d(x, [B, T]);
    const tt = tf.tensor2d(t, [B, T]);
    const v = tf.variable(tf.tensor2d(x, [B, T]));
    const sgd = tf.train.sgd(1e-3);
    const short = tf.zeros([B, T - 1]);
    const before = tf.memory().numTensors;
    for (const name of lossNames) {
      const o = optionsOf[name] as never;
      ops[name](xt, tt, o).dispose();
      tf.grad((e: tf.Tensor) => ops[name](e, tt, o))(xt).dispose();
      for (const g of tf.grads((e: tf.Tensor, u: tf.Tensor) => ops[name](e, u, o))([xt, tt])) {
        g.dispose();
      }
      sgd.minimize(() => ops[name](v, tt, o));
      expect(() => ops[name](short, tt, o)).toThrow(/same shape/);
    }
    expect(tf.memory().numTensors).toBe(before);
  });
});
