/**
 * The options of the multi-scale spectral loss, their defaults and their validation (done once,
 * by `createMssLoss`).
 */
import { MAX_FFT_SIZE, type StftOptions, type WindowKind } from '@losses/stft';
import type { FloatArray } from '@losses/tensor';
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
} from '@losses/tensor';
import type { CompressionKind, ResolvedCompression } from './compression.js';
import type { Reduction } from './distance.js';
// --- issue 14 (perceptual scales): imports ---
import {
  type LogCompression,
  PERCEPTUAL_KEYS,
  type PerceptualConfig,
  type PerceptualOptions,
  resolveLogCompression,
  resolvePerceptualOptions,
} from './perceptual-options.js';
// --- end issue 14 ---
// --- issue 16 (spectral optimal transport): the Wasserstein distance option ---
import {
  checkLogPositions,
  type DistanceOption,
  type ResolvedDistance,
  resolveDistance,
} from './wasserstein-distance.js';
// --- end issue 16 ---

/**
 * One magnitude compression p of the loss, as a name (default parameters, weight 1) or an object.
 *
 * - `'linear'`: p(x) = x.
 * - `{ kind: 'log', eps }`: p(x) = log(x + eps), default eps 1e-7. eps = 0 needs `magnitudeEps`.
 * - `{ kind: 'log1p', gamma }`: p(x) = log(1 + gamma x), default gamma 1.
 * - `{ kind: 'db', eps }`: p(x) = 20 log10(x + eps), default eps 1e-7. eps = 0 needs `magnitudeEps`.
 * - `{ kind: 'safeLog', eps }`: p(x) = log x for x > 0, log eps for x <= 0 (DDSP's
 *   `core.safe_log`), default eps 1e-5.
 *
 * - {@link LogCompression} (issue 14): `{ kind: 'log' | 'log10' | 'db', eps, floor, power }`,
 *   g power log_b(x + eps) or, with `floor: 'clamp'`, g power log_b(max(x, eps)) (HiFi-GAN's
 *   `log(clamp(x, 1e-5))`, DAC's `clamp(eps).pow(p).log10()`). An object of kind `'log10'`, or
 *   with a `floor` or a `power`, is this form; below a clamp floor its gradient is 0, at the floor
 *   it passes (as torch's clamp).
 *
 * `weight` (default 1, >= 0) multiplies the compression's distance term.
 */
export type Compression =
  | LogCompression
  | CompressionKind
  | { kind: 'linear'; weight?: number }
  | { kind: 'log'; eps?: number; weight?: number }
  | { kind: 'log1p'; gamma?: number; weight?: number }
  | { kind: 'db'; eps?: number; weight?: number }
  | { kind: 'safeLog'; eps?: number; weight?: number };

/** How the per-scale losses are combined: `'sum'` (the formula) or `'mean'` over scales. */
export type ScaleReduction = 'sum' | 'mean';

/**
 * Every design axis of the multi-scale spectral loss
 * L(x, x^) = sum_N sum_p w_p d(p(|STFT_N(x^)|), p(|STFT_N(x)|)) [+ w_sc SC_N]
 * (Schwär & Müller, IEEE SPL 30, 2023). An option not given takes its value from
 * `mssPresets.standard`, except `hops` (default floor(N / 4)) and `windowLengths` (default: the sizes).
 */
