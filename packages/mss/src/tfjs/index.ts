/**
 * @packageDocumentation
 * `@losses/mss/tfjs`: the multi-scale spectral loss as a differentiable TensorFlow.js op. Forward and
 * backward run the @losses kernels (STFT, magnitude and its vector-Jacobian product); tfjs carries
 * the tensors and the chain rule, so the op works in `tf.grad`, `tf.variableGrads` and
 * `optimizer.minimize`.
 */
import type { Tensor, TensorLike } from '@losses/tensor';
import { LossInputError, tensor } from '@losses/tensor';
import { differentiableOp, fromTf } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import type { MssKernel } from '../kernel.js';
import { kernelOf, lossFor, type MssLossSpec, releaseLarge } from '../loss.js';

function scaled(t: Tensor, factor: number): Tensor {
  if (factor === 1) return t;
  const out = new Float64Array(t.data.length);
  for (let i = 0; i < out.length; i++) out[i] = t.data[i]! * factor;
  return tensor(out, t.shape);
}

function batchOf(kernel: MssKernel, t: TensorLike, name: string): Tensor {
  const v = kernel.signal(t, name);
  return v.shape.length === 1 ? tensor(v.data, [1, v.shape[0]!]) : v;
}

function dyNumber(dy: number | Tensor): number {
  return typeof dy === 'number' ? dy : dy.data[dy.offset]!;
}

/**
 * The multi-scale spectral loss of `estimate` against `target` (tfjs tensors [T] or [B, T] of the
 * same shape) as a `tf.Scalar`: the mean over items, differentiable w.r.t. both arguments.
 *
 * @param options Options, a preset name (default `'standard'`) or a loss from `createMssLoss`
 *   (pass a planned loss inside a training loop to plan once).
 * @example
 * ```ts
 * const opt = tf.train.adam(0.01);
 * opt.minimize(() => mssLoss(synth(params), target, 'smooth') as tf.Scalar);
 * ```
 */
export function mssLoss(estimate: tf.Tensor, target: tf.Tensor, options?: MssLossSpec): tf.Scalar {
  const loss = lossFor(options);
  const kernel = kernelOf(loss);
  const op = differentiableOp(([est, tgt]) => {
    const e = batchOf(kernel, est!, 'estimate');
    const t = batchOf(kernel, tgt!, 'target');
    if (e.shape[0] !== t.shape[0] || e.shape[1] !== t.shape[1]) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate and target must have the same shape, got [${est!.shape.join(', ')}] and [${tgt!.shape.join(', ')}]`,
        'target',
      );
    }
    kernel.checkSignal(e, 'estimate');
    const prepared = kernel.prepareTarget(t, true);
    const items = e.shape[0]!;
    const r = kernel.evaluate(e, prepared, true, 1 / items, true);
    let value = 0;
    for (const v of r.perItem) value += v;
    return {
      output: value / items,
      vjp: (dy) => {
        const f = dyNumber(dy);
        return [
          tensor(scaled(r.grad!, f).data, est!.shape),
          tensor(scaled(r.targetGrad!, f).data, tgt!.shape),
        ];
      },
    };
  });
  const out = op(estimate, target) as tf.Scalar;
  releaseLarge(loss);
  return out;
}

/**
 * The loss against a fixed target, its spectrograms computed once: returns `(estimate) => tf.Scalar`,
 * differentiable w.r.t. the estimate ([T] or [B, T]; a [T] target is compared with every item).
 * About a third cheaper per step than {@link mssLoss}, which also differentiates w.r.t. the target.
 *
 * @param target A tfjs tensor or any TensorLike, [T] or [B, T].
 */
export function mssLossWithTarget(
  target: tf.Tensor | TensorLike,
  options?: MssLossSpec,
): (estimate: tf.Tensor) => tf.Scalar {
  const loss = lossFor(options);
  const kernel = kernelOf(loss);
  const t = batchOf(kernel, isTfTensor(target) ? fromTf(target) : (target as TensorLike), 'target');
  kernel.checkSignal(t, 'target');
  const prepared = kernel.prepareTarget(t, false);
  releaseLarge(loss);
  const op = differentiableOp(([est]) => {
    const e = batchOf(kernel, est!, 'estimate');
    const items = e.shape[0]!;
    if (e.shape[1] !== prepared.length || (prepared.items !== 1 && items !== prepared.items)) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: expected [${prepared.items === 1 ? 'B, ' : `${prepared.items}, `}${prepared.length}] or [${prepared.length}] to match the target, got [${est!.shape.join(', ')}]`,
        'estimate',
      );
    }
    const r = kernel.evaluate(e, prepared, true, 1 / items);
    releaseLarge(loss);
    let value = 0;
    for (const v of r.perItem) value += v;
    return {
      output: value / items,
      vjp: (dy) => [tensor(scaled(r.grad!, dyNumber(dy)).data, est!.shape)],
    };
  });
  return (estimate: tf.Tensor) => op(estimate) as tf.Scalar;
}

function isTfTensor(x: unknown): x is tf.Tensor {
  return (
    typeof x === 'object' &&
    x !== null &&
    'dataSync' in x &&
    typeof (x as tf.Tensor).dataSync === 'function'
  );
}
