/**
 * Benchmark of @losses/softdtw, every comparison a ratio measured in the same run, runs alternated:
 *
 * 1. soft-DTW value + gradient w.r.t. x, squared Euclidean cost, gamma = 1, float64, D = 12, for
 *    B = 8 x 512 x 512, B = 64 x 128 x 128 and one 4096 x 4096 pair (memory), against
 *    bench/numba_bench.py (tslearn-style numba njit loops) under /usr/bin/python3;
 * 2. subsequence soft-DTW against full soft-DTW of the same size (N = 256, M = 4096, D = 12, value
 *    + gradient): target within 1.2x;
 * 3. CTC (ctcLossValueAndGrad, B = 16, T = 500, C = 30, labels of 80) against
 *    torch.nn.functional.ctc_loss on CPU with one thread (bench/torch_ctc_bench.py): target at most
 *    1.0x;
 * 4. with LOSSES_SOFTDTW_BASELINE=/path/to/another/build/dist/index.js, the classic cases of 1
 *    against that build (before/after a change);
 * 5. issue 17 (bench/threads.ts): B = 16, N = M = 1024, D = 12 under the squared Euclidean, BCE and
 *    cosine costs, on one thread, with `threads: 'auto'`, and on the sources of `main`
 *    (LOSSES_SOFTDTW_BASELINE_REF): the ratios BCE / squared Euclidean, threaded / one thread and
 *    this / main.
 *
 * `pnpm bench` skips the Python baselines when numba or torch is missing (saying what to install);
 * `pnpm bench:numba` requires them. Case names on the command line pick cases: B8_N512, B64_N128,
 * B1_N4096, subsequence, ctc, threads.
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
import { type Tensor, tensor } from '@losses/tensor';
import { gaussian, mulberry32 } from '@losses/tensor/internal';
import { bandLimits } from '../src/band.js';
import { planCost } from '../src/costs.js';
import { CLASSIC_GRID } from '../src/grid.js';
import { ctcLossValueAndGrad, softDtwValueAndGrad } from '../src/index.js';
import { pairValueAndGrad } from '../src/pair-cost.js';
import { softDtwBackward, softDtwForward } from '../src/recursion.js';
import { classicSteps } from '../src/steps.js';
import { Workspace } from '../src/workspace.js';
import { threadsAndCosts } from './threads.js';

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

/** Standard normal data from the repository's seeded generator (mulberry32, Box-Muller). */
function randn(n: number, seed: number): Float64Array {
  const u = mulberry32(seed);
  return Float64Array.from({ length: n }, () => gaussian(u));
}

interface Timing {
  /** Wall-clock seconds. */
  wall: number;
  /** Process CPU seconds (user + system): less sensitive to other jobs on a shared machine. */
  cpu: number;
}

/** Times one call of `f`. */
function timed(f: () => unknown): Timing {
  const c0 = process.cpuUsage();
  const t0 = performance.now();
  f();
  const wall = (performance.now() - t0) / 1000;
  const c = process.cpuUsage(c0);
  return { wall, cpu: (c.user + c.system) / 1e6 };
}

type ValueAndGrad = typeof softDtwValueAndGrad;