export interface MssOptions extends PerceptualOptions {
  /**
   * The analysis window: a window kind of @losses/stft (periodic, as scipy's `fftbins=True`), or one
   * array per size, each of that size's window length. Default `'hann'`.
   */
  window?: WindowKind | readonly (FloatArray | readonly number[])[];
  /**
   * FFT sizes N in samples, each an integer from 2 to `MAX_FFT_SIZE` of @losses/stft (2^22).
   * Default [64, 128, 256, 512, 1024, 2048].
   */
  sizes?: readonly number[];
  /**
   * Window length per size (1..N); a shorter window is zero-padded to N, centred (as torch.stft).
   * Default: the sizes.
   */
  windowLengths?: readonly number[];
  /** Hop per size in samples (integers >= 1), as a list or a function of N. Default floor(N / 4). */
  hops?: readonly number[] | ((size: number) => number);
  /** Magnitude compressions, each with its weight. Default `['linear', { kind: 'log', eps: 1e-7 }]`. */
  compressions?: readonly Compression[];
  /**
   * Distance between compressed spectrograms: `'l1'` (|.|), `'l2sq'` ((.)^2) or `'l2'` (Frobenius
   * norm of the difference; root mean square with `reduction: 'mean'`). Default `'l1'`.
   *
   * Or `{ kind: 'wasserstein', p: 1 | 2, positions?, eps? }` (spectral optimal transport, Torres,
   * Peeters & Richard, ICASSP 2024): per frame W_p^p along frequency between the compressed frames
   * normalised to unit mass (sum + eps, eps default 1e-8), bins at `positions` (`'normalized'`,
   * k / (N / 2), default; `'bins'`, k; or `'log'`, log2(1 + f_k / breakHz) with f_k = k sr / N Hz
   * and `breakHz` default 100, which needs `sampleRate`); `reduction` then reduces over frames. Compressions must be
   * non-negative (`'linear'`, `'log1p'`). Computed by the JavaScript engine.
   */
  distance?: DistanceOption;
  /**
   * Weight of the spectral-convergence term ||Y - Y^||_F / ||Y||_F on the linear magnitudes of each
   * scale (Y the target's; Arik et al. 2018, as auraloss). Default 0 (no such term).
   */
  spectralConvergence?: number;
  /** Reduction of a scale's elementwise distances: `'mean'` (default) or `'sum'`. */
  reduction?: Reduction;
  /** Combination of the scales' losses: `'sum'` (default) or `'mean'`. */
  scaleReduction?: ScaleReduction;
  /**
   * Optional floor of the magnitude: |X| = sqrt(max(re^2 + im^2, magnitudeEps)) as auraloss's
   * `eps`. Without it (default), |X| is exact and its gradient at |X| = 0 is 0.
   */
  magnitudeEps?: number;
  /** Centred frames (torch.stft `center`). Default `false`. */
  center?: boolean;
  /** Padding of centred frames: `'reflect'` (default, torch) or `'constant'` (zeros). */
  padMode?: 'reflect' | 'constant';
  /**
   * Only with `center: false`: zero-pad at the end so that frames = ceil(T / hop), as
   * `tf.signal.stft(pad_end=True)`. Default `false`.
   */
  padEnd?: boolean;
}

/** The options of a loss after validation, with every default filled in (`loss.config`). */
export interface MssConfig {
  readonly window: WindowKind | readonly Float64Array[];
  readonly sizes: readonly number[];
  readonly windowLengths: readonly number[];
  readonly hops: readonly number[];
  readonly compressions: readonly ResolvedCompression[];
  readonly distance: ResolvedDistance;
  readonly spectralConvergence: number;
  readonly reduction: Reduction;
  readonly scaleReduction: ScaleReduction;
  readonly magnitudeEps: number | undefined;
  readonly center: boolean;
  readonly padMode: 'reflect' | 'constant';
  readonly padEnd: boolean;
  /**
   * Issue 14's options, validated (sample rate, scale and its filterbanks, magnitude form, padding,
   * A-weighting, stereo, random resolutions).
   */
  readonly perceptual: PerceptualConfig;
}

const WINDOW_KINDS: readonly WindowKind[] = [
  'rectangular',
  'hann',
  'hamming',
  'blackman',
  'flattop',
];
const COMPRESSION_KINDS: readonly CompressionKind[] = ['linear', 'log', 'log1p', 'db', 'safeLog'];
const OPTION_KEYS: readonly (keyof MssOptions)[] = [
  'window',
  'sizes',
  'windowLengths',
  'hops',
  'compressions',
  'distance',
  'spectralConvergence',
  'reduction',
  'scaleReduction',
  'magnitudeEps',
  'center',
  'padMode',
  'padEnd',
  ...PERCEPTUAL_KEYS,
];

const DEFAULT_SIZES = [64, 128, 256, 512, 1024, 2048];
const DEFAULT_COMPRESSIONS: readonly Compression[] = ['linear', { kind: 'log', eps: 1e-7 }];

function invalid(name: string, message: string): never {
  throw new LossInputError('INVALID_OPTION', `${name}: ${message}`, name);
}

function checkList(value: unknown, name: string): readonly unknown[] {
  if (!Array.isArray(value)) invalid(name, `expected an array, got ${show(value)}`);
  return value as readonly unknown[];
}

