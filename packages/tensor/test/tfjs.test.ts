import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { LossInputError, tensor } from '../src/index.js';
import {
  differentiableOp,
  fromTf,
  LOSSES_KERNEL,
  LOSSES_KERNEL_PRECOMPUTED,
  toTf,
} from '../src/tfjs/index.js';

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

/** f(x, y) = sum(x^2 * y) as a kernel that counts the gradients it is asked for. */
function countingOp() {
  const asked = { x: 0, y: 0, calls: 0, recording: [] as boolean[] };
  const op = differentiableOp(
    ([x, y], { recording }) => {
      asked.recording.push(recording);
      let s = 0;
      for (let i = 0; i < x!.data.length; i++) s += x!.data[i]! ** 2 * y!.data[i]!;
      return {
        output: s,
        vjp: (dy, wanted) => {
          asked.calls++;
          expect(dy).toBe(1);
          const out: (ReturnType<typeof tensor> | null)[] = [null, null];
          if (wanted[0]) {
            asked.x++;
            out[0] = tensor(
              Float64Array.from(x!.data, (v, i) => 2 * v * y!.data[i]!),
              x!.shape,
            );
          }
          if (wanted[1]) {
            asked.y++;
            out[1] = tensor(
              Float64Array.from(x!.data, (v) => v * v),
              y!.shape,
            );
          }
          return out;
        },
      };
    },
    ['x', 'y'],
  );
  return { op, asked };
}

describe('differentiableOp computes a gradient only for an input that needs one', () => {
  it('tf.grad w.r.t. x never asks for the gradient of a data y', () => {
    const { op, asked } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    const y = tf.tensor([4, 5, 6], [3]);
    const g = tf.grad((a: tf.Tensor) => op(a, y))(x);
    expect(Array.from(g.dataSync())).toEqual([8, 20, 36]);
    expect(asked).toMatchObject({ x: 1, y: 0, calls: 1 });
  });

  it('tf.grad w.r.t. y asks for y alone, and tf.grads for each input once', () => {
    const { op, asked } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    const y = tf.tensor([4, 5, 6], [3]);
    const gy = tf.grad((b: tf.Tensor) => op(x, b))(y);
    expect(Array.from(gy.dataSync())).toEqual([1, 4, 9]);
    expect(asked).toMatchObject({ x: 0, y: 1, calls: 1 });
    tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b))([x, y]);
    expect(asked).toMatchObject({ x: 1, y: 2, calls: 3 });
  });

  it('a y computed from what is differentiated gets its gradient (the chain rule through y)', () => {
    const { op, asked } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    // f(x) = sum(x^2 * 2x) = 2 sum(x^3): df/dx = 6 x^2.
    const g = tf.grad((a: tf.Tensor) => op(a, tf.mul(a, 2)))(x);
    expect(Array.from(g.dataSync())).toEqual([6, 24, 54]);
    expect(asked).toMatchObject({ x: 1, y: 1 });
  });

  it('optimizer.minimize asks for the variables only: a trainable y yes, a data y no', () => {
    const { op, asked } = countingOp();
    const x = tf.variable(tf.tensor([1, 2, 3], [3]));
    const data = tf.tensor([4, 5, 6], [3]);
    const opt = tf.train.sgd(0.01);
    opt.minimize(() => op(x, data) as tf.Scalar);
    expect(asked).toMatchObject({ x: 1, y: 0 });
    const y = tf.variable(tf.tensor([4, 5, 6], [3]));
    opt.minimize(() => op(x, y) as tf.Scalar);
    expect(asked).toMatchObject({ x: 2, y: 1 });
    const frozen = tf.variable(tf.tensor([4, 5, 6], [3]), false);
    opt.minimize(() => op(x, frozen) as tf.Scalar);
    expect(asked).toMatchObject({ x: 3, y: 1 });
  });

  it('tells the kernel whether a gradient tape records the call; outside one it needs no vjp', () => {
    const { op, asked } = countingOp();
    const x = tf.tensor([1, 2], [2]);
    op(x, x).dispose();
    tf.grad((a: tf.Tensor) => op(a, x))(x).dispose();
    expect(asked.recording).toEqual([false, true]);
    const valueOnly = differentiableOp(([a]) => ({ output: a!.data[0]! }));
    expect(valueOnly(x).dataSync()[0]).toBe(1);
    expect(() => tf.grad((a: tf.Tensor) => valueOnly(a))(x)).toThrow(/no vjp/);
  });

  it('applies the upstream gradient of a number output to the kernel gradient (dy = 1 to the vjp)', () => {
    const { op, asked } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    const y = tf.tensor([4, 5, 6], [3]);
    const g = tf.grad((a: tf.Tensor) => tf.mul(op(a, y), -0.5))(x);
    expect(Array.from(g.dataSync())).toEqual([-4, -10, -18]);
    expect(asked.calls).toBe(1);
  });
});

