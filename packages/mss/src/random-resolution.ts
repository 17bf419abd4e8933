/**
 * `randomResolution`: the resolutions drawn at random per call, as auraloss's
 * `RandomResolutionSTFTLoss` draws them (csteinmetz1/auraloss, `auraloss/freq.py`; Steinmetz &
 * Reiss, "auraloss: Audio-focused loss functions in PyTorch", DMRN+15, 2020), from a seeded
 * generator so that a run can be repeated:
 *
 * - FFT size 2^e with e uniform over the integers log2(minSize) .. log2(maxSize) - 1 (numpy's
 *   `randint(log2(min), log2(max))` excludes its upper end, so `maxSize` itself is never drawn);
 * - hop floor(size (minHop + u (maxHop - minHop))), u uniform in [0, 1);
 * - window length floor(size f), f drawn from `windowFractions` ([1, 0.5, 0.25]);
 * - window drawn from `windows` (auraloss: hann, bartlett, blackman, hamming, kaiser, each as
 *   torch's `*_window(length)`, periodic; kaiser with torch's default beta 12);
 * - a new draw every `randomizeRate` calls (auraloss: when `nforwards % randomize_rate == 0`, so
 *   also on the first call).
 *
 * auraloss draws with numpy's global generator; this one is mulberry32 (the repository's seeded
 * generator), so the same seed gives the same resolutions on every platform, not numpy's.
 */
import { checkKeys, checkNumber, LossInputError, show } from '@losses/tensor';
import { mulberry32 } from '@losses/tensor/internal';

/** The windows auraloss's `RandomResolutionSTFTLoss` draws from (torch's window functions). */
export type RandomWindowKind = 'hann' | 'bartlett' | 'blackman' | 'hamming' | 'kaiser';

const WINDOW_KINDS: readonly RandomWindowKind[] = [
  'hann',
  'bartlett',
  'blackman',
  'hamming',
  'kaiser',
];

/** Options of `randomResolution` (defaults: auraloss's `RandomResolutionSTFTLoss()`). */
export interface RandomResolutionOptions {
  /** Resolutions per call. Default 3. */
  resolutions?: number;
  /** Smallest FFT size, a power of two >= 2. Default 16. */
  minSize?: number;
  /** FFT sizes are below this power of two (it is never drawn). Default 32768. */
  maxSize?: number;
  /** Smallest hop as a fraction of the size, > 0 (minSize * minHop >= 1). Default 0.1. */
  minHop?: number;
  /** Largest hop as a fraction of the size, minHop..1. Default 1. */
  maxHop?: number;
  /** Windows to draw from. Default all five. */
  windows?: readonly RandomWindowKind[];
  /** Window lengths to draw from, as fractions of the size in (0, 1]. Default [1, 0.5, 0.25]. */
  windowFractions?: readonly number[];
  /** Calls between draws (auraloss's `randomize_rate`). Default 1 (a new draw every call). */
  randomizeRate?: number;
  /** Seed of the generator (an integer 0 .. 2^32 - 1). Default 0. */
  seed?: number;
}

/** Validated {@link RandomResolutionOptions}, every default filled in. */
export interface ResolvedRandomResolution {
  readonly resolutions: number;
  readonly minSize: number;
  readonly maxSize: number;
  readonly minHop: number;
  readonly maxHop: number;
  readonly windows: readonly RandomWindowKind[];
  readonly windowFractions: readonly number[];
  readonly randomizeRate: number;
  readonly seed: number;
}

/** One drawn resolution. */
export interface Resolution {
  /** FFT size N (a power of two). */
  readonly size: number;
  /** Hop in samples (>= 1). */
  readonly hop: number;
  /** Window length (1..N); the window is zero-padded and centred in the frame, as torch.stft. */
  readonly windowLength: number;
  /** The window kind (see {@link torchWindow}). */
  readonly window: RandomWindowKind;
}

function isPowerOfTwo(n: number): boolean {
  return Number.isInteger(n) && n >= 1 && (n & (n - 1)) === 0;
}

/**
 * Validates `randomResolution`.
 *
 * @throws LossInputError `INVALID_OPTION` naming the field (`randomResolution.<field>`).
 */
