import { tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { createStft, getFftPlan, type StftOptions, stft } from '../src/index.js';

const config = fc
  .record({
    size: fc.integer({ min: 1, max: 40 }),
    hop: fc.integer({ min: 1, max: 20 }),
    padMode: fc.constantFrom('reflect' as const, 'constant' as const),
    window: fc.constantFrom('hann' as const, 'hamming' as const, 'rectangular' as const),
    center: fc.boolean(),
  })
  .map((o): StftOptions => o);

const signal = (length: number) =>
  fc.float64Array({ minLength: length, maxLength: length, min: -1, max: 1, noNaN: true });

describe('STFT laws', () => {
  it('is linear: stft(a x + b y) = a stft(x) + b stft(y)', () => {
    fc.assert(
      fc.property(
        config,
        signal(64),
        signal(64),
        fc.double({ min: -3, max: 3, noNaN: true }),
        fc.double({ min: -3, max: 3, noNaN: true }),
        (options, x, y, a, b) => {
          const mix = x.map((v, i) => a * v + b * y[i]!);
          const lhs = stft(mix, options).data;
          const sx = stft(x, options).data;
          const sy = stft(y, options).data;
          for (let i = 0; i < lhs.length; i++) {
            expect(Math.abs(lhs[i]! - (a * sx[i]! + b * sy[i]!))).toBeLessThan(1e-10);
          }
        },
      ),
      { numRuns: 60 },
    );
  });

  it("keeps Parseval's identity for the FFT: sum |x|^2 = sum |X|^2 / n", () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 300 }), fc.integer(), (n, seed) => {
        const rng = fc.sample(fc.double({ min: -1, max: 1, noNaN: true }), {
          numRuns: 2 * n,
          seed,
        });
        const x = Float64Array.from(rng);
        const X = new Float64Array(2 * n);
        getFftPlan(n).transform(x, X);
        let ex = 0;
        let eX = 0;
        for (let i = 0; i < 2 * n; i++) {
          ex += x[i]! ** 2;
          eX += X[i]! ** 2;
        }
        expect(Math.abs(ex - eX / n)).toBeLessThan(1e-10 * Math.max(1, ex));
      }),
      { numRuns: 80 },
    );
  });

  it('keeps the float type and gives [(B,) frames, bins(, 2)] shapes', () => {
    fc.assert(
      fc.property(
        config,
        fc.integer({ min: 1, max: 3 }),
        fc.boolean(),
        fc.boolean(),
        (options, batch, batched, single) => {
          const length = 50;
          const data = single ? new Float32Array(batch * length) : new Float64Array(batch * length);
          data.forEach((_, i) => {
            data[i] = Math.sin(i);
          });
          const x = batched ? tensor(data, [batch, length]) : tensor(data.subarray(0, length));
          const plan = createStft(options);
          const frames = plan.frameCount(length);
          const lead = batched ? [batch] : [];
          const X = plan.stft(x);
          expect(X.shape).toEqual([...lead, frames, plan.bins, 2]);
          expect(X.data.constructor).toBe(data.constructor);
          const { magnitude, vjp } = plan.magnitudeWithVjp(x);
          expect(magnitude.shape).toEqual([...lead, frames, plan.bins]);
          expect(magnitude.data.constructor).toBe(data.constructor);
          const g = vjp(magnitude);
          expect(g.shape).toEqual(x.shape);
          expect(g.data.constructor).toBe(data.constructor);
        },
      ),
      { numRuns: 60 },
    );
  });

  it('never modifies its inputs', () => {
    fc.assert(
      fc.property(config, signal(48), (options, x) => {
        const copy = x.slice();
        const plan = createStft(options);
        plan.stft(x);
        const { magnitude, vjp } = plan.magnitudeWithVjp(x);
        const dMag = magnitude.data.slice();
        vjp(tensor(dMag, magnitude.shape));
        expect(x).toEqual(copy);
        expect(dMag).toEqual(magnitude.data);
      }),
      { numRuns: 40 },
    );
  });
});
