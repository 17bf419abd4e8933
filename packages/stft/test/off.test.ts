import { wasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { createKernel } from '../src/kernel.js';
import { resolveStftOptions } from '../src/options.js';
import { WasmStftKernel } from '../src/wasm/stft-kernel.js';

// `pnpm test` runs the public-API suites a second time with LOSSES_WASM=off: this file checks that
// the one switch of @losses/tensor/internal then really leaves the JavaScript kernel alone.
describe('the WebAssembly switch', () => {
  const off = process.env.LOSSES_WASM === 'off';
  it(`LOSSES_WASM=${process.env.LOSSES_WASM ?? '(unset)'}: plans get the ${off ? 'JavaScript' : 'WebAssembly'} kernel`, () => {
    expect(wasmEnabled()).toBe(!off);
    const kernel = createKernel(resolveStftOptions({ size: 64, hop: 16 }));
    expect(kernel instanceof WasmStftKernel).toBe(!off);
  });
});
