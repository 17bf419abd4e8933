import { describe, expect, it } from 'vitest';
import {
  createEsrLoss,
  createSiSdrLoss,
  LossInputError,
  l1Loss,
  preEmphasisTaps,
  siSdrLoss,
} from '../src/index.js';
import { codeOf } from './helpers/error-code.js';
import { type LossName, lossNames, plan } from './helpers/losses.js';

const x = [0.1, 0.2, -0.3, 0.4, 0.5];
const t = [0.1, 0.25, -0.2, 0.3, 0.6];

describe('bad signals: LossInputError naming the argument', () => {
  for (const name of lossNames) {
    it(`${name}: type, rank, shape, empty, NaN and Infinity`, () => {
      const loss = plan(name);
      expect(codeOf(() => loss.value('abc' as never, t))).toBe('INVALID_TYPE');
      expect(codeOf(() => loss.value(null as never, t))).toBe('INVALID_TYPE');
      expect(codeOf(() => loss.value(x, undefined as never))).toBe('INVALID_TYPE');
      expect(codeOf(() => loss.value([[[1]]], [[[1]]]))).toBe('SHAPE_MISMATCH');
      expect(codeOf(() => loss.value(x, t.slice(1)))).toBe('SHAPE_MISMATCH');
      expect(codeOf(() => loss.value([x, x], [t]))).toBe('SHAPE_MISMATCH');
      expect(codeOf(() => loss.value([], []))).toBe('EMPTY');
      expect(codeOf(() => loss.value([[], []], [[], []]))).toBe('EMPTY');
      expect(codeOf(() => loss.value([0, Number.NaN], [0, 0]))).toBe('NON_FINITE');
      expect(codeOf(() => loss.valueAndGrad([0, 0], [Number.POSITIVE_INFINITY, 0]))).toBe(
        'NON_FINITE',
      );
      expect(codeOf(() => loss.perItem([0, 1], [0, Number.NEGATIVE_INFINITY]))).toBe('NON_FINITE');
    });
  }

  it('messages name the argument, what was expected and what was given', () => {
    try {
      siSdrLoss([1, 2, 3], [1, 2]);
      expect.unreachable();
    } catch (e) {
      expect(e).toBeInstanceOf(LossInputError);
      expect((e as LossInputError).message).toMatch(/estimate and target.*\[3\].*\[2\]/);
      expect((e as LossInputError).argument).toBe('target');
    }
    try {
      l1Loss([1, Number.NaN], [1, 2]);
      expect.unreachable();
    } catch (e) {
      expect((e as LossInputError).message).toMatch(/estimate: element \[1\] is NaN/);
    }
  });

  it('a signal shorter than the pre-emphasis filter needs', () => {
    // 'hp' with taps = 1 has no padding: 3 taps need 3 samples.
    const loss = plan('mse', { preEmphasis: { kind: 'hp', taps: 1 } });
    expect(codeOf(() => loss.value([1, 2], [1, 2]))).toBe('SHAPE_MISMATCH');
    expect(loss.value([1, 2, 3], [1, 3, 3])).toBeCloseTo(Math.fround(0.85) ** 2, 15);
  });
});

