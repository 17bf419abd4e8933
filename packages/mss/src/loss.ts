import { retainedBytes } from '@losses/stft/internal';
import type { Tensor, TensorLike } from '@losses/tensor';
import {
  arrayType,
  assertSameShape,
  dtypeOf,
  formatShape,
  LossInputError,
  show,
  tensor,
} from '@losses/tensor';
import { type Engines, MssKernel, type PreparedTarget } from './kernel.js';
import { type MssConfig, type MssOptions, resolveOptions } from './options.js';
import { isMssPresetName, type MssPresetName, mssPresets } from './presets.js';

/** The loss with a fixed target (from {@link MssLoss.withTarget}): every method takes the estimate. */
export interface MssLossWithTarget {
  /**
   * The loss of `estimate` ([T] or [B, T]) against the fixed target: the mean over the B items.
   * A target of one item ([T]) is compared with every item of the estimate.
   */
  value(estimate: TensorLike): number;
  /** The loss and its gradient w.r.t. `estimate` (shape and float type of `estimate`). */
  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor };
  /** The loss of every item: shape [B] ([1] for an estimate [T]), float type of `estimate`. */
  perItem(estimate: TensorLike): Tensor;
  /** The validated configuration. */
  readonly config: MssConfig;
}

/** A planned multi-scale spectral loss (from {@link createMssLoss}). */
export interface MssLoss {
  /**
   * The loss of `estimate` against `target`, both [T] or [B, T] of the same shape (samples, any
   * rate): the mean over the B items.
   */
  value(estimate: TensorLike, target: TensorLike): number;
  /**
   * The loss and its gradient w.r.t. `estimate` (shape and float type of `estimate`; the gradient of
   * the mean over items).
   */
  valueAndGrad(estimate: TensorLike, target: TensorLike): { value: number; grad: Tensor };
  /** The loss of every item: shape [B] ([1] for [T] inputs), float type of `estimate`. */
  perItem(estimate: TensorLike, target: TensorLike): Tensor;
  /**
   * Precomputes the target's spectrograms once and returns the loss of an estimate against it:
   * the usual case when the target is fixed (parameter estimation, resynthesis). `target` is [T]
   * (compared with every item of a [B, T] estimate) or [B, T]. Gives bit for bit the numbers of the
   * two-argument methods.
   */
  withTarget(target: TensorLike): MssLossWithTarget;
  /** The validated configuration, every default filled in. */
  readonly config: MssConfig;
}

/** Options, a preset name, or an already planned loss (used as is). */
export type MssLossSpec = MssOptions | MssPresetName | MssLoss;

function asBatch(t: Tensor): Tensor {
  return t.shape.length === 1 ? tensor(t.data, [1, t.shape[0]!]) : t;
}

class Loss implements MssLoss {
  readonly config: MssConfig;
  /** @internal */
  readonly kernel: MssKernel;

  constructor(config: MssConfig, engines: Engines = 'auto') {
    this.config = config;
    this.kernel = new MssKernel(config, engines);
  }

  withTarget(target: TensorLike): MssLossWithTarget {
    const t = this.kernel.signal(target, 'target');
    const batch = asBatch(t);
    this.kernel.checkSignal(batch, 'target');
    const prepared = this.kernel.prepareTarget(batch, false);
    return new FixedTarget(this.kernel, prepared, t.shape);
  }

  /** The fixed-target form for one call: the target's spectrograms in reusable memory. */
  private pair(estimate: TensorLike, target: TensorLike): [FixedTarget, Tensor] {
    const e = this.kernel.signal(estimate, 'estimate');
    const t = this.kernel.signal(target, 'target');
    assertSameShape(e, t, 'estimate', 'target');
    const batch = asBatch(t);
    this.kernel.checkSignal(batch, 'target');
    const prepared = this.kernel.prepareTarget(batch, false, true);
    return [new FixedTarget(this.kernel, prepared, t.shape), e];
  }

  value(estimate: TensorLike, target: TensorLike): number {
    const [f, e] = this.pair(estimate, target);
    return f.value(e);
  }

  valueAndGrad(estimate: TensorLike, target: TensorLike): { value: number; grad: Tensor } {
    const [f, e] = this.pair(estimate, target);
    return f.valueAndGrad(e);
  }

  perItem(estimate: TensorLike, target: TensorLike): Tensor {
    const [f, e] = this.pair(estimate, target);
    return f.perItem(e);
  }
}

class FixedTarget implements MssLossWithTarget {
  constructor(
    private readonly kernel: MssKernel,
    private readonly target: PreparedTarget,
    private readonly targetShape: readonly number[],
  ) {}

  get config(): MssConfig {
    return this.kernel.config;
  }

