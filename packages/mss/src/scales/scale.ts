/**
 * The `scale` option of the multi-scale spectral loss: what multiplies each resolution's
 * magnitude spectrogram before the compressions (a mel, chroma or user filterbank), its
 * validation, and the filterbank of each resolution.
 */
import type { TensorLike } from '@losses/tensor';
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
  toTensor,
} from '@losses/tensor';
import { chromaFilterbank } from './chroma.js';
import { emptyBands, type Filterbank, filterbankFromRows, isEmptyBand } from './filterbank.js';
import { type MelScaleKind, melEdges, melFilterbank } from './mel.js';

/**
 * A mel filterbank per resolution, with the semantics of `librosa.filters.mel` (identical to
 * `torchaudio.functional.melscale_fbanks(..., norm='slaney', mel_scale='slaney')` up to the
 * transpose, for even FFT sizes and sample rates).
 */
export interface MelScaleOption {
  kind: 'mel';
  /** Number of mel bands: one number, or one per resolution (DAC uses one per scale). */
  bands: number | readonly number[];
  /** Lowest frequency in Hz, >= 0: one number or one per resolution. Default 0. */
  fmin?: number | readonly number[];
  /** Highest frequency in Hz, <= sampleRate / 2: one number or one per resolution. Default sampleRate / 2. */
  fmax?: number | readonly number[];
  /** `'slaney'` (default, librosa's htk=False) or `'htk'` (2595 log10(1 + f / 700)). */
  melScale?: MelScaleKind;
  /** `'slaney'` (default): each band scaled by 2 / its width in Hz; `null`: triangles of peak 1. */
  norm?: 'slaney' | null;
}

/** A chroma filterbank per resolution, with the semantics of `librosa.filters.chroma`. */
export interface ChromaScaleOption {
  kind: 'chroma';
  /** Number of chroma bins (librosa's `n_chroma`). Default 12. */
  bands?: number;
  /** Tuning deviation from A440 in fractions of a chroma bin. Default 0. */
  tuning?: number;
  /** Centre of the octave weighting, in octaves above A0 = 27.5 Hz. Default 5. */
  ctroct?: number;
  /** Half-width of the octave weighting in octaves (> 0); `null` weighs all octaves alike. Default 2. */
  octwidth?: number | null;
  /** Column norm: p > 0 (Infinity: the largest weight) or `null` (none). Default 2. */
  norm?: number | null;
  /** The first chroma bin is C (true, default) or A (false). */
  baseC?: boolean;
}

/** A user filterbank per resolution: `matrices[s]` has shape [bands, N_s/2 + 1], weights >= 0. */
export interface MatrixScaleOption {
  kind: 'matrix';
  /** One non-negative matrix [bands, N/2 + 1] per resolution (any number of bands >= 1). */
  matrices: readonly TensorLike[];
}

/** What multiplies each resolution's magnitude spectrogram before the compressions. */
export type ScaleOption = MelScaleOption | ChromaScaleOption | MatrixScaleOption;

/** A validated `scale` (sizes not yet known: see {@link scaleFilterbank}). */
export type ResolvedScale =
  | {
      readonly kind: 'mel';
      readonly sampleRate: number;
      /** Per resolution, or one value for every resolution (length 1). */
      readonly bands: readonly number[];
      readonly fmin: readonly number[];
      readonly fmax: readonly number[];
      readonly melScale: MelScaleKind;
      readonly norm: 'slaney' | null;
    }
  | {
      readonly kind: 'chroma';
      readonly sampleRate: number;
      readonly bands: number;
      readonly tuning: number;
      readonly ctroct: number;
      readonly octwidth: number | null;
      readonly norm: number | null;
      readonly baseC: boolean;
    }
  | { readonly kind: 'matrix'; readonly matrices: readonly Filterbank[] };

function needsRate(sampleRate: number | undefined, kind: string): number {
  if (sampleRate === undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `sampleRate: the ${kind} scale needs the sample rate in Hz (options.sampleRate); expected a number > 0, got undefined`,
      'sampleRate',
    );
  }
  return sampleRate;
}

/**
 * One value per resolution from a number or a list: a list must have one entry per resolution
 * and is refused when the resolutions are drawn per call (`resolutions` undefined).
 */