function resolveCompression(
  spec: unknown,
  name: string,
  magnitudeEps: number | undefined,
): ResolvedCompression {
  const obj: Record<string, unknown> =
    typeof spec === 'string'
      ? { kind: spec }
      : typeof spec === 'object' && spec !== null && !Array.isArray(spec)
        ? (spec as Record<string, unknown>)
        : invalid(
            name,
            `expected a compression name (${COMPRESSION_KINDS.map((k) => `'${k}'`).join(', ')}) or an object { kind, ... }, got ${show(spec)}`,
          );
  // --- issue 14: the logarithmic forms with a floor and a power ---
  if (obj.kind === 'log10' || 'floor' in obj || 'power' in obj) {
    const resolved = resolveLogCompression(obj as unknown as LogCompression, name);
    const { weight, ...form } = resolved;
    if (form.eps === 0 && !(magnitudeEps !== undefined && magnitudeEps > 0)) {
      invalid(
        `${name}.eps`,
        `eps = 0 takes the log of zero magnitudes; give eps > 0 or set magnitudeEps > 0`,
      );
    }
    return { kind: 'floorLog', form, weight };
  }
  // --- end issue 14 ---
  const kind = checkOneOf(obj.kind, `${name}.kind`, COMPRESSION_KINDS);
  const weight =
    obj.weight === undefined ? 1 : checkNumber(obj.weight, `${name}.weight`, { min: 0 });
  const epsOf = (fallback: number, allowZero: boolean): number => {
    const eps =
      obj.eps === undefined
        ? fallback
        : checkNumber(obj.eps, `${name}.eps`, { min: 0, minExclusive: !allowZero });
    if (eps === 0 && !(magnitudeEps !== undefined && magnitudeEps > 0)) {
      invalid(
        `${name}.eps`,
        `eps = 0 takes the log of zero magnitudes; give eps > 0 or set magnitudeEps > 0`,
      );
    }
    return eps;
  };
  switch (kind) {
    case 'linear':
      checkKeys(obj, name, ['kind', 'weight']);
      return { kind, weight };
    case 'log':
      checkKeys(obj, name, ['kind', 'eps', 'weight']);
      return { kind, eps: epsOf(1e-7, true), weight };
    case 'db':
      checkKeys(obj, name, ['kind', 'eps', 'weight']);
      return { kind, eps: epsOf(1e-7, true), weight };
    case 'safeLog':
      checkKeys(obj, name, ['kind', 'eps', 'weight']);
      return { kind, eps: epsOf(1e-5, false), weight };
    case 'log1p': {
      checkKeys(obj, name, ['kind', 'gamma', 'weight']);
      const gamma =
        obj.gamma === undefined
          ? 1
          : checkNumber(obj.gamma, `${name}.gamma`, { min: 0, minExclusive: true });
      return { kind, gamma, weight };
    }
  }
}

/**
 * Validates `options` and fills in the defaults.
 *
 * @throws LossInputError `INVALID_OPTION` (options or an option null, unknown option, size < 2,
 *   hop < 1, unknown compression or distance, negative weight or eps, a Wasserstein distance with
 *   a bad p, positions or eps or a compression that can be negative, ...), `EMPTY` (no sizes; no compression and no spectral
 *   convergence).
 */
