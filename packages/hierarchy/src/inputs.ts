import {
  assertSameShape,
  checkKeys,
  checkNumber,
  checkOneOf,
  formatShape,
  LossInputError,
  type Tensor,
  type TensorLike,
  toTensor,
} from '@losses/tensor';
import type { Hierarchy } from './hierarchy.js';
import type { InputKind } from './kernels/loss-kernel.js';

/** Coerces the prediction argument: logits (any finite value) or probabilities in [0, 1], shape [..., C]. */
export function predictionTensor(
  x: TensorLike,
  h: Hierarchy,
  input: InputKind,
  name = input === 'logits' ? 'logits' : 'probabilities',
): { t: Tensor; frames: number } {
  const t = toTensor(x, {
    name,
    rank: [1, 2, 3],
    ...(input === 'probabilities' ? { min: 0, max: 1 } : {}),
  });
  const C = h.classes.length;
  const last = t.shape[t.shape.length - 1]!;
  if (last !== C) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: expected shape [..., ${C}] (one column per class of the hierarchy), got ${formatShape(t.shape)}`,
      name,
    );
  }
  return { t, frames: t.data.length / C };
}

/** Coerces a generic [..., C] tensor (any finite values) for the max operators. */
export function valuesTensor(
  x: TensorLike,
  h: Hierarchy,
  name: string,
): { t: Tensor; frames: number } {
  return predictionTensor(x, h, 'logits', name);
}

/**
 * What a loss needs of its labels - the one rule for targets in @losses (as @losses/softdtw's
 * `bce` and `bceLogits` costs):
 *
 * - `'soft'`: a binary cross-entropy target is a probability in [0, 1] (soft targets, label
 *   smoothing, annotator agreement), as torch's `BCELoss` / `BCEWithLogitsLoss` accept; BCE
 *   `-[y log p + (1 - y) log(1 - p)]` and its gradient `p - y` are defined for every y in [0, 1].
 *   `bceLoss` and `hierarchicalLoss` (BCE + L_down + L_up: the consistency terms read no labels).
 * - `'hard'`: a label that selects is 0 or 1: MCLoss's positive descendants (`y_B = 1`) and the
 *   propagation of `propagateLabels` (a positive child makes its ancestors positive) have no
 *   meaning for y = 0.5. `mcLoss`, `propagateLabels`.
 *
 * NaN marks an unknown label in both.
 */
export type LabelKind = 'soft' | 'hard';

/**
 * Coerces labels: same shape as `like`, every entry in [0, 1] (`'soft'`) or 0 / 1 (`'hard'`), or
 * NaN (unknown).
 */
export function labelTensor(
  labels: TensorLike,
  like: Tensor,
  likeName: string,
  kind: LabelKind,
): Tensor {
  // One pass checks every value (toTensor refuses infinities).
  const y = toTensor(labels, { name: 'labels', rank: [1, 2, 3], allowNaN: true });
  assertSameShape(like, y, likeName, 'labels');
  const d = y.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (Number.isNaN(v)) continue;
    if (kind === 'soft' ? v < 0 || v > 1 : v !== 0 && v !== 1) {
      throw new LossInputError(
        'INVALID_OPTION',
        kind === 'soft'
          ? `labels: element ${i} (flat index) is ${v}; BCE targets must be in [0, 1] (soft targets allowed) or NaN (unknown)`
          : `labels: element ${i} (flat index) is ${v}; this loss selects classes by label, so labels must be 0, 1 or NaN (unknown) - soft targets in [0, 1] are accepted by bceLoss and hierarchicalLoss`,
        'labels',
      );
    }
  }
  return y;
}

/** Options every loss accepts. */
export interface InputOptions {
  /**
   * What the first argument holds: `'logits'` (default; p = sigmoid(logits), computed stably) or
   * `'probabilities'` (p in [0, 1]; the gradient is then dL/dp).
   */
  input?: 'logits' | 'probabilities';
}

/** Options of `hierarchicalLoss` and `createHierarchicalLoss`. */
export interface HierarchicalLossOptions extends InputOptions {
  /** Weight of the top-down term L_down (a parent no likelier than its best child). Default 1. */
  alpha?: number;
  /** Weight of the bottom-up term L_up (a child no likelier than its parent). Default 1. */
  beta?: number;
}

/** Resolved options of a planned hierarchical loss: every field set. */
export interface ResolvedHierarchicalOptions {
  /** Weight of L_down. */
  alpha: number;
  /** Weight of L_up. */
  beta: number;
  /** How the first argument is read. */
  input: InputKind;
}

export function resolveInput(options: InputOptions | undefined, name = 'options'): InputKind {
  checkKeys(options, name, ['input']);
  return options?.input === undefined
    ? 'logits'
    : checkOneOf(options.input, `${name}.input`, ['logits', 'probabilities'] as const);
}

export function resolveHierarchical(
  options: HierarchicalLossOptions | undefined,
  name = 'options',
): ResolvedHierarchicalOptions {
  checkKeys(options, name, ['alpha', 'beta', 'input']);
  const o = options ?? {};
  return {
    alpha: o.alpha === undefined ? 1 : checkNumber(o.alpha, `${name}.alpha`, { min: 0 }),
    beta: o.beta === undefined ? 1 : checkNumber(o.beta, `${name}.beta`, { min: 0 }),
    input:
      o.input === undefined
        ? 'logits'
        : checkOneOf(o.input, `${name}.input`, ['logits', 'probabilities'] as const),
  };
}
