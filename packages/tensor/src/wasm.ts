/**
 * The one switch for every WebAssembly kernel of the @losses packages, and the one way to compile
 * their modules. Kernels ask {@link wasmEnabled} when they are created (or when a call picks its
 * engine) and run their JavaScript twins when it says no; the twins compute the same numbers (to
 * the rounding each package documents), so the switch changes speed, not results.
 */

let enabled: boolean | undefined;

/** `LOSSES_WASM=off` in the environment (Node; absent in browsers), read on first use. */
function fromEnvironment(): boolean {
  const env = (globalThis as { process?: { env?: Record<string, string | undefined> } }).process
    ?.env;
  return env?.LOSSES_WASM !== 'off';
}

/**
 * Whether WebAssembly kernels may run: true unless the environment variable `LOSSES_WASM` is
 * `off` (read once, on the first call) or {@link setWasmEnabled} turned them off.
 */
export function wasmEnabled(): boolean {
  if (enabled === undefined) enabled = fromEnvironment();
  return enabled;
}

/**
 * Turns every WebAssembly kernel of @losses on or off for the kernels created (or engines picked)
 * afterwards; overrides `LOSSES_WASM`. Returns the previous setting, so a test can restore it:
 * `const was = setWasmEnabled(false); try { ... } finally { setWasmEnabled(was); }`.
 */
export function setWasmEnabled(on: boolean): boolean {
  const was = wasmEnabled();
  enabled = on;
  return was;
}

/**
 * Compiles a WebAssembly module from its bytes in base64 (the committed `src/wasm/module.ts` of a
 * package); null where WebAssembly, or a feature the module uses such as SIMD, is unavailable.
 * Synchronous: browsers allow that on the main thread for modules under 4 KiB, which the modules
 * of @losses are (each package tests its budget). Not cached: a package keeps its module.
 */
export function compileWasm(base64: string): WebAssembly.Module | null {
  try {
    const text = atob(base64);
    const bytes = new Uint8Array(text.length);
    for (let i = 0; i < text.length; i++) bytes[i] = text.charCodeAt(i);
    return new WebAssembly.Module(bytes);
  } catch {
    return null;
  }
}
