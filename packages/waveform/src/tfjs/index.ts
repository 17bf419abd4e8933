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
 * Each op keeps the ops it made for its last 16 option sets (told apart by their validated
 * values), so the calls of a training loop do not plan the loss again.
 * Inputs are float32 tfjs tensors (int32 is read exactly, as float64).
 */
import { LruCache } from '@losses/tensor/internal';
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
import {
  type DcOptions,
  type ElementwiseOptions,
  type EsrOptions,
  type LogCoshOptions,
  resolveDc,
  resolveElementwise,
  resolveEsr,
  resolveLogCosh,
  resolveSdr,
  type SdrOptions,
} from '../options.js';

/** The tfjs op of a planned loss: a `tf.Scalar`, the mean over items, differentiable w.r.t. the estimate. */
type Op = (estimate: tf.Tensor, target: tf.Tensor) => tf.Tensor;

function opOf<O>(loss: WaveformLoss<O>): Op {
  return differentiableOp(
    ([e, t], { recording }) => {
      if (!recording) return { output: loss.value(e!, t!) };
      const r = loss.valueAndGrad(e!, t!);
      return { output: r.value, grads: [r.grad, null] };
    },
    ['estimate', 'target'],
  );
}

/**
 * The ops made so far, by loss and validated options, the most recently used last (at most
 * {@link KEPT_OPS}): planning a loss and wrapping it as an op at every call cost about 10-20 us
 * of a 1 ms step (issue 17).
 */
const KEPT_OPS = 16;
const ops = new LruCache<string, Op>(KEPT_OPS);

/** A key that tells validated options apart exactly (numbers by their exact value, -0 included). */
function keyOf(resolved: unknown): string {
  return JSON.stringify(resolved, (_, v) =>
    typeof v === 'number' ? `#${Object.is(v, -0) ? '-0' : String(v)}` : v === undefined ? null : v,
  );
}

/**
 * The loss `name` with `options` (validated by `resolve`, which throws their errors) as a tfjs op
 * applied to the two tensors; planned by `create` the first time these validated options are seen.
 */
function run<O, R>(
  name: string,
  resolve: (options: unknown) => R,
  create: (options?: O) => WaveformLoss<R>,
  options: O | undefined,
  estimate: tf.Tensor,
  target: tf.Tensor,
): tf.Scalar {
  const key = `${name} ${keyOf(resolve(options))}`;
  let op = ops.get(key);
  if (op === undefined) {
    op = opOf(create(options));
    ops.set(key, op, 1);
  }
  return op(estimate, target) as tf.Scalar;
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
  return run('l1', resolveElementwise, createL1Loss, options, estimate, target);
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
  return run('mse', resolveElementwise, createMseLoss, options, estimate, target);
}

/**
 * Error-to-signal ratio as a tfjs op (see `esrLoss` of `@losses/waveform`).
 *
 * @param options `eps` (default 1e-8), `preEmphasis`.
 */
export function esrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: EsrOptions): tf.Scalar {
  return run('esr', resolveEsr, createEsrLoss, options, estimate, target);
}

/**
 * DC error as a tfjs op (see `dcLoss` of `@losses/waveform`).
 *
 * @param options `eps` (default 1e-8).
 */
export function dcLoss(estimate: tf.Tensor, target: tf.Tensor, options?: DcOptions): tf.Scalar {
  return run('dc', resolveDc, createDcLoss, options, estimate, target);
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
  return run('logCosh', resolveLogCosh, createLogCoshLoss, options, estimate, target);
}

/**
 * SNR loss (negated SNR in dB) as a tfjs op (see `snrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function snrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return run('snr', resolveSdr, createSnrLoss, options, estimate, target);
}

/**
 * SI-SDR loss (negated SI-SDR in dB) as a tfjs op (see `siSdrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function siSdrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return run('siSdr', resolveSdr, createSiSdrLoss, options, estimate, target);
}

/**
 * SD-SDR loss (negated SD-SDR in dB) as a tfjs op (see `sdSdrLoss` of `@losses/waveform`).
 *
 * @param options `zeroMean` (default true), `eps` (default 1e-8), `clipMin`.
 */
export function sdSdrLoss(estimate: tf.Tensor, target: tf.Tensor, options?: SdrOptions): tf.Scalar {
  return run('sdSdr', resolveSdr, createSdSdrLoss, options, estimate, target);
}
