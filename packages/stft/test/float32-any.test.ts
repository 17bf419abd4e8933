/**
 * Issue 17, item 2: the float32 route at sizes that are not powers of two (wasm/stft32-any.wat,
 * WasmStft32Any: Bluestein over the power-of-two four-lane FFT, two real frames per complex lane).
 * Forward: each frame's magnitudes within 1e-5 of that frame's largest magnitude against the naive
 * float64 STFT of the same float32 values and against the float64 kernel; a silent frame exactly 0;
 * an item's bits the same alone as in any batch. Adjoint: each frame's gradient within 1e-5 of its
 * largest |gradient| against a naive float64 adjoint (float64 and float32 rows of magnitudes and
 * dL/d|X|; a floor whose float32 sqrt rounds up), and against the float64 route's gradient.
 */
import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { mulberry32, setWasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { Framer } from '../src/framing.js';
import { magnitude } from '../src/index.js';
import { resolveStftOptions } from '../src/options.js';
import { F32_ANY_MAX_SIZE, type MagnitudeRows, wasm32Supports } from '../src/wasm/kernel32.js';
import { convolutionSize, WasmStft32Any } from '../src/wasm/kernel32-any.js';
import { WASM_BASE64 } from '../src/wasm/module32-any.js';
import { expectWithinFrame, naiveFrameAdjoint, TINY, TOL } from './float32-helpers.js';
import { noise } from './helpers.js';

describe('float32 kernel at any size: the module', () => {
  it('is the assembly of wasm/stft32-any.wat (run `pnpm wasm` in packages/stft after editing it)', async () => {
    const committed = readFileSync(new URL('../src/wasm/module32-any.ts', import.meta.url), 'utf8');
    const wat = new URL('../wasm/stft32-any.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/stft32-any.wat'));
  });

  it('stays under 8 KiB', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(8192);
  });

  it('serves every size from 8 to the limit (powers of two beyond), only with WebAssembly on', () => {
    for (const n of [8, 9, 67, 96, 100, 127, 2053, 3000, F32_ANY_MAX_SIZE, 2 ** 22]) {
      expect(wasm32Supports(n)).toBe(true);
    }
    expect(wasm32Supports(7)).toBe(false);
    expect(wasm32Supports(F32_ANY_MAX_SIZE + 1)).toBe(false);
    const was = setWasmEnabled(false);
    expect(wasm32Supports(127)).toBe(false);
    setWasmEnabled(was);
  });

  it('convolves by Rader at n - 1 for a prime n where the FFT runs n - 1, else at the cheaper of the smallest power of two and 5 L >= 2n - 1', () => {
    // Rader: n - 1 a power of two or 5 L (L a power of two >= 4)
    expect(convolutionSize(17)).toBe(16);
    expect(convolutionSize(41)).toBe(40);
    expect(convolutionSize(257)).toBe(256);
    expect(convolutionSize(641)).toBe(640);
    // not Rader: 11 - 1 = 5 * 2 (L < 4), 509 - 1 = 4 * 127, 161 = 7 * 23 (not prime)
    expect(convolutionSize(11)).toBe(32);
    expect(convolutionSize(161)).toBe(512);
    // Bluestein
    expect(convolutionSize(67)).toBe(160);
    expect(convolutionSize(127)).toBe(256);
    expect(convolutionSize(128)).toBe(256);
    expect(convolutionSize(129)).toBe(320);
    expect(convolutionSize(509)).toBe(1024);
    expect(convolutionSize(1021)).toBe(2048);
    expect(convolutionSize(2053)).toBe(5120);
    expect(convolutionSize(9)).toBe(20);
  });

  it("refuses Rader's length n - 1 for a size that is not prime", () => {
    const window = new Float64Array(161).fill(1);
    expect(() => new WasmStft32Any(161, 80, window, 160)).toThrow('needs a prime size, not 161');
  });
});

