import ndarray from 'ndarray';
import { LossInputError } from './errors.js';
import { show } from './options.js';
import type { DType, FloatArray, Tensor } from './types.js';

/** The typed-array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float32' ? Float32Array : Float64Array;
}

/** The dtype of float storage. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
}

/**
 * What one tensor may hold, checked before anything is allocated: at most `maxRank` dimensions
 * (as NumPy) and `maxElements` elements (2^32 - 1, the longest typed array JavaScript engines
 * allocate).
 */
export const TENSOR_LIMITS: Readonly<{ maxRank: number; maxElements: number }> = Object.freeze({
  maxRank: 32,
  maxElements: 2 ** 32 - 1,
});

/**
 * Checks a shape before anything is allocated for it: an array of at most
 * {@link TENSOR_LIMITS}`.maxRank` non-negative integers whose product is at most
 * {@link TENSOR_LIMITS}`.maxElements`. Returns the number of elements.
 *
 * @param label How the message names the tensor, e.g. `'x'` or `'zeros'`.
 * @param argument The argument at fault for {@link LossInputError.argument}.
 * @throws LossInputError `SHAPE_MISMATCH`.
 */
export function checkShape(shape: unknown, label: string, argument = label): number {
  const fail = (what: string): never => {
    throw new LossInputError('SHAPE_MISMATCH', `${label}: ${what}`, argument);
  };
  if (!Array.isArray(shape)) {
    return fail(`expected a shape (an array of non-negative integers), got ${show(shape)}`);
  }
  if (shape.length > TENSOR_LIMITS.maxRank) {
    fail(
      `expected at most ${TENSOR_LIMITS.maxRank} dimensions, got a shape of ${shape.length} dimensions`,
    );
  }
  let n = 1;
  let zero = false;
  for (let d = 0; d < shape.length; d++) {
    const v = shape[d];
    if (!Number.isSafeInteger(v) || (v as number) < 0) {
      fail(`expected a shape of non-negative integers, got ${show(shape)} (dimension ${d})`);
    }
    if (v === 0) zero = true;
    n *= v as number;
  }
  if (zero) return 0;
  if (n > TENSOR_LIMITS.maxElements) {
    fail(
      `shape ${formatShape(shape)} holds ${n} elements; expected at most ${TENSOR_LIMITS.maxElements} (TENSOR_LIMITS.maxElements)`,
    );
  }
  return n;
}

/** Number of elements of a shape (1 for the scalar shape `[]`). */
export function sizeOf(shape: readonly number[]): number {
  let n = 1;
  for (const d of shape) n *= d;
  return n;
}

/** Row-major (C order) strides of a shape. */
export function rowMajorStrides(shape: readonly number[]): number[] {
  const stride = new Array<number>(shape.length);
  let s = 1;
  for (let i = shape.length - 1; i >= 0; i--) {
    stride[i] = s;
    s *= shape[i]!;
  }
  return stride;
}

/** A shape written the way messages show it: `[4, 16000]`. */
export function formatShape(shape: readonly number[]): string {
  return `[${shape.join(', ')}]`;
}

/**
 * Creates a tensor over `data` (not copied) with a row-major `shape` (default: one dimension of
 * `data.length`).
 *
 * @throws LossInputError `SHAPE_MISMATCH` if the shape's size differs from `data.length`.
 */
export function tensor(data: FloatArray, shape: readonly number[] = [data.length]): Tensor {
  const n = checkShape(shape, 'tensor', 'shape');
  if (n !== data.length) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `tensor: shape ${formatShape(shape)} holds ${n} elements but data has ${data.length}`,
      'shape',
    );
  }
  return ndarray(data, shape.slice(), rowMajorStrides(shape), 0) as Tensor;
}

/**
 * A new zero-filled contiguous tensor of the given shape and dtype.
 *
 * @throws LossInputError `SHAPE_MISMATCH` for a shape {@link checkShape} refuses, before allocating.
 */
export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return tensor(new (arrayType(dtype))(checkShape(shape, 'zeros', 'shape')), shape);
}

/** True when `t` is row-major contiguous with offset 0, so `t.data[i]` is the i-th element. */
export function isContiguous(t: Tensor): boolean {
  if (t.offset !== 0 || t.data.length !== sizeOf(t.shape)) return false;
  const expected = rowMajorStrides(t.shape);
  for (let i = 0; i < t.shape.length; i++) {
    if (t.shape[i]! > 1 && t.stride[i] !== expected[i]) return false;
  }
  return true;
}

/**
 * The elements of `t` in row-major order as new storage of `dtype` (default: `t`'s own).
 * Works for any view (strides, offset).
 */
export function toFlat(t: Tensor, dtype: DType = dtypeOf(t.data)): FloatArray {
  const out = new (arrayType(dtype))(sizeOf(t.shape));
  if (isContiguous(t)) {
    out.set(t.data.subarray(0, out.length));
    return out;
  }
  const shape = t.shape;
  const rank = shape.length;
  const idx = new Array<number>(rank).fill(0);
  for (let k = 0; k < out.length; k++) {
    let p = t.offset;
    for (let d = 0; d < rank; d++) p += idx[d]! * t.stride[d]!;
    out[k] = t.data[p]!;
    for (let d = rank - 1; d >= 0; d--) {
      if (++idx[d]! < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

/**
 * Nested number arrays from a tensor (for printing, JSON and tests). A scalar tensor gives a
 * number.
 */
export function toNested(t: Tensor): NestedArray {
  const flat = toFlat(t);
  const build = (dim: number, start: number): NestedArray => {
    if (dim === t.shape.length) return flat[start]!;
    const n = t.shape[dim]!;
    const step = sizeOf(t.shape.slice(dim + 1));
    const out: NestedArray[] = [];
    for (let i = 0; i < n; i++) out.push(build(dim + 1, start + i * step));
    return out;
  };
  return build(0, 0);
}

/** Nested arrays of numbers, as {@link toNested} returns them. */
export type NestedArray = number | NestedArray[];
