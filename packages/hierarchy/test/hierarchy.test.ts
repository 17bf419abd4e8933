import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { defineHierarchy, type HierarchySpec, hierarchies, isHierarchy } from '../src/index.js';

function invalid(spec: unknown, pattern: RegExp, options?: unknown) {
  let err: unknown;
  try {
    defineHierarchy(spec as HierarchySpec, options as never);
  } catch (e) {
    err = e;
  }
  expect(err).toBeInstanceOf(LossInputError);
  expect((err as LossInputError).code).toBe('INVALID_HIERARCHY');
  expect((err as LossInputError).message).toMatch(pattern);
}

const dagEdges: [string, string][] = [
  ['a', 'b'],
  ['a', 'c'],
  ['b', 'd'],
  ['c', 'd'],
  ['b', 'e'],
  ['c', 'f'],
  ['g', 'f'],
];

describe('defineHierarchy from a nested object', () => {
  const h = hierarchies.singing;

  it('lists the 9 singing classes depth-first', () => {
    expect(h.classes).toEqual([
      'singing',
      'female',
      'soprano',
      'mezzo-soprano',
      'alto',
      'male',
      'tenor',
      'baritone',
      'bass',
    ]);
  });

  it('gives column indices, children and parents by name', () => {
    expect(h.indexOf('alto')).toBe(4);
    expect(h.children('male')).toEqual(['tenor', 'baritone', 'bass']);
    expect(h.parents('tenor')).toEqual(['male']);
    expect(h.parents('singing')).toEqual([]);
  });

  it('lists edges parent by parent and the classes with children', () => {
    expect(h.edges).toHaveLength(8);
    expect(h.edges[0]).toEqual(['singing', 'female']);
    expect(h.parentsWithChildren).toEqual(['singing', 'female', 'male']);
  });

  it('puts leaves at level 1 and a parent one above its highest child', () => {
    expect(h.level('soprano')).toBe(1);
    expect(h.level('female')).toBe(2);
    expect(h.level('singing')).toBe(3);
    expect(h.depth).toBe(3);
    expect(h.classesAtLevel(2)).toEqual(['female', 'male']);
  });

  it('gives ancestors and descendants without the class itself', () => {
    expect(h.ancestors('bass')).toEqual(['singing', 'male']);
    expect(h.descendants('female')).toEqual(['soprano', 'mezzo-soprano', 'alto']);
    expect(h.descendants('alto')).toEqual([]);
  });

  it('accepts arrays mixing leaf names and subtrees, and null leaves', () => {
    const g = defineHierarchy({ root: ['x', { y: ['z'] }, { w: null }] });
    expect(g.classes).toEqual(['root', 'x', 'y', 'z', 'w']);
    expect(g.children('root')).toEqual(['x', 'y', 'w']);
  });

  it('accepts an explicit column order', () => {
    const g = defineHierarchy({ r: ['a', 'b'] }, { classes: ['b', 'a', 'r'] });
    expect(g.classes).toEqual(['b', 'a', 'r']);
    expect(g.indexOf('r')).toBe(2);
    expect(g.tables.edgeParent).toEqual(Int32Array.from([2, 2]));
  });
});

describe('hierarchies.orchestra', () => {
  const h = hierarchies.orchestra;
  it('has 19 classes, 18 edges and 6 parents under music', () => {
    expect(h.classes).toHaveLength(19);
    expect(h.edges).toHaveLength(18);
    expect(h.parentsWithChildren).toEqual([
      'music',
      'woodwinds',
      'brass',
      'percussion',
      'voice',
      'strings',
    ]);
    expect(h.roots).toEqual(['music']);
    expect(h.leaves).toHaveLength(13);
    expect(h.children('strings')).toEqual(['violin', 'viola', 'cello', 'double bass']);
  });
});

