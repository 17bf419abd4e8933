import { LossInputError } from '../../src/index.js';

/** The `LossInputError` code `f` throws, or `undefined` if it throws nothing (other errors rethrown). */
export function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e.code;
    throw e;
  }
  return undefined;
}
