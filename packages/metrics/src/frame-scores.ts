import type { TensorLike, TfjsTensorLike } from '@losses/tensor';
import { assertSameShape, checkKeys, LossInputError, show, toTensorOrTfjs } from '@losses/tensor';
import { checkThreshold } from './threshold.js';

/** Options of {@link frameScores}. */
export interface FrameScoresOptions {
  /** A frame predicts class j when `predictions[f, j] >= threshold`. Default 0.5. */
  threshold?: number;
  /** Class names for the report, one per column. Default: none (`name` is `undefined`). */
  classes?: readonly string[];
}

/** Precision, recall and F-measure. */
export interface Prf {
  /** tp / (tp + fp); 0 when nothing was predicted. */
  precision: number;
  /** tp / (tp + fn); 0 when there is nothing to find. */
  recall: number;
  /** 2 P R / (P + R); 0 when P + R = 0. */
  f: number;
}

/** The scores of one class (column). */
export interface ClassScores extends Prf {
  /** The column. */
  index: number;
  /** The class name, when `options.classes` was given. */
  name: string | undefined;
  /** True positives: known frames predicted and labelled positive. */
  tp: number;
  /** False positives: known frames predicted positive, labelled negative. */
  fp: number;
  /** False negatives: known frames labelled positive, not predicted. */
  fn: number;
  /** Known frames labelled positive (tp + fn). */
  support: number;
  /** Known (non-NaN) reference frames of this class. */
  known: number;
}

/** {@link frameScores}'s result. */
export interface FrameScoresResult {
  /** One entry per class, in column order. */
  perClass: ClassScores[];
  /**
   * Means of the per-class precision, recall and F over the classes with at least one positive
   * reference frame (`classes` of them); `null` when no class has one.
   */
  macro: (Prf & { classes: number }) | null;
  /** Precision, recall and F of the counts pooled over all classes and frames. */
  micro: Prf & { tp: number; fp: number; fn: number };
  /** Columns left out of the macro average because they have no positive reference frame. */
  skipped: number[];
}

function prf(tp: number, fp: number, fn: number): Prf {
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f };
}

/**
 * Frame-wise precision, recall and F-measure per class, pooled over all frames, with macro and
 * micro averages - the usual evaluation of frame-level multi-label tagging (instrument activity,
 * pitch-class activity).
 *
 * Per class j over the frames whose reference is known: tp, fp, fn counted with
 * "predicted" = `predictions[f, j] >= threshold`; P = tp / (tp + fp), R = tp / (tp + fn),
 * F = 2PR / (P + R), each 0 when its denominator is 0. Macro: the mean of the per-class P, R
 * and F over classes with at least one positive reference (the others are listed in `skipped`).
 * Micro: P, R, F of tp, fp, fn summed over all classes.
 *
 * Tensor arguments take any `TensorLike` or a float32 TensorFlow.js tensor (read once with
 * `dataSync()`; no tfjs import: `tf.Tensor` is recognised by its shape, dtype and dataSync).
 *
 * @param predictions - `[F, C]` probabilities or binary predictions in [0, 1].
 * @param references - `[F, C]` with 1 (positive), 0 (negative) or NaN (unknown: ignored).
 * @param options - `threshold` (default 0.5), `classes` (names for the report).
 * @returns `{ perClass, macro, micro, skipped }`.
 * @throws LossInputError `SHAPE_MISMATCH` (not `[F, C]`, shapes differ, wrong number of names),
 *   `NON_FINITE`, `EMPTY`, `INVALID_OPTION` (prediction outside [0, 1], reference not 0/1/NaN,
 *   bad threshold, unknown option), `INVALID_TYPE`.
 *
 * @example
 * ```ts
 * frameScores([[0.9, 0.2], [0.1, 0.7]], [[1, 0], [1, NaN]]).micro; // { precision: 1, recall: 0.5, f: 0.667, ... }
 * ```
 */
export function frameScores(
  predictions: TensorLike | TfjsTensorLike,
  references: TensorLike | TfjsTensorLike,
  options: FrameScoresOptions = {},
): FrameScoresResult {
  checkKeys(options, 'options', ['threshold', 'classes']);
  const threshold = checkThreshold(options?.threshold ?? 0.5, 'options.threshold');
  const p = toTensorOrTfjs(predictions, { name: 'predictions', rank: 2, min: 0, max: 1 });
  const r = toTensorOrTfjs(references, { name: 'references', rank: 2, allowNaN: true });
  assertSameShape(p, r, 'predictions', 'references');
  const [F, C] = p.shape as [number, number];
  const names = options?.classes;
  if (names !== undefined) {
    // An index loop, not some(): some() skips the holes of a sparse array.
    let bad = !Array.isArray(names);
    for (let j = 0; !bad && j < names.length; j++) bad = typeof names[j] !== 'string';
    if (bad) {
      throw new LossInputError(
        'INVALID_OPTION',
        `options.classes: expected an array of class names, got ${show(names)}`,
        'options.classes',
      );
    }
    if (names.length !== C) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `options.classes: expected ${C} names (one per column), got ${names.length}`,
        'options.classes',
      );
    }
  }
  const rd = r.data;
  for (let i = 0; i < rd.length; i++) {
    const v = rd[i]!;
    if (v !== 0 && v !== 1 && !Number.isNaN(v)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `references: element [${Math.floor(i / C)}, ${i % C}] is ${v}; expected 1 (positive), 0 (negative) or NaN (unknown)`,
        'references',
      );
    }
  }
  const pd = p.data;
  const perClass: ClassScores[] = [];
  let TP = 0;
  let FP = 0;
  let FN = 0;
  for (let j = 0; j < C; j++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    let known = 0;
    for (let f = 0; f < F; f++) {
      const ref = rd[f * C + j]!;
      if (Number.isNaN(ref)) continue;
      known++;
      const pred = pd[f * C + j]! >= threshold;
      if (pred && ref === 1) tp++;
      else if (pred) fp++;
      else if (ref === 1) fn++;
    }
    TP += tp;
    FP += fp;
    FN += fn;
    perClass.push({
      index: j,
      name: names?.[j],
      ...prf(tp, fp, fn),
      tp,
      fp,
      fn,
      support: tp + fn,
      known,
    });
  }
  const scored = perClass.filter((c) => c.support > 0);
  const skipped = perClass.filter((c) => c.support === 0).map((c) => c.index);
  let macro: FrameScoresResult['macro'] = null;
  if (scored.length > 0) {
    let sp = 0;
    let sr = 0;
    let sf = 0;
    for (const c of scored) {
      sp += c.precision;
      sr += c.recall;
      sf += c.f;
    }
    const n = scored.length;
    macro = { precision: sp / n, recall: sr / n, f: sf / n, classes: n };
  }
  return { perClass, macro, micro: { ...prf(TP, FP, FN), tp: TP, fp: FP, fn: FN }, skipped };
}
