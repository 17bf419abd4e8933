// Runs in an empty npm project where only the packed @losses/tensor is installed.
import assert from 'node:assert/strict';
import { LossInputError, toTensor } from '@losses/tensor';

const x = toTensor(
  [
    [1, 2],
    [3, 4],
  ],
  { name: 'x', rank: 2 },
);
assert.deepEqual(x.shape, [2, 2]);
assert.throws(() => toTensor([Number.NaN], { name: 'x' }), LossInputError);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { fromTf, toTf } = await import('@losses/tensor/tfjs');
  assert.deepEqual(Array.from(toTf(fromTf(tf.tensor([1, 2, 3]))).dataSync()), [1, 2, 3]);
}
