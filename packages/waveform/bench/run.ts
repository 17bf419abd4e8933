/**
 * Benchmark of @losses/waveform: value + gradient w.r.t. the estimate of every loss for a batch of
 * B = 4 signals of T = 16000 samples (1 s at 16 kHz), float32, against the same formulas written
 * with @tensorflow/tfjs-core ops and tf.valueAndGrad on the cpu backend (what a tfjs user writes
 * otherwise), measured in the same run, workloads interleaved round-robin, median of repeats.
 *
 * Run: pnpm --filter @losses/waveform bench   (B, T, REPS, ROUNDS from the environment)
 */
import { cpus, loadavg } from 'node:os';
import { tensor } from '@losses/tensor';
import { mulberry32 as rng } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs';
import { preEmphasisTaps } from '../src/index.js';
import { type LossName, plan } from '../test/helpers/losses.js';

const B = Number(process.env.B ?? 4);
const T = Number(process.env.T ?? 16000);
const REPS = Number(process.env.REPS ?? 7);
const ROUNDS = Number(process.env.ROUNDS ?? 3);
const EPS = 1e-8;

const r = rng(1);
const xData = new Float32Array(B * T);
const tData = new Float32Array(B * T);
for (let i = 0; i < B * T; i++) {
  tData[i] = Math.sin(0.05 * (i % T)) * (0.5 + 0.5 * r());
  xData[i] = 0.8 * tData[i]! + 0.1 * (r() - 0.5);
}

/** The tfjs formula of each workload (auraloss's, batched over rows). */
type TfLoss = (x: tf.Tensor2D, t: tf.Tensor2D) => tf.Scalar;
const centre = (v: tf.Tensor2D) => tf.sub(v, tf.mean(v, -1, true)) as tf.Tensor2D;
const energy = (v: tf.Tensor) => tf.sum(tf.square(v), -1);
const negDb = (n: tf.Tensor, e: tf.Tensor) =>
  tf.mean(tf.mul(-10 / Math.LN10, tf.log(tf.add(tf.div(n, tf.add(e, EPS)), EPS)))) as tf.Scalar;

function firTf(kind: 'hp' | 'aw'): (v: tf.Tensor2D) => tf.Tensor2D {
  const { weights, padding } = preEmphasisTaps({ kind });
  const w = tf.tensor3d(Float32Array.from(weights), [weights.length, 1, 1]);
  // (tf.conv1d's numeric padding also pads the height of its inner conv2d: pad by hand.)
  return (v) => {
    const padded = tf.pad(v, [
      [0, 0],
      [padding, padding],
    ]);
    return tf.squeeze(
      tf.conv1d(tf.expandDims(padded, 2) as tf.Tensor3D, w, 1, 'valid'),
      [2],
    ) as tf.Tensor2D;
  };
}
const hp = firTf('hp');
const aw = firTf('aw');

