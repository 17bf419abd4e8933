/**
 * `pnpm --filter @losses/waveform bench` (its second part, `bench/tfjs.ts`): each tfjs op of
 * `@losses/waveform/tfjs` inside `tf.grad` (w.r.t. the estimate; the target is data) against
 * `valueAndGrad` of the planned loss of `@losses/waveform` on the same float32 data, B = 4,
 * T = 16000 (the bench's workloads). The two sides alternate in rounds so that both see the same
 * load; each round times a batch of calls in process CPU time; the ratio is the median of the
 * rounds' ratios (target: at most 1.15). Run it pinned to one core (`taskset -c 0 pnpm --filter @losses/waveform
 * bench`) on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { tensor } from '@losses/tensor';
import { mulberry32, pairedCpuRatio } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import * as ops from '../src/tfjs/index.js';
import { type LossName, plan } from '../test/helpers/losses.js';

const B = Number(process.env.B ?? 4);
const T = Number(process.env.T ?? 16000);
const ROUNDS = Number(process.env.ROUNDS ?? 21);

/** Ratio op / baseline in alternating rounds (`pairedCpuRatio` of @losses/tensor/internal). */
const compare = (base: () => void, op: () => void) =>
  pairedCpuRatio(base, op, { rounds: ROUNDS, warmup: 5, minMs: 30 });

type Op = (e: tf.Tensor, t: tf.Tensor, options?: never) => tf.Scalar;
const workloads: [string, LossName, Record<string, unknown>, Op][] = [
  ['l1', 'l1', {}, ops.l1Loss as Op],
  ['mse', 'mse', {}, ops.mseLoss as Op],
  ['mse + hp', 'mse', { preEmphasis: { kind: 'hp' } }, ops.mseLoss as Op],
  ['mse + aw (101 taps)', 'mse', { preEmphasis: { kind: 'aw' } }, ops.mseLoss as Op],
  ['esr', 'esr', {}, ops.esrLoss as Op],
  ['dc', 'dc', {}, ops.dcLoss as Op],
  ['logCosh', 'logCosh', {}, ops.logCoshLoss as Op],
  ['snr', 'snr', {}, ops.snrLoss as Op],
  ['siSdr', 'siSdr', {}, ops.siSdrLoss as Op],
  ['sdSdr', 'sdSdr', {}, ops.sdSdrLoss as Op],
];

await tf.setBackend('cpu');
const r = mulberry32(1);
const xData = new Float32Array(B * T);
const tData = new Float32Array(B * T);
for (let i = 0; i < B * T; i++) {
  tData[i] = Math.sin(0.05 * (i % T)) * (0.5 + 0.5 * r());
  xData[i] = 0.8 * tData[i]! + 0.1 * (r() - 0.5);
}
const est = tensor(xData, [B, T]);
const tgt = tensor(tData, [B, T]);
const xt = tf.tensor2d(xData, [B, T]);
const tt = tf.tensor2d(tData, [B, T]);

const rows: [string, { base: number; op: number; ratio: number }][] = [];
const only = process.argv.slice(2);
for (const [label, name, options, op] of workloads) {
  if (only.length > 0 && !only.includes(name)) continue;
  const loss = plan(name, options);
  const grad = tf.grad((x: tf.Tensor) => op(x, tt, options as never));
  rows.push([
    label,
    compare(
      () => loss.valueAndGrad(est, tgt),
      () => grad(xt).dispose(),
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
  `\n@losses/waveform tfjs ops inside tf.grad (w.r.t. the estimate, data target) vs the planned loss's valueAndGrad, B = ${B}, T = ${T}, float32; tfjs-core ${tf.version_core} cpu backend; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, cpus allowed ${pinned ?? 'n/a'}, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' ',
    )}; median CPU ms per call over ${ROUNDS} alternating rounds, ratio = median of the rounds' ratios`,
);
console.log('| loss | valueAndGrad (ms) | tfjs op (ms) | ratio (target <= 1.15) |');
console.log('|---|---:|---:|---:|');
for (const [name, v] of rows) {
  console.log(`| ${name} | ${v.base.toFixed(3)} | ${v.op.toFixed(3)} | ${v.ratio.toFixed(2)} |`);
}
