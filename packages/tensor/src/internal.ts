/**
 * @packageDocumentation
 * `@losses/tensor/internal`: building blocks the @losses packages share with each other. Not a
 * stable public API: it follows the versions of the @losses packages, not semver, and may change
 * in any release; do not import it from outside this repository.
 *
 * - {@link assertFloatStorage}: the integer rule for storage named by a string (a tfjs dtype), as
 *   `toTensor` applies it to typed arrays; the tfjs bridge's `fromTf` calls it.
 * - {@link compileWasm}: a package's WebAssembly module from its committed base64 bytes.
 * - {@link wasmEnabled} / {@link setWasmEnabled}: the one switch that turns every WebAssembly
 *   kernel off (also `LOSSES_WASM=off` in the environment, read once).
 * - {@link threadPool}, {@link serveTasks}: a bounded pool of worker threads for a package's
 *   batched kernels (Node `worker_threads`, Web Workers), with a synchronous path
 *   ({@link ThreadPool.runSync}, Node) and a promise path ({@link ThreadPool.run}, anywhere);
 *   {@link availableThreads}, {@link canRunSync} and {@link checkThreads} for a `threads` option.
 * - {@link applyFir} / {@link applyFirAdjoint}: FIR filtering as torch's `conv1d` and its adjoint;
 *   {@link aWeightingFilter} / {@link aWeightingTaps}: auraloss's A-weighting FIR filter
 *   (`FIRFilter('aw')`), used by @losses/waveform's pre-emphasis and @losses/mss's perceptual
 *   weighting.
 * - {@link pairedCpuRatio}, {@link cpuPerCall}, {@link median}: the paired CPU-time timing of the
 *   repository's benchmarks.
 * - {@link LruCache}: a least-recently-used map with a budget (bytes, or 1 per entry), for every
 *   bounded cache of the packages (plans, kept kernels and ops).
 * - {@link mulberry32}, {@link lcg32}, {@link lcgNoise}, {@link gaussian}: the seeded random
 *   numbers of the repository's tests, benchmarks and apps (one place: a seed means the same
 *   numbers everywhere).
 */
export { aWeightingTaps } from './a-weighting.js';
export {
  cpuMs,
  cpuPerCall,
  median,
  medianCpuMs,
  type PairedOptions,
  pairedCpuRatio,
} from './bench.js';
export { assertFloatStorage, INTEGER_INPUT_HINT } from './coerce.js';
export {
  applyFir,
  applyFirAdjoint,
  aWeightingFilter,
  type FirFilter,
  firOutputLength,
} from './fir.js';
export {
  availableThreads,
  canRunSync,
  checkThreads,
  serveTasks,
  type ThreadPool,
  type ThreadReply,
  type ThreadTask,
  threadPool,
  type WorkerEntry,
} from './internal-threads.js';
export { LruCache } from './lru.js';
export { gaussian, lcg32, lcgNoise, mulberry32 } from './random.js';
export { compileWasm, setWasmEnabled, wasmEnabled } from './wasm.js';
