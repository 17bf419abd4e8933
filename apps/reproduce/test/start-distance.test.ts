import { describe, expect, it } from 'vitest';
import { harmonicTask } from '../src/cases/harmonic-estimation.js';
import {
  pureTask,
  reachOf,
  type StartDistanceRow,
  startDistanceMethods,
} from '../src/cases/start-distance.js';

const row = (semitones: number, within25Cents: number): StartDistanceRow => ({
  tone: 'pure',
  loss: 'x',
  semitones,
  within1Cent: within25Cents,
  within25Cents,
  runs: 8,
});

describe('start-distance', () => {
  it('the pure tone is the harmonic task’s fundamental alone, amplitude 0.5', () => {
    const h = harmonicTask(3);
    const p = pureTask(3);
    expect(p.f0).toBe(h.f0);
    expect(Array.from(p.amplitudes)).toEqual([0.5]);
    let power = 0;
    for (const v of p.target) power += v * v;
    // A sine of amplitude 0.5 over many periods: mean power 0.125.
    expect(power / p.target.length).toBeCloseTo(0.125, 2);
  });

  it('the reach is the largest distance up to which every run converged', () => {
    expect(reachOf([row(0.3, 1), row(1, 1), row(2, 0.5), row(3, 1)])).toBe(1);
    expect(reachOf([row(3, 1), row(0.3, 1), row(1, 1)])).toBe(3);
    expect(reachOf([row(0.3, 0.75), row(1, 1)])).toBe(0);
  });

  it('compares the MSS presets standard, smooth, ddsp and sot', () => {
    expect(startDistanceMethods().map((m) => m.name)).toEqual([
      'mss standard',
      'mss smooth',
      'mss ddsp',
      'sot',
    ]);
  });
});
