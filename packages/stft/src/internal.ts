/**
 * @packageDocumentation
 * Building blocks for the losses of @losses (not a stable public API: it follows the versions of
 * @losses/mss and the other packages of this repository, not semver). A loss that runs many STFTs
 * per call (the multi-scale spectral loss) uses them to keep its spectra in one WebAssembly memory
 * instead of passing them through JavaScript arrays.
 */
export { addUnpadded, type Framed, StftKernel } from './kernel.js';
export { frameCountOf, type ResolvedStft, resolveStftOptions } from './options.js';
export { compileWasm, setWasmEnabled, WasmStft, wasmSupports } from './wasm/kernel.js';
