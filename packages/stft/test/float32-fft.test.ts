/**
 * The exported four-lane complex FFT of wasm/stft32.wat (`fft(m, x, y, tw)`: in place at x, used
 * by the float32 STFT, its adjoint and other modules) against a naive float64 DFT per lane, at
 * every power of two m from 1 to 2048 (every mix of the radix-4 passes, the p = 0 loop and the
 * radix-2 pass). Lanes hold signals of very different sizes; each lane must be accurate relative
 * to its own size and never depend on the others.
 */
import { describe, expect, it } from 'vitest';
import { WasmStft32 } from '../src/wasm/kernel32.js';
import { noise } from './helpers.js';

/** The naive DFT of one lane in float64: sum_j z[j] exp(-2 pi i j k / m). */
function naiveDft(re: ArrayLike<number>, im: ArrayLike<number>): { re: number[]; im: number[] } {
  const m = re.length;
  const out = { re: new Array<number>(m).fill(0), im: new Array<number>(m).fill(0) };
  for (let k = 0; k < m; k++) {
    let sr = 0;
    let si = 0;
    for (let j = 0; j < m; j++) {
      const angle = (-2 * Math.PI * ((j * k) % m)) / m;
      const c = Math.cos(angle);
      const s = Math.sin(angle);
      sr += re[j]! * c - im[j]! * s;
      si += re[j]! * s + im[j]! * c;
    }
    out.re[k] = sr;
    out.im[k] = si;
  }
  return out;
}

/** Runs the module's FFT on the four lanes (`[4, m]` each) and checks every lane. */
function expectLanesExact(m: number, re: Float32Array, im: Float32Array): void {
  const k = new WasmStft32(2 * m, m, new Float64Array(2 * m).fill(1));
  const reIn = Float32Array.from(re);
  const imIn = Float32Array.from(im);
  const out = k.fft4(re, im);
  expect(re).toEqual(reIn);
  expect(im).toEqual(imIn);
  for (let l = 0; l < 4; l++) {
    const lr = re.subarray(l * m, (l + 1) * m);
    const li = im.subarray(l * m, (l + 1) * m);
    let size = 0;
    for (let j = 0; j < m; j++) size += Math.hypot(lr[j]!, li[j]!);
    const want = naiveDft(lr, li);
    for (let f = 0; f < m; f++) {
      const gr = out.re[l * m + f]!;
      const gi = out.im[l * m + f]!;
      if (size === 0) {
        expect(gr === 0 && gi === 0).toBe(true);
      } else {
        // float32 rounding through log2(m) passes, relative to the lane's own size
        expect(Math.abs(gr - want.re[f]!)).toBeLessThanOrEqual(1e-6 * size);
        expect(Math.abs(gi - want.im[f]!)).toBeLessThanOrEqual(1e-6 * size);
      }
    }
  }
}

describe('the float32 four-lane FFT against a naive float64 DFT', () => {
  for (let m = 1; m <= 2048; m *= 2) {
    it(`m = ${m}: noise at 1e30, 1e-30, 1 and silence in the four lanes`, () => {
      const amps = [1e30, 1e-30, 1, 0];
      const a = noise(8 * m, 3 * m + 1);
      const re = new Float32Array(4 * m);
      const im = new Float32Array(4 * m);
      for (let l = 0; l < 4; l++) {
        for (let j = 0; j < m; j++) {
          re[l * m + j] = a[2 * (l * m + j)]! * amps[l]!;
          im[l * m + j] = a[2 * (l * m + j) + 1]! * amps[l]!;
        }
      }
      expectLanesExact(m, re, im);
    });

    it(`m = ${m}: an impulse at the end, a constant, a fade and an alternating sign`, () => {
      const a = noise(2 * m, m + 7);
      const re = new Float32Array(4 * m);
      const im = new Float32Array(4 * m);
      re[m - 1] = 1;
      im[m - 1] = -0.5;
      for (let j = 0; j < m; j++) {
        re[m + j] = 0.25;
        re[2 * m + j] = a[j]! * (1 - j / m) ** 2;
        im[2 * m + j] = a[m + j]! * (1 - j / m) ** 2;
        re[3 * m + j] = j % 2 === 0 ? 1 : -1;
      }
      expectLanesExact(m, re, im);
    });
  }
});
