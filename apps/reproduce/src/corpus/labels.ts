/**
 * Exact frame labels of a score at the feature frame rate. Frame t is centred at t / frameRate
 * seconds (centred STFT frames); a note labels frame t when onset <= t / frameRate < offset (the
 * score's offset: the synthesizer's release tail after it is not labelled, as in datasets whose
 * labels come from MIDI, e.g. MusicNet and Slakh2100).
 */
import { corpusHierarchy } from './instruments.js';
import type { Score } from './score.js';

/** MIDI pitch of the first of the 88 piano keys (A0). */
export const KEY_LOW = 21;
/** Number of piano keys. */
export const KEYS = 88;

/** The labels of one piece. */
export interface PieceLabels {
  frames: number;
  /** `[frames, C]` 0/1 activity of every class of {@link corpusHierarchy} (its column order). */
  classes: Float32Array;
  /** `[frames, 88]` 0/1 activity of the piano keys A0..C8. */
  pitch: Float32Array;
  /** `[frames, 12]` 0/1 activity of the pitch classes C..B. */
  chroma: Float32Array;
}

/** The labels of `score` at `frameRate` frames/s for `frames` frames. */
export function pieceLabels(score: Score, frames: number, frameRate: number): PieceLabels {
  const h = corpusHierarchy;
  const C = h.classes.length;
  const classes = new Float32Array(frames * C);
  const pitch = new Float32Array(frames * KEYS);
  const chroma = new Float32Array(frames * 12);
  for (const n of score.notes) {
    const c = h.indexOf(n.instrument);
    // Frames t with onset <= t / rate < offset.
    const t0 = Math.max(0, Math.ceil(n.onset * frameRate - 1e-9));
    const t1 = Math.min(frames, Math.ceil(n.offset * frameRate - 1e-9));
    const key = n.pitch - KEY_LOW;
    for (let t = t0; t < t1; t++) {
      classes[t * C + c] = 1;
      if (key >= 0 && key < KEYS) pitch[t * KEYS + key] = 1;
      chroma[t * 12 + (n.pitch % 12)] = 1;
    }
  }
  // Families and music: active exactly when a child is (bottom-up).
  for (let t = 0; t < frames; t++) {
    for (const p of h.tables.bottomUpOrder) {
      const lo = h.tables.childStart[p]!;
      const hi = h.tables.childStart[p + 1]!;
      for (let j = lo; j < hi; j++) {
        if (classes[t * C + h.tables.childIndex[j]!] === 1) classes[t * C + p] = 1;
      }
    }
  }
  return { frames, classes, pitch, chroma };
}
