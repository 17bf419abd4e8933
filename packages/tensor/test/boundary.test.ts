import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  LossInputError,
  type LossInputErrorCode,
  TENSOR_LIMITS,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
  zeros,
} from '../src/index.js';
import { assertFloatStorage } from '../src/internal.js';

// The coercion boundary, swept input kind by input kind (issue 12, item 8 and "before any large
// allocation"): every bad input is a LossInputError with a code, `argument` set to the argument's
// name, and a message that starts with that name and says what was expected and what was given.

function refusal(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e;
    throw new Error(`expected a LossInputError, got ${String(e)}`);
  }
  throw new Error('expected a LossInputError, nothing was thrown');
}

function refused(input: unknown, code: LossInputErrorCode, pattern?: RegExp): LossInputError {
  const e = refusal(() => toTensor(input as TensorLike, { name: 'x' }));
  expect(e.code).toBe(code);
  expect(e.argument).toBe('x');
  expect(e.message.startsWith('x')).toBe(true);
  expect(e.message).toMatch(/expected|only|at most/);
  expect(e.message.length).toBeLessThan(500);
  if (pattern) expect(e.message).toMatch(pattern);
  return e;
}

/** A plain object with the four fields of an ndarray and nothing else (no get(), no methods). */
function like(data: unknown, shape: unknown, stride: unknown, offset: unknown = 0): unknown {
  return { data, shape, stride, offset };
}

