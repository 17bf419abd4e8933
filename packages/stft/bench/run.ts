/**
 * Benchmarks of @losses/stft (run: pnpm --filter @losses/stft bench; `-- --quick` for a short run).
 *
 * 1. rfft per transform (public `rfft`, one signal) for sizes 64..2053, powers of two and primes.
 * 2. magnitude and magnitude + magnitudeVjp for B = 4, T = 16000 float32 at every size
 *    (hop = size / 4, center, reflect), and the forward cost per frame amortised over the batch.
 * 3. Each prime against the power of two just above it (per frame; measured in alternating
 *    rounds so that load on the machine hits both alike).
 * 4. The forward (center: false) against tf.signal.stft + abs of @tensorflow/tfjs-core on the cpu
 *    backend, per frame, in the same run (tf on fewer frames: it is slow).
 * 5. Issue 17: the forward per frame, float64 and float32 signals, against pffft's float32 SIMD
 *    real FFT compiled to WebAssembly (@echogarden/pffft-wasm, `simd` entry, a devDependency of
 *    this bench only) at every power of two 128 ... 4096, and the primes (the smooth preset's sizes)
 *    against the power of two above for float32 signals (both on the float32 kernels).
 *
 * Every time is the fastest of several rounds. Prints Markdown for docs/benchmarks.md.
 * `-- --pffft` runs section 5 alone. `-- --js` measures the JavaScript kernel (the fallback where WebAssembly SIMD is missing)
 * instead of the WebAssembly one.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import PFFFT from '@echogarden/pffft-wasm/simd';
import { tensor } from '@losses/tensor';
import { lcgNoise, setWasmEnabled } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import { Framer } from '../src/framing.js';
import { createStft, rfft } from '../src/index.js';
import { resolveStftOptions } from '../src/options.js';
import { wasmSupports } from '../src/wasm/kernel.js';
import { WasmStft32 } from '../src/wasm/kernel32.js';
import { cpuRound } from './cpu-round.js';

const quick = process.argv.includes('--quick');
const js = process.argv.includes('--js');
if (js) setWasmEnabled(false);
const POW2 = [64, 128, 256, 512, 1024, 2048];
const PRIMES = [67, 127, 257, 509, 1021, 2053];
const SIZES = [...POW2, ...PRIMES].sort((a, b) => a - b);
const B = 4;
const T = 16000;
const ROUNDS = quick ? 3 : 15;
const BUDGET = quick ? 0.04 : 0.06;

/** Seconds per call of one round: `fn` repeated for about `budget` seconds. */
function round(fn: () => unknown, budget = BUDGET): number {
  let calls = 0;
  const start = performance.now();
  let elapsed = 0;
  do {
    fn();
    calls++;
    elapsed = (performance.now() - start) / 1000;
  } while (elapsed < budget);
  return elapsed / calls;
}

/** As {@link race}, in CPU time ({@link cpuRound}). */
function cpuRace(fns: (() => unknown)[], rounds = ROUNDS, budget = BUDGET): number[] {
  for (const fn of fns) fn();
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      best[i] = Math.min(best[i]!, cpuRound(fn, budget));
    });
  }
  return best;
}

/** Fastest round of each function, the functions measured in alternating rounds. */
function race(fns: (() => unknown)[], rounds = ROUNDS, budget = BUDGET): number[] {
  for (const fn of fns) fn();
  const best = fns.map(() => Number.POSITIVE_INFINITY);
  for (let r = 0; r < rounds; r++) {
    fns.forEach((fn, i) => {
      best[i] = Math.min(best[i]!, round(fn, budget));
    });
  }
  return best;
}

function signal(length: number, seed: number): Float32Array {
  return Float32Array.from(lcgNoise(length, seed));
}

const us = (s: number) => (s * 1e6).toFixed(s < 1e-5 ? 2 : 1);
const ms = (s: number) => (s * 1e3).toFixed(2);

function nextPow2(n: number): number {
  let m = 1;
  while (m < n) m *= 2;
  return m;
}

