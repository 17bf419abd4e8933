import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  type FloatArray,
  LossInputError,
  show,
} from '@losses/tensor';
import { minSignalLength } from './framing.js';
import { absoluteSum, amplitudeLimit, checkSize, MAX_FFT_SIZE } from './limits.js';
import { WINDOW_KINDS, type WindowKind, windowValues } from './window.js';

/** How a centred STFT pads the signal: mirror without the edge sample, or zeros. */
export type PadMode = 'reflect' | 'constant';

/** Options of the STFT (torch.stft names in parentheses). */
export interface StftOptions {
  /** FFT size N in samples (`n_fft`), an integer from 1 to `MAX_FFT_SIZE` (2^22). */
  size: number;
  /**
   * Hop between frame starts in samples (`hop_length`), an integer >= 1. Default
   * `floor(size / 4)` as torch.stft, and 1 for sizes below 4 (where torch's default would be 0).
   */
  hop?: number;
  /**
   * The window: a {@link WindowKind} (periodic, as torch's and scipy's spectral windows) or the
   * samples themselves (length `windowLength`). Default `'hann'`.
   */
  window?: WindowKind | FloatArray | readonly number[];
  /**
   * Window length (`win_length`), 1..size, default `size`. A shorter window is zero-padded to
   * `size`, centred (left padding floor((size - windowLength) / 2)), as torch does.
   */
  windowLength?: number;
  /** Pad floor(size / 2) samples on both sides so frame t is centred on t * hop. Default `true`. */
  center?: boolean;
  /** The padding of a centred STFT (`pad_mode`), default `'reflect'`; ignored without `center`. */
  padMode?: PadMode;
  /**
   * Without `center` only: zero-pad the end so that there are ceil(T / hop) frames, as
   * tf.signal.stft(pad_end=True). Default `false`.
   */
  padEnd?: boolean;
}

/** The option names of {@link StftOptions}. */
export const STFT_OPTION_KEYS = [
  'size',
  'hop',
  'window',
  'windowLength',
  'center',
  'padMode',
  'padEnd',
] as const;

/** Validated options without the window's samples: all that framing needs, nothing allocated. */
export interface StftLayout {
  size: number;
  hop: number;
  windowLength: number;
  center: boolean;
  padMode: PadMode;
  padEnd: boolean;
  bins: number;
  /** The window as given (a kind, or samples already checked). */
  windowSpec: WindowKind | ArrayLike<number>;
}

/** Validated options with the window resolved to `size` samples. */
export interface ResolvedStft extends StftLayout {
  window: Float64Array;
  /** The largest |x| accepted (see `amplitudeLimit`). */
  amplitudeLimit: number;
}

/**
 * The hop when none is given: floor(size / 4), torch.stft's default `hop_length`, at least 1 (for
 * sizes 1 to 3, where torch's would be 0 and refused).
 */
export function defaultHop(size: number): number {
  return Math.max(1, Math.floor(size / 4));
}

/**
 * Validates STFT options (refusing unknown keys other than `extraKeys`) without allocating: sizes
 * up to {@link MAX_FFT_SIZE}, a window kind or the right number of finite samples.
 */
export function parseStftOptions(
  options: StftOptions,
  name = 'options',
  extraKeys: readonly string[] = [],
): StftLayout {
  if (options === undefined || options === null || typeof options !== 'object') {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected an options object with at least { size }, got ${show(options)}`,
      name,
    );
  }
  checkKeys(options, name, [...STFT_OPTION_KEYS, ...extraKeys]);
  const size = checkSize(options.size, `${name}.size`);
  const hop =
    options.hop === undefined
      ? defaultHop(size)
      : checkNumber(options.hop, `${name}.hop`, { integer: true, min: 1 });
  const windowLength =
    options.windowLength === undefined
      ? size
      : checkNumber(options.windowLength, `${name}.windowLength`, {
          integer: true,
          min: 1,
          max: size,
        });
  const center =
    options.center === undefined ? true : checkBoolean(options.center, `${name}.center`);
  const padMode =
    options.padMode === undefined
      ? 'reflect'
      : checkOneOf(options.padMode, `${name}.padMode`, ['reflect', 'constant'] as const);
  const padEnd =
    options.padEnd === undefined ? false : checkBoolean(options.padEnd, `${name}.padEnd`);
  if (padEnd && center) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.padEnd: padEnd only applies with center: false (a centred STFT pads both ends already); got padEnd: true with center: true`,
      `${name}.padEnd`,
    );
  }
  const windowSpec = checkWindow(options.window, windowLength, `${name}.window`);
  return {
    size,
    hop,
    windowLength,
    center,
    padMode,
    padEnd,
    bins: Math.floor(size / 2) + 1,
    windowSpec,
  };
}

/** The window of a validated layout, zero-padded (centred) to `size` samples. */
export function buildStft(layout: StftLayout): ResolvedStft {
  const { size, windowLength, windowSpec } = layout;
  const short =
    typeof windowSpec === 'string'
      ? windowValues(windowSpec, windowLength, true)
      : Float64Array.from(windowSpec);
  const window = new Float64Array(size);
  window.set(short, Math.floor((size - windowLength) / 2));
  return { ...layout, window, amplitudeLimit: amplitudeLimit(absoluteSum(short)) };
}

/** Validates STFT options (refusing unknown keys other than `extraKeys`) and builds the window. */
export function resolveStftOptions(
  options: StftOptions,
  name = 'options',
  extraKeys: readonly string[] = [],
): ResolvedStft {
  return buildStft(parseStftOptions(options, name, extraKeys));
}

function checkWindow(
  value: StftOptions['window'],
  windowLength: number,
  name: string,
): WindowKind | ArrayLike<number> {
  if (value === undefined) return 'hann';
  if (typeof value === 'string') return checkOneOf(value, name, WINDOW_KINDS);
  if (value instanceof Float32Array || value instanceof Float64Array || Array.isArray(value)) {
    const arr = value as ArrayLike<unknown>;
    if (arr.length !== windowLength) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}: expected ${windowLength} samples (windowLength, which defaults to size), got ${arr.length}; set windowLength to the window's length`,
        name,
      );
    }
    for (let i = 0; i < windowLength; i++) {
      const v = arr[i];
      if (typeof v !== 'number' || !Number.isFinite(v)) {
        throw new LossInputError(
          'NON_FINITE',
          `${name}: element [${i}] is ${show(v)}; window samples must be finite numbers`,
          name,
        );
      }
    }
    return value as ArrayLike<number>;
  }
  throw new LossInputError(
    'INVALID_OPTION',
    `${name}: expected one of ${WINDOW_KINDS.map((k) => `'${k}'`).join(', ')} or a Float32Array/Float64Array/number[] of window samples, got ${show(value)}`,
    name,
  );
}

/** Checks that a signal of `length` samples can be transformed with `cfg`. */
export function checkSignalLength(cfg: StftLayout, length: number, name: string): void {
  if (length >= minSignalLength(cfg)) return;
  const pad = Math.floor(cfg.size / 2);
  if (cfg.center) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `${name}: a signal of ${length} samples is too short for reflect padding of ${pad} samples (size / 2 with size ${cfg.size}); it needs more than ${pad} samples - use padMode: 'constant' for short signals`,
      name,
    );
  }
  throw new LossInputError(
    'SHAPE_MISMATCH',
    `${name}: a signal of ${length} samples is shorter than one frame (size ${cfg.size}) with center: false; use center: true or padEnd: true`,
    name,
  );
}