  private estimate(estimate: TensorLike): [Tensor, readonly number[]] {
    const e = this.kernel.signal(estimate, 'estimate');
    const batch = asBatch(e);
    const [items, length] = batch.shape as [number, number];
    if (length !== this.target.length || (this.target.items !== 1 && items !== this.target.items)) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: expected ${this.target.items === 1 ? `[${length === this.target.length ? 'B, ' : ''}${this.target.length}] or [B, ${this.target.length}]` : formatShape(this.targetShape)} to match the target ${formatShape(this.targetShape)}, got ${formatShape(e.shape)}`,
        'estimate',
      );
    }
    this.kernel.checkSignal(batch, 'estimate');
    return [batch, e.shape];
  }

  value(estimate: TensorLike): number {
    const [e] = this.estimate(estimate);
    return mean(this.kernel.evaluate(e, this.target, false, 1).perItem);
  }

  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor } {
    const [e, shape] = this.estimate(estimate);
    const r = this.kernel.evaluate(e, this.target, true, 1 / e.shape[0]!);
    return { value: mean(r.perItem), grad: tensor(r.grad!.data, shape) };
  }

  perItem(estimate: TensorLike): Tensor {
    const [e] = this.estimate(estimate);
    const r = this.kernel.evaluate(e, this.target, false, 1);
    return tensor(new (arrayType(dtypeOf(e.data)))(r.perItem), [r.perItem.length]);
  }
}

function mean(a: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += a[i]!;
  return s / a.length;
}

/**
 * Validates the options once, plans an STFT per scale (window, FFT plan) and returns the
 * multi-scale spectral loss.
 *
 * @param options An options object (every option not given as in `mssPresets.standard`), or the
 *   name of a preset of {@link mssPresets}: `'standard'` (default), `'smooth'`, `'auraloss'`,
 *   `'ddsp'`, `'sot'` (spectral optimal transport).
 * @throws LossInputError `INVALID_OPTION` / `EMPTY` for bad options (see {@link MssOptions}); the
 *   returned methods throw `SHAPE_MISMATCH` (shapes differ, signal too short for a size),
 *   `NON_FINITE`, `EMPTY`, `INVALID_TYPE` for bad signals.
 * @example
 * ```ts
 * const loss = createMssLoss('smooth');
 * const { value, grad } = loss.valueAndGrad(estimate, target); // Float32Array(44100) each
 * const fixed = loss.withTarget(target); // spectrograms of the target computed once
 * fixed.value(estimate);
 * ```
 */
export function createMssLoss(options?: MssOptions | MssPresetName): MssLoss {
  if (typeof options === 'string') {
    if (!isMssPresetName(options)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `options: unknown preset ${show(options)}; presets are ${Object.keys(mssPresets)
          .map((k) => `'${k}'`)
          .join(', ')}`,
        'options',
      );
    }
    return new Loss(resolveOptions(mssPresets[options]));
  }
  return new Loss(resolveOptions(options));
}

/**
 * The most bytes a preset loss planned by the one-shot functions ({@link mssLoss},
 * {@link mssLossValueAndGrad}, the tfjs `mssLoss` with a preset name) may keep between calls:
 * 64 MiB. A loss's work memory grows with the largest batch it has seen (and WebAssembly memory
 * never shrinks), so after a call on a larger input the cached loss is dropped, and its memory
 * returns at the next garbage collection.
 */
export const PRESET_CACHE_BYTES = 64 * 2 ** 20;

const presetLosses = new Map<string, MssLoss>();

/**
 * The planned loss for a spec: a planned loss is used as is, a preset name (or no options) is
 * planned once and cached (presets are frozen; see {@link releaseLarge} for the bound), an
 * options object is planned on each call.
 */
export function lossFor(spec: MssLossSpec | undefined): MssLoss {
  if (spec instanceof Loss) return spec;
  if (spec === undefined || typeof spec === 'string') {
    const name = spec ?? 'standard';
    let loss = presetLosses.get(name);
    if (!loss) {
      loss = createMssLoss(name);
      presetLosses.set(name, loss);
    }
    return loss;
  }
  return createMssLoss(spec as MssOptions);
}

/**
 * Drops `loss` from the preset cache if it is cached and keeps more than
 * {@link PRESET_CACHE_BYTES} (called after every one-shot call).
 */
export function releaseLarge(loss: MssLoss): void {
  for (const [name, cached] of presetLosses) {
    if (cached === loss && retainedBytes(loss) > PRESET_CACHE_BYTES) presetLosses.delete(name);
  }
}

/** `f` of the planned loss for `spec`, then {@link releaseLarge}. */
export function withLoss<T>(spec: MssLossSpec | undefined, f: (loss: MssLoss) => T): T {
  const loss = lossFor(spec);
  try {
    return f(loss);
  } finally {
    releaseLarge(loss);
  }
}

/** The preset losses the one-shot functions keep (for tests of the bound). */
export function cachedPresets(): ReadonlyMap<string, MssLoss> {
  return presetLosses;
}

/**
 * @internal For tests comparing the engines: the loss computed by the JavaScript engine alone (its
 * STFT plans still take the WebAssembly STFT kernel where the switch of @losses/tensor/internal
 * allows).
 */
export function createJsEngineLoss(options: MssOptions): MssLoss {
  return new Loss(resolveOptions(options), 'js');
}

/** @internal The kernel of a loss made by {@link createMssLoss}. */
export function kernelOf(loss: MssLoss): MssKernel {
  return (loss as Loss).kernel;
}

/**
 * The multi-scale spectral loss of `estimate` against `target` ([T] or [B, T], same shape; the
 * mean over items). A thin wrapper over {@link createMssLoss}: plan once with `createMssLoss` when
 * you call it in a loop. A preset is planned once and kept between calls while its work memory
 * stays within {@link PRESET_CACHE_BYTES} (64 MiB).
 *
 * @param options Options, a preset name or a loss from `createMssLoss`. Default `'standard'`.
 */
export function mssLoss(estimate: TensorLike, target: TensorLike, options?: MssLossSpec): number {
  return withLoss(options, (loss) => loss.value(estimate, target));
}

/**
 * The multi-scale spectral loss and its gradient w.r.t. `estimate` (shape and float type of
 * `estimate`). Same arguments as {@link mssLoss}.
 */
export function mssLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: MssLossSpec,
): { value: number; grad: Tensor } {
  return withLoss(options, (loss) => loss.valueAndGrad(estimate, target));
}
