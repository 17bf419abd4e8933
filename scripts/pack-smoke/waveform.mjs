// Runs in an empty npm project where only the packed @losses/waveform (+ tensor) is installed.
import assert from 'node:assert/strict';
import { esrLoss, mseLoss, preEmphasisTaps, siSdrLossValueAndGrad } from '@losses/waveform';

const t = [0.5, -0.25, 1, 0.75, -1];
const x = [0.5, -0.25, 0.5, 0.75, -1];
// MSE: one sample off by 0.5 -> 0.25 / 5.
assert.equal(mseLoss(x, t), 0.05);
// ESR: 0.25 / (sum t^2 + 1e-8), sum t^2 = 2.875.
assert.ok(Math.abs(esrLoss(x, t) - 0.25 / (2.875 + 1e-8)) < 1e-15);
// SI-SDR of the target itself: -10 log10(sum t~^2 / eps + eps) after removing the mean.
const { value, grad } = siSdrLossValueAndGrad([t, x], [t, t]);
assert.ok(value < -40);
assert.deepEqual(grad.shape, [2, 5]);
// auraloss's FIRFilter('aw') at 44.1 kHz, 101 taps: its centre tap (float32).
assert.ok(Math.abs(preEmphasisTaps({ kind: 'aw' }).weights[50] - 0.5443199) < 1e-7);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { mseLoss: tfMse } = await import('@losses/waveform/tfjs');
  const v = tfMse(tf.tensor1d(x), tf.tensor1d(t));
  assert.ok(Math.abs(v.dataSync()[0] - 0.05) < 1e-7);
}
