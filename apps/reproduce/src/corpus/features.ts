/**
 * Frame features of the corpus through @losses/stft: a log-compressed semitone spectrogram. The
 * magnitude STFT (Hann window, 4096 samples = 186 ms at 22.05 kHz, hop 882 = 25 frames/s, centred
 * frames as torch.stft) is pooled by triangular filters one semitone wide on each side of every
 * MIDI pitch (the log-frequency spectrogram of Mueller, Fundamentals of Music Processing, 2nd ed.,
 * 2021, sec. 3.1.1, with triangular instead of rectangular pooling), then compressed:
 * Y = log(1 + gamma * B) with gamma = 100 (ibid., sec. 3.1.2.1).
 */
import { createStft } from '@losses/stft';
import ndarray from 'ndarray';

/** Options of the features. */
export interface FeatureOptions {
  sampleRate: number;
  /** FFT size in samples. */
  size: number;
  /** Hop in samples; frames/s = sampleRate / hop. */
  hop: number;
  /** MIDI pitches of the first and last band. */
  lowPitch: number;
  highPitch: number;
  /** gamma of log(1 + gamma x). */
  compression: number;
}

/** The corpus features: 96 semitone bands A0 (27.5 Hz) to G#8 (6645 Hz), 25 frames/s. */
export const featureDefaults: FeatureOptions = Object.freeze({
  sampleRate: 22050,
  size: 4096,
  hop: 882,
  lowPitch: 21,
  highPitch: 116,
  compression: 100,
});

/** Centre frequency of MIDI pitch p in Hz (A4 = 69 = 440 Hz). */
export function pitchHz(p: number): number {
  return 440 * 2 ** ((p - 69) / 12);
}

/**
 * Triangular semitone filters: band p weighs bin k (frequency f_k = k sr / size) by
 * max(0, 1 - |12 log2(f_k / f_p)|), a triangle over +-1 semitone around f_p. A band so low that
 * no bin falls inside its triangle interpolates linearly between the two bins around f_p.
 * Returns `[bands, bins]` row-major and the band count.
 */
export function semitoneFilterbank(
  size: number,
  sampleRate: number,
  lowPitch: number,
  highPitch: number,
): { weights: Float64Array; bands: number; bins: number } {
  const bins = Math.floor(size / 2) + 1;
  const bands = highPitch - lowPitch + 1;
  const w = new Float64Array(bands * bins);
  const df = sampleRate / size;
  for (let b = 0; b < bands; b++) {
    const fc = pitchHz(lowPitch + b);
    let any = false;
    for (let k = 1; k < bins; k++) {
      const v = 1 - Math.abs(12 * Math.log2((k * df) / fc));
      if (v > 0) {
        w[b * bins + k] = v;
        any = true;
      }
    }
    if (!any) {
      const pos = fc / df;
      const k0 = Math.floor(pos);
      w[b * bins + k0] = 1 - (pos - k0);
      if (k0 + 1 < bins) w[b * bins + k0 + 1] = pos - k0;
    }
  }
  return { weights: w, bands, bins };
}

/** Features of one signal. */
export interface Features {
  /** `[frames, bands]` row-major. */
  data: Float32Array;
  frames: number;
  bands: number;
}

const banks = new Map<string, ReturnType<typeof semitoneFilterbank>>();

/**
 * The log-semitone spectrogram of `audio` (mono, `options.sampleRate`). The magnitude is scaled by
 * 2 / (window sum), so a full-scale sinusoid peaks at 1 before pooling.
 */
export function computeFeatures(
  audio: Float32Array,
  options: FeatureOptions = featureDefaults,
): Features {
  const plan = createStft({ size: options.size, hop: options.hop, window: 'hann' });
  const mag = plan.magnitude(ndarray(audio, [audio.length]));
  const [frames, bins] = mag.shape as [number, number];
  const key = `${options.size}/${options.sampleRate}/${options.lowPitch}/${options.highPitch}`;
  let bank = banks.get(key);
  if (!bank) {
    bank = semitoneFilterbank(
      options.size,
      options.sampleRate,
      options.lowPitch,
      options.highPitch,
    );
    if (banks.size > 8) banks.clear();
    banks.set(key, bank);
  }
  let wsum = 0;
  for (let i = 0; i < plan.window.length; i++) wsum += plan.window[i]!;
  const scale = 2 / wsum;
  const { weights, bands } = bank;
  // Each band's non-zero bins, so the pooling skips the zeros.
  const spans = Array.from({ length: bands }, (_, b) => {
    let lo = -1;
    let hi = -1;
    for (let k = 0; k < bins; k++) {
      if (weights[b * bins + k]! > 0) {
        if (lo < 0) lo = k;
        hi = k;
      }
    }
    return [lo, hi] as const;
  });
  const out = new Float32Array(frames * bands);
  const m = mag.data;
  for (let t = 0; t < frames; t++) {
    for (let b = 0; b < bands; b++) {
      const [lo, hi] = spans[b]!;
      let s = 0;
      for (let k = lo; k <= hi; k++) s += weights[b * bins + k]! * m[t * bins + k]!;
      out[t * bands + b] = Math.log1p(options.compression * scale * s);
    }
  }
  return { data: out, frames, bands };
}
