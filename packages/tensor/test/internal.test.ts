import { afterEach, describe, expect, it, vi } from 'vitest';
import { compileWasm, setWasmEnabled, wasmEnabled } from '../src/internal.js';

afterEach(() => {
  vi.unstubAllEnvs();
  vi.resetModules();
});

// The smallest module: the magic number and version 1.
const EMPTY = 'AGFzbQEAAAA=';
// (module (func (export "f") (result v128) (v128.const i64x2 0 0))): needs SIMD.
const SIMD = 'AGFzbQEAAAABBQFgAAF7AwIBAAcFAQFmAAAKFgEUAP0MAAAAAAAAAAAAAAAAAAAAAAs=';

describe('@losses/tensor/internal: compileWasm', () => {
  it('compiles a module from base64, SIMD included (Node 20 has it)', () => {
    expect(compileWasm(EMPTY)).toBeInstanceOf(WebAssembly.Module);
    const simd = compileWasm(SIMD);
    expect(simd).toBeInstanceOf(WebAssembly.Module);
    expect(WebAssembly.Module.exports(simd!)).toEqual([{ name: 'f', kind: 'function' }]);
  });

  it('gives null instead of throwing for bytes that are not a module or not base64', () => {
    expect(compileWasm('AGFzbQ==')).toBeNull();
    expect(compileWasm('not base64 at all!')).toBeNull();
  });
});

describe('@losses/tensor/internal: the WebAssembly switch', () => {
  it('is on by default and setWasmEnabled returns the previous setting', async () => {
    vi.stubEnv('LOSSES_WASM', '');
    const fresh = await import('../src/internal.js');
    expect(fresh.wasmEnabled()).toBe(true);
    expect(fresh.setWasmEnabled(false)).toBe(true);
    expect(fresh.wasmEnabled()).toBe(false);
    expect(fresh.setWasmEnabled(true)).toBe(false);
    expect(fresh.wasmEnabled()).toBe(true);
  });

  it('is off when LOSSES_WASM=off, read once (a later change of the variable does not flip it)', async () => {
    vi.stubEnv('LOSSES_WASM', 'off');
    const fresh = await import('../src/internal.js');
    expect(fresh.wasmEnabled()).toBe(false);
    vi.stubEnv('LOSSES_WASM', '');
    expect(fresh.wasmEnabled()).toBe(false);
    // The function overrides the variable.
    expect(fresh.setWasmEnabled(true)).toBe(false);
    expect(fresh.wasmEnabled()).toBe(true);
  });

  it('keeps one setting per module instance (the statically imported one here)', () => {
    const was = setWasmEnabled(false);
    expect(wasmEnabled()).toBe(false);
    setWasmEnabled(was);
    expect(wasmEnabled()).toBe(was);
  });
});
