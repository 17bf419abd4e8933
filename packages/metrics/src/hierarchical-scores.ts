import type { TensorLike, TfjsTensorLike } from '@losses/tensor';
import { checkKeys, LossInputError, toTensorOrTfjs } from '@losses/tensor';
import { checkBinary } from './binary-labels.js';
import { type HierarchyLike, type ResolvedHierarchy, resolveHierarchy } from './hierarchy-like.js';
import { checkThreshold } from './threshold.js';

/** Options of {@link hierarchicalScores}. */
export interface HierarchicalScoresOptions {
  /** A frame predicts class j when `predictions[f, j] >= threshold`. Default 0.5. */
  threshold?: number;
}

/** {@link hierarchicalScores}'s result. */
export interface HierarchicalScoresResult {
  /** hP = sum |P_f intersect T_f| / sum |P_f|; 0 when nothing is predicted. */
  precision: number;
  /** hR = sum |P_f intersect T_f| / sum |T_f|; 0 when no reference label is positive. */
  recall: number;
  /** hF = 2 hP hR / (hP + hR); 0 when hP + hR = 0. */
  f: number;
  /** sum over frames of |P_f intersect T_f|. */
  intersection: number;
  /** sum over frames of |P_f| (predicted labels with their ancestors). */
  predicted: number;
  /** sum over frames of |T_f| (reference labels with their ancestors). */
  reference: number;
}

/**
 * For every column, its ancestors (transitive parents), from the children lists; throws
 * `INVALID_HIERARCHY` on a cycle.
 */
function ancestorsOf(h: ResolvedHierarchy): number[][] {
  const C = h.classes.length;
  const parents: number[][] = Array.from({ length: C }, () => []);
  h.children.forEach((ch, p) => {
    for (const c of ch) parents[c]!.push(p);
  });
  const memo: (number[] | null)[] = new Array(C).fill(null);
  const state = new Uint8Array(C); // 0 new, 1 on the stack, 2 done
  const visit = (c: number): number[] => {
    if (state[c] === 2) return memo[c]!;
    if (state[c] === 1) {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `hierarchy: '${h.classes[c]}' is its own ancestor (the children lists form a cycle)`,
        'hierarchy',
      );
    }
    state[c] = 1;
    const set = new Set<number>();
    for (const p of parents[c]!) {
      set.add(p);
      for (const a of visit(p)) set.add(a);
    }
    state[c] = 2;
    memo[c] = [...set];
    return memo[c]!;
  };
  return Array.from({ length: C }, (_, c) => visit(c));
}

/**
 * Hierarchical precision, recall and F-measure (Kiritchenko, Matwin & Famili, 2005; Silla &
 * Freitas, "A survey of hierarchical classification across different application domains", Data
 * Mining and Knowledge Discovery 22, 2011), micro-averaged over frames as HiClass computes them
 * (`hiclass.metrics.precision/recall/f1`, `average='micro'`): each frame's predicted and reference
 * label sets are extended by all ancestors of their members, then
 *
 *   hP = sum_f |P_f intersect T_f| / sum_f |P_f|,   hR = sum_f |P_f intersect T_f| / sum_f |T_f|,
 *   hF = 2 hP hR / (hP + hR).
 *
 * Multi-label frames are supported (several leaves per frame, as HiClass's multi-label mode).
 * Every class of `hierarchy` counts, so a root class (e.g. `music`) that is positive whenever
 * anything is adds to every non-empty set; leave it out of the columns and the hierarchy to
 * follow HiClass, whose label paths have no root. A ratio whose denominator is 0 is 0: nothing
 * predicted gives hP = 0, no positive reference gives hR = 0 (HiClass raises ZeroDivisionError
 * there), hP + hR = 0 gives hF = 0 (HiClass's default, `zero_division='warn'`).
 *
 * Tensor arguments take any `TensorLike` or a float32 TensorFlow.js tensor (read once with
 * `dataSync()`; no tfjs import: `tf.Tensor` is recognised by its shape, dtype and dataSync).
 *
 * @param predictions - `[F, C]` probabilities or 0/1 predictions in [0, 1]; column j is class
 *   `hierarchy.classes[j]`.
 * @param references - `[F, C]` with 1 (positive) or 0 (negative); unknown (NaN) is refused.
 * @param hierarchy - anything with `classes` and `children(c)` (a tree or a DAG).
 * @param options - `threshold` (default 0.5; positive when value >= threshold).
 * @returns `{ precision, recall, f, intersection, predicted, reference }`.
 * @throws LossInputError `INVALID_HIERARCHY` (not a hierarchy, unknown or duplicate names, a
 *   cycle), `SHAPE_MISMATCH` (not `[F, C]` with C = number of classes), `NON_FINITE`, `EMPTY`,
 *   `INVALID_OPTION` (prediction outside [0, 1], reference not 0/1, bad threshold).
 *
 * @example
 * ```ts
 * const h = { classes: ['strings', 'violin', 'cello'], children: (c: string) => (c === 'strings' ? ['violin', 'cello'] : []) };
 * // Reference violin, predicted cello: both sets contain strings -> hP = hR = hF = 1/2.
 * hierarchicalScores([[0, 0, 1]], [[1, 1, 0]], h).f; // 0.5
 * ```
 */
export function hierarchicalScores(
  predictions: TensorLike | TfjsTensorLike,
  references: TensorLike | TfjsTensorLike,
  hierarchy: HierarchyLike,
  options: HierarchicalScoresOptions = {},
): HierarchicalScoresResult {
  checkKeys(options, 'options', ['threshold']);
  const threshold = checkThreshold(options?.threshold ?? 0.5, 'options.threshold');
  const h = resolveHierarchy(hierarchy);
  const C = h.classes.length;
  const p = toTensorOrTfjs(predictions, {
    name: 'predictions',
    rank: 2,
    shape: [null, C],
    min: 0,
    max: 1,
  });
  const r = toTensorOrTfjs(references, { name: 'references', rank: 2, shape: [null, C] });
  if (p.shape[0] !== r.shape[0]) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `references: expected ${p.shape[0]} frames (as predictions), got ${r.shape[0]}`,
      'references',
    );
  }
  checkBinary(r, 'references');
  const ancestors = ancestorsOf(h);
  const F = p.shape[0]!;
  const pd = p.data;
  const rd = r.data;
  const inP = new Uint8Array(C);
  const inT = new Uint8Array(C);
  let intersection = 0;
  let predicted = 0;
  let reference = 0;
  for (let f = 0; f < F; f++) {
    inP.fill(0);
    inT.fill(0);
    for (let j = 0; j < C; j++) {
      if (pd[f * C + j]! >= threshold) {
        inP[j] = 1;
        for (const a of ancestors[j]!) inP[a] = 1;
      }
      if (rd[f * C + j] === 1) {
        inT[j] = 1;
        for (const a of ancestors[j]!) inT[a] = 1;
      }
    }
    for (let j = 0; j < C; j++) {
      predicted += inP[j]!;
      reference += inT[j]!;
      intersection += inP[j]! & inT[j]!;
    }
  }
  const precision = predicted > 0 ? intersection / predicted : 0;
  const recall = reference > 0 ? intersection / reference : 0;
  const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f, intersection, predicted, reference };
}
