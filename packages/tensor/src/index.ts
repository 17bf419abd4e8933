/**
 * @packageDocumentation
 * The shared tensor interface of the @losses packages: ndarray tensors over float storage, the
 * one coercion + validation helper every public function runs at its boundary, option checks and
 * `LossInputError`.
 */
export { assertSameShape, type TensorSpec, toTensor } from './coerce.js';
export { LossInputError, type LossInputErrorCode } from './errors.js';
export {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  type NumberRule,
  show,
} from './options.js';
export {
  arrayType,
  dtypeOf,
  formatShape,
  isContiguous,
  type NestedArray,
  rowMajorStrides,
  sizeOf,
  TENSOR_LIMITS,
  tensor,
  toFlat,
  toNested,
  zeros,
} from './tensor.js';
export {
  isTfjsTensor,
  type TfjsTensorLike,
  toTensorOrTfjs,
} from './tfjs-like.js';
export type { DType, FloatArray, NestedNumbers, Tensor, TensorLike } from './types.js';
