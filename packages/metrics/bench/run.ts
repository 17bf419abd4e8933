/**
 * Benchmark of @losses/metrics: `sinusoidGra` trials per second for the smooth MSS preset at
 * 44.1 kHz with 1 s signals (4 steps, so 8 estimates and one target per trial).
 *
 * Baseline, measured in the same run: the bare loss work of one trial - `withTarget(target)` plus
 * one `perItem` call on a prebuilt [8, T] batch - so the ratio is the protocol's own overhead
 * (signal synthesis, random draws, bookkeeping). Also timed: the same protocol through a plain
 * two-argument loss function (no target reuse, no batching).
 *
 * @losses/mss is a devDependency of this package (metrics itself does not depend on the loss
 * packages: the protocol takes any loss function); turbo builds it before the bench. Run:
 * `pnpm --filter @losses/metrics bench`.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import * as mss from '@losses/mss';
import { tensor } from '@losses/tensor';
import { sinusoidGra } from '../src/index.js';

const T = 44100;
const STEPS = [0.3, 3, 30, 300];
const TRIALS = Number(process.env.BENCH_TRIALS ?? 16);
const REPEATS = Number(process.env.BENCH_REPEATS ?? 5);

/**
 * Trials per second of each workload: the workloads run round-robin, REPEATS times each after
 * one warm-up, and the fastest repeat counts (the least disturbed by other processes on a shared
 * machine).
 */
function rates(runs: readonly ((trials: number) => void)[]): number[] {
  for (const run of runs) run(2);
  const best = runs.map(() => Infinity);
  for (let r = 0; r < REPEATS; r++) {
    runs.forEach((run, i) => {
      const t0 = performance.now();
      run(TRIALS);
      best[i] = Math.min(best[i]!, (performance.now() - t0) / 1000);
    });
  }
  return best.map((t) => TRIALS / t);
}

const smooth = mss.createMssLoss('smooth');

// Baseline: the loss work of a trial on prebuilt signals.
const sig = (f: number, phase: number) => {
  const x = new Float64Array(T);
  for (let n = 0; n < T; n++) x[n] = Math.sin((2 * Math.PI * f * n) / T + phase);
  return x;
};
const target = tensor(sig(1000, 0.1), [T]);
const batchData = new Float64Array(8 * T);
for (let i = 0; i < 8; i++) batchData.set(sig(1000 * 2 ** ((i - 4) / 12), i), i * T);
const batch = tensor(batchData, [8, T]);
const [baseline, batched, plain] = rates([
  (trials) => {
    for (let i = 0; i < trials; i++) smooth.withTarget(target).perItem(batch);
  },
  (trials) => {
    sinusoidGra({ loss: smooth, steps: STEPS, trials, seed: 1 });
  },
  (trials) => {
    sinusoidGra({ loss: (e, t) => mss.mssLoss(e, t, 'smooth'), steps: STEPS, trials, seed: 1 });
  },
]) as [number, number, number];

const version = JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as {
  version: string;
};
console.log(
  `@losses/metrics ${version.version} bench - node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
);
console.log(
  `sinusoidGra, smooth MSS preset, 44.1 kHz, 1 s, steps ${STEPS.join('/')} (8 estimates + 1 target per trial), ${TRIALS} trials per repeat, best of ${REPEATS} round-robin repeats\n`,
);
const rows: [string, number][] = [
  ['baseline: withTarget + perItem([8, T]) on prebuilt signals', baseline],
  ['sinusoidGra, createMssLoss("smooth") (withTarget, batched)', batched],
  ['sinusoidGra, plain function (est, tgt) => mssLoss(est, tgt, "smooth")', plain],
];
console.log('| workload | trials / s | ms / trial | vs baseline |');
console.log('|---|---|---|---|');
for (const [name, r] of rows) {
  console.log(
    `| ${name} | ${r.toFixed(2)} | ${(1000 / r).toFixed(0)} | ${(baseline / r).toFixed(2)}x time |`,
  );
}
