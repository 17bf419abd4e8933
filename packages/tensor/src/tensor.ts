import ndarray from 'ndarray';
import { LossInputError } from './errors.js';
import type { DType, FloatArray, Tensor } from './types.js';

/** The typed-array constructor for a dtype. */
export function arrayType(dtype: DType): Float32ArrayConstructor | Float64ArrayConstructor {
  return dtype === 'float32' ? Float32Array : Float64Array;
}

/** The dtype of float storage. */
export function dtypeOf(data: FloatArray): DType {
  return data instanceof Float32Array ? 'float32' : 'float64';
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
  for (const d of shape) {
    if (!Number.isInteger(d) || d < 0) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `tensor: shape must hold non-negative integers, got ${formatShape(shape)}`,
        'shape',
      );
    }
  }
  if (sizeOf(shape) !== data.length) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `tensor: shape ${formatShape(shape)} holds ${sizeOf(shape)} elements but data has ${data.length}`,
      'shape',
    );
  }
  return ndarray(data, shape.slice(), rowMajorStrides(shape), 0) as Tensor;
}

/** A new zero-filled contiguous tensor of the given shape and dtype. */
export function zeros(shape: readonly number[], dtype: DType = 'float64'): Tensor {
  return tensor(new (arrayType(dtype))(sizeOf(shape)), shape);
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