function perResolution(
  value: number | readonly number[],
  name: string,
  resolutions: number | undefined,
  check: (v: unknown, name: string) => number,
): number[] {
  if (typeof value === 'number' || !Array.isArray(value)) return [check(value, name)];
  if (resolutions === undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: the resolutions are drawn per call (randomResolution), so expected one number for all of them, got ${show(value)}`,
      name,
    );
  }
  if (value.length !== resolutions) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected a number or one per resolution (${resolutions}), got a list of ${value.length}`,
      name,
    );
  }
  return value.map((v, s) => check(v, `${name}[${s}]`));
}

/** The value of a per-resolution list at resolution s (a single value serves every resolution). */
function at(list: readonly number[], s: number): number {
  return list.length === 1 ? list[0]! : list[s]!;
}

/** `o` without the keys whose `null` has a meaning (so that checkKeys's null rule spares them). */
function withoutNulls(o: object, keys: readonly string[]): object {
  const copy: Record<string, unknown> = { ...o };
  for (const k of keys) if (copy[k] === null) delete copy[k];
  return copy;
}

/**
 * Validates a `scale` option (everything that does not depend on the FFT sizes).
 *
 * @param sampleRate The loss's `sampleRate` (Hz), validated by the caller; mel and chroma need it.
 * @param resolutions The number of resolutions, or undefined when they are drawn per call.
 * @throws LossInputError `INVALID_OPTION` for a bad field (named `scale.<field>`), a mel or chroma
 *   scale without `sampleRate`, fmax > sampleRate / 2, fmin >= fmax, negative weights; the codes of
 *   `toTensor` for a matrix that is not a finite rank-2 tensor.
 */
export function resolveScale(
  option: unknown,
  sampleRate: number | undefined,
  resolutions: number | undefined,
  name = 'scale',
): ResolvedScale {
  if (typeof option !== 'object' || option === null || Array.isArray(option)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected { kind: 'mel' | 'chroma' | 'matrix', ... }, got ${show(option)}`,
      name,
    );
  }
  const kind = checkOneOf((option as { kind?: unknown }).kind, `${name}.kind`, [
    'mel',
    'chroma',
    'matrix',
  ] as const);
  if (kind === 'mel') {
    const o = option as MelScaleOption;
    checkKeys(withoutNulls(o, ['norm']), name, [
      'kind',
      'bands',
      'fmin',
      'fmax',
      'melScale',
      'norm',
    ]);
    const rate = needsRate(sampleRate, 'mel');
    const nyquist = rate / 2;
    if (o.bands === undefined) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}.bands: the mel scale needs its number of bands (an integer >= 1, or one per resolution), got undefined`,
        `${name}.bands`,
      );
    }
    const bands = perResolution(o.bands, `${name}.bands`, resolutions, (v, n) =>
      checkNumber(v, n, { integer: true, min: 1 }),
    );
    const fmax = perResolution(o.fmax ?? nyquist, `${name}.fmax`, resolutions, (v, n) => {
      const f = checkNumber(v, n, { min: 0, minExclusive: true });
      if (f > nyquist) {
        throw new LossInputError(
          'INVALID_OPTION',
          `${n}: expected at most sampleRate / 2 = ${nyquist} Hz, got ${f}`,
          n,
        );
      }
      return f;
    });
    const fmin = perResolution(o.fmin ?? 0, `${name}.fmin`, resolutions, (v, n) =>
      checkNumber(v, n, { min: 0 }),
    );
    const count = Math.max(fmin.length, fmax.length);
    for (let s = 0; s < count; s++) {
      if (at(fmin, s) >= at(fmax, s)) {
        const n = fmin.length > 1 ? `${name}.fmin[${s}]` : `${name}.fmin`;
        throw new LossInputError(
          'INVALID_OPTION',
          `${n}: expected less than ${name}.fmax${fmax.length > 1 ? `[${s}]` : ''} = ${at(fmax, s)} Hz, got ${at(fmin, s)}`,
          n,
        );
      }
    }
    const melScale = checkOneOf(o.melScale ?? 'slaney', `${name}.melScale`, [
      'slaney',
      'htk',
    ] as const);
    let norm: 'slaney' | null = 'slaney';
    if (o.norm === null) norm = null;
    else if (o.norm !== undefined) norm = checkOneOf(o.norm, `${name}.norm`, ['slaney'] as const);
    return { kind, sampleRate: rate, bands, fmin, fmax, melScale, norm };
  }
  if (kind === 'chroma') {
    const o = option as ChromaScaleOption;
    checkKeys(withoutNulls(o, ['norm', 'octwidth']), name, [
      'kind',
      'bands',
      'tuning',
      'ctroct',
      'octwidth',
      'norm',
      'baseC',
    ]);
    const rate = needsRate(sampleRate, 'chroma');
    const bands = checkNumber(o.bands ?? 12, `${name}.bands`, { integer: true, min: 1 });
    const tuning = checkNumber(o.tuning ?? 0, `${name}.tuning`);
    const ctroct = checkNumber(o.ctroct ?? 5, `${name}.ctroct`);
    const octwidth =
      o.octwidth === null
        ? null
        : checkNumber(o.octwidth ?? 2, `${name}.octwidth`, { min: 0, minExclusive: true });
    let norm: number | null = 2;
    if (o.norm === null) norm = null;
    else if (o.norm !== undefined) {
      norm =
        o.norm === Number.POSITIVE_INFINITY
          ? o.norm
          : checkNumber(o.norm, `${name}.norm`, { min: 0, minExclusive: true });
    }
    const baseC = o.baseC === undefined ? true : checkBoolean(o.baseC, `${name}.baseC`);
    return { kind, sampleRate: rate, bands, tuning, ctroct, octwidth, norm, baseC };
  }
  const o = option as MatrixScaleOption;
  checkKeys(o, name, ['kind', 'matrices']);
  if (resolutions === undefined) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.matrices: the resolutions are drawn per call (randomResolution), so a matrix per resolution cannot be given; use a mel or chroma scale`,
      `${name}.matrices`,
    );
  }
  if (!Array.isArray(o.matrices) || o.matrices.length !== resolutions) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.matrices: expected one matrix [bands, N/2 + 1] per resolution (${resolutions}), got ${Array.isArray(o.matrices) ? `a list of ${o.matrices.length}` : show(o.matrices)}`,
      `${name}.matrices`,
    );
  }
  const matrices = o.matrices.map((m, s) => matrixFilterbank(m, `${name}.matrices[${s}]`));
  return { kind, matrices };
}

