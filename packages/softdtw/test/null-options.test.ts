import { describe, expect, it } from 'vitest';
import * as softdtw from '../src/index.js';
import { refusal } from './error-code.js';
import { randn, rng } from './reference.js';

// One rule for every option of the package, as @losses/stft and @losses/mss have it: an option
// that is absent (undefined) takes its default; one that is present must be valid, and null is
// not a value of any option (it used to stand for the default in soft-DTW's gamma, stepWeights,
// prior.nu, cost, and in dtw, diagonalPrior and the schedules).

const C = [
  [0, 1, 4],
  [1, 0, 1],
];
const x = randn(2, 2, rng(1));
const y = randn(3, 2, rng(2));

const { diagonalPrior, dtw, gammaSchedule, priorWeightSchedule, softDtw, softDtwFromCost } =
  softdtw;
const sequenceLosses = {
  softDtw,
  softDtwValueAndGrad: softdtw.softDtwValueAndGrad,
  softDtwDivergence: softdtw.softDtwDivergence,
  softDtwDivergenceValueAndGrad: softdtw.softDtwDivergenceValueAndGrad,
  sharpSoftDtw: softdtw.sharpSoftDtw,
  sharpSoftDtwValueAndGrad: softdtw.sharpSoftDtwValueAndGrad,
};

describe('null is refused for every option, naming it', () => {
  const common = [
    'gamma',
    'stepWeights',
    'steps',
    'bandwidth',
    'band',
    'prior',
    'subsequence',
    'openBegin',
    'openEnd',
    'skipPenalty',
    'normalize',
  ] as const;

  it.each(common)('softDtwFromCost: %s: null', (key) => {
    const e = refusal(() => softDtwFromCost(C, { [key]: null } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe(`options.${key}`);
    expect(e.message).toMatch(/null/);
  });

  it.each(['weight', 'nu'])('softDtwFromCost: prior.%s: null', (key) => {
    const prior = { weight: 1, nu: 10, [key]: null };
    const e = refusal(() => softDtwFromCost(C, { prior } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe(`options.prior.${key}`);
  });

  for (const [fn, f] of Object.entries(sequenceLosses)) {
    it.each([...common, 'cost', 'gradY'])(`${fn}: %s: null`, (key) => {
      const e = refusal(() => f(x, y, { [key]: null } as never));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.argument).toBe(`options.${key}`);
      expect(e.message.startsWith(`${fn}: options.${key}`)).toBe(true);
    });
  }

  it.each([
    ['band', { band: { kind: 'sakoe-chiba', width: null } }, 'options.band.width'],
    ['band', { band: { kind: 'itakura', slope: null } }, 'options.band.slope'],
    ['steps', { steps: [{ di: null, dj: 1 }] }, 'options.steps[0].di'],
    ['steps', { steps: [{ di: 1, dj: 1, weight: null }] }, 'options.steps[0].weight'],
    [
      'skipPenalty',
      { subsequence: true, skipPenalty: { begin: null } },
      'options.skipPenalty.begin',
    ],
  ])('softDtwFromCost: nested null in %s', (_key, options, argument) => {
    const e = refusal(() => softDtwFromCost(C, options as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe(argument);
  });

  it('softDtwDivergence: variant: null', () => {
    const e = refusal(() => softdtw.softDtwDivergence(x, y, { variant: null } as never));
    expect(e.argument).toBe('options.variant');
    expect(e.message).toMatch(/^softDtwDivergence: options\.variant/);
  });

  it.each(['blank', 'reduction', 'zeroInfinity'])('ctcLoss: %s: null', (key) => {
    const e = refusal(() => softdtw.ctcLoss([[-1, -1]], [1], { [key]: null } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe(`options.${key}`);
    expect(e.message.startsWith(`ctcLoss: options.${key}`)).toBe(true);
  });

  it.each(['weights', 'init', 'maxIter', 'tol', 'gamma', 'band'])(
    'softDtwBarycenter: %s: null',
    (key) => {
      const e = refusal(() =>
        softdtw.softDtwBarycenter(
          [
            [1, 2],
            [2, 3],
          ],
          { [key]: null } as never,
        ),
      );
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.argument).toBe(`options.${key}`);
      expect(e.message.startsWith(`softDtwBarycenter: options.${key}`)).toBe(true);
    },
  );

  it.each([
    'stepWeights',
    'steps',
    'bandwidth',
    'band',
    'subsequence',
    'openBegin',
    'openEnd',
    'skipPenalty',
  ])('dtw: %s: null', (key) => {
    const e = refusal(() => dtw(C, { [key]: null } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe(`options.${key}`);
    expect(e.message.startsWith(`dtw: options.${key}`)).toBe(true);
  });

  it('diagonalPrior: nu: null', () => {
    const e = refusal(() => diagonalPrior(3, 4, { nu: null } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe('options.nu');
  });

  for (const [fn, f] of [
    ['gammaSchedule', gammaSchedule],
    ['priorWeightSchedule', priorWeightSchedule],
  ] as const) {
    it.each(['start', 'end', 'holdSteps', 'decaySteps', 'shape'])(`${fn}: %s: null`, (key) => {
      const options = { start: 1, end: 0.5, holdSteps: 1, decaySteps: 2, [key]: null };
      const e = refusal(() => f(options as never));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.argument).toBe(`options.${key}`);
      expect(e.message.startsWith(`${fn}: options.${key}`)).toBe(true);
    });
  }

  it('absent options (undefined) still take their defaults', () => {
    const a = softDtwFromCost(C, {
      gamma: undefined,
      stepWeights: undefined,
      bandwidth: undefined,
      prior: undefined,
    });
    expect(a.value).toBe(softDtwFromCost(C).value);
    expect(softDtw(x, y, { cost: undefined, gradY: undefined } as never)).toBe(softDtw(x, y));
    expect(dtw(C, { stepWeights: undefined }).cost).toBe(dtw(C).cost);
    expect(diagonalPrior(3, 4, { nu: undefined }).data).toEqual(diagonalPrior(3, 4).data);
    expect(gammaSchedule({ start: 1, end: 0.5, shape: undefined })(3)).toBe(0.5);
  });
});
