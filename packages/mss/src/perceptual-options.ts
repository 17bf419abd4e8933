/**
 * The options issue 14 adds to the multi-scale spectral loss (perceptual scales and weighting,
 * stereo, random resolutions, the references' magnitude and framing details) and their
 * validation, written so that `resolveOptions` can call {@link resolvePerceptualOptions} once and
 * keep its result in the configuration.
 */
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
} from '@losses/tensor';
import { aWeightingAt } from './a-weighting.js';
import type { LogForm } from './compression-forms.js';
import type { MagnitudeForm } from './magnitude-forms.js';
import type { MssOptions } from './options.js';
import {
  candidateSizes,
  type RandomResolutionOptions,
  type ResolvedRandomResolution,
  resolveRandomResolution,
} from './random-resolution.js';
import { type Filterbank, isEmptyBand } from './scales/filterbank.js';
import {
  type ResolvedScale,
  resolveScale,
  type ScaleOption,
  scaleFilterbank,
} from './scales/scale.js';

/**
 * A logarithmic compression with a floor and a power (see `compression-forms.ts`):
 * p(x) = g power log_b(x + eps) (`floor: 'add'`, default) or g power log_b(max(x, eps))
 * (`floor: 'clamp'`), b = e for `'log'`, 10 for `'log10'` and `'db'` (g = 20 for `'db'`, else 1).
 * `eps` default 1e-7, `power` default 1 (> 0), `weight` default 1 (>= 0).
 */
export interface LogCompression {
  kind: 'log' | 'log10' | 'db';
  eps?: number;
  floor?: 'add' | 'clamp';
  power?: number;
  weight?: number;
}

/** A validated {@link LogCompression}. */
export interface ResolvedLogCompression extends LogForm {
  readonly weight: number;
}

/**
 * Validates a logarithmic compression object.
 *
 * @throws LossInputError `INVALID_OPTION` naming the field.
 */
export function resolveLogCompression(c: LogCompression, name: string): ResolvedLogCompression {
  checkKeys(c, name, ['kind', 'eps', 'floor', 'power', 'weight']);
  const kind = checkOneOf(c.kind, `${name}.kind`, ['log', 'log10', 'db'] as const);
  const eps = checkNumber(c.eps ?? 1e-7, `${name}.eps`, { min: 0 });
  const floor = checkOneOf(c.floor ?? 'add', `${name}.floor`, ['add', 'clamp'] as const);
  const power = checkNumber(c.power ?? 1, `${name}.power`, { min: 0, minExclusive: true });
  const weight = checkNumber(c.weight ?? 1, `${name}.weight`, { min: 0 });
  return { kind, eps, floor, power, weight };
}

/** The options this module adds to `MssOptions` (names are part of the contract of issue 14). */
export interface PerceptualOptions {
  /** Sample rate in Hz (> 0): needed by the mel and chroma scales and by `perceptualWeighting`. */
  sampleRate?: number;
  /** What multiplies each resolution's magnitudes before the compressions (and the spectral convergence). */
  scale?: ScaleOption;
  /** Magnitude exponent before the scale: 1 (magnitude, default) or 2 (power), as torchaudio's `power`. */
  power?: 1 | 2;
  /**
   * Added to re^2 + im^2 inside the square root of the magnitude (HiFi-GAN's +1e-9), >= 0.
   * Default 0.
   */
  magnitudeOffset?: number;
  /**
   * Samples of padding (mode `padMode`) on each side before frames that are not centred (HiFi-GAN
   * pads (N - hop) / 2 with reflection and frames with `center=False`): a number, one per size, or
   * a function of (N, hop). Only with `center: false` and without `padEnd`. Default none.
   */
  pad?: number | readonly number[] | ((size: number, hop: number) => number);
  /** A-weighting of both signals before the STFT as auraloss's `FIRFilter('aw')`. Default false. */
  perceptualWeighting?: boolean;
  /** `'sum-difference'`: inputs [B, 2, T], the loss on L + R and on L - R, averaged (auraloss). */
  stereo?: 'sum-difference';
  /** Resolutions drawn per call (auraloss's `RandomResolutionSTFTLoss`), reproducible from `seed`. */
  randomResolution?: RandomResolutionOptions;
}

