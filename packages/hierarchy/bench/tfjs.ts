/**
 * `pnpm --filter @losses/hierarchy bench` (its second part, `bench/tfjs.ts`): the tfjs ops
 * `hierarchicalLoss` and `mcLoss` of `@losses/hierarchy/tfjs` inside `tf.grad` (w.r.t. the logits;
 * the labels are data) against `valueAndGrad` of `@losses/hierarchy` on the same float32 data, at
 * the bench's size (F = 100,000 frames of the orchestra hierarchy, 19 classes, alpha 0.5, beta 1).
 * The two sides alternate in rounds so that both see the same load; each round times a batch of
 * calls in process CPU time; the ratio is the median of the rounds' ratios (target: at most 1.15). Run it pinned to
 * one core (`taskset -c 0 pnpm --filter @losses/hierarchy bench`) on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { tensor } from '@losses/tensor';
import { mulberry32, pairedCpuRatio } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import { createHierarchicalLoss, hierarchies, mcLossValueAndGrad } from '../src/index.js';
import { hierarchicalLoss, mcLoss } from '../src/tfjs/index.js';

const F = Number(process.env.FRAMES ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 11);

/** Ratio op / baseline in alternating rounds (`pairedCpuRatio` of @losses/tensor/internal). */
const compare = (base: () => void, op: () => void) =>
  pairedCpuRatio(base, op, { rounds: ROUNDS, warmup: 3, minMs: 60 });
const h = hierarchies.orchestra;
const C = h.classes.length;
const options = { alpha: 0.5, beta: 1 };

await tf.setBackend('cpu');
const r = mulberry32(1);
const x = new Float32Array(F * C);
const y = new Float32Array(F * C);
for (let i = 0; i < x.length; i++) {
  x[i] = 4 * (r() - 0.5);
  y[i] = r() < 0.2 ? Number.NaN : r() < 0.3 ? 1 : 0;
}
const X = tensor(x, [F, C]);
const Y = tensor(y, [F, C]);
const z = tf.tensor2d(x, [F, C]);
const labels = tf.tensor2d(y, [F, C]);
const plan = createHierarchicalLoss(h, options);
const hGrad = tf.grad((t: tf.Tensor) => hierarchicalLoss(t, labels, h, options));
const mGrad = tf.grad((t: tf.Tensor) => mcLoss(t, labels, h));
const rows: [string, string, { base: number; op: number; ratio: number }][] = [
  [
    'hierarchicalLoss',
    'createHierarchicalLoss(h, o).valueAndGrad',
    compare(
      () => plan.valueAndGrad(X, Y),
      () => hGrad(z).dispose(),
    ),
  ],
  [
    'mcLoss',
    'mcLossValueAndGrad',
    compare(
      () => mcLossValueAndGrad(X, Y, h),
      () => mGrad(z).dispose(),
    ),
  ],
];

const pinned = (() => {
  try {
    return readFileSync('/proc/self/status', 'utf8').match(/Cpus_allowed_list:\s*(\S+)/)?.[1];
  } catch {
    return undefined;
  }
})();
console.log(
  `\n@losses/hierarchy tfjs ops inside tf.grad (w.r.t. the logits, data labels) vs the ndarray valueAndGrad, F = ${F}, C = ${C}, float32; tfjs-core ${tf.version_core} cpu backend; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, cpus allowed ${pinned ?? 'n/a'}, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' ',
    )}; median CPU ms per call over ${ROUNDS} alternating rounds, ratio = median of the rounds' ratios`,
);
console.log('| op | ndarray baseline | baseline (ms) | tfjs op (ms) | ratio (target <= 1.15) |');
console.log('|---|---|---:|---:|---:|');
for (const [name, base, v] of rows) {
  console.log(
    `| ${name} | ${base} | ${v.base.toFixed(2)} | ${v.op.toFixed(2)} | ${v.ratio.toFixed(2)} |`,
  );
}
