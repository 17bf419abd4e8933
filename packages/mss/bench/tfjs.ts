/**
 * `pnpm --filter @losses/mss bench` (its second part, `bench/tfjs.ts`): the tfjs ops of
 * `@losses/mss/tfjs` inside `tf.grad` (w.r.t. the estimate; the target is data, as in training)
 * against `valueAndGrad` of `@losses/mss` on the same float32 data, B = 4, T = 16000, presets
 * `standard` and `smooth`, for the two-argument op (`mssLoss` vs `createMssLoss(p).valueAndGrad`)
 * and the fixed-target op (`mssLossWithTarget` vs `withTarget(t).valueAndGrad`). The two sides
 * alternate in rounds so that both see the same load; each round times a batch of calls in process
 * CPU time; the ratio is the median of the rounds' ratios (target: at most 1.15). Run it pinned to one core
 * (`taskset -c 0 pnpm --filter @losses/mss bench`) on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { pairedCpuRatio } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import ndarray from 'ndarray';
import { createMssLoss } from '../src/index.js';
import { mssLoss, mssLossWithTarget } from '../src/tfjs/index.js';

const B = 4;
const T = 16000;
const ROUNDS = Number(process.env.ROUNDS ?? 11);

/** Ratio op / baseline in alternating rounds (`pairedCpuRatio` of @losses/tensor/internal). */
const compare = (base: () => void, op: () => void) =>
  pairedCpuRatio(base, op, { rounds: ROUNDS, warmup: 3, minMs: 60 });

function signals(seed: number, freq: number): Float32Array {
  const out = new Float32Array(B * T);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.sin(freq * (i % T)) + 0.1 * (s / 4294967296 - 0.5);
  }
  return out;
}

await tf.setBackend('cpu');
const e32 = signals(1, 0.05);
const t32 = signals(2, 0.051);
const est = ndarray(e32, [B, T]);
const tgt = ndarray(t32, [B, T]);
const et = tf.tensor2d(e32, [B, T]);
const tt = tf.tensor2d(t32, [B, T]);

const rows: [string, string, { base: number; op: number; ratio: number }][] = [];
for (const preset of ['standard', 'smooth'] as const) {
  const loss = createMssLoss(preset);
  const twoArg = tf.grad((x: tf.Tensor) => mssLoss(x, tt, loss));
  rows.push([
    `${preset}, mssLoss`,
    'valueAndGrad(est, tgt)',
    compare(
      () => loss.valueAndGrad(est, tgt),
      () => twoArg(et).dispose(),
    ),
  ]);
  const fixed = loss.withTarget(tgt);
  const op = mssLossWithTarget(tt, loss);
  const withTarget = tf.grad((x: tf.Tensor) => op(x));
  rows.push([
    `${preset}, mssLossWithTarget`,
    'withTarget(tgt).valueAndGrad(est)',
    compare(
      () => fixed.valueAndGrad(est),
      () => withTarget(et).dispose(),
    ),
  ]);
}

const pinned = (() => {
  try {
    return readFileSync('/proc/self/status', 'utf8').match(/Cpus_allowed_list:\s*(\S+)/)?.[1];
  } catch {
    return undefined;
  }
})();
console.log(
  `\n@losses/mss tfjs ops inside tf.grad (w.r.t. the estimate, data target) vs the ndarray valueAndGrad, B = ${B}, T = ${T}, float32, tfjs-core ${tf.version_core} cpu backend; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, cpus allowed ${pinned ?? 'n/a'}, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' ',
    )}; median CPU ms per call over ${ROUNDS} alternating rounds, ratio = median of the rounds' ratios`,
);
console.log('| op | ndarray baseline | baseline (ms) | tfjs op (ms) | ratio (target <= 1.15) |');
console.log('|---|---|---:|---:|---:|');
for (const [name, base, r] of rows) {
  console.log(
    `| ${name} | ${base} | ${r.base.toFixed(2)} | ${r.op.toFixed(2)} | ${r.ratio.toFixed(2)} |`,
  );
}
