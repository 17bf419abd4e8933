/**
 * `pnpm --filter @losses/softdtw bench` (its second part, `bench/tfjs.ts`): the tfjs op
 * `softDtw` of `@losses/softdtw/tfjs` inside `tf.grad` (w.r.t. `x`; `y` is data, as in training)
 * against `softDtwValueAndGrad` of `@losses/softdtw` on the same float32 data, at the bench's
 * batch sizes (B = 8, N = M = 512 and B = 64, N = M = 128, D = 12, squared Euclidean cost,
 * gamma 1), and the tfjs `ctcLoss` inside `tf.grad` (w.r.t. the log-probabilities, reduction
 * `'mean'`) against `ctcLossValueAndGrad` at the CTC bench's size (B = 16, T = 500, C = 30, labels
 * of 80; `bench/run.ts`). The two sides alternate in rounds so that both see the same load; each round times a
 * batch of calls in process CPU time; the ratio is the median of the rounds' ratios (target: at most 1.15). Run it
 * pinned to one core (`taskset -c 0 pnpm --filter @losses/softdtw bench`) on a shared machine.
 */
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { tensor } from '@losses/tensor';
import { gaussian, mulberry32, pairedCpuRatio } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import { ctcLossValueAndGrad, softDtwValueAndGrad } from '../src/index.js';
import { ctcLoss, softDtw } from '../src/tfjs/index.js';

const ROUNDS = Number(process.env.ROUNDS ?? 7);

/** Ratio op / baseline in alternating rounds (`pairedCpuRatio` of @losses/tensor/internal). */
const compare = (base: () => void, op: () => void) =>
  pairedCpuRatio(base, op, { rounds: ROUNDS, warmup: 2, minMs: 60 });
const CASES = [
  { B: 8, N: 512, M: 512, D: 12 },
  { B: 64, N: 128, M: 128, D: 12 },
];

/** Standard normal float32 data from the repository's seeded generator. */
function randn(n: number, seed: number): Float32Array {
  const u = mulberry32(seed);
  return Float32Array.from({ length: n }, () => gaussian(u));
}

await tf.setBackend('cpu');
const rows: [string, { base: number; op: number; ratio: number }][] = [];
for (const { B, N, M, D } of CASES) {
  const x = randn(B * N * D, 1);
  const y = randn(B * M * D, 2);
  const xn = tensor(x, [B, N, D]);
  const yn = tensor(y, [B, M, D]);
  const xt = tf.tensor3d(x, [B, N, D]);
  const yt = tf.tensor3d(y, [B, M, D]);
  const grad = tf.grad((a: tf.Tensor) => softDtw(a, yt, { gamma: 1 }));
  rows.push([
    `softDtw, B=${B} N=M=${N} D=${D}`,
    compare(
      () => softDtwValueAndGrad(xn, yn, { gamma: 1 }),
      () => grad(xt).dispose(),
    ),
  ]);
}

{
  // CTC: the log-softmax of standard normal logits (float32), labels uniform over the non-blank
  // classes, as in bench/run.ts.
  const B = 16;
  const T = 500;
  const C = 30;
  const L = 80;
  const z = randn(B * T * C, 7);
  for (let k = 0; k < B * T; k++) {
    let m = Number.NEGATIVE_INFINITY;
    for (let c = 0; c < C; c++) m = Math.max(m, z[k * C + c]!);
    let s = 0;
    for (let c = 0; c < C; c++) s += Math.exp(z[k * C + c]! - m);
    const lse = m + Math.log(s);
    for (let c = 0; c < C; c++) z[k * C + c] = z[k * C + c]! - lse;
  }
  const u = randn(B * L, 8);
  const labels = Array.from({ length: B }, (_, b) =>
    Array.from({ length: L }, (_, l) => 1 + (Math.floor(Math.abs(u[b * L + l]!) * 1e6) % (C - 1))),
  );
  const zn = tensor(z, [B, T, C]);
  const zt = tf.tensor3d(z, [B, T, C]);
  const grad = tf.grad((a: tf.Tensor) => ctcLoss(a, labels));
  rows.push([
    `ctcLoss, B=${B} T=${T} C=${C} L=${L}`,
    compare(
      () => ctcLossValueAndGrad(zn, labels),
      () => grad(zt).dispose(),
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
  `\n@losses/softdtw tfjs ops inside tf.grad vs the ndarray valueAndGrad: softDtw (w.r.t. x, data y; sqeuclidean, gamma 1) vs softDtwValueAndGrad, ctcLoss (w.r.t. the log-probabilities, mean) vs ctcLossValueAndGrad, float32 data; tfjs-core ${tf.version_core} cpu backend; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}, cpus allowed ${pinned ?? 'n/a'}, load average ${loadavg()
    .map((v) => v.toFixed(2))
    .join(
      ' ',
    )}; median CPU ms per call over ${ROUNDS} alternating rounds, ratio = median of the rounds' ratios`,
);
console.log('| op, case | ndarray valueAndGrad (ms) | tfjs op (ms) | ratio (target <= 1.15) |');
console.log('|---|---:|---:|---:|');
for (const [name, r] of rows) {
  console.log(`| ${name} | ${r.base.toFixed(2)} | ${r.op.toFixed(2)} | ${r.ratio.toFixed(2)} |`);
}
