import type { Tensor, TensorLike } from '@losses/tensor';
import { LossInputError, show, toTensor } from '@losses/tensor';

/**
 * A loss on signals as a plain function: `estimate` and `target` are `[T]` tensors (ndarrays
 * over Float32Array or Float64Array, read-only). Returns the loss value, or `{ value, grad }`
 * with `grad` = dL/d(estimate) (`[T]`), which the gradient reading of `sinusoidGra` needs.
 */
export type SignalLossFunction = (
  estimate: Tensor,
  target: Tensor,
) => number | { value: number; grad?: TensorLike };

/**
 * A loss bound to one target signal, as `withTarget(target)` of a planned loss returns it
 * (e.g. `createMssLoss(...).withTarget(target)` of @losses/mss).
 */
export interface TargetBoundLoss {
  /** The loss of one estimate `[T]` against the bound target. */
  value(estimate: Tensor): number;
  /** The loss of each row of `estimates` `[B, T]`: `B` values. Used to batch the estimates. */
  perItem?(estimates: Tensor): TensorLike;
  /** The loss of one estimate `[T]` and its gradient dL/d(estimate), `[T]`. */
  valueAndGrad?(estimate: Tensor): { value: number; grad: TensorLike };
}

/** A planned loss that can bind a target: anything with `withTarget(target [T])`. */
export interface TargetBindableLoss {
  withTarget(target: Tensor): TargetBoundLoss;
}

/** What `sinusoidGra` accepts as the loss: a function of (estimate, target) or a planned loss. */
export type SignalLoss = SignalLossFunction | TargetBindableLoss;

/** The loss bound to one target, as the experiment uses it. */
export interface BoundLoss {
  /** Loss values of each row of `estimates` `[B, T]`, in row order. */
  values(estimates: Tensor, rows: readonly Tensor[]): Float64Array;
  /** The loss value and gradient of one estimate `[T]`. */
  valueAndGrad(estimate: Tensor): { value: number; grad: Tensor };
}

const NAME = 'options.loss';

function checkValue(v: unknown, where: string): number {
  if (typeof v !== 'number') {
    throw new LossInputError(
      'INVALID_TYPE',
      `${NAME}: ${where} returned ${show(v)}, expected a number`,
      NAME,
    );
  }
  if (!Number.isFinite(v)) {
    throw new LossInputError(
      'NON_FINITE',
      `${NAME}: ${where} returned ${v}; a loss must be finite`,
      NAME,
    );
  }
  return v;
}

function checkGrad(g: unknown, length: number, where: string): Tensor {
  if (g === undefined || g === null) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${NAME}: ${where} returned no gradient; the gradient reading needs { value, grad }`,
      NAME,
    );
  }
  return toTensor(g as TensorLike, { name: `${NAME} gradient (${where})`, shape: [length] });
}

function lossValueOf(result: unknown, where: string): number {
  if (typeof result === 'object' && result !== null && 'value' in result) {
    return checkValue((result as { value: unknown }).value, where);
  }
  return checkValue(result, where);
}

/** Checks that `loss` is a function or has `withTarget`, and returns it typed. */
export function checkSignalLoss(loss: unknown): SignalLoss {
  if (typeof loss === 'function') return loss as SignalLossFunction;
  if (
    typeof loss === 'object' &&
    loss !== null &&
    typeof (loss as { withTarget?: unknown }).withTarget === 'function'
  ) {
    return loss as TargetBindableLoss;
  }
  throw new LossInputError(
    'INVALID_OPTION',
    `${NAME}: expected a function (estimate, target) => number | { value, grad } or an object with withTarget(target), got ${show(loss)}`,
    NAME,
  );
}

/** Binds `loss` to one target. */
export function bindLoss(loss: SignalLoss, target: Tensor, needGrad: boolean): BoundLoss {
  if (typeof loss === 'function') {
    return {
      values(_estimates, rows) {
        const out = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++)
          out[i] = lossValueOf(loss(rows[i]!, target), 'loss(...)');
        return out;
      },
      valueAndGrad(estimate) {
        const r = loss(estimate, target);
        const value = lossValueOf(r, 'loss(...)');
        const grad = checkGrad(
          typeof r === 'object' && r !== null ? r.grad : undefined,
          estimate.size,
          'loss(...)',
        );
        return { value, grad };
      },
    };
  }
  const bound = loss.withTarget(target);
  if (typeof bound !== 'object' || bound === null || typeof bound.value !== 'function') {
    throw new LossInputError(
      'INVALID_OPTION',
      `${NAME}: withTarget(target) returned ${show(bound)}, expected { value(estimate), perItem?, valueAndGrad? }`,
      NAME,
    );
  }
  if (needGrad && typeof bound.valueAndGrad !== 'function') {
    throw new LossInputError(
      'INVALID_OPTION',
      `${NAME}: the gradient reading needs withTarget(target).valueAndGrad(estimate), which this loss lacks`,
      NAME,
    );
  }
  const perItem = typeof bound.perItem === 'function' ? bound.perItem.bind(bound) : undefined;
  return {
    values(estimates, rows) {
      if (perItem) {
        const r = toTensor(perItem(estimates), {
          name: `${NAME} withTarget(target).perItem(estimates) result`,
          shape: [rows.length],
          rank: 1,
        });
        const out = new Float64Array(rows.length);
        for (let i = 0; i < rows.length; i++) out[i] = r.data[i]!;
        return out;
      }
      const out = new Float64Array(rows.length);
      for (let i = 0; i < rows.length; i++) {
        out[i] = checkValue(bound.value(rows[i]!), 'withTarget(target).value(estimate)');
      }
      return out;
    },
    valueAndGrad(estimate) {
      const r = bound.valueAndGrad!(estimate);
      const where = 'withTarget(target).valueAndGrad(estimate)';
      const value = lossValueOf(r, where);
      return { value, grad: checkGrad(r?.grad, estimate.size, where) };
    },
  };
}
