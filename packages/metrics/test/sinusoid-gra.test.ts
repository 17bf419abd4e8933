import type { Tensor } from '@losses/tensor';
import { tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { combineGraRows, sinusoidGra, sinusoidGraDefaults } from '../src/index.js';
import { centsToHz, frequencyGradient, writeSinusoid } from '../src/sinusoid.js';
import { codeOf } from './helpers/error-code.js';
import { idealLoss, omegaOf, omegaSquaredLoss } from './helpers/oracle.js';
import { plannedSpectralLoss, spectralLoss } from './helpers/spectral.js';

/** A small, fast protocol for the tests: 8 kHz, 50 ms. */
const small = { sampleRate: 8000, duration: 0.05, rangeCents: 1200 } as const;

describe('sinusoidGra: protocol', () => {
  it('has the defaults of the issue', () => {
    expect(sinusoidGraDefaults).toEqual({
      reading: 'ranking',
      targetHz: 1000,
      sampleRate: 44100,
      duration: 1,
      amplitude: 1,
      rangeCents: 2400,
      steps: [0.3, 3, 30, 300],
      trials: 500,
      seed: 0,
      firstTrial: 0,
      dtype: 'float64',
    });
  });

  it('hands the loss a [T] target and a [2S, T] batch of float64 signals by default', () => {
    const loss = plannedSpectralLoss(true);
    sinusoidGra({ ...small, loss, trials: 3, steps: [1, 10, 100] });
    expect(loss.calls.perItem).toBe(3);
    expect(loss.calls.value).toBe(0);
    expect(loss.calls.dtypes).toEqual(['Float64Array', 'Float64Array', 'Float64Array']);
    expect(loss.calls.batchShapes).toEqual([
      [6, 400],
      [6, 400],
      [6, 400],
    ]);
  });

  it('passes float32 signals when asked', () => {
    const seen: string[] = [];
    sinusoidGra({
      ...small,
      trials: 1,
      dtype: 'float32',
      loss: (e, t) => {
        seen.push(e.data.constructor.name, t.data.constructor.name);
        return 0;
      },
    });
    expect(new Set(seen)).toEqual(new Set(['Float32Array']));
  });

  it('puts the two estimates of each step s cents apart, lower first, around a common offset', () => {
    const batches: Tensor[] = [];
    const targets: Tensor[] = [];
    const steps = [0.3, 3, 30, 300];
    sinusoidGra({
      ...small,
      trials: 5,
      steps,
      dtype: 'float64',
      loss: {
        withTarget(t: Tensor) {
          targets.push(t);
          return {
            value: () => 0,
            perItem: (b: Tensor) => {
              batches.push(b);
              return new Float64Array(b.shape[0]!);
            },
          };
        },
      },
    });
    const sr = small.sampleRate;
    for (let i = 0; i < batches.length; i++) {
      const b = batches[i]!;
      const T = b.shape[1]!;
      const f0 = (omegaOf(targets[i]!.data) * sr) / (2 * Math.PI);
      expect(f0).toBeCloseTo(1000, 6);
      const cents = (row: number) =>
        1200 *
        Math.log2((omegaOf(b.data.subarray(row * T, (row + 1) * T)) * sr) / (2 * Math.PI) / 1000);
      const centres = steps.map((s, k) => {
        expect(cents(2 * k + 1) - cents(2 * k)).toBeCloseTo(s, 6);
        return (cents(2 * k) + cents(2 * k + 1)) / 2;
      });
      for (const c of centres) expect(c).toBeCloseTo(centres[0]!, 6);
      expect(Math.abs(centres[0]!)).toBeLessThanOrEqual(1200);
    }
  });

  it('gives each estimate its own random phase', () => {
    let batch: Tensor | undefined;
    sinusoidGra({
      ...small,
      trials: 1,
      steps: [1e-6],
      dtype: 'float64',
      loss: {
        withTarget: () => ({
          value: () => 0,
          perItem: (b: Tensor) => {
            batch = b;
            return [0, 0];
          },
        }),
      },
    });
    // Two estimates 1e-6 cents apart: equal but for their phases.
    const d = batch!.data;
    expect(Math.abs(d[0]! - d[400]!)).toBeGreaterThan(1e-3);
  });

  it('is reproducible bit for bit for a seed', () => {
    const run = () => sinusoidGra({ ...small, loss: spectralLoss, trials: 8, seed: 42 });
    expect(run()).toEqual(run());
  });

  it('gives the same counts when the trials are split into chunks with firstTrial', () => {
    const loss = (e: Tensor) => e.data[7]!; // arbitrary but deterministic
    const whole = sinusoidGra({ ...small, loss, trials: 12, seed: 4 });
    const a = sinusoidGra({ ...small, loss, trials: 5, seed: 4 });
    const b = sinusoidGra({ ...small, loss, trials: 7, seed: 4, firstTrial: 5 });
    expect(combineGraRows([a, b])).toEqual(whole);
  });

  it('changes with the seed', () => {
    const loss = (e: Tensor) => e.data[1]!; // an arbitrary, seed-sensitive "loss"
    const a = sinusoidGra({ ...small, loss, trials: 50, seed: 1 });
    const b = sinusoidGra({ ...small, loss, trials: 50, seed: 2 });
    expect(a.map((r) => r.correct)).not.toEqual(b.map((r) => r.correct));
  });

  it('gives the same result for a function, a withTarget loss and a batched withTarget loss', () => {
    const opts = { ...small, trials: 8, seed: 5 };
    const a = sinusoidGra({ ...opts, loss: spectralLoss });
    const b = sinusoidGra({ ...opts, loss: plannedSpectralLoss(false) });
    const c = sinusoidGra({ ...opts, loss: plannedSpectralLoss(true) });
    expect(b).toEqual(a);
    expect(c).toEqual(a);
  });

  it('returns one row per step with the Wilson interval and counts', () => {
    const rows = sinusoidGra({ ...small, loss: idealLoss, trials: 20, steps: [2, 20] });
    expect(rows.map((r) => r.step)).toEqual([2, 20]);
    for (const r of rows) {
      expect(r.trials).toBe(20);
      expect(r.gra).toBe(r.correct / 20);
      expect(r.ci[0]).toBeLessThanOrEqual(r.gra);
      expect(r.ci[1]).toBeGreaterThanOrEqual(r.gra);
    }
  });

  it('counts equal losses as wrong: a loss blind to the estimate scores 0', () => {
    const rows = sinusoidGra({ ...small, loss: () => 1, trials: 10 });
    expect(rows.every((r) => r.gra === 0)).toBe(true);
  });

  it('reports progress after every trial', () => {
    const seen: [number, number][] = [];
    sinusoidGra({ ...small, loss: () => 0, trials: 4, onProgress: (d, t) => seen.push([d, t]) });
    expect(seen).toEqual([
      [1, 4],
      [2, 4],
      [3, 4],
      [4, 4],
    ]);
  });

  it('scores the ideal loss |log f^ - log f| 1 at every step (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 0, max: 2 ** 40 }),
        fc.double({ min: 300, max: 1500, noNaN: true }),
        fc.array(fc.double({ min: 0.01, max: 300, noNaN: true }), { minLength: 1, maxLength: 4 }),
        (seed, targetHz, steps) => {
          const rows = sinusoidGra({
            ...small,
            targetHz,
            steps,
            loss: idealLoss,
            trials: 10,
            seed,
            dtype: 'float64',
          });
          return rows.every((r) => r.gra === 1);
        },
      ),
      { numRuns: 25 },
    );
  });

  it('scores the reversed ideal loss 0 at every step', () => {
    const rows = sinusoidGra({ ...small, loss: (e, t) => -idealLoss(e, t), trials: 20 });
    expect(rows.every((r) => r.gra === 0)).toBe(true);
  });
});

