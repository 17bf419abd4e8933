/**
 * @packageDocumentation
 * `@losses/softdtw/tfjs`: soft-DTW, the soft-DTW divergence and sharp soft-DTW as differentiable
 * TensorFlow.js ops w.r.t. both sequences (usable in `optimizer.minimize`). Forward and backward
 * run the package's own float64 kernels through `differentiableOp` of `@losses/tensor/tfjs`.
 *
 * Cost: inside `tf.grad` / `optimizer.minimize` an op costs about what `...ValueAndGrad` costs on
 * the same data. The gradient w.r.t. `y` is computed only when `y` lies on the path to what is
 * differentiated (a trained `tf.Variable` or model output, or the tensor `tf.grad` differentiates
 * w.r.t.), in one more pass; for a data target it is never computed. Inputs are float32 tfjs
 * tensors (int32 is read exactly, as float64).
 */
import { type Tensor, tensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { evaluate, type LossKind } from '../evaluate.js';
import { resolveSequenceOptions, type SoftDtwSequenceOptions } from '../options.js';
import { checkPairSizes, readPairs } from '../sequences.js';

/** Options of the tfjs ops: those of the sequence losses except `gradY` (asked for by tfjs). */
export type SoftDtwTfOptions = Omit<SoftDtwSequenceOptions, 'gradY'>;

/** The gradients of every item as one tensor of `like`'s shape (no copy for a batch's buffer). */
function joined(gs: Float64Array[], like: Tensor): Tensor {
  const first = gs[0]!;
  const size = gs.reduce((n, g) => n + g.length, 0);
  const views = gs.every(
    (g, b) => g.buffer === first.buffer && g.byteOffset === first.byteOffset + b * g.byteLength,
  );
  if (views) return tensor(new Float64Array(first.buffer, first.byteOffset, size), like.shape);
  const out = new Float64Array(size);
  let k = 0;
  for (const g of gs) {
    out.set(g, k);
    k += g.length;
  }
  return tensor(out, like.shape);
}

/**
 * The op of one loss. Inside a gradient tape the forward pass computes the value with the gradient
 * w.r.t. `x`, as `...ValueAndGrad` does (the WebAssembly route included); the gradient w.r.t. `y`
 * is a second pass, run only when backpropagation asks for it (`y` on the path to what is
 * differentiated). Outside a tape the value alone is computed.
 */
function op(kind: LossKind, fn: string, options: SoftDtwTfOptions | undefined) {
  const r = resolveSequenceOptions(options as SoftDtwSequenceOptions | undefined, `${fn}: options`);
  return differentiableOp(
    ([x, y], { recording }) => {
      const pairs = readPairs(x!, y!, r.cost);
      // As the ndarray functions: the per-cell state of a gradient, of sharp soft-DTW and of a user
      // cost is bounded by the size limit; the value of a built-in cost needs two rows.
      if (recording || kind === 'sharp' || typeof r.cost === 'object') {
        checkPairSizes(pairs, kind === 'divergence');
      }
      const ev = evaluate(kind, pairs, r, recording, false);
      return {
        output: ev.value,
        grads: recording ? [joined(ev.gx!, x!)] : [],
        // The second pass reads the sequences again rather than keep `pairs` between the passes.
        vjp: (_dy, wanted, [a, b]) => [
          null,
          wanted[1]
            ? joined(evaluate(kind, readPairs(a!, b!, r.cost), r, false, true).gy!, b!)
            : null,
        ],
      };
    },
    ['x', 'y'],
  );
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
