import {
  arrayType,
  assertSameShape,
  dtypeOf,
  formatShape,
  LossInputError,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { checkHierarchy, type Hierarchy } from './hierarchy.js';
import { labelTensor, valuesTensor } from './inputs.js';
import {
  aggregateForward,
  aggregateVjp,
  mcmForward,
  mcmVjp,
  propagateKernel,
} from './kernels/max-kernels.js';

function like(t: Tensor): Tensor {
  return tensor(new (arrayType(dtypeOf(t.data)))(t.data.length), t.shape);
}

/**
 * Completes labels along the hierarchy, frame by frame: an entry becomes 1 when it or any of its
 * descendants is 1 (a positive child makes its ancestors positive), else 0 when it or any of its
 * ancestors is 0 (a negative parent makes its descendants negative), else it stays unknown (NaN,
 * masked by the losses). Positive evidence wins over a conflicting negative ancestor label, so the
 * result is always consistent; consistent labels are only completed, never changed. Idempotent.
 *
 * Typical use: frames annotated at family level only (`woodwinds = 0` makes every woodwind 0,
 * `woodwinds = 1` leaves the instruments unknown).
 *
 * @param labels `[F, C]` (or `[C]`, `[B, F, C]`), entries 0, 1 or NaN, columns in `h.classes` order.
 * @param h The hierarchy.
 * @returns New labels of the same shape and float type.
 */
export function propagateLabels(labels: TensorLike, h: Hierarchy): Tensor {
  checkHierarchy(h);
  const y0 = toTensor(labels, { name: 'labels', rank: [1, 2, 3], allowNaN: true });
  valuesShapeCheck(y0, h);
  const y = labelTensor(y0, y0, 'labels', 'hard');
  const out = like(y);
  propagateKernel(y.data, y.data.length / h.classes.length, h.tables, out.data);
  return out;
}

function valuesShapeCheck(t: Tensor, h: Hierarchy): void {
  const C = h.classes.length;
  if (t.shape[t.shape.length - 1] !== C) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `labels: expected shape [..., ${C}] (one column per class of the hierarchy), got ${formatShape(t.shape)}`,
      'labels',
    );
  }
}

/**
 * Strategy B of Krause & Muller (TASLP 2023): from leaf predictions, each parent is set to the
 * max of its children, recursively, so the output is consistent by construction (a parent equals
 * its most likely child). Leaf columns are copied; the input's non-leaf columns are ignored (their
 * gradient is 0). Works on probabilities or logits alike (max commutes with sigmoid).
 *
 * @param p `[F, C]` (or `[C]`, `[B, F, C]`), columns in `h.classes` order.
 * @param h The hierarchy.
 * @returns A new tensor of the same shape and float type.
 */
export function aggregateBottomUp(p: TensorLike, h: Hierarchy): Tensor {
  checkHierarchy(h);
  const { t, frames } = valuesTensor(p, h, 'p');
  const out = like(t);
  aggregateForward(t.data, frames, h.tables, out.data);
  return out;
}

/**
 * Vector-Jacobian product of {@link aggregateBottomUp}: dL/dp from dL/d(output). Each parent's
 * gradient flows to its arg-max child (ties share evenly), down to the leaves.
 *
 * @param p The input of the forward pass, `[..., C]`.
 * @param dy dL/d(output), same shape.
 * @param h The hierarchy.
 * @returns dL/dp, the shape and float type of `p`; 0 in non-leaf columns.
 */
export function aggregateBottomUpVjp(p: TensorLike, dy: TensorLike, h: Hierarchy): Tensor {
  checkHierarchy(h);
  const { t, frames } = valuesTensor(p, h, 'p');
  const g = toTensor(dy, { name: 'dy', rank: [1, 2, 3] });
  assertSameShape(t, g, 'p', 'dy');
  const y = like(t);
  aggregateForward(t.data, frames, h.tables, y.data);
  const dx = like(t);
  aggregateVjp(y.data, g.data, frames, h.tables, new Float64Array(h.classes.length), dx.data);
  return dx;
}

/**
 * MCM, the max constraint module of C-HMCNN (Giunchiglia & Lukasiewicz, NeurIPS 2020): each class
 * takes the max over itself and all its descendants, MCM_A = max_{B in D_A} p_B, so no class is
 * less likely than any descendant (coherent predictions). Works on probabilities or logits alike.
 *
 * @param p `[F, C]` (or `[C]`, `[B, F, C]`), columns in `h.classes` order.
 * @param h The hierarchy.
 * @returns A new tensor of the same shape and float type.
 */
export function maxConstraint(p: TensorLike, h: Hierarchy): Tensor {
  checkHierarchy(h);
  const { t, frames } = valuesTensor(p, h, 'p');
  const out = like(t);
  mcmForward(t.data, frames, h.tables, out.data);
  return out;
}

/**
 * Vector-Jacobian product of {@link maxConstraint}: dy_A flows to the arg-max of A's descendants
 * (itself included); ties share evenly.
 *
 * @param p The input of the forward pass, `[..., C]`.
 * @param dy dL/d(output), same shape.
 * @param h The hierarchy.
 * @returns dL/dp with the shape and float type of `p`.
 */
export function maxConstraintVjp(p: TensorLike, dy: TensorLike, h: Hierarchy): Tensor {
  checkHierarchy(h);
  const { t, frames } = valuesTensor(p, h, 'p');
  const g = toTensor(dy, { name: 'dy', rank: [1, 2, 3] });
  assertSameShape(t, g, 'p', 'dy');
  const dx = like(t);
  mcmVjp(t.data, g.data, frames, h.tables, new Float64Array(h.classes.length), dx.data);
  return dx;
}
