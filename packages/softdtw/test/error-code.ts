import { LossInputError } from '@losses/tensor';
import { expect } from 'vitest';

/** The `LossInputError` code `f` throws, `'no error'` if it throws nothing (other errors rethrown). */
export function code(f: () => unknown): string {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e.code;
    throw e;
  }
  return 'no error';
}

/**
 * The LossInputError `f` throws; fails the test when `f` returns or throws something else, and,
 * with `withinMs`, when the refusal took longer (a check that runs before any allocation).
 */
export function refusal(f: () => unknown, withinMs?: number): LossInputError {
  const t0 = performance.now();
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  const took = performance.now() - t0;
  expect(error).toBeInstanceOf(LossInputError);
  if (withinMs !== undefined) expect(took).toBeLessThan(withinMs);
  return error as LossInputError;
}
