import type { FloatArray } from '@losses/tensor';
import type { ItemKernel, KernelOut } from './kernels/kernel.js';
import {
  applyAdjoint,
  applyFilter,
  filteredLength,
  type PreEmphasisFilter,
} from './pre-emphasis.js';

/** Samples above this magnitude make the pipeline scale an item down (see `kernels/kernel.ts`). */
const SCALE_LIMIT = 2 ** 400;

/**
 * The power of two s <= 1 that brings the largest |sample| of an item's two signals to at most
 * about 2^400, so that sums of squares of up to 2^80 samples cannot overflow; 1 for every signal
 * below 2^400 (all float32 signals), so ordinary inputs run the unscaled formulas.
 */
function scaleOf(x: FloatArray, t: FloatArray, offset: number, T: number): number {
  let peak = 0;
  for (let i = offset; i < offset + T; i++) {
    const a = Math.abs(x[i]!);
    const b = Math.abs(t[i]!);
    if (a > peak) peak = a;
    if (b > peak) peak = b;
  }
  if (peak <= SCALE_LIMIT) return 1;
  return 2 ** (400 - Math.ceil(Math.log2(peak)));
}

/** What {@link evaluate} returns. */
export interface Evaluation {
  /** Each item's loss. */
  perItem: Float64Array;
  /** d(mean over items)/d(estimate), row-major like the estimate, when asked for. */
  grad: Float64Array | null;
}

/**
 * Runs a loss kernel over the B rows of `x` and `t` (contiguous, B x T): per item, scale (see
 * `kernels/kernel.ts`), filter, kernel, and the gradient m F^T h / B. Work memory is allocated
 * once per call (six rows of at most max(T, L) float64).
 */
export function evaluate(
  kernel: ItemKernel,
  filter: PreEmphasisFilter | undefined,
  x: FloatArray,
  t: FloatArray,
  B: number,
  T: number,
  wantGrad: boolean,
): Evaluation {
  const L = filter ? filteredLength(filter, T) : T;
  const xs = new Float64Array(T);
  const ts = new Float64Array(T);
  const y = filter ? new Float64Array(L) : xs;
  const z = filter ? new Float64Array(L) : ts;
  const h = wantGrad ? new Float64Array(L) : null;
  const q = wantGrad && filter ? new Float64Array(T) : h;
  const perItem = new Float64Array(B);
  const grad = wantGrad ? new Float64Array(B * T) : null;
  const out: KernelOut = { value: 0, m: 0 };
  for (let b = 0; b < B; b++) {
    const offset = b * T;
    const s = scaleOf(x, t, offset, T);
    for (let i = 0; i < T; i++) {
      xs[i] = x[offset + i]! * s;
      ts[i] = t[offset + i]! * s;
    }
    if (filter) {
      applyFilter(filter, xs, T, y);
      applyFilter(filter, ts, T, z);
    }
    kernel(y, z, L, s, h, out);
    perItem[b] = out.value;
    if (grad && h && q) {
      if (filter) applyAdjoint(filter, h, T, q);
      const m = out.m / B;
      // m may be huge (a gradient beyond the float range); q_i = 0 then still gives 0, not NaN.
      for (let i = 0; i < T; i++) grad[offset + i] = m === 0 || q[i] === 0 ? 0 : m * q[i]!;
    }
  }
  return { perItem, grad };
}
