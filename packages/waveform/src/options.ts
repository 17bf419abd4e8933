import { checkBoolean, checkKeys, checkNumber, checkOneOf, LossInputError } from '@losses/tensor';

/** The pre-emphasis filters of auraloss's `FIRFilter` (Wright & Välimäki, 2019). */
export type PreEmphasisKind = 'hp' | 'fd' | 'aw';

/**
 * A pre-emphasis filter applied to both signals before the loss, as auraloss's
 * `perceptual.FIRFilter(filter_type, coef, fs, ntaps)` does it (Wright & Välimäki, "Perceptual
 * loss function for neural modelling of audio systems", 2019, arXiv:1911.08922):
 *
 * - `'hp'`, first-order highpass: taps `[1, -coef, 0]`;
 * - `'fd'`, folded differentiator: taps `[1, 0, -coef]`;
 * - `'aw'`, A-weighting: `taps` coefficients fitted by least squares (scipy's `firls`) to the
 *   digital (bilinear) A-weighting filter of IEC/CD 1672 sampled at 512 frequencies.
 *
 * As in auraloss the filtered signal is `torch.nn.functional.conv1d(x, taps, padding =
 * floor(taps / 2))`: y[m] = sum_k w[k] x[m + k - floor(taps / 2)] (zeros outside), of length
 * T + 2 floor(taps / 2) - K + 1 with K = 3 for `'hp'`/`'fd'` and K = `taps` for `'aw'`. For
 * `'hp'` and `'fd'` the default 101 taps therefore pad the filtered signal to T + 98 samples
 * (auraloss pads by `ntaps // 2` whatever the filter), which changes the mean of L1 and MSE but
 * not the sums of ESR. The filter coefficients are rounded to float32, as auraloss stores them.
 */
export interface PreEmphasisOptions {
  /** Which filter. */
  kind: PreEmphasisKind;
  /** The coefficient of `'hp'` and `'fd'` (default 0.85, tuned for 44.1 kHz in auraloss). */
  coef?: number;
  /** Sample rate in Hz of the `'aw'` design (default 44100; 1000 to 1e6). */
  sampleRate?: number;
  /** Odd number of taps, 1 to 1023 (default 101): the `'aw'` length and every kind's padding. */
  taps?: number;
}

/** {@link PreEmphasisOptions} with every default filled in. */
export interface ResolvedPreEmphasis {
  kind: PreEmphasisKind;
  coef: number;
  sampleRate: number;
  taps: number;
}

/** Options of `l1Loss` and `mseLoss`. */
export interface ElementwiseOptions {
  /** A pre-emphasis filter for both signals (default none). */
  preEmphasis?: PreEmphasisOptions;
}

/** Options of `esrLoss`. */
export interface EsrOptions {
  /** Added to the target's energy in the denominator (default 1e-8, as auraloss; 1e-30 to 1). */
  eps?: number;
  /** A pre-emphasis filter for both signals (default none). */
  preEmphasis?: PreEmphasisOptions;
}

/** Options of `dcLoss`. */
export interface DcOptions {
  /** Added to the target's mean square in the denominator (default 1e-8, as auraloss; 1e-30 to 1). */
  eps?: number;
}

/** Options of `logCoshLoss`. */
export interface LogCoshOptions {
  /** Smoothness a of (1/a) log(cosh(a d) + eps); smaller is smoother (default 1; 1e-6 to 1e6). */
  a?: number;
  /** Added to cosh inside the log (default 1e-8, as auraloss; 0 or 1e-30 to 1). */
  eps?: number;
  /** A pre-emphasis filter for both signals (default none). */
  preEmphasis?: PreEmphasisOptions;
}

/** Options of `snrLoss`, `siSdrLoss` and `sdSdrLoss`. */
export interface SdrOptions {
  /** Subtract each item's mean from estimate and target first (default true, as auraloss). */
  zeroMean?: boolean;
  /** The stabiliser of auraloss's formulas, see each loss (default 1e-8; 1e-30 to 1). */
  eps?: number;
  /**
   * Clamp each item's loss from below at this value in dB, with zero gradient where it clamps
   * (DAC's `clip_min`; default none).
   */
  clipMin?: number;
}

/** Resolved {@link SdrOptions}. */
export interface ResolvedSdr {
  zeroMean: boolean;
  eps: number;
  clipMin: number | undefined;
}

/** Largest eps accepted: eps is a stabiliser, not a weight. */
const EPS_MAX = 1;
/**
 * Smallest positive eps accepted: 1 / eps bounds the slope of the dB losses, and below 1e-30 the
 * intermediate values of their gradients could leave the float64 range.
 */
const EPS_MIN = 1e-30;
/** The largest finite float32, so that float32-rounded filter coefficients stay finite. */
const FLOAT32_MAX = 3.4028234663852886e38;