describe('differentiableOp moves each tensor at most once', () => {
  it('hands float32 inputs to the kernel without a copy (the cpu backend storage)', () => {
    const x = tf.tensor([1, 2, 3, 4], [2, 2]);
    let seen: Float32Array | Float64Array | undefined;
    differentiableOp(([a]) => {
      seen = a!.data;
      return { output: 0 };
    })(x).dispose();
    expect(seen).toBe(x.dataSync());
  });

  it('hands a float32 contiguous gradient to tfjs without a copy, and copies a scaled one', () => {
    const g32 = tensor(new Float32Array([1, 2, 3]), [3]);
    const op = differentiableOp(() => ({ output: 0, vjp: () => [g32] }));
    const x = tf.tensor([0, 0, 0], [3]);
    const g = tf.grad((a: tf.Tensor) => op(a))(x);
    expect(g.dataSync()).toBe(g32.data);
    const h = tf.grad((a: tf.Tensor) => tf.mul(op(a), 2))(x);
    expect(Array.from(h.dataSync())).toEqual([2, 4, 6]);
    expect(Array.from(g32.data)).toEqual([1, 2, 3]);
  });

  it('uploads float64 and strided results once, to float32, in row-major order', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0) as never;
    const op = differentiableOp(() => ({ output: t }));
    const out = op(tf.zeros([1]));
    expect(out.shape).toEqual([3, 2]);
    expect(out.dtype).toBe('float32');
    expect(Array.from(out.dataSync())).toEqual([1, 4, 2, 5, 3, 6]);
  });
});

describe('differentiableOp: shapes, dtypes and memory', () => {
  it('returns a float32 scalar for a number output and gradients of the inputs shapes', () => {
    const { op } = countingOp();
    const x = tf.tensor([1, 2, 3, 4, 5, 6], [2, 3]);
    const y = tf.ones([2, 3]);
    const v = op(x, y);
    expect(v.rank).toBe(0);
    expect(v.dtype).toBe('float32');
    const [gx, gy] = tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b))([x, y]);
    expect(gx!.shape).toEqual([2, 3]);
    expect(gy!.shape).toEqual([2, 3]);
    expect(gx!.dtype).toBe('float32');
  });

  it('refuses complex64 and string tensors, and non-tensors, with INVALID_TYPE naming the argument', () => {
    const op = differentiableOp(() => ({ output: 0 }), ['estimate']);
    const c = tf.complex([1], [2]);
    let err: unknown;
    try {
      op(c);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LossInputError);
    expect(err).toMatchObject({ code: 'INVALID_TYPE', argument: 'estimate' });
    expect((err as Error).message).toMatch(
      /^estimate: expected a float32 TensorFlow.js tensor, got a complex64/,
    );
    expect(() => fromTf(tf.tensor(['a']), 'labels')).toThrow(/^labels: .*string/);
    expect(() => op([1, 2] as never)).toThrow(
      /^estimate: expected a TensorFlow.js tensor \(tf.Tensor\), got \[1, 2\]/,
    );
  });

  it('leaks no tensor: forward, tf.grad, tf.grads, a refused input and a throwing kernel', () => {
    const { op } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    const y = tf.tensor([4, 5, 6], [3]);
    const c = tf.complex([1, 2, 3], [0, 0, 0]);
    const before = tf.memory().numTensors;
    op(x, y).dispose();
    tf.grad((a: tf.Tensor) => op(a, y))(x).dispose();
    for (const g of tf.grads((a: tf.Tensor, b: tf.Tensor) => op(a, b))([x, y])) g.dispose();
    tf.grad((a: tf.Tensor) => tf.mul(op(a, y), 3))(x).dispose();
    const bad = differentiableOp(() => {
      throw new LossInputError('EMPTY', 'x: empty', 'x');
    });
    expect(() => tf.grad((a: tf.Tensor) => bad(a))(x)).toThrow(LossInputError);
    expect(() => op(x, c)).toThrow(LossInputError);
    expect(tf.memory().numTensors).toBe(before);
    // The engine is still usable after the throws.
    expect(
      tf
        .grad((a: tf.Tensor) => op(a, y))(x)
        .dataSync()[0],
    ).toBe(8);
  });

  it('refuses a kernel gradient whose size differs from its input', () => {
    const op = differentiableOp(() => ({
      output: 0,
      vjp: () => [tensor(new Float32Array(2), [2])],
    }));
    expect(() => tf.grad((a: tf.Tensor) => op(a))(tf.zeros([3]))).toThrow(/shape \[2\].*\[3\]/);
  });

  it('runs as the registered kernel LOSSES_KERNEL, with its gradient registered', () => {
    const { op } = countingOp();
    op(tf.ones([1]), tf.ones([1])).dispose();
    expect(tf.getKernel(LOSSES_KERNEL, tf.getBackend())).toBeDefined();
    expect(tf.getGradient(LOSSES_KERNEL)).toBeDefined();
  });
});

