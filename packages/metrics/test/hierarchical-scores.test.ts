import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type HierarchyLike, hierarchicalScores } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

function hierarchyOf(spec: Record<string, string[]>): HierarchyLike {
  return { classes: Object.keys(spec), children: (c) => spec[c] ?? [] };
}

// strings -> violin, cello; winds -> flute
const orchestra = hierarchyOf({
  strings: ['violin', 'cello'],
  winds: ['flute'],
  violin: [],
  cello: [],
  flute: [],
});

/** An independent reference on label-name sets, ancestors by recursion over the names. */
function naive(
  pred: number[][],
  ref: number[][],
  spec: Record<string, string[]>,
): { p: number; r: number; f: number } {
  const classes = Object.keys(spec);
  const parentsOf = (c: string) => classes.filter((p) => spec[p]!.includes(c));
  const close = (set: Set<string>): Set<string> => {
    const out = new Set<string>();
    const add = (c: string) => {
      out.add(c);
      for (const p of parentsOf(c)) add(p);
    };
    for (const c of set) add(c);
    return out;
  };
  let inter = 0;
  let np = 0;
  let nt = 0;
  pred.forEach((row, f) => {
    const P = close(new Set(classes.filter((_, j) => row[j]! >= 0.5)));
    const T = close(new Set(classes.filter((_, j) => ref[f]![j] === 1)));
    np += P.size;
    nt += T.size;
    for (const c of P) if (T.has(c)) inter++;
  });
  const p = np > 0 ? inter / np : 0;
  const r = nt > 0 ? inter / nt : 0;
  return { p, r, f: p + r > 0 ? (2 * p * r) / (p + r) : 0 };
}

describe('hierarchicalScores: hand-computed values', () => {
  it('extends both label sets by their ancestors (a sibling error is half right)', () => {
    // Reference violin, predicted cello: T = {violin, strings}, P = {cello, strings}.
    const r = hierarchicalScores([[0, 0, 0, 1, 0]], [[0, 0, 1, 0, 0]], orchestra);
    expect(r).toEqual({
      precision: 0.5,
      recall: 0.5,
      f: 0.5,
      intersection: 1,
      predicted: 2,
      reference: 2,
    });
  });

  it('sums over frames before dividing (micro, as HiClass)', () => {
    //            strings winds violin cello flute
    const pred = [
      [0, 0, 1, 0, 0], // violin -> {violin, strings}
      [0, 0.7, 0, 0, 0], // winds only -> {winds}
      [0, 0, 0, 0, 0], // nothing
    ];
    const ref = [
      [0, 0, 1, 0, 0], // {violin, strings}: 2 of 2
      [0, 0, 0, 0, 1], // {flute, winds}: 1 of 2
      [0, 0, 0, 1, 0], // {cello, strings}: 0 of 2
    ];
    const r = hierarchicalScores(pred, ref, orchestra);
    expect(r.intersection).toBe(3);
    expect(r.predicted).toBe(3);
    expect(r.reference).toBe(6);
    expect(r.precision).toBe(1);
    expect(r.recall).toBe(0.5);
    expect(r.f).toBeCloseTo(2 / 3, 15);
  });

  it("reproduces HiClass's f1 docstring example: paths 0-1-2 vs 0-1-2 and 3-4-5 vs 6-7-8 give 0.5", () => {
    const chains = hierarchyOf({
      n0: ['n1'],
      n1: ['n2'],
      n2: [],
      n3: ['n4'],
      n4: ['n5'],
      n5: [],
      n6: ['n7'],
      n7: ['n8'],
      n8: [],
    });
    const leaf = (k: number) => Array.from({ length: 9 }, (_, j) => (j === k ? 1 : 0));
    const r = hierarchicalScores([leaf(2), leaf(8)], [leaf(2), leaf(5)], chains);
    expect(r.f).toBe(0.5);
    expect(r.precision).toBe(0.5);
    expect(r.recall).toBe(0.5);
  });

  it('handles several labels per frame and shared ancestors (a DAG) once', () => {
    const dag = hierarchyOf({ a: ['c'], b: ['c'], c: [] });
    // c has two parents: predicting c gives {a, b, c}.
    const r = hierarchicalScores([[0, 0, 1]], [[1, 0, 0]], dag);
    expect(r.predicted).toBe(3);
    expect(r.reference).toBe(1);
    expect(r.intersection).toBe(1);
  });
});

