import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createStft, magnitude, magnitudeVjp, type StftOptions, stft } from '../src/index.js';
import { noise } from './helpers.js';

function errorOf(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LossInputError);
    return e as LossInputError;
  }
  throw new Error('expected a LossInputError');
}

const x = noise(64, 1);

describe('STFT input errors', () => {
  it('refuses a size below 1 or not an integer', () => {
    expect(errorOf(() => createStft({ size: 0, hop: 1 })).message).toMatch(
      /options.size: expected an integer >= 1, got 0/,
    );
    expect(errorOf(() => createStft({ size: 7.5, hop: 1 })).code).toBe('INVALID_OPTION');
  });

  it('refuses a hop below 1 or not an integer', () => {
    expect(errorOf(() => createStft({ size: 8, hop: 0 })).message).toMatch(/options.hop/);
    expect(errorOf(() => createStft({ size: 8, hop: 1.5 })).argument).toBe('options.hop');
  });

  it('refuses a window length longer than the size', () => {
    expect(errorOf(() => createStft({ size: 8, hop: 2, windowLength: 9 })).message).toMatch(
      /options.windowLength: expected an integer >= 1 <= 8, got 9/,
    );
  });

  it('refuses non-finite samples', () => {
    const bad = x.slice();
    bad[10] = Number.NaN;
    const e = errorOf(() => stft(bad, { size: 8, hop: 2 }));
    expect(e.code).toBe('NON_FINITE');
    expect(e.message).toMatch(/x: element \[10\] is NaN/);
  });

  it("refuses reflect padding on a signal too short for it and points to padMode: 'constant'", () => {
    const e = errorOf(() => stft(noise(4, 1), { size: 8, hop: 2 }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/too short for reflect padding of 4 samples/);
    expect(e.message).toMatch(/padMode: 'constant'/);
    expect(stft(noise(4, 1), { size: 8, hop: 2, padMode: 'constant' }).shape).toEqual([3, 5, 2]);
  });

  it('refuses a signal shorter than one frame without center', () => {
    expect(errorOf(() => stft(noise(6, 1), { size: 8, hop: 2, center: false })).message).toMatch(
      /shorter than one frame.*padEnd: true/,
    );
  });

  it('refuses a window array of the wrong length', () => {
    const e = errorOf(() => createStft({ size: 8, hop: 2, window: new Float64Array(6) }));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.message).toMatch(/options.window: expected 8 samples .* got 6/);
  });

  it('refuses a non-finite window sample', () => {
    expect(errorOf(() => createStft({ size: 2, hop: 1, window: [1, Number.NaN] })).code).toBe(
      'NON_FINITE',
    );
  });

  it('refuses an unknown window kind', () => {
    const e = errorOf(() => createStft({ size: 8, hop: 2, window: 'kaiser' as never }));
    expect(e.message).toMatch(/options.window: expected one of 'rectangular', 'hann'/);
  });

  it('refuses unknown options', () => {
    const e = errorOf(() => createStft({ size: 8, hop: 2, hopLength: 2 } as StftOptions));
    expect(e.message).toMatch(/unknown option 'hopLength'/);
    expect(errorOf(() => magnitude(x, { size: 8, hop: 2, epsilon: 1 } as never)).code).toBe(
      'INVALID_OPTION',
    );
  });

  it('refuses padEnd together with center', () => {
    expect(errorOf(() => createStft({ size: 8, hop: 2, padEnd: true })).message).toMatch(
      /padEnd only applies with center: false/,
    );
  });

  it('refuses an unknown pad mode and a negative eps', () => {
    expect(errorOf(() => createStft({ size: 8, hop: 2, padMode: 'edge' as never })).code).toBe(
      'INVALID_OPTION',
    );
    expect(errorOf(() => magnitude(x, { size: 8, hop: 2, eps: -1 })).argument).toBe('options.eps');
  });

  it('refuses a signal of rank other than 1 or 2', () => {
    expect(errorOf(() => stft([[[1, 2, 3]]], { size: 2, hop: 1 })).code).toBe('SHAPE_MISMATCH');
  });

  it('refuses a dMag of the wrong shape', () => {
    const e = errorOf(() => magnitudeVjp(x, { size: 8, hop: 2 }, new Float64Array(10)));
    expect(e.code).toBe('SHAPE_MISMATCH');
    expect(e.argument).toBe('dMag');
  });

  it('refuses a missing options object', () => {
    expect(errorOf(() => createStft(undefined as never)).message).toMatch(/options: expected/);
  });
});
