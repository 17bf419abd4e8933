import ndarray from 'ndarray';
import { LossInputError } from './errors.js';
import { show } from './options.js';
import { checkShape, formatShape, isContiguous, sizeOf, TENSOR_LIMITS, tensor } from './tensor.js';
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

type Allocator = Float32ArrayConstructor | Float64ArrayConstructor;

/** Allocates the storage of a copy; a size the engine cannot allocate is refused as input. */
function allocate(dtype: DType, n: number, name: string, shape: readonly number[]): FloatArray {
  const Ctor: Allocator = dtype === 'float32' ? Float32Array : Float64Array;
  try {
    return new Ctor(n);
  } catch (e) {
    if (!(e instanceof RangeError)) throw e;
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected a tensor this engine can copy, got shape ${formatShape(shape)} (${n} ${dtype} elements could not be allocated)`,
      name,
    );
  }
}

/** How a typed array or an ndarray's `data` stores its elements. */
type Storage = 'float32' | 'float64' | 'integer' | 'array' | 'bigint' | 'other';

function storageOf(data: unknown): Storage {
  if (data instanceof Float64Array) return 'float64';
  if (data instanceof Float32Array) return 'float32';
  if (Array.isArray(data)) return 'array';
  if (data instanceof BigInt64Array || data instanceof BigUint64Array) return 'bigint';
  if (ArrayBuffer.isView(data) && !(data instanceof DataView)) return 'integer';
  return 'other';
}

const WHAT = 'an ndarray, a Float32Array / Float64Array or nested arrays of numbers';

/**
 * The one rule for integer input, in every @losses package: integer storage is refused, never
 * read. Integer samples carry a scale the library cannot know (Int16 PCM is `v / 32768`, Uint8 PCM
 * `(v - 128) / 128`, Int32 PCM `v / 2^31`); reading them as their values would silently feed a
 * loss amplitudes up to 32767. Labels and indices held in integer arrays convert exactly with
 * `Float64Array.from(x)`. The hint the messages give.
 */
export const INTEGER_INPUT_HINT =
  'integer data is not read, because its scale is unknown: convert audio PCM to floats with its scale (Int16: Float32Array.from(x, (v) => v / 32768)) and labels or indices exactly (Float64Array.from(x))';

/**
 * The integer rule for a storage type named by a string: a tfjs dtype (`'float32'`, `'int32'`,
 * `'bool'`, ...) or a typed-array name. Only float storage (`'float32'`, `'float64'`,
 * `Float32Array`, `Float64Array`) passes; the @losses/tensor/tfjs bridge calls it on every tfjs
 * tensor it reads (`assertFloatStorage(t.dtype, name)`), so an `int32` or `bool` tfjs tensor is
 * refused as an `Int16Array` is.
 *
 * @throws LossInputError `INVALID_TYPE` naming `name`, the storage and the conversion.
 */
export function assertFloatStorage(dtype: string, name: string): void {
  if (
    dtype === 'float32' ||
    dtype === 'float64' ||
    dtype === 'Float32Array' ||
    dtype === 'Float64Array'
  )
    return;
  const tf = dtype === 'int32' || dtype === 'bool' ? ` (tfjs: x.toFloat(), scaled as above)` : '';
  throw new LossInputError(
    'INVALID_TYPE',
    `${name}: expected float data, got ${dtype} storage; ${INTEGER_INPUT_HINT}${tf}`,
    name,
  );
}

function refuseStorage(name: string, storage: Storage, value: unknown, where = ''): never {
  const why =
    storage === 'bigint'
      ? '; BigInt storage is not accepted: convert it to a Float64Array'
      : storage === 'integer'
        ? `; ${INTEGER_INPUT_HINT}`
        : '';
  throw new LossInputError(
    'INVALID_TYPE',
    `${name}${where}: expected ${WHAT}, got ${show(value)}${why}`,
    name,
  );
}

/** `a string`, `null`, `an empty slot (sparse array)`, ... for messages about entries. */
function describeEntry(row: ArrayLike<unknown>, k: number): string {
  const v = row[k];
  if (v === null) return 'null';
  if (v === undefined) return k in (row as object) ? 'undefined' : 'an empty slot (sparse array)';
  if (typeof v === 'object') return `an object (${show(v)})`;
  return `a ${typeof v} (${show(v)})`;
}

/** `[i][j]` of an index tuple, for messages. */
function pathOf(idx: readonly number[], depth: number): string {
  let p = '';
  for (let d = 0; d < depth; d++) p += `[${idx[d]}]`;
  return p;
}

/**
 * The shape of nested arrays, read along their first elements; stops at the first non-array and
 * refuses more than TENSOR_LIMITS.maxRank levels (an array that contains itself included).
 */
function nestedShape(value: readonly unknown[], name: string): number[] {
  const shape: number[] = [];
  let v: unknown = value;
  for (;;) {
    const storage = storageOf(v);
    if (storage === 'bigint' || storage === 'integer')
      refuseStorage(name, storage, v, pathOf(new Array(shape.length).fill(0), shape.length));
    if (storage !== 'array' && storage !== 'float32' && storage !== 'float64') break;
    if (shape.length === TENSOR_LIMITS.maxRank) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}: expected at most ${TENSOR_LIMITS.maxRank} dimensions, got arrays nested deeper (or an array that contains itself)`,
        name,
      );
    }
    const arr = v as ArrayLike<unknown>;
    shape.push(arr.length);
    if (storage !== 'array' || arr.length === 0) break;
    v = arr[0];
  }
  return shape;
}

