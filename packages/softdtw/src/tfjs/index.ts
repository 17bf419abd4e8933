/**
 * @packageDocumentation
 * `@losses/softdtw/tfjs`: soft-DTW, the soft-DTW divergence and sharp soft-DTW as differentiable
 * TensorFlow.js ops w.r.t. both sequences (usable in `optimizer.minimize`). Forward and backward
 * run the package's own float64 kernels through `differentiableOp` of `@losses/tensor/tfjs`.
 */
import { type Tensor, tensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { evaluate, type LossKind } from '../evaluate.js';
import { resolveSequenceOptions, type SoftDtwSequenceOptions } from '../options.js';
import { checkPairSizes, readPairs } from '../sequences.js';

/** Options of the tfjs ops: those of the sequence losses except `gradY` (always both). */
export type SoftDtwTfOptions = Omit<SoftDtwSequenceOptions, 'gradY'>;

function op(kind: LossKind, fn: string, options: SoftDtwTfOptions | undefined) {
  const r = resolveSequenceOptions(options as SoftDtwSequenceOptions | undefined, `${fn}: options`);
  return differentiableOp(([x, y]) => {
    const pairs = readPairs(x!, y!, r.cost);
    checkPairSizes(pairs, kind === 'divergence');
    const ev = evaluate(kind, pairs, r, true, true);
    const join = (gs: Float64Array[], like: Tensor): Tensor => {
      const out = new Float64Array(gs.reduce((n, g) => n + g.length, 0));
      let k = 0;
      for (const g of gs) {
        out.set(g, k);
        k += g.length;
      }
      return tensor(out, like.shape);
    };
    const gx = join(ev.gx!, x!);
    const gy = join(ev.gy!, y!);
    return {
      output: ev.value,
      vjp(dy) {
        const s = typeof dy === 'number' ? dy : dy.data[0]!;
        const scale = (t: Tensor): Tensor => {
          const d = new Float64Array(t.data.length);
          for (let i = 0; i < d.length; i++) d[i] = t.data[i]! * s;
          return tensor(d, t.shape);
        };
        return [scale(gx), scale(gy)];
      },
    };
  });
}

/**
 * Soft-DTW of `x` `[N, D]` (or `[B, N, D]`) and `y` `[M, D]` (or `[B, M, D]`) as a scalar tfjs
 * op (the mean over the batch), differentiable w.r.t. both. Options as `softDtw` of
 * `@losses/softdtw` (cost, gamma, stepWeights, bandwidth, prior), validated once here.
 *
 * @example
 * ```ts
 * const loss = softDtw(x, y, { gamma: 0.1 });
 * optimizer.minimize(() => softDtw(model.predict(feats) as tf.Tensor, target, opts) as tf.Scalar);
 * ```
 */
export function softDtw(x: tf.Tensor, y: tf.Tensor, options?: SoftDtwTfOptions): tf.Scalar {
  return op('softDtw', 'softDtw', options)(x, y) as tf.Scalar;
}

/** The soft-DTW divergence as a scalar tfjs op, differentiable w.r.t. `x` and `y`. */
export function softDtwDivergence(
  x: tf.Tensor,
  y: tf.Tensor,
  options?: SoftDtwTfOptions,
): tf.Scalar {
  return op('divergence', 'softDtwDivergence', options)(x, y) as tf.Scalar;
}

/** Sharp soft-DTW <E, C> as a scalar tfjs op, differentiable w.r.t. `x` and `y`. */
export function sharpSoftDtw(x: tf.Tensor, y: tf.Tensor, options?: SoftDtwTfOptions): tf.Scalar {
  return op('sharp', 'sharpSoftDtw', options)(x, y) as tf.Scalar;
}
