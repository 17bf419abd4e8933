import type { DType, Tensor, TensorLike } from '@losses/tensor';
import {
  arrayType,
  assertSameShape,
  checkKeys,
  checkNumber,
  checkOneOf,
  dtypeOf,
  formatShape,
  LossInputError,
  show,
  tensor,
  toTensor,
} from '@losses/tensor';
import { type WassersteinOrder, WassersteinWork, wassersteinFrames } from './wasserstein.js';

/**
 * Where the bins sit along frequency (the ground distance of the transport):
 * - `'normalized'`: x_k = k / (K - 1), from 0 to 1 (Nyquist for a one-sided spectrum); sot-loss's
 *   `bin_position_scaling='normalized'` (its default) for an STFT, `torch.linspace(0, 1, K)`;
 * - `'bins'`: x_k = k, so that moving a peak by k bins costs k in W_1;
 * - K increasing numbers (e.g. Hz, or the centre frequencies of a mel or constant-Q filterbank).
 */
export type WassersteinPositions = 'normalized' | 'bins' | readonly number[] | Float64Array;

/** Options of {@link createSpectralWassersteinLoss}. */
export interface SpectralWassersteinOptions {
  /** The order p of W_p^p: 1 (CDF form) or 2 (quantile form). Default 2 (sot-loss's default). */
  p?: WassersteinOrder;
  /** The bin positions. Default `'normalized'`. */
  positions?: WassersteinPositions;
  /** Added to each frame's mass before normalising, > 0. Default 1e-8 (sot-loss). */
  eps?: number;
  /** Over the frames of an item: `'mean'` (sot-loss) or `'sum'`. Default `'mean'`. */
  reduction?: 'mean' | 'sum';
}

/** The validated options of {@link createSpectralWassersteinLoss}, every default filled in. */
export interface SpectralWassersteinConfig {
  readonly p: WassersteinOrder;
  /** `'normalized'`, `'bins'`, or the given positions (a copy). */
  readonly positions: 'normalized' | 'bins' | Float64Array;
  readonly eps: number;
  readonly reduction: 'mean' | 'sum';
}

/** A planned spectral Wasserstein loss (from {@link createSpectralWassersteinLoss}). */
export interface SpectralWassersteinLoss {
  /**
   * The loss of `estimate` against `target`, non-negative spectra of the same shape `[K]` (one
   * frame), `[F, K]` (F frames of one item) or `[B, F, K]`, frequency last: per item the mean (or
   * sum) over frames of W_p^p between the frames normalised to unit mass; the mean over the items.
   * A `[F, K]` target with a `[B, F, K]` estimate is compared with every item.
   */
  value(estimate: TensorLike, target: TensorLike): number;
  /** The loss and its gradient w.r.t. `estimate` (shape and float type of `estimate`). */
  valueAndGrad(estimate: TensorLike, target: TensorLike): { value: number; grad: Tensor };
  /** The loss of every item: shape `[B]` (`[1]` for `[K]` or `[F, K]`), float type of `estimate`. */
  perItem(estimate: TensorLike, target: TensorLike): Tensor;
  /** W_p^p of every frame: shape `[B, F]` (`[1, 1]` for `[K]`, `[1, F]` for `[F, K]`), float64. */
  perFrame(estimate: TensorLike, target: TensorLike): Tensor;
  /** The validated options. */
  readonly config: SpectralWassersteinConfig;
}

const KEYS = ['p', 'positions', 'eps', 'reduction'] as const;

function resolve(options: SpectralWassersteinOptions | undefined): SpectralWassersteinConfig {
  checkKeys(options, 'options', KEYS);
  const o = options ?? {};
  let p: WassersteinOrder = 2;
  if (o.p !== undefined) {
    if (o.p !== 1 && o.p !== 2) {
      throw new LossInputError(
        'INVALID_OPTION',
        `options.p: expected 1 or 2, got ${show(o.p)}`,
        'options.p',
      );
    }
    p = o.p;
  }
  const eps =
    o.eps === undefined ? 1e-8 : checkNumber(o.eps, 'options.eps', { min: 0, minExclusive: true });
  const reduction =
    o.reduction === undefined
      ? 'mean'
      : checkOneOf(o.reduction, 'options.reduction', ['mean', 'sum'] as const);
  return { p, positions: resolvePositions(o.positions), eps, reduction };
}

