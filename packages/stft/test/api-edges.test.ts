// API edges of issue 18: the default hop (torch.stft's n_fft // 4), size 1, and the integer rule.
import { LossInputError, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createStft, magnitude, magnitudeVjp, stft } from '../src/index.js';
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

const x = noise(300, 1);

describe('the default hop', () => {
  it('is floor(size / 4) in createStft, as torch.stft (hop was required)', () => {
    for (const size of [4, 7, 64, 1021]) {
      expect(createStft({ size }).hop).toBe(Math.floor(size / 4));
    }
  });

  it('is the same in the one-shot stft, magnitude and magnitudeVjp', () => {
    const explicit = { size: 64, hop: 16 };
    expect(Array.from(stft(x, { size: 64 }).data)).toEqual(Array.from(stft(x, explicit).data));
    const m = magnitude(x, { size: 64 });
    expect(m.shape).toEqual(magnitude(x, explicit).shape);
    expect(Array.from(m.data)).toEqual(Array.from(magnitude(x, explicit).data));
    const g = noise(m.data.length, 2);
    const dMag = tensor(g, m.shape);
    expect(Array.from(magnitudeVjp(x, { size: 64 }, dMag).data)).toEqual(
      Array.from(magnitudeVjp(x, explicit, dMag).data),
    );
  });

  it('is 1 for sizes 1 to 3, so size: 1 works (it was refused as a hop problem)', () => {
    for (const size of [1, 2, 3]) expect(createStft({ size }).hop).toBe(1);
    const plan = createStft({ size: 1 });
    // N = 1: one bin, the windowed sample itself, one frame per sample.
    const X = plan.stft(x);
    expect(X.shape).toEqual([300, 1, 2]);
    const w = plan.window[0]!;
    for (let t = 0; t < 300; t++) {
      expect(X.data[2 * t]).toBeCloseTo(w * x[t]!, 14);
      expect(X.data[2 * t + 1]).toBe(0);
    }
  });

  it('an explicit hop is still checked, and null is refused (null never stands for the default)', () => {
    expect(errorOf(() => createStft({ size: 8, hop: 0 })).argument).toBe('options.hop');
    expect(errorOf(() => createStft({ size: 8, hop: null as never })).argument).toBe('options.hop');
  });
});

describe('the integer rule of @losses/tensor applies here', () => {
  it('refuses an Int16Array signal with INVALID_TYPE, naming x and the scale (it was read as values up to 32767)', () => {
    const e = errorOf(() =>
      magnitude(Int16Array.from([0, 16384, 32767, -32768, 5, 6]), { size: 4 }),
    );
    expect(e.code).toBe('INVALID_TYPE');
    expect(e.argument).toBe('x');
    expect(e.message).toMatch(/Int16Array.*v \/ 32768/);
  });
});
