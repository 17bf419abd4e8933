import { checkNumber } from '@losses/tensor';

/** Validates a decision threshold in (0, 1]; a value p is predicted positive when p >= threshold. */
export function checkThreshold(value: unknown, name: string): number {
  return checkNumber(value, name, { min: 0, minExclusive: true, max: 1 });
}
