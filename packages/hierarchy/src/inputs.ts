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

/** Coerces labels: same shape as `like`, every entry 0, 1 or NaN (unknown). */
export function labelTensor(labels: TensorLike, like: Tensor, likeName: string): Tensor {
  // One pass checks every value: 0, 1 or NaN (toTensor refuses infinities).
  const y = toTensor(labels, { name: 'labels', rank: [1, 2, 3], allowNaN: true });
  assertSameShape(like, y, likeName, 'labels');
  const d = y.data;
  for (let i = 0; i < d.length; i++) {
    const v = d[i]!;
    if (v !== 0 && v !== 1 && !Number.isNaN(v)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `labels: element ${i} (flat index) is ${v}; labels must be 0, 1 or NaN (unknown)`,
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
