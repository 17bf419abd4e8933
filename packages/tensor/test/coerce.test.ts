import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { assertSameShape, LossInputError, tensor, toFlat, toTensor } from '../src/index.js';

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e.code;
    throw e;
  }
  return undefined;
}

describe('toTensor: coercion', () => {
  it('reads nested number arrays as float64 with their shape', () => {
    const t = toTensor(
      [
        [1, 2, 3],
        [4, 5, 6],
      ],
      { name: 'x' },
    );
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(t.shape).toEqual([2, 3]);
    expect(t.get(1, 0)).toBe(4);
  });

  it('keeps a Float32Array as float32 without copying', () => {
    const data = new Float32Array([1, 2, 3]);
    const t = toTensor(data, { name: 'x' });
    expect(t.data).toBe(data);
  });

  it('keeps a contiguous ndarray as is', () => {
    const a = ndarray(new Float64Array([1, 2, 3, 4]), [2, 2]);
    expect(toTensor(a, { name: 'x' })).toBe(a);
  });

  it('copies a strided view once to contiguous memory, in row-major order', () => {
    const a = ndarray(new Float64Array([1, 2, 3, 4, 5, 6]), [2, 3]).transpose(1, 0);
    const t = toTensor(a, { name: 'x' });
    expect(t.shape).toEqual([3, 2]);
    expect(Array.from(t.data)).toEqual([1, 4, 2, 5, 3, 6]);
    expect(t.offset).toBe(0);
  });

  it('reads an ndarray over plain numbers as float64', () => {
    const a = ndarray([1, 2, 3, 4], [2, 2]);
    const t = toTensor(a, { name: 'x' });
    expect(t.data).toBeInstanceOf(Float64Array);
    expect(t.get(1, 1)).toBe(4);
  });

  it('converts to a requested dtype', () => {
    const t = toTensor(new Float64Array([1, 2]), { name: 'x', dtype: 'float32' });
    expect(t.data).toBeInstanceOf(Float32Array);
  });

  it('reads a plain number as a scalar tensor', () => {
    const t = toTensor(3, { name: 'x' });
    expect(t.shape).toEqual([]);
    expect(t.data[0]).toBe(3);
  });

  it('reads an array of Float64Arrays as a matrix', () => {
    const t = toTensor([new Float64Array([1, 2]), new Float64Array([3, 4])], { name: 'x' });
    expect(t.shape).toEqual([2, 2]);
  });

  it('never mutates its input', () => {
    fc.assert(
      fc.property(
        fc.array(fc.double({ noNaN: true, noDefaultInfinity: true }), { minLength: 1 }),
        (xs) => {
          const copy = xs.slice();
          const t = toTensor(xs, { name: 'x' });
          expect(xs).toEqual(copy);
          expect(Array.from(toFlat(t))).toEqual(xs.map((v) => (Object.is(v, -0) ? -0 : v)));
        },
      ),
    );
  });
});