function resolvePositions(value: unknown): 'normalized' | 'bins' | Float64Array {
  if (value === undefined) return 'normalized';
  if (typeof value === 'string')
    return checkOneOf(value, 'options.positions', ['normalized', 'bins'] as const);
  const isList =
    Array.isArray(value) || value instanceof Float64Array || value instanceof Float32Array;
  if (!isList) {
    throw new LossInputError(
      'INVALID_OPTION',
      `options.positions: expected 'normalized', 'bins' or an array of increasing numbers, got ${show(value)}`,
      'options.positions',
    );
  }
  const list = value as ArrayLike<unknown>;
  if (list.length === 0) {
    throw new LossInputError(
      'EMPTY',
      'options.positions: expected at least one position, got []',
      'options.positions',
    );
  }
  const out = new Float64Array(list.length);
  for (let k = 0; k < list.length; k++) {
    out[k] = checkNumber(list[k], `options.positions[${k}]`);
    if (k > 0 && !(out[k]! > out[k - 1]!)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `options.positions: expected strictly increasing positions, got ${out[k - 1]} then ${out[k]} at ${k - 1} and ${k}`,
        'options.positions',
      );
    }
  }
  return out;
}

/** The positions of K bins under a resolved `positions` option. */
export function positionsOf(
  positions: 'normalized' | 'bins' | Float64Array,
  K: number,
): Float64Array {
  if (typeof positions !== 'string') return positions;
  const out = new Float64Array(K);
  // torch.linspace(0, 1, K) computes i * step for the first half and 1 - (K - 1 - i) * step for the
  // second (exactly 1 at the end); the same here, so positions agree to the last bit.
  const step = K > 1 ? 1 / (K - 1) : 0;
  const half = Math.floor(K / 2);
  for (let k = 0; k < K; k++) {
    out[k] = positions === 'bins' ? k : k < half ? k * step : 1 - (K - 1 - k) * step;
  }
  return out;
}

interface Pair {
  /** The spectra as float64 (the kernels run in float64). */
  e: Float64Array;
  t: Float64Array;
  /** The estimate's shape and float type (the gradient's). */
  shape: readonly number[];
  dtype: DType;
  items: number;
  frames: number;
  bins: number;
  /** One target for every item (a [F, K] target with a [B, F, K] estimate). */
  shared: boolean;
}

function float64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
}

function spectra(estimate: TensorLike, target: TensorLike, c: SpectralWassersteinConfig): Pair {
  const e = toTensor(estimate, { name: 'estimate', rank: [1, 2, 3], min: 0 });
  const t = toTensor(target, { name: 'target', rank: [1, 2, 3], min: 0 });
  // A [F, K] target is compared with every item of a [B, F, K] estimate.
  const shared =
    e.shape.length === 3 &&
    t.shape.length === 2 &&
    t.shape[0] === e.shape[1] &&
    t.shape[1] === e.shape[2];
  if (!shared) assertSameShape(e, t, 'estimate', 'target');
  const s = e.shape;
  const bins = s[s.length - 1]!;
  const frames = s.length >= 2 ? s[s.length - 2]! : 1;
  const items = s.length === 3 ? s[0]! : 1;
  if (typeof c.positions !== 'string' && c.positions.length !== bins) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `estimate: expected ${c.positions.length} bins (one per entry of options.positions), got shape ${formatShape(s)}`,
      'estimate',
    );
  }
  return {
    e: float64(e),
    t: float64(t),
    shape: s,
    dtype: dtypeOf(e.data),
    items,
    frames,
    bins,
    shared,
  };
}

class Loss implements SpectralWassersteinLoss {
  readonly config: SpectralWassersteinConfig;
  private readonly work = new WassersteinWork();
  private positions: Float64Array | undefined;

  constructor(config: SpectralWassersteinConfig) {
    this.config = config;
  }

  private specOf(bins: number) {
    if (this.positions === undefined || this.positions.length !== bins) {
      this.positions = positionsOf(this.config.positions, bins);
    }
    return { p: this.config.p, positions: this.positions, eps: this.config.eps };
  }

