/**
 * The Wasserstein distance as a distance of the MSS framework (issue 16): its option
 * `distance: { kind: 'wasserstein', p }`, the validation of that option, and its evaluation on one
 * item at one scale.
 *
 * Per frame f of a scale's compressed spectrogram (K = N / 2 + 1 bins), W_p^p along frequency
 * between the estimate's and the target's frames, each normalised to unit mass (divided by its sum
 * + eps), as spectral optimal transport defines it (Torres, Peeters & Richard, ICASSP 2024; the
 * kernel and its exact gradient are in wasserstein.ts). The scale's distance is then the mean
 * (`reduction: 'mean'`) or the sum over the frames, the same reduction the elementwise distances
 * take over elements.
 */
import { checkKeys, checkNumber, checkOneOf, LossInputError, show } from '@losses/tensor';
import type { ResolvedCompression } from './compression.js';
import type { DistanceKind, Reduction } from './distance.js';
import { DEFAULT_BREAK_HZ, logPositions } from './log-positions.js';
import { positionsOf } from './spectral-wasserstein.js';
import { type WassersteinOrder, WassersteinWork, wassersteinFrames } from './wasserstein.js';

/**
 * The Wasserstein distance option of `createMssLoss` (names are a contract of issue 16):
 * `{ kind: 'wasserstein', p: 1 | 2, positions?, eps? }`.
 */
export interface WassersteinDistanceOption {
  readonly kind: 'wasserstein';
  /** The order: 1 (W_1, CDF form) or 2 (W_2^2, quantile form). Required. */
  readonly p: WassersteinOrder;
  /**
   * Bin positions along frequency (the ground cost): `'normalized'` (k / (N / 2), 0 at DC to 1 at
   * Nyquist; sot-loss's default), `'bins'` (k) or `'log'` (log2(1 + f_k / breakHz), f_k = k sr / N:
   * a log-frequency axis, linear below the break frequency; it needs `options.sampleRate` and the
   * STFT's own bins, no `scale`). Along `'log'` a harmonic tone moved by d semitones is the target
   * translated by d / 12 (every harmonic moves by the same log ratio), so W_1 grows as |d| / 12
   * from any start (log-positions.ts). Default `'normalized'`.
   */
  readonly positions?: 'normalized' | 'bins' | 'log';
  /** The break frequency f_b in Hz of `positions: 'log'` (> 0; only with it). Default 100. */
  readonly breakHz?: number;
  /** Added to each frame's mass before normalising, > 0. Default 1e-8 (sot-loss's eps). */
  readonly eps?: number;
}

/** A validated Wasserstein distance (`loss.config.distance`), every default filled in. */
export interface WassersteinDistance {
  readonly kind: 'wasserstein';
  /** 1 (CDF form) or 2 (quantile form). */
  readonly p: WassersteinOrder;
  /**
   * Bin positions: `'normalized'` (k / (N / 2), 0 to Nyquist; sot-loss), `'bins'` (k) or `'log'`
   * (log2(1 + f_k / breakHz)).
   */
  readonly positions: 'normalized' | 'bins' | 'log';
  /** The break frequency in Hz of `positions: 'log'` (present with it only). */
  readonly breakHz?: number;
  /** Added to each frame's mass before normalising (sot-loss: 1e-8). */
  readonly eps: number;
}

/** The distance option of `createMssLoss`: an elementwise kind or the Wasserstein distance. */
export type DistanceOption = DistanceKind | WassersteinDistanceOption;

/** A validated distance. */
export type ResolvedDistance = DistanceKind | WassersteinDistance;

const DISTANCE_KINDS: readonly DistanceKind[] = ['l1', 'l2sq', 'l2'];

/** True for the Wasserstein distance. */
export function isWasserstein(d: ResolvedDistance): d is WassersteinDistance {
  return typeof d === 'object';
}

/**
 * Validates `options.distance` (default `'l1'`). With the Wasserstein distance every compression
 * must keep magnitudes non-negative (frames are normalised to unit mass): `'linear'` and `'log1p'`.
 *
 * @throws LossInputError `INVALID_OPTION` naming the field: an unknown kind, p other than 1 or 2,
 *   unknown positions, eps <= 0, an unknown key, a compression that can be negative.
 */
