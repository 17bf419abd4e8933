/**
 * `differentiableOp`: a package kernel (forward + vector-Jacobian product) as a differentiable
 * TensorFlow.js op whose gradient is computed only for the inputs that need one.
 *
 * How tfjs-core 4.x differentiates (engine.js, tape.js): every op run while a gradient tape records
 * (inside `tf.grad`, `tf.variableGrads`, `optimizer.minimize`) leaves a tape node with its inputs
 * and a gradient function. Backpropagation keeps only the nodes on a path from the differentiated
 * tensors to the result and, in each node, only the inputs on such a path; the gradient function
 * returns one thunk per input (`{ [input]: () => dx }`) and the engine calls the thunks of those
 * inputs alone. `tf.customGrad` cannot use this: its gradient function must return every input's
 * gradient as a tensor, computed eagerly. So the op runs as a registered kernel,
 * {@link LOSSES_KERNEL}, with a registered gradient whose thunks compute their own input's
 * gradient, when the engine asks for it. A target that is data (a `tf.tensor`, not a function of
 * what is differentiated) therefore never has its gradient computed.
 *
 * Memory between the passes: the op holds the gradients the forward pass computed until their
 * thunk takes them, and the kernel's VJP until every input's gradient is taken; when a VJP may
 * run, the inputs are held by the engine (the gradient saves them, as tfjs's own ops do, and
 * disposes them after the backward pass), and the VJP reads them from there. A call whose every
 * gradient came with the output runs as {@link LOSSES_KERNEL_PRECOMPUTED}, which saves no input.
 * Typed arrays held past their use cost more than their bytes: measured with `node --trace-gc`, while the op kept the forward pass's gradient
 * in a closure until tfjs dropped the tape, V8 ran a full (mark-compact) collection every 30-40
 * steps of a 2 ms loss (about 1 ms per step); letting go of each array once used removed them.
 */
import * as tf from '@tensorflow/tfjs-core';
import { isContiguous, sizeOf } from '../tensor.js';
import type { Tensor } from '../types.js';
import { float32Of, fromTf, upload } from './transfer.js';

/** What {@link differentiableOp} tells the kernel about the call. */
export interface KernelContext {
  /**
   * True when a gradient tape records the call (inside `tf.grad`, `tf.valueAndGrad`,
   * `tf.variableGrads`, `optimizer.minimize`): gradients may then be asked for. False otherwise:
   * only the output is used, and the kernel may skip every gradient computation.
   */
  readonly recording: boolean;
}

/**
 * What a kernel gives {@link differentiableOp}: its output, the gradients it computed with it, and
 * how to compute the others.
 *
 * The op takes the tensors a result returns (the output and each gradient): float32 contiguous
 * storage goes to tfjs as it is, without a copy (anything else is copied once, to float32). So
 * return storage the kernel does not reuse afterwards (a scratch buffer would be), as every public
 * @losses function does (its outputs are new arrays). The op never writes to it.
 */
export interface KernelResult {
  /** The op's output: a number for a scalar loss, else a tensor (any float type, any view). */
  output: number | Tensor;
  /**
   * For a number output: d(output)/d(input) for inputs whose gradient the kernel computed with the
   * output (as `valueAndGrad` does), in input order, each with its input's shape; `null` for an
   * input without a gradient (a zero gradient); `undefined` (or a shorter array) for an input whose
   * gradient {@link KernelResult.vjp} computes when it is asked for. The op multiplies by the
   * upstream gradient itself and lets go of each tensor once its gradient is taken.
   */
  grads?: readonly (Tensor | null | undefined)[];
  /**
   * Vector-Jacobian product for the inputs not in `grads`: given dL/d(output), returns dL/d(input)
   * for the inputs flagged in `wanted`, in input order, each with its input's shape (any float
   * type, any view); an entry that is not wanted is ignored (return `null` for it), and `null` for
   * a wanted input means a zero gradient. The op asks for one input at a time, only for an input on
   * the path to what is differentiated, once per backward pass, so an expensive gradient (say, a
   * target's) is computed only when it is needed.
   *
   * `inputs` are the op's inputs again, read as the kernel received them: a VJP that reads its
   * inputs from here, rather than from variables of the forward pass, keeps no typed array alive
   * between the passes. For a number output `dy` is 1: the op applies the true upstream gradient
   * itself (see `grads`).
   *
   * May be left out when every gradient is in `grads`, and when `context.recording` is false.
   */
  vjp?(
    dy: number | Tensor,
    wanted: readonly boolean[],
    inputs: readonly Tensor[],
  ): (Tensor | null)[];
}