function epsOf(value: unknown, name: string, fallback: number, allowZero: boolean): number {
  if (value === undefined) return fallback;
  if (allowZero && value === 0) return 0;
  return checkNumber(value, name, { min: EPS_MIN, max: EPS_MAX });
}

/**
 * Validates a pre-emphasis option and fills its defaults.
 *
 * @throws LossInputError `INVALID_OPTION` for an unknown kind or key, a bad number, or an option
 *   that does not apply to the kind (`coef` with `'aw'`, `sampleRate` with `'hp'`/`'fd'`).
 */
export function resolvePreEmphasis(value: unknown, name: string): ResolvedPreEmphasis | undefined {
  if (value === undefined) return undefined;
  checkKeys(value, name, ['kind', 'coef', 'sampleRate', 'taps']);
  const o = value as PreEmphasisOptions;
  const kind = checkOneOf(o.kind, `${name}.kind`, ['hp', 'fd', 'aw'] as const);
  if (kind === 'aw' && o.coef !== undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.coef: applies to the 'hp' and 'fd' filters only, got coef with kind 'aw'`,
      `${name}.coef`,
    );
  }
  if (kind !== 'aw' && o.sampleRate !== undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.sampleRate: applies to the 'aw' filter only, got sampleRate with kind '${kind}'`,
      `${name}.sampleRate`,
    );
  }
  const coef =
    o.coef === undefined
      ? 0.85
      : checkNumber(o.coef, `${name}.coef`, { min: -FLOAT32_MAX, max: FLOAT32_MAX });
  const sampleRate =
    o.sampleRate === undefined
      ? 44100
      : checkNumber(o.sampleRate, `${name}.sampleRate`, { min: 1000, max: 1e6 });
  const taps =
    o.taps === undefined
      ? 101
      : checkNumber(o.taps, `${name}.taps`, { integer: true, min: 1, max: 1023 });
  if (taps % 2 === 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.taps: expected an odd number of taps (as auraloss), got ${taps}`,
      `${name}.taps`,
    );
  }
  return { kind, coef, sampleRate, taps };
}

/** Resolved options of the element-wise losses. */
export interface ResolvedElementwise {
  preEmphasis: ResolvedPreEmphasis | undefined;
}

export function resolveElementwise(options: unknown): ResolvedElementwise {
  checkKeys(options, 'options', ['preEmphasis']);
  const o = (options ?? {}) as ElementwiseOptions;
  return { preEmphasis: resolvePreEmphasis(o.preEmphasis, 'options.preEmphasis') };
}

/** Resolved {@link EsrOptions}. */
export interface ResolvedEsr {
  eps: number;
  preEmphasis: ResolvedPreEmphasis | undefined;
}

export function resolveEsr(options: unknown): ResolvedEsr {
  checkKeys(options, 'options', ['eps', 'preEmphasis']);
  const o = (options ?? {}) as EsrOptions;
  return {
    eps: epsOf(o.eps, 'options.eps', 1e-8, false),
    preEmphasis: resolvePreEmphasis(o.preEmphasis, 'options.preEmphasis'),
  };
}

/** Resolved {@link DcOptions}. */
export interface ResolvedDc {
  eps: number;
}

export function resolveDc(options: unknown): ResolvedDc {
  checkKeys(options, 'options', ['eps']);
  const o = (options ?? {}) as DcOptions;
  return { eps: epsOf(o.eps, 'options.eps', 1e-8, false) };
}

/** Resolved {@link LogCoshOptions}. */
export interface ResolvedLogCosh {
  a: number;
  eps: number;
  preEmphasis: ResolvedPreEmphasis | undefined;
}

export function resolveLogCosh(options: unknown): ResolvedLogCosh {
  checkKeys(options, 'options', ['a', 'eps', 'preEmphasis']);
  const o = (options ?? {}) as LogCoshOptions;
  return {
    a: o.a === undefined ? 1 : checkNumber(o.a, 'options.a', { min: 1e-6, max: 1e6 }),
    eps: epsOf(o.eps, 'options.eps', 1e-8, true),
    preEmphasis: resolvePreEmphasis(o.preEmphasis, 'options.preEmphasis'),
  };
}

export function resolveSdr(options: unknown): ResolvedSdr {
  checkKeys(options, 'options', ['zeroMean', 'eps', 'clipMin']);
  const o = (options ?? {}) as SdrOptions;
  return {
    zeroMean: o.zeroMean === undefined ? true : checkBoolean(o.zeroMean, 'options.zeroMean'),
    eps: epsOf(o.eps, 'options.eps', 1e-8, false),
    clipMin: o.clipMin === undefined ? undefined : checkNumber(o.clipMin, 'options.clipMin'),
  };
}
