// Runs in an empty npm project where only the packed @losses/stft (and @losses/tensor) is installed.
import assert from 'node:assert/strict';
import { getWindow, magnitude, magnitudeVjp, rfft } from '@losses/stft';

assert.equal(getWindow('hann', 4)[2], 1);
const X = rfft(new Float64Array([1, 0, 0, 0, 0]));
assert.deepEqual(X.shape, [3, 2]);
const x = Float64Array.from({ length: 400 }, (_, n) => Math.sin(0.3 * n));
const opts = { size: 67, hop: 16 };
const m = magnitude(x, opts);
assert.equal(m.shape[1], 34);
const g = magnitudeVjp(x, opts, m);
assert.deepEqual(g.shape, [400]);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { magnitudeSpectrogram } = await import('@losses/stft/tfjs');
  const s = magnitudeSpectrogram(tf.tensor(Array.from(x)), opts);
  assert.deepEqual(s.shape, m.shape);
}
