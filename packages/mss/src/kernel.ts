/**
 * The planned loss behind `createMssLoss`: validates signals against the configuration, prepares
 * targets and evaluates estimates through one of two engines (engine.ts): the WebAssembly engine
 * where it serves the configuration and the runtime allows it, else (and for what it declines)
 * the JavaScript engine, built on first need.
 */
import { minSignalLength, type ResolvedStft, resolveStftOptions } from '@losses/stft/internal';
import type { Tensor, TensorLike } from '@losses/tensor';
import { arrayType, dtypeOf, LossInputError, tensor, toTensor } from '@losses/tensor';
import type { FirFilter } from '@losses/tensor/internal';
import { aWeight, aWeightAdjoint, aWeightingAt } from './a-weighting.js';
import { dataOf, type EngineTarget, type Evaluation } from './engine.js';
import { JsEngine, type JsTarget } from './js-engine.js';
import { type MssConfig, stftOptionsOf } from './options.js';
import { WasmEngine, type WasmTarget } from './wasm/pipeline.js';

/** A target prepared once: the WebAssembly engine's form (if it took it) and the JavaScript one. */
export interface PreparedTarget extends EngineTarget {
  readonly wasm: WasmTarget | undefined;
  /** The JavaScript engine's form, made on first use when the WebAssembly engine holds it. */
  js(): JsTarget;
}

/** Which engines a kernel may use: both (the default), or the JavaScript engine alone. */
export type Engines = 'auto' | 'js';

/** The planned loss: the STFT options per scale, the engine(s), and signal validation. */
export class MssKernel {
  readonly config: MssConfig;
  /** Each scale's resolved STFT options (window included). */
  readonly scales: readonly ResolvedStft[];
  /** The WebAssembly engine, where it serves the configuration and WebAssembly is on. */
  readonly wasmEngine: WasmEngine | undefined;
  private jsEngine: JsEngine | undefined;

  /** The largest |sample| accepted: that of the scale with the largest window sum. */
  readonly amplitudeLimit: number;

  /**
   * @param engines `'js'`: the JavaScript engine alone (for tests comparing the engines; its STFT
   *   plans still take the WebAssembly STFT kernel where the switch allows).
   */
  constructor(config: MssConfig, engines: Engines = 'auto') {
    this.config = config;
    this.scales = config.sizes.map((_, s) => resolveStftOptions(stftOptionsOf(config, s)));
    this.amplitudeLimit = Math.min(...this.scales.map((c) => c.amplitudeLimit));
    this.wasmEngine = engines === 'auto' ? WasmEngine.create(config, this.scales) : undefined;
    // Issue 14: A-weighting before either engine; the filter's gain sum_k |w_k| lowers the limit
    // so that the filtered signal stays within the engines' bound.
    if (config.perceptual.perceptualWeighting) {
      this.aWeighting = aWeightingAt(config.perceptual.sampleRate!);
      let gain = 0;
      for (const w of this.aWeighting.weights) gain += Math.abs(w);
      this.amplitudeLimit /= Math.max(1, gain);
    }
  }

  /** Issue 14: the A-weighting filter applied to both signals (`perceptualWeighting`). */
  private readonly aWeighting: FirFilter | undefined;

  /** The A-weighted signals ([items, T], float64), or `x` itself without A-weighting. */
  private weighted(x: Tensor): Tensor {
    if (!this.aWeighting) return x;
    const [items, length] = x.shape as [number, number];
    const out = new Float64Array(items * length);
    aWeight(this.aWeighting, dataOf(x), items, length, out);
    return tensor(out, [items, length]);
  }

  /** The gradient w.r.t. the unweighted signal, in the float type of `like`. */
  private unweighted(g: Tensor, like: Tensor): Tensor {
    if (!this.aWeighting) return g;
    const [items, length] = g.shape as [number, number];
    const out = new Float64Array(items * length);
    aWeightAdjoint(this.aWeighting, dataOf(g), items, length, out);
    const dtype = dtypeOf(like.data);
    return tensor(dtype === 'float64' ? out : new (arrayType(dtype))(out), [items, length]);
  }

  /** The JavaScript engine (made on first use). */
  private js(): JsEngine {
    this.jsEngine ??= new JsEngine(this.config);
    return this.jsEngine;
  }

  /**
   * Coerces and validates a signal argument (`[T]` or `[B, T]`): finite samples within
   * +-2^1023 / sum_j |w_j| of the largest window sum, so that no spectrum can overflow (checked in
   * the same pass as finiteness).
   *
   * @throws LossInputError as `toTensor`; `INVALID_OPTION` naming the first sample out of range.
   */
  signal(x: TensorLike, name: string): Tensor {
    const limit = this.amplitudeLimit;
    return toTensor(x, { name, rank: [1, 2], min: -limit, max: limit });
  }

