import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { chromaFilterbank } from '../../src/scales/chroma.js';
import {
  applyFilterbank,
  applyFilterbankTranspose,
  denseFilterbank,
  filterbankFromRows,
} from '../../src/scales/filterbank.js';
import { fftFrequencies, hzToMel, melFilterbank, melToHz } from '../../src/scales/mel.js';
import { denseOf, goldens, relMax } from './fixtures.js';
import { librosaChroma, librosaMel } from './librosa-reference.js';

function melOf(g: {
  sampleRate: number;
  size: number;
  bands: number;
  fmin: number;
  fmax: number;
  melScale: 'slaney' | 'htk';
  norm: 'slaney' | null;
}) {
  return melFilterbank(g);
}

describe('mel filterbank: librosa.filters.mel semantics', () => {
  for (const g of goldens.melFilterbanks) {
    it(`equals torchaudio.functional.melscale_fbanks (float64, transposed) within 1e-12: sr ${g.sampleRate}, N ${g.size}, ${g.bands} bands, ${g.fmin}..${g.fmax} Hz, ${g.melScale}, norm ${g.norm}`, () => {
      const fb = melOf(g);
      const bins = g.size / 2 + 1;
      expect(fb.bins).toBe(bins);
      expect(fb.bands).toBe(g.bands);
      expect(relMax(denseFilterbank(fb), denseOf(g.weights, bins))).toBeLessThan(1e-12);
    });
  }

  it('for even FFT sizes and sample rates torchaudio and librosa agree to 1e-13 of the largest weight (the same matrix up to rounding)', () => {
    for (const g of goldens.melFilterbanks) expect(g.torchaudioVsLibrosa).toBeLessThan(1e-13);
  });

  for (const g of goldens.oddMelFilterbanks) {
    it(`follows librosa, not torchaudio, for an odd rate or FFT size: sr ${g.sampleRate}, N ${g.size} (torchaudio's grid ends at floor(sr / 2) Hz)`, () => {
      const fb = melOf(g);
      const bins = Math.floor(g.size / 2) + 1;
      expect(relMax(denseFilterbank(fb), denseOf(g.weights, bins))).toBeLessThan(1e-12);
      expect(g.torchaudioVsLibrosa).toBeGreaterThan(1e-4);
    });
  }

  it('equals the hand-written librosa reference for 40 seeded random configurations within 1e-13', () => {
    const r = lcg32(1401);
    for (let i = 0; i < 40; i++) {
      const sampleRate = [8000, 11025, 16000, 22050, 44100, 48000, 96000][Math.floor(r() * 7)]!;
      const size = 2 * Math.floor(64 + r() * 1000) + (r() < 0.3 ? 1 : 0);
      const fmax = sampleRate / 2 - (r() < 0.5 ? 0 : r() * sampleRate * 0.2);
      const fmin = r() < 0.4 ? 0 : r() * 300;
      const bands = 1 + Math.floor(r() * 40);
      const melScale = r() < 0.5 ? 'slaney' : 'htk';
      const norm = r() < 0.5 ? 'slaney' : null;
      const fb = melFilterbank({ sampleRate, size, bands, fmin, fmax, melScale, norm });
      const ref = librosaMel(sampleRate, size, bands, fmin, fmax, melScale === 'htk', norm);
      expect(relMax(denseFilterbank(fb), ref.flat())).toBeLessThan(1e-13);
    }
  });

  it("gives librosa's published example: mel(sr=22050, n_fft=2048)[0][1] = 0.016, with fmax=8000 0.02", () => {
    const a = denseFilterbank(
      melFilterbank({
        sampleRate: 22050,
        size: 2048,
        bands: 128,
        fmin: 0,
        fmax: 11025,
        melScale: 'slaney',
        norm: 'slaney',
      }),
    );
    expect(a[0]).toBe(0);
    expect(a[1]!.toFixed(3)).toBe('0.016');
    const b = denseFilterbank(
      melFilterbank({
        sampleRate: 22050,
        size: 2048,
        bands: 128,
        fmin: 0,
        fmax: 8000,
        melScale: 'slaney',
        norm: 'slaney',
      }),
    );
    expect(b[1]!.toFixed(2)).toBe('0.02');
  });

  it('stores each band as the range from its first to its last nonzero weight', () => {
    const fb = melFilterbank({
      sampleRate: 16000,
      size: 512,
      bands: 40,
      fmin: 0,
      fmax: 8000,
      melScale: 'slaney',
      norm: 'slaney',
    });
    for (let b = 0; b < fb.bands; b++) {
      const w = fb.weights.subarray(fb.offsets[b]!, fb.offsets[b + 1]!);
      expect(w.length).toBeGreaterThan(0);
      expect(w[0]).toBeGreaterThan(0);
      expect(w[w.length - 1]).toBeGreaterThan(0);
    }
    // A triangle spans about two mel spacings: far fewer weights than bands x bins.
    expect(fb.weights.length).toBeLessThan(3 * fb.bins);
  });

  it('converts Hz and mels both ways (slaney: 1000 Hz = 15 mels; htk: 2595 log10(1 + f / 700))', () => {
    expect(hzToMel(1000, 'slaney')).toBeCloseTo(15, 14);
    expect(hzToMel(500, 'slaney')).toBeCloseTo(7.5, 14);
    expect(hzToMel(700, 'htk')).toBeCloseTo(2595 * Math.log10(2), 12);
    for (const f of [0, 20, 999.9, 1000, 4000, 22050]) {
      expect(melToHz(hzToMel(f, 'slaney'), 'slaney')).toBeCloseTo(f, 9);
      expect(melToHz(hzToMel(f, 'htk'), 'htk')).toBeCloseTo(f, 9);
    }
    expect(Array.from(fftFrequencies(8000, 8))).toEqual([0, 1000, 2000, 3000, 4000]);
  });
});

