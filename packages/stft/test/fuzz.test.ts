/**
 * Seeded fuzz test (issue 12): random STFT configurations and signals (silence, leading and
 * trailing silence, silent items, impulses, fades over 300 dB, amplitudes from 1e-300 to 1e300)
 * against the naive STFT of test/naive.ts: spectra, magnitudes and the gradient, frame by frame
 * relative to each frame's own size, silent frames and samples exactly 0. Small in CI (25 runs,
 * both kernels: `pnpm test` runs it with and without WebAssembly); a longer run:
 * `FUZZ_RUNS=2000 pnpm --filter @losses/stft fuzz` (FUZZ_SEED picks another seed).
 */
import { tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStft, type MagnitudeOptions, magnitude, magnitudeVjp, stft } from '../src/index.js';
import { naiveOptions, noise } from './helpers.js';
import { naiveStft, naiveVjp } from './naive.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 25);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

type Shape = 'noise' | 'silent' | 'leading' | 'trailing' | 'impulse' | 'fade';

/**
 * One item of `length` samples of the given shape and amplitude. A fade's quiet end (300 dB down)
 * stays in float64's normal range (amplitude >= 1e-270): below it the naive sums lose the bits
 * that the kernels, scaling each frame first, keep.
 */
function item(shape: Shape, length: number, amplitudeIn: number, seed: number): Float64Array {
  const amplitude = shape === 'fade' ? Math.max(amplitudeIn, 1e-270) : amplitudeIn;
  const x = noise(length, seed);
  const cut = Math.floor(length * ((seed % 7) / 8 + 0.1));
  for (let t = 0; t < length; t++) {
    let v = x[t]!;
    if (shape === 'silent') v = 0;
    else if (shape === 'leading' && t < cut) v = 0;
    else if (shape === 'trailing' && t >= cut) v = 0;
    else if (shape === 'impulse') v = t === cut ? 1 : 0;
    else if (shape === 'fade') v *= 10 ** (-15 * (1 - t / length)); // -300 dB to 0 dB
    x[t] = v * amplitude;
  }
  return x;
}

const configuration = fc
  .record({
    size: fc.oneof(
      fc.integer({ min: 1, max: 40 }),
      fc.constantFrom(64, 67, 96, 100, 127, 128, 243, 256, 257, 509),
    ),
    hopFraction: fc.double({ min: 0.05, max: 1.3, noNaN: true }),
    window: fc.constantFrom('hann', 'hamming', 'blackman', 'flattop', 'rectangular', 'custom'),
    windowFraction: fc.double({ min: 0.3, max: 1, noNaN: true }),
    framing: fc.constantFrom('reflect', 'constant', 'plain', 'padEnd'),
    batch: fc.integer({ min: 1, max: 3 }),
    extra: fc.integer({ min: 0, max: 300 }),
    shapes: fc.array(
      fc.constantFrom<Shape>('noise', 'silent', 'leading', 'trailing', 'impulse', 'fade'),
      {
        minLength: 3,
        maxLength: 3,
      },
    ),
    // Down to 1e-280: with window values near 1e-17 (Blackman's ends) and fades, the windowed
    // samples stay normal numbers, whose naive sums the reference computes exactly enough
    // (test/silence.test.ts covers 1e-300 with its own tolerances).
    amplitude: fc.constantFrom(1, 0.01, 1e-150, 1e150, 1e-280, 1e300),
    floor: fc.boolean(),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map((c) => {
    const size = c.size;
    const hop = Math.max(1, Math.round(size * c.hopFraction));
    const windowLength = Math.max(1, Math.round(size * c.windowFraction));
    const window =
      c.window === 'custom'
        ? Array.from(noise(windowLength, c.seed), (v) => (Math.abs(v) < 0.2 ? 0 : 2 * v))
        : c.window;
    const center = c.framing === 'reflect' || c.framing === 'constant';
    const options: MagnitudeOptions = {
      size,
      hop,
      window: window as MagnitudeOptions['window'],
      windowLength,
      center,
      padMode: c.framing === 'constant' ? 'constant' : 'reflect',
      padEnd: c.framing === 'padEnd',
    };
    const min =
      c.framing === 'reflect' ? Math.floor(size / 2) + 1 : c.framing === 'plain' ? size : 1;
    const length = min + c.extra;
    const a = c.amplitude;
    if (c.floor && a >= 1e-150 && a <= 1e150) options.eps = a * a * 1e-3;
    return { options, length, ...c };
  });

describe('fuzz: the STFT against a naive STFT (issue 12)', () => {
  it(`agrees on ${RUNS} random configurations and partly silent, extreme signals`, () => {
    fc.assert(
      fc.property(configuration, ({ options, length, batch, shapes, amplitude, seed }) => {
        const { eps: _eps, ...stftOptions } = options;
        const eps = options.eps ?? 0;
        const plan = createStft(stftOptions);
        const naive = naiveOptions(stftOptions);
        const items = Array.from({ length: batch }, (_, b) =>
          item(shapes[b]!, length, amplitude, seed + b),
        );
        const x = tensor(Float64Array.from(items.flatMap((v) => Array.from(v))), [batch, length]);
        const X = stft(x, stftOptions).data;
        const M = magnitude(x, options).data;
        const frames = plan.frameCount(length);
        const bins = plan.bins;
        const dMag = noise(batch * frames * bins, seed);
        items.forEach((v, b) => {
          const ref = naiveStft(v, naive);
          ref.spec.forEach((row, f) => {
            const s = ref.scale[f]!;
            row.forEach(([re, im], k) => {
              const i = (b * frames + f) * bins + k;
              const m = Math.hypot(re, im);
              const got = [X[2 * i]!, X[2 * i + 1]!, M[i]!];
              const want = [re, im, Math.max(m, Math.sqrt(eps))];
              if (s === 0) {
                expect(got[0] === 0 && got[1] === 0).toBe(true);
                expect(got[2]).toBe(Math.sqrt(eps));
              } else {
                for (let c = 0; c < 3; c++) {
                  expect(Math.abs(got[c]! - want[c]!)).toBeLessThanOrEqual(1e-12 * s);
                }
              }
              // No gradient through bins whose phase rounding decides (|X| near 0 for its
              // frame, or |X|^2 near the floor): there the reference is as uncertain as we are.
              const p = re * re + im * im;
              if (m < 1e-6 * s || Math.abs(p - eps) < 1e-6 * Math.max(p, eps)) dMag[i] = 0;
            });
          });
        });
        const g = magnitudeVjp(x, options, dMag).data;
        items.forEach((v, b) => {
          const dm = Array.from({ length: frames }, (_, f) =>
            Array.from(dMag.subarray((b * frames + f) * bins, (b * frames + f + 1) * bins)),
          );
          const ref = naiveVjp(v, naive, dm, eps);
          for (let t = 0; t < length; t++) {
            const got = g[b * length + t]!;
            if (ref.scale[t] === 0) expect(got === 0).toBe(true);
            else expect(Math.abs(got - ref.grad[t]!)).toBeLessThanOrEqual(1e-9 * ref.scale[t]!);
          }
        });
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
