/**
 * Issue 17, item 2: the float32 route. A float32 signal's magnitude spectrogram at a power-of-two
 * size runs in wasm/stft32.wat (four frames per f32x4 vector); each frame's magnitudes must be
 * within 1e-5 of that frame's largest magnitude (computed in float64 by the naive reference), a
 * silent frame exactly 0 (issue 12: each frame accurate relative to its own size, frames never
 * paired across items), and float64 signals keep the float64 kernels bit for bit.
 */
import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { mulberry32, setWasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { magnitude } from '../src/index.js';
import { createKernel } from '../src/kernel.js';
import { resolveStftOptions } from '../src/options.js';
import { WasmStft32, wasm32Supports } from '../src/wasm/kernel32.js';
import { WASM_BASE64 } from '../src/wasm/module32.js';
import { expectWithinFrame, TOL } from './float32-helpers.js';
import { noise } from './helpers.js';

describe('float32 WebAssembly kernel', () => {
  it('is the assembly of wasm/stft32.wat (run `pnpm wasm` in packages/stft after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module32.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/stft32.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/stft32.wat'));
  });

  it('stays under 4 KiB', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });

  it('serves sizes from 8 (other sizes too: float32-any.test.ts), only with WebAssembly on', () => {
    expect(wasm32Supports(8)).toBe(true);
    expect(wasm32Supports(4096)).toBe(true);
    expect(wasm32Supports(4)).toBe(false);
    expect(wasm32Supports(96)).toBe(true);
    expect(wasm32Supports(127)).toBe(true);
    const was = setWasmEnabled(false);
    expect(wasm32Supports(1024)).toBe(false);
    setWasmEnabled(was);
  });

  for (const m of [4, 8, 16, 64, 128, 512]) {
    it(`its 4-lane complex FFT equals a naive DFT per lane, m = ${m}`, () => {
      const k = new WasmStft32(2 * m, m, new Float64Array(2 * m).fill(1));
      // Lanes of very different sizes: each must be accurate relative to its own.
      const amps = [1, 1e-20, 1e20, 0];
      const re = new Float32Array(4 * m);
      const im = new Float32Array(4 * m);
      const a = noise(8 * m, m);
      for (let l = 0; l < 4; l++) {
        for (let j = 0; j < m; j++) {
          re[l * m + j] = a[2 * (l * m + j)]! * amps[l]!;
          im[l * m + j] = a[2 * (l * m + j) + 1]! * amps[l]!;
        }
      }
      const out = k.fft4(re, im);
      for (let l = 0; l < 4; l++) {
        let size = 0;
        for (let j = 0; j < m; j++) size += Math.hypot(re[l * m + j]!, im[l * m + j]!);
        for (let f = 0; f < m; f++) {
          let sr = 0;
          let si = 0;
          for (let j = 0; j < m; j++) {
            const angle = (-2 * Math.PI * ((j * f) % m)) / m;
            const c = Math.cos(angle);
            const s = Math.sin(angle);
            sr += re[l * m + j]! * c - im[l * m + j]! * s;
            si += re[l * m + j]! * s + im[l * m + j]! * c;
          }
          if (size === 0) {
            expect(out.re[l * m + f] === 0 && out.im[l * m + f] === 0).toBe(true);
          } else {
            expect(Math.abs(out.re[l * m + f]! - sr)).toBeLessThanOrEqual(1e-6 * size);
            expect(Math.abs(out.im[l * m + f]! - si)).toBeLessThanOrEqual(1e-6 * size);
          }
        }
      }
    });
  }
});

