/**
 * The engines of the multi-scale spectral loss: one interface, two implementations.
 *
 * - `JsEngine` (js-engine.ts): the readable reference, and the engine for everything: an STFT plan
 *   per scale (@losses/stft, whose own kernel is WebAssembly where available), the compressions,
 *   distances and spectral convergence in JavaScript, the gradient w.r.t. the estimate and the
 *   target.
 * - `WasmEngine` (wasm/pipeline.ts): the default path where it serves (l1 and l2sq without
 *   spectral convergence, the estimate's gradient: the presets standard, smooth, ddsp, hifigan and
 *   dac): frames, spectra, compressions, distance and adjoint STFT in WebAssembly memory.
 *
 * The kernel (kernel.ts) validates, chooses and builds only the engine it uses; an engine answers
 * null where it cannot serve a call (a target whose gradient is wanted, work too large for a
 * WebAssembly memory), and the kernel then asks the JavaScript engine.
 *
 * Per scale N, both compute for every item
 *
 *   signal --frames (stft/framing.ts)--> frames --FFT--> spectra X --|.|--> magnitudes |X|
 *     --compression p (compression.ts)--> p(|X|) --distance d (distance.ts, fused.ts)--> loss,
 *
 * and the gradient back through the adjoints: dL/dp -> dL/d|X| (p') -> the STFT's vector-Jacobian
 * product (stft's kernels: through |X|, the FFT, the window, the overlap of frames and the
 * padding) -> dL/dx. Where new steps go:
 *
 * - A per-scale filterbank M = F |X| (mel, chroma) sits between |X| and p: forward `apply` on each
 *   item's [frames, bins] magnitudes, backward its transpose F^T on dL/dM. In the JavaScript
 *   engine that is the spectrogram step of a scale (`JsEngine.scaleOf` for the target,
 *   `JsEngine.evaluate`'s magnitudes for the estimate: the compared values get `width` bands
 *   instead of `bins`); in the WebAssembly engine the same value stage runs on the scale's memory
 *   between the magnitudes and the log and distance loops (wasm/scale-stage.ts).
 * - A distance between frames is a distance whose value and gradients for one item at one scale
 *   take the item's [frames, width] values: the Wasserstein distance per frame
 *   (wasserstein-distance.ts, `JsEngine.compare`) is one; `WasmEngine.serves` declines it, so it
 *   runs in the JavaScript engine.
 */
import type { FloatArray, Tensor } from '@losses/tensor';
import { toFlat } from '@losses/tensor';

/** What {@link MssEngine.evaluate} is asked for. */
export interface EvaluationRequest {
  /** The gradient w.r.t. the estimate. */
  readonly grad: boolean;
  /** The gradient w.r.t. the target (only for targets prepared `withVjp`). */
  readonly targetGrad: boolean;
  /** The weight of each item's loss in the gradients (1 / B for the mean over B items). */
  readonly itemWeight: number;
  /** Issue 14 (`breakdown`): every item's unweighted term per scale and compression. */
  readonly terms?: boolean;
}

/** What {@link MssEngine.evaluate} returns. */
export interface Evaluation {
  /** The loss of every item. */
  perItem: Float64Array;
  /** d(sum_b itemWeight * L_b)/d(estimate), shape and dtype of the estimate. */
  grad?: Tensor;
  /** d(sum_b itemWeight * L_b)/d(target), shape and dtype of the target (items of the target). */
  targetGrad?: Tensor;
  /**
   * With `terms` requested (issue 14): every item's unweighted term,
   * [items, scales, compressions + 1] (the last: the spectral convergence), 0 for a weight 0.
   */
  terms?: Float64Array;
}

/** A target an engine has prepared: `items` signals of `length` samples. */
export interface EngineTarget {
  readonly items: number;
  readonly length: number;
}

/** One way to compute the loss: prepare a target once, evaluate estimates against it. */
export interface MssEngine<T extends EngineTarget> {
  /**
   * Prepares a contiguous `[items, T]` target: its spectrograms, computed once (or, `transient`,
   * for one evaluation, in reusable memory), and with `withVjp` what its gradient needs. Null
   * where this engine cannot.
   */
  prepareTarget(target: Tensor, withVjp: boolean, transient: boolean): T | null;
  /**
   * The loss of every item of `est` (`[B, T]`, contiguous) against `target` (1 or B items), and
   * the gradients the request asks for. Null where this engine cannot (nothing changed then).
   */
  evaluate(est: Tensor, target: T, request: EvaluationRequest): Evaluation | null;
}

/** The contiguous data of a tensor (no copy when it already is contiguous from offset 0). */
export function dataOf(t: Tensor): FloatArray {
  let n = 1;
  for (const d of t.shape) n *= d;
  if (t.offset === 0 && t.data.length === n) {
    let s = 1;
    let ok = true;
    for (let i = t.shape.length - 1; i >= 0; i--) {
      if (t.shape[i]! > 1 && t.stride[i] !== s) ok = false;
      s *= t.shape[i]!;
    }
    if (ok) return t.data;
  }
  return toFlat(t);
}
