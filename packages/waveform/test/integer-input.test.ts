// Issue 18: the integer rule of @losses/tensor applies to the waveform losses.
import { describe, expect, it } from 'vitest';
import { mseLoss, siSdrLoss } from '../src/index.js';

describe('the integer rule', () => {
  it('refuses integer samples with INVALID_TYPE, naming the argument (Int16 PCM was read as values up to 32767)', () => {
    const pcm = Int16Array.of(0, 12000, -32768, 32767);
    const floats = Float64Array.from(pcm, (v) => v / 32768);
    expect(() => mseLoss(pcm, floats)).toThrow(
      expect.objectContaining({
        code: 'INVALID_TYPE',
        message: expect.stringMatching(/^estimate: /),
      }),
    );
    expect(() => siSdrLoss(floats, Int32Array.from(pcm))).toThrow(
      expect.objectContaining({
        code: 'INVALID_TYPE',
        message: expect.stringMatching(/^target: /),
      }),
    );
    expect(mseLoss(floats, floats)).toBe(0);
  });
});
