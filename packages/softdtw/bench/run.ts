/**
 * Benchmark of @losses/softdtw: value + gradient w.r.t. x, squared Euclidean cost, gamma = 1,
 * float64, D = 12, for B = 8 x 512 x 512, B = 64 x 128 x 128 and one 4096 x 4096 pair (memory).
 * Baseline in the same run: bench/numba_bench.py (tslearn-style numba njit loops) under
 * /usr/bin/python3. `pnpm bench` runs both when numba is available; `pnpm bench:numba` requires it.
 *
 * Memory of the 4096 pair is reported two ways: by accounting (the float64 words the kernels
 * allocate: the WebAssembly memory with the soft-min weights and rows, the JavaScript rows, the
 * gradient) and as process.memoryUsage() deltas (the WebAssembly memory shows in rss, not in
 * arrayBuffers).
 */
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { tensor } from '@losses/tensor';
import { bandLimits } from '../src/band.js';
import { planCost } from '../src/costs.js';
import { CLASSIC_GRID } from '../src/grid.js';
import { softDtwValueAndGrad } from '../src/index.js';
import { softDtwBackward, softDtwForward } from '../src/recursion.js';
import { sqeuclideanValueAndGrad } from '../src/sqeuclidean.js';
import { classicSteps } from '../src/steps.js';
import { Workspace } from '../src/workspace.js';

const here = dirname(fileURLToPath(import.meta.url));
const requireNumba = process.argv.includes('--numba');

interface Case {
  name: string;
  B: number;
  N: number;
  M: number;
  D: number;
  repeats: number;
}
const CASES: Case[] = [
  { name: 'B8_N512', B: 8, N: 512, M: 512, D: 12, repeats: 5 },
  { name: 'B64_N128', B: 64, N: 128, M: 128, D: 12, repeats: 5 },
  { name: 'B1_N4096', B: 1, N: 4096, M: 4096, D: 12, repeats: 1 },
];

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

interface Timing {
  /** Wall-clock seconds. */
  wall: number;
  /** Process CPU seconds (user + system): less sensitive to other jobs on a shared machine. */
  cpu: number;
}

function oursOnce(x: ReturnType<typeof tensor>, y: ReturnType<typeof tensor>): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  softDtwValueAndGrad(x, y, { gamma: 1 });
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

/**
 * Memory of one N x M pair, run through the same kernels as softDtwValueAndGrad (a fresh
 * workspace, the whole-pair WebAssembly path): the float64 words of the buffers allocated
 * (accounting: the WebAssembly memory with the soft-min weights, rows and staged sequences, the
 * JavaScript rows, the gradient), and process.memoryUsage() deltas sampled after the call, while
 * the workspace still holds everything.
 */
function memory(N: number, M: number, D: number) {
  const x = randn(N * D, 3);
  const y = randn(M * D, 4);
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  const before = process.memoryUsage();
  const ws = new Workspace();
  const steps = { ...classicSteps(1, 1, 1), gamma: 1 };
  const gx = new Float64Array(N * D);
  if (sqeuclideanValueAndGrad(ws, x, y, N, M, D, steps, CLASSIC_GRID, gx) === null) {
    // No WebAssembly: the JavaScript row loops.
    const plan = planCost('sqeuclidean', x, y, N, M, D);
    const band = bandLimits(N, M, null);
    softDtwForward(N, M, plan.row, band, steps, ws);
    softDtwBackward(N, M, band, steps, ws, (i, e, lo, hi) => plan.vjpRow(i, e, lo, hi, gx, null));
  }
  const during = process.memoryUsage();
  // Workspace (WebAssembly memory; JavaScript rows) + gradient.
  const words = ws.words() + gx.length;
  return {
    accountedBytes: words * 8,
    limitBytes: 4 * N * M * 8,
    arrayBuffersDelta: during.arrayBuffers - before.arrayBuffers,
    rssDelta: during.rss - before.rss,
    gcExposed: gc !== undefined,
  };
}

let numbaOk = true;
/** One numba run of a case (its own process; JIT compilation is not timed). */
function numbaOnce(c: Case): Timing | null {
  if (!numbaOk) return null;
  const r = spawnSync('/usr/bin/python3', [join(here, 'numba_bench.py'), c.name, '--repeats=1'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    const msg = `numba baseline failed: ${r.error?.message ?? r.stderr.trim().split('\n').pop()}`;
    if (requireNumba) throw new Error(msg);
    console.log(msg);
    numbaOk = false;
    return null;
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as {
    seconds: number;
    cpu_seconds: number;
  };
  return { wall: j.seconds, cpu: j.cpu_seconds };
}

const cpu = cpus()[0]?.model ?? 'unknown';
let model = cpu;
try {
  model =
    readFileSync('/proc/cpuinfo', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('model name'))
      ?.split(':')[1]
      ?.trim() ?? cpu;
} catch {}
console.log(`node ${process.version}, ${model}, ${cpus().length} logical cores`);
console.log('soft-DTW value + grad w.r.t. x, sqeuclidean, gamma 1, float64, D = 12\n');
const rows: string[] = [];
rows.push(
  '| case | ours CPU (s) | numba CPU (s) | ratio CPU | ours wall (s) | numba wall (s) | ratio wall | ours ns/cell (CPU) |',
);
rows.push('| --- | --- | --- | --- | --- | --- | --- | --- |');
const best = (a: Timing, b: Timing): Timing => ({
  wall: Math.min(a.wall, b.wall),
  cpu: Math.min(a.cpu, b.cpu),
});
const only = process.argv.slice(2).filter((a) => !a.startsWith('--'));
for (const c of CASES.filter((k) => only.length === 0 || only.includes(k.name))) {
  const x = tensor(randn(c.B * c.N * c.D, 1), [c.B, c.N, c.D]);
  const y = tensor(randn(c.B * c.M * c.D, 2), [c.B, c.M, c.D]);
  oursOnce(x, y); // warm-up (JIT)
  // Ours and numba alternate, so that both see the same machine load; best of `repeats` each.
  let ours: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  let nb: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let r = 0; r < c.repeats; r++) {
    ours = best(ours, oursOnce(x, y));
    const t = numbaOnce(c);
    if (t !== null) nb = best(nb, t);
  }
  const have = Number.isFinite(nb.wall);
  const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
  const ratio = (a: number, b: number) => (have ? (a / b).toFixed(3) : 'n/a');
  const ns = ((ours.cpu * 1e9) / (c.B * c.N * c.M)).toFixed(1);
  rows.push(
    `| B=${c.B} N=M=${c.N} D=${c.D} | ${f(ours.cpu)} | ${f(nb.cpu)} | ${ratio(ours.cpu, nb.cpu)} | ${f(ours.wall)} | ${f(nb.wall)} | ${ratio(ours.wall, nb.wall)} | ${ns} |`,
  );
  console.log(rows[rows.length - 1]);
}
console.log(`\n${rows.join('\n')}`);
const mem = only.length === 0 || only.includes('B1_N4096') ? memory(4096, 4096, 12) : null;
if (mem !== null) {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `\nmemory, one 4096 x 4096 pair: accounted ${mb(mem.accountedBytes)} = ${(mem.accountedBytes / (4096 * 4096 * 8)).toFixed(3)} N M float64 words (limit 4 N M = ${mb(mem.limitBytes)}); process.memoryUsage deltas: arrayBuffers ${mb(mem.arrayBuffersDelta)}, rss ${mb(mem.rssDelta)}${mem.gcExposed ? '' : ' (no --expose-gc)'}`,
  );
}
