import { describe, expect, it } from 'vitest';
import { BluesteinFft } from '../src/fft/bluestein.js';
import { smoothAtLeast } from '../src/fft/number-theory.js';
import { RaderFft } from '../src/fft/rader.js';
import { splitFft } from '../src/fft/split.js';
import { StockhamFft } from '../src/fft/stockham.js';
import type { SplitTransform } from '../src/fft/types.js';
import { getFftPlan, irfft, rfft } from '../src/index.js';
import { noise } from './helpers.js';

/** Naive O(n^2) DFT with exactly reduced angles (the independent reference). */
function naiveDft(x: Float64Array, sign: -1 | 1): Float64Array {
  const n = x.length / 2;
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = sign * Math.sin((2 * Math.PI * m) / n);
  }
  const out = new Float64Array(2 * n);
  for (let k = 0; k < n; k++) {
    let re = 0;
    let im = 0;
    for (let j = 0, m = 0; j < n; j++, m = m + k >= n ? m + k - n : m + k) {
      const c = cos[m]!;
      const s = sin[m]!;
      re += x[2 * j]! * c - x[2 * j + 1]! * s;
      im += x[2 * j]! * s + x[2 * j + 1]! * c;
    }
    out[2 * k] = re;
    out[2 * k + 1] = im;
  }
  return out;
}

function relativeError(a: Float64Array, b: Float64Array): number {
  let num = 0;
  let den = 0;
  for (let i = 0; i < a.length; i++) {
    num += (a[i]! - b[i]!) ** 2;
    den += b[i]! ** 2;
  }
  return Math.sqrt(num / den);
}

const SIZES = [1, 2, 3, 5, 64, 67, 127, 257, 509, 1021, 2048, 2053, 4099];

