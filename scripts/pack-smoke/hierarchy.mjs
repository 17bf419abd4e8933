// Runs in an empty npm project where only the packed @losses/hierarchy (+ tensor) is installed.
import assert from 'node:assert/strict';
import { hierarchicalLoss, hierarchicalLossValueAndGrad, hierarchies } from '@losses/hierarchy';

const h = hierarchies.singing;
const C = h.classes.length;
const logits = [Array.from({ length: C }, (_, i) => i / C - 0.5)];
const labels = [Array.from({ length: C }, (_, i) => (i % 2 ? 1 : 0))];
const value = hierarchicalLoss(logits, labels, h, { alpha: 1, beta: 1 });
assert.ok(Number.isFinite(value) && value > 0);
const r = hierarchicalLossValueAndGrad(logits, labels, h, { alpha: 1, beta: 1 });
assert.deepEqual(r.grad.shape, [1, C]);

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { hierarchicalLoss: tfLoss } = await import('@losses/hierarchy/tfjs');
  const v = tfLoss(tf.tensor(logits), tf.tensor(labels), h, { alpha: 1, beta: 1 });
  assert.ok(Math.abs(v.dataSync()[0] - value) <= 1e-5 * value);
}
