// Runs in an empty npm project where only the packed @losses/softdtw (+ tensor) is installed.
import assert from 'node:assert/strict';
import { dtw, softDtw, softDtwValueAndGrad } from '@losses/softdtw';

const zeros = Array.from({ length: 10 }, () => new Array(8).fill(0));
const ones = Array.from({ length: 12 }, () => new Array(8).fill(1));
// tslearn's documented value for this pair at gamma = 1 (computed there in float32, rtol 1e-7).
assert.ok(Math.abs(softDtw(zeros, ones, { gamma: 1 }) - 91.9806137) < 1e-5);
const { grad } = softDtwValueAndGrad(zeros, ones, { gamma: 1 });
assert.deepEqual(grad.shape, [10, 8]);
assert.ok(
  dtw([
    [0, 1],
    [1, 0],
  ]).cost === 0,
);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { softDtw: tfSoftDtw } = await import('@losses/softdtw/tfjs');
  const v = tfSoftDtw(tf.tensor(zeros), tf.tensor(ones), { gamma: 1 });
  assert.ok(Math.abs(v.dataSync()[0] - 91.9806137) < 1e-3);
}
