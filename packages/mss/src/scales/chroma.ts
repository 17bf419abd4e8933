/**
 * The chroma filterbank with the semantics of `librosa.filters.chroma` (librosa/librosa,
 * `librosa/filters.py`, after Dan Ellis's `fft2chromamx.m`; the current main and 0.10), computed in
 * float64 (librosa stores float32 by default):
 *
 * 1. the frequencies of bins 1..N-1, f_k = k sr / N (numpy's `linspace(0, sr, N, endpoint=False)`),
 *    in chroma bins: c_k = n_chroma log2(f_k / (A440 / 16)), A440 = 440 2^(tuning / n_chroma);
 *    bin 0 gets c_1 - 1.5 n_chroma (1.5 octaves below bin 1);
 * 2. bin widths w_k = max(c_{k+1} - c_k, 1), and 1 for the last bin;
 * 3. D[c, k] = ((c_k - c + round(n_chroma / 2) + 10 n_chroma) mod n_chroma) - round(n_chroma / 2)
 *    (numpy's round half to even, floored modulo), the weight exp(-0.5 (2 D / w_k)^2);
 * 4. each column normalised by its `norm` (2 by default; columns of norm below the smallest normal
 *    float64 are left as they are, `librosa.util.normalize`);
 * 5. with `octwidth`, each column times exp(-0.5 ((c_k / n_chroma - ctroct) / octwidth)^2) (a
 *    Gaussian over octaves centred on `ctroct`, in octaves above A0 = 27.5 Hz);
 * 6. with `baseC`, the rows rolled so that the first is C: row c becomes row c + 3 (n_chroma // 12);
 * 7. the first N/2 + 1 columns kept.
 */
import { buildFilterbank, type Filterbank } from './filterbank.js';

/** A chroma filterbank's parameters, validated (see {@link chromaFilterbank}). */
export interface ChromaFilterbankSpec {
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** FFT size N: the filterbank has N/2 + 1 bins. */
  readonly size: number;
  /** Number of chroma bins (librosa's `n_chroma`, default 12). */
  readonly bands: number;
  /** Tuning deviation from A440 in fractions of a chroma bin (default 0). */
  readonly tuning: number;
  /** Centre of the octave weighting, in octaves above A0 = 27.5 Hz (default 5). */
  readonly ctroct: number;
  /** Half-width of the octave weighting in octaves (default 2); null weighs all octaves alike. */
  readonly octwidth: number | null;
  /** Column norm: a p > 0 (default 2), Infinity (the largest weight), or null (none). */
  readonly norm: number | null;
  /** Start the filterbank at C (default true) rather than at A. */
  readonly baseC: boolean;
}

/** numpy's `round` for one value: to the nearest integer, halves to even. */
export function roundHalfEven(x: number): number {
  const r = Math.round(x);
  return r - x === 0.5 && r % 2 !== 0 ? r - 1 : r;
}

/** numpy's `remainder(a, b)` for b > 0: the result has the sign of b. */
function remainder(a: number, b: number): number {
  const r = a % b;
  return r !== 0 && r < 0 ? r + b : r;
}

/** The smallest positive normal float64 (numpy's `finfo(float64).tiny`, librosa's threshold). */
const TINY = 2.2250738585072014e-308;

/**
 * The chroma filterbank [bands, N/2 + 1] of `librosa.filters.chroma(sr, n_fft, n_chroma, tuning,
 * ctroct, octwidth, norm, base_c)`, in float64, as band ranges. Trusts its input (validated by the
 * scale's planner).
 */
export function chromaFilterbank(spec: ChromaFilterbankSpec): Filterbank {
  const n = spec.size;
  const nChroma = spec.bands;
  const keep = Math.floor(n / 2) + 1;
  // Chroma-bin positions of every FFT bin (bin 0 made up, 1.5 octaves below bin 1).
  const a440 = 440 * 2 ** (spec.tuning / nChroma);
  const ref = a440 / 16;
  const step = spec.sampleRate / n;
  const frqbins = new Float64Array(n);
  for (let k = 1; k < n; k++) frqbins[k] = nChroma * Math.log2((k * step) / ref);
  frqbins[0] = frqbins[1]! - 1.5 * nChroma;
  const width = new Float64Array(n);
  for (let k = 0; k < n - 1; k++) width[k] = Math.max(frqbins[k + 1]! - frqbins[k]!, 1);
  width[n - 1] = 1;
  const half = roundHalfEven(nChroma / 2);

  // Only the kept columns are needed: each column is normalised on its own.
  const w = new Float64Array(nChroma * keep);
  for (let k = 0; k < keep; k++) {
    for (let c = 0; c < nChroma; c++) {
      const d = remainder(frqbins[k]! - c + half + 10 * nChroma, nChroma) - half;
      const x = (2 * d) / width[k]!;
      w[c * keep + k] = Math.exp(-0.5 * x * x);
    }
    const norm = spec.norm;
    if (norm !== null) {
      let length: number;
      if (norm === Number.POSITIVE_INFINITY) {
        length = 0;
        for (let c = 0; c < nChroma; c++) length = Math.max(length, Math.abs(w[c * keep + k]!));
      } else {
        let s = 0;
        for (let c = 0; c < nChroma; c++) {
          const v = Math.abs(w[c * keep + k]!);
          s += norm === 2 ? v * v : v ** norm;
        }
        length = norm === 2 ? Math.sqrt(s) : s ** (1 / norm);
      }
      if (length < TINY) length = 1;
      for (let c = 0; c < nChroma; c++) w[c * keep + k] = w[c * keep + k]! / length;
    }
    if (spec.octwidth !== null) {
      const o = (frqbins[k]! / nChroma - spec.ctroct) / spec.octwidth;
      const g = Math.exp(-0.5 * o * o);
      for (let c = 0; c < nChroma; c++) w[c * keep + k] = w[c * keep + k]! * g;
    }
  }
  const shift = spec.baseC ? 3 * Math.floor(nChroma / 12) : 0;
  return buildFilterbank(nChroma, keep, (c, row) => {
    const src = (c + shift) % nChroma;
    for (let k = 0; k < keep; k++) row[k] = w[src * keep + k]!;
  });
}
