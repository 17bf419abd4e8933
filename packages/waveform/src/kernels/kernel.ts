import { LruCache } from '@losses/tensor/internal';

/**
 * The contract between the per-item pipeline (`evaluate.ts`) and the loss kernels.
 *
 * The pipeline hands a kernel one item: `y = s F x` and `z = s F t`, the estimate and the target
 * after the pre-emphasis filter F (the identity without one), both multiplied by the same power of
 * two s <= 1 (s = 1 unless a sample exceeds 2^400, so that no sum of squares can overflow; scaling
 * by a power of two is exact, so the numbers are those of the unscaled formulas). `y` and `z` are
 * scratch copies the kernel may overwrite.
 *
 * The kernel writes the item's loss l(x, t), in the caller's units, to `out.value`. When `h` is
 * given it also writes `h` (L finite numbers) and `out.m` such that
 *
 *   dl/dx = m * F^T h,
 *
 * so a huge factor (a gradient beyond the float range) never meets a zero of F^T h as NaN.
 */
export interface KernelOut {
  value: number;
  m: number;
}

/** One loss on one item; see the module comment. */
export type ItemKernel = (
  y: Float64Array,
  z: Float64Array,
  L: number,
  s: number,
  h: Float64Array | null,
  out: KernelOut,
) => void;

/** At most this many kernels kept (each a closure over a few numbers). */
const KEPT_KERNELS = 64;
/** The kernels made so far, by kind and constants (least recently used dropped first). */
const kernels = new LruCache<string, ItemKernel>(KEPT_KERNELS);

/**
 * The kernel of kind `kind` for these constants (`logCoshKernel(a, eps)`, `esrKernel(eps)`, ...),
 * made by `make` the first time and the same function afterwards: every plan of a loss with the
 * same constants (a loss the user planned, and the one a tfjs op plans at each call) then runs
 * one function. Measured in `bench/tfjs.ts` (issue 17): with a new closure per plan, the log-cosh
 * kernel behind the tfjs op ran 1.25-1.33x the time of the same kernel behind `valueAndGrad` when
 * another loss had run before in the process (the JIT optimised the two closures differently at
 * the pipeline's one call site), 1.04-1.08x alone; with one closure, 1.03-1.10x either way.
 */
export function keptKernel(
  kind: string,
  constants: readonly (number | boolean | undefined)[],
  make: () => ItemKernel,
): ItemKernel {
  const key = `${kind}:${constants.map((c) => (Object.is(c, -0) ? '-0' : String(c))).join(',')}`;
  let k = kernels.get(key);
  if (k === undefined) {
    k = make();
    kernels.set(key, k, 1);
  }
  return k;
}
