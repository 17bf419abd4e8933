/**
 * Moving data between TensorFlow.js tensors and @losses tensors: at most one typed-array copy per
 * tensor, never an element-by-element `get`.
 */
import * as tf from '@tensorflow/tfjs-core';
import { LossInputError } from '../errors.js';
import { show } from '../options.js';
import { isContiguous, sizeOf, tensor, toFlat } from '../tensor.js';
import type { FloatArray, Tensor } from '../types.js';

/**
 * Reads a TensorFlow.js tensor as a @losses tensor of the same shape (a synchronous download).
 *
 * - `float32`: the Float32Array `dataSync()` returns, **without a copy** (on the cpu backend that
 *   is the tensor's own storage; on wasm and webgl `dataSync()` itself makes the one copy). The
 *   result shares memory with the tfjs tensor: read it, never write to it (no @losses function
 *   writes to its inputs).
 * - `int32` and `bool`: a new Float64Array, exactly, by the rule `toTensor` applies to every
 *   integer typed array (read as float64, so integers up to 2^53 keep their value).
 * - other dtypes (`complex64`, `string`): refused.
 *
 * @param t The tfjs tensor (any rank, scalars included).
 * @param name How an error names the tensor (default `'tensor'`).
 * @throws LossInputError `INVALID_TYPE` for anything but a `tf.Tensor`, and for a `complex64` or
 *   `string` tensor.
 */
export function fromTf(t: tf.Tensor, name = 'tensor'): Tensor {
  if (!isTfTensor(t)) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected a TensorFlow.js tensor (tf.Tensor), got ${show(t)}`,
      name,
    );
  }
  const shape = t.shape.slice();
  if (t.dtype === 'float32') return tensor(t.dataSync() as Float32Array, shape);
  if (t.dtype === 'int32' || t.dtype === 'bool') {
    return tensor(Float64Array.from(t.dataSync() as Int32Array | Uint8Array), shape);
  }
  throw new LossInputError(
    'INVALID_TYPE',
    `${name}: expected a float32, int32 or bool TensorFlow.js tensor, got a ${t.dtype} tensor of shape [${shape.join(', ')}]`,
    name,
  );
}

/** True for a tfjs tensor (by its shape, not `instanceof`: a program may hold two tfjs-core copies). */
function isTfTensor(t: unknown): t is tf.Tensor {
  const x = t as tf.Tensor | null;
  return (
    typeof x === 'object' &&
    x !== null &&
    typeof x.dataSync === 'function' &&
    Array.isArray(x.shape) &&
    typeof x.dtype === 'string'
  );
}

/**
 * The elements of `t` (any view, any float type) in row-major order times `scale`, as one new
 * Float32Array: the single copy of an upload. Products are formed in float64 and rounded once.
 */
export function float32Of(t: Tensor, scale = 1): Float32Array {
  if (scale === 1) return toFlat(t, 'float32') as Float32Array;
  const n = sizeOf(t.shape);
  const src: FloatArray = isContiguous(t) ? t.data : toFlat(t, 'float64');
  const out = new Float32Array(n);
  for (let i = 0; i < n; i++) out[i] = src[i]! * scale;
  return out;
}

/**
 * Uploads a @losses tensor (any view: strides and offset are honoured; float32 or float64) as a
 * new float32 TensorFlow.js tensor of the same shape, with one typed-array copy (a contiguous
 * tensor is copied as one block). The result never shares memory with `t`.
 */
export function toTf(t: Tensor): tf.Tensor {
  return upload(float32Of(t), t.shape.slice());
}

/** A float32 tfjs tensor over `values` (taken, not copied: the caller made them for it). */
export function upload(values: Float32Array, shape: number[]): tf.Tensor {
  return tf.tensor(values, shape, 'float32');
}
