/**
 * @packageDocumentation
 * `@losses/hierarchy/tfjs`: the hierarchical losses and max operators as differentiable
 * TensorFlow.js ops. Forward and backward run the package's own kernels (through
 * `differentiableOp` of `@losses/tensor/tfjs`); tfjs carries the tensors and the chain rule.
 * Labels get no gradient (a zero gradient if one is asked for).
 *
 * Cost: inside `tf.grad` / `optimizer.minimize` a loss op costs about what `valueAndGrad` costs on
 * the same data (value and gradient in one pass); outside a gradient tape it computes the value
 * alone, and the operators their output alone. Inputs are float32 tfjs tensors (int32 and bool are
 * read exactly, as float64).
 */
import type { Tensor as LossTensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import type { Hierarchy } from '../hierarchy.js';
import type { HierarchicalLossOptions, InputOptions } from '../inputs.js';
import { createHierarchicalLoss, mcLoss as mcLossNd, mcLossValueAndGrad } from '../losses.js';
import {
  aggregateBottomUpVjp,
  aggregateBottomUp as aggregateNd,
  maxConstraint as maxConstraintNd,
  maxConstraintVjp,
} from '../operators.js';

/**
 * Strategy D^{alpha,beta} (Krause & Muller, TASLP 2023) as a tfjs op: BCE + alpha L_down +
 * beta L_up of `logits` against `labels`.
 *
 * @param logits `[F, C]` or `[B, F, C]` tfjs tensor (probabilities with `input: 'probabilities'`).
 * @param labels Same shape; 1, 0 or NaN (unknown).
 * @param h The hierarchy (`h.classes` = the columns).
 * @param options `alpha` (default 1), `beta` (default 1), `input` (default `'logits'`).
 * @returns A `tf.Scalar`, differentiable w.r.t. `logits`.
 */
export function hierarchicalLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  h: Hierarchy,
  options?: HierarchicalLossOptions,
): tf.Scalar {
  const plan = createHierarchicalLoss(h, options);
  const op = differentiableOp(
    ([z, y], { recording }) => {
      if (!recording) return { output: plan.loss(z!, y!) };
      const r = plan.valueAndGrad(z!, y!);
      return { output: r.value, grads: [r.grad, null] };
    },
    ['logits', 'labels'],
  );
  return op(logits, labels) as tf.Scalar;
}

/**
 * MCLoss of C-HMCNN (Giunchiglia & Lukasiewicz, NeurIPS 2020) as a tfjs op.
 *
 * @param logits `[F, C]` or `[B, F, C]` tfjs tensor (probabilities with `input: 'probabilities'`).
 * @param labels Same shape; 1, 0 or NaN (unknown).
 * @param h The hierarchy.
 * @param options `input` (default `'logits'`).
 * @returns A `tf.Scalar`, differentiable w.r.t. `logits`.
 */
export function mcLoss(
  logits: tf.Tensor,
  labels: tf.Tensor,
  h: Hierarchy,
  options?: InputOptions,
): tf.Scalar {
  const op = differentiableOp(
    ([z, y], { recording }) => {
      if (!recording) return { output: mcLossNd(z!, y!, h, options) };
      const r = mcLossValueAndGrad(z!, y!, h, options);
      return { output: r.value, grads: [r.grad, null] };
    },
    ['logits', 'labels'],
  );
  return op(logits, labels) as tf.Scalar;
}

/**
 * Strategy B as a tfjs op: each parent column becomes the max of its children, recursively, from
 * the leaf columns (non-leaf input columns are ignored and get zero gradient).
 *
 * @param p `[..., C]` tfjs tensor (probabilities or logits).
 * @param h The hierarchy.
 * @returns A tensor of the same shape.
 */
export function aggregateBottomUp(p: tf.Tensor, h: Hierarchy): tf.Tensor {
  const op = differentiableOp(
    ([x]) => ({
      output: aggregateNd(x!, h),
      vjp: (dy, _wanted, [q]) => [aggregateBottomUpVjp(q!, dy as LossTensor, h)],
    }),
    ['p'],
  );
  return op(p);
}

/**
 * MCM of C-HMCNN as a tfjs op: each class takes the max over itself and its descendants.
 *
 * @param p `[..., C]` tfjs tensor (probabilities or logits).
 * @param h The hierarchy.
 * @returns A tensor of the same shape.
 */
export function maxConstraint(p: tf.Tensor, h: Hierarchy): tf.Tensor {
  const op = differentiableOp(
    ([x]) => ({
      output: maxConstraintNd(x!, h),
      vjp: (dy, _wanted, [q]) => [maxConstraintVjp(q!, dy as LossTensor, h)],
    }),
    ['p'],
  );
  return op(p);
}
