/**
 * Issue 12, defects 1 and 6: every frame's spectrum is accurate relative to its own size, as if
 * transformed alone (a silent frame exactly 0 with a zero gradient, a quiet frame next to a loud
 * one exact), and no magnitude overflows or underflows for samples of any size the range accepts.
 * Through the public API, so `pnpm test` checks both kernels (WebAssembly, then LOSSES_WASM=off);
 * test/silence-routes.test.ts checks every transform route of both kernels directly.
 */
import { readFileSync } from 'node:fs';
import { LossInputError, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createStft, type MagnitudeOptions, magnitude, magnitudeVjp, stft } from '../src/index.js';
import { maxAbsDiff, naiveOptions, noise } from './helpers.js';
import { naiveStft, naiveVjp } from './naive.js';

/** Frames of `n` samples back to back, each noise times its amplitude (0: silent). */
function framesOfAmplitudes(n: number, amplitudes: number[], seed: number): Float64Array {
  const x = noise(n * amplitudes.length, seed);
  amplitudes.forEach((a, f) => {
    for (let j = 0; j < n; j++) x[f * n + j]! *= a;
  });
  return x;
}

/**
 * Checks the complex STFT and |STFT| of `x` against the naive reference frame by frame: exactly 0
 * where the reference frame is silent, else within `tol` of the frame's own sum |w x|.
 */
function expectFramesExact(x: Float64Array, o: MagnitudeOptions, tol: number): void {
  const ref = naiveStft(x, naiveOptions(o));
  const X = stft(x, o).data;
  const M = magnitude(x, o).data;
  const bins = Math.floor(o.size / 2) + 1;
  ref.spec.forEach((row, f) => {
    const s = ref.scale[f]!;
    row.forEach(([re, im], k) => {
      const i = f * bins + k;
      if (s === 0) {
        // exactly zero (either sign)
        expect([X[2 * i], X[2 * i + 1], M[i]].every((v) => v === 0)).toBe(true);
        return;
      }
      expect(Math.abs(X[2 * i]! - re)).toBeLessThanOrEqual(tol * s);
      expect(Math.abs(X[2 * i + 1]! - im)).toBeLessThanOrEqual(tol * s);
      expect(Math.abs(M[i]! - Math.hypot(re, im))).toBeLessThanOrEqual(tol * s);
    });
  });
}