async function main(): Promise<void> {
  await tf.setBackend('cpu');
  const cpu = cpus()[0]?.model ?? 'unknown CPU';
  const tfVersion = JSON.parse(
    readFileSync(
      new URL('../node_modules/@tensorflow/tfjs-core/package.json', import.meta.url),
      'utf8',
    ),
  ).version;
  console.log(
    `Node ${process.version}, ${cpu} (${cpus().length} cores), tfjs-core ${tfVersion} (cpu backend), ${wasmSupports(64) ? 'WebAssembly' : 'JavaScript'} STFT kernel${quick ? ', quick run' : ''}.\n`,
  );

  const x = tensor(signal(B * T, 1), [B, T]);
  if (process.argv.includes('--pffft')) {
    await versusPffft(x);
    return;
  }
  const plans = new Map(
    [...SIZES, 4096].map((size) => [size, createStft({ size, hop: Math.floor(size / 4) })]),
  );
  // Warm-up: every code path once.
  for (const plan of plans.values()) {
    const r = plan.magnitudeWithVjp(x);
    r.vjp(r.magnitude);
  }

  console.log(`Per size: B = ${B}, T = ${T} float32, hop = size / 4, center, reflect.\n`);
  console.log(
    '| size | frames | rfft (us/transform) | forward (us/frame) | magnitude (ms) | magnitude + vjp (ms) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const size of SIZES) {
    const plan = plans.get(size)!;
    const frames = B * plan.frameCount(T);
    const one = signal(size, size);
    const [tRfft, tMag, tBoth] = race([
      () => rfft(one),
      () => plan.magnitude(x),
      () => {
        const r = plan.magnitudeWithVjp(x);
        r.vjp(r.magnitude);
      },
    ]);
    console.log(
      `| ${size} | ${frames} | ${us(tRfft!)} | ${us(tMag! / frames)} | ${ms(tMag!)} | ${ms(tBoth!)} |`,
    );
  }

  console.log('\nPrime sizes vs the power of two just above (forward per frame, same batch).\n');
  console.log('| prime | us/frame | power of two | us/frame | ratio (target <= 4) |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const p of PRIMES) {
    const q = nextPow2(p);
    const pp = plans.get(p)!;
    const pq = plans.get(q)!;
    const [a, b] = race([() => pp.magnitude(x), () => pq.magnitude(x)]);
    const fa = a! / (B * pp.frameCount(T));
    const fb = b! / (B * pq.frameCount(T));
    console.log(`| ${p} | ${us(fa)} | ${q} | ${us(fb)} | ${(fa / fb).toFixed(2)} |`);
  }

  await versusPffft(x);

  console.log(
    '\nForward vs tf.signal.stft + abs (cpu backend), center: false, hop = size / 4, per frame.\n',
  );
  console.log(
    '| size | @losses (us/frame) | tf.signal.stft (us/frame) | frames timed in tf | speed-up (target >= 300) |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  const tfSizes = quick ? [64, 67, 256, 257, 2048] : SIZES;
  for (const size of tfSizes) {
    const hop = Math.floor(size / 4);
    const plan = createStft({ size, hop, center: false });
    const frames = B * plan.frameCount(T);
    const tfFrames = size <= 512 ? 64 : 16;
    const row = tf.tensor1d(signal(size + (tfFrames - 1) * hop, 2));
    const [ours, theirs] = race(
      [
        () => plan.magnitude(x),
        () => tf.tidy(() => tf.abs(tf.signal.stft(row, size, hop, size)).dataSync()),
      ],
      quick ? 1 : size <= 512 ? 9 : 3,
      0.02,
    );
    row.dispose();
    const a = ours! / frames;
    const b = theirs! / tfFrames;
    console.log(`| ${size} | ${us(a)} | ${us(b)} | ${tfFrames} | ${(b / a).toFixed(0)}x |`);
  }
}

/** The exports of pffft's Emscripten module that the bench uses (pffft.h: PFFFT_REAL = 0, PFFFT_FORWARD = 0). */
interface Pffft {
  HEAPF32: Float32Array;
  _pffft_new_setup(n: number, transform: number): number;
  _pffft_aligned_malloc(bytes: number): number;
  _pffft_transform(setup: number, input: number, output: number, work: number, dir: number): void;
  _pffft_transform_ordered(
    setup: number,
    input: number,
    output: number,
    work: number,
    dir: number,
  ): void;
}

/**
 * Issue 17: our forward per frame against pffft's SIMD real FFT per transform. pffft is timed on
 * 16 different frames already in its memory (the transform alone: no windowing, framing,
 * magnitudes or copies), so the ratio is conservative for us. Ours: the public `magnitude` of a
 * [B, T] float64 and float32 signal (framing, window, transform, magnitudes, output), and the
 * float32 kernel alone (padding into its memory, window, transform, magnitudes: no validation or
 * output allocation), and the floor of any call that returns a new array of the output's size
 * (allocating it and writing it once: a fresh ArrayBuffer of 0.1-0.5 MB costs page faults and
 * V8's scavenges for external memory). Timed in CPU time of this process (the fastest round),
 * which a loaded machine disturbs less than wall time.
 */
async function versusPffft(x: ReturnType<typeof tensor>): Promise<void> {
  const pf = (await PFFFT()) as Pffft;
  const x32 = tensor(Float32Array.from(x.data), [B, T]);
  console.log(
    '\nForward real FFT per frame vs pffft (float32 SIMD WebAssembly, @echogarden/pffft-wasm 0.4.2 `simd`), B = 4, T = 16000, hop = size / 4, center; CPU time per frame.\n',
  );
  console.log(
    '| size | float64 signal (us/frame) | float32 signal (us/frame) | float32 kernel (us/frame) | fresh output (us/frame) | pffft ordered (us) | pffft unordered (us) | float64 / pffft | float32 / pffft (target <= 1.25) | kernel / pffft | fresh output / pffft |',
  );
  console.log('| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  const K = 16;
  for (const size of [128, 256, 512, 1024, 2048, 4096]) {
    const hop = size / 4;
    const plan = createStft({ size, hop });
    const frames = B * plan.frameCount(T);
    const k32 = new WasmStft32(size, hop, plan.window);
    const framer = new Framer(resolveStftOptions({ size, hop }));
    const out = new Float32Array(frames * plan.bins);
    const setup = pf._pffft_new_setup(size, 0);
    const input = pf._pffft_aligned_malloc(4 * size * K);
    const output = pf._pffft_aligned_malloc(4 * size);
    const work = pf._pffft_aligned_malloc(4 * size);
    pf.HEAPF32.set(x32.data.subarray(0, size * K), input / 4);
    const [t64, t32, tk, tout, tpo, tpu] = cpuRace([
      () => plan.magnitude(x),
      () => plan.magnitude(x32),
      () => k32.magnitudes(framer, x32.data as Float32Array, B, T, 0, out),
      // The floor of any call that returns a new array: allocating it and writing it once.
      () => new Float32Array(out.length).set(out),
      () => {
        for (let f = 0; f < K; f++)
          pf._pffft_transform_ordered(setup, input + 4 * size * f, output, work, 0);
      },
      () => {
        for (let f = 0; f < K; f++)
          pf._pffft_transform(setup, input + 4 * size * f, output, work, 0);
      },
    ]);
    const a = t64! / frames;
    const b = t32! / frames;
    const c = tk! / frames;
    const o = tout! / frames;
    const po = tpo! / K;
    const pu = tpu! / K;
    console.log(
      `| ${size} | ${us(a)} | ${us(b)} | ${us(c)} | ${us(o)} | ${us(po)} | ${us(pu)} | ${(a / po).toFixed(2)} | ${(b / po).toFixed(2)} | ${(c / po).toFixed(2)} | ${(o / po).toFixed(2)} |`,
    );
  }

  console.log(
    '\nPrime sizes vs the power of two above, float32 signals (forward per frame; both on the float32 kernels: Bluestein or Rader (257) over the power-of-two FFT for the primes).\n',
  );
  console.log('| prime | us/frame | power of two | us/frame | ratio (target <= 3) |');
  console.log('| ---: | ---: | ---: | ---: | ---: |');
  for (const p of [67, 127, 257, 509, 1021, 2053]) {
    const q = nextPow2(p);
    const pp = createStft({ size: p, hop: Math.floor(p / 4) });
    const pq = createStft({ size: q, hop: Math.floor(q / 4) });
    const [ta, tb] = cpuRace([() => pp.magnitude(x32), () => pq.magnitude(x32)]);
    const fa = ta! / (B * pp.frameCount(T));
    const fb = tb! / (B * pq.frameCount(T));
    console.log(`| ${p} | ${us(fa)} | ${q} | ${us(fb)} | ${(fa / fb).toFixed(2)} |`);
  }
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
