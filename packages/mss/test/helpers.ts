import type { FloatArray } from '@losses/tensor';
import { LossInputError, tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import { createMssLoss, type MssOptions } from '../src/index.js';
import { kernelOf } from '../src/loss.js';

/** A deterministic pseudo-random signal (sum of sinusoids plus LCG noise), float64. */
export function signal(length: number, seed: number, items = 1): Float64Array {
  const out = new Float64Array(items * length);
  const rand = lcg32(seed >>> 0 || 1);
  for (let b = 0; b < items; b++) {
    const f1 = 0.02 + 0.3 * rand();
    const f2 = 0.02 + 0.3 * rand();
    const p = 6.283 * rand();
    for (let t = 0; t < length; t++) {
      out[b * length + t] =
        Math.sin(2 * Math.PI * f1 * t + p) +
        0.5 * Math.sin(2 * Math.PI * f2 * t) +
        0.1 * (rand() - 0.5);
    }
  }
  return out;
}

/** The LossInputError code `f` throws, or undefined. */
export function errorOf(f: () => unknown): LossInputError | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e;
    throw e;
  }
  return undefined;
}

/** Gradients of the mean loss w.r.t. estimate and target from the kernel (as the tfjs op uses it). */
export function bothGradients(
  options: MssOptions,
  est: FloatArray,
  tgt: FloatArray,
  shape: [number, number],
): { value: number; grad: FloatArray; targetGrad: FloatArray } {
  const kernel = kernelOf(createMssLoss(options));
  const prepared = kernel.prepareTarget(tensor(tgt, shape), true);
  const r = kernel.evaluate(tensor(est, shape), prepared, true, 1 / shape[0], true);
  const value = r.perItem.reduce((a, b) => a + b, 0) / shape[0];
  return { value, grad: r.grad!.data, targetGrad: r.targetGrad!.data };
}

/** Largest |a - b| relative to the largest |b|. */
export function relMaxError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
