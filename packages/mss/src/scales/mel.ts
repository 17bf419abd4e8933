/**
 * The mel filterbank with the semantics of `librosa.filters.mel` (librosa/librosa,
 * `librosa/filters.py` and `librosa/core/convert.py`; unchanged from 0.8 to 0.10 and the current
 * main), computed in float64 (librosa stores float32 by default; torchaudio's
 * `melscale_fbanks` computes the same weights in its dtype):
 *
 * - bin frequencies f_k = k sr / N, k = 0..N/2 (`fft_frequencies`, i.e. numpy's `rfftfreq`:
 *   k * (1 / (N * (1 / sr))));
 * - n_mels + 2 mel points equally spaced from mel(fmin) to mel(fmax) (`mel_frequencies`, numpy's
 *   linspace), back in Hz: m_0 .. m_{n+1};
 * - band i is the triangle max(0, min((f - m_i) / (m_{i+1} - m_i), (m_{i+2} - f) / (m_{i+2} - m_{i+1})));
 * - norm 'slaney' scales band i by 2 / (m_{i+2} - m_i) (constant energy per band); null leaves the
 *   triangles at peak 1.
 *
 * Mel scales: 'slaney' (Slaney's Auditory Toolbox: linear below 1 kHz at 200/3 Hz per mel, then
 * logarithmic with 27 mels per factor 6.4) and 'htk' (O'Shaughnessy 1987, the HTK book:
 * mel = 2595 log10(1 + f / 700)).
 *
 * torchaudio's `melscale_fbanks(n_freqs, f_min, f_max, n_mels, sample_rate, norm, mel_scale)` is
 * the transpose of the same matrix when its frequency grid linspace(0, sample_rate // 2, n_freqs)
 * is librosa's, i.e. for an even FFT size and an even sample rate (then the two agree to rounding,
 * about 1e-16 of the largest weight); for an odd sample rate torchaudio's grid ends at
 * floor(sr / 2) Hz and for an odd FFT size at sr / 2 instead of (N - 1) sr / (2 N), and its weights
 * differ from librosa's. This module follows librosa.
 */
import { buildFilterbank, type Filterbank } from './filterbank.js';

/** The mel scales of librosa and torchaudio. */
export type MelScaleKind = 'slaney' | 'htk';

/** Slaney's scale: 200/3 Hz per mel below 1 kHz, log steps of ln(6.4) / 27 above. */
const F_SP = 200 / 3;
const MIN_LOG_HZ = 1000;
const MIN_LOG_MEL = MIN_LOG_HZ / F_SP;
const LOGSTEP = Math.log(6.4) / 27;

/** Hz to mels (librosa's `hz_to_mel`, scalar form). */
export function hzToMel(hz: number, scale: MelScaleKind): number {
  if (scale === 'htk') return 2595 * Math.log10(1 + hz / 700);
  if (hz >= MIN_LOG_HZ) return MIN_LOG_MEL + Math.log(hz / MIN_LOG_HZ) / LOGSTEP;
  return hz / F_SP;
}

/** Mels to Hz (librosa's `mel_to_hz`). */
export function melToHz(mel: number, scale: MelScaleKind): number {
  if (scale === 'htk') return 700 * (10 ** (mel / 2595) - 1);
  if (mel >= MIN_LOG_MEL) return MIN_LOG_HZ * Math.exp(LOGSTEP * (mel - MIN_LOG_MEL));
  return F_SP * mel;
}

/**
 * numpy's `linspace(start, stop, num)` (endpoint included): i * step + start with
 * step = (stop - start) / (num - 1), the last point exactly `stop`.
 */
export function linspace(start: number, stop: number, num: number): Float64Array {
  const out = new Float64Array(num);
  if (num === 1) {
    out[0] = start;
    return out;
  }
  const step = (stop - start) / (num - 1);
  for (let i = 0; i < num; i++) out[i] = i * step + start;
  out[num - 1] = stop;
  return out;
}

/** `count` mel points from fmin to fmax, in Hz (librosa's `mel_frequencies`). */
export function melFrequencies(
  count: number,
  fmin: number,
  fmax: number,
  scale: MelScaleKind,
): Float64Array {
  const mels = linspace(hzToMel(fmin, scale), hzToMel(fmax, scale), count);
  return mels.map((m) => melToHz(m, scale));
}

/** The centre frequencies of the N/2 + 1 bins of FFT size N (librosa's `fft_frequencies`). */
export function fftFrequencies(sampleRate: number, size: number): Float64Array {
  const bins = Math.floor(size / 2) + 1;
  const val = 1 / (size * (1 / sampleRate));
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) out[k] = k * val;
  return out;
}

/** A mel filterbank's parameters, validated (see {@link melFilterbank}). */
export interface MelFilterbankSpec {
  /** Sample rate in Hz. */
  readonly sampleRate: number;
  /** FFT size N: the filterbank has N/2 + 1 bins. */
  readonly size: number;
  /** Number of mel bands. */
  readonly bands: number;
  /** Lowest frequency in Hz (librosa's default 0). */
  readonly fmin: number;
  /** Highest frequency in Hz (librosa's default sampleRate / 2). */
  readonly fmax: number;
  /** Mel scale (librosa's default 'slaney', i.e. htk=False). */
  readonly melScale: MelScaleKind;
  /** Band normalisation (librosa's default 'slaney'). */
  readonly norm: 'slaney' | null;
}

/** The mel points m_0 .. m_{bands+1} (Hz) of a filterbank: band i spans m_i .. m_{i+2}. */
export function melEdges(spec: MelFilterbankSpec): Float64Array {
  return melFrequencies(spec.bands + 2, spec.fmin, spec.fmax, spec.melScale);
}

/**
 * The mel filterbank [bands, N/2 + 1] of `librosa.filters.mel(sr, n_fft, n_mels, fmin, fmax,
 * htk, norm)`, in float64, as band ranges. Trusts its input (validated by the scale's planner);
 * empty bands are kept (the planner refuses them).
 */
export function melFilterbank(spec: MelFilterbankSpec): Filterbank {
  const freqs = fftFrequencies(spec.sampleRate, spec.size);
  const melF = melEdges(spec);
  const bins = freqs.length;
  return buildFilterbank(spec.bands, bins, (i, row) => {
    const lo = melF[i]!;
    const mid = melF[i + 1]!;
    const hi = melF[i + 2]!;
    const dLower = mid - lo;
    const dUpper = hi - mid;
    const enorm = spec.norm === 'slaney' ? 2 / (hi - lo) : 1;
    for (let k = 0; k < bins; k++) {
      // librosa: lower = -(m_i - f) / fdiff_i, upper = (m_{i+2} - f) / fdiff_{i+1}.
      const lower = -(lo - freqs[k]!) / dLower;
      const upper = (hi - freqs[k]!) / dUpper;
      const w = Math.max(0, Math.min(lower, upper));
      row[k] = spec.norm === 'slaney' ? w * enorm : w;
    }
  });
}