  /** Every frame's W_p^p into `perFrame`, the items' losses, and the gradient when asked. */
  private run(pair: Pair, perFrame: Float64Array, grad: Float64Array | undefined): Float64Array {
    const { e, t, items, frames, bins } = pair;
    const spec = this.specOf(bins);
    const m = frames * bins;
    const perItem = new Float64Array(items);
    const norm = this.config.reduction === 'mean' ? 1 / frames : 1;
    // The value is the mean over items of each item's reduced W: each frame's gradient is
    // norm / items times dW/d(frame).
    const scale = norm / items;
    for (let b = 0; b < items; b++) {
      const sum = wassersteinFrames(
        spec,
        e,
        b * m,
        t,
        pair.shared ? 0 : b * m,
        frames,
        this.work,
        perFrame.subarray(b * frames, (b + 1) * frames),
        grad ? { data: grad, offset: b * m } : undefined,
        undefined,
        scale,
      );
      perItem[b] = sum * norm;
    }
    return perItem;
  }

  value(estimate: TensorLike, target: TensorLike): number {
    const pair = spectra(estimate, target, this.config);
    const perItem = this.run(pair, new Float64Array(pair.items * pair.frames), undefined);
    return mean(perItem);
  }

  valueAndGrad(estimate: TensorLike, target: TensorLike): { value: number; grad: Tensor } {
    const pair = spectra(estimate, target, this.config);
    const g = new Float64Array(pair.e.length);
    const perItem = this.run(pair, new Float64Array(pair.items * pair.frames), g);
    const data = pair.dtype === 'float64' ? g : new (arrayType(pair.dtype))(g);
    return { value: mean(perItem), grad: tensor(data, pair.shape) };
  }

  perItem(estimate: TensorLike, target: TensorLike): Tensor {
    const pair = spectra(estimate, target, this.config);
    const perItem = this.run(pair, new Float64Array(pair.items * pair.frames), undefined);
    const data = pair.dtype === 'float64' ? perItem : new (arrayType(pair.dtype))(perItem);
    return tensor(data, [pair.items]);
  }

  perFrame(estimate: TensorLike, target: TensorLike): Tensor {
    const pair = spectra(estimate, target, this.config);
    const perFrame = new Float64Array(pair.items * pair.frames);
    this.run(pair, perFrame, undefined);
    return tensor(perFrame, [pair.items, pair.frames]);
  }
}

function mean(v: Float64Array): number {
  let s = 0;
  for (let i = 0; i < v.length; i++) s += v[i]!;
  return s / v.length;
}

/**
 * Plans the spectral Wasserstein loss of spectral optimal transport (SOT; Torres, Peeters &
 * Richard, ICASSP 2024) on spectra you computed: per frame W_p^p along frequency between the two
 * spectra normalised to unit mass (each divided by its sum + eps), the mean over frames and items.
 * The same number as sot-loss's `Wasserstein1DLoss(transform='identity', p, eps)` (normalize and
 * balanced, its defaults) given the spectra and positions; the gradient is exact (see the kernel's
 * notes for its two conventions: ties, bins of zero mass). Magnitudes, powers or any other
 * non-negative frame will do; a silent frame is matched with the last position.
 *
 * @throws LossInputError `INVALID_OPTION` (p other than 1 or 2, eps <= 0, an unknown reduction or
 *   positions, positions not strictly increasing, an unknown option), `EMPTY` (no positions).
 */
export function createSpectralWassersteinLoss(
  options?: SpectralWassersteinOptions,
): SpectralWassersteinLoss {
  return new Loss(resolve(options));
}

/**
 * The spectral Wasserstein loss of `estimate` against `target` (see
 * {@link createSpectralWassersteinLoss}; plan once with it in loops).
 *
 * @throws LossInputError as {@link createSpectralWassersteinLoss}, and for bad spectra:
 *   `SHAPE_MISMATCH` (shapes differ, rank not 1 to 3, a bin count other than the positions'),
 *   `NON_FINITE`, `EMPTY`, `INVALID_OPTION` (a negative value).
 */
export function spectralWassersteinLoss(
  estimate: TensorLike,
  target: TensorLike,
  options?: SpectralWassersteinOptions,
): number {
  return createSpectralWassersteinLoss(options).value(estimate, target);
}

/**
 * {@link spectralWassersteinLoss} and its gradient w.r.t. `estimate` (shape and float type of
 * `estimate`).
 */
export function spectralWassersteinLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: SpectralWassersteinOptions,
): { value: number; grad: Tensor } {
  return createSpectralWassersteinLoss(options).valueAndGrad(estimate, target);
}