/**
 * A user matrix [bands, bins] as a filterbank: finite, every weight >= 0, no all-zero band.
 *
 * @throws LossInputError `INVALID_OPTION` for a negative weight (named with its position) or a band
 *   without a nonzero weight; `toTensor`'s codes for a matrix that is not a finite rank-2 tensor.
 */
export function matrixFilterbank(matrix: TensorLike, name: string): Filterbank {
  const t = toTensor(matrix, { name, rank: 2 });
  const [bands, bins] = t.shape as [number, number];
  const d = t.data;
  for (let i = 0; i < d.length; i++) {
    if (d[i]! < 0) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: expected weights >= 0 (a negative weight could make a band's magnitude negative), got ${d[i]} at [${Math.floor(i / bins)}, ${i % bins}]`,
        name,
      );
    }
  }
  const rows = Array.from({ length: bands }, (_, b) => d.subarray(b * bins, (b + 1) * bins));
  const fb = filterbankFromRows(rows, bins);
  const empty = emptyBands(fb);
  if (empty.count > 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: band ${empty.first} (row ${empty.first} of ${bands}) has no nonzero weight${empty.count > 1 ? ` (${empty.count} such bands)` : ''}; every band must receive some bin`,
      name,
    );
  }
  return fb;
}

/**
 * The filterbank of resolution `s` (FFT size `size`) of a validated scale, with the checks that
 * depend on the size; `s = 'drawn'` for a size that random resolutions can draw (messages say so).
 *
 * @throws LossInputError `INVALID_OPTION` for more bands than bins (naming the resolution), a mel
 *   band that receives no bin (naming the band and its frequencies) where librosa warns "Empty
 *   filters detected in mel frequency basis", i.e. except a first band whose lower edge is 0 Hz;
 *   `SHAPE_MISMATCH` for a matrix whose bins are not N/2 + 1.
 */
export function scaleFilterbank(
  scale: ResolvedScale,
  s: number | 'drawn',
  size: number,
  name = 'scale',
): Filterbank {
  const bins = Math.floor(size / 2) + 1;
  const where =
    s === 'drawn'
      ? `at FFT size ${size} (a size randomResolution can draw)`
      : `at FFT size ${size} (resolution ${s})`;
  const r = s === 'drawn' ? 0 : s;
  if (scale.kind === 'matrix') {
    const fb = scale.matrices[r]!;
    if (fb.bins !== bins) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${name}.matrices[${r}]: expected [bands, ${bins}] (N/2 + 1 bins ${where}), got [${fb.bands}, ${fb.bins}]`,
        `${name}.matrices[${r}]`,
      );
    }
    return fb;
  }
  const bands = scale.kind === 'mel' ? at(scale.bands, r) : scale.bands;
  if (bands > bins) {
    const n =
      scale.kind === 'mel' && scale.bands.length > 1 ? `${name}.bands[${r}]` : `${name}.bands`;
    throw new LossInputError(
      'INVALID_OPTION',
      `${n}: ${bands} ${scale.kind} bands ${where}, which has only ${bins} frequency bins (N/2 + 1); expected at most ${bins}`,
      n,
    );
  }
  if (scale.kind === 'chroma') {
    const fb = chromaFilterbank({ ...scale, size });
    const empty = emptyBands(fb);
    if (empty.count > 0) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: chroma band ${empty.first} of ${bands} has no nonzero weight ${where} (its octave weighting underflows); widen octwidth or move ctroct`,
        name,
      );
    }
    return fb;
  }
  const spec = {
    sampleRate: scale.sampleRate,
    size,
    bands,
    fmin: at(scale.fmin, r),
    fmax: at(scale.fmax, r),
    melScale: scale.melScale,
    norm: scale.norm,
  };
  const edges = melEdges(spec);
  for (let i = 0; i + 1 < edges.length; i++) {
    if (!(edges[i + 1]! > edges[i]!)) {
      throw new LossInputError(
        'INVALID_OPTION',
        `${name}: mel points ${i} and ${i + 1} coincide (${edges[i]} Hz) ${where}: ${bands} bands between fmin = ${spec.fmin} and fmax = ${spec.fmax} Hz are too many`,
        name,
      );
    }
  }
  const fb = melFilterbank(spec);
  // librosa warns when a band is empty unless its lower edge is 0 Hz (`mel_f[:-2] == 0`): with
  // fmin = 0 the first band may be empty without a warning (DAC's 5 bands at N = 32 and 48 kHz).
  // Such a band is 0 for every signal; the caller refuses it under a compression log(x + 0).
  for (let b = 0; b < fb.bands; b++) {
    if (edges[b] === 0 || !isEmptyBand(fb, b)) continue;
    const spacing = scale.sampleRate / size;
    const empty = emptyBands(fb).count - (edges[0] === 0 && isEmptyBand(fb, 0) ? 1 : 0);
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: mel band ${b} (of ${bands}, ${fmtHz(edges[b]!)} to ${fmtHz(edges[b + 2]!)} Hz) receives no frequency bin ${where}, bins every ${fmtHz(spacing)} Hz${empty > 1 ? `; ${empty} bands are empty` : ''}. This is the empty mel filter librosa warns about ("Empty filters detected in mel frequency basis"): use fewer bands, a larger FFT size or a wider fmin..fmax`,
      name,
    );
  }
  return fb;
}

function fmtHz(f: number): string {
  return Number.isInteger(f) ? String(f) : f.toFixed(2);
}

/**
 * Validates a `scale` option and builds the filterbank of every resolution (FFT sizes `sizes`).
 *
 * @throws LossInputError as {@link resolveScale} and {@link scaleFilterbank}.
 */
export function planScale(
  option: ScaleOption,
  sampleRate: number | undefined,
  sizes: readonly number[],
  name = 'scale',
): Filterbank[] {
  const scale = resolveScale(option, sampleRate, sizes.length, name);
  return sizes.map((size, s) => scaleFilterbank(scale, s, size, name));
}
