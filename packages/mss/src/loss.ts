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
  toTensor,
} from '@losses/tensor';
import { aWeightingAt } from './a-weighting.js';
import { dataOf } from './engine.js';
import { type Engines, MssKernel, type PreparedTarget } from './kernel.js';
import { type MssConfig, type MssOptions, resolveOptions } from './options.js';
import { isMssPresetName, type MssPresetName, mssPresets } from './presets.js';
import { type Resolution, ResolutionSchedule, torchWindow } from './random-resolution.js';
import { scaleFilterbank } from './scales/scale.js';
import {
  checkStereo,
  combineSumAndDifference,
  sumAndDifference,
  sumAndDifferenceAdjoint,
} from './stereo.js';
import {
  evaluateThreaded,
  type MssRunOptions,
  nextLossId,
  resolveRunOptions,
  type ThreadedEvaluation,
  type ThreadedLoss,
} from './threads.js';

/** The loss with a fixed target (from {@link MssLoss.withTarget}): every method takes the estimate. */
export interface MssLossWithTarget {
  /**
   * The loss of `estimate` ([T] or [B, T]; [B, 2, T] with `stereo`) against the fixed target: the
   * mean over the B items. A target of one item ([T]) is compared with every item of the estimate.
   */
  value(estimate: TensorLike): number;
  /** The loss and its gradient w.r.t. `estimate` (shape and float type of `estimate`). */
  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor };
  /** The loss of every item: shape [B] ([1] for an estimate [T]), float type of `estimate`. */
  perItem(estimate: TensorLike): Tensor;
  /** The value of every term (see {@link MssLoss.breakdown}). */
  breakdown(estimate: TensorLike): MssBreakdown;
  /** The validated configuration. */
  readonly config: MssConfig;
}

/** One term of the loss (issue 14, `breakdown`; auraloss's `output='full'`). */
export interface MssTerm {
  /** Index of the resolution (of the call's drawn resolutions with `randomResolution`). */
  readonly resolution: number;
  /** Its FFT size and hop. */
  readonly size: number;
  readonly hop: number;
  /** `'compression'` (a distance term) or `'spectralConvergence'`. */
  readonly term: 'compression' | 'spectralConvergence';
  /** For a compression term: its index in `config.compressions` and its kind. */
  readonly compression?: number;
  readonly kind?: string;
  /** With `stereo: 'sum-difference'`: the channel of the term. */
  readonly channel?: 'sum' | 'difference';
  /** The term's value before its weight: the mean over the items of d(p(Y^), p(Y)) (or SC). */
  readonly value: number;
  /** Its share of the loss: value x its weight x the scale (and stereo) factor. */
  readonly contribution: number;
}

/** Every term of one call and the loss they add up to (issue 14). */
export interface MssBreakdown {
  /** The loss (the sum of the contributions, up to rounding). */
  readonly value: number;
  readonly terms: readonly MssTerm[];
}

/** A planned multi-scale spectral loss (from {@link createMssLoss}). */
export interface MssLoss {
  /**
   * The loss of `estimate` against `target`, both [T] or [B, T] of the same shape (samples, any
   * rate; [B, 2, T] with `stereo: 'sum-difference'`): the mean over the B items.
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
   * The value of every (resolution, compression or spectral convergence, stereo channel) term of
   * the loss, as auraloss's `output='full'` (issue 14). With `randomResolution` it is one call
   * (it draws, as `value` does).
   */
  breakdown(estimate: TensorLike, target: TensorLike): MssBreakdown;
  /**
   * Precomputes the target's spectrograms once and returns the loss of an estimate against it:
   * the usual case when the target is fixed (parameter estimation, resynthesis). `target` is [T]
   * (compared with every item of a [B, T] estimate) or [B, T]. Gives bit for bit the numbers of the
   * two-argument methods. With `randomResolution` the target is kept as a signal (its
   * spectrograms depend on each call's draw).
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

/** At most this many kernels of drawn resolutions are kept (randomResolution). */
const DRAWN_KERNELS = 4;

/**
 * A validated signal argument as the kernels take it: `mono` [items, T] (with stereo the B sum
 * signals, then the B difference signals), `batch` the B items of the argument.
 */
interface Signals {
  readonly input: Tensor;
  readonly mono: Tensor;
  readonly batch: number;
}

class Loss implements MssLoss, ThreadedLoss {
  readonly config: MssConfig;
  readonly id = nextLossId();
  private readonly fixed: MssKernel | undefined;
  // --- issue 14: random resolutions and stereo ---
  private readonly schedule: ResolutionSchedule | undefined;
  private readonly drawn = new Map<string, MssKernel>();
  private readonly limit: number;
  private readonly stereo: boolean;
  // --- end issue 14 ---

