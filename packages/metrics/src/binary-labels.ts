import type { Tensor } from '@losses/tensor';
import { LossInputError } from '@losses/tensor';

/** Throws `INVALID_OPTION` unless every element of `t` is 0 or 1 (`[F, C]` indices in the message). */
export function checkBinary(t: Tensor, name: string): void {
  const d = t.data;
  const C = t.shape.length === 2 ? t.shape[1]! : 1;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== 0 && v !== 1) {
      const where = t.shape.length === 2 ? `[${Math.floor(i / C)}, ${i % C}]` : `[${i}]`;
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: element ${where} is ${v}; expected 1 (positive) or 0 (negative)`,
        name,
      );
    }
  }
}
