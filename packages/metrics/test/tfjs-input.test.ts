// Issue 18: the metrics take TensorFlow.js tensors (users called `await probs.array()` first).
import '@tensorflow/tfjs-backend-cpu';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  averagePrecision,
  consistency,
  frameScores,
  hierarchicalScores,
  LossInputError,
} from '../src/index.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const h = {
  classes: ['a', 'b', 'c'],
  children: (c: string) => (c === 'a' ? ['b', 'c'] : []),
};
// Float32 values, so the array and the tfjs tensor hold the same numbers.
const f32 = (rows: number[][]) => rows.map((r) => Array.from(Float32Array.from(r)));
const pred = f32([
  [0.9, 0.1, 0.8],
  [0.7, 0.6, 0.2],
  [0.2, 0.9, 0.1],
  [0.4, 0.3, 0.6],
]);
const ref = [
  [1, 0, 1],
  [1, 1, 0],
  [0, 1, 0],
  [1, 0, 0],
];

describe('metrics of tfjs tensors equal the metrics of their arrays', () => {
  it('frameScores, consistency, hierarchicalScores, averagePrecision', () => {
    const p = tf.tensor2d(pred);
    const r = tf.tensor2d(ref);
    expect(frameScores(p, r)).toEqual(frameScores(pred, ref));
    expect(consistency(p, h)).toEqual(consistency(pred, h));
    expect(hierarchicalScores(p, r, h)).toEqual(hierarchicalScores(pred, ref, h));
    expect(averagePrecision(p, r)).toEqual(averagePrecision(pred, ref));
    // A tensor is read, not disposed or changed.
    expect(p.isDisposed).toBe(false);
    expect(Array.from(p.dataSync())).toEqual(pred.flat());
    tf.dispose([p, r]);
  });

  it('checks a tfjs tensor as any input: shape and range, naming the argument', () => {
    const bad = tf.tensor2d([[1.5, 0, 0]]);
    let e: unknown;
    try {
      frameScores(bad, tf.tensor2d([[1, 0, 0]]));
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(LossInputError);
    expect((e as LossInputError).argument).toBe('predictions');
  });

  it('the integer rule applies: an int32 tensor (tf.oneHot) is refused, naming the argument', () => {
    const labels = tf.oneHot(tf.tensor1d([0, 1, 1, 0], 'int32'), 3);
    expect(labels.dtype).toBe('int32');
    expect(() => frameScores(tf.tensor2d(pred), labels)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'references' }),
    );
    expect(() => frameScores(pred, Uint8Array.of(1, 0, 1) as never)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'references' }),
    );
  });
});