describe('defineHierarchy from edges (DAGs)', () => {
  const h = defineHierarchy(dagEdges);

  it('orders classes by first appearance', () => {
    expect(h.classes).toEqual(['a', 'b', 'c', 'd', 'e', 'f', 'g']);
  });

  it('allows a class with several parents', () => {
    expect(h.parents('d')).toEqual(['b', 'c']);
    expect(h.parents('f')).toEqual(['c', 'g']);
    expect(h.roots).toEqual(['a', 'g']);
  });

  it('counts each descendant once', () => {
    expect(h.descendants('a')).toEqual(['b', 'c', 'd', 'e', 'f']);
    expect(h.ancestors('f')).toEqual(['a', 'c', 'g']);
  });

  it('uses the highest child for the level', () => {
    expect(h.level('d')).toBe(1);
    expect(h.level('b')).toBe(2);
    expect(h.level('a')).toBe(3);
    expect(h.level('g')).toBe(2);
  });

  it('builds the kernel tables: CSR children, closures with self first, bottom-up order', () => {
    const t = h.tables;
    expect(t.numClasses).toBe(7);
    expect(Array.from(t.childIndex.subarray(t.childStart[0]!, t.childStart[1]!))).toEqual([1, 2]);
    expect(Array.from(t.closureIndex.subarray(t.closureStart[1]!, t.closureStart[2]!))).toEqual([
      1, 3, 4,
    ]);
    const pos = new Map(Array.from(t.bottomUpOrder, (c, k) => [c, k]));
    for (const [p, c] of h.edges)
      expect(pos.get(h.indexOf(c))!).toBeLessThan(pos.get(h.indexOf(p))!);
  });

  it('gives the same hierarchy as the equivalent nested object', () => {
    const nested = defineHierarchy({
      singing: {
        female: ['soprano', 'mezzo-soprano', 'alto'],
        male: ['tenor', 'baritone', 'bass'],
      },
    });
    const edges = defineHierarchy([
      ['singing', 'female'],
      ['female', 'soprano'],
      ['female', 'mezzo-soprano'],
      ['female', 'alto'],
      ['singing', 'male'],
      ['male', 'tenor'],
      ['male', 'baritone'],
      ['male', 'bass'],
    ]);
    expect(edges.classes).toEqual(nested.classes);
    expect(edges.edges).toEqual(nested.edges);
    expect(edges.tables).toEqual(nested.tables);
  });

  it('is recognised by isHierarchy, plain objects are not', () => {
    expect(isHierarchy(h)).toBe(true);
    expect(isHierarchy({ classes: [] })).toBe(false);
  });
});

describe('invalid hierarchies throw INVALID_HIERARCHY naming the culprit', () => {
  it('refuses a cycle and names it', () => {
    invalid(
      [
        ['a', 'b'],
        ['b', 'c'],
        ['c', 'a'],
      ],
      /cycle 'a' -> 'b' -> 'c' -> 'a'/,
    );
  });

  it('refuses a self-loop', () => {
    invalid([['a', 'a']], /self-loop 'a'/);
  });

  it('refuses a duplicate edge', () => {
    invalid(
      [
        ['a', 'b'],
        ['a', 'b'],
      ],
      /duplicate edge 'a' -> 'b'/,
    );
  });

  it('refuses a duplicate name in a nested object', () => {
    invalid({ r: { a: ['x'], b: ['x'] } }, /duplicate class name 'x'/);
  });

  it('refuses empty hierarchies', () => {
    invalid({}, /empty/);
    invalid([], /empty/);
  });

  it('refuses unknown and missing names in the column order', () => {
    invalid({ r: ['a'] }, /unknown class name 'zz'/, { classes: ['r', 'a', 'zz'] });
    invalid({ r: ['a'] }, /missing class name 'a'/, { classes: ['r'] });
  });

  it('refuses an unknown name in a lookup', () => {
    expect(() => hierarchies.singing.children('piano')).toThrow(/unknown class 'piano'/);
  });

  it('refuses malformed edges and names', () => {
    invalid([['a']], /edge 0: expected a \[parent, child\] pair/);
    invalid([['a', '']], /non-empty class name/);
    invalid({ r: [3] }, /non-empty class name, got 3/);
    invalid('music', /expected a nested object or a list/);
  });

  it('refuses unknown options with INVALID_OPTION', () => {
    expect(() => defineHierarchy({ r: ['a'] }, { clases: ['r'] } as never)).toThrow(
      /unknown option 'clases'/,
    );
  });
});
