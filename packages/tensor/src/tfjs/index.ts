/**
 * @packageDocumentation
 * `@losses/tensor/tfjs`: the bridge between TensorFlow.js tensors and @losses tensors, and the one
 * mechanism every `@losses/<name>/tfjs` entry point uses to turn a package kernel (forward +
 * vector-Jacobian product) into a differentiable tfjs op: {@link differentiableOp}. Data crosses
 * the bridge with at most one typed-array copy per tensor, and an op computes a gradient only for
 * an input that needs one.
 */
export {
  differentiableOp,
  type KernelContext,
  type KernelResult,
  LOSSES_KERNEL,
  LOSSES_KERNEL_PRECOMPUTED,
} from './op.js';
export { fromTf, toTf } from './transfer.js';
