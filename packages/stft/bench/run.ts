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
 *
 * Every time is the fastest of several rounds. Prints Markdown for docs/benchmarks.md.
 * `-- --js` measures the JavaScript kernel (the fallback where WebAssembly SIMD is missing)
 * instead of the WebAssembly one.
 */
import { readFileSync } from 'node:fs';
import { cpus } from 'node:os';
import '@tensorflow/tfjs-backend-cpu';
import { tensor } from '@losses/tensor';
import { lcgNoise, setWasmEnabled } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs-core';
import { createStft, rfft } from '../src/index.js';
import { wasmSupports } from '../src/wasm/kernel.js';

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

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
