import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { isTfjsTensor, LossInputError, toTensor, toTensorOrTfjs } from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

describe('toTensorOrTfjs: tfjs tensors at a plain boundary, duck-typed', () => {
  it('recognises a tf.Tensor and nothing else', () => {
    expect(isTfjsTensor(tf.zeros([2]))).toBe(true);
    for (const x of [null, 1, [1], Float32Array.of(1), { shape: [1], dataSync: 1 }]) {
      expect(isTfjsTensor(x)).toBe(false);
    }
  });

  it('reads a float32 tensor with its shape and validates it as toTensor does', () => {
    const t = toTensorOrTfjs(tf.tensor2d([[1, 2, 3]]), { name: 'x', rank: 2 });
    expect(t.shape).toEqual([1, 3]);
    expect(Array.from(t.data)).toEqual([1, 2, 3]);
    expect(() => toTensorOrTfjs(tf.tensor1d([1, Number.NaN]), { name: 'x' })).toThrow(
      expect.objectContaining({ code: 'NON_FINITE', argument: 'x' }),
    );
    expect(() => toTensorOrTfjs(tf.tensor1d([1, 2]), { name: 'x', rank: 2 })).toThrow(
      LossInputError,
    );
  });

  it('refuses int32 and bool tensors by the integer rule', () => {
    expect(() => toTensorOrTfjs(tf.tensor1d([1, 2], 'int32'), { name: 'labels' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'labels' }),
    );
  });

  it('toTensor itself keeps refusing tfjs tensors (a loss of one belongs in /tfjs)', () => {
    expect(() => toTensor(tf.tensor1d([1]) as never, { name: 'x' })).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE' }),
    );
  });
});
