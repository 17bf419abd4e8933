/**
 * Issue 17's MSS figure from one run: value + gradient w.r.t. the estimate of the presets
 * `standard` and `smooth`, B = 8, T = 16000, float32, with `threads: 'auto'` against one thread
 * (target on the 2-core machine: at most 0.6x the wall time of one thread).
 *
 * The loss is the compiled one (dist/, whose worker entry the threads load, as a user's install
 * does): run `pnpm build` first (`pnpm bench` at the root does). Every variant runs untimed first
 * (JIT, workers started, memories grown), then the variants alternate round by round and each
 * keeps its best wall time (BENCH_ROUNDS rounds, default 15) and its process CPU time in that
 * round. The load average is printed before and after: on a shared machine the wall ratio means
 * something only when a second core is free.
 */
import { cpus, loadavg } from 'node:os';
import { lcg32 } from '@losses/tensor/internal';
import ndarray from 'ndarray';

type Create = typeof import('../src/index.js').createMssLoss;

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

function signals(B: number, T: number, seed: number, freq: number): Float32Array {
  const out = new Float32Array(B * T);
  const rand = lcg32(seed);
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(freq * (i % T)) + 0.1 * (rand() - 0.5);
  return out;
}

interface Timing {
  wall: number;
  cpu: number;
}

function timed(f: () => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = performance.now() - t0;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1000 };
}

/** Prints the threaded rows; returns the threaded / one-thread wall ratio per preset. */
export async function threadsRows(): Promise<Record<string, number>> {
  const B = 8;
  const T = 16000;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 15);
  let createMssLoss: Create;
  try {
    ({ createMssLoss } = (await import(new URL('../dist/index.js', import.meta.url).href)) as {
      createMssLoss: Create;
    });
  } catch {
    console.log('\nissue 17 rows skipped: no dist/ (run `pnpm build` first)');
    return {};
  }
  const est = ndarray(signals(B, T, 1, 0.05), [B, T]);
  const tgt = ndarray(signals(B, T, 2, 0.051), [B, T]);
  const presets = ['standard', 'smooth'] as const;
  const variants = presets.flatMap((p) => {
    const one = createMssLoss(p);
    const auto = createMssLoss(p, { threads: 'auto' });
    return [
      { name: `${p} 1`, run: () => one.valueAndGrad(est, tgt) },
      { name: `${p} auto`, run: () => auto.valueAndGrad(est, tgt) },
    ];
  });
  console.log(
    `\nissue 17: MSS value + grad, B = ${B}, T = ${T}, float32, threads 'auto' (${cpus().length} cores) against 1; load average ${load()} (1, 5, 15 min)`,
  );
  for (const v of variants) for (let i = 0; i < 3; i++) v.run();
  const best = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t = timed(v.run);
      const b = best.get(v.name);
      if (b === undefined || t.wall < b.wall) best.set(v.name, t);
    }
  }
  console.log(`best wall of ${rounds} rounds, alternating; load average after: ${load()}`);
  console.log(
    '| preset | 1 thread wall (ms) | its CPU (ms) | threads auto wall (ms) | its CPU (ms, all threads) | auto / 1 (wall) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- |');
  const out: Record<string, number> = {};
  for (const p of presets) {
    const one = best.get(`${p} 1`)!;
    const auto = best.get(`${p} auto`)!;
    out[p] = auto.wall / one.wall;
    console.log(
      `| ${p} | ${one.wall.toFixed(1)} | ${one.cpu.toFixed(1)} | ${auto.wall.toFixed(1)} | ${auto.cpu.toFixed(1)} | **${out[p]!.toFixed(3)}** (target <= 0.6) |`,
    );
  }
  return out;
}
