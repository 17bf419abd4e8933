import { wasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { createMssLoss } from '../src/index.js';
import { kernelOf } from '../src/loss.js';

// `pnpm test` runs the public-API suites a second time with LOSSES_WASM=off: this file checks that
// the one switch of @losses/tensor/internal then leaves the JavaScript engine alone.
describe('the WebAssembly switch', () => {
  const off = process.env.LOSSES_WASM === 'off';
  it(`LOSSES_WASM=${process.env.LOSSES_WASM ?? '(unset)'}: losses take the ${off ? 'JavaScript' : 'WebAssembly'} engine`, () => {
    expect(wasmEnabled()).toBe(!off);
    expect(kernelOf(createMssLoss('standard')).wasmEngine !== undefined).toBe(!off);
  });
});
