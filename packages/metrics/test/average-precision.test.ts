import { readFileSync } from 'node:fs';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { averagePrecision } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

interface GoldenCase {
  name: string;
  scores: number[][];
  references: number[][];
  perClass: number[];
  macro: number;
  micro: number;
}
const golden = JSON.parse(
  readFileSync(new URL('fixtures/average_precision.json', import.meta.url), 'utf8'),
) as { versions: Record<string, string>; cases: GoldenCase[] };

/**
 * An independent reference: for every distinct score value t (high to low), precision and recall
 * of "score >= t" counted from scratch; AP = sum (R_t - R_prev) P_t.
 */
function naiveAp(scores: number[], refs: number[]): number {
  const positives = refs.filter((r) => r === 1).length;
  if (positives === 0) return 0;
  const thresholds = [...new Set(scores)].sort((a, b) => b - a);
  let prev = 0;
  let ap = 0;
  for (const t of thresholds) {
    let tp = 0;
    let fp = 0;
    scores.forEach((s, i) => {
      if (s >= t) {
        if (refs[i] === 1) tp++;
        else fp++;
      }
    });
    const recall = tp / positives;
    ap += (recall - prev) * (tp / (tp + fp));
    prev = recall;
  }
  return ap;
}

describe('averagePrecision: hand-computed values', () => {
  it("is 1/2 * 1 + 1/2 * 2/3 for scikit-learn's docstring example", () => {
    // Ranked: 0.8 (+) P = 1, R = 1/2; 0.4 (-); 0.35 (+) P = 2/3, R = 1; 0.1 (-).
    const r = averagePrecision([0.1, 0.4, 0.35, 0.8], [0, 0, 1, 1]);
    expect(r.perClass[0]).toBeCloseTo(0.5 + 0.5 * (2 / 3), 15);
    expect(r.macro).toBe(r.perClass[0]);
    expect(r.micro).toBe(r.perClass[0]);
  });

  it('treats tied scores as one threshold', () => {
    // All three tie: one threshold, P = 1/3, R = 1 -> AP = 1/3 (not 1 or 1/2 from an order).
    expect(averagePrecision([0.5, 0.5, 0.5], [1, 0, 0]).macro).toBeCloseTo(1 / 3, 15);
    // 0.9 (+): P 1, R 1/2; then 0.3 and 0.3 tie (+, -): P 2/3, R 1 -> 1/2 + 1/2 * 2/3.
    expect(averagePrecision([0.3, 0.9, 0.3], [0, 1, 1]).macro).toBeCloseTo(0.5 + 1 / 3, 15);
    // The order of tied entries does not matter.
    expect(averagePrecision([0.3, 0.9, 0.3], [1, 1, 0]).macro).toBeCloseTo(0.5 + 1 / 3, 15);
  });

  it('is 0 for a class without positives, listed in noPositives and counted in macro', () => {
    const r = averagePrecision(
      [
        [0.9, 0.2],
        [0.1, 0.8],
      ],
      [
        [1, 0],
        [0, 0],
      ],
    );
    expect(r.perClass).toEqual([1, 0]);
    expect(r.noPositives).toEqual([1]);
    expect(r.macro).toBe(0.5);
    // Pooled: 0.9 (+) P 1 R 1 -> 1.
    expect(r.micro).toBe(1);
  });

  it('is 1 for a class whose references are all positive, whatever the scores', () => {
    expect(averagePrecision([0.2, 0.7, 0.7, 0.1], [1, 1, 1, 1]).macro).toBe(1);
  });

  it('is 1 for a perfect ranking and the positive rate for constant scores', () => {
    expect(averagePrecision([0.9, 0.8, 0.2, 0.1], [1, 1, 0, 0]).macro).toBe(1);
    expect(averagePrecision([0, 0, 0, 0, 0], [1, 0, 0, 1, 0]).macro).toBeCloseTo(2 / 5, 15);
  });

  it('pools every entry for micro and averages the classes for macro', () => {
    const scores = [
      [0.9, 0.1],
      [0.6, 0.7],
      [0.2, 0.4],
    ];
    const refs = [
      [1, 0],
      [0, 1],
      [1, 0],
    ];
    const r = averagePrecision(scores, refs);
    // Class 0: 0.9 (+) P 1 R 1/2; 0.6 (-); 0.2 (+) P 2/3 R 1 -> 1/2 + 1/3.
    // Class 1: 0.7 (+) P 1 R 1 -> 1.
    expect(r.perClass[0]).toBeCloseTo(0.5 + 1 / 3, 15);
    expect(r.perClass[1]).toBe(1);
    expect(r.macro).toBeCloseTo((0.5 + 1 / 3 + 1) / 2, 15);
    // Pooled: 0.9 + (1/3, P 1), 0.7 + (2/3, P 1), 0.6 -, 0.4 -, 0.2 + (1, P 3/5), 0.1 -.
    expect(r.micro).toBeCloseTo(2 / 3 + (1 / 3) * (3 / 5), 15);
  });

  it('accepts logits (any finite scores) and does not depend on a monotone transform', () => {
    const s = [2.5, -1, 0.3, 0.3, -4];
    const y = [1, 0, 0, 1, 1];
    const a = averagePrecision(s, y).macro;
    const b = averagePrecision(
      s.map((v) => 1 / (1 + Math.exp(-v))),
      y,
    ).macro;
    expect(a).toBe(b);
  });
});

