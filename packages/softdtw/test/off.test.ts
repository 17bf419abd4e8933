import { wasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { acquireWorkspace, releaseWorkspace } from '../src/workspace.js';

// `pnpm test` runs the public-API suites a second time with LOSSES_WASM=off: this file checks that
// the variable reaches the package, so that the second run really is the JavaScript fallback.
describe('the WebAssembly switch as the package sees it', () => {
  it(`LOSSES_WASM=${process.env.LOSSES_WASM ?? '(unset)'}: calls take a workspace ${process.env.LOSSES_WASM === 'off' ? 'without' : 'with'} the row kernel`, () => {
    const off = process.env.LOSSES_WASM === 'off';
    expect(wasmEnabled()).toBe(!off);
    const ws = acquireWorkspace();
    expect(ws.kernel === null).toBe(off);
    releaseWorkspace(ws);
  });
});
