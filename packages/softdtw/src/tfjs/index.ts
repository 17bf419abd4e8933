/**
 * @packageDocumentation
 * `@losses/softdtw/tfjs`: soft-DTW, the divergences, sharp soft-DTW and the CTC loss as
 * differentiable TensorFlow.js ops (usable in `optimizer.minimize`). Forward and backward run the
 * package's own float64 kernels through `differentiableOp` of `@losses/tensor/tfjs`.
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

/** Options of the tfjs ops: those of the sequence losses except `gradY` (always both). */
export type SoftDtwTfOptions = Omit<SoftDtwSequenceOptions, 'gradY'>;

/** Options of the tfjs divergence: those of `softDtwDivergence` except `gradY`. */
export type SoftDtwDivergenceTfOptions = Omit<SoftDtwDivergenceOptions, 'gradY'>;

function op(kind: LossKind, fn: string, options: SoftDtwDivergenceTfOptions | undefined) {
  const r = resolveSequenceOptions(
    options as SoftDtwDivergenceOptions | undefined,
    `${fn}: options`,
    kind === 'divergence',
  );
  return differentiableOp(([x, y]) => {
    const pairs = readPairs(x!, y!, r.cost);
    checkPairSizes(pairs, kind === 'divergence', r.steps.di.length);
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
  return differentiableOp(([lp]) => {
    const k = ctcKernel('ctcLoss', lp!, labels, options);
    const block = k.T * k.C;
    const output =
      k.reduction === 'none'
        ? tensor(Float64Array.from(k.perItem), [k.B])
        : reduceCtc(k.perItem, k.reduction);
    return {
      output,
      vjp(dy) {
        const d = new Float64Array(k.grad.length);
        for (let b = 0; b < k.B; b++) {
          const s = typeof dy === 'number' ? (k.reduction === 'mean' ? dy / k.B : dy) : dy.data[b]!;
          for (let q = b * block; q < (b + 1) * block; q++) d[q] = k.grad[q]! * s;
        }
        return [tensor(d, lp!.shape)];
      },
    };
  })(logProbs);
}