/**
 * Visits every innermost array (row) of nested arrays of the given shape, in row-major order,
 * checking on the way that every array has its expected length: an iterative walk (no recursion),
 * `visit(row, start, idx)` gets the row, the flat index of its first element and the index tuple.
 */
function forEachRow(
  value: unknown,
  shape: readonly number[],
  name: string,
  visit: (row: ArrayLike<unknown>, start: number, idx: readonly number[]) => void,
): void {
  const rank = shape.length;
  const arrays: ArrayLike<unknown>[] = new Array(rank);
  const idx = new Array<number>(rank).fill(0);
  const check = (v: unknown, depth: number): ArrayLike<unknown> => {
    const storage = storageOf(v);
    if (storage === 'bigint' || storage === 'integer')
      refuseStorage(name, storage, v, pathOf(idx, depth));
    const isArray = storage === 'array' || storage === 'float32' || storage === 'float64';
    if (!isArray || (v as ArrayLike<unknown>).length !== shape[depth]) {
      const got = isArray ? `length ${(v as ArrayLike<unknown>).length}` : describeEntry([v], 0);
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}${pathOf(idx, depth)}: ragged nested array, expected an array of length ${shape[depth]} at depth ${depth}, got ${got}`,
        name,
      );
    }
    return v as ArrayLike<unknown>;
  };
  arrays[0] = check(value, 0);
  const inner = shape[rank - 1]!;
  let start = 0;
  let depth = 0;
  for (;;) {
    // Descend along the current index to the innermost row.
    while (depth < rank - 1) {
      arrays[depth + 1] = check(arrays[depth]![idx[depth]!], depth + 1);
      depth++;
    }
    visit(arrays[rank - 1]!, start, idx);
    start += inner;
    // Advance the index tuple over the outer dimensions.
    let d = rank - 2;
    while (d >= 0 && ++idx[d]! === shape[d]) idx[d--] = 0;
    if (d < 0) return;
    depth = d;
  }
}

/** Refuses a non-number in a row of plain numbers (typed rows hold numbers by construction). */
function checkRow(
  row: ArrayLike<unknown>,
  idx: readonly number[],
  depth: number,
  name: string,
): void {
  if (!Array.isArray(row)) return;
  for (let k = 0; k < row.length; k++) {
    if (typeof row[k] === 'number') continue;
    const where = `${pathOf(idx, depth)}[${k}]`;
    if (Array.isArray(row[k]) || ArrayBuffer.isView(row[k])) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}${where}: expected a number (arrays nested ${depth + 1} deep, as the first entries are), got an array`,
        name,
      );
    }
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}${where}: expected a number, got ${describeEntry(row, k)}`,
      name,
    );
  }
}

/**
 * Nested arrays to a tensor: the shape from the first entries, then one pass that checks every
 * array's length and every entry's type, and only then the allocation and a second pass that
 * copies (re-checking each entry's type, since a getter may answer differently twice).
 */
function fromNested(value: readonly unknown[], name: string, dtype: DType): Tensor {
  const shape = nestedShape(value, name);
  const n = checkShape(shape, name);
  const depth = shape.length - 1;
  forEachRow(value, shape, name, (row, _start, idx) => checkRow(row, idx, depth, name));
  const out = allocate(dtype, n, name, shape);
  forEachRow(value, shape, name, (row, start, idx) => {
    if (!Array.isArray(row)) {
      out.set(row as ArrayLike<number>, start);
      return;
    }
    checkRow(row, idx, depth, name);
    for (let k = 0; k < row.length; k++) out[start + k] = row[k] as number;
  });
  return tensor(out, shape);
}

/** Strides of at most `shape.length` safe integers, and a safe-integer offset, else refused. */
function checkLayout(shape: number[], stride: unknown, offset: unknown, name: string): number[] {
  if (
    !Array.isArray(stride) ||
    stride.length !== shape.length ||
    stride.some((s) => !Number.isSafeInteger(s))
  ) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected stride to be ${shape.length} integers (one per dimension of shape ${formatShape(shape)}), got ${show(stride)}`,
      name,
    );
  }
  if (!Number.isSafeInteger(offset)) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected offset to be a non-negative integer, got ${show(offset)}`,
      name,
    );
  }
  return stride as number[];
}

/**
 * Refuses a view that addresses storage outside its data: the addressed positions run from
 * offset + sum_d min(0, stride_d (n_d - 1)) to offset + sum_d max(0, stride_d (n_d - 1)).
 */
function checkBounds(
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
  length: number,
  name: string,
): void {
  let lo = offset;
  let hi = offset;
  for (let d = 0; d < shape.length; d++) {
    const reach = stride[d]! * (shape[d]! - 1);
    if (reach < 0) lo += reach;
    else hi += reach;
  }
  if (lo < 0 || hi >= length) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected shape ${formatShape(shape)}, stride ${formatShape(stride)} and offset ${offset} to address its data of length ${length}, got positions ${lo} to ${hi}`,
      name,
    );
  }
}