// An unknown option is named by its path (`options.eps`), as every other option (issue 18).
describe('bad options: INVALID_OPTION naming the option', () => {
  const bad: [LossName, unknown, string][] = [
    ['l1', 'abc', 'options'],
    ['l1', [1], 'options'],
    ['l1', { eps: 1e-8 }, 'options.eps'],
    ['mse', { preemphasis: {} }, 'options.preemphasis'],
    ['esr', { eps: 0 }, 'options.eps'],
    ['esr', { eps: -1 }, 'options.eps'],
    ['esr', { eps: 2 }, 'options.eps'],
    ['esr', { eps: 1e-31 }, 'options.eps'],
    ['esr', { eps: Number.NaN }, 'options.eps'],
    ['esr', { eps: '1e-8' }, 'options.eps'],
    ['dc', { eps: 0 }, 'options.eps'],
    ['dc', { eps: Number.POSITIVE_INFINITY }, 'options.eps'],
    ['dc', { preEmphasis: { kind: 'hp' } }, 'options.preEmphasis'],
    ['logCosh', { a: 0 }, 'options.a'],
    ['logCosh', { a: -1 }, 'options.a'],
    ['logCosh', { a: 1e7 }, 'options.a'],
    ['logCosh', { a: Number.NaN }, 'options.a'],
    ['logCosh', { eps: -1e-8 }, 'options.eps'],
    ['logCosh', { eps: 1e-40 }, 'options.eps'],
    ['snr', { zeroMean: 1 }, 'options.zeroMean'],
    ['snr', { eps: 0 }, 'options.eps'],
    ['snr', { preEmphasis: { kind: 'hp' } }, 'options.preEmphasis'],
    ['siSdr', { clipMin: Number.NaN }, 'options.clipMin'],
    ['siSdr', { clipMin: '-10' }, 'options.clipMin'],
    ['siSdr', { zeroMean: 'yes' }, 'options.zeroMean'],
    ['siSdr', { scaling: false }, 'options.scaling'],
    ['sdSdr', { eps: 5 }, 'options.eps'],
    ['sdSdr', { clipMin: Number.NEGATIVE_INFINITY }, 'options.clipMin'],
  ];
  for (const [name, options, argument] of bad) {
    it(`${name} ${JSON.stringify(options) ?? String(options)} -> ${argument}`, () => {
      try {
        plan(name, options as Record<string, unknown>);
        expect.unreachable();
      } catch (e) {
        expect(e).toBeInstanceOf(LossInputError);
        expect((e as LossInputError).code).toBe('INVALID_OPTION');
        expect((e as LossInputError).argument).toBe(argument);
      }
    });
  }

  const badPre: [unknown, string][] = [
    ['hp', 'options.preEmphasis'],
    [null, 'options.preEmphasis'],
    [{}, 'options.preEmphasis.kind'],
    [{ kind: 'lp' }, 'options.preEmphasis.kind'],
    [{ kind: 'hp', order: 2 }, 'options.preEmphasis.order'],
    [{ kind: 'hp', coef: Number.NaN }, 'options.preEmphasis.coef'],
    [{ kind: 'hp', coef: 1e39 }, 'options.preEmphasis.coef'],
    [{ kind: 'fd', coef: '0.9' }, 'options.preEmphasis.coef'],
    [{ kind: 'aw', coef: 0.85 }, 'options.preEmphasis.coef'],
    [{ kind: 'hp', sampleRate: 44100 }, 'options.preEmphasis.sampleRate'],
    [{ kind: 'aw', sampleRate: 999 }, 'options.preEmphasis.sampleRate'],
    [{ kind: 'aw', sampleRate: 2e6 }, 'options.preEmphasis.sampleRate'],
    [{ kind: 'aw', taps: 100 }, 'options.preEmphasis.taps'],
    [{ kind: 'hp', taps: 0 }, 'options.preEmphasis.taps'],
    [{ kind: 'aw', taps: 1025 }, 'options.preEmphasis.taps'],
    [{ kind: 'aw', taps: 10.5 }, 'options.preEmphasis.taps'],
  ];
  for (const [pre, argument] of badPre) {
    it(`preEmphasis ${JSON.stringify(pre)} -> ${argument}`, () => {
      for (const create of [createEsrLoss, (o: unknown) => plan('mse', o as never)]) {
        try {
          create({ preEmphasis: pre } as never);
          expect.unreachable();
        } catch (e) {
          expect(e).toBeInstanceOf(LossInputError);
          expect((e as LossInputError).code).toBe('INVALID_OPTION');
          expect((e as LossInputError).argument).toBe(argument);
        }
      }
    });
  }

  it('preEmphasisTaps validates its option too', () => {
    expect(codeOf(() => preEmphasisTaps(undefined as never))).toBe('INVALID_OPTION');
    expect(codeOf(() => preEmphasisTaps({ kind: 'aw', taps: 2 }))).toBe('INVALID_OPTION');
    expect(preEmphasisTaps({ kind: 'fd', coef: 0.5, taps: 7 })).toEqual({
      weights: Float64Array.of(1, 0, -0.5),
      padding: 3,
    });
  });

  it('options are validated once, by the factory, and frozen', () => {
    const loss = createSiSdrLoss({ clipMin: -20 });
    expect(loss.options).toEqual({ zeroMean: true, eps: 1e-8, clipMin: -20 });
    expect(Object.isFrozen(loss.options)).toBe(true);
  });
});