export function resolveOptions(options: MssOptions | undefined): MssConfig {
  // The null rule of @losses/tensor: null never stands for the defaults (refused here, as an
  // option set to null is).
  checkKeys(options, 'options', OPTION_KEYS);
  const o: MssOptions = options ?? {};

  const sizes = checkList(o.sizes ?? DEFAULT_SIZES, 'options.sizes').map((s, i) => {
    const name = `options.sizes[${i}]`;
    // The limit first: sizes beyond 2^53 - 1 are refused for the limit too, not as inexact integers.
    const big = typeof s === 'number' && Number.isFinite(s) && s > MAX_FFT_SIZE;
    const n = big ? s : checkNumber(s, name, { integer: true, min: 2 });
    if (n > MAX_FFT_SIZE) {
      invalid(
        name,
        `expected at most ${MAX_FFT_SIZE} (MAX_FFT_SIZE of @losses/stft, 2^22), got ${n}`,
      );
    }
    return n;
  });
  if (sizes.length === 0) {
    throw new LossInputError(
      'EMPTY',
      'options.sizes: expected at least one FFT size, got []',
      'options.sizes',
    );
  }

  let windowLengths: number[];
  if (o.windowLengths === undefined) windowLengths = sizes.slice();
  else {
    const list = checkList(o.windowLengths, 'options.windowLengths');
    if (list.length !== sizes.length) {
      invalid(
        'options.windowLengths',
        `expected one window length per size (${sizes.length}), got ${list.length}`,
      );
    }
    windowLengths = list.map((w, i) =>
      checkNumber(w, `options.windowLengths[${i}]`, { integer: true, min: 1, max: sizes[i]! }),
    );
  }

  let hops: number[];
  if (o.hops === undefined) hops = sizes.map((n) => Math.floor(n / 4));
  else if (typeof o.hops === 'function') {
    const f = o.hops;
    hops = sizes.map((n) => checkNumber(f(n), `options.hops(${n})`, { integer: true, min: 1 }));
  } else {
    const list = checkList(o.hops, 'options.hops');
    if (list.length !== sizes.length) {
      invalid(
        'options.hops',
        `expected one hop per size (${sizes.length}) or a function of the size, got ${list.length} hops`,
      );
    }
    hops = list.map((h, i) => checkNumber(h, `options.hops[${i}]`, { integer: true, min: 1 }));
  }
  const tooSmall = hops.findIndex((h) => h < 1);
  if (tooSmall >= 0) {
    invalid(
      'options.hops',
      `size ${sizes[tooSmall]} gets hop ${hops[tooSmall]}; hops must be >= 1 (floor(N / 4) is 0 for N < 4: give hops explicitly)`,
    );
  }

  let window: WindowKind | Float64Array[];
  if (o.window === undefined || typeof o.window === 'string') {
    window = checkOneOf(o.window ?? 'hann', 'options.window', WINDOW_KINDS);
  } else {
    const list = checkList(o.window, 'options.window');
    if (list.length !== sizes.length) {
      invalid(
        'options.window',
        `expected a window kind (${WINDOW_KINDS.map((k) => `'${k}'`).join(', ')}) or one window array per size (${sizes.length}), got ${list.length} arrays`,
      );
    }
    window = list.map((w, i) => {
      const name = `options.window[${i}]`;
      if (!(Array.isArray(w) || w instanceof Float32Array || w instanceof Float64Array)) {
        invalid(name, `expected an array of numbers, got ${show(w)}`);
      }
      const arr = Float64Array.from(w as ArrayLike<number>);
      if (arr.length !== windowLengths[i]) {
        invalid(
          name,
          `expected the window length ${windowLengths[i]} of size ${sizes[i]}, got ${arr.length} samples`,
        );
      }
      const bad = arr.findIndex((v) => !Number.isFinite(v));
      if (bad >= 0) invalid(name, `sample ${bad} is ${arr[bad]}; only finite values are accepted`);
      return arr;
    });
  }

  const magnitudeEps =
    o.magnitudeEps === undefined
      ? undefined
      : checkNumber(o.magnitudeEps, 'options.magnitudeEps', { min: 0 });

  const compressions = checkList(
    o.compressions ?? DEFAULT_COMPRESSIONS,
    'options.compressions',
  ).map((c, i) => resolveCompression(c, `options.compressions[${i}]`, magnitudeEps));

  // --- issue 16: an elementwise kind or the Wasserstein distance (wasserstein-distance.ts) ---
  const distance = resolveDistance(o.distance, compressions);
  // --- end issue 16 ---
  const spectralConvergence =
    o.spectralConvergence === undefined
      ? 0
      : checkNumber(o.spectralConvergence, 'options.spectralConvergence', { min: 0 });
  if (compressions.length === 0 && spectralConvergence === 0) {
    throw new LossInputError(
      'EMPTY',
      'options.compressions: expected at least one compression (or a spectralConvergence weight > 0), got []',
      'options.compressions',
    );
  }
  const reduction = checkOneOf(o.reduction ?? 'mean', 'options.reduction', ['mean', 'sum']);
  const scaleReduction = checkOneOf(o.scaleReduction ?? 'sum', 'options.scaleReduction', [
    'sum',
    'mean',
  ]);
  const center = o.center === undefined ? false : checkBoolean(o.center, 'options.center');
  const padMode = checkOneOf(o.padMode ?? 'reflect', 'options.padMode', ['reflect', 'constant']);
  const padEnd = o.padEnd === undefined ? false : checkBoolean(o.padEnd, 'options.padEnd');
  if (padEnd && center) {
    invalid(
      'options.padEnd',
      'padEnd pads frames that are not centred; it needs center: false, got center: true',
    );
  }

  // --- issue 14 (perceptual scales) ---
  const perceptual = resolvePerceptualOptions(o, {
    sizes,
    hops,
    center,
    padEnd,
    compressions: compressions.map((c) =>
      c.kind === 'floorLog' ? { kind: c.form.kind, eps: c.form.eps } : c,
    ),
  });
  // --- end issue 14 ---
  // issue 16: positions 'log' need the sample rate and the STFT's bins (wasserstein-distance.ts)
  checkLogPositions(distance, perceptual.sampleRate, perceptual.scale !== undefined);

  return Object.freeze({
    window: typeof window === 'string' ? window : Object.freeze(window),
    sizes: Object.freeze(sizes),
    windowLengths: Object.freeze(windowLengths),
    hops: Object.freeze(hops),
    compressions: Object.freeze(compressions.map((c) => Object.freeze(c))),
    distance,
    spectralConvergence,
    reduction,
    scaleReduction,
    magnitudeEps,
    center,
    padMode,
    padEnd,
    perceptual: Object.freeze(perceptual),
  });
}

/** The STFT options of scale `s` of a validated configuration. */
export function stftOptionsOf(config: MssConfig, s: number): StftOptions {
  return {
    size: config.sizes[s]!,
    hop: config.hops[s]!,
    window: typeof config.window === 'string' ? config.window : config.window[s]!,
    windowLength: config.windowLengths[s]!,
    center: config.center,
    padMode: config.padMode,
    padEnd: config.padEnd,
  };
}
