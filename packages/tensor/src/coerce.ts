import ndarray from 'ndarray';
import { LossInputError } from './errors.js';
import { dtypeOf, formatShape, isContiguous, sizeOf, tensor, toFlat } from './tensor.js';
import type { DType, FloatArray, Tensor, TensorLike } from './types.js';

/** What {@link toTensor} checks about an input. */
export interface TensorSpec {
  /** The argument's name as messages show it, e.g. `'estimate'`. */
  name: string;
  /** Accepted rank(s). Default: any rank. */
  rank?: number | readonly number[];
  /**
   * Expected size of each dimension (`null` = any), checked when the input's rank equals the
   * length of this list. Default: no size check.
   */
  shape?: readonly (number | null)[];
  /** Accept NaN (e.g. masked labels); infinities are still refused. Default `false`. */
  allowNaN?: boolean;
  /** Accept a tensor with zero elements. Default `false`. */
  allowEmpty?: boolean;
  /** Smallest accepted value (inclusive). */
  min?: number;
  /** Largest accepted value (inclusive). */
  max?: number;
  /** Convert to this float type. Default: keep the input's (number arrays give float64). */
  dtype?: DType;
}

function inferNestedShape(value: unknown, name: string): number[] {
  const shape: number[] = [];
  let v = value;
  while (Array.isArray(v) || ArrayBuffer.isView(v)) {
    const arr = v as ArrayLike<unknown>;
    shape.push(arr.length);
    if (arr.length === 0) break;
    v = arr[0];
  }
  if (shape.length > 0 && shape[shape.length - 1]! > 0 && typeof v !== 'number') {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected numbers, found a value of type ${typeof v}`,
      name,
    );
  }
  return shape;
}

function flattenNested(value: unknown, shape: number[], name: string, dtype: DType): FloatArray {
  const out =
    dtype === 'float32' ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape));
  let k = 0;
  const walk = (v: unknown, dim: number, path: string): void => {
    if (dim === shape.length) {
      if (typeof v !== 'number') {
        throw new LossInputError(
          'INVALID_TYPE',
          `${name}${path}: expected a number, got ${Array.isArray(v) ? 'an array' : typeof v}`,
          name,
        );
      }
      out[k++] = v;
      return;
    }
    if (!(Array.isArray(v) || ArrayBuffer.isView(v))) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}${path}: ragged nested array, expected an array of length ${shape[dim]} at depth ${dim}, got ${typeof v}`,
        name,
      );
    }
    const arr = v as ArrayLike<unknown>;
    if (arr.length !== shape[dim]) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}${path}: ragged nested array, expected length ${shape[dim]} at depth ${dim}, got ${arr.length}`,
        name,
      );
    }
    for (let i = 0; i < arr.length; i++) walk(arr[i], dim + 1, `${path}[${i}]`);
  };
  walk(value, 0, '');
  return out;
}

function isNdArray(value: unknown): value is ndarray.NdArray {
  return (
    typeof value === 'object' &&
    value !== null &&
    'shape' in value &&
    'stride' in value &&
    'data' in value &&
    'offset' in value &&
    Array.isArray((value as ndarray.NdArray).shape)
  );
}

/** Turns any {@link TensorLike} into a tensor without validating values. */
function coerce(input: TensorLike, name: string, dtype: DType | undefined): Tensor {
  if (isNdArray(input)) {
    const data = input.data as unknown;
    if (data instanceof Float32Array || data instanceof Float64Array) {
      const t = input as Tensor;
      if (isContiguous(t) && (dtype === undefined || dtype === dtypeOf(t.data))) return t;
      return tensor(toFlat(t, dtype ?? dtypeOf(t.data)), t.shape);
    }
    // An ndarray over another storage (number[], Int32Array, ...): read it as float64.
    const shape = input.shape.slice();
    const out =
      dtype === 'float32' ? new Float32Array(sizeOf(shape)) : new Float64Array(sizeOf(shape));
    const generic = ndarray(out, shape);
    let k = 0;
    const idx = new Array<number>(shape.length).fill(0);
    for (; k < out.length; k++) {
      out[k] = Number(input.get(...idx));
      for (let d = shape.length - 1; d >= 0; d--) {
        if (++idx[d]! < shape[d]!) break;
        idx[d] = 0;
      }
    }
    return generic as Tensor;
  }
  if (input instanceof Float32Array || input instanceof Float64Array) {
    if (dtype === undefined || dtype === dtypeOf(input)) return tensor(input);
    return tensor(dtype === 'float32' ? Float32Array.from(input) : Float64Array.from(input));
  }
  if (typeof input === 'number') {
    const data = dtype === 'float32' ? new Float32Array([input]) : new Float64Array([input]);
    return tensor(data, []);
  }
  if (Array.isArray(input) || ArrayBuffer.isView(input)) {
    const shape = inferNestedShape(input, name);
    return tensor(flattenNested(input, shape, name, dtype ?? 'float64'), shape);
  }
  throw new LossInputError(
    'INVALID_TYPE',
    `${name}: expected an ndarray, a Float32Array/Float64Array or nested number arrays, got ${input === null ? 'null' : typeof input}`,
    name,
  );
}

/**
 * The one coercion + validation step every public @losses function runs on each tensor argument.
 *
 * Returns a row-major contiguous tensor (offset 0), so kernels may index `t.data` directly. The
 * input is copied only when it is not already such a tensor of the wanted dtype; callers must
 * treat the result as read-only (it may share the caller's storage).
 *
 * @throws LossInputError `INVALID_TYPE` (not numbers), `SHAPE_MISMATCH` (rank or size), `EMPTY`
 *   (no elements), `NON_FINITE` (NaN or infinity), `INVALID_OPTION` (value outside `min..max`).
 */
export function toTensor(input: TensorLike, spec: TensorSpec): Tensor {
  const { name } = spec;
  if (input === undefined || input === null) {
    throw new LossInputError('INVALID_TYPE', `${name}: is required, got ${String(input)}`, name);
  }
  const t = coerce(input, name, spec.dtype);
  const shape = t.shape;
  if (spec.rank !== undefined) {
    const ranks = typeof spec.rank === 'number' ? [spec.rank] : spec.rank;
    if (!ranks.includes(shape.length)) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}: expected rank ${ranks.join(' or ')}, got shape ${formatShape(shape)} (rank ${shape.length})`,
        name,
      );
    }
  }
  if (spec.shape !== undefined && spec.shape.length === shape.length) {
    spec.shape.forEach((want, d) => {
      if (want !== null && shape[d] !== want) {
        const expected = formatShape(spec.shape!.map((s) => (s === null ? -1 : s))).replaceAll(
          '-1',
          '*',
        );
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `${name}: expected shape ${expected}, got ${formatShape(shape)}`,
          name,
        );
      }
    });
  }
  const n = sizeOf(shape);
  if (n === 0 && !spec.allowEmpty) {
    throw new LossInputError('EMPTY', `${name}: is empty (shape ${formatShape(shape)})`, name);
  }
  const data = t.data;
  const { min, max, allowNaN } = spec;
  for (let i = 0; i < n; i++) {
    const v = data[i]!;
    if (!Number.isFinite(v)) {
      if (Number.isNaN(v) && allowNaN) continue;
      throw new LossInputError(
        'NON_FINITE',
        `${name}: element ${describeIndex(i, shape)} is ${v}; only finite values are accepted${allowNaN ? ' (NaN marks an unknown entry)' : ''}`,
        name,
      );
    }
    if ((min !== undefined && v < min) || (max !== undefined && v > max)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: element ${describeIndex(i, shape)} is ${v}, outside the accepted range [${min ?? '-inf'}, ${max ?? 'inf'}]`,
        name,
      );
    }
  }
  return t;
}

/** `[i, j, ...]` of the flat row-major index `flat` in `shape`. */
function describeIndex(flat: number, shape: readonly number[]): string {
  const idx = new Array<number>(shape.length);
  for (let d = shape.length - 1; d >= 0; d--) {
    idx[d] = flat % shape[d]!;
    flat = Math.floor(flat / shape[d]!);
  }
  return formatShape(idx);
}

/**
 * Checks that two tensors have the same shape.
 *
 * @throws LossInputError `SHAPE_MISMATCH` naming both arguments and their shapes.
 */
export function assertSameShape(a: Tensor, b: Tensor, nameA: string, nameB: string): void {
  const sa = a.shape;
  const sb = b.shape;
  if (sa.length !== sb.length || sa.some((d, i) => d !== sb[i])) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${nameA} and ${nameB} must have the same shape, got ${formatShape(sa)} and ${formatShape(sb)}`,
      nameB,
    );
  }
}