describe('sinusoidGra: gradient reading', () => {
  it('takes dL/df by the chain rule through the signal (vs a finite difference in f)', () => {
    const T = 400;
    const sr = 8000;
    const target = new Float64Array(T);
    writeSinusoid(target, 0, T, 1000, 0.3, 1, sr);
    const L = (f: number) => {
      const x = new Float64Array(T);
      writeSinusoid(x, 0, T, f, 1.1, 1, sr);
      return omegaSquaredLoss(tensor(x), tensor(target));
    };
    for (const f of [900, 1013.7, 1250]) {
      const { grad } = L(f);
      const analytic = frequencyGradient(grad.data, f, 1.1, 1, sr);
      const h = 1e-3;
      const numeric = (L(f + h).value - L(f - h).value) / (2 * h);
      expect(analytic).toBeCloseTo(numeric, 8);
      expect(Math.abs(analytic - numeric) / Math.abs(numeric)).toBeLessThan(1e-6);
    }
  });

  it('returns one row with step 0', () => {
    const rows = sinusoidGra({ ...small, loss: omegaSquaredLoss, reading: 'gradient', trials: 5 });
    expect(rows).toHaveLength(1);
    expect(rows[0]!.step).toBe(0);
    expect(rows[0]!.trials).toBe(5);
  });

  it('scores a loss convex in frequency 1 and its negation 0', () => {
    const opts = { ...small, reading: 'gradient', trials: 30, dtype: 'float64' } as const;
    expect(sinusoidGra({ ...opts, loss: omegaSquaredLoss })[0]!.gra).toBe(1);
    const negated = (e: Tensor, t: Tensor) => {
      const r = omegaSquaredLoss(e, t);
      return { value: -r.value, grad: tensor(r.grad.data.map((v) => -v)) };
    };
    expect(sinusoidGra({ ...opts, loss: negated })[0]!.gra).toBe(0);
  });

  it('uses withTarget(target).valueAndGrad of a planned loss', () => {
    const planned = {
      withTarget: (t: Tensor) => ({
        value: (e: Tensor) => omegaSquaredLoss(e, t).value,
        valueAndGrad: (e: Tensor) => omegaSquaredLoss(e, t),
      }),
    };
    const opts = { ...small, reading: 'gradient', trials: 10, seed: 9 } as const;
    expect(sinusoidGra({ ...opts, loss: planned })).toEqual(
      sinusoidGra({ ...opts, loss: omegaSquaredLoss }),
    );
  });

  it('is reproducible bit for bit for a seed', () => {
    const run = () =>
      sinusoidGra({ ...small, loss: omegaSquaredLoss, reading: 'gradient', trials: 10, seed: 3 });
    expect(run()).toEqual(run());
  });
});

