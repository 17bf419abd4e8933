/**
 * @packageDocumentation
 * The magnitude spectrogram as a differentiable TensorFlow.js op, computed by @losses/stft's own
 * kernels (forward and gradient).
 */

import type { Tensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { createStft, type MagnitudeOptions } from '../stft.js';

/**
 * The magnitude spectrogram |STFT(x)| as a differentiable tfjs op (`tf.grad` works through it;
 * the gradient is {@link magnitudeVjp} of the package).
 *
 * @param x Signal, `[T]` or `[B, T]` (float32).
 * @param options STFT options (see `StftOptions`) plus an optional `eps` power floor.
 * @returns `[(B,) frames, bins]` float32 tensor.
 */
export function magnitudeSpectrogram(x: tf.Tensor, options: MagnitudeOptions): tf.Tensor {
  const { eps, ...stftOptions } = options;
  const plan = createStft(stftOptions);
  const op = differentiableOp(([signal]) => {
    const r = plan.magnitudeWithVjp(signal!, eps);
    return { output: r.magnitude, vjp: (dy) => [r.vjp(dy as Tensor)] };
  });
  return op(x);
}