describe('plain ndarray-like objects (no get())', () => {
  it('are read through their strides and offset (they threw a TypeError)', () => {
    const t = toTensor(like([1, 2, 3, 4, 5, 6], [2, 3], [3, 1]) as TensorLike, { name: 'x' });
    expect(t.shape).toEqual([2, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3, 4, 5, 6]);
    const v = toTensor(
      like(new Float32Array([1, 2, 3, 4, 5, 6]), [3, 2], [1, 3], 0) as TensorLike,
      { name: 'x', dtype: 'float64' },
    );
    expect(Array.from(v.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(v.data).toBeInstanceOf(Float64Array);
  });

  it('over float storage keep their float type and give a real ndarray', () => {
    const data = new Float32Array([1, 2, 3, 4]);
    const t = toTensor(like(data, [2, 2], [2, 1]) as TensorLike, { name: 'x' });
    expect(t.data).toBe(data);
    expect(t.get(1, 0)).toBe(3);
    const r = toTensor(like(data, [2], [-1], 3) as TensorLike, { name: 'x' });
    expect(Array.from(r.data)).toEqual([4, 3]);
    expect(r.data).toBeInstanceOf(Float32Array);
  });

  it('are refused when a field is missing, naming it', () => {
    refused({ data: [1, 2], shape: [2] }, 'INVALID_TYPE', /stride, offset/);
    refused({ shape: [2], stride: [1], offset: 0 }, 'INVALID_TYPE', /data/);
  });
});

describe('shapes', () => {
  it('a negative dimension is refused (it was a RangeError)', () => {
    refused(like([1, 2], [-1], [1]), 'SHAPE_MISMATCH', /shape/);
    refused(ndarray(new Float64Array(2), [-2] as number[]), 'SHAPE_MISMATCH', /-2/);
    expect(refusal(() => zeros([-1])).code).toBe('SHAPE_MISMATCH');
    expect(refusal(() => zeros([2, Number.NaN])).code).toBe('SHAPE_MISMATCH');
  });

  it('non-integer, NaN, infinite and non-number dimensions are refused', () => {
    for (const bad of [[2.5], [Number.NaN], [Number.POSITIVE_INFINITY], ['2'], [null], 3]) {
      refused(like([1, 2, 3], bad, [1]), 'SHAPE_MISMATCH');
    }
  });

  it('a zero dimension is empty (refused unless allowEmpty)', () => {
    refused(like([], [0, 3], [3, 1]), 'EMPTY');
    const t = toTensor(like([], [0, 3], [3, 1]) as TensorLike, { name: 'x', allowEmpty: true });
    expect(t.shape).toEqual([0, 3]);
  });

  it('huge shapes are refused before anything is allocated', () => {
    // Stride 0 addresses one stored element over and over: valid strides, absurd size.
    refused(like([1], [2 ** 40], [0]), 'SHAPE_MISMATCH', /at most/);
    refused(like([1], [2 ** 30, 2 ** 30, 2 ** 30], [0, 0, 0]), 'SHAPE_MISMATCH', /at most/);
    refused(like([1], [2 ** 53 + 2], [0]), 'SHAPE_MISMATCH');
    expect(refusal(() => zeros([2 ** 27, 2 ** 27])).code).toBe('SHAPE_MISMATCH');
    expect(TENSOR_LIMITS.maxElements).toBe(2 ** 32 - 1);
  });

  it('more than TENSOR_LIMITS.maxRank dimensions are refused', () => {
    const shape = new Array(TENSOR_LIMITS.maxRank + 1).fill(1);
    refused(like([1], shape, new Array(shape.length).fill(0)), 'SHAPE_MISMATCH', /dimensions/);
    let deep: unknown = 1;
    for (let i = 0; i <= TENSOR_LIMITS.maxRank; i++) deep = [deep];
    refused(deep, 'SHAPE_MISMATCH', /dimensions/);
  });

  it('an array that contains itself is refused, not walked forever', () => {
    const a: unknown[] = [];
    a.push(a);
    refused(a, 'SHAPE_MISMATCH', /dimensions/);
  });
});

describe('strides and offsets', () => {
  it('strides that overrun the data are refused (they read undefined as NaN)', () => {
    refused(like(new Float64Array(4), [3], [2]), 'SHAPE_MISMATCH', /data of length 4/);
    refused(like([1, 2, 3, 4, 5, 6, 7, 8, 9, 10], [3, 4], [4, 1]), 'SHAPE_MISMATCH');
    refused(like(new Float64Array(4), [3], [-1], 1), 'SHAPE_MISMATCH');
  });

  it('offsets outside the data, negative or fractional, are refused', () => {
    refused(like(new Float64Array(4), [2], [1], 3), 'SHAPE_MISMATCH');
    refused(like(new Float64Array(4), [2], [1], -1), 'SHAPE_MISMATCH');
    refused(like(new Float64Array(4), [2], [1], 0.5), 'SHAPE_MISMATCH');
    refused(like(new Float64Array(4), [2], [1], '0'), 'SHAPE_MISMATCH');
  });

  it('malformed strides are refused', () => {
    refused(like(new Float64Array(4), [2, 2], [2]), 'SHAPE_MISMATCH', /stride/);
    refused(like(new Float64Array(4), [2], [0.5]), 'SHAPE_MISMATCH', /stride/);
    refused(like(new Float64Array(4), [2], 'x'), 'SHAPE_MISMATCH', /stride/);
  });

  it('valid views (steps, negative strides, offsets, picks) are copied in row-major order', () => {
    const base = ndarray(
      Float64Array.from({ length: 24 }, (_, i) => i),
      [2, 3, 4],
    );
    const views: Tensor[] = [
      base.step(-1, 2, -1) as Tensor,
      base.hi(2, 2, 3).lo(1, 1, 1) as Tensor,
      base.pick(1, null, null) as Tensor,
      base.transpose(2, 0, 1) as Tensor,
    ];
    for (const v of views) {
      const t = toTensor(v, { name: 'x' });
      const want: number[] = [];
      const idx = new Array(v.shape.length).fill(0);
      for (let k = 0; k < v.size; k++) {
        want.push(v.get(...idx));
        for (let d = idx.length - 1; d >= 0; d--) {
          if (++idx[d] < v.shape[d]!) break;
          idx[d] = 0;
        }
      }
      expect(Array.from(t.data)).toEqual(want);
      expect(t.offset).toBe(0);
    }
  });
});

describe('storage types', () => {
  it('BigInt storage is refused both bare and under an ndarray (the ndarray was accepted)', () => {
    refused(new BigInt64Array(3), 'INVALID_TYPE', /BigInt64Array/);
    refused(new BigUint64Array(3), 'INVALID_TYPE', /BigUint64Array/);
    refused(ndarray(new BigInt64Array(4) as never, [2, 2]), 'INVALID_TYPE', /BigInt64Array/);
    refused([new BigInt64Array(2), new BigInt64Array(2)], 'INVALID_TYPE', /BigInt64Array/);
  });

  it('integer typed arrays are refused, bare, as rows and under an ndarray, naming the conversion (Int16 PCM was read as values up to 32767)', () => {
    for (const Ctor of [
      Int8Array,
      Uint8Array,
      Uint8ClampedArray,
      Int16Array,
      Uint16Array,
      Int32Array,
      Uint32Array,
    ]) {
      const src = new Ctor([0, 1, 2, 100]);
      refused(src, 'INVALID_TYPE', new RegExp(`${Ctor.name}.*v / 32768`));
      refused([src, src], 'INVALID_TYPE', new RegExp(`x\\[0\\].*${Ctor.name}`));
      refused([Float64Array.of(1, 2, 3, 4), src], 'INVALID_TYPE', /x\[1\].*integer data/);
      refused(ndarray(src, [2, 2]), 'INVALID_TYPE', /x\.data.*integer data is not read/);
      refused(like(src, [4], [1]), 'INVALID_TYPE', /integer data is not read/);
      refused(new Ctor(0), 'INVALID_TYPE', /integer data/);
    }
  });

  it('the integer rule reads the storage a tfjs dtype names: only float passes', () => {
    expect(() => assertFloatStorage('float32', 'x')).not.toThrow();
    expect(() => assertFloatStorage('Float64Array', 'x')).not.toThrow();
    for (const dtype of ['int32', 'bool', 'complex64', 'string', 'Int16Array']) {
      let error: unknown;
      try {
        assertFloatStorage(dtype, 'options.target');
      } catch (e) {
        error = e;
      }
      expect(error).toBeInstanceOf(LossInputError);
      expect((error as LossInputError).code).toBe('INVALID_TYPE');
      expect((error as LossInputError).argument).toBe('options.target');
      expect((error as LossInputError).message).toMatch(
        new RegExp(`^options\\.target: expected float data, got ${dtype} storage; integer data`),
      );
    }
  });

  it('a DataView, an ArrayBuffer and other objects are refused', () => {
    refused(new DataView(new ArrayBuffer(8)), 'INVALID_TYPE', /DataView/);
    refused(new ArrayBuffer(8), 'INVALID_TYPE');
    refused(like({ 0: 1, length: 1 }, [1], [1]), 'INVALID_TYPE', /data/);
    refused(new Map(), 'INVALID_TYPE');
    refused(() => 1, 'INVALID_TYPE');
    refused('abc', 'INVALID_TYPE');
    refused(true, 'INVALID_TYPE');
    refused(1n, 'INVALID_TYPE');
    refused(Symbol('s'), 'INVALID_TYPE');
  });
});

describe('nested arrays', () => {
  it('mixed depths are refused as SHAPE_MISMATCH', () => {
    refused([1, [2]], 'SHAPE_MISMATCH', /x\[1\]/);
    refused([[1], 2], 'SHAPE_MISMATCH', /x\[1\]/);
    refused([[1, 2], new Float64Array(3)], 'SHAPE_MISMATCH', /x\[1\]/);
  });

  it('ragged arrays are refused, naming the row', () => {
    refused([[1, 2], [3]], 'SHAPE_MISMATCH', /x\[1\]: ragged/);
    refused([[[1], [2]], [[3]]], 'SHAPE_MISMATCH', /x\[1\]/);
  });

  it('non-number entries are refused with INVALID_TYPE, naming the entry and its type', () => {
    for (const [v, what] of [
      ['1', /string/],
      [true, /boolean/],
      [null, /null/],
      [undefined, /undefined/],
      [{}, /object/],
      [1n, /bigint/],
      [Symbol('s'), /symbol/],
      [new Number(1), /object/],
    ] as const) {
      refused(
        [
          [0, 1],
          [2, v],
        ],
        'INVALID_TYPE',
        new RegExp(`x\\[1\\]\\[1\\].*${what.source}`),
      );
    }
  });

  it('sparse arrays are refused at their first hole, before allocating their length', () => {
    // biome-ignore lint/suspicious/noSparseArray: the hole is the point
    refused([1, , 3], 'INVALID_TYPE', /x\[1\].*empty slot/);
    const huge = new Array(2 ** 31);
    huge[0] = 1;
    refused(huge, 'INVALID_TYPE', /x\[1\].*empty slot/);
    refused([huge, huge, huge], 'SHAPE_MISMATCH', /at most/);
  });

  it('getters are read as values; a getter giving a non-number is refused', () => {
    const a = [1, 2, 3];
    Object.defineProperty(a, 1, { get: () => 7 });
    expect(Array.from(toTensor(a, { name: 'x' }).data)).toEqual([1, 7, 3]);
    const b = [1, 2, 3];
    Object.defineProperty(b, 2, { get: () => 'z' });
    refused(b, 'INVALID_TYPE', /x\[2\]/);
    // A getter that changes its type between reads is caught as well.
    let reads = 0;
    const c = [1, 2];
    Object.defineProperty(c, 0, { get: () => (reads++ === 0 ? 1 : 'late') });
    refused(c, 'INVALID_TYPE', /x\[0\]/);
  });

  it('proxies of arrays are read through their traps', () => {
    const p = new Proxy([1, 2, 3], {});
    expect(Array.from(toTensor(p, { name: 'x' }).data)).toEqual([1, 2, 3]);
    const q = new Proxy([[1], [2]], {});
    expect(toTensor(q, { name: 'x' }).shape).toEqual([2, 1]);
  });
});

describe('messages', () => {
  it('null and undefined say what a tensor may be', () => {
    const e = refused(null, 'INVALID_TYPE', /got null/);
    expect(e.message).toMatch(/ndarray/);
    refused(undefined, 'INVALID_TYPE', /got undefined/);
  });

  it('an empty tensor says it expected elements', () => {
    refused([], 'EMPTY', /got shape \[0\]/);
  });

  it('a tensor over existing storage is made without copying and checked before', () => {
    expect(refusal(() => tensor(new Float64Array(4), [-2, -2])).code).toBe('SHAPE_MISMATCH');
    expect(refusal(() => tensor(new Float64Array(4), [2 ** 53, 0])).code).toBe('SHAPE_MISMATCH');
  });
});
