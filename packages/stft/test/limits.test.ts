/**
 * Issue 12, defect 3: sizes are checked against MAX_FFT_SIZE and the signal before anything is
 * allocated, and refused with a LossInputError (not a RangeError after gigabytes).
 */
import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  createStft,
  getFftPlan,
  irfft,
  MAX_FFT_SIZE,
  magnitude,
  magnitudeVjp,
  rfft,
  stft,
} from '../src/index.js';
import { noise } from './helpers.js';

/** The error `f` throws, and how many bytes of typed memory the process gained meanwhile. */
function refusal(f: () => unknown): { error: unknown; grewBytes: number } {
  const before = process.memoryUsage().arrayBuffers;
  let error: unknown;
  try {
    f();
  } catch (e) {
    error = e;
  }
  return { error, grewBytes: process.memoryUsage().arrayBuffers - before };
}

function expectRefused(f: () => unknown, code: string, message: RegExp): void {
  const { error, grewBytes } = refusal(f);
  expect(error).toBeInstanceOf(LossInputError);
  expect((error as LossInputError).code).toBe(code);
  expect((error as LossInputError).message).toMatch(message);
  // Nothing of the requested size was allocated (a plan of 2^22 would take over 100 MB).
  expect(grewBytes).toBeLessThan(2 ** 20);
}

describe('size limits (issue 12)', () => {
  it('is 2^22', () => {
    expect(MAX_FFT_SIZE).toBe(4194304);
  });

  it('refuses sizes above MAX_FFT_SIZE, naming the option and the limit', () => {
    const x = noise(4096, 1);
    for (const size of [2 ** 22 + 1, 2 ** 24, 2 ** 27, 2 ** 31, 2 ** 53]) {
      const message = new RegExp(`options.size: expected at most 4194304 .*got ${size}`);
      expectRefused(() => createStft({ size, hop: 1 }), 'INVALID_OPTION', message);
      expectRefused(() => stft(x, { size, hop: 1 }), 'INVALID_OPTION', message);
      expectRefused(() => magnitude(x, { size, hop: 1 }), 'INVALID_OPTION', message);
      expectRefused(() => magnitudeVjp(x, { size, hop: 1 }, [1]), 'INVALID_OPTION', message);
    }
    expectRefused(() => getFftPlan(2 ** 53), 'INVALID_OPTION', /n: expected at most 4194304/);
    expectRefused(() => irfft([[1, 0]], 2 ** 31), 'INVALID_OPTION', /n: expected at most/);
    const long = new Float64Array(2 ** 22 + 1);
    expectRefused(() => rfft(long), 'SHAPE_MISMATCH', /x: expected at most 4194304 samples/);
  });

  it('checks the signal against the size before planning (was 1.2 GB allocated first)', () => {
    const x = noise(4096, 2);
    const size = MAX_FFT_SIZE;
    expectRefused(() => stft(x, { size, hop: 1 }), 'SHAPE_MISMATCH', /too short for reflect/);
    expectRefused(() => magnitude(x, { size, hop: 1 }), 'SHAPE_MISMATCH', /too short/);
    expectRefused(() => magnitudeVjp(x, { size, hop: 1 }, [1]), 'SHAPE_MISMATCH', /too short/);
    expectRefused(
      () => stft(x, { size, hop: 1, center: false }),
      'SHAPE_MISMATCH',
      /shorter than one frame/,
    );
  });

  it('refuses a custom window of the wrong length or with NaN without building the window', () => {
    expectRefused(
      () => stft(noise(64, 3), { size: 2 ** 20, hop: 1, window: [1, 2, 3] }),
      'SHAPE_MISMATCH',
      /expected 1048576 samples/,
    );
  });
});
