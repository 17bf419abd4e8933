import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { frameScores } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

const NaN_ = Number.NaN;

describe('frameScores', () => {
  it('counts tp, fp, fn per class and pools them (hand-computed)', () => {
    const pred = [
      [0.9, 0.1, 0.8],
      [0.7, 0.6, 0.2],
      [0.2, 0.9, 0.1],
      [0.4, 0.3, 0.6],
    ];
    const ref = [
      [1, 0, 0],
      [0, 1, 0],
      [1, 1, 0],
      [1, 0, 0],
    ];
    const r = frameScores(pred, ref, { classes: ['a', 'b', 'c'] });
    const [a, b, c] = r.perClass;
    // a: predicted {0, 1}, positive {0, 2, 3}: tp 1, fp 1, fn 2
    expect(a).toMatchObject({ name: 'a', tp: 1, fp: 1, fn: 2, support: 3, known: 4 });
    expect(a!.precision).toBe(0.5);
    expect(a!.recall).toBe(1 / 3);
    expect(a!.f).toBeCloseTo(0.4, 15);
    // b: predicted {1, 2}, positive {1, 2}: perfect
    expect(b).toMatchObject({ tp: 2, fp: 0, fn: 0, precision: 1, recall: 1, f: 1 });
    // c: predicted {0, 3}, no positive: skipped in macro
    expect(c).toMatchObject({ tp: 0, fp: 2, fn: 0, support: 0, precision: 0, recall: 0, f: 0 });
    expect(r.skipped).toEqual([2]);
    expect(r.macro!.classes).toBe(2);
    expect(r.macro!.precision).toBeCloseTo(0.75, 15);
    expect(r.macro!.recall).toBeCloseTo(2 / 3, 15);
    expect(r.macro!.f).toBeCloseTo(0.7, 15);
    // micro: tp 3, fp 3, fn 2
    expect(r.micro).toMatchObject({ tp: 3, fp: 3, fn: 2, precision: 0.5, recall: 0.6 });
    expect(r.micro.f).toBeCloseTo(6 / 11, 15);
  });

  it('ignores masked (NaN) reference entries', () => {
    const r = frameScores(
      [
        [1, 1],
        [1, 0],
      ],
      [
        [1, NaN_],
        [NaN_, 1],
      ],
    );
    expect(r.perClass[0]).toMatchObject({ tp: 1, fp: 0, fn: 0, known: 1 });
    expect(r.perClass[1]).toMatchObject({ tp: 0, fp: 0, fn: 1, known: 1 });
  });

  it('thresholds at 0.5 by default, inclusive, and takes another threshold', () => {
    expect(frameScores([[0.5]], [[1]]).micro.tp).toBe(1);
    expect(frameScores([[0.49]], [[1]]).micro.tp).toBe(0);
    expect(frameScores([[0.3]], [[1]], { threshold: 0.3 }).micro.tp).toBe(1);
  });

  it('gives macro null when no class has a positive reference', () => {
    const r = frameScores([[0, 1]], [[0, 0]]);
    expect(r.macro).toBeNull();
    expect(r.skipped).toEqual([0, 1]);
    expect(r.micro).toMatchObject({ precision: 0, recall: 0, f: 0, fp: 1 });
  });

  it('leaves names undefined without options.classes', () => {
    expect(frameScores([[1]], [[1]]).perClass[0]!.name).toBeUndefined();
  });

  it('scores a perfect prediction F = 1 everywhere (property)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 6 }).chain((C) =>
          fc.array(fc.array(fc.constantFrom(0, 1, NaN_), { minLength: C, maxLength: C }), {
            minLength: 1,
            maxLength: 40,
          }),
        ),
        (ref) => {
          fc.pre(ref.some((row) => row.some((v) => v === 1)));
          const pred = ref.map((row) => row.map((v) => (v === 1 ? 1 : 0)));
          const r = frameScores(pred, ref);
          return (
            r.micro.f === 1 &&
            r.macro!.f === 1 &&
            r.perClass.every((c) => c.support === 0 || (c.f === 1 && c.precision === 1))
          );
        },
      ),
    );
  });

  it('keeps every score in [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.tuple(fc.double({ min: 0, max: 1, noNaN: true }), fc.constantFrom(0, 1, NaN_)),
          { minLength: 1, maxLength: 40 },
        ),
        (pairs) => {
          const r = frameScores(
            pairs.map(([p]) => [p]),
            pairs.map(([, y]) => [y]),
          );
          const s = [r.micro, ...(r.macro ? [r.macro] : []), ...r.perClass];
          return s.every((x) => [x.precision, x.recall, x.f].every((v) => v >= 0 && v <= 1));
        },
      ),
    );
  });
});

describe('frameScores: errors', () => {
  it('refuses shapes that differ or are not [F, C]', () => {
    expect(codeOf(() => frameScores([[1, 0]], [[1]]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => frameScores([1, 0], [1, 0]))).toBe('SHAPE_MISMATCH');
  });

  it('refuses empty input', () => {
    expect(codeOf(() => frameScores([[]], [[]]))).toBe('EMPTY');
  });

  it('refuses a prediction outside [0, 1] or not finite', () => {
    expect(codeOf(() => frameScores([[1.5]], [[1]]))).toBe('INVALID_OPTION');
    expect(codeOf(() => frameScores([[NaN_]], [[1]]))).toBe('NON_FINITE');
  });

  it('refuses a reference other than 0, 1 or NaN', () => {
    expect(() => frameScores([[1]], [[0.5]])).toThrow(/references: element \[0, 0\] is 0.5/);
    expect(codeOf(() => frameScores([[1]], [[Infinity]]))).toBe('NON_FINITE');
  });

  it('refuses a bad threshold, a wrong number of class names and unknown options', () => {
    expect(codeOf(() => frameScores([[1]], [[1]], { threshold: 1.5 }))).toBe('INVALID_OPTION');
    expect(codeOf(() => frameScores([[1]], [[1]], { classes: ['a', 'b'] }))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => frameScores([[1]], [[1]], { classes: [3] as never }))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => frameScores([[1]], [[1]], { thresh: 0.5 } as never))).toBe(
      'INVALID_OPTION',
    );
  });
});
