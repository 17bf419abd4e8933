import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { consistency, type HierarchyLike } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

/** A plain-object hierarchy from a child list per class. */
function hierarchyOf(spec: Record<string, string[]>): HierarchyLike {
  return { classes: Object.keys(spec), children: (c) => spec[c] ?? [] };
}

// voice -> female, male; female -> soprano, alto
const singing = hierarchyOf({
  voice: ['female', 'male'],
  female: ['soprano', 'alto'],
  male: [],
  soprano: [],
  alto: [],
});

describe('consistency: gamma_c', () => {
  it('is |I_c and I_c-down| / |I_c or I_c-down| per class with children (hand-computed)', () => {
    //           voice female male soprano alto
    const p = [
      [1, 1, 0, 1, 0], // voice & female: both; female & soprano: both
      [1, 0, 0, 0, 0], // voice without child
      [0, 1, 0, 0, 1], // female without voice; female & alto
      [0, 0, 0, 0, 0], // nothing
    ];
    const r = consistency(p, singing);
    expect(r.perClass.map((e) => e.name)).toEqual(['voice', 'female']);
    const [voice, female] = r.perClass;
    // voice: I = {0, 1}, I-down = {0, 2}: 1 / 3
    expect(voice).toEqual({ name: 'voice', index: 0, gamma: 1 / 3, intersection: 1, union: 3 });
    // female: I = {0, 2}, I-down = {0, 2}: 2 / 2
    expect(female).toEqual({ name: 'female', index: 1, gamma: 1, intersection: 2, union: 2 });
    expect(r.mean).toBeCloseTo((1 / 3 + 1) / 2, 15);
  });

  it('is 1 when neither a class nor any of its children is ever predicted', () => {
    const r = consistency([[0, 0, 0, 0, 0]], singing);
    expect(r.perClass.every((e) => e.gamma === 1 && e.union === 0)).toBe(true);
    expect(r.mean).toBe(1);
  });

  it('thresholds probabilities at 0.5 by default, inclusive', () => {
    const h = hierarchyOf({ a: ['b'], b: [] });
    expect(consistency([[0.5, 0.49]], h).mean).toBe(0);
    expect(consistency([[0.5, 0.5]], h).mean).toBe(1);
  });

  it('takes another threshold', () => {
    const h = hierarchyOf({ a: ['b'], b: [] });
    expect(consistency([[0.3, 0.2]], h, { threshold: 0.25 }).mean).toBe(0);
    expect(consistency([[0.3, 0.2]], h, { threshold: 0.1 }).mean).toBe(1);
  });

  it('accepts children given as column indices', () => {
    const h = { classes: ['a', 'b', 'c'], children: (c: string) => (c === 'a' ? [1, 2] : []) };
    expect(consistency([[1, 0, 1]], h).mean).toBe(1);
  });

  it('handles a class with two parents (a DAG)', () => {
    const h = hierarchyOf({ p: ['x'], q: ['x'], x: [] });
    const r = consistency(
      [
        [1, 0, 1],
        [0, 0, 1],
      ],
      h,
    );
    expect(r.perClass.map((e) => e.gamma)).toEqual([0.5, 0]);
  });

  it('is 1 for predictions made consistent by construction (property)', () => {
    // Leaves soprano, alto, male predicted freely; every parent = OR of its children.
    fc.assert(
      fc.property(
        fc.array(fc.tuple(fc.boolean(), fc.boolean(), fc.boolean()), {
          minLength: 1,
          maxLength: 50,
        }),
        fc.double({ min: 0.5, max: 1, noNaN: true }),
        (leaves, high) => {
          const rows = leaves.map(([s, a, m]) => {
            const female = s || a;
            const voice = female || m;
            return [voice, female, m, s, a].map((on) => (on ? high : 0.5 * (1 - high)));
          });
          const r = consistency(rows, singing);
          return r.mean === 1 && r.perClass.every((e) => e.gamma === 1);
        },
      ),
    );
  });

  it('lies in [0, 1] (property)', () => {
    fc.assert(
      fc.property(
        fc.array(
          fc.array(fc.double({ min: 0, max: 1, noNaN: true }), { minLength: 5, maxLength: 5 }),
          {
            minLength: 1,
            maxLength: 30,
          },
        ),
        (rows) => {
          const r = consistency(rows, singing);
          return (
            r.mean >= 0 && r.mean <= 1 && r.perClass.every((e) => e.gamma >= 0 && e.gamma <= 1)
          );
        },
      ),
    );
  });

  it('does not mutate its input', () => {
    const p = new Float32Array([1, 0, 0, 1, 0]);
    const copy = p.slice();
    consistency([p], singing);
    expect(p).toEqual(copy);
  });
});

