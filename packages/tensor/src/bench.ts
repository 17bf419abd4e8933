/**
 * The timing of the repository's paired benchmarks (the `bench/tfjs.ts` of each package): process
 * CPU time, a baseline and a candidate measured in alternating rounds so that a slow phase of a
 * shared machine touches both sides of each ratio. Not a public API.
 */

// Node's process, typed here: the package's sources do not depend on Node's types.
const nodeProcess = (globalThis as { process?: { cpuUsage(): { user: number; system: number } } })
  .process;

/** Process CPU time (user + system) in milliseconds (Node only: the benchmarks run there). */
export function cpuMs(): number {
  if (!nodeProcess) throw new Error('cpuMs: process.cpuUsage is not available (Node only)');
  const u = nodeProcess.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** CPU milliseconds per call of `f`, over a batch of calls lasting at least `minMs`. */
export function cpuPerCall(f: () => void, minMs = 60): number {
  let n = 0;
  const t0 = cpuMs();
  do {
    f();
    n++;
  } while (cpuMs() - t0 < minMs);
  return (cpuMs() - t0) / n;
}

/** The median of `v` (the upper one for an even count). */
export function median(v: readonly number[]): number {
  const s = [...v].sort((a, b) => a - b);
  return s[Math.floor(s.length / 2)]!;
}

/**
 * The median CPU time of one call of `f` in ms, over at least `minRuns` calls and `minMs`
 * milliseconds, after three warm-up calls.
 */
export function medianCpuMs(f: () => void, minRuns = 15, minMs = 2000): number {
  for (let i = 0; i < 3; i++) f();
  const times: number[] = [];
  const start = cpuMs();
  while (times.length < minRuns || cpuMs() - start < minMs) {
    const t0 = cpuMs();
    f();
    times.push(cpuMs() - t0);
  }
  return median(times);
}

/** How {@link pairedCpuRatio} measures. */
export interface PairedOptions {
  /** Alternating rounds (default 11). */
  rounds?: number;
  /** Calls of each side before the rounds (default 3). */
  warmup?: number;
  /** The least CPU time of one side's batch of calls in a round, in ms (default 60). */
  minMs?: number;
}

/**
 * Median CPU ms per call of `base` and of `op` over alternating rounds, and the median over the
 * rounds of op / base (each round's two batches run back to back).
 */
export function pairedCpuRatio(
  base: () => void,
  op: () => void,
  options: PairedOptions = {},
): { base: number; op: number; ratio: number } {
  const { rounds = 11, warmup = 3, minMs = 60 } = options;
  for (let i = 0; i < warmup; i++) {
    base();
    op();
  }
  const a: number[] = [];
  const b: number[] = [];
  for (let r = 0; r < rounds; r++) {
    a.push(cpuPerCall(base, minMs));
    b.push(cpuPerCall(op, minMs));
  }
  return { base: median(a), op: median(b), ratio: median(b.map((v, r) => v / a[r]!)) };
}
