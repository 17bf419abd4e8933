/**
 * `stereo: 'sum-difference'`: the loss of stereo signals [B, 2, T] as auraloss's
 * `SumAndDifferenceSTFTLoss` computes it (csteinmetz1/auraloss, `auraloss/freq.py` and
 * `auraloss/perceptual.py` `SumAndDifference`; Steinmetz et al., "Automatic multitrack mixing with
 * a differentiable mixing console of neural audio effects", arXiv:2010.10291):
 *
 *   sum = left + right,  difference = left - right   (no factor 1/2),
 *   L = (w_sum L(sum^, sum) + w_diff L(difference^, difference)) / 2,  w_sum = w_diff = 1,
 *
 * where L is the configured (mono) loss of one item. The adjoint of the split maps the gradients
 * g_sum, g_diff w.r.t. the two mono signals to g_left = g_sum + g_diff, g_right = g_sum - g_diff.
 */
import type { Tensor } from '@losses/tensor';
import { formatShape, LossInputError } from '@losses/tensor';

/**
 * Checks that a stereo input is [B, 2, T].
 *
 * @throws LossInputError `SHAPE_MISMATCH` naming the argument, the expected and the given shape.
 */
export function checkStereo(t: Tensor, name: string): void {
  if (t.shape.length !== 3 || t.shape[1] !== 2) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: stereo: 'sum-difference' expects [B, 2, T] (items, left and right channels, samples), got ${formatShape(t.shape)}`,
      name,
    );
  }
}

/**
 * The sum and difference signals of B stereo items stored contiguously as [B, 2, T]: `sum` and
 * `difference` receive [B, T] each.
 */
export function sumAndDifference(
  x: ArrayLike<number>,
  items: number,
  length: number,
  sum: Float64Array,
  difference: Float64Array,
): void {
  for (let b = 0; b < items; b++) {
    const l = 2 * b * length;
    const r = l + length;
    const o = b * length;
    for (let t = 0; t < length; t++) {
      const left = x[l + t]!;
      const right = x[r + t]!;
      sum[o + t] = left + right;
      difference[o + t] = left - right;
    }
  }
}

/**
 * The adjoint of {@link sumAndDifference}: from the gradients w.r.t. the sum and difference
 * signals ([B, T] each) the gradient w.r.t. the stereo input, [B, 2, T] into `out`.
 */
export function sumAndDifferenceAdjoint(
  gSum: ArrayLike<number>,
  gDifference: ArrayLike<number>,
  items: number,
  length: number,
  out: Float64Array,
): void {
  for (let b = 0; b < items; b++) {
    const l = 2 * b * length;
    const r = l + length;
    const o = b * length;
    for (let t = 0; t < length; t++) {
      const s = gSum[o + t]!;
      const d = gDifference[o + t]!;
      out[l + t] = s + d;
      out[r + t] = s - d;
    }
  }
}

/** auraloss's combination of the two losses: (w_sum L_sum + w_diff L_diff) / 2 with weights 1. */
export function combineSumAndDifference(sumLoss: number, differenceLoss: number): number {
  return (sumLoss + differenceLoss) / 2;
}
