import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions, mssLoss, mssLossValueAndGrad } from '../src/index.js';
import { errorOf, signal } from './helpers.js';

const x = signal(300, 1);
const y = signal(300, 2);
const small: MssOptions = { sizes: [16, 32] };

function optionError(options: unknown) {
  return errorOf(() => createMssLoss(options as MssOptions));
}

describe('input errors', () => {
  it('refuses estimate and target of different shapes', () => {
    const e = errorOf(() => mssLoss(x, signal(301, 2), small));
    expect(e?.code).toBe('SHAPE_MISMATCH');
    expect(e?.message).toMatch(/\[300\] and \[301\]/);
  });

  it('refuses non-finite samples, naming the argument and the sample', () => {
    const bad = x.slice();
    bad[7] = Number.NaN;
    const e = errorOf(() => mssLoss(x, bad, small));
    expect(e?.code).toBe('NON_FINITE');
    expect(e?.message).toMatch(/target: element \[7\]/);
  });

  it('refuses an empty signal and a rank-3 signal', () => {
    expect(errorOf(() => mssLoss([], [], small))?.code).toBe('EMPTY');
    expect(errorOf(() => mssLoss([[[1]]], [[[1]]], small))?.code).toBe('SHAPE_MISMATCH');
  });

  it('names the minimum length the loss needs, once (it named the first FFT size that failed)', () => {
    const e = errorOf(() => mssLoss(signal(100, 1), signal(100, 2), { sizes: [64, 128, 256] }));
    expect(e?.code).toBe('SHAPE_MISMATCH');
    expect(e?.message).toMatch(
      /100 samples is too short for this loss: it needs at least 256 samples .*largest FFT size is 256/,
    );
  });

  it('the smooth preset states the length it needs, and accepts exactly that length', () => {
    // sizes up to 2053, frames neither centred nor end-padded: one frame of 2053 samples.
    const e = errorOf(() => mssLoss(signal(600, 1), signal(600, 2), 'smooth'));
    expect(e?.code).toBe('SHAPE_MISMATCH');
    expect(e?.argument).toBe('target');
    expect(e?.message).toMatch(/^target: a signal of 600 samples .* needs at least 2053 samples/);
    expect(e?.message).not.toMatch(/1021/);
    expect(errorOf(() => mssLoss(signal(2052, 1), signal(2052, 2), 'smooth'))?.message).toMatch(
      /needs at least 2053 samples/,
    );
    expect(mssLoss(signal(2053, 1), signal(2053, 2), 'smooth')).toBeGreaterThan(0);
  });

  it('computes the minimum for every configuration from @losses/stft framing', () => {
    // Centred with reflect padding: floor(512 / 2) + 1 = 257 samples.
    const cfg = { sizes: [64, 512], center: true } as const;
    const e = errorOf(() => mssLoss(signal(256, 1), signal(256, 2), cfg));
    expect(e?.message).toMatch(/needs at least 257 samples .*reflect padding/);
    expect(mssLoss(signal(257, 1), signal(257, 2), cfg)).toBeGreaterThan(0);
  });

  it('accepts short signals with end padding or constant centred padding', () => {
    expect(mssLoss(signal(40, 1), signal(40, 2), { sizes: [64], padEnd: true })).toBeGreaterThan(0);
    expect(
      mssLoss(signal(20, 1), signal(20, 2), { sizes: [64], center: true, padMode: 'constant' }),
    ).toBeGreaterThan(0);
    const e = errorOf(() => mssLoss(signal(20, 1), signal(20, 2), { sizes: [64], center: true }));
    expect(e?.message).toMatch(/needs at least 33 samples .*largest FFT size is 64/);
  });

  it('refuses an estimate that does not match a fixed target', () => {
    const fixed = createMssLoss(small).withTarget([y, y]);
    expect(errorOf(() => fixed.value([x, x, x]))?.code).toBe('SHAPE_MISMATCH');
    expect(errorOf(() => fixed.value(signal(299, 1)))?.code).toBe('SHAPE_MISMATCH');
  });

  it('refuses the spectral convergence of a silent target without a magnitude floor', () => {
    const e = errorOf(() =>
      mssLoss(x, new Float64Array(300), { ...small, spectralConvergence: 1 }),
    );
    expect(e?.message).toMatch(/silent/);
    expect(
      mssLoss(x, new Float64Array(300), { ...small, spectralConvergence: 1, magnitudeEps: 1e-8 }),
    ).toBeGreaterThan(0);
  });
});