describe('hierarchicalScores: edge cases', () => {
  it('gives recall 0 with no positive reference and precision 0 with no prediction', () => {
    const none = [[0, 0, 0, 0, 0]];
    const some = [[0, 0, 1, 0, 0]];
    expect(hierarchicalScores(some, none, orchestra)).toMatchObject({
      precision: 0,
      recall: 0,
      f: 0,
    });
    expect(hierarchicalScores(none, some, orchestra)).toMatchObject({
      precision: 0,
      recall: 0,
      f: 0,
    });
    expect(hierarchicalScores(none, none, orchestra)).toMatchObject({
      precision: 0,
      recall: 0,
      f: 0,
    });
  });

  it('is 1 everywhere when every class is positive in prediction and reference', () => {
    const all = [
      [1, 1, 1, 1, 1],
      [1, 1, 1, 1, 1],
    ];
    expect(hierarchicalScores(all, all, orchestra)).toMatchObject({
      precision: 1,
      recall: 1,
      f: 1,
    });
  });

  it('counts a probability equal to the threshold as predicted', () => {
    const r = hierarchicalScores([[0, 0, 0.3, 0, 0]], [[0, 0, 1, 0, 0]], orchestra, {
      threshold: 0.3,
    });
    expect(r.f).toBe(1);
  });

  it('agrees with a set-based reference on random frames (seeded fuzz)', () => {
    const spec = {
      music: ['strings', 'winds'],
      strings: ['violin', 'cello'],
      winds: ['flute', 'oboe'],
      violin: [],
      cello: [],
      flute: [],
      oboe: [],
    };
    const h = hierarchyOf(spec);
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 7, maxLength: 7 }),
          {
            minLength: 1,
            maxLength: 20,
          },
        ),
        fc.array(fc.array(fc.integer({ min: 0, max: 1 }), { minLength: 7, maxLength: 7 }), {
          minLength: 20,
          maxLength: 20,
        }),
        (pred, refAll) => {
          const ref = refAll.slice(0, pred.length);
          const got = hierarchicalScores(pred, ref, h);
          const want = naive(pred, ref, spec);
          expect(got.precision).toBeCloseTo(want.p, 14);
          expect(got.recall).toBeCloseTo(want.r, 14);
          expect(got.f).toBeCloseTo(want.f, 14);
        },
      ),
      { seed: 5, numRuns: 200 },
    );
  });
});

describe('hierarchicalScores: bad input', () => {
  it('refuses a cycle in the hierarchy', () => {
    const cyclic = hierarchyOf({ a: ['b'], b: ['a'] });
    expect(codeOf(() => hierarchicalScores([[0, 0]], [[0, 0]], cyclic))).toBe('INVALID_HIERARCHY');
  });

  it('refuses references other than 0/1 (NaN included) and predictions outside [0, 1]', () => {
    expect(
      codeOf(() => hierarchicalScores([[0, 0, 0, 0, 0]], [[0, 0, 0.5, 0, 0]], orchestra)),
    ).toBe('INVALID_OPTION');
    expect(
      codeOf(() => hierarchicalScores([[0, 0, 0, 0, 0]], [[0, 0, Number.NaN, 0, 0]], orchestra)),
    ).toBe('NON_FINITE');
    expect(
      codeOf(() => hierarchicalScores([[0, 0, 1.5, 0, 0]], [[0, 0, 1, 0, 0]], orchestra)),
    ).toBe('INVALID_OPTION');
  });

  it('refuses the wrong number of columns or frames, and unknown options', () => {
    expect(codeOf(() => hierarchicalScores([[0, 0]], [[0, 0]], orchestra))).toBe('SHAPE_MISMATCH');
    expect(
      codeOf(() =>
        hierarchicalScores(
          [[0, 0, 0, 0, 0]],
          [
            [0, 0, 0, 0, 0],
            [0, 0, 0, 0, 0],
          ],
          orchestra,
        ),
      ),
    ).toBe('SHAPE_MISMATCH');
    expect(
      codeOf(() =>
        hierarchicalScores([[0, 0, 0, 0, 0]], [[0, 0, 0, 0, 0]], orchestra, {
          average: 'macro',
        } as never),
      ),
    ).toBe('INVALID_OPTION');
  });
});