/** The registered kernel every op made by {@link differentiableOp} runs as. */
export const LOSSES_KERNEL = 'LossesDifferentiableOp';

/**
 * The same kernel for a call whose every gradient the forward pass computed (`grads` complete, as
 * the losses' `valueAndGrad` gives them): its registered gradient saves no input. Saving one costs
 * the engine a kernel call (a clone), a tape node and its disposal per input, about a tenth of a
 * millisecond per step for two inputs, which a gradient that needs no input does not use.
 */
export const LOSSES_KERNEL_PRECOMPUTED = 'LossesDifferentiableOpPrecomputed';

/** What a call of an op hands its registered kernel and gradient through the attributes. */
interface OpState {
  /** The forward output, already computed, until the kernel hands it to the backend. */
  values: Float32Array | undefined;
  shape: number[];
  /** What the backward pass needs (absent when no tape records the call). */
  backward: Backward | undefined;
}

/** The backward state of one call. */
interface Backward {
  scalar: boolean;
  names: readonly string[];
  /** The inputs' shapes (the kernel that saves no input has them from here). */
  shapes: readonly (readonly number[])[];
  /** Gradients from the forward pass; an entry is cleared when its thunk takes it. */
  grads: (Tensor | null | undefined)[];
  /** The kernel's VJP; cleared once every input's gradient has been taken. */
  vjp: KernelResult['vjp'];
  /** Inputs whose gradient has not been taken yet. */
  left: number;
}

function stateOf(attrs: unknown): OpState {
  return (attrs as { losses: OpState }).losses;
}

/**
 * Registers {@link LOSSES_KERNEL} for the active backend and its gradient, once each. Both are
 * generic (everything per call travels in the attributes), so a second copy of this package in
 * the same program finds them registered and uses them as they are.
 */
function ensureRegistered(): void {
  // Reading the engine's backend initialises the best registered one if none is yet.
  void tf.engine().backend;
  const backendName = tf.getBackend();
  for (const [kernelName, saveAllInputs] of [
    [LOSSES_KERNEL, true],
    [LOSSES_KERNEL_PRECOMPUTED, false],
  ] as const) {
    if (tf.getKernel(kernelName, backendName) == null) {
      tf.registerKernel({
        kernelName,
        backendName,
        kernelFunc: ({ backend, attrs }) => {
          const s = stateOf(attrs);
          const dataId = (backend as tf.KernelBackend).write(s.values!, s.shape, 'float32');
          s.values = undefined;
          return { dataId, shape: s.shape, dtype: 'float32' };
        },
      });
    }
    if (tf.getGradient(kernelName) == null) {
      tf.registerGradient({
        kernelName,
        // The engine keeps clones of the saved inputs until the backward pass is over (`saved`).
        saveAllInputs,
        gradFunc: (dy, saved, attrs) => thunks(stateOf(attrs).backward!, dy as tf.Tensor, saved),
      });
    }
  }
}

/**
 * The float32 storage tfjs receives for a tensor a kernel returned, times `scale`: the tensor's own
 * storage when it is float32, contiguous and `scale` is 1 (no copy: see {@link KernelResult}),
 * else one new Float32Array.
 */
function handOver(t: Tensor, scale = 1): Float32Array {
  if (scale === 1 && t.data instanceof Float32Array && isContiguous(t)) return t.data;
  return float32Of(t, scale);
}

/** The gradient thunks of an op's inputs: each computes (or takes) its own input's gradient. */
function thunks(
  b: Backward,
  dyTf: tf.Tensor,
  saved: readonly tf.Tensor[],
): Record<string, () => tf.Tensor> {
  // For a number output the chain rule's factor is applied while uploading (dy = 1 to the VJP).
  let dy: number | Tensor | undefined;
  let scale = 1;
  const readDy = (): number | Tensor => {
    if (dy === undefined) {
      if (b.scalar) {
        dy = 1;
        scale = dyTf.dataSync()[0]!;
      } else {
        dy = fromTf(dyTf, 'dy');
      }
    }
    return dy;
  };
  let inputs: Tensor[] | undefined;
  // (the kernel without saved inputs runs no VJP: every gradient was computed with the output)
  const readInputs = () => {
    inputs ??= saved.map((x, i) => fromTf(x, b.names[i]));
    return inputs;
  };
  // After the outermost tape's backward pass the tape is dropped, so a thunk runs at most once and
  // what it used can go; a nested tape may run the pass again and keeps everything.
  const last = tf.engine().state.gradientDepth === 0;
  const out: Record<string, () => tf.Tensor> = {};
  b.shapes.forEach((shape, i) => {
    out[i] = () => {
      let g = b.grads[i];
      if (g !== undefined) {
        readDy();
        if (last) b.grads[i] = undefined;
      } else {
        if (b.vjp === undefined) {
          throw new Error(
            `differentiableOp: the kernel gave no gradient of ${b.names[i]} and no vjp (or the backward pass ran twice)`,
          );
        }
        g = b.vjp(
          readDy(),
          b.shapes.map((_, k) => k === i),
          readInputs(),
        )[i];
      }
      if (last && --b.left === 0) b.vjp = undefined;
      if (g == null) return tf.zeros(shape.slice(), 'float32');
      if (sizeOf(g.shape) !== sizeOf(shape)) {
        throw new Error(
          `differentiableOp: the kernel's gradient of ${b.names[i]} has shape [${g.shape.join(', ')}], the input [${shape.join(', ')}]`,
        );
      }
      return upload(handOver(g, scale), shape.slice());
    };
  });
  return out;
}