describe('chroma filterbank: librosa.filters.chroma semantics', () => {
  const configs: [number, number, number, number, number, number | null, number | null, boolean][] =
    [
      // sr, N, n_chroma, tuning, ctroct, octwidth, norm, base_c
      [22050, 4096, 12, 0, 5, 2, 2, true],
      [22050, 4096, 24, 0, 5, 2, 2, true],
      [22050, 4096, 12, 0, 5, null, 2, true],
      [44100, 1024, 12, 0.3, 4, 1.5, Number.POSITIVE_INFINITY, false],
      [16000, 512, 7, -0.4, 5, 2, 1, true],
      [16000, 512, 5, 0, 6, 0.7, 3, true],
      [8000, 255, 12, 0, 5, 2, null, true],
      [11025, 2047, 36, 0.1, 5, 2, 2, true],
      // bin 1 far below A0, so that numpy's remainder meets negative arguments
      [100, 32768, 12, 0, 5, 2, 2, true],
    ];
  for (const [sr, n, c, tuning, ctroct, octwidth, norm, baseC] of configs) {
    it(`equals the hand-written reference within 1e-13: sr ${sr}, N ${n}, ${c} chroma, tuning ${tuning}, ctroct ${ctroct}, octwidth ${octwidth}, norm ${norm}, baseC ${baseC}`, () => {
      const fb = chromaFilterbank({
        sampleRate: sr,
        size: n,
        bands: c,
        tuning,
        ctroct,
        octwidth,
        norm,
        baseC,
      });
      const ref = librosaChroma(sr, n, c, tuning, ctroct, octwidth, norm, baseC);
      expect(fb.bins).toBe(Math.floor(n / 2) + 1);
      expect(relMax(denseFilterbank(fb), ref.flat())).toBeLessThan(1e-13);
    });
  }

  // The docstring's values date from 2015 (librosa 06eaecd), before `base_c` (default True since
  // 0.7) rolled the rows to start at C: they are the rows of base_c=False.
  it("gives librosa's published examples (4 significant digits) for chroma(sr=22050, n_fft=4096), rows from A", () => {
    const spec = { sampleRate: 22050, size: 4096, tuning: 0, ctroct: 5, norm: 2, baseC: false };
    const check = (w: Float64Array, bins: number, rows: [number, number[], number[]][]) => {
      for (const [row, head, tail] of rows) {
        head.forEach((v, k) => {
          expect(Number(w[row * bins + k]!.toPrecision(4))).toBe(v);
        });
        tail.forEach((v, k) => {
          expect(Number(w[row * bins + bins - tail.length + k]!.toPrecision(4))).toBe(v);
        });
      }
    };
    const bins = 2049;
    const twelve = denseFilterbank(chromaFilterbank({ ...spec, bands: 12, octwidth: 2 }));
    check(twelve, bins, [
      [0, [1.689e-5, 3.024e-4], [4.639e-17, 5.327e-17]],
      [1, [1.716e-5, 2.652e-4], [2.674e-25, 3.176e-25]],
      [10, [1.578e-5, 3.619e-4], [8.577e-6, 9.205e-6]],
      [11, [1.643e-5, 3.355e-4], [1.474e-10, 1.636e-10]],
    ]);
    const quarter = denseFilterbank(chromaFilterbank({ ...spec, bands: 24, octwidth: 2 }));
    check(quarter, bins, [
      [0, [1.194e-5, 2.138e-4], [6.297e-64, 1.115e-63]],
      [1, [1.206e-5, 2.009e-4], [1.546e-79, 2.929e-79]],
      [22, [1.162e-5, 2.372e-4], [6.417e-38, 9.923e-38]],
      [23, [1.18e-5, 2.26e-4], [4.697e-50, 7.772e-50]],
    ]);
    const flat = denseFilterbank(chromaFilterbank({ ...spec, bands: 12, octwidth: null }));
    check(flat, bins, [
      [0, [0.3036, 0.2604], [2.445e-16, 2.809e-16]],
      [1, [0.3084, 0.2283], [1.409e-24, 1.675e-24]],
      [10, [0.2836, 0.3116], [4.52e-5, 4.854e-5]],
      [11, [0.2953, 0.2888], [7.768e-10, 8.629e-10]],
    ]);
  });

  for (const g of goldens.chromaFilterbanks) {
    it(`agrees with the Python re-writing of the golden script: sr ${g.sampleRate}, N ${g.size}, ${g.bands} chroma, norm ${g.norm}`, () => {
      const fb = chromaFilterbank({
        sampleRate: g.sampleRate,
        size: g.size,
        bands: g.bands,
        tuning: g.tuning,
        ctroct: g.ctroct,
        octwidth: g.octwidth,
        norm: g.norm === 'inf' ? Number.POSITIVE_INFINITY : g.norm,
        baseC: g.baseC,
      });
      expect(relMax(denseFilterbank(fb), g.weights.flat())).toBeLessThan(1e-13);
    });
  }
});

