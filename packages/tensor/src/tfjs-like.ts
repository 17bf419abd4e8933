/**
 * TensorFlow.js tensors at a plain (non-differentiable) boundary, without importing tfjs: a tfjs
 * tensor is recognised by duck typing and read once with `dataSync()`. For functions whose result
 * needs no gradient (the metrics of @losses/metrics). The losses' plain entry points do not take
 * tfjs tensors on purpose: a loss of a tfjs tensor belongs in `@losses/<name>/tfjs`, where it is
 * differentiable, and refusing it there keeps a user from losing the gradient silently.
 */
import { assertFloatStorage, type TensorSpec, toTensor } from './coerce.js';
import { tensor } from './tensor.js';
import type { Tensor, TensorLike } from './types.js';

/** What @losses reads of a TensorFlow.js tensor (`tf.Tensor` has all of it). */
export interface TfjsTensorLike {
  /** The tensor's shape. */
  readonly shape: readonly number[];
  /** Its dtype: `'float32'` is read; `'int32'`, `'bool'` and the rest are refused. */
  readonly dtype: string;
  /** Its values in row-major order (a synchronous download). */
  dataSync(): ArrayLike<number> | ArrayLike<unknown>;
}

/** A tfjs tensor, or anything with its `shape`, `dtype` and `dataSync()`. */
export function isTfjsTensor(x: unknown): x is TfjsTensorLike {
  if (typeof x !== 'object' || x === null) return false;
  const t = x as Partial<TfjsTensorLike>;
  return typeof t.dataSync === 'function' && Array.isArray(t.shape) && typeof t.dtype === 'string';
}

/**
 * Coerces and validates as {@link toTensor} does, reading a TensorFlow.js tensor first (float32
 * only: the integer rule refuses `int32` and `bool`, naming `spec.name`). The tfjs tensor is read,
 * never disposed or changed.
 */
export function toTensorOrTfjs(input: TensorLike | TfjsTensorLike, spec: TensorSpec): Tensor {
  if (!isTfjsTensor(input)) return toTensor(input, spec);
  assertFloatStorage(input.dtype, spec.name);
  const data = input.dataSync();
  const values = data instanceof Float32Array ? data : Float32Array.from(data as ArrayLike<number>);
  return toTensor(tensor(values, input.shape), spec);
}
