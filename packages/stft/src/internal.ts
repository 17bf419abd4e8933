/**
 * @packageDocumentation
 * Building blocks for the losses of @losses (not a stable public API: it follows the versions of
 * @losses/mss and the other packages of this repository, not semver). A loss that runs many STFTs
 * per call (the multi-scale spectral loss) uses them to keep its spectra in one WebAssembly memory
 * instead of passing them through JavaScript arrays.
 */
export { LruCache, planCache, retainedBytes } from './cache.js';
export { addUnpadded, type Framed, powerOfTwoScale, StftKernel } from './kernel.js';
export { absoluteSum, amplitudeLimit, checkAmplitude } from './limits.js';
export {
  buildStft,
  frameCountOf,
  parseStftOptions,
  type ResolvedStft,
  resolveStftOptions,
  type StftLayout,
} from './options.js';
export {
  compileWasm,
  setWasmEnabled,
  setWasmMemoryLimit,
  WasmStft,
  wasmMemoryLimit,
  wasmSupports,
} from './wasm/kernel.js';
