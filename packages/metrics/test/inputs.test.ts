import { describe, expect, it } from 'vitest';
import {
  combineGraRows,
  consistency,
  frameScores,
  gra,
  graWithCi,
  LossInputError,
  type LossInputErrorCode,
  type SinusoidGraRow,
  wilsonInterval,
} from '../src/index.js';

// Every metric's options and inputs, swept (issue 12, item 8): a bad value is a LossInputError
// with a code, `argument` naming it, and a message that starts with its name and says what was
// expected and what was given. `null` is never read as a default.

function refusal(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e;
    throw new Error(`expected a LossInputError, got ${String(e)}`);
  }
  throw new Error('expected a LossInputError, nothing was thrown');
}

function refused(
  f: () => unknown,
  code: LossInputErrorCode,
  name: string,
  pattern?: RegExp,
): LossInputError {
  const e = refusal(f);
  expect(e.code).toBe(code);
  // The argument is the function's argument or the full path of the value at fault.
  expect(name.startsWith(e.argument ?? '-')).toBe(true);
  expect(e.message.startsWith(name)).toBe(true);
  expect(e.message).toMatch(/expected|only|known/);
  expect(e.message).toMatch(/got|is |unknown/);
  if (pattern) expect(e.message).toMatch(pattern);
  return e;
}

/** A copy of `list` with a hole (an empty slot, as in `[a, , c]`) at `i`. */
function withHole<T>(list: T[], i: number): T[] {
  const out = list.slice();
  delete out[i];
  return out;
}

/** Values that are not a number in (0, 1]. */
const BAD_THRESHOLDS: unknown[] = [
  null,
  Number.NaN,
  Number.POSITIVE_INFINITY,
  -0.5,
  0,
  1.5,
  '0.5',
  [0.5],
  {},
  true,
  10n,
];

const h = { classes: ['a', 'b', 'c'], children: (c: string) => (c === 'a' ? ['b', 'c'] : []) };
const p = [
  [1, 1, 0],
  [0, 0, 1],
];

describe('consistency', () => {
  it('refuses every bad threshold, null included (null was read as the default 0.5)', () => {
    for (const t of BAD_THRESHOLDS) {
      refused(
        () => consistency(p, h, { threshold: t as number }),
        'INVALID_OPTION',
        'options.threshold',
      );
    }
    refused(
      () => consistency(p, h, { threshold: null as never }),
      'INVALID_OPTION',
      'options.threshold',
      /got null/,
    );
  });

  it('refuses a null or non-object options argument and unknown options', () => {
    refused(() => consistency(p, h, null as never), 'INVALID_OPTION', 'options', /got null/);
    refused(() => consistency(p, h, 0.5 as never), 'INVALID_OPTION', 'options');
    // An unknown option is named by its path, the one convention of LossInputError.argument.
    const e = refusal(() => consistency(p, h, { treshold: 0.5 } as never));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe('options.treshold');
    expect(e.message).toMatch(/^options: unknown option 'treshold'; known options are/);
  });

  it('refuses a classes list with holes (they were skipped)', () => {
    const sparse = { classes: withHole(['a', 'b', 'c'], 1), children: () => [] };
    refused(
      () => consistency([[1, 1, 1]], sparse as never),
      'INVALID_HIERARCHY',
      'hierarchy',
      /classes\[1\]/,
    );
  });

  it('refuses children(c) that lists more entries than there are classes (an endless iterator)', () => {
    const endless = {
      classes: ['a', 'b'],
      *children(c: string) {
        while (c === 'a') yield 'b';
      },
    };
    refused(() => consistency([[1, 1]], endless), 'INVALID_HIERARCHY', 'hierarchy', /at most 2/);
  });
});

describe('frameScores', () => {
  const r = [
    [1, 0, 1],
    [0, 0, 1],
  ];
  it('refuses every bad threshold, null included (null was read as the default 0.5)', () => {
    for (const t of BAD_THRESHOLDS) {
      refused(
        () => frameScores(p, r, { threshold: t as number }),
        'INVALID_OPTION',
        'options.threshold',
      );
    }
  });

  it('refuses classes: null, non-arrays, non-strings, holes and a wrong count', () => {
    refused(
      () => frameScores(p, r, { classes: null as never }),
      'INVALID_OPTION',
      'options.classes',
      /got null/,
    );
    refused(
      () => frameScores(p, r, { classes: 'abc' as never }),
      'INVALID_OPTION',
      'options.classes',
    );
    refused(
      () => frameScores(p, r, { classes: ['a', 'b', 3] as never }),
      'INVALID_OPTION',
      'options.classes',
    );
    refused(
      () => frameScores(p, r, { classes: withHole(['a', 'b', 'c'], 1) as never }),
      'INVALID_OPTION',
      'options.classes',
    );
    refused(() => frameScores(p, r, { classes: ['a', 'b'] }), 'SHAPE_MISMATCH', 'options.classes');
  });

  it('refuses a null options argument', () => {
    refused(() => frameScores(p, r, null as never), 'INVALID_OPTION', 'options', /got null/);
  });
});