describe('toTf', () => {
  it('copies once: the tfjs tensor does not share memory with the source', () => {
    const data = new Float32Array([1, 2, 3]);
    const t = toTf(tensor(data, [3]));
    data[0] = 99;
    expect(Array.from(t.dataSync())).toEqual([1, 2, 3]);
  });

  it('honours offsets and steps, rounds float64 to float32, and handles scalars and empty shapes', () => {
    const base = tensor(
      Float64Array.from({ length: 12 }, (_, i) => i + 0.1),
      [3, 4],
    );
    const view = base.lo(1, 1).step(1, 2) as never;
    const t = toTf(view);
    expect(t.shape).toEqual([2, 2]);
    expect(Array.from(t.dataSync())).toEqual([5.1, 7.1, 9.1, 11.1].map(Math.fround));
    expect(toTf(tensor(new Float64Array([2.5]), [])).shape).toEqual([]);
    expect(toTf(tensor(new Float64Array([2.5]), [])).dataSync()[0]).toBe(2.5);
    expect(toTf(tensor(new Float32Array(0), [0, 3])).shape).toEqual([0, 3]);
  });
});

describe('differentiableOp: gradients from the forward pass and inputs read again', () => {
  it('takes grads computed with the output, scales them by dy, and asks the vjp for the rest', () => {
    const seen: boolean[][] = [];
    const op = differentiableOp(
      ([x]) => ({
        output: 2 * x!.data[0]!,
        grads: [tensor(new Float32Array([2]), [1]), null],
        vjp: (_dy, wanted, inputs) => {
          seen.push([...wanted]);
          return [
            null,
            null,
            tensor(
              Float64Array.from(inputs[2]!.data, (v) => 10 * v),
              [1],
            ),
          ];
        },
      }),
      ['x', 'label', 'z'],
    );
    const [gx, gl, gz] = tf.grads((a: tf.Tensor, b: tf.Tensor, c: tf.Tensor) =>
      tf.mul(op(a, b, c), 3),
    )([tf.tensor([5], [1]), tf.tensor([1], [1]), tf.tensor([7], [1])]);
    expect(Array.from(gx!.dataSync())).toEqual([6]);
    expect(Array.from(gl!.dataSync())).toEqual([0]);
    expect(Array.from(gz!.dataSync())).toEqual([210]);
    expect(seen).toEqual([[false, false, true]]);
  });

  it('gives the vjp the inputs again, even an input the forward pass disposed (the engine saves them)', () => {
    let seen: number[] | undefined;
    const op = differentiableOp(([x, y]) => ({
      output: x!.data[0]! * y!.data[0]!,
      grads: [tensor(Float64Array.of(y!.data[0]!), [1])],
      vjp: (_dy, _wanted, inputs) => {
        seen = inputs.map((t) => t.data[0]!);
        return [null, tensor(Float64Array.of(inputs[0]!.data[0]!), [1])];
      },
    }));
    // f(a) = a * (3a) = 3 a^2, f'(a) = 6 a; the intermediate 3a is disposed when f's scope ends.
    const g = tf.grad((a: tf.Tensor) => op(a, tf.mul(a, 3)))(tf.tensor([2], [1]));
    expect(g.dataSync()[0]).toBe(12);
    expect(seen).toEqual([2, 6]);
  });

  it('leaks nothing when the engine saves the inputs of a recorded call', () => {
    const { op } = countingOp();
    const x = tf.tensor([1, 2, 3], [3]);
    const before = tf.memory().numTensors;
    tf.grad((a: tf.Tensor) => op(a, tf.mul(a, 2)))(x).dispose();
    const r = tf.valueAndGrad((a: tf.Tensor) => op(a, x))(x);
    r.value.dispose();
    r.grad.dispose();
    expect(tf.memory().numTensors).toBe(before);
  });
});