describe('consistency: errors', () => {
  it('refuses predictions that are not [F, C] with C = number of classes', () => {
    expect(codeOf(() => consistency([1, 0, 0, 0, 0], singing))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => consistency([[1, 0, 0]], singing))).toBe('SHAPE_MISMATCH');
  });

  it('refuses empty, non-finite and out-of-range predictions', () => {
    expect(codeOf(() => consistency([], singing))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => consistency([[Number.NaN, 0, 0, 0, 0]], singing))).toBe('NON_FINITE');
    expect(codeOf(() => consistency([[2, 0, 0, 0, 0]], singing))).toBe('INVALID_OPTION');
  });

  it('refuses a bad threshold or an unknown option', () => {
    expect(codeOf(() => consistency([[1, 0, 0, 0, 0]], singing, { threshold: 0 }))).toBe(
      'INVALID_OPTION',
    );
    expect(() => consistency([[1, 0, 0, 0, 0]], singing, { treshold: 0.5 } as never)).toThrow(
      /treshold/,
    );
  });

  it('refuses something that is not a hierarchy', () => {
    expect(codeOf(() => consistency([[1]], null as never))).toBe('INVALID_HIERARCHY');
    expect(codeOf(() => consistency([[1]], { classes: 'a' } as never))).toBe('INVALID_HIERARCHY');
    expect(codeOf(() => consistency([[1]], { classes: ['a'] } as never))).toBe('INVALID_HIERARCHY');
    expect(codeOf(() => consistency([[1]], { classes: [], children: () => [] }))).toBe(
      'INVALID_HIERARCHY',
    );
  });

  it('refuses duplicate class names, naming them', () => {
    expect(() => consistency([[1, 1]], { classes: ['a', 'a'], children: () => [] })).toThrow(
      /duplicate class name 'a'/,
    );
  });

  it('refuses an unknown child, naming it', () => {
    const h = { classes: ['a', 'b'], children: (c: string) => (c === 'a' ? ['zz'] : []) };
    expect(() => consistency([[1, 1]], h)).toThrow(/unknown child 'zz'/);
    const h2 = { classes: ['a', 'b'], children: (c: string) => (c === 'a' ? [7] : []) };
    expect(codeOf(() => consistency([[1, 1]], h2))).toBe('INVALID_HIERARCHY');
  });

  it('refuses a class that is its own child', () => {
    const h = { classes: ['a', 'b'], children: (c: string) => (c === 'a' ? ['a'] : []) };
    expect(() => consistency([[1, 1]], h)).toThrow(/its own child/);
  });

  it('refuses children(c) that does not return a list', () => {
    const h = { classes: ['a'], children: () => 3 as never };
    expect(codeOf(() => consistency([[1]], h))).toBe('INVALID_HIERARCHY');
  });

  it('refuses a hierarchy in which no class has children', () => {
    expect(() => consistency([[1, 1]], hierarchyOf({ a: [], b: [] }))).toThrow(
      /no class has children/,
    );
  });
});

describe('consistency on very deep and wide hierarchies', () => {
  it('handles a chain of 20,000 classes and a fan of 20,000 children (no recursion, no quadratic scans)', () => {
    const C = 20_000;
    const names = Array.from({ length: C }, (_, i) => `c${i}`);
    const chain = {
      classes: names,
      children: (c: string) => {
        const i = Number(c.slice(1));
        return i + 1 < C ? [i + 1] : [];
      },
    };
    const row = Array.from({ length: C }, (_, i) => (i % 2 === 0 ? 1 : 0));
    const r = consistency([row], chain);
    expect(r.perClass).toHaveLength(C - 1);
    // c_i predicted on the frame exactly when i is even; its one child is c_{i+1}: never both.
    expect(r.mean).toBe(0);
    const fan = { classes: names, children: (c: string) => (c === 'c0' ? names.slice(1) : []) };
    const f = consistency([row, new Array(C).fill(0)], fan);
    expect(f.perClass).toEqual([{ name: 'c0', index: 0, gamma: 1, intersection: 1, union: 1 }]);
  });
});