function oursOnce(x: Tensor, y: Tensor, impl: ValueAndGrad = softDtwValueAndGrad): Timing {
  return timed(() => impl(x, y, { gamma: 1 }));
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
  const plan = planCost('sqeuclidean', x, y, N, M, D);
  if (pairValueAndGrad(ws, plan.pair!, N, M, D, steps, CLASSIC_GRID, gx) === null) {
    // No WebAssembly: the JavaScript row loops.
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
    const msg = `numba baseline failed (${r.error?.message ?? r.stderr.trim().split('\n').pop()}); it needs /usr/bin/python3 with numba and numpy: on Debian apt-get install -y python3-numba`;
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
const wanted = (name: string) => only.length === 0 || only.includes(name);
const baselinePath = process.env.LOSSES_SOFTDTW_BASELINE;
const baseline: ValueAndGrad | null = baselinePath
  ? ((await import(baselinePath)) as { softDtwValueAndGrad: ValueAndGrad }).softDtwValueAndGrad
  : null;
const f = (v: number) => (Number.isFinite(v) ? v.toFixed(4) : 'n/a');
const baseRows: string[] = [];
for (const c of CASES.filter((k) => wanted(k.name))) {
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
  const ratio = (a: number, b: number) => (have ? (a / b).toFixed(3) : 'n/a');
  const ns = ((ours.cpu * 1e9) / (c.B * c.N * c.M)).toFixed(1);
  rows.push(
    `| B=${c.B} N=M=${c.N} D=${c.D} | ${f(ours.cpu)} | ${f(nb.cpu)} | ${ratio(ours.cpu, nb.cpu)} | ${f(ours.wall)} | ${f(nb.wall)} | ${ratio(ours.wall, nb.wall)} | ${ns} |`,
  );
  console.log(rows[rows.length - 1]);
  if (baseline !== null && c.N < 4096) {
    // This build against the other one, alternating, best of 7 each.
    oursOnce(x, y, baseline);
    let a: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
    let b: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
    for (let r = 0; r < 7; r++) {
      a = best(a, oursOnce(x, y));
      b = best(b, oursOnce(x, y, baseline));
    }
    baseRows.push(
      `| B=${c.B} N=M=${c.N} D=${c.D} | ${f(a.cpu)} | ${f(b.cpu)} | ${(a.cpu / b.cpu).toFixed(3)} | ${f(a.wall)} | ${f(b.wall)} | ${(a.wall / b.wall).toFixed(3)} |`,
    );
  }
}
if (rows.length > 2) console.log(`\n${rows.join('\n')}`);
if (baseRows.length > 0) {
  console.log(
    `\nthis build against ${baselinePath} (classic steps, value + grad, best of 7, alternating):`,
  );
  console.log(
    '| case | this CPU (s) | baseline CPU (s) | ratio CPU | this wall (s) | baseline wall (s) | ratio wall |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(baseRows.join('\n'));
}

// 2. Subsequence against full soft-DTW of the same size.
if (wanted('subsequence')) {
  const N = 256;
  const M = 4096;
  const D = 12;
  const x = tensor(randn(N * D, 5), [N, D]);
  const y = tensor(randn(M * D, 6), [M, D]);
  const full = () => softDtwValueAndGrad(x, y, { gamma: 1 });
  const sub = () => softDtwValueAndGrad(x, y, { gamma: 1, subsequence: true });
  full();
  sub();
  let a: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  let b: Timing = { wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY };
  for (let r = 0; r < 7; r++) {
    a = best(a, timed(sub));
    b = best(b, timed(full));
  }
  console.log(
    `\nsubsequence vs full soft-DTW, N = ${N}, M = ${M}, D = ${D}, value + grad (best of 7, alternating):`,
  );
  console.log(
    '| case | subsequence CPU (s) | full CPU (s) | ratio CPU | subsequence wall (s) | full wall (s) | ratio wall |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| N=${N} M=${M} D=${D} | ${f(a.cpu)} | ${f(b.cpu)} | **${(a.cpu / b.cpu).toFixed(3)}** | ${f(a.wall)} | ${f(b.wall)} | ${(a.wall / b.wall).toFixed(3)} |`,
  );
}

// 3. CTC against torch.nn.functional.ctc_loss.
let torchOk = true;
function torchOnce(): { f64: Timing; f32: Timing } | null {
  if (!torchOk) return null;
  const r = spawnSync('/usr/bin/python3', [join(here, 'torch_ctc_bench.py'), '--repeats=1'], {
    encoding: 'utf8',
  });
  if (r.status !== 0) {
    const msg = `torch baseline failed (${r.error?.message ?? r.stderr.trim().split('\n').pop()}); it needs /usr/bin/python3 with torch: on Debian apt-get install -y python3-torch`;
    if (requireNumba) throw new Error(msg);
    console.log(msg);
    torchOk = false;
    return null;
  }
  const j = JSON.parse(r.stdout.trim().split('\n').pop()!) as Record<string, number>;
  return {
    f64: { wall: j.float64_seconds!, cpu: j.float64_cpu_seconds! },
    f32: { wall: j.float32_seconds!, cpu: j.float32_cpu_seconds! },
  };
}

if (wanted('ctc')) {
  const B = 16;
  const T = 500;
  const C = 30;
  const L = 80;
  // log-softmax of standard normal logits, labels uniform over the non-blank classes
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
  const x64 = tensor(z, [B, T, C]);
  const x32 = tensor(Float32Array.from(z), [B, T, C]);
  const run64 = () => ctcLossValueAndGrad(x64, labels, { reduction: 'sum' });
  const run32 = () => ctcLossValueAndGrad(x32, labels, { reduction: 'sum' });
  run64();
  run32();
  const inf = (): Timing => ({ wall: Number.POSITIVE_INFINITY, cpu: Number.POSITIVE_INFINITY });
  let o64 = inf();
  let o32 = inf();
  let t64 = inf();
  let t32 = inf();
  for (let r = 0; r < 5; r++) {
    o64 = best(o64, timed(run64));
    o32 = best(o32, timed(run32));
    const t = torchOnce();
    if (t !== null) {
      t64 = best(t64, t.f64);
      t32 = best(t32, t.f32);
    }
  }
  const ratio = (a: number, b: number) => (Number.isFinite(b) ? (a / b).toFixed(3) : 'n/a');
  console.log(
    `\nCTC value + gradient, B = ${B}, T = ${T}, C = ${C}, labels of ${L} (reduction sum), against torch.nn.functional.ctc_loss, CPU, 1 thread (best of 5, alternating):`,
  );
  console.log(
    '| input | ours CPU (s) | torch CPU (s) | ratio CPU | ours wall (s) | torch wall (s) | ratio wall |',
  );
  console.log('| --- | --- | --- | --- | --- | --- | --- |');
  console.log(
    `| float64 | ${f(o64.cpu)} | ${f(t64.cpu)} | **${ratio(o64.cpu, t64.cpu)}** | ${f(o64.wall)} | ${f(t64.wall)} | ${ratio(o64.wall, t64.wall)} |`,
  );
  console.log(
    `| float32 | ${f(o32.cpu)} | ${f(t32.cpu)} | **${ratio(o32.cpu, t32.cpu)}** | ${f(o32.wall)} | ${f(t32.wall)} | ${ratio(o32.wall, t32.wall)} |`,
  );
}

if (wanted('threads')) await threadsAndCosts();

const mem = wanted('B1_N4096') ? memory(4096, 4096, 12) : null;
if (mem !== null) {
  const mb = (b: number) => `${(b / 2 ** 20).toFixed(1)} MiB`;
  console.log(
    `\nmemory, one 4096 x 4096 pair: accounted ${mb(mem.accountedBytes)} = ${(mem.accountedBytes / (4096 * 4096 * 8)).toFixed(3)} N M float64 words (limit 4 N M = ${mb(mem.limitBytes)}); process.memoryUsage deltas: arrayBuffers ${mb(mem.arrayBuffersDelta)}, rss ${mb(mem.rssDelta)}${mem.gcExposed ? '' : ' (no --expose-gc)'}`,
  );
}
