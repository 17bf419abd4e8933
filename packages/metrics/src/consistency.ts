import type { TensorLike, TfjsTensorLike } from '@losses/tensor';
import { checkKeys, LossInputError, toTensorOrTfjs } from '@losses/tensor';
import { type HierarchyLike, resolveHierarchy } from './hierarchy-like.js';
import { checkThreshold } from './threshold.js';

/** Options of {@link consistency}. */
export interface ConsistencyOptions {
  /** A frame predicts class c when its value is >= threshold. Default 0.5 (binary 0/1 input works as is). */
  threshold?: number;
}

/** gamma_c of one class with children. */
export interface ConsistencyEntry {
  /** The class name. */
  name: string;
  /** Its column in the prediction tensor. */
  index: number;
  /** gamma_c = |I_c intersect I_c-down| / |I_c union I_c-down| (1 when both sets are empty). */
  gamma: number;
  /** |I_c intersect I_c-down|: frames predicting c and at least one child of c. */
  intersection: number;
  /** |I_c union I_c-down|: frames predicting c or at least one child of c. */
  union: number;
}

/** {@link consistency}'s result. */
export interface ConsistencyResult {
  /** One entry per class that has children, in column order. */
  perClass: ConsistencyEntry[];
  /** The mean of gamma_c over those classes. */
  mean: number;
}

/**
 * Hierarchical consistency gamma_c of frame-wise predictions (Krause & Muller, "Hierarchical
 * classification for instrument activity detection in orchestral music recordings",
 * IEEE/ACM TASLP 31, 2023):
 *
 *   gamma_c = |I_c intersect I_c-down| / |I_c union I_c-down|
 *
 * for every class c with children, where I_c is the set of frames predicted as c and I_c-down the
 * set of frames predicted as any child of c. gamma_c = 1 means c is predicted exactly where one
 * of its children is. **When both sets are empty** (neither c nor a child is ever predicted)
 * gamma_c = 1: nothing inconsistent was predicted.
 *
 * Tensor arguments take any `TensorLike` or a float32 TensorFlow.js tensor (read once with
 * `dataSync()`; no tfjs import: `tf.Tensor` is recognised by its shape, dtype and dataSync).
 *
 * @param predictions - `[F, C]` binary predictions or probabilities in [0, 1]; column j is class
 *   `hierarchy.classes[j]`.
 * @param hierarchy - anything with `classes` and `children(c)` (a @losses/hierarchy `Hierarchy`).
 * @param options - `threshold` (default 0.5; positive when value >= threshold).
 * @returns `{ perClass: [{ name, index, gamma, intersection, union }], mean }`.
 * @throws LossInputError `INVALID_HIERARCHY` (not a hierarchy, unknown or duplicate names, no
 *   class with children), `SHAPE_MISMATCH` (not `[F, C]` with C = number of classes),
 *   `NON_FINITE`, `EMPTY`, `INVALID_OPTION` (values outside [0, 1], bad threshold).
 *
 * @example
 * ```ts
 * const h = { classes: ['voice', 'female', 'male'], children: (c: string) => (c === 'voice' ? ['female', 'male'] : []) };
 * consistency([[1, 1, 0], [1, 0, 0], [0, 0, 0]], h); // voice: 1 / 2 -> { mean: 0.5 }
 * ```
 */
export function consistency(
  predictions: TensorLike | TfjsTensorLike,
  hierarchy: HierarchyLike,
  options: ConsistencyOptions = {},
): ConsistencyResult {
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
  const parents = h.children.map((ch, j) => (ch.length > 0 ? j : -1)).filter((j) => j >= 0);
  if (parents.length === 0) {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      'hierarchy: no class has children, so consistency is undefined',
      'hierarchy',
    );
  }
  const F = p.shape[0]!;
  const d = p.data;
  const perClass = parents.map((j): ConsistencyEntry => {
    const ch = h.children[j]!;
    let inter = 0;
    let union = 0;
    for (let f = 0; f < F; f++) {
      const row = f * C;
      const self = d[row + j]! >= threshold;
      let child = false;
      for (const k of ch) {
        if (d[row + k]! >= threshold) {
          child = true;
          break;
        }
      }
      if (self && child) inter++;
      if (self || child) union++;
    }
    return {
      name: h.classes[j]!,
      index: j,
      gamma: union === 0 ? 1 : inter / union,
      intersection: inter,
      union,
    };
  });
  let sum = 0;
  for (const e of perClass) sum += e.gamma;
  return { perClass, mean: sum / perClass.length };
}
