import { describe, expect, it } from 'vitest';
import { DirectRealDft, FRAMES } from '../src/fft/real-direct.js';
import { useDirectRealDft } from '../src/fft/split.js';
import { JsStftKernel } from '../src/js-kernel.js';
import { resolveStftOptions, type StftOptions } from '../src/options.js';
import { maxAbsDiff, noise } from './helpers.js';

/** Naive one-sided DFT of a real signal with exactly reduced angles. */
function naiveRealDft(x: Float64Array): Float64Array {
  const n = x.length;
  const bins = Math.floor(n / 2) + 1;
  const out = new Float64Array(2 * bins);
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((j * k) % n)) / n;
      re += x[j]! * Math.cos(angle);
      im -= x[j]! * Math.sin(angle);
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function relativeError(a: ArrayLike<number>, b: ArrayLike<number>): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

/** The one-sided DFT of FRAMES real frames through DirectRealDft, as the kernel computes it. */
function directSpectra(d: DirectRealDft, frames: Float64Array[]): Float64Array[] {
  const { n, h, rows } = d;
  const u = new Float64Array(FRAMES * h);
  const v = new Float64Array(FRAMES * h);
  const c = new Float64Array(FRAMES * rows);
  const s = new Float64Array(FRAMES * rows);
  frames.forEach((x, f) => {
    for (let j = 1; j <= h; j++) {
      u[(j - 1) * FRAMES + f] = x[j]! + x[n - j]!;
      v[(j - 1) * FRAMES + f] = x[j]! - x[n - j]!;
    }
  });
  d.cosine(u, c);
  d.sine(v, s);
  return frames.map((x, f) => {
    const out = new Float64Array(2 * (h + 1));
    out[0] = x[0]!;
    for (let j = 1; j <= h; j++) out[0]! += u[(j - 1) * FRAMES + f]!;
    for (let k = 1; k <= h; k++) {
      out[2 * k] = x[0]! + c[(k - 1) * FRAMES + f]!;
      out[2 * k + 1] = -s[(k - 1) * FRAMES + f]!;
    }
    return out;
  });
}

describe('DirectRealDft', () => {
  for (const n of [3, 5, 7, 9, 17, 31, 33, 43, 67, 79, 127, 257]) {
    it(`matches a naive real DFT within 1e-12 relative for n = ${n}`, () => {
      const d = new DirectRealDft(n);
      const frames = Array.from({ length: FRAMES }, (_, f) => noise(n, 11 * n + f));
      const got = directSpectra(d, frames);
      frames.forEach((x, f) => {
        expect(relativeError(got[f]!, naiveRealDft(x)), `frame ${f}`).toBeLessThan(1e-12);
      });
    });
  }

  for (const n of [5, 17, 31, 67, 127]) {
    it(`forward4 gives the one-sided DFT of four windowed frames for n = ${n}`, () => {
      const d = new DirectRealDft(n);
      const src = noise(3 * n + 40, 7 * n);
      const window = noise(n, 13 * n).map((w) => 1 + w / 2);
      const starts = Int32Array.from([0, 7, n + 3, 2 * n + 39]);
      const bins = d.h + 1;
      const re = new Float64Array(FRAMES * bins);
      const im = new Float64Array(FRAMES * bins);
      // The kernel windows the frames first, one after another.
      const frames = new Float64Array(FRAMES * n);
      for (let f = 0; f < FRAMES; f++) {
        for (let j = 0; j < n; j++) frames[f * n + j] = window[j]! * src[starts[f]! + j]!;
      }
      d.forward4(frames, re, im);
      for (let f = 0; f < FRAMES; f++) {
        const x = Float64Array.from({ length: n }, (_, j) => window[j]! * src[starts[f]! + j]!);
        const got = new Float64Array(2 * bins);
        for (let k = 0; k < bins; k++) {
          got[2 * k] = re[FRAMES * k + f]!;
          got[2 * k + 1] = im[FRAMES * k + f]!;
        }
        expect(relativeError(got, naiveRealDft(x)), `frame ${f}`).toBeLessThan(1e-12);
      }
    });
  }

  it('rejects even or too small lengths', () => {
    expect(() => new DirectRealDft(4)).toThrow(RangeError);
    expect(() => new DirectRealDft(1)).toThrow(RangeError);
  });

  it('is chosen by the cost model for 67 but not for 127 or powers of two', () => {
    expect(useDirectRealDft(67)).toBe(true);
    expect(useDirectRealDft(127)).toBe(false);
    expect(useDirectRealDft(257)).toBe(false);
    expect(useDirectRealDft(64)).toBe(false);
  });
});

describe('JsStftKernel with the direct real DFT', () => {
  const cases: { options: StftOptions; batch: number; length: number }[] = [
    { options: { size: 67, hop: 16 }, batch: 3, length: 301 },
    { options: { size: 67, hop: 33, center: false, window: 'flattop' }, batch: 1, length: 500 },
    { options: { size: 17, hop: 5, padMode: 'constant', windowLength: 12 }, batch: 2, length: 61 },
    { options: { size: 127, hop: 31, window: 'hamming' }, batch: 2, length: 700 },
    { options: { size: 9, hop: 4 }, batch: 5, length: 20 },
  ];
  for (const { options, batch, length } of cases) {
    const name = `size ${options.size}, hop ${options.hop}, batch ${batch}`;
    const cfg = resolveStftOptions(options);
    const x = noise(batch * length, options.size + length);
    const fft = new JsStftKernel(cfg, undefined, false);
    const direct = new JsStftKernel(cfg, undefined, true);
    const ff = fft.framer.frame(x, batch, length);
    const specFft = fft.spectra(ff);
    const fd = direct.framer.frame(x, batch, length);
    const specDirect = direct.spectra(fd);

    it(`${name}: spectra and magnitudes equal the FFT route's`, () => {
      expect(maxAbsDiff(specDirect, specFft)).toBeLessThan(1e-12);
      for (const eps of [undefined, 1e-2]) {
        const a = new Float64Array(specFft.length / 2);
        const b = new Float32Array(specFft.length / 2);
        const c = new Float64Array(specFft.length / 2);
        direct.magnitudes(direct.framer.frame(x, batch, length), a, eps);
        direct.magnitudes(direct.framer.frame(x, batch, length), b, eps);
        fft.magnitudes(fft.framer.frame(x, batch, length), c, eps);
        expect(maxAbsDiff(a, c)).toBeLessThan(1e-12);
        expect(maxAbsDiff(b, c)).toBeLessThan(1e-6);
      }
    });

    it(`${name}: the gradient equals the FFT route's`, () => {
      const dMag = noise(specFft.length / 2, 3);
      for (const eps of [undefined, 1e-2]) {
        const fa = direct.analyze(fd, eps);
        const fb = fft.analyze(ff, eps);
        const a = direct.backward(fd, fa.spec, fa.mag, dMag, eps);
        const b = fft.backward(ff, fb.spec, fb.mag, dMag, eps);
        expect(relativeError(a, b)).toBeLessThan(1e-12);
      }
    });
  }
});
