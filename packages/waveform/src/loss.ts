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
import { evaluate } from './evaluate.js';
import type { ItemKernel } from './kernels/kernel.js';
import { filteredLength, type PreEmphasisFilter } from './pre-emphasis.js';

/** A loss value with its gradient and the loss of every item. */
export interface WaveformValueAndGrad {
  /** The loss: the mean over the B items of a `[B, T]` batch (the item's loss for `[T]`). */
  value: number;
  /** d(value)/d(estimate): the shape and float type of `estimate`. */
  grad: Tensor;
  /** Each item's loss: shape `[B]` (`[1]` for `[T]`), the float type of `estimate`. */
  perItem: Tensor;
}

/**
 * A planned time-domain loss (from `createEsrLoss`, `createSiSdrLoss`, ...): options validated and
 * filters designed once. `estimate` and `target` are `[T]` or `[B, T]` of the same shape (samples,
 * any rate, float32 or float64; sums run in float64); inputs are never modified.
 */
export interface WaveformLoss<O> {
  /** The validated options, every default filled in. */
  readonly options: Readonly<O>;
  /** The loss: the mean over the items. */
  value(estimate: TensorLike, target: TensorLike): number;
  /** The loss, its gradient w.r.t. `estimate` and the loss of every item, in one pass. */
  valueAndGrad(estimate: TensorLike, target: TensorLike): WaveformValueAndGrad;
  /** The loss of every item: shape `[B]` (`[1]` for `[T]`), the float type of `estimate`. */
  perItem(estimate: TensorLike, target: TensorLike): Tensor;
}

interface Signals {
  e: Tensor;
  t: Tensor;
  B: number;
  T: number;
}

function signals(
  estimate: TensorLike,
  target: TensorLike,
  filter: PreEmphasisFilter | undefined,
): Signals {
  const e = toTensor(estimate, { name: 'estimate', rank: [1, 2] });
  const t = toTensor(target, { name: 'target', rank: [1, 2] });
  assertSameShape(e, t, 'estimate', 'target');
  const T = e.shape[e.shape.length - 1]!;
  const B = e.shape.length === 2 ? e.shape[0]! : 1;
  if (filter && filteredLength(filter, T) < 1) {
    const K = filter.weights.length;
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `estimate: the pre-emphasis filter (${K} taps, padding ${filter.pad}) needs at least ${K - 2 * filter.pad} samples, got shape ${formatShape(e.shape)}`,
      'estimate',
    );
  }
  return { e, t, B, T };
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/** Builds the {@link WaveformLoss} of a kernel, an optional filter and resolved options. */
export function planLoss<O>(
  kernel: ItemKernel,
  filter: PreEmphasisFilter | undefined,
  options: O,
): WaveformLoss<O> {
  const frozen = Object.freeze(options);
  const run = (estimate: TensorLike, target: TensorLike, wantGrad: boolean) => {
    const { e, t, B, T } = signals(estimate, target, filter);
    return { e, B, r: evaluate(kernel, filter, e.data, t.data, B, T, wantGrad) };
  };
  const items = (e: Tensor, perItem: Float64Array, B: number): Tensor =>
    tensor(new (arrayType(dtypeOf(e.data)))(perItem), [B]);
  return {
    options: frozen,
    value: (estimate, target) => mean(run(estimate, target, false).r.perItem),
    valueAndGrad: (estimate, target) => {
      const { e, B, r } = run(estimate, target, true);
      return {
        value: mean(r.perItem),
        grad: tensor(
          dtypeOf(e.data) === 'float64' ? r.grad! : new Float32Array(r.grad!),
          e.shape.slice(),
        ),
        perItem: items(e, r.perItem, B),
      };
    },
    perItem: (estimate, target) => {
      const { e, B, r } = run(estimate, target, false);
      return items(e, r.perItem, B);
    },
  };
}
