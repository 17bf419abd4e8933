/**
 * The float32 kernels' shared checks (test/float32.test.ts, test/float32-any.test.ts,
 * test/float32-adjoint.test.ts): magnitudes frame by frame against the naive float64 STFT, and the
 * naive float64 adjoint of one frame.
 */
import { tensor } from '@losses/tensor';
import { expect } from 'vitest';
import { createStft, type MagnitudeOptions, magnitude } from '../src/index.js';
import { naiveOptions } from './helpers.js';
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
    const ref = naiveStft(x.subarray(b * length, (b + 1) * length), naiveOptions(o));
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

/**
 * The naive float64 adjoint through |X| of the frame of `n` samples of `x` from `start`: with X the
 * DFT of window * frame and dL/d|X_k| = d[row * bins + k] (bins = floor(n / 2) + 1), the frame's
 * gradient window_j Re sum_k dL/d|X_k| conj(X_k) / |X_k| e^{-2 pi i j k / n}, no bin passing where
 * |X_k| <= sqrt(floor) or |X_k| = 0.
 */
export function naiveFrameAdjoint(
  x: ArrayLike<number>,
  start: number,
  window: ArrayLike<number>,
  n: number,
  d: Float64Array,
  row: number,
  floor: number,
): Float64Array {
  const bins = Math.floor(n / 2) + 1;
  const at = Math.sqrt(floor);
  const out = new Float64Array(n);
  const re = new Float64Array(bins);
  const im = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      const v = window[j]! * x[start + j]!;
      re[k]! += v * Math.cos(a);
      im[k]! += v * Math.sin(a);
    }
  }
  for (let k = 0; k < bins; k++) {
    const m = Math.hypot(re[k]!, im[k]!);
    if (!(m > at) || m === 0) continue;
    const s = d[row * bins + k]! / m;
    for (let j = 0; j < n; j++) {
      const a = (-2 * Math.PI * ((j * k) % n)) / n;
      // Re(conj(X) e^{ia}) = re cos a + im sin a
      out[j]! += window[j]! * s * (re[k]! * Math.cos(a) + im[k]! * Math.sin(a));
    }
  }
  return out;
}
