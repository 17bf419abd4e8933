import { LossInputError } from '@losses/tensor';

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
