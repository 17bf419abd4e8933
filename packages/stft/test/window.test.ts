import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { getWindow, type WindowKind } from '../src/index.js';

interface WindowCase {
  kind: WindowKind;
  n: number;
  periodic: boolean;
  values: number[];
}
const golden = JSON.parse(readFileSync(new URL('fixtures/windows.json', import.meta.url), 'utf8'))
  .cases as WindowCase[];

describe('getWindow', () => {
  it('equals scipy.signal.get_window within 1e-12 for every kind, length and symmetry', () => {
    expect(golden.length).toBeGreaterThan(100);
    for (const c of golden) {
      const w = getWindow(c.kind, c.n, { periodic: c.periodic });
      expect(w.length).toBe(c.n);
      for (let i = 0; i < c.n; i++) {
        expect(Math.abs(w[i]! - c.values[i]!), `${c.kind} n=${c.n} [${i}]`).toBeLessThan(1e-12);
      }
    }
  });

  it('is periodic by default', () => {
    expect(Array.from(getWindow('hann', 8))).toEqual(
      Array.from(getWindow('hann', 8, { periodic: true })),
    );
  });

  it('makes the periodic window as the symmetric window one sample longer, truncated', () => {
    const periodic = getWindow('blackman', 10);
    const symmetric = getWindow('blackman', 11, { periodic: false });
    for (let i = 0; i < 10; i++) expect(periodic[i]).toBeCloseTo(symmetric[i]!, 14);
  });

  it('refuses an unknown kind, a bad length and unknown options', () => {
    expect(() => getWindow('kaiser' as WindowKind, 8)).toThrow(/kind: expected one of/);
    expect(() => getWindow('hann', 0)).toThrow(/n: expected an integer >= 1/);
    expect(() => getWindow('hann', 2.5)).toThrow(/n: expected an integer/);
    expect(() => getWindow('hann', 8, { symmetric: true } as never)).toThrow(/unknown option/);
  });
});