describe('averagePrecision: scikit-learn golden vectors', () => {
  it(`matches average_precision_score (sklearn ${golden.versions.sklearn}) per class, macro and micro`, () => {
    expect(golden.cases.length).toBeGreaterThan(10);
    for (const c of golden.cases) {
      const r = averagePrecision(c.scores, c.references);
      expect(r.perClass.length).toBe(c.perClass.length);
      r.perClass.forEach((v, j) => {
        expect(v, `${c.name} class ${j}`).toBeCloseTo(c.perClass[j]!, 12);
      });
      expect(r.macro, c.name).toBeCloseTo(c.macro, 12);
      expect(r.micro, c.name).toBeCloseTo(c.micro, 12);
    }
  });
});

describe('averagePrecision: against a naive reference', () => {
  it('agrees on random inputs with ties (seeded fuzz)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 30 }),
        fc.integer({ min: 1, max: 4 }),
        fc.integer({ min: 0, max: 2 ** 31 - 1 }),
        (F, C, seed) => {
          let a = seed;
          const rand = () => {
            a = (a * 1103515245 + 12345) % 2147483648;
            return a / 2147483648;
          };
          const scores = Array.from({ length: F }, () =>
            Array.from({ length: C }, () => Math.round(rand() * 5) / 5),
          );
          const refs = Array.from({ length: F }, () =>
            Array.from({ length: C }, () => (rand() < 0.4 ? 1 : 0)),
          );
          const r = averagePrecision(scores, refs);
          for (let j = 0; j < C; j++) {
            const ap = naiveAp(
              scores.map((row) => row[j]!),
              refs.map((row) => row[j]!),
            );
            expect(r.perClass[j]).toBeCloseTo(ap, 12);
          }
          expect(r.micro).toBeCloseTo(naiveAp(scores.flat(), refs.flat()), 12);
        },
      ),
      { seed: 19, numRuns: 200 },
    );
  });

  it('does not mutate its inputs', () => {
    const s = Float64Array.from([0.3, 0.1, 0.9, 0.5]);
    const y = Float64Array.from([0, 1, 1, 0]);
    averagePrecision(s, y);
    expect(Array.from(s)).toEqual([0.3, 0.1, 0.9, 0.5]);
    expect(Array.from(y)).toEqual([0, 1, 1, 0]);
  });
});

describe('averagePrecision: bad input', () => {
  it('refuses references other than 0/1, naming the element', () => {
    expect(codeOf(() => averagePrecision([0.1, 0.2], [1, 0.5]))).toBe('INVALID_OPTION');
    expect(() => averagePrecision([0.1, 0.2], [1, Number.NaN])).toThrow(/references/);
  });

  it('refuses non-finite scores, different shapes, empty input and rank 3', () => {
    expect(codeOf(() => averagePrecision([0.1, Number.NaN], [1, 0]))).toBe('NON_FINITE');
    expect(codeOf(() => averagePrecision([0.1, Infinity], [1, 0]))).toBe('NON_FINITE');
    expect(codeOf(() => averagePrecision([0.1, 0.2], [1, 0, 1]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => averagePrecision([], []))).toBe('EMPTY');
    expect(codeOf(() => averagePrecision([[[0.1]]], [[[1]]]))).toBe('SHAPE_MISMATCH');
  });
});
