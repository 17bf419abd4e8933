/**
 * The Frobenius norm without overflow or underflow: ||a - b||_2 over m elements, the elements
 * scaled by a power of two before they are squared (exactly: the result equals sqrt(sum d^2)
 * wherever that does not overflow or underflow, and stays right where it would).
 */
import { powerOfTwoScale } from '@losses/stft/internal';

/** ||a[aOff .. aOff + m) - b[bOff .. bOff + m)||_2 (b omitted: ||a||_2). */
export function normOf(
  a: ArrayLike<number>,
  aOff: number,
  m: number,
  b?: ArrayLike<number>,
  bOff = 0,
): number {
  let max = 0;
  for (let i = 0; i < m; i++) {
    const d = Math.abs(b ? a[aOff + i]! - b[bOff + i]! : a[aOff + i]!);
    if (d > max) max = d;
  }
  const u = powerOfTwoScale(max);
  if (u === 0) return 0;
  const t = 1 / u;
  let s = 0;
  for (let i = 0; i < m; i++) {
    const d = t * (b ? a[aOff + i]! - b[bOff + i]! : a[aOff + i]!);
    s += d * d;
  }
  return u * Math.sqrt(s);
}