/** The option keys of {@link PerceptualOptions} (for `checkKeys`). */
export const PERCEPTUAL_KEYS = [
  'sampleRate',
  'scale',
  'power',
  'magnitudeOffset',
  'pad',
  'perceptualWeighting',
  'stereo',
  'randomResolution',
] as const;

/** What the loss's configuration keeps of {@link PerceptualOptions}, validated. */
export interface PerceptualConfig {
  readonly sampleRate: number | undefined;
  /** The validated scale (undefined: the linear bins themselves). */
  readonly scale: ResolvedScale | undefined;
  /**
   * The filterbank of every resolution for fixed sizes (undefined without a scale or with random
   * resolutions, whose filterbanks are made per drawn size by `scaleFilterbank`).
   */
  readonly filterbanks: readonly Filterbank[] | undefined;
  readonly magnitude: MagnitudeForm;
  /** Padding per size (fixed sizes) before non-centred frames; all 0 without `pad`. */
  readonly pad: readonly number[];
  /** The padding of a drawn resolution (random resolutions). */
  readonly padOf: (size: number, hop: number) => number;
  readonly perceptualWeighting: boolean;
  readonly stereo: 'sum-difference' | undefined;
  readonly randomResolution: ResolvedRandomResolution | undefined;
}

/** What {@link resolvePerceptualOptions} needs of the rest of the configuration. */
export interface FramingContext {
  /** FFT sizes (ignored with random resolutions). */
  readonly sizes: readonly number[];
  /** Hops per size. */
  readonly hops: readonly number[];
  readonly center: boolean;
  readonly padEnd: boolean;
  /**
   * The validated compressions (kinds and floors), to refuse a logarithm of 0 on an empty first
   * mel band. Default: none checked.
   */
  readonly compressions?: readonly { readonly kind: string; readonly eps?: number }[];
}

/** The padding of a loss without `pad` (one function, so that equal configurations compare equal). */
const noPad = (_size: number, _hop: number): number => 0;

/** The index of a compression that takes the logarithm of 0 for a band value 0, or -1. */
function logOfZero(compressions: FramingContext['compressions']): number {
  return (compressions ?? []).findIndex(
    (c) => (c.kind === 'log' || c.kind === 'log10' || c.kind === 'db') && c.eps === 0,
  );
}

/**
 * Validates the options of {@link PerceptualOptions} and builds the filterbank of every fixed
 * resolution.
 *
 * @param options The loss's options (only the keys of {@link PERCEPTUAL_KEYS} are read, plus
 *   `sizes`, `hops`, `windowLengths` and `window` to refuse them beside `randomResolution`).
 * @throws LossInputError `INVALID_OPTION` (named), and what `resolveScale`, `scaleFilterbank` and
 *   `resolveRandomResolution` throw.
 */