describe('sinusoidGra: errors', () => {
  it('needs options with a loss', () => {
    expect(codeOf(() => sinusoidGra(undefined as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => sinusoidGra({} as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => sinusoidGra({ loss: 3 as never }))).toBe('INVALID_OPTION');
  });

  it('refuses unknown options', () => {
    expect(() => sinusoidGra({ loss: spectralLoss, trails: 5 } as never)).toThrow(/trails/);
  });

  it('refuses bad numeric options, naming them', () => {
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ trials: 0 }, /options\.trials/],
      [{ trials: 2.5 }, /options\.trials/],
      [{ seed: -1 }, /options\.seed/],
      [{ seed: 0.5 }, /options\.seed/],
      [{ firstTrial: -1 }, /options\.firstTrial/],
      [{ sampleRate: 0 }, /options\.sampleRate/],
      [{ targetHz: 5000 }, /options\.targetHz/],
      [{ duration: -1 }, /options\.duration/],
      [{ amplitude: 0 }, /options\.amplitude/],
      [{ rangeCents: 0 }, /options\.rangeCents/],
      [{ steps: [1, -3] }, /options\.steps\[1\]/],
      [{ steps: 3 }, /options\.steps/],
      [{ reading: 'slope' }, /options\.reading/],
      [{ dtype: 'int8' }, /options\.dtype/],
      [{ onProgress: 5 }, /options\.onProgress/],
    ];
    for (const [extra, re] of cases) {
      expect(() => sinusoidGra({ ...small, loss: spectralLoss, ...extra })).toThrow(re);
      expect(codeOf(() => sinusoidGra({ ...small, loss: spectralLoss, ...extra }))).toBe(
        'INVALID_OPTION',
      );
    }
  });

  it('refuses an empty list of steps', () => {
    expect(codeOf(() => sinusoidGra({ ...small, loss: spectralLoss, steps: [] }))).toBe('EMPTY');
  });

  it('refuses a signal shorter than 2 samples', () => {
    expect(() => sinusoidGra({ ...small, loss: spectralLoss, duration: 1e-5 })).toThrow(
      /at least 2/,
    );
  });

  it('refuses estimates that would reach the Nyquist frequency', () => {
    // 1000 Hz + 2400 cents = 4000 Hz = Nyquist at 8 kHz.
    expect(() => sinusoidGra({ ...small, loss: spectralLoss, rangeCents: 2400 })).toThrow(
      /Nyquist/,
    );
  });

  it('refuses a loss that returns NaN or a non-number', () => {
    expect(codeOf(() => sinusoidGra({ ...small, loss: () => Number.NaN, trials: 1 }))).toBe(
      'NON_FINITE',
    );
    expect(codeOf(() => sinusoidGra({ ...small, loss: () => 'x' as never, trials: 1 }))).toBe(
      'INVALID_TYPE',
    );
  });

  it('refuses a perItem result of the wrong length or with NaN', () => {
    const bad = (out: unknown) => ({
      withTarget: () => ({ value: () => 0, perItem: () => out as Float64Array }),
    });
    expect(codeOf(() => sinusoidGra({ ...small, loss: bad([0, 1]), trials: 1 }))).toBe(
      'SHAPE_MISMATCH',
    );
    expect(
      codeOf(() =>
        sinusoidGra({ ...small, loss: bad(new Float64Array(8).fill(Number.NaN)), trials: 1 }),
      ),
    ).toBe('NON_FINITE');
  });

  it('refuses a withTarget that returns no loss', () => {
    expect(
      codeOf(() => sinusoidGra({ ...small, loss: { withTarget: () => null as never }, trials: 1 })),
    ).toBe('INVALID_OPTION');
  });

  it('in the gradient reading, needs a gradient of the right length', () => {
    const g = { ...small, reading: 'gradient', trials: 1 } as const;
    expect(codeOf(() => sinusoidGra({ ...g, loss: spectralLoss }))).toBe('INVALID_TYPE');
    expect(
      codeOf(() => sinusoidGra({ ...g, loss: () => ({ value: 0, grad: new Float64Array(3) }) })),
    ).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => sinusoidGra({ ...g, loss: plannedSpectralLoss(true) }))).toBe(
      'INVALID_OPTION',
    );
  });
});

describe('combineGraRows', () => {
  it('refuses no parts and parts with different steps', () => {
    const r = sinusoidGra({ ...small, loss: () => 0, trials: 1, steps: [1, 2] });
    const q = sinusoidGra({ ...small, loss: () => 0, trials: 1, steps: [1, 3] });
    expect(codeOf(() => combineGraRows([]))).toBe('EMPTY');
    expect(codeOf(() => combineGraRows([r, q]))).toBe('SHAPE_MISMATCH');
  });
});

describe('centsToHz', () => {
  it('is f 2^(c / 1200)', () => {
    expect(centsToHz(1000, 1200)).toBe(2000);
    expect(centsToHz(1000, -1200)).toBe(500);
  });
});