/**
 * Wraps a package kernel as a differentiable TensorFlow.js op: `tf.grad`, `tf.valueAndGrad`,
 * `tf.variableGrads` and `optimizer.minimize` work through it. The forward and backward passes run
 * the kernel's own code; tfjs carries the tensors and the chain rule.
 *
 * - **Data moves at most once.** Each input is read with {@link fromTf} (float32: no copy; int32 /
 *   bool: one exact float64 copy); the output and each gradient go to tfjs without a copy when
 *   they are float32 and contiguous (and, for a gradient, the upstream gradient is 1), else with
 *   one copy to float32.
 * - **A gradient only for an input that needs one.** Backpropagation asks for an input's gradient
 *   only when that input lies on a path from what is differentiated (see the module notes): in
 *   `optimizer.minimize(() => loss(model(x), target))` the target's gradient is never computed; in
 *   `tf.grad((t) => loss(est, t))` it is, exactly. Outside a gradient tape the kernel is told
 *   (`context.recording` false) and may compute the output alone.
 *
 * @param kernel Receives the inputs as @losses tensors (same shapes as the tfjs inputs; float32, or
 *   float64 for int32 / bool inputs) and the {@link KernelContext}; validates them (throwing
 *   `LossInputError`) and returns its {@link KernelResult}.
 * @param names How errors name the inputs, in order (default `'input 0'`, `'input 1'`, ...).
 * @returns A function of tfjs tensors returning a float32 tfjs tensor (a `tf.Scalar` for a number
 *   output), registered as the kernel {@link LOSSES_KERNEL}.
 * @throws LossInputError from `fromTf` (a `complex64` or `string` input) and from the kernel.
 */
export function differentiableOp(
  kernel: (inputs: Tensor[], context: KernelContext) => KernelResult,
  names?: readonly string[],
): (...inputs: tf.Tensor[]) => tf.Tensor {
  return (...inputs: tf.Tensor[]) => {
    const labels = inputs.map((_, i) => names?.[i] ?? `input ${i}`);
    const recording = tf.engine().isTapeOn();
    const result = kernel(
      inputs.map((x, i) => fromTf(x, labels[i])),
      { recording },
    );
    const scalar = typeof result.output === 'number';
    const grads = scalar && result.grads ? result.grads.slice(0, inputs.length) : [];
    if (recording && result.vjp === undefined) {
      for (let i = 0; i < inputs.length; i++) {
        if (grads[i] === undefined) {
          throw new Error(
            `differentiableOp: the kernel gave no gradient of ${labels[i]} and no vjp for a call a gradient tape records`,
          );
        }
      }
    }
    const state: OpState = {
      values: scalar ? Float32Array.of(result.output as number) : handOver(result.output as Tensor),
      shape: scalar ? [] : (result.output as Tensor).shape.slice(),
      backward: recording
        ? {
            scalar,
            names: labels,
            shapes: inputs.map((x) => x.shape.slice()),
            grads,
            vjp: result.vjp,
            left: inputs.length,
          }
        : undefined,
    };
    // Every gradient already computed: the VJP never runs, so no input needs saving.
    const precomputed = grads.length === inputs.length && !grads.includes(undefined);
    ensureRegistered();
    // An array of inputs (keys '0', '1', ...), as the engine's saveAllInputs expects.
    return tf.engine().runKernel(
      precomputed ? LOSSES_KERNEL_PRECOMPUTED : LOSSES_KERNEL,
      inputs as unknown as tf.NamedTensorMap,
      {
        losses: state,
      } as unknown as tf.NamedAttrMap,
    ) as tf.Tensor;
  };
}