describe('gra and graWithCi', () => {
  const ok = { estimate: 2, target: 1, gradient: 1 };
  it('refuse a list with holes (they were skipped, so gra(new Array(3)) was 0)', () => {
    refused(() => gra(new Array(3)), 'INVALID_TYPE', 'trials[0]', /empty slot/);
    refused(
      () => graWithCi(withHole([ok, ok, ok], 1) as never),
      'INVALID_TYPE',
      'trials[1]',
      /empty slot/,
    );
  });

  it('refuse null, non-objects and bad fields, naming the trial and field', () => {
    refused(() => gra(null as never), 'INVALID_TYPE', 'trials');
    refused(() => gra([null] as never), 'INVALID_TYPE', 'trials[0]');
    refused(() => gra([{ ...ok, gradient: null }] as never), 'INVALID_TYPE', 'trials[0].gradient');
    refused(() => gra([{ ...ok, target: '1' }] as never), 'INVALID_TYPE', 'trials[0].target');
    refused(() => gra([{ ...ok, estimate: Number.NaN }]), 'NON_FINITE', 'trials[0].estimate');
  });

  it('count a right sign as right even when the product of the two underflows to 0', () => {
    expect(gra([{ estimate: 1e-200, target: 0, gradient: 1e-200 }])).toBe(1);
    expect(gra([{ estimate: -1e-200, target: 0, gradient: -5e-324 }])).toBe(1);
    expect(gra([{ estimate: 1e308, target: -1e308, gradient: 1e308 }])).toBe(1);
  });
});

describe('wilsonInterval', () => {
  it('refuses null, non-integers, negatives, k > n and integers beyond 2^53 - 1', () => {
    for (const n of [null, Number.NaN, 0, -1, 1.5, '10', 2 ** 53]) {
      refused(() => wilsonInterval(1, n as number), 'INVALID_OPTION', 'n');
    }
    for (const k of [null, Number.NaN, -1, 0.5, '1']) {
      refused(() => wilsonInterval(k as number, 10), 'INVALID_OPTION', 'k');
    }
    refused(() => wilsonInterval(11, 10), 'INVALID_OPTION', 'k', /at most n = 10/);
  });
});

describe('combineGraRows', () => {
  const row = (step: number, correct: number, trials: number): SinusoidGraRow => ({
    step,
    gra: correct / trials,
    ci: [0, 1],
    correct,
    trials,
  });

  it('refuses correct > trials (it gave gra 8.46 with CI [NaN, NaN])', () => {
    refused(
      () => combineGraRows([[row(1, 110, 13)]]),
      'INVALID_OPTION',
      'parts[0][0].correct',
      /at most trials = 13, got 110/,
    );
  });

  it('refuses negative, fractional or non-finite counts, and zero trials', () => {
    refused(() => combineGraRows([[row(1, -1, 5)]]), 'INVALID_OPTION', 'parts[0][0].correct');
    refused(() => combineGraRows([[row(1, 1.5, 5)]]), 'INVALID_OPTION', 'parts[0][0].correct');
    refused(
      () => combineGraRows([[row(1, 1, Number.NaN)]]),
      'INVALID_OPTION',
      'parts[0][0].trials',
    );
    refused(() => combineGraRows([[row(1, 0, 0)]]), 'INVALID_OPTION', 'parts[0][0].trials');
    refused(
      () => combineGraRows([[row(1, null as never, 5)]]),
      'INVALID_OPTION',
      'parts[0][0].correct',
      /got null/,
    );
  });

  it('refuses rows of one part with different trial counts', () => {
    refused(
      () => combineGraRows([[row(1, 1, 5), row(2, 1, 6)]]),
      'SHAPE_MISMATCH',
      'parts[0][1].trials',
      /expected 5 .*got 6/,
    );
  });

  it('refuses parts, rows and steps that are not what sinusoidGra returns', () => {
    refused(() => combineGraRows(null as never), 'INVALID_TYPE', 'parts');
    refused(() => combineGraRows([null] as never), 'INVALID_TYPE', 'parts[0]');
    refused(() => combineGraRows([[]]), 'EMPTY', 'parts[0]');
    refused(() => combineGraRows([[null]] as never), 'INVALID_TYPE', 'parts[0][0]');
    refused(() => combineGraRows([[row(Number.NaN, 1, 5)]]), 'INVALID_OPTION', 'parts[0][0].step');
    refused(
      () => combineGraRows(withHole([[row(1, 1, 5)], [row(1, 1, 5)], [row(1, 1, 5)]], 1) as never),
      'INVALID_TYPE',
      'parts[1]',
    );
  });

  it('still merges valid parts into the counts of the whole', () => {
    const merged = combineGraRows([
      [row(1, 3, 5), row(2, 4, 5)],
      [row(1, 2, 7), row(2, 7, 7)],
    ]);
    expect(merged.map((r) => [r.step, r.correct, r.trials])).toEqual([
      [1, 5, 12],
      [2, 11, 12],
    ]);
    expect(merged[0]!.ci).toEqual(wilsonInterval(5, 12));
  });
});