describe('differentiableOp: every gradient computed with the output (no input saved)', () => {
  /** f(x, t) = sum (x - t)^2 with grads [2 (x - t), null] from the forward pass, no vjp. */
  const sq = differentiableOp(
    ([x, t]) => {
      const d = Float64Array.from(x!.data, (v, i) => v - t!.data[i]!);
      return {
        output: d.reduce((s, v) => s + v * v, 0),
        grads: [
          tensor(
            Float32Array.from(d, (v) => 2 * v),
            x!.shape,
          ),
          null,
        ],
      };
    },
    ['x', 't'],
  );

  it('runs as LOSSES_KERNEL_PRECOMPUTED, whose gradient saves no input, with the same gradients', () => {
    let saves: number | undefined;
    const x = tf.tensor([1, 2, 4], [3]);
    const t = tf.tensor([0.5, 2, 1], [3]);
    const g = tf.grad((a: tf.Tensor) => {
      const y = sq(a, t);
      // the tape node of this call: its saved tensors
      const tape = (tf.engine().state as unknown as { activeTape: { saved?: tf.Tensor[] }[] })
        .activeTape;
      saves = tape[tape.length - 1]!.saved?.length ?? 0;
      return tf.mul(y, 3) as tf.Scalar;
    })(x);
    expect(Array.from(g.dataSync())).toEqual([3, 0, 18]);
    expect(saves).toBe(0);
    expect(tf.getKernel(LOSSES_KERNEL_PRECOMPUTED, tf.getBackend())).toBeDefined();
    expect(tf.getGradient(LOSSES_KERNEL_PRECOMPUTED)?.saveAllInputs).toBe(false);
    expect(tf.getGradient(LOSSES_KERNEL)?.saveAllInputs).toBe(true);
  });

  it('gives zeros of the input shape for a null gradient, and leaks nothing', () => {
    const x = tf.tensor([1, 2, 4, 5], [2, 2]);
    const t = tf.tensor([0, 0, 0, 1], [2, 2]);
    const before = tf.memory().numTensors;
    const [gx, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => sq(a, b) as tf.Scalar)([x, t]);
    expect(gt!.shape).toEqual([2, 2]);
    expect(Array.from(gt!.dataSync())).toEqual([0, 0, 0, 0]);
    expect(Array.from(gx!.dataSync())).toEqual([2, 4, 8, 8]);
    gx!.dispose();
    gt!.dispose();
    // an input made inside the differentiated function and disposed with its scope
    tf.grad((a: tf.Tensor) => sq(a, tf.mul(a, 0.5)) as tf.Scalar)(x).dispose();
    expect(tf.memory().numTensors).toBe(before);
  });

  it('refuses a precomputed gradient whose size differs from its input', () => {
    const bad = differentiableOp(() => ({ output: 0, grads: [tensor(new Float32Array(2), [2])] }));
    expect(() => tf.grad((a: tf.Tensor) => bad(a) as tf.Scalar)(tf.zeros([3]))).toThrow(
      /shape \[2\].*\[3\]/,
    );
  });
});