describe('the float32 route of magnitude (issue 17)', () => {
  for (const size of [8, 16, 32, 64, 128, 256, 512, 1024, 2048, 4096]) {
    it(`float32 magnitudes within ${TOL} of each frame's peak, size ${size}`, () => {
      const hop = Math.max(1, size >= 2048 ? size >> 1 : size >> 2);
      // Odd length, three items: noise, a fade to silence, and a silent item.
      const length = size + 3 * hop + 1;
      const x = new Float32Array(3 * length);
      const a = noise(length, size);
      for (let j = 0; j < length; j++) {
        x[j] = a[j]!;
        x[length + j] = j < length / 2 ? a[j]! * (1 - (2 * j) / length) : 0;
      }
      expectWithinFrame(x, 3, { size, hop, window: 'hann', center: true });
    });
  }

  it('is accurate for each frame relative to its own size: loud, quiet, subnormal, silent', () => {
    // Frames (hop = size, no centring) of amplitudes from 1e35 (peaks near 2e38 < FLT_MAX) to the
    // subnormal range (1e-40) and 0, next to each other in one item.
    const size = 256;
    const amps = [1, 1e35, 0, 1e-30, 1e-40, 1e-44, 0, 3e-3, 1e20];
    const a = noise(size * amps.length, 7);
    const x = Float32Array.from(a, (v, i) => v * amps[Math.floor(i / size)]!);
    expectWithinFrame(x, 1, { size, hop: size, window: 'hann', center: false });
    // Frames above the subnormal range meet TOL alone (no absolute term).
    const normal = Float32Array.from(x, (v, i) => (Math.floor(i / size) < 4 ? v : 0));
    expect(
      expectWithinFrame(normal, 1, { size, hop: size, window: 'hann', center: false }),
    ).toBeLessThan(TOL);
  });

  it('applies the eps floor as the float64 route does', () => {
    const size = 64;
    const x = Float32Array.from(noise(300, 3), (v, i) => (i < 150 ? v * 1e-4 : v));
    expectWithinFrame(x, 1, { size, hop: 16 }, 1e-6);
  });

  it('gives an item the same bits alone as in any batch (frames are not paired across items)', () => {
    const size = 128;
    const length = 700;
    const items = [noise(length, 1), noise(length, 2).map((v) => v * 1e-25), noise(length, 3)];
    const batch = new Float32Array(3 * length);
    items.forEach((it, b) => {
      batch.set(it, b * length);
    });
    const all = magnitude(tensor(batch, [3, length]), { size, hop: 48 }).data;
    const per = all.length / 3;
    items.forEach((it, b) => {
      const alone = magnitude(tensor(Float32Array.from(it), [1, length]), { size, hop: 48 }).data;
      expect(Array.from(all.subarray(b * per, (b + 1) * per))).toEqual(Array.from(alone));
    });
  });

  it('agrees with the naive STFT on 30 seeded random configurations (fuzz)', () => {
    const rand = mulberry32(17);
    for (let run = 0; run < 30; run++) {
      const size = 2 ** (3 + Math.floor(rand() * 7));
      const hop = 1 + Math.floor(rand() * size);
      const center = rand() < 0.7;
      const batch = 1 + Math.floor(rand() * 3);
      const length = size + Math.floor(rand() * 3 * size);
      const windowLength = rand() < 0.3 ? 1 + Math.floor(rand() * size) : size;
      const x = new Float32Array(batch * length);
      for (let i = 0; i < x.length; i++) {
        // Segments of random loudness (10^-30 .. 10^10), some silent.
        const seg = Math.floor(i / 37);
        const loud = mulberry32(seg * 31 + run)();
        x[i] = loud < 0.15 ? 0 : (2 * rand() - 1) * 10 ** (40 * loud - 30);
      }
      const padMode = rand() < 0.5 ? 'reflect' : 'constant';
      expectWithinFrame(x, batch, {
        size,
        hop,
        center,
        windowLength,
        padMode,
        window: rand() < 0.5 ? 'hann' : 'hamming',
      });
    }
  });

  it('leaves float64 signals on the float64 kernels, bit for bit', () => {
    const size = 512;
    const x = noise(3 * 2000, 5);
    const opts = { size, hop: 128 };
    const got = magnitude(tensor(x, [3, 2000]), opts).data;
    expect(got).toBeInstanceOf(Float64Array);
    const kernel = createKernel(resolveStftOptions(opts));
    const framed = kernel.framer.frame(x, 3, 2000);
    const want = new Float64Array(got.length);
    kernel.magnitudes(framed, want, undefined);
    expect(Array.from(got)).toEqual(Array.from(want));
  });

  it('uses the float64 kernels for float32 signals below size 8 and with WebAssembly off', () => {
    const x = Float32Array.from(noise(1000, 9));
    for (const [size, off] of [
      [6, false],
      [7, false],
      [96, true],
      [256, true],
    ] as const) {
      const was = setWasmEnabled(!off);
      try {
        const opts = { size, hop: 32 };
        const got = magnitude(x, opts).data;
        const want = new Float32Array(magnitude(Float64Array.from(x), opts).data);
        expect(Array.from(got)).toEqual(Array.from(want));
      } finally {
        setWasmEnabled(was);
      }
    }
  });
});