describe('toTensor: validation', () => {
  it('refuses null and undefined with INVALID_TYPE', () => {
    expect(codeOf(() => toTensor(undefined as never, { name: 'x' }))).toBe('INVALID_TYPE');
    expect(codeOf(() => toTensor(null as never, { name: 'x' }))).toBe('INVALID_TYPE');
  });

  it('refuses strings and objects with INVALID_TYPE', () => {
    expect(codeOf(() => toTensor('abc' as never, { name: 'x' }))).toBe('INVALID_TYPE');
    expect(codeOf(() => toTensor({ a: 1 } as never, { name: 'x' }))).toBe('INVALID_TYPE');
    expect(codeOf(() => toTensor([1, 'a'] as never, { name: 'x' }))).toBe('INVALID_TYPE');
  });

  it('refuses ragged nested arrays with SHAPE_MISMATCH', () => {
    expect(() => toTensor([[1, 2], [3]], { name: 'x' })).toThrow(/x\[1\]: ragged nested array/);
  });

  it('refuses a wrong rank, naming the argument and both shapes', () => {
    expect(() => toTensor([1, 2, 3], { name: 'estimate', rank: 2 })).toThrow(
      'estimate: expected rank 2, got shape [3] (rank 1)',
    );
    expect(codeOf(() => toTensor([1, 2, 3], { name: 'x', rank: [2, 3] }))).toBe('SHAPE_MISMATCH');
  });

  it('refuses a wrong size with the expected shape', () => {
    expect(() => toTensor([[1, 2, 3]], { name: 'labels', shape: [null, 4] })).toThrow(
      'labels: expected shape [*, 4], got [1, 3]',
    );
  });

  it('refuses empty tensors unless allowed', () => {
    expect(codeOf(() => toTensor([], { name: 'x' }))).toBe('EMPTY');
    expect(codeOf(() => toTensor(new Float64Array(0), { name: 'x' }))).toBe('EMPTY');
    expect(toTensor([], { name: 'x', allowEmpty: true }).shape).toEqual([0]);
  });

  it('refuses NaN and infinities with NON_FINITE, naming the element', () => {
    expect(() =>
      toTensor(
        [
          [1, 2],
          [3, Number.NaN],
        ],
        { name: 'x' },
      ),
    ).toThrow('x: element [1, 1] is NaN');
    expect(codeOf(() => toTensor([Number.POSITIVE_INFINITY], { name: 'x' }))).toBe('NON_FINITE');
    expect(
      codeOf(() => toTensor(new Float32Array([Number.NEGATIVE_INFINITY]), { name: 'x' })),
    ).toBe('NON_FINITE');
  });

  it('finds one NaN or infinity at any position of any length (the fast scan and its tail)', () => {
    for (const n of [1, 2, 3, 4, 5, 7, 8, 9, 13]) {
      for (let at = 0; at < n; at++) {
        for (const v of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
          for (const data of [new Float64Array(n).fill(1e300), new Float32Array(n).fill(-3e38)]) {
            data[at] = v;
            expect(() => toTensor(data, { name: 'x' })).toThrow(`x: element [${at}] is ${v}`);
          }
        }
      }
      // and no false alarm at the largest finite values
      expect(toTensor(new Float64Array(n).fill(-Number.MAX_VALUE), { name: 'x' }).shape).toEqual([
        n,
      ]);
    }
  });

  it('accepts NaN when allowed but still refuses infinities', () => {
    expect(toTensor([Number.NaN, 1], { name: 'labels', allowNaN: true }).shape).toEqual([2]);
    expect(codeOf(() => toTensor([Number.POSITIVE_INFINITY], { name: 'x', allowNaN: true }))).toBe(
      'NON_FINITE',
    );
  });

  it('refuses values outside min..max', () => {
    expect(() => toTensor([0.5, 1.5], { name: 'p', min: 0, max: 1 })).toThrow(
      'p: element [1] is 1.5, outside the accepted range [0, 1]',
    );
  });

  it('reports the argument on the error', () => {
    try {
      toTensor([Number.NaN], { name: 'target' });
    } catch (e) {
      expect(e).toBeInstanceOf(LossInputError);
      expect((e as LossInputError).argument).toBe('target');
      expect((e as LossInputError).name).toBe('LossInputError');
    }
  });
});

describe('assertSameShape', () => {
  it('passes equal shapes and names both arguments otherwise', () => {
    const a = tensor(new Float64Array(6), [2, 3]);
    expect(() => assertSameShape(a, tensor(new Float64Array(6), [2, 3]), 'a', 'b')).not.toThrow();
    expect(() =>
      assertSameShape(a, tensor(new Float64Array(6), [3, 2]), 'estimate', 'target'),
    ).toThrow('estimate and target must have the same shape, got [2, 3] and [3, 2]');
    expect(codeOf(() => assertSameShape(a, tensor(new Float64Array(6)), 'a', 'b'))).toBe(
      'SHAPE_MISMATCH',
    );
  });
});
