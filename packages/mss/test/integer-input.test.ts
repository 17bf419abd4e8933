// Issue 18: the integer rule of @losses/tensor applies to the MSS loss.
import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createMssLoss, mssLoss } from '../src/index.js';

describe('the integer rule', () => {
  it('refuses Int16 PCM with INVALID_TYPE and the scale to convert it (it was read as values up to 32767)', () => {
    const pcm = Int16Array.from({ length: 4096 }, (_, n) => Math.round(32767 * Math.sin(n / 7)));
    const floats = Float32Array.from(pcm, (v) => v / 32768);
    let e: unknown;
    try {
      mssLoss(pcm, floats);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(LossInputError);
    expect((e as LossInputError).code).toBe('INVALID_TYPE');
    expect((e as LossInputError).message).toMatch(/Int16Array.*v \/ 32768/);
    expect(() => createMssLoss().withTarget(pcm)).toThrow(
      expect.objectContaining({ code: 'INVALID_TYPE', argument: 'target' }),
    );
    // The conversion the message gives is accepted.
    expect(mssLoss(floats, floats)).toBe(0);
  });
});
