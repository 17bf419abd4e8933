/**
 * Filterbanks stored as band ranges: band b covers the bins start_b .. start_b + length_b - 1 with
 * its weights there, and is zero elsewhere. A mel band touches a few bins, so applying the
 * filterbank costs the number of nonzero weights per frame instead of bands x bins.
 *
 * With magnitudes M [frames, bins] and the filterbank W [bands, bins], the scaled spectrogram is
 * S = M W^T [frames, bands] (librosa / torchaudio apply W to each frame's column of bins); the
 * gradient goes back through the transpose: dL/dM = (dL/dS) W.
 */

/** A filterbank [bands, bins] as band ranges (each band: its first bin and its weights). */
export interface Filterbank {
  /** Number of bands (rows). */
  readonly bands: number;
  /** Number of frequency bins (columns): N/2 + 1 for FFT size N. */
  readonly bins: number;
  /** First bin of each band's range. */
  readonly starts: Int32Array;
  /** Band b's weights are weights[offsets[b] .. offsets[b + 1] - 1] (bands + 1 entries). */
  readonly offsets: Int32Array;
  /** The weights of every band's range, band after band. */
  readonly weights: Float64Array;
}

/**
 * Builds a filterbank band by band: `fillRow(b, row)` writes band b's `bins` weights into `row`
 * (zeroed before each call); each row is trimmed to the span from its first to its last nonzero
 * weight (an all-zero row keeps an empty range at bin 0). Only one dense row is held at a time.
 */
export function buildFilterbank(
  bands: number,
  bins: number,
  fillRow: (band: number, row: Float64Array) => void,
): Filterbank {
  const starts = new Int32Array(bands);
  const offsets = new Int32Array(bands + 1);
  const row = new Float64Array(bins);
  let weights = new Float64Array(Math.max(16, 4 * bands));
  let total = 0;
  for (let b = 0; b < bands; b++) {
    row.fill(0);
    fillRow(b, row);
    let first = 0;
    while (first < bins && row[first] === 0) first++;
    let last = bins - 1;
    while (last >= first && row[last] === 0) last--;
    const length = first > last ? 0 : last + 1 - first;
    starts[b] = length === 0 ? 0 : first;
    offsets[b] = total;
    if (total + length > weights.length) {
      const grown = new Float64Array(Math.max(2 * weights.length, total + length));
      grown.set(weights.subarray(0, total));
      weights = grown;
    }
    for (let j = 0; j < length; j++) weights[total + j] = row[first + j]!;
    total += length;
  }
  offsets[bands] = total;
  return { bands, bins, starts, offsets, weights: weights.slice(0, total) };
}

/** The band ranges of a dense filterbank given row by row (`bands` rows of `bins` weights). */
export function filterbankFromRows(rows: readonly ArrayLike<number>[], bins: number): Filterbank {
  return buildFilterbank(rows.length, bins, (b, row) => {
    const r = rows[b]!;
    for (let k = 0; k < bins; k++) row[k] = r[k]!;
  });
}

/** The dense matrix [bands, bins], row-major (for tests and plots). */
export function denseFilterbank(fb: Filterbank): Float64Array {
  const out = new Float64Array(fb.bands * fb.bins);
  for (let b = 0; b < fb.bands; b++) {
    const off = fb.offsets[b]!;
    const n = fb.offsets[b + 1]! - off;
    const row = b * fb.bins + fb.starts[b]!;
    for (let j = 0; j < n; j++) out[row + j] = fb.weights[off + j]!;
  }
  return out;
}

/** True when band b has no nonzero weight. */
export function isEmptyBand(fb: Filterbank, b: number): boolean {
  for (let i = fb.offsets[b]!; i < fb.offsets[b + 1]!; i++) if (fb.weights[i] !== 0) return false;
  return true;
}

/** The number of bands that have no nonzero weight, and the first of them (-1 when none). */
export function emptyBands(fb: Filterbank): { count: number; first: number } {
  let count = 0;
  let first = -1;
  for (let b = 0; b < fb.bands; b++) {
    if (!isEmptyBand(fb, b)) continue;
    count++;
    if (first < 0) first = b;
  }
  return { count, first };
}

/**
 * S = M W^T: `mag` holds `frames` rows of `fb.bins` magnitudes from `magOffset`, `out` receives
 * `frames` rows of `fb.bands` values from `outOffset`. Sums in float64, in bin order.
 */
export function applyFilterbank(
  fb: Filterbank,
  mag: ArrayLike<number>,
  magOffset: number,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const { bands, bins, starts, offsets, weights } = fb;
  for (let f = 0; f < frames; f++) {
    const m0 = magOffset + f * bins;
    const o0 = outOffset + f * bands;
    for (let b = 0; b < bands; b++) {
      const off = offsets[b]!;
      const n = offsets[b + 1]! - off;
      const m = m0 + starts[b]!;
      let s = 0;
      for (let j = 0; j < n; j++) s += weights[off + j]! * mag[m + j]!;
      out[o0 + b] = s;
    }
  }
}

/**
 * The adjoint (transpose) of {@link applyFilterbank}: dM = dS W, i.e.
 * dM[f, k] = sum_b dS[f, b] W[b, k]. `grad` holds `frames` rows of `fb.bands` values from
 * `gradOffset`; `out` receives `frames` rows of `fb.bins` values from `outOffset`, overwritten
 * (bins no band touches get 0).
 */
export function applyFilterbankTranspose(
  fb: Filterbank,
  grad: ArrayLike<number>,
  gradOffset: number,
  frames: number,
  out: Float64Array,
  outOffset: number,
): void {
  const { bands, bins, starts, offsets, weights } = fb;
  out.fill(0, outOffset, outOffset + frames * bins);
  for (let f = 0; f < frames; f++) {
    const g0 = gradOffset + f * bands;
    const o0 = outOffset + f * bins;
    for (let b = 0; b < bands; b++) {
      const g = grad[g0 + b]!;
      if (g === 0) continue;
      const off = offsets[b]!;
      const n = offsets[b + 1]! - off;
      const o = o0 + starts[b]!;
      for (let j = 0; j < n; j++) out[o + j]! += g * weights[off + j]!;
    }
  }
}
