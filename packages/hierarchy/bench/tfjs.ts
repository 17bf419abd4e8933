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
import * as tf from '@tensorflow/tfjs-core';
import { createHierarchicalLoss, hierarchies, mcLossValueAndGrad } from '../src/index.js';
import { hierarchicalLoss, mcLoss } from '../src/tfjs/index.js';

const F = Number(process.env.FRAMES ?? 100_000);
const ROUNDS = Number(process.env.ROUNDS ?? 11);
const h = hierarchies.orchestra;
const C = h.classes.length;
const options = { alpha: 0.5, beta: 1 };

function rng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU ms per call of `f`, over a batch of calls lasting at least `minMs`. */
function perCall(f: () => void, minMs = 60): number {
  let n = 0;
  const t0 = cpuMs();
  do {
    f();
    n++;
  } while (cpuMs() - t0 < minMs);
  return (cpuMs() - t0) / n;
}

function median(v: number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * Median CPU ms per call of the baseline and of the op, measured in alternating rounds, and the
 * median over the rounds of op / baseline (each round's pair ran back to back, so a slow phase of a
 * shared machine touches both sides of a ratio).
 */
function compare(base: () => void, op: () => void): { base: number; op: number; ratio: number } {
  for (let i = 0; i < 3; i++) {
    base();
    op();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    a.push(perCall(base));
    b.push(perCall(op));
  }
  return { base: median(a), op: median(b), ratio: median(b.map((v, r) => v / a[r]!)) };
}

await tf.setBackend('cpu');
const r = rng(1);
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
