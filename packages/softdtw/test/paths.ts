import { releaseWorkspace, Workspace } from '../src/recursion.js';

// One workspace per path for the whole test file: a WebAssembly instance reserves address space
// for its memory, so tests that switch paths thousands of times reuse these two.
const withKernel = new Workspace(true);
const withoutKernel = new Workspace(false);

/**
 * Runs `f` twice: with the public functions on the WebAssembly row kernels, then on the
 * JavaScript loops. The package's calls take the pooled workspace, so pooling one without the
 * kernel puts every call of `f` on the JavaScript loops (synchronous code keeps the pooled
 * WeakRef alive); the one with the kernel is pooled again afterwards.
 */
export function onBothPaths<T>(f: (path: 'wasm' | 'js') => T): { wasm: T; js: T } {
  releaseWorkspace(withKernel);
  const wasm = f('wasm');
  releaseWorkspace(withoutKernel);
  try {
    return { wasm, js: f('js') };
  } finally {
    releaseWorkspace(withKernel);
  }
}
