import type { Tensor } from '@losses/tensor';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { softDtwValueAndGrad } from '../src/index.js';
import { acquireWorkspace, Workspace } from '../src/workspace.js';
import { onBothPaths } from './paths.js';
import { randn, rng } from './reference.js';

afterEach(() => {
  vi.restoreAllMocks();
});

describe('WebAssembly instance that cannot be created', () => {
  it('a workspace falls back to the JavaScript loops instead of throwing RangeError', () => {
    // V8 reserves address space for every WebAssembly memory; after about 13,000 live instances
    // `new WebAssembly.Instance` throws RangeError (Out of memory: Cannot allocate Wasm memory).
    const r = rng(3);
    const x = randn(6, 2, r);
    const y = randn(5, 2, r);
    const want = onBothPaths(() => softDtwValueAndGrad(x, y)).js;
    vi.spyOn(WebAssembly, 'Instance').mockImplementation(function refuse() {
      throw new RangeError('WebAssembly.Instance(): Out of memory: Cannot allocate Wasm memory');
    });
    const ws = new Workspace(true);
    expect(ws.kernel).toBeNull();
    // Empty the pool so that the next call builds a workspace while instances fail.
    acquireWorkspace();
    const got = softDtwValueAndGrad(x, y);
    expect(got.value).toBe(want.value);
    expect(Array.from((got.grad as Tensor).data)).toEqual(Array.from((want.grad as Tensor).data));
  });
});
