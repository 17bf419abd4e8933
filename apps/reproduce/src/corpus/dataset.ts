/**
 * From a loaded corpus to training arrays: features and labels per piece, standardisation with
 * the training pieces' statistics, and context windows (each frame with its neighbours).
 */
import type { Corpus, Split } from './corpus.js';
import { computeFeatures, type FeatureOptions, featureDefaults } from './features.js';
import { type PieceLabels, pieceLabels } from './labels.js';

/** One piece ready for the cases. */
export interface PieceData {
  id: string;
  split: Split;
  frames: number;
  /** `[frames, bands]`, standardised per band with the training pieces' mean and deviation. */
  features: Float32Array;
  bands: number;
  labels: PieceLabels;
}

/**
 * Features (standardised) and labels of every piece. The frame count is the STFT's; labels are
 * computed at the same rate (sampleRate / hop).
 */
export function corpusData(corpus: Corpus, options?: Partial<FeatureOptions>): PieceData[] {
  const fo: FeatureOptions = {
    ...featureDefaults,
    ...options,
    sampleRate: corpus.manifest.config.sampleRate,
  };
  const rate = fo.sampleRate / fo.hop;
  const out = corpus.pieces.map((p): PieceData => {
    const f = computeFeatures(p.audio, fo);
    return {
      id: p.meta.id,
      split: p.meta.split,
      frames: f.frames,
      features: f.data,
      bands: f.bands,
      labels: pieceLabels(p.score, f.frames, rate),
    };
  });
  standardise(out);
  return out;
}

/** Standardises every piece's features in place with the mean and deviation of the training pieces. */
function standardise(pieces: PieceData[]): void {
  const train = pieces.filter((p) => p.split === 'train');
  const from = train.length > 0 ? train : pieces;
  const B = pieces[0]?.bands ?? 0;
  const sum = new Float64Array(B);
  const sq = new Float64Array(B);
  let n = 0;
  for (const p of from) {
    for (let t = 0; t < p.frames; t++) {
      for (let b = 0; b < B; b++) {
        const v = p.features[t * B + b]!;
        sum[b] += v;
        sq[b] += v * v;
      }
    }
    n += p.frames;
  }
  const mean = Array.from(sum, (s) => s / n);
  const std = Array.from(sq, (s, b) => Math.sqrt(Math.max(s / n - mean[b]! ** 2, 0)) || 1);
  for (const p of pieces) {
    for (let t = 0; t < p.frames; t++) {
      for (let b = 0; b < B; b++) {
        p.features[t * B + b] = (p.features[t * B + b]! - mean[b]!) / std[b]!;
      }
    }
  }
}

/**
 * Context windows: row t of the result is frames t - radius .. t + radius of `features`
 * (`[frames, bands]`), edges repeated, `[frames, (2 radius + 1) bands]`.
 */
export function stackContext(
  features: Float32Array,
  frames: number,
  bands: number,
  radius: number,
): Float32Array {
  const width = (2 * radius + 1) * bands;
  const out = new Float32Array(frames * width);
  for (let t = 0; t < frames; t++) {
    for (let k = -radius; k <= radius; k++) {
      const s = Math.min(frames - 1, Math.max(0, t + k));
      out.set(features.subarray(s * bands, (s + 1) * bands), t * width + (k + radius) * bands);
    }
  }
  return out;
}

/** Concatenates row-major arrays. */
export function concat(parts: readonly Float32Array[]): Float32Array {
  const out = new Float32Array(parts.reduce((s, p) => s + p.length, 0));
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.length;
  }
  return out;
}