describe.runIf(wasm32Supports(9))('the float32 route of magnitude at any size (issue 17)', () => {
  for (const size of [9, 10, 17, 41, 67, 100, 127, 257, 509, 641, 1021, 2053, 3000]) {
    it(`float32 magnitudes within ${TOL} of each frame's peak, size ${size}`, () => {
      const hop = Math.max(1, size >> 1);
      // Odd length, four items: noise, a fade to silence, a silent item, a 1e-30 item.
      const length = size + 3 * hop + 1;
      const x = new Float32Array(4 * length);
      const a = noise(length, size);
      for (let j = 0; j < length; j++) {
        x[j] = a[j]!;
        x[length + j] = j < length / 2 ? a[j]! * (1 - (2 * j) / length) : 0;
        x[3 * length + j] = a[length - 1 - j]! * 1e-30;
      }
      expectWithinFrame(x, 4, { size, hop, window: 'hann', center: true }, 0, true);
    });
  }

  it('is accurate for each frame relative to its own size: loud, quiet, subnormal, silent', () => {
    // Frames (hop = size, no centring) of amplitudes from 1e35 to the subnormal range and 0.
    const size = 255;
    const amps = [1, 1e35, 0, 1e-30, 1e-40, 1e-44, 0, 3e-3, 1e20, 1e30, 1e-30];
    const a = noise(size * amps.length, 7);
    const x = Float32Array.from(a, (v, i) => v * amps[Math.floor(i / size)]!);
    expectWithinFrame(x, 1, { size, hop: size, window: 'hann', center: false }, 0, true);
    const normal = Float32Array.from(x, (v, i) => (Math.floor(i / size) < 4 ? v : 0));
    expect(
      expectWithinFrame(normal, 1, { size, hop: size, window: 'hann', center: false }, 0, true),
    ).toBeLessThan(TOL);
  });

  it('applies the eps floor as the float64 route does', () => {
    const x = Float32Array.from(noise(300, 3), (v, i) => (i < 150 ? v * 1e-4 : v));
    expectWithinFrame(x, 1, { size: 67, hop: 16 }, 1e-6, true);
  });

  it('gives an item the same bits alone as in any batch (pairs stay within an item)', () => {
    const size = 127;
    const length = 701;
    const items = [
      noise(length, 1),
      noise(length, 2).map((v) => v * 1e-25),
      noise(length, 3),
      new Float64Array(length),
      noise(length, 4),
    ];
    for (const count of [1, 2, 3, 5]) {
      const batch = new Float32Array(count * length);
      for (let b = 0; b < count; b++) batch.set(items[b]!, b * length);
      const all = magnitude(tensor(batch, [count, length]), { size, hop: 48 }).data;
      const per = all.length / count;
      for (let b = 0; b < count; b++) {
        const alone = magnitude(tensor(Float32Array.from(items[b]!), [1, length]), {
          size,
          hop: 48,
        }).data;
        expect(Array.from(all.subarray(b * per, (b + 1) * per))).toEqual(Array.from(alone));
      }
    }
  });

  /** `runs` seeded random configurations (size from `size(rand)`) against the naive STFT. */
  function fuzz(runs: number, seed: number, pick: (rand: () => number) => number): void {
    const rand = mulberry32(seed);
    for (let run = 0; run < runs; run++) {
      const size = pick(rand);
      const hop = 1 + Math.floor(rand() * size);
      const center = rand() < 0.7;
      const batch = 1 + Math.floor(rand() * 9);
      const length = size + Math.floor(rand() * 3 * size);
      const x = new Float32Array(batch * length);
      for (let i = 0; i < x.length; i++) {
        // Segments of random loudness (10^-30 .. 10^10), some silent.
        const seg = Math.floor(i / 37);
        const r = mulberry32(seg * 7919 + run)();
        const amp = r < 0.15 ? 0 : 10 ** (-30 + 40 * r);
        x[i] = (rand() - 0.5) * amp;
      }
      expectWithinFrame(x, batch, { size, hop, center, window: 'hann' }, 0, true);
    }
  }

  it('agrees with the naive STFT on 30 seeded random configurations (fuzz)', () => {
    fuzz(30, 23, (rand) => {
      const size = 8 + Math.floor(rand() * 600);
      return (size & (size - 1)) === 0 ? size + 1 : size;
    });
  });

  it("agrees with the naive STFT on 12 seeded random configurations at Rader's sizes (fuzz)", () => {
    const sizes = [17, 41, 257, 641];
    fuzz(12, 29, (rand) => sizes[Math.floor(rand() * sizes.length)]!);
  });
});

interface Case {
  n: number;
  hop: number;
  /** Per frame: its amplitude (0: silent). */
  amps: number[];
  floor?: number;
  /** The width of the magnitude and dL/d|X| rows (default float64). */
  rows?: MagnitudeRows;
  /** Items of the batch (the frames split evenly among them). */
  items?: number;
  /** The convolution length (default: the kernel's choice). */
  mm?: number;
}

/** Runs analyzeAt + adjointAt on the frames of `c`, returning the float32 gradient and inputs. */
function run(c: Case, seed: number) {
  const { n, hop, amps } = c;
  const items = c.items ?? 1;
  const frames = amps.length / items;
  const length = (frames - 1) * hop + n;
  const cfg = resolveStftOptions({ size: n, hop, window: 'hann', center: false });
  const framer = new Framer(cfg);
  expect(framer.frameCount(length)).toBe(frames);
  const rand = mulberry32(seed);
  const x = new Float32Array(items * length);
  for (let b = 0; b < items; b++) {
    for (let i = 0; i < length; i++) {
      const f = Math.min(frames - 1, Math.floor(i / hop));
      x[b * length + i] = amps[b * frames + f]! * (rand() - 0.5);
    }
  }
  const k = new WasmStft32Any(n, hop, cfg.window, c.mm);
  const bins = Math.floor(n / 2) + 1;
  const total = items * frames;
  const rows = c.rows ?? 'float64';
  const w = rows === 'float32' ? 4 : 8;
  const [sig, mag, spec, dmag, gp] = k.layout(
    4 * items * length,
    w * total * bins,
    k.specBytes(total, frames),
    w * total * bins,
    4 * items * length,
  ) as [number, number, number, number, number];
  k.view32().set(x, sig / 4);
  const floor = c.floor ?? 0;
  k.analyzeAt(sig, frames, total, length, mag, spec, floor, rows);
  const d = new Float64Array(total * bins);
  for (let i = 0; i < d.length; i++) d[i] = rand() - 0.5;
  if (rows === 'float32') k.view32().set(d, dmag / 4);
  else k.view64().set(d, dmag / 8);
  k.view32().fill(0, gp / 4, gp / 4 + items * length);
  k.adjointAt(spec, mag, dmag, frames, total, length, floor, gp, rows);
  const g = k.view32().slice(gp / 4, gp / 4 + items * length);
  return { x, d, g, window: cfg.window, length, bins, frames, items };
}