/** Copies the elements of a strided view in row-major order (checking plain-array entries). */
function copyStrided(
  data: ArrayLike<unknown>,
  shape: readonly number[],
  stride: readonly number[],
  offset: number,
  out: FloatArray,
  name: string,
): void {
  const rank = shape.length;
  const plain = Array.isArray(data);
  const idx = new Array<number>(rank).fill(0);
  let p = offset;
  for (let k = 0; k < out.length; k++) {
    const v = data[p];
    if (plain && typeof v !== 'number') {
      throw new LossInputError(
        'INVALID_TYPE',
        `${name}: element ${formatShape(idx)} (data[${p}]) expected a number, got ${describeEntry(data, p)}`,
        name,
      );
    }
    out[k] = v as number;
    for (let d = rank - 1; d >= 0; d--) {
      p += stride[d]!;
      if (++idx[d]! < shape[d]!) break;
      p -= stride[d]! * shape[d]!;
      idx[d] = 0;
    }
  }
}

function hasGet(value: object): boolean {
  return typeof (value as { get?: unknown }).get === 'function';
}

/**
 * An ndarray or any object with its four fields (`shape`, `stride`, `offset`, `data`: a plain
 * object needs no `get()`). The layout is checked against the data before anything is copied.
 */
function fromNdArrayLike(input: object, name: string, dtype: DType | undefined): Tensor {
  const missing = ['shape', 'stride', 'offset', 'data'].filter((k) => !(k in input));
  if (missing.length > 0) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected ${WHAT}; an ndarray needs shape, stride, offset and data, got an object without ${missing.join(', ')}`,
      name,
    );
  }
  const {
    shape: rawShape,
    stride: rawStride,
    offset: rawOffset,
    data,
  } = input as Record<string, unknown>;
  const storage = storageOf(data);
  if (storage === 'bigint' || storage === 'integer' || storage === 'other')
    refuseStorage(name, storage, data, '.data');
  const n = checkShape(rawShape, name);
  const shape = (rawShape as number[]).slice();
  const stride = checkLayout(shape, rawStride, rawOffset, name);
  const offset = rawOffset as number;
  const store = data as ArrayLike<unknown>;
  if (n > 0) checkBounds(shape, stride, offset, store.length, name);
  const float = storage === 'float32' || storage === 'float64';
  const want: DType = dtype ?? (storage === 'float32' ? 'float32' : 'float64');
  if (float && want === storage) {
    const t = ndarray(store as FloatArray, shape, stride.slice(), offset) as Tensor;
    if (isContiguous(t)) return hasGet(input) ? (input as Tensor) : t;
  }
  const out = allocate(want, n, name, shape);
  copyStrided(store, shape, stride, offset, out, name);
  return tensor(out, shape);
}

/** Turns any {@link TensorLike} into a tensor without validating values. */
function coerce(input: unknown, name: string, dtype: DType | undefined): Tensor {
  if (typeof input === 'number') {
    const data = dtype === 'float32' ? new Float32Array([input]) : new Float64Array([input]);
    return tensor(data, []);
  }
  if (Array.isArray(input)) return fromNested(input, name, dtype ?? 'float64');
  const storage = storageOf(input);
  if (storage === 'float32' || storage === 'float64') {
    const data = input as FloatArray;
    if (dtype === undefined || dtype === storage) return tensor(data);
    return tensor(dtype === 'float32' ? Float32Array.from(data) : Float64Array.from(data));
  }
  if (storage === 'bigint' || storage === 'integer') refuseStorage(name, storage, input);
  if (typeof input === 'object' && input !== null && !ArrayBuffer.isView(input)) {
    if ('shape' in input || 'data' in input) return fromNdArrayLike(input, name, dtype);
  }
  return refuseStorage(name, storage, input);
}

/**
 * Whether the first n values are all finite, at a few times the speed of a Number.isFinite loop
 * (every loss call scans its inputs): v * 0 is 0 for a finite v and NaN for an infinite or NaN
 * one, summed in four sums (no long chain of dependent additions).
 */
function allFinite(data: FloatArray, n: number): boolean {
  let a0 = 0;
  let a1 = 0;
  let a2 = 0;
  let a3 = 0;
  let i = 0;
  for (; i + 3 < n; i += 4) {
    a0 += data[i]! * 0;
    a1 += data[i + 1]! * 0;
    a2 += data[i + 2]! * 0;
    a3 += data[i + 3]! * 0;
  }
  for (; i < n; i++) a0 += data[i]! * 0;
  return a0 + a1 + a2 + a3 === 0;
}

/**
 * The one coercion + validation step every public @losses function runs on each tensor argument.
 *
 * Accepts a number (a scalar), a Float32Array / Float64Array (kept as is), nested arrays of numbers
 * (or of float typed arrays; float64), and an ndarray over any of these storages - or any object
 * with the four fields `shape`, `stride`, `offset` and `data` (no `get()` needed). Integer typed
 * arrays (`Int8Array` ... `Uint32Array`, `Uint8ClampedArray`; bare, as rows or under an ndarray)
 * are refused by the one integer rule ({@link INTEGER_INPUT_HINT}: Int16 PCM read as values up to
 * 32767 is the trap); BigInt typed arrays, DataViews and everything else are refused too.
 *
 * Everything about the layout is checked before anything is allocated: a shape of at most
 * {@link TENSOR_LIMITS}`.maxRank` non-negative integers holding at most
 * {@link TENSOR_LIMITS}`.maxElements` elements; strides and offset that address only positions
 * inside `data`; nested arrays that are regular, without holes (sparse arrays) and hold only
 * numbers. Getters and proxies are read like plain values; an error they throw propagates.
 *
 * Returns a row-major contiguous tensor (offset 0), so kernels may index `t.data` directly. The
 * input is copied only when it is not already such a tensor of the wanted dtype; callers must
 * treat the result as read-only (it may share the caller's storage).
 *
 * @throws LossInputError `INVALID_TYPE` (not an accepted kind of input, integer storage, or an
 *   entry that is not a number), `SHAPE_MISMATCH` (a bad shape, stride or offset, ragged or mixed-depth nesting, a rank
 *   or size other than `spec` asks, a size over the limits), `EMPTY` (no elements), `NON_FINITE`
 *   (NaN or infinity), `INVALID_OPTION` (value outside `min..max`). The message starts with
 *   `spec.name` and says what was expected and what was given.
 */
export function toTensor(input: TensorLike, spec: TensorSpec): Tensor {
  const { name } = spec;
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
    throw new LossInputError(
      'EMPTY',
      `${name}: expected at least one element, got shape ${formatShape(shape)}`,
      name,
    );
  }
  const data = t.data;
  const { min, max, allowNaN } = spec;
  if (min === undefined && max === undefined && allFinite(data, n)) return t;
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