export function resolveRandomResolution(
  options: unknown,
  name = 'randomResolution',
): ResolvedRandomResolution {
  if (typeof options !== 'object' || options === null || Array.isArray(options)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected an options object ({} for auraloss's defaults), got ${show(options)}`,
      name,
    );
  }
  checkKeys(options, name, [
    'resolutions',
    'minSize',
    'maxSize',
    'minHop',
    'maxHop',
    'windows',
    'windowFractions',
    'randomizeRate',
    'seed',
  ]);
  const o = options as RandomResolutionOptions;
  const resolutions = checkNumber(o.resolutions ?? 3, `${name}.resolutions`, {
    integer: true,
    min: 1,
    max: 64,
  });
  const powerOfTwo = (v: unknown, n: string, min: number): number => {
    const x = checkNumber(v, n, { integer: true, min, max: 2 ** 24 });
    if (!isPowerOfTwo(x)) {
      throw new LossInputError('INVALID_OPTION', `${n}: expected a power of two, got ${x}`, n);
    }
    return x;
  };
  const minSize = powerOfTwo(o.minSize ?? 16, `${name}.minSize`, 2);
  const maxSize = powerOfTwo(o.maxSize ?? 32768, `${name}.maxSize`, 4);
  if (maxSize <= minSize) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.maxSize: expected more than minSize = ${minSize} (sizes are drawn below maxSize), got ${maxSize}`,
      `${name}.maxSize`,
    );
  }
  const minHop = checkNumber(o.minHop ?? 0.1, `${name}.minHop`, {
    min: 0,
    minExclusive: true,
    max: 1,
  });
  if (Math.floor(minSize * minHop) < 1) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.minHop: a hop of floor(minSize * minHop) = floor(${minSize} * ${minHop}) = 0 samples could be drawn; expected minSize * minHop >= 1`,
      `${name}.minHop`,
    );
  }
  const maxHop = checkNumber(o.maxHop ?? 1, `${name}.maxHop`, { min: minHop, max: 1 });
  const windows = o.windows ?? WINDOW_KINDS;
  if (!Array.isArray(windows) || windows.length === 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.windows: expected a non-empty list of ${WINDOW_KINDS.map((k) => `'${k}'`).join(', ')}, got ${show(windows)}`,
      `${name}.windows`,
    );
  }
  windows.forEach((w, i) => {
    if (!WINDOW_KINDS.includes(w)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}.windows[${i}]: expected one of ${WINDOW_KINDS.map((k) => `'${k}'`).join(', ')}, got ${show(w)}`,
        `${name}.windows[${i}]`,
      );
    }
  });
  const windowFractions = o.windowFractions ?? [1, 0.5, 0.25];
  if (!Array.isArray(windowFractions) || windowFractions.length === 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.windowFractions: expected a non-empty list of fractions in (0, 1], got ${show(windowFractions)}`,
      `${name}.windowFractions`,
    );
  }
  windowFractions.forEach((f, i) => {
    const n = `${name}.windowFractions[${i}]`;
    checkNumber(f, n, { min: 0, minExclusive: true, max: 1 });
    if (Math.floor(minSize * f) < 1) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${n}: a window of floor(minSize * ${f}) = 0 samples could be drawn; expected minSize * fraction >= 1`,
        n,
      );
    }
  });
  const randomizeRate = checkNumber(o.randomizeRate ?? 1, `${name}.randomizeRate`, {
    integer: true,
    min: 1,
  });
  const seed = checkNumber(o.seed ?? 0, `${name}.seed`, {
    integer: true,
    min: 0,
    max: 2 ** 32 - 1,
  });
  return {
    resolutions,
    minSize,
    maxSize,
    minHop,
    maxHop,
    windows: [...windows],
    windowFractions: [...windowFractions],
    randomizeRate,
    seed,
  };
}

/** Every FFT size a draw can give: minSize, 2 minSize, ..., maxSize / 2. */
export function candidateSizes(r: ResolvedRandomResolution): number[] {
  const out: number[] = [];
  for (let n = r.minSize; n < r.maxSize; n *= 2) out.push(n);
  return out;
}

/** A uniform integer in [0, n) from a uniform number in [0, 1). */
function below(uniform: () => number, n: number): number {
  return Math.floor(uniform() * n);
}

