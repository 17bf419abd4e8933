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
