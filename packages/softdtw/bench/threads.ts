/**
 * Issue 17's figures from one run: soft-DTW value + gradient w.r.t. x, B = 16, N = M = 1024,
 * D = 12, gamma = 1, float64, for the squared Euclidean, BCE and cosine costs:
 *
 * - BCE / squared Euclidean and cosine / squared Euclidean on one thread (target: BCE <= 1.2x);
 * - `threads: 'auto'` against one thread (target on 2 cores: <= 0.6x wall), and the threaded wall
 *   times themselves (target: both <= 300 ms on 2 cores);
 * - this build against the sources of another revision (`LOSSES_SOFTDTW_BASELINE_REF`, default
 *   `main`, see baseline.ts), one thread.
 *
 * This build is the compiled one (dist/, whose worker entry the threads load, as a user's install
 * does): run `pnpm build` first (`pnpm bench` at the root does). Every variant runs once untimed (JIT, workers started, workspaces grown), then the variants
 * alternate round by round and each keeps its best (BENCH_ROUNDS rounds, default 5). The load
 * average is printed before and after: on a shared machine the wall ratios of the threaded rows
 * mean something only when a second core is free.
 */
import { cpus, loadavg } from 'node:os';
import { tensor } from '@losses/tensor';
import { importRevision } from './baseline.js';

type ValueAndGrad = typeof import('../src/index.js').softDtwValueAndGrad;

interface Timing {
  wall: number;
  cpu: number;
}

function timed(f: () => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/** Standard normal data from a fixed xorshift seed. */
function randn(n: number, seed: number): Float64Array {
  let s = seed >>> 0 || 1;
  const u = () => {
    s ^= s << 13;
    s >>>= 0;
    s ^= s >>> 17;
    s ^= s << 5;
    s >>>= 0;
    return (s + 0.5) / 4294967296;
  };
  const out = new Float64Array(n);
  for (let i = 0; i < n; i++) out[i] = Math.sqrt(-2 * Math.log(u())) * Math.cos(2 * Math.PI * u());
  return out;
}

const load = () =>
  loadavg()
    .map((v) => v.toFixed(2))
    .join(' ');

export async function threadsAndCosts(): Promise<void> {
  const B = 16;
  const N = 1024;
  const M = 1024;
  const D = 12;
  const rounds = Number(process.env.BENCH_ROUNDS ?? 5);
  const shape = [B, N, D];
  const xs = randn(B * N * D, 21);
  const ys = randn(B * M * D, 22);
  const inputs = {
    sqeuclidean: { x: tensor(xs, shape), y: tensor(ys, [B, M, D]) },
    // probabilities against binary targets, as a transcription model's output and its labels
    bce: {
      x: tensor(
        xs.map((v) => 1 / (1 + Math.exp(-v))),
        shape,
      ),
      y: tensor(
        ys.map((v) => (v > 0.5 ? 1 : 0)),
        [B, M, D],
      ),
    },
    cosine: { x: tensor(xs, shape), y: tensor(ys, [B, M, D]) },
  } as const;
  const costs = ['sqeuclidean', 'bce', 'cosine'] as const;
  let built: { softDtwValueAndGrad: ValueAndGrad };
  try {
    built = (await import(new URL('../dist/index.js', import.meta.url).href)) as typeof built;
  } catch {
    console.log('\nissue 17 rows skipped: no dist/ (run `pnpm build` first)');
    return;
  }
  const softDtwValueAndGrad = built.softDtwValueAndGrad;
  const ref = process.env.LOSSES_SOFTDTW_BASELINE_REF ?? 'main';
  const base = await importRevision<{ softDtwValueAndGrad: ValueAndGrad }>(ref);
  const variants: { name: string; run: () => unknown }[] = [];
  for (const cost of costs) {
    const { x, y } = inputs[cost];
    variants.push({ name: `${cost} 1`, run: () => softDtwValueAndGrad(x, y, { cost }) });
    variants.push({
      name: `${cost} auto`,
      run: () => softDtwValueAndGrad(x, y, { cost, threads: 'auto' }),
    });
    if ('module' in base) {
      const f = base.module.softDtwValueAndGrad;
      variants.push({ name: `${cost} base`, run: () => f(x, y, { cost }) });
    }
  }
  console.log(
    `\nissue 17: soft-DTW value + grad w.r.t. x, B = ${B}, N = M = ${N}, D = ${D}, gamma 1, float64; ${cpus().length} cores (threads 'auto'); load average ${load()} (1, 5, 15 min)`,
  );
  const first = timed(variants[1]!.run);
  for (const v of variants) v.run();
  const best = new Map<string, Timing>();
  for (let r = 0; r < rounds; r++) {
    for (const v of variants) {
      const t = timed(v.run);
      const b = best.get(v.name);
      best.set(
        v.name,
        b === undefined ? t : { wall: Math.min(b.wall, t.wall), cpu: Math.min(b.cpu, t.cpu) },
      );
    }
  }
  const ms = (s: number) => (s * 1000).toFixed(0);
  const get = (n: string) => best.get(n)!;
  console.log(
    `best of ${rounds} rounds, alternating; load average after: ${load()}; the first threaded call (starting the workers) took ${ms(first.wall)} ms wall`,
  );
  console.log(
    '| cost | 1 thread wall (ms) | 1 thread CPU (ms) | threads auto wall (ms) | threaded / 1 (wall) | base wall (ms) | base CPU (ms) | this / base (CPU) |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- | --- |');
  for (const cost of costs) {
    const one = get(`${cost} 1`);
    const auto = get(`${cost} auto`);
    const b = best.get(`${cost} base`);
    console.log(
      `| ${cost} | ${ms(one.wall)} | ${ms(one.cpu)} | ${ms(auto.wall)} | **${(auto.wall / one.wall).toFixed(3)}** | ${b ? ms(b.wall) : 'n/a'} | ${b ? ms(b.cpu) : 'n/a'} | ${b ? (one.cpu / b.cpu).toFixed(3) : 'n/a'} |`,
    );
  }
  const sq = get('sqeuclidean 1');
  const ratio = (c: string, base: Timing) =>
    `${(get(`${c} 1`).cpu / base.cpu).toFixed(3)} CPU, ${(get(`${c} 1`).wall / base.wall).toFixed(3)} wall`;
  console.log(`\nBCE / squared Euclidean, one thread: **${ratio('bce', sq)}** (target <= 1.2)`);
  console.log(`cosine / squared Euclidean, one thread: ${ratio('cosine', sq)}`);
  const bSq = best.get('sqeuclidean base');
  const bBce = best.get('bce base');
  if (bSq && bBce) {
    console.log(
      `the same ratio on ${'commit' in base ? base.commit : ref} (${ref}): BCE / squared Euclidean ${(bBce.cpu / bSq.cpu).toFixed(3)} CPU, ${(bBce.wall / bSq.wall).toFixed(3)} wall`,
    );
  }
  console.log(
    `threaded wall times: squared Euclidean ${ms(get('sqeuclidean auto').wall)} ms, BCE ${ms(get('bce auto').wall)} ms (target <= 300 ms on 2 cores)`,
  );
  if ('reason' in base)
    console.log(`no before/after rows: revision ${ref} unavailable (${base.reason})`);
}
