import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  dtypeOf,
  isContiguous,
  rowMajorStrides,
  sizeOf,
  tensor,
  toFlat,
  toNested,
  zeros,
} from '../src/index.js';

describe('tensor', () => {
  it('wraps data without copying, row-major', () => {
    const data = new Float64Array([1, 2, 3, 4, 5, 6]);
    const t = tensor(data, [2, 3]);
    expect(t.data).toBe(data);
    expect(t.shape).toEqual([2, 3]);
    expect(t.stride).toEqual([3, 1]);
    expect(t.get(1, 2)).toBe(6);
  });

  it('defaults to one dimension of the data length', () => {
    expect(tensor(new Float32Array(5)).shape).toEqual([5]);
  });

  it('refuses a shape whose size differs from the data', () => {
    expect(() => tensor(new Float64Array(5), [2, 3])).toThrow(/holds 6 elements but data has 5/);
  });

  it('refuses negative or fractional dimensions', () => {
    expect(() => tensor(new Float64Array(0), [-1])).toThrow(/non-negative integers/);
    expect(() => tensor(new Float64Array(1), [0.5])).toThrow(/non-negative integers/);
  });

  it('zeros keeps the requested dtype', () => {
    expect(dtypeOf(zeros([2, 2], 'float32').data)).toBe('float32');
    expect(dtypeOf(zeros([2, 2]).data)).toBe('float64');
  });

  it('sizeOf and strides of shapes', () => {
    expect(sizeOf([])).toBe(1);
    expect(sizeOf([2, 0, 3])).toBe(0);
    expect(rowMajorStrides([2, 3, 4])).toEqual([12, 4, 1]);
  });

  it('toFlat reads transposed and stepped views in row-major order', () => {
    const t = tensor(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]);
    const tt = t.transpose(1, 0) as typeof t;
    expect(isContiguous(tt)).toBe(false);
    expect(Array.from(toFlat(tt))).toEqual([1, 4, 2, 5, 3, 6]);
    const stepped = t.step(1, -1) as typeof t;
    expect(Array.from(toFlat(stepped))).toEqual([3, 2, 1, 6, 5, 4]);
  });

  it('toFlat converts the float type on request', () => {
    const t = tensor(new Float64Array([0.1, 0.2]));
    const f = toFlat(t, 'float32');
    expect(f).toBeInstanceOf(Float32Array);
    expect(f[0]).toBeCloseTo(0.1, 6);
  });

  it('toNested gives nested arrays and a number for a scalar', () => {
    expect(toNested(tensor(new Float64Array([1, 2, 3, 4]), [2, 2]))).toEqual([
      [1, 2],
      [3, 4],
    ]);
    expect(toNested(tensor(new Float64Array([7]), []))).toBe(7);
  });

  it('isContiguous is false for an offset view', () => {
    const t = ndarray(new Float64Array(6), [6]).lo(1);
    expect(isContiguous(t as never)).toBe(false);
  });
});
