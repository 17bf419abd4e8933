import type { NdArray } from 'ndarray';

/** The float storage a tensor may have. */
export type FloatArray = Float32Array | Float64Array;

/** The float type of a tensor: `'float32'` for Float32Array storage, `'float64'` for Float64Array. */
export type DType = 'float32' | 'float64';

/**
 * A tensor: a scijs `ndarray` over float storage. Kernels read it through `shape`, `stride` and
 * `offset`, so views (`lo`, `hi`, `step`, `pick`, `transpose`) are valid tensors.
 */
export type Tensor = NdArray<FloatArray>;

/** Numbers nested to any depth: `1`, `[1, 2]`, `[[1, 2], [3, 4]]`, ... */
export type NestedNumbers = number | ArrayLike<number> | readonly NestedNumbers[];

/**
 * What public functions accept as a tensor: a tensor (ndarray), a typed array (one dimension,
 * or reshaped by an explicit shape) or nested number arrays (float64).
 */
export type TensorLike = Tensor | NdArray | FloatArray | ArrayLike<number> | NestedNumbers;