describe('option errors', () => {
  it('refuses empty sizes', () => {
    const e = optionError({ sizes: [] });
    expect(e?.code).toBe('EMPTY');
    expect(e?.argument).toBe('options.sizes');
  });

  it('refuses a size below 2 or not an integer', () => {
    expect(optionError({ sizes: [64, 1] })?.message).toMatch(
      /options.sizes\[1\]: expected an integer >= 2, got 1/,
    );
    expect(optionError({ sizes: [64.5] })?.code).toBe('INVALID_OPTION');
  });

  it('refuses a hop below 1, from a list, a function or the default floor(N / 4)', () => {
    expect(optionError({ sizes: [16], hops: [0] })?.argument).toBe('options.hops[0]');
    expect(optionError({ sizes: [16], hops: () => 0 })?.message).toMatch(/options.hops\(16\)/);
    expect(optionError({ sizes: [3] })?.message).toMatch(/hop/);
    expect(optionError({ sizes: [16, 32], hops: [4] })?.message).toMatch(/one hop per size/);
  });

  it('refuses window lengths longer than their size', () => {
    expect(optionError({ sizes: [16], windowLengths: [17] })?.argument).toBe(
      'options.windowLengths[0]',
    );
  });

  it('refuses unknown compressions and distances', () => {
    expect(optionError({ compressions: ['sqrt'] })?.message).toMatch(
      /'linear', 'log', 'log1p', 'db', 'safeLog'/,
    );
    expect(optionError({ compressions: [{ kind: 'log', gamma: 2 }] })?.message).toMatch(
      /unknown option 'gamma'/,
    );
    expect(optionError({ distance: 'l3' })?.argument).toBe('options.distance');
  });

  it('refuses negative weights and eps', () => {
    expect(optionError({ compressions: [{ kind: 'linear', weight: -1 }] })?.argument).toBe(
      'options.compressions[0].weight',
    );
    expect(optionError({ compressions: [{ kind: 'log', eps: -1e-7 }] })?.argument).toBe(
      'options.compressions[0].eps',
    );
    expect(optionError({ spectralConvergence: -0.5 })?.argument).toBe(
      'options.spectralConvergence',
    );
    expect(optionError({ magnitudeEps: -1 })?.argument).toBe('options.magnitudeEps');
  });

  it('refuses log(x + 0) unless a magnitude floor keeps x > 0', () => {
    expect(optionError({ compressions: [{ kind: 'log', eps: 0 }] })?.message).toMatch(
      /magnitudeEps/,
    );
    expect(
      optionError({ compressions: [{ kind: 'log', eps: 0 }], magnitudeEps: 1e-8 }),
    ).toBeUndefined();
  });

  it('refuses no compression at all unless there is a spectral convergence term', () => {
    expect(optionError({ compressions: [] })?.code).toBe('EMPTY');
    expect(optionError({ compressions: [], spectralConvergence: 1 })).toBeUndefined();
  });

  it('refuses misspelt options and unknown presets', () => {
    expect(optionError({ size: [64] })?.message).toMatch(/unknown option 'size'/);
    expect(optionError('smoth')?.message).toMatch(/unknown preset 'smoth'/);
  });

  it('refuses null for the options and for any option (null never stands for the default)', () => {
    for (const f of [
      () => createMssLoss(null as unknown as MssOptions),
      () => mssLoss(x, y, null as unknown as MssOptions),
      () => mssLossValueAndGrad(x, y, null as unknown as MssOptions),
    ]) {
      const e = errorOf(f);
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.message).toMatch(/^options: expected an options object or undefined, got null/);
    }
    for (const key of ['sizes', 'hops', 'compressions', 'magnitudeEps', 'center', 'window']) {
      const e = optionError({ [key]: null });
      expect(e?.code, key).toBe('INVALID_OPTION');
      expect(e?.message, key).toMatch(
        new RegExp(`^options\\.${key}: expected a value or undefined, got null`),
      );
    }
    // undefined still means the defaults.
    expect(createMssLoss(undefined).config).toEqual(createMssLoss().config);
  });

  it('refuses end padding with centred frames', () => {
    expect(optionError({ center: true, padEnd: true })?.argument).toBe('options.padEnd');
  });

  it('refuses window arrays of the wrong count or length', () => {
    expect(optionError({ sizes: [16, 32], window: [new Float64Array(16)] })?.message).toMatch(
      /one window array per size/,
    );
    expect(
      optionError({ sizes: [16], windowLengths: [12], window: [new Float64Array(16)] })?.message,
    ).toMatch(/window length 12/);
  });

  it('accepts custom window arrays', () => {
    const hann16 = Float64Array.from(
      { length: 16 },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 16),
    );
    const hann32 = Float64Array.from(
      { length: 32 },
      (_, i) => 0.5 - 0.5 * Math.cos((2 * Math.PI * i) / 32),
    );
    const a = mssLoss(x, y, { sizes: [16, 32], window: [hann16, hann32] });
    expect(a).toBeCloseTo(mssLoss(x, y, { sizes: [16, 32], window: 'hann' }), 12);
  });
});