describe.runIf(wasm32Supports(9))('float32 adjoint at any size (issue 17)', () => {
  const cases: [string, Case][] = [
    ['n 9, 5 frames (a missing frame b)', { n: 9, hop: 9, amps: [1, 1, 1, 1, 1] }],
    ['n 10, a silent frame', { n: 10, hop: 10, amps: [1, 0, 1, 2] }],
    ['n 67, extreme amplitudes', { n: 67, hop: 67, amps: [1e-30, 1e30, 1e-33, 3e37, 1, 0, 1e-20] }],
    ['n 100, a floor', { n: 100, hop: 100, amps: [1, 1e-3, 1e-9], floor: 1e-8 }],
    [
      'n 127, three items of 3 frames (pairs within items; lanes past the last pair)',
      { n: 127, hop: 127, amps: [1, 0.5, 2, 0, 0, 0, 1e-20, 3, 1], items: 3 },
    ],
    ['n 509, 3 frames', { n: 509, hop: 509, amps: [1, 0.5, 1e-5] }],
    ['n 2053, 2 frames', { n: 2053, hop: 2053, amps: [1, 0.25] }],
    // sqrt(1e-6) = 1e-3 rounds up in float32: magnitudes at the floor pass no gradient (no NaN)
    [
      'n 67, a floor above its float64 sqrt',
      { n: 67, hop: 67, amps: [1, 0, 1e-6, 2, 0], floor: 1e-6 },
    ],
    [
      'n 257 (Rader over 256), float32 rows, a floor, extreme amplitudes',
      { n: 257, hop: 257, amps: [1, 0, 1e-30, 1e30, 1e-4], floor: 1e-8, rows: 'float32' },
    ],
    [
      'n 257 by Bluestein (M = 640), float32 rows, a floor, extreme amplitudes',
      { n: 257, hop: 257, amps: [1, 0, 1e-30, 1e30, 1e-4], floor: 1e-8, rows: 'float32', mm: 640 },
    ],
    [
      'n 41 (Rader over 5 x 8), two items of 3 frames, a silent frame',
      { n: 41, hop: 41, amps: [1, 0, 2, 1e-3, 3, 1], items: 2 },
    ],
    ['n 641 (Rader over 5 x 128), 3 frames', { n: 641, hop: 641, amps: [1, 1e-20, 0.5] }],
    [
      'n 17 (Rader over 16), float32 rows, 5 frames',
      { n: 17, hop: 17, amps: [1, 2, 0, 1e25, 1], rows: 'float32' },
    ],
    [
      'n 31, float32 rows, two items of 3 frames',
      { n: 31, hop: 31, amps: [1, 0.5, 2, 0, 3, 1], items: 2, rows: 'float32' },
    ],
  ];
  for (const [name, c] of cases) {
    it(`each frame within ${TOL} of its largest gradient: ${name}`, () => {
      const { x, d, g, window, length, frames, items } = run(c, 7);
      for (let b = 0; b < items; b++) {
        for (let f = 0; f < frames; f++) {
          const start = b * length + f * c.hop;
          const w = naiveFrameAdjoint(x, start, window, c.n, d, b * frames + f, c.floor ?? 0);
          let peak = 0;
          for (const v of w) peak = Math.max(peak, Math.abs(v));
          for (let j = 0; j < c.n; j++) {
            const got = g[start + j]!;
            expect(Number.isFinite(got)).toBe(true);
            if (peak === 0) expect(got).toBe(0);
            else expect(Math.abs(got - w[j]!)).toBeLessThanOrEqual(TOL * peak + TINY * c.n);
          }
        }
      }
    });
  }

  it('overlapping frames (hop n / 4) add up', () => {
    const c: Case = { n: 37, hop: 9, amps: [1, 1, 1, 1, 1, 1, 1] };
    const { x, d, g, window, length } = run(c, 3);
    const want = new Float64Array(length);
    c.amps.forEach((_, f) => {
      const p = naiveFrameAdjoint(x, f * c.hop, window, c.n, d, f, c.floor ?? 0);
      for (let j = 0; j < c.n; j++) want[f * c.hop + j]! += p[j]!;
    });
    let peak = 0;
    for (const v of want) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < length; i++) {
      expect(Math.abs(g[i]! - want[i]!)).toBeLessThanOrEqual(TOL * peak);
    }
  });
});
