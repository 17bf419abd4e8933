import { mulberry32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import {
  besselI0,
  candidateSizes,
  drawResolutions,
  type RandomWindowKind,
  ResolutionSchedule,
  resolveRandomResolution,
  torchWindow,
} from '../../src/random-resolution.js';
import { errorOf } from '../helpers.js';
import { goldens } from './fixtures.js';

/** mulberry32's first three outputs for seed 0, computed from its definition below. */
const MULBERRY_0 = (() => {
  let a = 0;
  return [0, 1, 2].map(() => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = BigInt(a);
    const m32 = (x: bigint) => x & 0xffffffffn;
    const imul = (x: bigint, y: bigint) => m32(x * y);
    t = imul(t ^ (t >> 15n), t | 1n);
    t ^= m32(t + imul(t ^ (t >> 7n), t | 61n));
    return Number(m32(t ^ (t >> 14n)));
  });
})();

describe("torch's periodic windows (what auraloss's RandomResolutionSTFTLoss draws from)", () => {
  for (const [kind, byLength] of Object.entries(goldens.windows)) {
    it(`${kind}: equals torch.${kind}_window(L) (float64) within 1e-14 for L = ${Object.keys(byLength).join(', ')}`, () => {
      for (const [length, ref] of Object.entries(byLength)) {
        const w = torchWindow(kind as RandomWindowKind, Number(length));
        expect(w.length).toBe(Number(length));
        w.forEach((v, i) => {
          expect(Math.abs(v - ref[i]!)).toBeLessThan(1e-14);
        });
      }
    });
  }

  it('I0 by its power series: I0(0) = 1, I0(1) = 1.2660658777520082, I0(12) = 18948.92534929631', () => {
    expect(besselI0(0)).toBe(1);
    expect(besselI0(1)).toBeCloseTo(1.2660658777520082, 15);
    expect(Math.abs(besselI0(12) / 18948.92534929631 - 1)).toBeLessThan(1e-15);
  });
});

