/**
 * @packageDocumentation
 * `@losses/mss/tfjs`: the multi-scale spectral loss as a differentiable TensorFlow.js op. Forward and
 * backward run the @losses kernels (STFT, magnitude and its vector-Jacobian product, the
 * WebAssembly pipeline where it serves); tfjs carries the tensors and the chain rule, so the op
 * works in `tf.grad`, `tf.variableGrads` and `optimizer.minimize`.
 *
 * Cost: inside a gradient tape an op costs about what `valueAndGrad` of `@losses/mss` costs on the
 * same data (the gradient w.r.t. the estimate is computed with the value, in one pass). The
 * target's gradient is computed only when backpropagation asks for it, i.e. when the target
 * depends on what is differentiated (see `differentiableOp` of `@losses/tensor/tfjs`).
 */
import type { Tensor, TensorLike } from '@losses/tensor';
import { LossInputError, tensor, toTensor } from '@losses/tensor';
import { differentiableOp, fromTf } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { kernelOf, lossFor, type MssLoss, type MssLossSpec, releaseLarge } from '../loss.js';

/**
 * d(mean loss)/d(target), shape of `target`: the second vector-Jacobian product, computed only
 * when backpropagation asks for it (one pass of the JavaScript kernels with the target's VJP).
 */
function targetGradient(loss: MssLoss, estimate: Tensor, target: Tensor): Tensor {
  const p = loss.config.perceptual;
  if (p.stereo !== undefined || p.randomResolution !== undefined) {
    // Issue 14: the estimate's gradient of these runs through the loss itself; the target's would
    // need the sum/difference transform (or the call's drawn resolutions) in the target VJP.
    throw new LossInputError(
      'INVALID_OPTION',
      `${p.stereo !== undefined ? "stereo: 'sum-difference'" : 'randomResolution'}: the gradient w.r.t. the target is not computed by this op (a data target never needs it); differentiate w.r.t. the estimate, or use mssLossWithTarget`,
      p.stereo !== undefined ? 'stereo' : 'randomResolution',
    );
  }
  const kernel = kernelOf(loss);
  const batch = (t: Tensor) => (t.shape.length === 1 ? tensor(t.data, [1, t.shape[0]!]) : t);
  const e = batch(estimate);
  const items = e.shape[0]!;
  const prepared = kernel.prepareTarget(batch(target), true);
  const r = kernel.evaluate(e, prepared, false, 1 / items, true);
  releaseLarge(loss);
  return tensor(r.targetGrad!.data, target.shape);
}

/**
 * The multi-scale spectral loss of `estimate` against `target` (tfjs tensors [T] or [B, T] of the
 * same shape, [B, 2, T] with `stereo: 'sum-difference'`; float32, or int32 read exactly as float64)
 * as a `tf.Scalar`: the mean over items, differentiable w.r.t. both arguments (w.r.t. the target
 * except under `stereo` and `randomResolution`, where asking for the target's gradient throws
 * `INVALID_OPTION`; the estimate's is the ndarray loss's, with the same draws from the same seed).
 *
 * Inside `tf.grad` / `optimizer.minimize` a step costs about `valueAndGrad` of `createMssLoss` on
 * the same data: the gradient w.r.t. `target` is computed only when `target` lies on the path to
 * what is differentiated (a `tf.Variable` being trained, the output of a model being trained, or
 * the tensor `tf.grad` differentiates w.r.t.); for a data target it is never computed. When it is,
 * it is exact and costs one more pass (JavaScript kernels). Outside a gradient tape the op computes
 * the value alone.
 *
 * @param options Options, a preset name (default `'standard'`) or a loss from `createMssLoss`
 *   (pass a planned loss inside a training loop to plan once).
 * @throws LossInputError as `valueAndGrad` of `createMssLoss` (`SHAPE_MISMATCH`, `NON_FINITE`,
 *   `EMPTY`), or `INVALID_TYPE` for a complex64 / string tensor.
 * @example
 * ```ts
 * const opt = tf.train.adam(0.01);
 * opt.minimize(() => mssLoss(synth(params), target, 'smooth') as tf.Scalar);
 * ```
 */
export function mssLoss(estimate: tf.Tensor, target: tf.Tensor, options?: MssLossSpec): tf.Scalar {
  const loss = lossFor(options);
  const op = differentiableOp(
    ([est, tgt], { recording }) => {
      if (!recording) return { output: loss.value(est!, tgt!) };
      const r = loss.valueAndGrad(est!, tgt!);
      return {
        output: r.value,
        grads: [r.grad],
        vjp: (_dy, wanted, [e, t]) => [null, wanted[1] ? targetGradient(loss, e!, t!) : null],
      };
    },
    ['estimate', 'target'],
  );
  const out = op(estimate, target) as tf.Scalar;
  // A cached preset that grew past PRESET_CACHE_BYTES is dropped, as after the ndarray one-shots.
  releaseLarge(loss);
  return out;
}

/**
 * The loss against a fixed target, its spectrograms computed once: returns `(estimate) => tf.Scalar`,
 * differentiable w.r.t. the estimate ([T] or [B, T]; a [T] target is compared with every item).
 * A step costs about `withTarget(target).valueAndGrad` of `@losses/mss`, cheaper than
 * {@link mssLoss}, which computes the target's spectrograms at every call.
 *
 * @param target A tfjs tensor or any TensorLike, [T] or [B, T].
 */
export function mssLossWithTarget(
  target: tf.Tensor | TensorLike,
  options?: MssLossSpec,
): (estimate: tf.Tensor) => tf.Scalar {
  const loss = lossFor(options);
  const fixed = loss.withTarget(
    isTfTensor(target) ? fromTf(target, 'target') : toTensor(target, { name: 'target' }),
  );
  releaseLarge(loss);
  const op = differentiableOp(
    ([est], { recording }) => {
      if (!recording) {
        const value = fixed.value(est!);
        releaseLarge(loss);
        return { output: value };
      }
      const r = fixed.valueAndGrad(est!);
      releaseLarge(loss);
      return { output: r.value, grads: [r.grad] };
    },
    ['estimate'],
  );
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