  constructor(
    config: MssConfig,
    readonly engines: Engines = 'auto',
    readonly threads = 1,
  ) {
    this.config = config;
    const p = config.perceptual;
    this.stereo = p.stereo === 'sum-difference';
    if (p.randomResolution) {
      this.schedule = new ResolutionSchedule(p.randomResolution);
      // Every window sum is at most N < maxSize, and the A-weighting's gain at most its taps' sum.
      this.limit = randomAmplitudeLimit(config);
    } else {
      this.fixed = new MssKernel(config, engines);
      this.limit = this.fixed.amplitudeLimit;
    }
    // L + R may be twice either channel.
    if (this.stereo) this.limit /= 2;
  }

  /** The kernel of a loss of fixed resolutions (the tfjs op's). */
  get kernel(): MssKernel {
    if (!this.fixed) {
      throw new LossInputError(
        'INVALID_OPTION',
        'randomResolution: this operation needs fixed resolutions (the tfjs op does not draw resolutions yet); use the loss of @losses/mss',
        'randomResolution',
      );
    }
    return this.fixed;
  }

  /** The kernel of the next call: the fixed one, or that of the next draw. */
  nextKernel(): MssKernel {
    if (this.fixed) return this.fixed;
    const resolutions = this.schedule!.next();
    const key = resolutions.map((r) => `${r.size}/${r.hop}/${r.windowLength}/${r.window}`).join();
    let k = this.drawn.get(key);
    if (k) {
      this.drawn.delete(key);
    } else {
      k = new MssKernel(drawnConfig(this.config, resolutions), this.engines);
      if (this.drawn.size >= DRAWN_KERNELS) this.drawn.delete(this.drawn.keys().next().value!);
    }
    this.drawn.set(key, k);
    return k;
  }

  /**
   * Coerces and validates a signal argument ([T] or [B, T]; [B, 2, T] with stereo): finite samples
   * within the amplitude limit of the configuration.
   */
  signals(x: TensorLike, name: string): Signals {
    const limit = this.limit;
    if (!this.stereo) {
      const input = toTensor(x, { name, rank: [1, 2], min: -limit, max: limit });
      return { input, mono: asBatch(input), batch: input.shape.length === 1 ? 1 : input.shape[0]! };
    }
    const input = toTensor(x, { name, min: -limit, max: limit });
    checkStereo(input, name);
    const [batch, , length] = input.shape as [number, number, number];
    const sum = new Float64Array(batch * length);
    const difference = new Float64Array(batch * length);
    sumAndDifference(dataOf(input), batch, length, sum, difference);
    const mono = new Float64Array(2 * batch * length);
    mono.set(sum);
    mono.set(difference, batch * length);
    return { input, mono: tensor(mono, [2 * batch, length]), batch };
  }

  /**
   * The call's items on `threads` threads (threads.ts), after the validation of the one-thread
   * path; null when it stays on one thread (then that path validates again and computes).
   */
  private spread(
    estimate: TensorLike,
    target: TensorLike,
    grad: boolean,
  ): [ThreadedEvaluation, Tensor] | null {
    // Stereo and drawn resolutions stay on the calling thread (their kernels are per call).
    if (this.threads <= 1 || !this.fixed || this.stereo) return null;
    const e = this.kernel.signal(estimate, 'estimate');
    const t = this.kernel.signal(target, 'target');
    assertSameShape(e, t, 'estimate', 'target');
    if (e.shape.length === 1) return null;
    this.kernel.checkSignal(t, 'target');
    this.kernel.checkSignal(e, 'estimate');
    const r = evaluateThreaded(this, e, t, grad, grad ? 1 / e.shape[0]! : 1);
    return r === null ? null : [r, e];
  }

  withTarget(target: TensorLike): MssLossWithTarget {
    const t = this.signals(target, 'target');
    if (this.fixed) {
      this.fixed.checkSignal(t.mono, 'target');
      return new FixedTarget(this, t, this.fixed.prepareTarget(t.mono, false));
    }
    return new FixedTarget(this, t, undefined);
  }

  /** The fixed-target form for one call: the target's spectrograms in reusable memory. */
  private pair(estimate: TensorLike, target: TensorLike): [FixedTarget, TensorLike] {
    const e = this.signals(estimate, 'estimate');
    const t = this.signals(target, 'target');
    assertSameShape(e.input, t.input, 'estimate', 'target');
    return [new FixedTarget(this, t, undefined, e), estimate];
  }