describe('randomResolution: seeded draws as auraloss draws them', () => {
  const defaults = resolveRandomResolution({});

  it("has auraloss's defaults: 3 resolutions, sizes 16 .. 16384 (32768 excluded), hops 0.1 .. 1 of the size, five windows", () => {
    expect(defaults).toMatchObject({
      resolutions: 3,
      minSize: 16,
      maxSize: 32768,
      minHop: 0.1,
      maxHop: 1,
      windows: ['hann', 'bartlett', 'blackman', 'hamming', 'kaiser'],
      windowFractions: [1, 0.5, 0.25],
      randomizeRate: 1,
      seed: 0,
    });
    expect(candidateSizes(defaults)).toEqual([
      16, 32, 64, 128, 256, 512, 1024, 2048, 4096, 8192, 16384,
    ]);
  });

  it('every draw lies in the ranges, and over many draws every size, fraction and window occurs', () => {
    const uniform = mulberry32(5);
    const sizes = new Set<number>();
    const fractions = new Set<number>();
    const windows = new Set<string>();
    for (let i = 0; i < 400; i++) {
      for (const r of drawResolutions(defaults, uniform)) {
        expect(candidateSizes(defaults)).toContain(r.size);
        expect(r.hop).toBeGreaterThanOrEqual(Math.floor(r.size * 0.1));
        expect(r.hop).toBeLessThanOrEqual(r.size);
        expect(r.hop).toBeGreaterThanOrEqual(1);
        expect([1, 0.5, 0.25].map((f) => Math.floor(r.size * f))).toContain(r.windowLength);
        sizes.add(r.size);
        fractions.add(r.windowLength / r.size);
        windows.add(r.window);
      }
    }
    expect(sizes.size).toBe(11);
    expect([...fractions].sort()).toEqual([0.25, 0.5, 1]);
    expect(windows.size).toBe(5);
  });

  it('the same seed gives the same resolutions, another seed others', () => {
    const a = new ResolutionSchedule(resolveRandomResolution({ seed: 42 }));
    const b = new ResolutionSchedule(resolveRandomResolution({ seed: 42 }));
    const c = new ResolutionSchedule(resolveRandomResolution({ seed: 43 }));
    const seqA = Array.from({ length: 6 }, () => a.next());
    const seqB = Array.from({ length: 6 }, () => b.next());
    const seqC = Array.from({ length: 6 }, () => c.next());
    expect(seqA).toEqual(seqB);
    expect(seqA).not.toEqual(seqC);
  });

  it('draws anew every randomizeRate calls, on the first call too (nforwards % randomize_rate == 0)', () => {
    const s = new ResolutionSchedule(resolveRandomResolution({ seed: 1, randomizeRate: 3 }));
    const calls = Array.from({ length: 7 }, () => s.next());
    expect(calls[1]).toBe(calls[0]);
    expect(calls[2]).toBe(calls[0]);
    expect(calls[3]).not.toBe(calls[0]);
    expect(calls[4]).toBe(calls[3]);
    expect(calls[6]).not.toBe(calls[3]);
  });

  it("the generator is mulberry32, as @losses/tensor/internal's (its first values for seed 0)", () => {
    const u = mulberry32(0);
    // mulberry32's reference sequence for seed 0 (Tommy Ettinger's C code): 0x6d2b79f5 added, mixed.
    expect([u(), u(), u()].map((v) => Math.round(v * 4294967296))).toEqual([
      MULBERRY_0[0],
      MULBERRY_0[1],
      MULBERRY_0[2],
    ]);
  });

  it('the generator gives uniform numbers in [0, 1) (mean and variance of 100000 draws)', () => {
    const next = mulberry32(2024);
    let s = 0;
    let s2 = 0;
    let lo = 1;
    let hi = 0;
    const n = 100000;
    for (let i = 0; i < n; i++) {
      const u = next();
      lo = Math.min(lo, u);
      hi = Math.max(hi, u);
      s += u;
      s2 += u * u;
    }
    expect(lo).toBeGreaterThanOrEqual(0);
    expect(hi).toBeLessThan(1);
    expect(Math.abs(s / n - 0.5)).toBeLessThan(0.005);
    expect(Math.abs(s2 / n - (s * s) / n / n - 1 / 12)).toBeLessThan(0.002);
  });

  const bad: [unknown, string][] = [
    [null, "randomResolution: expected an options object ({} for auraloss's defaults), got null"],
    [{ sizes: [8] }, "randomResolution: unknown option 'sizes'"],
    [{ resolutions: 0 }, 'randomResolution.resolutions: expected an integer >= 1 <= 64, got 0'],
    [{ minSize: 24 }, 'randomResolution.minSize: expected a power of two, got 24'],
    [{ minSize: 64, maxSize: 64 }, 'randomResolution.maxSize: expected more than minSize = 64'],
    [
      { minHop: 0.01 },
      'randomResolution.minHop: a hop of floor(minSize * minHop) = floor(16 * 0.01) = 0 samples',
    ],
    [
      { minHop: 0.5, maxHop: 0.4 },
      'randomResolution.maxHop: expected a finite number >= 0.5 <= 1, got 0.4',
    ],
    [{ windows: [] }, 'randomResolution.windows: expected a non-empty list'],
    [
      { windows: ['hann', 'flattop'] },
      "randomResolution.windows[1]: expected one of 'hann', 'bartlett', 'blackman', 'hamming', 'kaiser', got 'flattop'",
    ],
    [
      { windowFractions: [1, 0.01] },
      'randomResolution.windowFractions[1]: a window of floor(minSize * 0.01) = 0 samples',
    ],
    [{ randomizeRate: 0.5 }, 'randomResolution.randomizeRate: expected an integer >= 1'],
    [{ seed: -1 }, 'randomResolution.seed: expected an integer >= 0 <= 4294967295, got -1'],
  ];
  for (const [options, message] of bad) {
    it(`refuses ${JSON.stringify(options)}: ${message}`, () => {
      const e = errorOf(() => resolveRandomResolution(options));
      expect(e!.code).toBe('INVALID_OPTION');
      expect(e!.message.startsWith(message)).toBe(true);
    });
  }
});
