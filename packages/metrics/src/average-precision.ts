import type { TensorLike, TfjsTensorLike } from '@losses/tensor';
import { assertSameShape, toTensorOrTfjs } from '@losses/tensor';
import { checkBinary } from './binary-labels.js';

/** {@link averagePrecision}'s result. */
export interface AveragePrecisionResult {
  /** AP of each class (column), in column order. */
  perClass: number[];
  /** The unweighted mean of `perClass`, every class included (scikit-learn's `average='macro'`). */
  macro: number;
  /** AP of all entries pooled, as one binary problem (scikit-learn's `average='micro'`). */
  micro: number;
  /** Columns without a positive reference: their AP is 0 (scikit-learn warns and returns 0). */
  noPositives: number[];
}

/**
 * Non-interpolated average precision of one binary problem: the entries `idx` of `scores` and
 * `refs` (0/1), AP = sum_n (R_n - R_{n-1}) P_n over the distinct score values in decreasing
 * order (tied scores form one threshold), R_0 = 0; 0 when there is no positive.
 */
function binaryAp(scores: ArrayLike<number>, refs: ArrayLike<number>, idx: number[]): number {
  let positives = 0;
  for (const i of idx) positives += refs[i]!;
  if (positives === 0) return 0;
  // Stable sort by decreasing score; ties are grouped below, so their order does not matter.
  idx.sort((a, b) => scores[b]! - scores[a]!);
  let tp = 0;
  let fp = 0;
  let prevRecall = 0;
  let ap = 0;
  for (let k = 0; k < idx.length; k++) {
    const i = idx[k]!;
    if (refs[i] === 1) tp++;
    else fp++;
    // Close a threshold at the last entry of each run of equal scores.
    if (k + 1 < idx.length && scores[idx[k + 1]!] === scores[i]) continue;
    const recall = tp / positives;
    ap += (recall - prevRecall) * (tp / (tp + fp));
    prevRecall = recall;
  }
  return ap;
}

/**
 * Average precision (AP) per class, with macro and micro averages, as scikit-learn's
 * `average_precision_score` defines it (the summary of the precision-recall curve that C-HMCNN
 * reports as AU(PRC); Giunchiglia & Lukasiewicz, NeurIPS 2020):
 *
 *   AP = sum_n (R_n - R_{n-1}) P_n
 *
 * where P_n and R_n are precision and recall when everything scoring >= the n-th highest distinct
 * score is predicted positive (equal scores form one threshold), R_0 = 0. Not interpolated (no
 * trapezoids, no running maximum of the precision). A class without a positive reference gets
 * AP = 0, as scikit-learn returns (with a warning) since version 1.1; such classes are listed in
 * `noPositives` and count in `macro`. A class whose references are all positive gets AP = 1.
 *
 * Tensor arguments take any `TensorLike` or a float32 TensorFlow.js tensor (read once with
 * `dataSync()`; no tfjs import: `tf.Tensor` is recognised by its shape, dtype and dataSync).
 *
 * @param scores - `[F, C]` (or `[F]` for one class): any finite numbers, higher = more positive
 *   (probabilities, logits).
 * @param references - the same shape, 1 (positive) or 0 (negative); unknown (NaN) is refused.
 * @returns `{ perClass, macro, micro, noPositives }`.
 * @throws LossInputError `SHAPE_MISMATCH` (rank not 1 or 2, shapes differ), `NON_FINITE`,
 *   `EMPTY`, `INVALID_OPTION` (a reference not 0/1), `INVALID_TYPE`.
 *
 * @example
 * ```ts
 * averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]).macro; // 0.8333 (= 1/2 * 1 + 1/2 * 2/3)
 * ```
 */
export function averagePrecision(
  scores: TensorLike | TfjsTensorLike,
  references: TensorLike | TfjsTensorLike,
): AveragePrecisionResult {
  const s = toTensorOrTfjs(scores, { name: 'scores', rank: [1, 2] });
  const r = toTensorOrTfjs(references, { name: 'references', rank: [1, 2] });
  assertSameShape(s, r, 'scores', 'references');
  checkBinary(r, 'references');
  const F = s.shape[0]!;
  const C = s.shape.length === 2 ? s.shape[1]! : 1;
  const sd = s.data;
  const rd = r.data;
  const perClass: number[] = [];
  const noPositives: number[] = [];
  for (let j = 0; j < C; j++) {
    const idx = Array.from({ length: F }, (_, f) => f * C + j);
    const ap = binaryAp(sd, rd, idx);
    if (!idx.some((i) => rd[i] === 1)) noPositives.push(j);
    perClass.push(ap);
  }
  const micro = binaryAp(
    sd,
    rd,
    Array.from({ length: F * C }, (_, i) => i),
  );
  const macro = perClass.reduce((a, b) => a + b, 0) / C;
  return { perClass, macro, micro, noPositives };
}