describe('getFftPlan', () => {
  for (const n of SIZES) {
    it(`matches a naive DFT within 1e-12 relative for n = ${n}`, () => {
      const x = noise(2 * n, n);
      const out = new Float64Array(2 * n);
      getFftPlan(n).transform(x, out);
      expect(relativeError(out, naiveDft(x, -1))).toBeLessThan(1e-12);
    });
  }

  it('matches a naive DFT for mixed-radix, Rader and composite Bluestein lengths', () => {
    for (const n of [
      4, 6, 7, 9, 11, 12, 13, 15, 17, 25, 34, 45, 49, 77, 97, 100, 143, 169, 221, 360, 2042, 4320,
    ]) {
      const x = noise(2 * n, 3 * n);
      const out = new Float64Array(2 * n);
      getFftPlan(n).transform(x, out);
      expect(relativeError(out, naiveDft(x, -1)), `n = ${n}`).toBeLessThan(1e-12);
    }
  });

  it('has every algorithm (mixed radix incl. generic radices, Rader, Bluestein) match a naive DFT', () => {
    const make = {
      radix: (n: number) => new StockhamFft(n),
      rader: (n: number) => new RaderFft(n, splitFft),
      bluestein: (n: number) => new BluesteinFft(n, smoothAtLeast(2 * n - 1), splitFft),
      'bluestein with a longer convolution': (n: number) => new BluesteinFft(n, 4 * n, splitFft),
    };
    const lengths = {
      radix: [1, 2, 7, 11, 13, 14, 17, 49, 77, 143, 360],
      rader: [3, 5, 7, 11, 13, 67, 127, 257],
      bluestein: [2, 3, 8, 67, 100, 127, 509],
      'bluestein with a longer convolution': [5, 67],
    };
    for (const kind of [
      'radix',
      'rader',
      'bluestein',
      'bluestein with a longer convolution',
    ] as const) {
      for (const n of lengths[kind]) {
        const x = noise(2 * n, 5 * n + 1);
        const re = Float64Array.from({ length: n }, (_, j) => x[2 * j]!);
        const im = Float64Array.from({ length: n }, (_, j) => x[2 * j + 1]!);
        make[kind](n).forward(re, im);
        const out = new Float64Array(2 * n);
        for (let k = 0; k < n; k++) {
          out[2 * k] = re[k]!;
          out[2 * k + 1] = im[k]!;
        }
        expect(relativeError(out, naiveDft(x, -1)), `${kind} n = ${n}`).toBeLessThan(1e-12);
      }
    }
  });

  it('runs Bluestein and Rader with the inner transform as a black box (two forward calls), matching a naive DFT', () => {
    // Bluestein convolution lengths whose last radix is 2 (128, 2048), 4 (256, 1024) or odd (144,
    // 4320), and Rader's p - 1 for 127 and 257.
    const cases: [number, (make: (m: number) => SplitTransform) => SplitTransform][] = [
      [33, (make) => new BluesteinFft(33, 128, make)],
      [100, (make) => new BluesteinFft(100, 256, make)],
      [509, (make) => new BluesteinFft(509, 1024, make)],
      [1021, (make) => new BluesteinFft(1021, 2048, make)],
      [67, (make) => new BluesteinFft(67, 144, make)],
      [2053, (make) => new BluesteinFft(2053, 4320, make)],
      [127, (make) => new RaderFft(127, make)],
      [257, (make) => new RaderFft(257, make)],
    ];
    for (const [n, build] of cases) {
      const x = noise(2 * n, 9 * n);
      const re = Float64Array.from({ length: n }, (_, j) => x[2 * j]!);
      const im = Float64Array.from({ length: n }, (_, j) => x[2 * j + 1]!);
      let calls = 0;
      const plan = build((m) => {
        const inner = new StockhamFft(m);
        return {
          n: m,
          forward: (a: Float64Array, b: Float64Array) => {
            calls++;
            inner.forward(a, b);
          },
        };
      });
      calls = 0;
      plan.forward(re, im);
      expect(calls, `n = ${n}`).toBe(2);
      const out = new Float64Array(2 * n);
      for (let k = 0; k < n; k++) {
        out[2 * k] = re[k]!;
        out[2 * k + 1] = im[k]!;
      }
      expect(relativeError(out, naiveDft(x, -1)), `n = ${n}`).toBeLessThan(1e-12);
    }
  });

  it('inverts its transform (normalised inverse) for power-of-two and other lengths', () => {
    for (const n of [1, 6, 16, 67, 100]) {
      const x = noise(2 * n, 7 * n);
      const spectrum = new Float64Array(2 * n);
      const back = new Float64Array(2 * n);
      const plan = getFftPlan(n);
      plan.transform(x, spectrum);
      plan.inverseTransform(spectrum, back);
      expect(relativeError(back, x)).toBeLessThan(1e-13);
    }
  });

  it('uses mixed radix for lengths with small factors, Rader or Bluestein otherwise', () => {
    expect(getFftPlan(1).algorithm).toBe('identity');
    expect(getFftPlan(1024).algorithm).toBe('radix');
    expect(getFftPlan(1021).algorithm).toBe('bluestein');
    expect(getFftPlan(4320).algorithm).toBe('radix');
    expect(getFftPlan(2 * 1021).algorithm).toBe('bluestein');
    expect(getFftPlan(257).algorithm).toBe('rader');
  });

  it('caches one plan per length', () => {
    expect(getFftPlan(509)).toBe(getFftPlan(509));
  });

  it('does not modify its input', () => {
    const x = noise(2 * 67, 3);
    const copy = x.slice();
    getFftPlan(67).transform(x, new Float64Array(2 * 67));
    expect(x).toEqual(copy);
  });

  it('refuses a length that is not an integer >= 1', () => {
    expect(() => getFftPlan(0)).toThrow(/n: expected an integer >= 1, got 0/);
    expect(() => getFftPlan(3.5)).toThrow(/integer/);
  });
});

describe('rfft and irfft', () => {
  it('rfft gives the first floor(n/2) + 1 bins of the full DFT of a real signal', () => {
    for (const n of [1, 2, 7, 8, 67, 128]) {
      const x = noise(n, n + 11);
      const complex = new Float64Array(2 * n);
      for (let j = 0; j < n; j++) complex[2 * j] = x[j]!;
      const full = naiveDft(complex, -1);
      const X = rfft(x);
      const bins = Math.floor(n / 2) + 1;
      expect(X.shape).toEqual([bins, 2]);
      expect(relativeError(X.data as Float64Array, full.subarray(0, 2 * bins))).toBeLessThan(1e-12);
    }
  });

  it('irfft inverts rfft for even and odd lengths', () => {
    for (const n of [1, 2, 9, 16, 257]) {
      const x = noise(n, 5 * n);
      const back = irfft(rfft(x), n);
      expect(back.shape).toEqual([n]);
      expect(relativeError(back.data as Float64Array, x)).toBeLessThan(1e-13);
    }
  });

  it('keeps float32 input float32', () => {
    const X = rfft(new Float32Array([1, 2, 3, 4]));
    expect(X.data).toBeInstanceOf(Float32Array);
    expect(irfft(X, 4).data).toBeInstanceOf(Float32Array);
  });

  it('irfft refuses a spectrum with the wrong number of bins', () => {
    expect(() => irfft(rfft(noise(8, 1)), 10)).toThrow(/X: expected shape \[6, 2\]/);
  });
});
