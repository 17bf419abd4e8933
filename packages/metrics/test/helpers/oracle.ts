import type { Tensor } from '@losses/tensor';
import { tensor } from '@losses/tensor';

/**
 * The angular frequency (radians per sample) of a pure sinusoid, read off exactly from the
 * identity x[n+1] + x[n-1] = 2 cos(w) x[n]:
 *   cos w = sum_n x[n] (x[n+1] + x[n-1]) / (2 sum_n x[n]^2),  n = 1..T-2.
 */
export function omegaOf(x: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let n = 1; n < x.length - 1; n++) {
    num += x[n]! * (x[n + 1]! + x[n - 1]!);
    den += x[n]! * x[n]!;
  }
  return Math.acos(Math.min(1, Math.max(-1, num / (2 * den))));
}

/** The ideal convex loss |log f^ - log f|, with f^ and f read off the signals. */
export function idealLoss(estimate: Tensor, target: Tensor): number {
  return Math.abs(Math.log(omegaOf(estimate.data)) - Math.log(omegaOf(target.data)));
}

/** (w^ - w)^2 with its exact gradient w.r.t. the estimate signal. */
export function omegaSquaredLoss(
  estimate: Tensor,
  target: Tensor,
): { value: number; grad: Tensor } {
  const x = estimate.data;
  const T = x.length;
  let num = 0;
  let den = 0;
  for (let n = 1; n < T - 1; n++) {
    num += x[n]! * (x[n + 1]! + x[n - 1]!);
    den += 2 * x[n]! * x[n]!;
  }
  const r = num / den;
  const w = Math.acos(r);
  const w0 = omegaOf(target.data);
  const dLdw = 2 * (w - w0);
  const dwdr = -1 / Math.sqrt(1 - r * r);
  const grad = new Float64Array(T);
  for (let k = 0; k < T; k++) {
    let dNum = 0;
    if (k >= 1 && k <= T - 2) dNum += x[k + 1]! + x[k - 1]!;
    if (k - 1 >= 1 && k - 1 <= T - 2) dNum += x[k - 1]!;
    if (k + 1 >= 1 && k + 1 <= T - 2) dNum += x[k + 1]!;
    const dDen = k >= 1 && k <= T - 2 ? 4 * x[k]! : 0;
    grad[k] = dLdw * dwdr * ((dNum * den - num * dDen) / (den * den));
  }
  return { value: (w - w0) ** 2, grad: tensor(grad, [T]) };
}
