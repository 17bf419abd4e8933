/** The small tfjs models of the cases: an MLP and batched prediction. */
import * as tf from '@tensorflow/tfjs';

/** An MLP `inputs -> hidden (relu) -> outputs` (logits), Glorot-uniform weights from `seed`. */
export function buildMlp(
  inputs: number,
  hidden: number,
  outputs: number,
  seed: number,
): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [inputs],
      units: hidden,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: outputs,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return model;
}

/** Sigmoid outputs of `model` on `x` (`[frames, D]`), in chunks of 4096 frames. */
export function predictProbabilities(
  model: tf.LayersModel,
  x: Float32Array,
  inputs: number,
): Float32Array {
  const frames = x.length / inputs;
  const parts: Float32Array[] = [];
  for (let f0 = 0; f0 < frames; f0 += 4096) {
    const n = Math.min(4096, frames - f0);
    parts.push(
      tf.tidy(() =>
        Float32Array.from(
          tf
            .sigmoid(
              model.predict(
                tf.tensor2d(x.subarray(f0 * inputs, (f0 + n) * inputs), [n, inputs]),
              ) as tf.Tensor,
            )
            .dataSync(),
        ),
      ),
    );
  }
  if (parts.length === 1) return parts[0]!;
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
