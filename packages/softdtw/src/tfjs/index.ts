/**
 * @packageDocumentation
 * `@losses/softdtw/tfjs`: soft-DTW, the divergences, sharp soft-DTW and the CTC loss as
 * differentiable TensorFlow.js ops (usable in `optimizer.minimize`). Forward and backward run the
 * package's own float64 kernels through `differentiableOp` of `@losses/tensor/tfjs`.
 *
 * Cost: inside `tf.grad` / `optimizer.minimize` an op costs about what `...ValueAndGrad` costs on
 * the same data. The gradient w.r.t. `y` is computed only when `y` lies on the path to what is
 * differentiated (a trained `tf.Variable` or model output, or the tensor `tf.grad` differentiates
 * w.r.t.), in one more pass; for a data target it is never computed. Outside a gradient tape an op
 * computes its value alone. Inputs are float32 tfjs tensors (int32 is read exactly, as float64).
 */
import { type Tensor, tensor } from '@losses/tensor';
import { differentiableOp } from '@losses/tensor/tfjs';
import type * as tf from '@tensorflow/tfjs-core';
import { type CtcLabels, type CtcOptions, ctcKernel, reduceCtc } from '../ctc.js';
import { evaluate, type LossKind } from '../evaluate.js';
import {
  resolveSequenceOptions,
  type SoftDtwDivergenceOptions,
  type SoftDtwSequenceOptions,
} from '../options.js';
import { checkPairSizes, readPairs } from '../sequences.js';

/** Options of the tfjs ops: those of the sequence losses except `gradY` (asked for by tfjs). */
export type SoftDtwTfOptions = Omit<SoftDtwSequenceOptions, 'gradY'>;

/** Options of the tfjs divergence: those of `softDtwDivergence` except `gradY`. */
export type SoftDtwDivergenceTfOptions = Omit<SoftDtwDivergenceOptions, 'gradY'>;

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
function op(kind: LossKind, fn: string, options: SoftDtwDivergenceTfOptions | undefined) {
  const r = resolveSequenceOptions(
    options as SoftDtwDivergenceOptions | undefined,
    `${fn}: options`,
    kind === 'divergence',
  );
  return differentiableOp(
    ([x, y], { recording }) => {
      const pairs = readPairs(x!, y!, r.cost);
      // As the ndarray functions: the per-cell state (a gradient's soft-min weights, sharp
      // soft-DTW's matrices, the mean cost's weights, a user cost's matrix) is bounded by the size
      // limit; the value of a built-in cost alone needs a few rows.
      if (recording || kind === 'sharp' || r.variant !== 'soft' || typeof r.cost === 'object') {
        checkPairSizes(pairs, kind === 'divergence', r.steps.di.length);
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
 * `@losses/softdtw` (cost, gamma, steps or stepWeights, band or bandwidth, prior, subsequence,
 * open ends, normalize), validated once here.
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

/**
 * The divergences of `softDtwDivergence` (`variant`: `'soft'`, `'sharp'`, `'mean-cost'`) as a
 * scalar tfjs op, differentiable w.r.t. `x` and `y`.
 */
export function softDtwDivergence(
  x: tf.Tensor,
  y: tf.Tensor,
  options?: SoftDtwDivergenceTfOptions,
): tf.Scalar {
  return op('divergence', 'softDtwDivergence', options)(x, y) as tf.Scalar;
}

/** Sharp soft-DTW <E, C> as a scalar tfjs op, differentiable w.r.t. `x` and `y`. */
export function sharpSoftDtw(x: tf.Tensor, y: tf.Tensor, options?: SoftDtwTfOptions): tf.Scalar {
  return op('sharp', 'sharpSoftDtw', options)(x, y) as tf.Scalar;
}

/**
 * The CTC loss of `ctcLoss` in `@losses/softdtw` as a tfjs op, differentiable w.r.t. `logProbs`
 * (`[T, C]` or `[B, T, C]`, e.g. `tf.logSoftmax(logits)`): a scalar for `reduction` `'mean'`
 * (default, over items) or `'sum'`, a `[B]` tensor of every item's loss for `'none'`. The labels
 * (one class-index sequence per item, ragged) and options are fixed per call.
 *
 * @example
 * ```ts
 * optimizer.minimize(() => ctcLoss(tf.logSoftmax(model.apply(x) as tf.Tensor), labels) as tf.Scalar);
 * ```
 */
export function ctcLoss(logProbs: tf.Tensor, labels: CtcLabels, options?: CtcOptions): tf.Tensor {
  return differentiableOp(
    ([lp], { recording }) => {
      // Outside a gradient tape the losses alone (no occupancy pass).
      const k = ctcKernel('ctcLoss', lp!, labels, options, recording);
      const output =
        k.reduction === 'none'
          ? tensor(Float64Array.from(k.perItem), [k.B])
          : reduceCtc(k.perItem, k.reduction);
      if (!recording) return { output };
      const g = k.grad!;
      if (k.reduction !== 'none') {
        // A scalar: the reduced loss's gradient, handed over with the value (as ctcLossValueAndGrad).
        if (k.reduction === 'mean') for (let q = 0; q < g.length; q++) g[q] = g[q]! / k.B;
        return { output, grads: [tensor(g, lp!.shape)] };
      }
      const block = k.T * k.C;
      return {
        output,
        // 'none': item b's gradient times dL/d(loss_b), written as float32 (handed over as is).
        vjp: (dy) => {
          const d = new Float32Array(g.length);
          for (let b = 0; b < k.B; b++) {
            const s = (dy as Tensor).get(b);
            for (let q = b * block; q < (b + 1) * block; q++) d[q] = g[q]! * s;
          }
          return [tensor(d, lp!.shape)];
        },
      };
    },
    ['logProbs'],
  )(logProbs);
}
