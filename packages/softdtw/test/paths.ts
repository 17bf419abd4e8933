import { setWasmEnabled } from '@losses/tensor/internal';

/**
 * Runs `f` twice: with the public functions on the WebAssembly row kernels, then on the
 * JavaScript loops (the switch of @losses/tensor/internal, which `LOSSES_WASM=off` also sets),
 * and restores the switch. The pool keeps one workspace per path, so switching back and forth
 * reuses the same two WebAssembly memories.
 */
export function onBothPaths<T>(f: (path: 'wasm' | 'js') => T): { wasm: T; js: T } {
  const was = setWasmEnabled(true);
  try {
    const wasm = f('wasm');
    setWasmEnabled(false);
    return { wasm, js: f('js') };
  } finally {
    setWasmEnabled(was);
  }
}