const workloads: [string, LossName, Record<string, unknown>, TfLoss][] = [
  ['l1', 'l1', {}, (x, t) => tf.mean(tf.abs(tf.sub(x, t))) as tf.Scalar],
  ['mse', 'mse', {}, (x, t) => tf.mean(tf.squaredDifference(x, t)) as tf.Scalar],
  [
    'mse + hp',
    'mse',
    { preEmphasis: { kind: 'hp' } },
    (x, t) => tf.mean(tf.squaredDifference(hp(x), hp(t))) as tf.Scalar,
  ],
  [
    'mse + aw (101 taps)',
    'mse',
    { preEmphasis: { kind: 'aw' } },
    (x, t) => tf.mean(tf.squaredDifference(aw(x), aw(t))) as tf.Scalar,
  ],
  [
    'esr',
    'esr',
    {},
    (x, t) => tf.mean(tf.div(energy(tf.sub(t, x)), tf.add(energy(t), EPS))) as tf.Scalar,
  ],
  [
    'dc',
    'dc',
    {},
    (x, t) =>
      tf.mean(
        tf.div(tf.square(tf.mean(tf.sub(t, x), -1)), tf.add(tf.mean(tf.square(t), -1), EPS)),
      ) as tf.Scalar,
  ],
  [
    'logCosh',
    'logCosh',
    {},
    (x, t) => tf.mean(tf.log(tf.add(tf.cosh(tf.sub(x, t)), EPS))) as tf.Scalar,
  ],
  [
    'snr',
    'snr',
    {},
    (x, t) => {
      const xc = centre(x);
      const tc = centre(t);
      return negDb(energy(tc), energy(tf.sub(xc, tc)));
    },
  ],
  [
    'siSdr',
    'siSdr',
    {},
    (x, t) => {
      const xc = centre(x);
      const tc = centre(t);
      const alpha = tf.div(tf.sum(tf.mul(xc, tc), -1, true), tf.add(energy(tc).expandDims(1), EPS));
      const e = tf.mul(tc, alpha);
      return negDb(energy(e), energy(tf.sub(xc, e)));
    },
  ],
  [
    'sdSdr',
    'sdSdr',
    {},
    (x, t) => {
      const xc = centre(x);
      const tc = centre(t);
      const alpha = tf.div(tf.sum(tf.mul(xc, tc), -1, true), tf.add(energy(tc).expandDims(1), EPS));
      return negDb(energy(tf.mul(tc, alpha)), energy(tf.sub(xc, tc)));
    },
  ],
];

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const est = tensor(xData, [B, T]);
  const tgt = tensor(tData, [B, T]);
  const xt = tf.tensor2d(xData, [B, T]);
  const tt = tf.tensor2d(tData, [B, T]);
  const ours = workloads.map(([, name, options]) => {
    const loss = plan(name, options);
    return () => loss.valueAndGrad(est, tgt);
  });
  const theirs = workloads.map(([, , , f]) => {
    const vg = tf.valueAndGrad((x: tf.Tensor) => f(x as tf.Tensor2D, tt));
    return () =>
      tf.tidy(() => {
        const { value, grad } = vg(xt);
        value.dataSync();
        grad.dataSync();
      });
  });
  // Check once that both compute the same loss (float32 tfjs vs float64 sums here).
  workloads.forEach(([label], k) => {
    const a = ours[k]!().value;
    const b = tf.tidy(() => workloads[k]![3](xt, tt).dataSync()[0]!);
    if (Math.abs(a - b) > 1e-3 * Math.abs(a) + 1e-6) {
      throw new Error(`${label}: @losses ${a} vs tfjs ${b}`);
    }
  });
  const times = workloads.map(() => ({ ours: [] as number[], tfjs: [] as number[] }));
  for (let round = 0; round < ROUNDS; round++) {
    for (let k = 0; k < workloads.length; k++) {
      for (const [which, fn] of [
        ['ours', ours[k]!],
        ['tfjs', theirs[k]!],
      ] as const) {
        fn();
        for (let rep = 0; rep < REPS; rep++) {
          const t0 = performance.now();
          fn();
          times[k]![which].push(performance.now() - t0);
        }
      }
    }
  }
  console.log(
    `@losses/waveform bench: value + gradient, B = ${B}, T = ${T}, float32; baseline: the same formulas in tfjs-core ops + tf.valueAndGrad (cpu backend), same run`,
  );
  console.log(
    `node ${process.version}, ${cpus().length} cpus, load average ${loadavg()
      .map((v) => v.toFixed(2))
      .join(' ')}, median of ${REPS * ROUNDS} runs each`,
  );
  console.log('| workload | @losses (ms) | tfjs ops (ms) | ratio @losses / tfjs |');
  console.log('|---|---|---|---|');
  workloads.forEach(([label], k) => {
    const a = median(times[k]!.ours);
    const b = median(times[k]!.tfjs);
    console.log(`| ${label} | ${a.toFixed(2)} | ${b.toFixed(2)} | ${(a / b).toFixed(2)} |`);
  });
}

await main();
