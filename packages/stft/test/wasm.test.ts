import { readFileSync } from 'node:fs';
import { setWasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { isSmooth3 } from '../src/fft/number-theory.js';
import { JsStftKernel } from '../src/js-kernel.js';
import { resolveStftOptions, type StftOptions } from '../src/options.js';
import { type WasmAlgorithm, WasmStft, wasmAlgorithm, wasmSupports } from '../src/wasm/kernel.js';
import { WASM_BASE64 } from '../src/wasm/module.js';
import { maxAbsDiff, noise } from './helpers.js';

/** One-sided DFT of a real frame, summed naively with exactly reduced angles. */
function naiveSpectrum(x: ArrayLike<number>, n: number): Float64Array {
  const bins = Math.floor(n / 2) + 1;
  const out = new Float64Array(2 * bins);
  for (let k = 0; k < bins; k++) {
    for (let j = 0; j < n; j++) {
      const angle = (2 * Math.PI * ((j * k) % n)) / n;
      out[2 * k]! += x[j]! * Math.cos(angle);
      out[2 * k + 1]! -= x[j]! * Math.sin(angle);
    }
  }
  return out;
}

/** The JavaScript kernel and the WebAssembly one for the same options. */
function kernels(opts: StftOptions, algorithm?: WasmAlgorithm) {
  const js = new JsStftKernel(resolveStftOptions(opts));
  const cfg = js.cfg;
  return { js, wasm: new WasmStft(cfg.size, cfg.hop, cfg.window, algorithm), cfg };
}

/** Each size with every algorithm that serves it (the direct DFT only where it is ever chosen). */
function cases(sizes: number[]): [number, WasmAlgorithm][] {
  return sizes.flatMap((n): [number, WasmAlgorithm][] => {
    if (isSmooth3(n)) return [[n, 'radix']];
    return n % 2 === 1 && n <= 131
      ? [
          [n, 'direct'],
          [n, 'bluestein'],
        ]
      : [[n, 'bluestein']];
  });
}

describe('WebAssembly kernel', () => {
  it('is the assembly of wasm/stft.wat (run `pnpm wasm` in packages/stft after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/stft.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/stft.wat'));
  });

  it('stays under 4 KiB (browsers compile larger modules synchronously only off the main thread)', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });

  it('is available here (Node 20 has WebAssembly SIMD) for sizes >= 4', () => {
    expect(wasmSupports(4)).toBe(true);
    expect(wasmSupports(67)).toBe(true);
    expect(wasmSupports(2048)).toBe(true);
    expect(wasmSupports(3)).toBe(false);
    const was = setWasmEnabled(false);
    expect(wasmSupports(64)).toBe(false);
    setWasmEnabled(was);
  });

  // 3^a 2^b (Stockham radix 3, 4 and 2) and the rest through Bluestein: odd, even, prime.
  const sizes = [4, 5, 6, 7, 8, 9, 12, 16, 27, 32, 64, 67, 96, 127, 128, 162, 256, 257, 509, 512];
  it('picks the direct DFT for small odd sizes and Bluestein above (by the cost model)', () => {
    expect(wasmAlgorithm(64)).toBe('radix');
    expect(wasmAlgorithm(67)).toBe('direct');
    expect(wasmAlgorithm(96)).toBe('radix');
    expect(wasmAlgorithm(100)).toBe('bluestein');
    expect(wasmAlgorithm(127)).toBe('bluestein');
    expect(wasmAlgorithm(2053)).toBe('bluestein');
  });

  for (const [n, algorithm] of cases([...sizes, 1021, 1024, 2048, 2053, 4096, 4099, 4608])) {
    it(`spectra equal a naive DFT to 1e-12 relative and the JS kernel to 1e-14, n = ${n} (${algorithm})`, () => {
      const opts: StftOptions = { size: n, hop: Math.max(1, n >> 2), window: 'hann', center: true };
      const { js, wasm, cfg } = kernels(opts, algorithm);
      // 3 items so that the frame count is odd for some sizes (a last frame alone).
      const batch = 3;
      const length = 3 * n + 5;
      const x = noise(batch * length, n);
      const f = js.framer.frame(x, batch, length);
      const total = batch * f.frames;
      const ref = js.spectra(f);
      const got = new Float64Array(ref.length);
      wasm.spectra(f.padded, f.frames, total, f.paddedLength, got);
      let scale = 0;
      for (const v of ref) scale = Math.max(scale, Math.abs(v));
      expect(maxAbsDiff(got, ref) / scale).toBeLessThan(1e-14);
      for (const g of [0, total - 1]) {
        const start = Math.floor(g / f.frames) * f.paddedLength + (g % f.frames) * cfg.hop;
        const frame = new Float64Array(n);
        for (let j = 0; j < n; j++) frame[j] = cfg.window[j]! * f.padded[start + j]!;
        const naive = naiveSpectrum(frame, n);
        const mine = got.subarray(g * 2 * cfg.bins, (g + 1) * 2 * cfg.bins);
        expect(maxAbsDiff(mine, naive) / scale).toBeLessThan(1e-12);
      }
    });
  }

  for (const eps of [undefined, 0.05]) {
    it(`magnitudes and the adjoint equal the JS kernel's, eps = ${eps}`, () => {
      for (const [n, algorithm] of cases([8, 12, 64, 67, 127, 512])) {
        const opts: StftOptions = { size: n, hop: Math.floor(n / 4), window: 'hann' };
        const { js, wasm, cfg } = kernels(opts, algorithm);
        const batch = 2;
        const length = 4 * n + 3;
        const x = noise(batch * length, 7 + n);
        // Exact zeros in the signal give |X| = 0 bins (gradient 0, never NaN).
        x.fill(0, 0, n);
        const f = js.framer.frame(x, batch, length);
        const total = batch * f.frames;
        const count = total * cfg.bins;
        const ref = new Float64Array(count);
        js.magnitudes(f, ref, eps);
        const got = new Float32Array(count);
        wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, got);
        expect(maxAbsDiff(got, new Float32Array(ref))).toBeLessThanOrEqual(1e-6 * Math.max(...ref));
        const got64 = new Float64Array(count);
        wasm.magnitudes(f.padded, f.frames, total, f.paddedLength, eps ?? 0, got64);
        expect(maxAbsDiff(got64, ref)).toBeLessThan(1e-13 * Math.max(...ref));

        const { spec, mag } = js.analyze(f, eps);
        const dMag = noise(count, 3 * n);
        const gRef = js.backward(f, spec, mag, dMag, eps);
        const gp = new Float64Array(batch * f.paddedLength);
        wasm.backward(spec, mag, dMag, f.frames, total, f.paddedLength, eps ?? 0, gp);
        // Undo the padding as the JS kernel does (no reflection here: centred with reflect
        // padding folds the ends back in; compare the interior, which has no folding).
        let worst = 0;
        let scale = 0;
        for (let b = 0; b < batch; b++) {
          for (let t = f.left + 1; t < length - f.left - 1; t++) {
            const a = gp[b * f.paddedLength + f.left + t]!;
            const r = gRef[b * length + t]!;
            worst = Math.max(worst, Math.abs(a - r));
            scale = Math.max(scale, Math.abs(r));
          }
        }
        expect(Number.isFinite(worst)).toBe(true);
        expect(worst).toBeLessThan(1e-13 * scale);
      }
    });
  }
});