  value(estimate: TensorLike, target: TensorLike): number {
    const threaded = this.spread(estimate, target, false);
    if (threaded !== null) return mean(threaded[0].perItem);
    const [f, e] = this.pair(estimate, target);
    return f.value(e);
  }

  valueAndGrad(estimate: TensorLike, target: TensorLike): { value: number; grad: Tensor } {
    const threaded = this.spread(estimate, target, true);
    if (threaded !== null) {
      const [r, e] = threaded;
      return { value: mean(r.perItem), grad: tensor(r.grad!.data, e.shape) };
    }
    const [f, e] = this.pair(estimate, target);
    return f.valueAndGrad(e);
  }

  perItem(estimate: TensorLike, target: TensorLike): Tensor {
    const threaded = this.spread(estimate, target, false);
    if (threaded !== null) {
      const [r, e] = threaded;
      return tensor(new (arrayType(dtypeOf(e.data)))(r.perItem), [r.perItem.length]);
    }
    const [f, e] = this.pair(estimate, target);
    return f.perItem(e);
  }

  breakdown(estimate: TensorLike, target: TensorLike): MssBreakdown {
    const [f, e] = this.pair(estimate, target);
    return f.breakdown(e);
  }
}

/** What one evaluation gives, mapped back to the argument's items. */
interface Outcome {
  readonly kernel: MssKernel;
  readonly batch: number;
  readonly perItem: Float64Array;
  readonly grad?: Tensor;
  readonly terms?: Float64Array;
}

class FixedTarget implements MssLossWithTarget {
  /**
   * @param prepared The target prepared once by the fixed kernel (undefined: prepared per call in
   *   reusable memory, for a one-call pair or a loss with random resolutions).
   * @param checked The estimate already validated (one-call pairs).
   */
  constructor(
    private readonly loss: Loss,
    private readonly target: Signals,
    private readonly prepared: PreparedTarget | undefined,
    private readonly checked?: Signals,
  ) {}

  get config(): MssConfig {
    return this.loss.config;
  }