describe('silent and quiet frames (issue 12)', () => {
  it('gives a silent frame next to a sinusoid exactly 0 (the repro of the issue: was 1.26e-15)', () => {
    const x = new Float64Array(128);
    for (let i = 64; i < 128; i++) x[i] = Math.sin(0.3 * i);
    const M = magnitude(x, { size: 64, hop: 32, center: false });
    expect(Array.from(M.data.subarray(0, 33))).toEqual(new Array(33).fill(0));
  });

  // Powers of two and 3^a 2^b, a Rader prime, odd sizes of the direct DFT, Bluestein sizes.
  for (const n of [16, 64, 96, 100, 127, 67, 17, 257, 509]) {
    it(`size ${n}: silent frames are 0 and quiet frames exact next to loud ones, as if alone`, () => {
      // Loud, silent, quiet (1e-13), loud, 1e-200, 1e+200, silent, quiet: every neighbour pairing.
      const amps = [1, 0, 1e-13, 3, 1e-200, 1e200, 0, 2e-9, 1];
      const x = framesOfAmplitudes(n, amps, n);
      expectFramesExact(x, { size: n, hop: n, center: false }, 1e-14);
      // Overlapping frames that run into the silence (the onset inside some frames).
      expectFramesExact(x, { size: n, hop: Math.max(1, n >> 2), center: false }, 1e-14);
    });
  }

  it('gives samples that only silent frames cover exactly zero gradient, the rest exact', () => {
    for (const n of [64, 67, 127, 100]) {
      const o: MagnitudeOptions = { size: n, hop: n >> 2, center: false };
      const x = framesOfAmplitudes(n, [0, 0, 1, 1e-12, 0, 0, 0, 2], 3 * n);
      const frames = createStft(o).frameCount(x.length);
      const bins = Math.floor(n / 2) + 1;
      const d = noise(frames * bins, n);
      const g = magnitudeVjp(x, o, d).data;
      const dMag = Array.from({ length: frames }, (_, f) =>
        Array.from(d.subarray(f * bins, (f + 1) * bins)),
      );
      const ref = naiveVjp(x, naiveOptions(o), dMag);
      for (let t = 0; t < x.length; t++) {
        if (ref.scale[t] === 0) expect(g[t] === 0).toBe(true);
        else expect(Math.abs(g[t]! - ref.grad[t]!)).toBeLessThanOrEqual(1e-13 * ref.scale[t]!);
      }
      // Samples 0 .. 2n - 1 are covered only by silent frames (the first frames).
      expect(Array.from(g.subarray(0, n)).every((v) => v === 0)).toBe(true);
    }
  });

  it('keeps a frame with a tiny dL/d|X| exact next to one with a large dL/d|X|', () => {
    for (const n of [64, 67, 96, 257]) {
      const o: MagnitudeOptions = { size: n, hop: n, center: false };
      const x = noise(6 * n, n);
      const bins = Math.floor(n / 2) + 1;
      const weights = [1, 1e-250, 5, 1e-9, 0, 1e250];
      const dMag = weights.map((w, f) => Array.from(noise(bins, f + 7), (v) => w * v));
      const g = magnitudeVjp(x, o, dMag.flat()).data;
      const ref = naiveVjp(x, naiveOptions(o), dMag);
      for (let t = 0; t < x.length; t++) {
        if (ref.scale[t] === 0) expect(g[t] === 0).toBe(true);
        else expect(Math.abs(g[t]! - ref.grad[t]!)).toBeLessThanOrEqual(1e-13 * ref.scale[t]!);
      }
    }
  });

  it('gives a silent item a zero gradient whatever its batch neighbour (was 0 or 1.7e4)', () => {
    for (const n of [64, 127, 67]) {
      const o: MagnitudeOptions = { size: n, hop: n >> 2 };
      const T = 5 * n;
      const loud = noise(T, 9);
      for (const batch of [
        [new Float64Array(T), loud],
        [loud, new Float64Array(T)],
        [new Float64Array(T), new Float64Array(T)],
      ]) {
        const x = tensor(Float64Array.from(batch.flatMap((b) => Array.from(b))), [2, T]);
        const frames = createStft(o).frameCount(T);
        const dMag = noise(2 * frames * (Math.floor(n / 2) + 1), 4);
        const g = magnitudeVjp(x, o, dMag).data;
        batch.forEach((item, b) => {
          if (item !== loud)
            expect(g.subarray(b * T, (b + 1) * T).every((v) => v === 0)).toBe(true);
        });
      }
    }
  });
});

describe('extreme amplitudes (issue 12, defect 6)', () => {
  for (const amplitude of [1e160, 1e-160, 1e300, 1e-300]) {
    it(`computes |X| and its gradient exactly for samples of size ${amplitude}`, () => {
      for (const n of [64, 67, 100, 127]) {
        const o: MagnitudeOptions = { size: n, hop: n >> 1 };
        const x = Float64Array.from(noise(4 * n, n), (v) => v * amplitude);
        const ref = naiveStft(x, naiveOptions(o));
        const M = magnitude(x, o).data;
        const bins = Math.floor(n / 2) + 1;
        ref.spec.forEach((row, f) => {
          row.forEach(([re, im], k) => {
            const m = Math.hypot(re, im);
            expect(Number.isFinite(M[f * bins + k])).toBe(true);
            expect(Math.abs(M[f * bins + k]! - m)).toBeLessThanOrEqual(1e-13 * ref.scale[f]!);
          });
        });
        // dL/d|X| = 1 / |X| (a log-type loss): G stays finite, the gradient matches the reference.
        const dMag = ref.spec.map((row) => row.map(([re, im]) => 1 / Math.hypot(re, im)));
        const g = magnitudeVjp(x, o, dMag.flat()).data;
        const r = naiveVjp(x, naiveOptions(o), dMag);
        for (let t = 0; t < x.length; t++) {
          expect(Number.isFinite(g[t])).toBe(true);
          expect(Math.abs(g[t]! - r.grad[t]!)).toBeLessThanOrEqual(1e-12 * r.scale[t]!);
        }
      }
    });
  }

  it('refuses samples beyond 2^1023 / sum |w| (INVALID_OPTION, as out-of-range elements), naming the sample', () => {
    const plan = createStft({ size: 64, hop: 16 });
    let sum = 0;
    for (const w of plan.window) sum += Math.abs(w);
    const limit = 2 ** 1023 / sum;
    const x = noise(256, 1);
    x[17] = limit * 1.0000001;
    let err: unknown;
    try {
      plan.magnitude(x);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LossInputError);
    expect((err as LossInputError).code).toBe('INVALID_OPTION');
    expect((err as LossInputError).message).toMatch(
      /x: element 17 is .*outside the accepted range.*2\^1023/,
    );
    x[17] = limit;
    const M = plan.magnitude(x).data;
    expect(M.every((v) => Number.isFinite(v))).toBe(true);
    expect(() => stft(Float64Array.from([1e308, 1, 2, 3, 4]), { size: 4, hop: 1 })).toThrow(
      LossInputError,
    );
  });
});

