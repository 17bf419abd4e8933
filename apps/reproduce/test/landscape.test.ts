import { createMssLoss, mssPresets } from '@losses/mss';
import { describe, expect, it } from 'vitest';
import {
  localMinima,
  logSweep,
  normalise,
  presetAt,
  sinusoid,
  towardsTargetShare,
} from '../src/cases/landscape.js';

describe('landscape helpers', () => {
  it('sweeps log-spaced frequencies including both ends', () => {
    const f = logSweep(250, 4000, 5);
    expect(Array.from(f)).toEqual(
      [250, 500, 1000, 2000, 4000].map((v, i) => (i === 0 || i === 4 ? v : expect.closeTo(v, 9))),
    );
  });

  it('normalises to [0, 1]', () => {
    expect(Array.from(normalise([2, 4, 3]))).toEqual([0, 1, 0.5]);
  });

  it('scores a convex curve as always stepping towards the target', () => {
    const f = logSweep(250, 4000, 101);
    const ideal = Array.from(f, (x) => Math.abs(Math.log(x / 1000)));
    expect(towardsTargetShare(f, ideal, 1000)).toBe(1);
    expect(localMinima(ideal)).toBe(1);
  });

  it('counts the ripples of a rippled curve as local minima', () => {
    const v = Array.from({ length: 50 }, (_, i) => Math.abs(i - 25) + 0.8 * Math.sin(i * 2));
    expect(localMinima(v)).toBeGreaterThan(3);
  });

  it('synthesises sin(2 pi f n / rate)', () => {
    const x = sinusoid(1000, 16000, 17);
    expect(x[4]).toBeCloseTo(1, 12);
    expect(x[8]).toBeCloseTo(0, 12);
  });
});

describe('landscape curves of the mel presets (issue 14)', () => {
  it('the mel presets take the sweep rate, the others are the presets themselves', () => {
    expect(presetAt('dac', 16000).sampleRate).toBe(16000);
    expect(presetAt('hifigan', 44100).sampleRate).toBe(44100);
    expect(presetAt('standard', 16000)).toBe(mssPresets.standard);
  });

  it('a mel preset at 16 kHz ranks a sinusoid at the target below one an octave off', () => {
    const rate = 16000;
    const n = 4000;
    const loss = createMssLoss(presetAt('dac', rate)).withTarget(sinusoid(1000, rate, n));
    expect(loss.value(sinusoid(1000, rate, n))).toBeLessThan(loss.value(sinusoid(2000, rate, n)));
  });
});
