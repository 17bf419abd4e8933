/**
 * The float32 kernels' shared check (test/float32.test.ts, test/float32-any.test.ts): magnitudes
 * frame by frame against the naive float64 STFT.
 */
import { tensor } from '@losses/tensor';
import { expect } from 'vitest';
import { createStft, type MagnitudeOptions, magnitude } from '../src/index.js';
import { naiveStft } from './naive.js';

/** The tolerance of the float32 route, relative to each frame's largest magnitude. */
export const TOL = 1e-5;
/**
 * The absolute resolution of float32 outputs and windowed samples: 2^-149, the smallest subnormal
 * (a frame of n samples: n of them). Only frames in the subnormal range see it.
 */
export const TINY = 2 ** -149;

/**
 * Checks magnitude(x) of float32 `x` (`[batch, length]`) frame by frame against the naive float64
 * STFT of the same float32 values (and, with `againstFloat64`, against the float64 kernel's
 * magnitudes of them): exactly 0 for a silent frame, else within TOL of the frame's largest |X|.
 * Returns the worst relative error seen.
 */
export function expectWithinFrame(
  x: Float32Array,
  batch: number,
  o: MagnitudeOptions,
  eps = 0,
  againstFloat64 = false,
): number {
  const length = x.length / batch;
  const M = magnitude(tensor(x, [batch, length]), { ...o, eps: eps || undefined });
  expect(M.data).toBeInstanceOf(Float32Array);
  const M64 = againstFloat64
    ? magnitude(tensor(Float64Array.from(x), [batch, length]), { ...o, eps: eps || undefined })
    : undefined;
  const plan = createStft(o);
  const bins = plan.bins;
  const floor = Math.sqrt(eps);
  let worst = 0;
  let row = 0;
  for (let b = 0; b < batch; b++) {
    const ref = naiveStft(x.subarray(b * length, (b + 1) * length), {
      size: plan.size,
      hop: plan.hop,
      window: plan.window,
      center: plan.center,
      padMode: plan.padMode,
      padEnd: plan.padEnd,
    });
    for (const frame of ref.spec) {
      const mags = frame.map(([re, im]) => Math.max(Math.hypot(re, im), floor));
      const peak = Math.max(...mags);
      for (let k = 0; k < bins; k++) {
        const got = M.data[row * bins + k]!;
        expect(Number.isFinite(got)).toBe(true);
        if (peak === 0) {
          expect(got).toBe(0);
          continue;
        }
        const err = Math.abs(got - mags[k]!);
        worst = Math.max(worst, err / peak);
        expect(err).toBeLessThanOrEqual(TOL * peak + plan.size * TINY);
        if (M64 !== undefined) {
          expect(Math.abs(got - M64.data[row * bins + k]!)).toBeLessThanOrEqual(
            TOL * peak + plan.size * TINY,
          );
        }
      }
      row++;
    }
  }
  expect(row * bins).toBe(M.data.length);
  return worst;
}