interface GoldenCase {
  name: string;
  options: { size: number; hop: number; window: string; center: boolean; padMode?: string };
  shape: number[];
  x: number[];
  stftShape: number[];
  stft: number[];
  magnitude: number[];
}

const golden = JSON.parse(
  readFileSync(new URL('fixtures/silent.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

describe('partly silent and extreme signals vs torch.stft (golden vectors, issue 12)', () => {
  for (const c of golden.cases) {
    it(`equals torch.stft frame by frame: ${c.name}`, () => {
      const x = tensor(Float64Array.from(c.x), c.shape);
      const o = c.options as MagnitudeOptions;
      const X = stft(x, o);
      const M = magnitude(x, o).data;
      expect(X.shape).toEqual(c.stftShape);
      const bins = c.stftShape[c.stftShape.length - 2]!;
      for (let f = 0; f < c.magnitude.length / bins; f++) {
        const want = c.stft.slice(2 * f * bins, 2 * (f + 1) * bins);
        const got = X.data.subarray(2 * f * bins, 2 * (f + 1) * bins);
        const size = Math.max(...c.magnitude.slice(f * bins, (f + 1) * bins));
        if (size === 0) {
          // torch transforms each frame alone: a silent frame is exactly 0, and so is ours.
          expect(Array.from(got).every((v) => v === 0)).toBe(true);
          expect(Array.from(M.subarray(f * bins, (f + 1) * bins)).every((v) => v === 0)).toBe(true);
          continue;
        }
        expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-13 * size);
        const mags = M.subarray(f * bins, (f + 1) * bins);
        expect(maxAbsDiff(mags, c.magnitude.slice(f * bins, (f + 1) * bins))).toBeLessThanOrEqual(
          1e-13 * size,
        );
      }
    });
  }
});

describe('items of a batch (issue 12)', () => {
  it('gives every item the numbers it gets alone, bit for bit (frames pair within an item)', () => {
    for (const o of [
      { size: 64, hop: 16 },
      { size: 67, hop: 17, center: false },
      { size: 100, hop: 30, padMode: 'constant' as const },
      { size: 127, hop: 40, center: false, padEnd: true },
    ]) {
      // 3 items whose frame counts are odd: in a batch, frames would pair across items.
      const T = 5 * o.size + 3;
      const x = noise(3 * T, o.size);
      x.fill(0, T, T + 2 * o.size);
      const frames = createStft(o).frameCount(T);
      const bins = Math.floor(o.size / 2) + 1;
      const dMag = noise(3 * frames * bins, 2);
      const X = stft(tensor(x, [3, T]), o).data;
      const M = magnitude(tensor(x, [3, T]), o).data;
      const G = magnitudeVjp(tensor(x, [3, T]), o, dMag).data;
      for (let b = 0; b < 3; b++) {
        const item = x.subarray(b * T, (b + 1) * T);
        const d = dMag.subarray(b * frames * bins, (b + 1) * frames * bins);
        const same = (a: ArrayLike<number>, c: ArrayLike<number>) =>
          Array.from(a).every((v, i) => Object.is(v, c[i]));
        const n = frames * bins;
        expect(same(stft(item, o).data, X.subarray(2 * b * n, 2 * (b + 1) * n))).toBe(true);
        expect(same(magnitude(item, o).data, M.subarray(b * n, (b + 1) * n))).toBe(true);
        expect(same(magnitudeVjp(item, o, d).data, G.subarray(b * T, (b + 1) * T))).toBe(true);
      }
    }
  });
});
