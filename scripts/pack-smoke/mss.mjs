// Runs in an empty npm project where only the packed @losses/mss (+ stft, tensor) is installed.
import assert from 'node:assert/strict';
import { mssLoss, mssLossValueAndGrad, mssPresets } from '@losses/mss';

const sr = 16000;
const tone = (hz) =>
  Float64Array.from({ length: sr / 4 }, (_, n) => Math.sin((2 * Math.PI * hz * n) / sr));
assert.equal(mssLoss(tone(440), tone(440), 'smooth'), 0);
const { value, grad } = mssLossValueAndGrad(tone(450), tone(440), { ...mssPresets.smooth });
assert.ok(value > 0 && Number.isFinite(value));
assert.equal(grad.shape[0], sr / 4);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { mssLoss: tfMssLoss } = await import('@losses/mss/tfjs');
  const v = tfMssLoss(tf.tensor(Array.from(tone(450))), tf.tensor(Array.from(tone(440))), 'smooth');
  assert.ok(Math.abs(v.dataSync()[0] - value) <= 1e-4 * value);
}
