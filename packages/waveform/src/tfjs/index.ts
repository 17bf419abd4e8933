/**
 * @packageDocumentation
 * `@losses/waveform/tfjs`: the time-domain losses as differentiable TensorFlow.js ops. Forward and
 * backward run the package's own kernels (through `differentiableOp` of `@losses/tensor/tfjs`);
 * tfjs carries the tensors and the chain rule, so the ops work in `tf.grad`, `tf.variableGrads` and
 * `optimizer.minimize`. The gradient flows to the estimate; the target is a constant (its gradient
 * is zero).
 *
 * Cost: inside `tf.grad` / `optimizer.minimize` an op costs about what `valueAndGrad` costs on the
 * same data (value and gradient in one pass); outside a gradient tape it computes the value alone.
 * Inputs are float32 tfjs tensors (int32 is read exactly, as float64).
 */
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import type { WaveformLoss } from '../loss.js';
import {
  createDcLoss,
  createEsrLoss,
  createL1Loss,
  createLogCoshLoss,
  createMseLoss,
  createSdSdrLoss,
  createSiSdrLoss,
  createSnrLoss,
} from '../losses.js';
import type {
  DcOptions,
  ElementwiseOptions,
  EsrOptions,
  LogCoshOptions,
  SdrOptions,
} from '../options.js';

/** The tfjs op of a planned loss: a `tf.Scalar`, the mean over items, differentiable w.r.t. the estimate. */
function op<O>(loss: WaveformLoss<O>, estimate: tf.Tensor, target: tf.Tensor): tf.Scalar {
  const f = differentiableOp(
    ([e, t], { recording }) => {
      if (!recording) return { output: loss.value(e!, t!) };
      const r = loss.valueAndGrad(e!, t!);
      return { output: r.value, grads: [r.grad, null] };
    },
    ['estimate', 'target'],
  );
  return f(estimate, target) as tf.Scalar;
}

/**
 * L1 loss as a tfjs op (see `l1Loss` of `@losses/waveform`).
 *
 * @param estimate `[T]` or `[B, T]` tfjs tensor.
 * @param target Same shape (no gradient).
 * @param options `preEmphasis` (default none).
 * @returns A `tf.Scalar`: the mean over items.
 */
export function l1Loss(
  estimate: tf.Tensor,
  target: tf.Tensor,
  options?: ElementwiseOptions,
): tf.Scalar {
  return op(createL1Loss(options), estimate, target);
}

/**
 * Mean squared error as a tfjs op (see `mseLoss` of `@losses/waveform`).
 *
 * @param estimate `[T]` or `[B, T]` tfjs tensor.
 * @param target Same shape (no gradient).
 * @param options `preEmphasis` (default none).
 */
export function mseLoss(
  estimate: tf.Tensor,
  target: tf.Tensor,
  options?: ElementwiseOptions,
): tf.Scalar {
  return op(createMseLoss(options), estimate, target);
}

/**
 * Error-to-signal ratio as a tfjs op (see `esrLoss` of `@losses/waveform`).
 *
 * @param options `eps` (default 1e-8), `preEmphasis`.
 */
export function esrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: EsrOptions): tf.Scalar {
  return op(createEsrLoss(options), estimate, target);
}

/**
 * DC error as a tfjs op (see `dcLoss` of `@losses/waveform`).
 *
 * @param options `eps` (default 1e-8).
 */
export function dcLoss(estimate: tf.Tensor, target: tf.Tensor, options?: DcOptions): tf.Scalar {
  return op(createDcLoss(options), estimate, target);
}

/**
 * Log-cosh loss as a tfjs op (see `logCoshLoss` of `@losses/waveform`).
 *
 * @param options `a` (default 1), `eps` (default 1e-8), `preEmphasis`.
 */
export function logCoshLoss(
  estimate: tf.Tensor,
  target: tf.Tensor,
  options?: LogCoshOptions,
): tf.Scalar {
  return op(createLogCoshLoss(options), estimate, target);
}

/**
 * SNR loss (negated SNR in dB) as a tfjs op (see `snrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function snrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return op(createSnrLoss(options), estimate, target);
}

/**
 * SI-SDR loss (negated SI-SDR in dB) as a tfjs op (see `siSdrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function siSdrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return op(createSiSdrLoss(options), estimate, target);
}

/**
 * SD-SDR loss (negated SD-SDR in dB) as a tfjs op (see `sdSdrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function sdSdrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return op(createSdSdrLoss(options), estimate, target);
}
