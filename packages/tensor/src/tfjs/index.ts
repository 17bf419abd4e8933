/**
 * @packageDocumentation
 * The bridge between TensorFlow.js tensors and @losses tensors, and the one mechanism every
 * `@losses/<name>/tfjs` entry point uses to turn a package kernel (forward + vector-Jacobian
 * product) into a differentiable tfjs op with `tf.customGrad`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { assertFloatStorage } from '../coerce.js';
import { tensor } from '../tensor.js';
import type { Tensor } from '../types.js';

/**
 * Reads a tfjs tensor into a new float32 tensor of the same shape (synchronous download).
 *
 * The integer rule of every @losses input applies (`assertFloatStorage`): an `int32` or `bool`
 * tensor is refused with `LossInputError` `INVALID_TYPE` naming `name`, as an `Int16Array` is.
 *
 * @param name The argument's name in messages. Default `'input'`.
 */
export function fromTf(t: tf.Tensor, name = 'input'): Tensor {
  assertFloatStorage(t.dtype, name);
  const data = t.dataSync();
  return tensor(data instanceof Float32Array ? data : Float32Array.from(data), t.shape);
}

/** Uploads a tensor (any view, any float type) as a float32 tfjs tensor of the same shape. */
export function toTf(t: Tensor): tf.Tensor {
  const n = t.shape.reduce((a, b) => a * b, 1);
  const out = new Float32Array(n);
  if (t.shape.length === 0) out[0] = t.data[t.offset]!;
  else {
    let k = 0;
    const idx = new Array<number>(t.shape.length).fill(0);
    for (; k < n; k++) {
      out[k] = t.get(...idx);
      for (let d = t.shape.length - 1; d >= 0; d--) {
        if (++idx[d]! < t.shape[d]!) break;
        idx[d] = 0;
      }
    }
  }
  return tf.tensor(out, t.shape.slice(), 'float32');
}

/** What a kernel gives {@link differentiableOp}: its output and how to pull a gradient back. */
export interface KernelResult {
  /** The op's output: a number for a scalar loss, else a tensor. */
  output: number | Tensor;
  /**
   * Vector-Jacobian product: given dL/d(output) (a number for a scalar output), returns dL/d(input)
   * for each input, in order, each with its input's shape; `null` for an input with no gradient.
   */
  vjp(dy: number | Tensor): (Tensor | null)[];
}

/**
 * Wraps a package kernel as a differentiable TensorFlow.js op. The forward pass and the backward
 * pass both run the kernel's own code on downloaded data; tfjs carries the tensors and applies the
 * chain rule. `tf.grad`, `tf.variableGrads` and `optimizer.minimize` work through the op.
 *
 * @param kernel Receives the inputs as float32 tensors (same shapes as the tfjs inputs).
 * @param names The inputs' names for messages (an `int32` input is refused naming it); default
 *   `input 1`, `input 2`, ...
 * @returns A function of tfjs tensors returning a tfjs tensor (a `tf.Scalar` for a number output).
 */
export function differentiableOp(
  kernel: (inputs: Tensor[]) => KernelResult,
  names: readonly string[] = [],
): (...inputs: tf.Tensor[]) => tf.Tensor {
  return (...inputs: tf.Tensor[]) => {
    const op = tf.customGrad((...args: (tf.Tensor | tf.GradSaveFunc)[]) => {
      const xs = args.slice(0, inputs.length) as tf.Tensor[];
      const result = kernel(xs.map((x, i) => fromTf(x, names[i] ?? `input ${i + 1}`)));
      const value =
        typeof result.output === 'number' ? tf.scalar(result.output) : toTf(result.output);
      return {
        value,
        gradFunc: (dy: tf.Tensor) => {
          const dyValue = dy.rank === 0 ? dy.dataSync()[0]! : fromTf(dy, 'dy');
          const grads = result.vjp(dyValue);
          return xs.map((x, i) => {
            const g = grads[i];
            return g ? tf.reshape(toTf(g), x.shape) : tf.zerosLike(x);
          });
        },
      };
    });
    return op(...inputs);
  };
}
