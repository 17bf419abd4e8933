// Runs in an empty npm project where only the packed @losses/mss (+ stft, tensor) is installed.
import assert from 'node:assert/strict';
import { createMssLoss, mssLoss, mssLossValueAndGrad, mssPresets } from '@losses/mss';
import { tensor } from '@losses/tensor';

const sr = 16000;
const tone = (hz) =>
  Float64Array.from({ length: sr / 4 }, (_, n) => Math.sin((2 * Math.PI * hz * n) / sr));
assert.equal(mssLoss(tone(440), tone(440), 'smooth'), 0);
const { value, grad } = mssLossValueAndGrad(tone(450), tone(440), { ...mssPresets.smooth });
assert.ok(value > 0 && Number.isFinite(value));
assert.equal(grad.shape[0], sr / 4);

// The threads run option from the packed files: dist/worker.js is there and gives the same numbers.
const B = 8;
const batch = (hz) => {
  const out = new Float64Array(B * sr);
  for (let b = 0; b < B; b++) {
    for (let n = 0; n < sr; n++) out[b * sr + n] = Math.sin((2 * Math.PI * (hz + 10 * b) * n) / sr);
  }
  return tensor(out, [B, sr]);
};
const est = batch(450);
const tgt = batch(440);
const one = createMssLoss('standard').valueAndGrad(est, tgt);
const two = createMssLoss('standard', { threads: 2 }).valueAndGrad(est, tgt);
assert.ok(Object.is(one.value, two.value));
assert.deepEqual(Array.from(two.grad.data), Array.from(one.grad.data));
if ((await import('node:os')).availableParallelism() > 1) {
  assert.ok(process.report.getReport().workers.length >= 1, 'no worker thread is running');
}

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { mssLoss: tfMssLoss } = await import('@losses/mss/tfjs');
  const v = tfMssLoss(tf.tensor(Array.from(tone(450))), tf.tensor(Array.from(tone(440))), 'smooth');
  assert.ok(Math.abs(v.dataSync()[0] - value) <= 1e-4 * value);
}
