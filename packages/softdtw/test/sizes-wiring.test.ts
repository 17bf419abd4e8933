import { describe, expect, it, vi } from 'vitest';
import { dtw, softDtwFromCost } from '../src/index.js';
import { code } from './error-code.js';

// softDtwFromCost and dtw get a matrix that already exists, so a test over the real limit
// (2^28 entries) would need gigabytes; here the limit is lowered to 64 entries to check that
// both run the size check on N x M before their work (sizes.test.ts checks the check itself).
vi.mock('../src/limits.js', async (importOriginal) => {
  const original = await importOriginal<typeof import('../src/limits.js')>();
  return {
    ...original,
    checkElements: (
      rows: number,
      cols: number,
      what: string,
      argument: string,
      code: 'INVALID_OPTION' | 'SHAPE_MISMATCH',
    ) => original.checkElements(rows, cols, what, argument, code, 64),
  };
});

const matrix = (N: number, M: number) =>
  Array.from({ length: N }, (_, i) => Array.from({ length: M }, (_, j) => (i - j) ** 2));

describe('sizes: softDtwFromCost and dtw check N x M (limit lowered to 64)', () => {
  it('accept 8 x 8 and refuse 9 x 8 and 8 x 9 with SHAPE_MISMATCH', () => {
    expect(code(() => softDtwFromCost(matrix(8, 8)))).toBe('no error');
    expect(code(() => dtw(matrix(8, 8)))).toBe('no error');
    for (const [N, M] of [
      [9, 8],
      [8, 9],
    ] as const) {
      expect(code(() => softDtwFromCost(matrix(N, M)))).toBe('SHAPE_MISMATCH');
      expect(code(() => softDtwFromCost([matrix(N, M)]))).toBe('SHAPE_MISMATCH');
      expect(code(() => dtw(matrix(N, M)))).toBe('SHAPE_MISMATCH');
    }
  });
});