/** Draws one set of resolutions (auraloss's `randomize_losses`). */
export function drawResolutions(r: ResolvedRandomResolution, uniform: () => number): Resolution[] {
  const lo = Math.log2(r.minSize);
  const hi = Math.log2(r.maxSize);
  const out: Resolution[] = [];
  for (let i = 0; i < r.resolutions; i++) {
    const size = 2 ** (lo + below(uniform, hi - lo));
    const hop = Math.floor(size * (r.minHop + uniform() * (r.maxHop - r.minHop)));
    const windowLength = Math.floor(
      size * r.windowFractions[below(uniform, r.windowFractions.length)]!,
    );
    const window = r.windows[below(uniform, r.windows.length)]!;
    out.push({ size, hop, windowLength, window });
  }
  return out;
}

/**
 * The resolutions of successive calls: `next()` returns the set for the next call, drawn anew every
 * `randomizeRate` calls (on calls 0, rate, 2 rate, ...). Two schedules made from the same options
 * give the same sequence.
 */
export class ResolutionSchedule {
  private readonly uniform: () => number;
  private calls = 0;
  private current: Resolution[] = [];

  constructor(readonly options: ResolvedRandomResolution) {
    this.uniform = mulberry32(options.seed);
  }

  /** The resolutions for the next call. */
  next(): readonly Resolution[] {
    if (this.calls % this.options.randomizeRate === 0) {
      this.current = drawResolutions(this.options, this.uniform);
    }
    this.calls++;
    return this.current;
  }
}

/**
 * The modified Bessel function of the first kind of order 0, by its power series
 * sum_k ((x / 2)^2)^k / (k!)^2 (all terms positive; for |x| <= 700 it converges to rounding).
 */
export function besselI0(x: number): number {
  const q = (x * x) / 4;
  let term = 1;
  let sum = 1;
  for (let k = 1; k < 1000; k++) {
    term *= q / (k * k);
    sum += term;
    if (term < sum * 1e-17) break;
  }
  return sum;
}

/**
 * torch's periodic window functions (`torch.<kind>_window(length)`, as auraloss's `get_window`
 * calls them), in float64, written as torch computes them (ATen `TensorFactories.cpp`): periodic
 * windows are the symmetric ones of length + 1 without their last point.
 * - hann / hamming: alpha - beta cos(2 pi n / (M - 1)), (0.5, 0.5) / (0.54, 0.46);
 * - blackman: 0.08 cos(4 w) - 0.5 cos(2 w) + 0.42, w = pi n / (M - 1);
 * - bartlett: 2 n / (M - 1) on the first half, 2 - 2 n / (M - 1) after;
 * - kaiser (beta 12): I0(beta sqrt(1 - ((n - a) / a)^2)) / I0(beta), a = (M - 1) / 2.
 * A window of length 1 is [1].
 */
export function torchWindow(kind: RandomWindowKind, length: number): Float64Array {
  const out = new Float64Array(length);
  if (length === 1) {
    out[0] = 1;
    return out;
  }
  const M = length + 1;
  switch (kind) {
    case 'hann':
    case 'hamming': {
      const [alpha, beta] = kind === 'hann' ? [0.5, 0.5] : [0.54, 0.46];
      const step = (2 * Math.PI) / (M - 1);
      for (let n = 0; n < length; n++) out[n] = Math.cos(n * step) * -beta + alpha;
      return out;
    }
    case 'blackman': {
      const step = Math.PI / (M - 1);
      for (let n = 0; n < length; n++) {
        const w = n * step;
        out[n] = 0.08 * Math.cos(4 * w) - 0.5 * Math.cos(2 * w) + 0.42;
      }
      return out;
    }
    case 'bartlett': {
      const step = 2 / (M - 1);
      const firstHalf = ((M - 1) >> 1) + 1;
      for (let n = 0; n < length; n++) {
        const v = n * step;
        out[n] = n < firstHalf ? v : 2 - v;
      }
      return out;
    }
    case 'kaiser': {
      const beta = 12;
      const a = (M - 1) / 2;
      const norm = besselI0(beta);
      for (let n = 0; n < length; n++) {
        const r = (n - a) / a;
        out[n] = besselI0(beta * Math.sqrt(1 - r * r)) / norm;
      }
      return out;
    }
  }
}