  private estimate(estimate: TensorLike): Signals {
    const e = this.checked ?? this.loss.signals(estimate, 'estimate');
    const tShape = this.target.input.shape;
    const length = tShape[tShape.length - 1]!;
    const eLength = e.input.shape[e.input.shape.length - 1]!;
    const stereo = this.target.mono.shape[0] !== this.target.batch;
    const broadcast = !stereo && this.target.batch === 1 && tShape.length === 1;
    if (eLength !== length || (!broadcast && e.batch !== this.target.batch)) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: expected ${broadcast ? `[${length === eLength ? 'B, ' : ''}${length}] or [B, ${length}]` : formatShape(tShape)} to match the target ${formatShape(tShape)}, got ${formatShape(e.input.shape)}`,
        'estimate',
      );
    }
    return e;
  }

  /** Evaluates the estimate against the target (with the kernel of this call). */
  private run(estimate: TensorLike, wantGrad: boolean, terms = false): Outcome {
    const e = this.estimate(estimate);
    const kernel = this.prepared ? this.loss.kernel : this.loss.nextKernel();
    let prepared = this.prepared;
    if (!prepared) {
      kernel.checkSignal(this.target.mono, 'target');
      prepared = kernel.prepareTarget(this.target.mono, false, true);
    }
    kernel.checkSignal(e.mono, 'estimate');
    const monoItems = e.mono.shape[0]!;
    const r = kernel.evaluate(e.mono, prepared, wantGrad, 1 / monoItems, false, terms);
    const stereo = monoItems !== e.batch;
    if (!stereo) {
      const grad = r.grad ? tensor(r.grad.data, e.input.shape) : undefined;
      return { kernel, batch: e.batch, perItem: r.perItem, grad, terms: r.terms };
    }
    // auraloss's SumAndDifferenceSTFTLoss: (L(sum) + L(difference)) / 2 per item; the gradient
    // back through the split (stereo.ts).
    const B = e.batch;
    const perItem = new Float64Array(B);
    for (let b = 0; b < B; b++)
      perItem[b] = combineSumAndDifference(r.perItem[b]!, r.perItem[B + b]!);
    let grad: Tensor | undefined;
    if (r.grad) {
      const g = dataOf(r.grad);
      const length = e.mono.shape[1]!;
      const out = new Float64Array(2 * B * length);
      sumAndDifferenceAdjoint(g.subarray(0, B * length), g.subarray(B * length), B, length, out);
      const dtype = dtypeOf(e.input.data);
      grad = tensor(dtype === 'float64' ? out : new (arrayType(dtype))(out), e.input.shape);
    }
    return { kernel, batch: B, perItem, grad, terms: r.terms };
  }

  value(estimate: TensorLike): number {
    return mean(this.run(estimate, false).perItem);
  }

  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor } {
    const r = this.run(estimate, true);
    return { value: mean(r.perItem), grad: r.grad! };
  }

  perItem(estimate: TensorLike): Tensor {
    const r = this.run(estimate, false);
    const e = this.checked ?? this.loss.signals(estimate, 'estimate');
    return tensor(new (arrayType(dtypeOf(e.input.data)))(r.perItem), [r.perItem.length]);
  }

  breakdown(estimate: TensorLike): MssBreakdown {
    const r = this.run(estimate, false, true);
    const c = r.kernel.config;
    const nScales = c.sizes.length;
    const nComp = c.compressions.length;
    const stride = nScales * (nComp + 1);
    const monoItems = r.terms!.length / stride;
    const stereo = monoItems !== r.batch;
    const scaleWeight = c.scaleReduction === 'mean' ? 1 / nScales : 1;
    const terms: MssTerm[] = [];
    for (const [ch, channel] of (stereo ? ['sum', 'difference'] : [undefined]).entries()) {
      for (let s = 0; s < nScales; s++) {
        for (let k = 0; k <= nComp; k++) {
          const sc = k === nComp;
          const weight = sc ? c.spectralConvergence : c.compressions[k]!.weight;
          if (weight === 0) continue;
          let v = 0;
          for (let b = 0; b < r.batch; b++) {
            v += r.terms![((ch * r.batch + b) * nScales + s) * (nComp + 1) + k]!;
          }
          v /= r.batch;
          terms.push({
            resolution: s,
            size: c.sizes[s]!,
            hop: c.hops[s]!,
            term: sc ? 'spectralConvergence' : 'compression',
            ...(sc ? {} : { compression: k, kind: c.compressions[k]!.kind }),
            ...(channel ? { channel: channel as 'sum' | 'difference' } : {}),
            value: v,
            contribution: v * weight * scaleWeight * (stereo ? 0.5 : 1),
          });
        }
      }
    }
    return { value: mean(r.perItem), terms };
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
 *   `'hifigan'`, `'dac'`, `'auralossMel'`,
 *   `'ddsp'`, `'sot'` (spectral optimal transport).
 * @param run How the loss runs, not what it computes: `threads` (default 1), an integer >= 1 or
 *   `'auto'`, spreads the items of a batch over worker threads with the same results, bit for bit
 *   (see {@link MssRunOptions} and the package README, "Threads").
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
export function createMssLoss(options?: MssOptions | MssPresetName, run?: MssRunOptions): MssLoss {
  const { threads } = resolveRunOptions(run);
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
    return new Loss(resolveOptions(mssPresets[options]), 'auto', threads);
  }
  return new Loss(resolveOptions(options), 'auto', threads);
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
export function createJsEngineLoss(options: MssOptions, run?: MssRunOptions): MssLoss {
  return new Loss(resolveOptions(options), 'js', resolveRunOptions(run).threads);
}

/** @internal The kernel of a loss made by {@link createMssLoss}. */
export function kernelOf(loss: MssLoss): MssKernel {
  if (loss.config.perceptual.stereo !== undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      "stereo: 'sum-difference' has no single-kernel form (the loss compares the sum and difference channels); use the loss itself",
      'stereo',
    );
  }
  return (loss as Loss).kernel;
}

/** Issue 14: the options of one draw of random resolutions (sizes, hops, windows, filterbanks). */
function drawnConfig(config: MssConfig, resolutions: readonly Resolution[]): MssConfig {
  const p = config.perceptual;
  return Object.freeze({
    ...config,
    sizes: resolutions.map((r) => r.size),
    hops: resolutions.map((r) => r.hop),
    windowLengths: resolutions.map((r) => r.windowLength),
    window: resolutions.map((r) => torchWindow(r.window, r.windowLength)),
    perceptual: Object.freeze({
      ...p,
      filterbanks: p.scale
        ? resolutions.map((r) => scaleFilterbank(p.scale!, 'drawn', r.size))
        : undefined,
      pad: resolutions.map((r) => p.padOf(r.size, r.hop)),
      randomResolution: undefined,
    }),
  });
}

/**
 * Issue 14: the amplitude limit of a loss with random resolutions: 2^1023 over the largest window
 * sum a draw can give (below maxSize) and the A-weighting's gain.
 */
function randomAmplitudeLimit(config: MssConfig): number {
  const p = config.perceptual;
  let gain = 1;
  if (p.perceptualWeighting) {
    gain = 0;
    for (const w of aWeightingAt(p.sampleRate!).weights) gain += Math.abs(w);
  }
  return 2 ** 1023 / (p.randomResolution!.maxSize * Math.max(1, gain));
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
