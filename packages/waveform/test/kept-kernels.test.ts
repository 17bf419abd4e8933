import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { keptKernel } from '../src/kernels/kernel.js';
import { type LossName, lossNames, plan } from './helpers/losses.js';

// Issue 17: plans of a loss with the same constants share one kernel function (see keptKernel);
// what they compute is unchanged, and different constants get their own kernel.
describe('kernels kept per set of constants', () => {
  it('the same constants give the same function, other constants (or kinds) another', () => {
    let made = 0;
    const make = () => {
      made++;
      return () => {};
    };
    const a = keptKernel('test', [1, 1e-8, true, undefined], make);
    expect(keptKernel('test', [1, 1e-8, true, undefined], make)).toBe(a);
    expect(made).toBe(1);
    for (const other of [
      [1, 1e-8, false, undefined],
      [1, 1.0000000000000002e-8, true, undefined],
      [1, 1e-8, true, 0],
      [1, 1e-8, true, -0],
    ]) {
      expect(keptKernel('test', other, make)).not.toBe(a);
    }
    expect(keptKernel('other', [1, 1e-8, true, undefined], make)).not.toBe(a);
    expect(made).toBe(6);
  });

  it('is bounded: after 64 other sets the first is made again', () => {
    let made = 0;
    const make = () => {
      made++;
      return () => {};
    };
    keptKernel('bound', [0], make);
    for (let i = 1; i <= 64; i++) keptKernel('bound', [i], make);
    keptKernel('bound', [0], make);
    expect(made).toBe(66);
  });

  it('every loss planned twice with the same options gives the same numbers, bit for bit, and other options other numbers', () => {
    const x = Float64Array.from({ length: 2 * 300 }, (_, i) => Math.sin(0.07 * i) + 0.01 * (i % 7));
    const t = Float64Array.from({ length: 2 * 300 }, (_, i) => Math.sin(0.071 * i));
    const options: Record<LossName, Record<string, unknown>[]> = {
      l1: [{}],
      mse: [{}],
      esr: [{}, { eps: 1e-3 }],
      dc: [{}, { eps: 1e-3 }],
      logCosh: [{}, { a: 3 }, { eps: 1e-2 }],
      snr: [{}, { zeroMean: false }, { eps: 1e-2 }],
      siSdr: [{}, { eps: 1e-2 }, { zeroMean: false }],
      sdSdr: [{}, { eps: 1e-2 }],
    };
    for (const name of lossNames) {
      const values = options[name].map((o) => {
        const first = plan(name, o).valueAndGrad(tensor(x, [2, 300]), tensor(t, [2, 300]));
        const again = plan(name, o).valueAndGrad(tensor(x, [2, 300]), tensor(t, [2, 300]));
        expect(Object.is(again.value, first.value)).toBe(true);
        expect(Array.from(again.grad.data)).toEqual(Array.from(first.grad.data));
        return first.value;
      });
      // each option set changes the value (its kernel was not confused with another's)
      expect(new Set(values).size).toBe(values.length);
    }
  });
});
