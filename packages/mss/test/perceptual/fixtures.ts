/** The golden vectors of test/fixtures/perceptual.json (made by generate_perceptual.py). */
import { readFileSync } from 'node:fs';
import type { PerceptualMssOptions } from '../../src/perceptual-options.js';

/** A filterbank row as stored: its first nonzero bin and its weights up to the last nonzero. */
export type SparseRow = [number, number[]];

export interface MelGolden {
  sampleRate: number;
  size: number;
  bands: number;
  fmin: number;
  fmax: number;
  melScale: 'slaney' | 'htk';
  norm: 'slaney' | null;
  weights: SparseRow[];
  source: 'torchaudio' | 'librosa';
  torchaudioVsLibrosa: number;
}

export interface ChromaGolden {
  sampleRate: number;
  size: number;
  bands: number;
  tuning: number;
  ctroct: number;
  octwidth: number | null;
  norm: number | 'inf' | null;
  baseC: boolean;
  weights: number[][];
}

export interface LossGolden {
  name: string;
  options: string | { preset: string; sampleRate: number } | PerceptualMssOptions;
  estimate: number[][] | number[][][];
  target: number[][] | number[][][];
  value: number;
  perItem: number[] | null;
  grad: number[][] | number[][][];
  float32?: number;
  stereo?: boolean;
  extreme?: boolean;
}

export interface PerceptualGoldens {
  versions: Record<string, string>;
  references: Record<string, string>;
  melFilterbanks: MelGolden[];
  oddMelFilterbanks: MelGolden[];
  chromaFilterbanks: ChromaGolden[];
  windows: Record<string, Record<string, number[]>>;
  aWeighting: { sampleRate: number; taps: number[]; input: number[]; output: number[] }[];
  compressionForms: {
    name: string;
    form: { kind: 'log' | 'log10' | 'db'; floor: 'add' | 'clamp'; eps: number; power: number };
    x: number[];
    value: number[];
    derivative: number[];
  }[];
  presets: LossGolden[];
  compositions: LossGolden[];
  grid: {
    estimate: number[][];
    target: number[][];
    stereoEstimate: number[][][];
    stereoTarget: number[][][];
    extremeEstimate: number[][];
    extremeTarget: number[][];
    cases: LossGolden[];
  };
}

export const goldens = JSON.parse(
  readFileSync(new URL('../fixtures/perceptual.json', import.meta.url), 'utf8'),
) as PerceptualGoldens;

/** A dense row-major matrix [bands, bins] from sparse rows. */
export function denseOf(rows: SparseRow[], bins: number): Float64Array {
  const out = new Float64Array(rows.length * bins);
  rows.forEach(([start, w], b) => {
    w.forEach((v, j) => {
      out[b * bins + start + j] = v;
    });
  });
  return out;
}

/** max |a - b| / max |b|. */
export function relMax(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let err = 0;
  let scale = 0;
  for (let i = 0; i < b.length; i++) {
    err = Math.max(err, Math.abs(a[i]! - b[i]!));
    scale = Math.max(scale, Math.abs(b[i]!));
  }
  return err / scale;
}