describe('applying a filterbank and its transpose', () => {
  const fb = melFilterbank({
    sampleRate: 22050,
    size: 256,
    bands: 20,
    fmin: 30,
    fmax: 10000,
    melScale: 'slaney',
    norm: 'slaney',
  });
  const dense = denseFilterbank(fb);
  const frames = 7;
  const r = lcg32(7);
  const mag = Float64Array.from({ length: frames * fb.bins }, () => r());
  const g = Float64Array.from({ length: frames * fb.bands }, () => r() - 0.5);

  it('S = M W^T equals the dense product frame by frame', () => {
    const out = new Float64Array(frames * fb.bands + 3);
    applyFilterbank(fb, mag, 0, frames, out, 3);
    const ref = new Float64Array(frames * fb.bands);
    for (let f = 0; f < frames; f++)
      for (let b = 0; b < fb.bands; b++)
        for (let k = 0; k < fb.bins; k++)
          ref[f * fb.bands + b]! += dense[b * fb.bins + k]! * mag[f * fb.bins + k]!;
    expect(relMax(out.subarray(3), ref)).toBeLessThan(1e-15);
  });

  it('the transpose equals the dense dS W and is the adjoint: <W m, g> = <m, W^T g>', () => {
    const back = new Float64Array(frames * fb.bins).fill(Number.NaN);
    applyFilterbankTranspose(fb, g, 0, frames, back, 0);
    const ref = new Float64Array(frames * fb.bins);
    for (let f = 0; f < frames; f++)
      for (let b = 0; b < fb.bands; b++)
        for (let k = 0; k < fb.bins; k++)
          ref[f * fb.bins + k]! += dense[b * fb.bins + k]! * g[f * fb.bands + b]!;
    expect(relMax(back, ref)).toBeLessThan(1e-15);
    const fwd = new Float64Array(frames * fb.bands);
    applyFilterbank(fb, mag, 0, frames, fwd, 0);
    let lhs = 0;
    let rhs = 0;
    for (let i = 0; i < fwd.length; i++) lhs += fwd[i]! * g[i]!;
    for (let i = 0; i < back.length; i++) rhs += mag[i]! * back[i]!;
    expect(Math.abs(lhs - rhs)).toBeLessThan(1e-13 * Math.abs(lhs));
  });

  it('the transpose is the gradient of sum(g * (M W^T)) w.r.t. M (central differences)', () => {
    const back = new Float64Array(frames * fb.bins);
    applyFilterbankTranspose(fb, g, 0, frames, back, 0);
    const f = (m: Float64Array) => {
      const out = new Float64Array(frames * fb.bands);
      applyFilterbank(fb, m, 0, frames, out, 0);
      return out.reduce((a, v, i) => a + v * g[i]!, 0);
    };
    for (const i of [0, 5, 40, 129, 300, frames * fb.bins - 1]) {
      const h = 1e-6;
      const p = mag.slice();
      const q = mag.slice();
      p[i]! += h;
      q[i]! -= h;
      expect(Math.abs((f(p) - f(q)) / (2 * h) - back[i]!)).toBeLessThan(1e-8);
    }
  });

  it('a dense matrix round-trips through band ranges, zeros inside a range kept', () => {
    const rows = [
      [0, 0, 1, 0, 2, 0],
      [3, 0, 0, 0, 0, 0],
      [0, 0, 0, 0, 0, 4],
      [0, 0, 0, 0, 0, 0],
    ];
    const m = filterbankFromRows(rows, 6);
    expect(Array.from(m.starts)).toEqual([2, 0, 5, 0]);
    expect(Array.from(m.offsets)).toEqual([0, 3, 4, 5, 5]);
    expect(Array.from(denseFilterbank(m))).toEqual(rows.flat());
  });
});