export function resolvePerceptualOptions(
  options: PerceptualOptions & {
    sizes?: unknown;
    hops?: unknown;
    windowLengths?: unknown;
    window?: unknown;
  },
  framing: FramingContext,
): PerceptualConfig {
  const sampleRate =
    options.sampleRate === undefined
      ? undefined
      : checkNumber(options.sampleRate, 'sampleRate', { min: 0, minExclusive: true });
  let randomResolution: ResolvedRandomResolution | undefined;
  if (options.randomResolution !== undefined) {
    const drawn = (['sizes', 'hops', 'windowLengths', 'window'] as const).filter(
      (k) => options[k] !== undefined,
    );
    if (drawn.length > 0) {
      throw new LossInputError(
        'INVALID_OPTION',
        `randomResolution: draws the sizes, hops, window lengths and windows of every call, so ${drawn.join(', ')} cannot be given beside it`,
        'randomResolution',
      );
    }
    randomResolution = resolveRandomResolution(options.randomResolution);
  }
  const power = options.power ?? 1;
  if (power !== 1 && power !== 2) {
    throw new LossInputError(
      'INVALID_OPTION',
      `power: expected 1 (magnitude) or 2 (power spectrum), got ${show(power)}`,
      'power',
    );
  }
  const offset = checkNumber(options.magnitudeOffset ?? 0, 'magnitudeOffset', { min: 0 });

  let scale: ResolvedScale | undefined;
  let filterbanks: Filterbank[] | undefined;
  if (options.scale !== undefined) {
    scale = resolveScale(
      options.scale,
      sampleRate,
      randomResolution ? undefined : framing.sizes.length,
    );
    // With random resolutions every size a draw can give is checked now, so no call fails later.
    const sizes = randomResolution ? candidateSizes(randomResolution) : framing.sizes;
    const built = sizes.map((size, s) =>
      scaleFilterbank(scale!, randomResolution ? 'drawn' : s, size),
    );
    const k = logOfZero(framing.compressions);
    built.forEach((fb, s) => {
      if (k >= 0 && isEmptyBand(fb, 0)) {
        throw new LossInputError(
          'INVALID_OPTION',
          `scale: mel band 0 receives no frequency bin at FFT size ${sizes[s]} (librosa accepts an empty first band from 0 Hz without a warning), so its value is 0 for every signal and compressions[${k}], a logarithm with eps 0, would give log 0; use eps > 0, fewer bands or a larger FFT size`,
          'scale',
        );
      }
    });
    if (!randomResolution) filterbanks = built;
  }

  const perceptualWeighting =
    options.perceptualWeighting === undefined
      ? false
      : checkBoolean(options.perceptualWeighting, 'perceptualWeighting');
  if (perceptualWeighting) {
    if (sampleRate === undefined) {
      throw new LossInputError(
        'INVALID_OPTION',
        'sampleRate: perceptualWeighting (A-weighting) needs the sample rate in Hz (options.sampleRate); expected a number from 1000 to 1e6, got undefined',
        'sampleRate',
      );
    }
    aWeightingAt(sampleRate);
  }

  const stereo =
    options.stereo === undefined
      ? undefined
      : checkOneOf(options.stereo, 'stereo', ['sum-difference'] as const);

  let pad: number[] = framing.sizes.map(() => 0);
  let padOf: (size: number, hop: number) => number = noPad;
  if (options.pad !== undefined) {
    if (framing.center || framing.padEnd) {
      throw new LossInputError(
        'INVALID_OPTION',
        `pad: applies to frames that are neither centred nor end-padded (center: false, padEnd: false), got center: ${framing.center}, padEnd: ${framing.padEnd}`,
        'pad',
      );
    }
    const p = options.pad;
    const check = (v: unknown, n: string): number =>
      checkNumber(v, n, { integer: true, min: 0, max: 2 ** 30 });
    if (typeof p === 'function') {
      padOf = (size, hop) => check(p(size, hop), `pad(${size}, ${hop})`);
      if (!randomResolution) pad = framing.sizes.map((n, s) => padOf(n, framing.hops[s]!));
    } else if (Array.isArray(p)) {
      if (randomResolution || p.length !== framing.sizes.length) {
        throw new LossInputError(
          'INVALID_OPTION',
          `pad: expected a number, a function of (size, hop) or one number per size (${framing.sizes.length}), got ${show(p)}`,
          'pad',
        );
      }
      pad = p.map((v, s) => check(v, `pad[${s}]`));
      padOf = (size) => pad[framing.sizes.indexOf(size)] ?? 0;
    } else {
      const v = check(p, 'pad');
      pad = framing.sizes.map(() => v);
      padOf = () => v;
    }
  }

  return {
    sampleRate,
    scale,
    filterbanks,
    magnitude: { offset, power },
    pad,
    padOf,
    perceptualWeighting,
    stereo,
    randomResolution,
  };
}

/**
 * The options of the multi-scale spectral loss with those of issue 14 (now `MssOptions` itself;
 * kept as a name for the phase-A modules and tests).
 */
export type PerceptualMssOptions = MssOptions;
