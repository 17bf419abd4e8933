/**
 * @packageDocumentation
 * The magnitude spectrogram as a differentiable TensorFlow.js op, computed by @losses/stft's own
 * kernels (forward and gradient) through `differentiableOp` of `@losses/tensor/tfjs`. Outside a
 * gradient tape the op computes the magnitudes alone (no VJP state); inside one its output is the
 * same (`magnitude`'s: the float32 kernels for float32 signals), with the float64 VJP.
 */

import type { Tensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { type MagnitudeOptions, planAndEps } from '../stft.js';

export type { MagnitudeOptions } from '../stft.js';

/**
 * The magnitude spectrogram |STFT(x)| as a differentiable tfjs op (`tf.grad` works through it;
 * the gradient is `magnitudeVjp` of @losses/stft).
 *
 * @param x Signal, `[T]` or `[B, T]` (float32).
 * @param options STFT options (see `StftOptions`) plus an optional `eps` power floor.
 * @returns `[(B,) frames, bins]` float32 tensor.
 * @throws LossInputError for bad options or signals, as `magnitude` of @losses/stft.
 */
export function magnitudeSpectrogram(x: tf.Tensor, options: MagnitudeOptions): tf.Tensor {
  // The signal's length is checked against the options before anything is planned.
  const { plan, eps } = planAndEps(options, x.shape[x.shape.length - 1]);
  const op = differentiableOp(
    ([signal], { recording }) => {
      if (!recording) return { output: plan.magnitude(signal!, eps) };
      const r = plan.magnitudeWithVjp(signal!, eps);
      // The output is `magnitude`'s inside a tape too (float32 signals: the float32 kernels at
      // every size they serve), so that recording never changes the values; the gradient is the
      // float64 VJP of the same signal.
      return { output: plan.magnitude(signal!, eps), vjp: (dy) => [r.vjp(dy as Tensor)] };
    },
    ['x'],
  );
  return op(x);
}