export function resolveDistance(
  value: unknown,
  compressions: readonly ResolvedCompression[],
): ResolvedDistance {
  const name = 'options.distance';
  if (value === undefined || typeof value === 'string') {
    return checkOneOf(value ?? 'l1', name, DISTANCE_KINDS);
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected ${DISTANCE_KINDS.map((k) => `'${k}'`).join(', ')} or { kind: 'wasserstein', p: 1 | 2 }, got ${show(value)}`,
      name,
    );
  }
  const o = value as Record<string, unknown>;
  checkOneOf(o.kind, `${name}.kind`, ['wasserstein'] as const);
  checkKeys(o, name, ['kind', 'p', 'positions', 'breakHz', 'eps']);
  if (o.p !== 1 && o.p !== 2) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.p: expected 1 or 2, got ${show(o.p)}`,
      `${name}.p`,
    );
  }
  const positions =
    o.positions === undefined
      ? 'normalized'
      : checkOneOf(o.positions, `${name}.positions`, ['normalized', 'bins', 'log'] as const);
  if (o.breakHz !== undefined && positions !== 'log') {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.breakHz: the break frequency of positions 'log'; expected no breakHz with positions '${positions}', got ${show(o.breakHz)}`,
      `${name}.breakHz`,
    );
  }
  const breakHz =
    positions === 'log'
      ? o.breakHz === undefined
        ? DEFAULT_BREAK_HZ
        : checkNumber(o.breakHz, `${name}.breakHz`, { min: 0, minExclusive: true })
      : undefined;
  const eps =
    o.eps === undefined ? 1e-8 : checkNumber(o.eps, `${name}.eps`, { min: 0, minExclusive: true });
  compressions.forEach((c, i) => {
    if (c.kind !== 'linear' && c.kind !== 'log1p') {
      throw new LossInputError(
        'INVALID_OPTION',
        `options.compressions[${i}]: the Wasserstein distance normalises non-negative frames to unit mass; expected 'linear' or 'log1p', got '${c.kind}' (negative for magnitudes below 1)`,
        `options.compressions[${i}]`,
      );
    }
  });
  return Object.freeze(
    breakHz === undefined
      ? { kind: 'wasserstein', p: o.p, positions, eps }
      : { kind: 'wasserstein', p: o.p, positions, breakHz, eps },
  );
}

/**
 * What `positions: 'log'` needs of the rest of the configuration (checked once the sample rate and
 * the scale are validated): the sample rate, and the STFT's linear bins (a mel or other scale's bands
 * are near-logarithmic already, and their centres are not k sr / N).
 *
 * @throws LossInputError `INVALID_OPTION` naming `options.sampleRate` or `options.scale`.
 */
export function checkLogPositions(
  distance: ResolvedDistance,
  sampleRate: number | undefined,
  scaled: boolean,
): void {
  if (!isWasserstein(distance) || distance.positions !== 'log') return;
  if (sampleRate === undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      "options.sampleRate: the Wasserstein distance with positions 'log' places bin k at k sampleRate / N Hz; expected the sample rate in Hz, got undefined",
      'options.sampleRate',
    );
  }
  if (scaled) {
    throw new LossInputError(
      'INVALID_OPTION',
      "options.scale: the Wasserstein distance with positions 'log' needs the STFT's linear bins; expected no scale (or 'linear'), got a filterbank scale (use positions 'normalized' or 'bins' over its bands)",
      'options.scale',
    );
  }
}

/**
 * The Wasserstein distance of one item at one scale: `frames` frames of `bins` values, the bin
 * positions made once per FFT size (a bounded number: the configured sizes, or the range of random
 * resolutions), one work memory.
 */
export class ScaleWasserstein {
  private readonly work = new WassersteinWork();
  private readonly positions = new Map<number, Float64Array>();

  /** `sampleRate`: Hz, needed by `positions: 'log'` only (checked by {@link checkLogPositions}). */
  constructor(
    private readonly distance: WassersteinDistance,
    private readonly reduction: Reduction,
    private readonly sampleRate?: number,
  ) {}

  private positionsOf(size: number, bins: number): Float64Array {
    let x = this.positions.get(size);
    if (x === undefined || x.length !== bins) {
      const d = this.distance;
      x =
        d.positions === 'log'
          ? logPositions(bins, this.sampleRate! / size / d.breakHz!)
          : positionsOf(d.positions, bins);
      this.positions.set(size, x);
    }
    return x;
  }

  /**
   * The reduced distance between `est` and `tgt` (`[frames, bins]` from offset 0) of the scale of
   * FFT size `size`; adds its gradient w.r.t. `est` into `gradEst` and w.r.t. `tgt` into `gradTgt`
   * when given.
   */
  evaluate(
    size: number,
    est: Float64Array,
    tgt: Float64Array,
    frames: number,
    bins: number,
    gradEst?: Float64Array,
    gradTgt?: Float64Array,
  ): number {
    const x = this.positionsOf(size, bins);
    const norm = this.reduction === 'mean' ? 1 / frames : 1;
    const sum = wassersteinFrames(
      { p: this.distance.p, positions: x, eps: this.distance.eps },
      est,
      0,
      tgt,
      0,
      frames,
      this.work,
      undefined,
      gradEst ? { data: gradEst, offset: 0 } : undefined,
      gradTgt ? { data: gradTgt, offset: 0 } : undefined,
      norm,
    );
    return sum * norm;
  }
}
