// Runs in an empty npm project where only the packed @losses/softdtw (+ tensor) is installed.
import assert from 'node:assert/strict';
import { dtw, softDtw, softDtwValueAndGrad, softDtwValueAndGradAsync } from '@losses/softdtw';

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

// A threaded batch: the shares run in dist/worker.js of the installed package (Node worker_threads),
// with the same numbers as one thread; the idle workers must not keep this process alive.
const B = 4;
const batch = (n, phase) =>
  Array.from({ length: B }, (_, b) =>
    Array.from({ length: n }, (_, i) => [Math.sin(0.3 * i + b + phase), Math.cos(0.2 * i - b)]),
  );
const xb = batch(400, 0);
const yb = batch(410, 1);
const one = softDtwValueAndGrad(xb, yb, { gamma: 0.5 });
const two = softDtwValueAndGrad(xb, yb, { gamma: 0.5, threads: 2 });
const three = await softDtwValueAndGradAsync(xb, yb, { gamma: 0.5, threads: 2 });
for (const r of [two, three]) {
  assert.ok(Object.is(r.value, one.value));
  r.grad.forEach((g, b) => {
    assert.deepEqual(Array.from(g.data), Array.from(one.grad[b].data));
  });
}
// A worker did the work (a worker whose entry failed to load would have been retired, its share
// computed here with the same numbers).
if ((await import('node:os')).availableParallelism() > 1) {
  assert.ok(process.report.getReport().workers.length >= 1, 'no worker thread is running');
}

if (process.argv.includes('--tfjs')) {
  const tf = await import('@tensorflow/tfjs-core');
  await import('@tensorflow/tfjs-backend-cpu');
  const { softDtw: tfSoftDtw } = await import('@losses/softdtw/tfjs');
  const v = tfSoftDtw(tf.tensor(zeros), tf.tensor(ones), { gamma: 1 });
  assert.ok(Math.abs(v.dataSync()[0] - 91.9806137) < 1e-3);
}
