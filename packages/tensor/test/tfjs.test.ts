import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { tensor } from '../src/index.js';
import { differentiableOp, fromTf, toTf } from '../src/tfjs/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('tfjs bridge', () => {
  it('round-trips tensors of any rank', () => {
    const t = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const a = fromTf(t);
    expect(a.shape).toEqual([2, 3]);
    expect(a.get(1, 2)).toBe(6);
    expect(Array.from(toTf(a).dataSync())).toEqual([1, 2, 3, 4, 5, 6]);
  });

  it('toTf reads strided views in row-major order', () => {
    const a = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0);
    expect(Array.from(toTf(a as never).dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
  });

  it('differentiableOp runs the kernel forward and its vjp backward', () => {
    // f(x, y) = sum(x^2 * y): df/dx = 2 x y, df/dy = x^2.
    const op = differentiableOp(([x, y]) => {
      let s = 0;
      for (let i = 0; i < x!.data.length; i++) s += x!.data[i]! ** 2 * y!.data[i]!;
      return {
        output: s,
        vjp: (dy) => {
          const g = dy as number;
          const gx = new Float64Array(x!.data.length);
          const gy = new Float64Array(x!.data.length);
          for (let i = 0; i < gx.length; i++) {
            gx[i] = g * 2 * x!.data[i]! * y!.data[i]!;
            gy[i] = g * x!.data[i]! ** 2;
          }
          return [tensor(gx, x!.shape), tensor(gy, y!.shape)];
        },
      };
    });
    const x = tf.tensor([1, 2, 3], [3]);
    const y = tf.tensor([4, 5, 6], [3]);
    expect(op(x, y).dataSync()[0]).toBe(1 * 4 + 4 * 5 + 9 * 6);
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => tf.mul(op(a, b), 3))([x, y]);
    expect(Array.from(gx!.dataSync())).toEqual([24, 60, 108]);
    expect(Array.from(gy!.dataSync())).toEqual([3, 12, 27]);
  });

  it('differentiableOp gives a zero gradient for an input whose vjp is null', () => {
    const op = differentiableOp(([x]) => ({
      output: tensor(
        Float64Array.from(x!.data, (v) => 2 * v),
        x!.shape,
      ),
      vjp: () => [null],
    }));
    const g = tf.grad((a: tf.Tensor) => tf.sum(op(a)))(tf.tensor([1, 2], [2]));
    expect(Array.from(g.dataSync())).toEqual([0, 0]);
  });

  it('refuses int32 and bool tensors by the integer rule, naming the input (int32 was read as float)', () => {
    const pcm = tf.tensor([0, 16384, 32767], [3], 'int32');
    expect(() => fromTf(pcm, 'estimate')).toThrow(
      expect.objectContaining({
        name: 'LossInputError',
        code: 'INVALID_TYPE',
        argument: 'estimate',
        message: expect.stringMatching(/^estimate: expected float data, got int32 storage/),
      }),
    );
    expect(() => fromTf(tf.tensor([true, false], [2], 'bool'))).toThrow(/^input: .*bool storage/);
    const op = differentiableOp(([a]) => ({ output: a!, vjp: (dy) => [dy as never] }), ['signal']);
    expect(() => op(pcm)).toThrow(expect.objectContaining({ argument: 'signal' }));
    expect(() => fromTf(tf.tensor([0.5], [1], 'float32'))).not.toThrow();
  });
});