  /**
   * Checks a signal (`[items, T]`) from {@link MssKernel.signal}: long enough for every scale.
   *
   * @throws LossInputError `SHAPE_MISMATCH` naming the minimum length the loss needs.
   */
  checkSignal(signal: Tensor, name: string): void {
    this.checkLength(signal.shape[signal.shape.length - 1]!, name);
  }

  /**
   * The shortest signal the loss accepts: the largest of @losses/stft's `minSignalLength` over the
   * scales (for centred reflect-padded frames floor(N_max / 2) + 1, N_max the largest FFT size).
   */
  get minLength(): number {
    const c = this.config;
    let need = 1;
    for (const [s, scale] of this.scales.entries()) {
      // Issue 14: `pad` samples on each side before frames that are not centred (reflection
      // needs pad < T, as torch's reflect padding).
      const pad = c.perceptual.pad[s] ?? 0;
      const n =
        pad > 0
          ? Math.max(scale.size - 2 * pad, c.padMode === 'reflect' ? pad + 1 : 1)
          : minSignalLength(scale);
      need = Math.max(need, n);
    }
    return need;
  }

  /**
   * Checks that a signal of `length` samples is long enough for every scale: one message with the
   * minimum length the loss needs ({@link MssKernel.minLength}), whatever scale fails first.
   *
   * @throws LossInputError `SHAPE_MISMATCH` naming that minimum length.
   */
  checkLength(length: number, name: string): void {
    const need = this.minLength;
    if (length >= need) return;
    const c = this.config;
    const largest = this.scales.reduce((m, s) => Math.max(m, s.size), 0);
    const pads = c.perceptual.pad.filter((p) => p > 0);
    const why = pads.length
      ? `${Math.max(...pads)} samples of ${c.padMode} padding on each side before frames of N samples, and the largest FFT size is ${largest}`
      : c.center
        ? c.padMode === 'reflect'
          ? `centred frames with reflect padding need more than N/2 samples, and the largest FFT size is ${largest}`
          : 'at least one sample'
        : c.padEnd
          ? 'at least one sample'
          : `frames that are neither centred nor end-padded need N samples, and the largest FFT size is ${largest}`;
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: a signal of ${length} samples is too short for this loss: it needs at least ${need} samples (${why})`,
      name,
    );
  }

  /**
   * Computes the target's spectrograms (and, with `withVjp`, what its gradient needs).
   * `target` is a contiguous [items, T] tensor. A `transient` target (used for one evaluation and
   * dropped) lives in the engine's reusable memory, which the next transient target overwrites.
   */
  prepareTarget(signal: Tensor, withVjp: boolean, transient = false): PreparedTarget {
    const [items, length] = signal.shape as [number, number];
    const target = this.weighted(signal);
    const wasm = this.wasmEngine?.prepareTarget(target, withVjp, transient) ?? undefined;
    if (wasm !== undefined) {
      // The JavaScript form too, made only if a call falls back to the JavaScript engine (an
      // estimate too large for the WebAssembly memory).
      let js: JsTarget | undefined;
      return {
        items,
        length,
        wasm,
        js: () => {
          js ??= this.js().prepareTarget(target, false, transient);
          return js;
        },
      };
    }
    const js = this.js().prepareTarget(target, withVjp, transient);
    return { items, length, wasm: undefined, js: () => js };
  }

  /**
   * The loss of every item of `est` ([B, T], contiguous) against `target` (1 or B items), and
   * with `wantGrad` / `wantTargetGrad` the gradient of sum_b itemWeight * L_b.
   */
  evaluate(
    est: Tensor,
    target: PreparedTarget,
    wantGrad: boolean,
    itemWeight: number,
    wantTargetGrad = false,
    terms = false,
  ): Evaluation {
    const request = { grad: wantGrad, targetGrad: wantTargetGrad, itemWeight, terms };
    const e = this.weighted(est);
    let r: Evaluation | null = null;
    if (target.wasm !== undefined) {
      // null: too large for the WebAssembly memory even one item at a time; JavaScript below.
      r = this.wasmEngine!.evaluate(e, target.wasm, request);
    }
    r ??= this.js().evaluate(e, target.js(), request);
    if (r.grad) r.grad = this.unweighted(r.grad, est);
    if (r.targetGrad) r.targetGrad = this.unweighted(r.targetGrad, r.targetGrad);
    return r;
  }
}
