/**
 * The float32 kernels' analyzeAt / adjointAt with float32 against float64 magnitude rows (issue 17;
 * the rows of @losses/mss's float32 loss loop): B = 4, T = 16000, centred, at the powers of two
 * 64 ... 2048 (hop n / 4) and the primes 67 ... 2053 (hop floor(n / 2)). Each call is timed in
 * alternating rounds (CPU time of this process), the median round per variant reported, with the
 * ratio float32 rows / float64 rows.
 *
 * Run: `taskset -c 0 npx tsx bench/rows32.ts` in packages/stft (`--quick` for fewer rounds).
 * `--base <dir>`: also time the adjoint (float64 rows) of another copy of this package's `src`
 * (e.g. `git archive <commit> src | tar -x -C <dir>`, the directory inside packages/stft so its
 * imports resolve), as a baseline for the float64 rows.
 */
import { lcgNoise } from '@losses/tensor/internal';
import { Framer } from '../src/framing.js';
import { resolveStftOptions } from '../src/options.js';
import { createStft32, type Stft32Kernel } from '../src/wasm/kernel32-any.js';
import { cpuRound } from './cpu-round.js';

const quick = process.argv.includes('--quick');
const baseAt = process.argv.indexOf('--base');
const baseDir = baseAt >= 0 ? process.argv[baseAt + 1] : undefined;
const ROUNDS = quick ? 5 : 21;
const BUDGET = quick ? 0.02 : 0.04;
const B = 4;
const T = 16000;
const SIZES: [number, number][] = [
  ...[64, 128, 256, 512, 1024, 2048].map((n): [number, number] => [n, n / 4]),
  ...[67, 127, 257, 509, 1021, 2053].map((n): [number, number] => [n, Math.floor(n / 2)]),
];

/** The median round of each function, the functions measured in alternating rounds. */
function medians(fns: (() => unknown)[]): number[] {
  for (const fn of fns) fn();
  const times = fns.map((): number[] => []);
  for (let r = 0; r < ROUNDS; r++) {
    fns.forEach((fn, i) => {
      times[i]!.push(cpuRound(fn, BUDGET));
    });
  }
  return times.map((t) => t.sort((a, b) => a - b)[t.length >> 1]!);
}

type Rows = 'float32' | 'float64';
type Create = (n: number, hop: number, window: ArrayLike<number>) => Stft32Kernel | null;

/** analyzeAt and adjointAt calls of kernel `k` on B noise signals with `rows` rows. */
function calls(k: Stft32Kernel, framer: Framer, rows: Rows | undefined) {
  const plen = framer.paddedLength(T);
  const frames = framer.frameCount(T);
  const total = B * frames;
  const count = total * k.bins;
  const bytes = rows === 'float32' ? 4 : 8;
  const [sig, mag, spec, dmag, gp] = k.layout(
    4 * B * plen,
    bytes * count,
    k.specBytes(total, frames),
    bytes * count,
    4 * B * plen,
  ) as [number, number, number, number, number];
  const x = Float32Array.from(lcgNoise(B * T, 5));
  const f = k.view32();
  framer.padInto(x, B, T, f.subarray(sig / 4, sig / 4 + B * plen));
  const d = Float32Array.from(lcgNoise(count, 9));
  if (rows === 'float32') k.view32().set(d, dmag / 4);
  else k.view64().set(d, dmag / 8);
  // A call of an older copy (`--base`) has no rows argument: it gets none.
  const extra = rows === undefined ? [] : [rows];
  const analyze = () =>
    (k.analyzeAt as (...a: unknown[]) => void)(sig, frames, total, plen, mag, spec, 0, ...extra);
  analyze();
  // The gradient adds up over the calls (finite: a few thousand calls of values about 1).
  k.view32().fill(0, gp / 4, gp / 4 + B * plen);
  const adjoint = () => {
    (k.adjointAt as (...a: unknown[]) => void)(
      spec,
      mag,
      dmag,
      frames,
      total,
      plen,
      0,
      gp,
      ...extra,
    );
  };
  return { analyze, adjoint, frames };
}

async function main(): Promise<void> {
  const base: Create | undefined = baseDir
    ? (
        (await import(`${process.cwd()}/${baseDir}/wasm/kernel32-any.ts`)) as {
          createStft32: Create;
        }
      ).createStft32
    : undefined;
  console.log(
    `B = ${B}, T = ${T}, ${ROUNDS} alternating rounds, median CPU ms per call` +
      (base ? `; base: ${baseDir}` : ''),
  );
  console.log(
    '| n | hop | frames | adjointAt f64 rows | adjointAt f32 rows | f32 / f64 |' +
      (base ? ' base f64 | f64 / base |' : '') +
      ' analyzeAt f64 | analyzeAt f32 | f32 / f64 |',
  );
  console.log(`|${' --- |'.repeat(base ? 11 : 9)}`);
  for (const [n, hop] of SIZES) {
    const cfg = resolveStftOptions({ size: n, hop, window: 'hann' });
    const framer = new Framer(cfg);
    const k64 = createStft32(n, hop, cfg.window)!;
    const k32 = createStft32(n, hop, cfg.window)!;
    const c64 = calls(k64, framer, 'float64');
    const c32 = calls(k32, framer, 'float32');
    const fns = [c64.adjoint, c32.adjoint];
    if (base) fns.push(calls(base(n, hop, cfg.window)!, framer, undefined).adjoint);
    const adj = medians(fns);
    const fwd = medians([c64.analyze, c32.analyze]);
    const ms = (t: number) => (t * 1e3).toFixed(3);
    console.log(
      `| ${n} | ${hop} | ${c64.frames} | ${ms(adj[0]!)} | ${ms(adj[1]!)} | ${(adj[1]! / adj[0]!).toFixed(3)} |` +
        (base ? ` ${ms(adj[2]!)} | ${(adj[0]! / adj[2]!).toFixed(3)} |` : '') +
        ` ${ms(fwd[0]!)} | ${ms(fwd[1]!)} | ${(fwd[1]! / fwd[0]!).toFixed(3)} |`,
    );
  }
}

await main();
