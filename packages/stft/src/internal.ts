/**
 * @packageDocumentation
 * Building blocks for the losses of @losses (not a stable public API: it follows the versions of
 * @losses/mss and the other packages of this repository, not semver). A loss that runs many STFTs
 * per call (the multi-scale spectral loss) uses them to keep its spectra in one WebAssembly memory
 * instead of passing them through JavaScript arrays. The WebAssembly switch and `compileWasm` are
 * `@losses/tensor/internal`'s.
 */
export { LruCache, planCache, retainedBytes } from './cache.js';
export {
  type Framed,
  Framer,
  frameCountOf,
  minSignalLength,
  paddedLengthOf,
} from './framing.js';
export { JsStftKernel } from './js-kernel.js';
export { createKernel, type StftKernel } from './kernel.js';
export { absoluteSum, amplitudeLimit, checkAmplitude } from './limits.js';
export {
  buildStft,
  parseStftOptions,
  type ResolvedStft,
  resolveStftOptions,
  type StftLayout,
} from './options.js';
export { powerOfTwoScale } from './scale.js';
export { keepFloat64 } from './stft.js';
export { setWasmMemoryLimit, WasmStft, wasmMemoryLimit, wasmSupports } from './wasm/kernel.js';
export { type MagnitudeRows, WasmStft32, wasm32Supports } from './wasm/kernel32.js';
export {
  createStft32,
  type Stft32Kernel,
  WasmStft32Any,
} from './wasm/kernel32-any.js';
export { tryWasm, WasmStftKernel } from './wasm/stft-kernel.js';
