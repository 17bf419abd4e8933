import { LossInputError, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  aggregateBottomUpVjp,
  defineHierarchy,
  type Hierarchy,
  hierarchicalLossValueAndGrad,
  maxConstraint,
  maxConstraintVjp,
  mcLossValueAndGrad,
  propagateLabels,
} from '../src/index.js';
import { randn, rng } from './helpers.js';

// Issue 12, item 7: every traversal was a recursive depth-first search, so a chain of about 5,000
// levels (or a nested spec 10,000 deep) overflowed the call stack. These hierarchies are far
// deeper than that; the traversals are now iterative and the kernels linear in |E| per frame.

const LEVELS = 20_000;

function chainEdges(n: number): [string, string][] {
  const edges: [string, string][] = [];
  for (let i = 0; i + 1 < n; i++) edges.push([`c${i}`, `c${i + 1}`]);
  return edges;
}

/** { c0: { c1: { ... { c<n-1>: null } } } }, built without recursion. */
function nestedChain(n: number, asArrays: boolean): Record<string, unknown> {
  let inner: unknown = null;
  for (let i = n - 1; i >= 0; i--) {
    const o: Record<string, unknown> = {};
    o[`c${i}`] = inner;
    inner = asArrays && i > 0 ? [o] : o;
  }
  return inner as Record<string, unknown>;
}

function expectChain(h: Hierarchy, n: number): void {
  expect(h.classes).toHaveLength(n);
  expect(h.classes[0]).toBe('c0');
  expect(h.classes[n - 1]).toBe(`c${n - 1}`);
  expect(h.depth).toBe(n);
  expect(h.level('c0')).toBe(n);
  expect(h.level(`c${n - 1}`)).toBe(1);
  expect(h.roots).toEqual(['c0']);
  expect(h.leaves).toEqual([`c${n - 1}`]);
  expect(h.edges).toHaveLength(n - 1);
  expect(h.edges[n - 2]).toEqual([`c${n - 2}`, `c${n - 1}`]);
}

describe(`a chain of ${LEVELS} levels`, () => {
  let built: Hierarchy | undefined;
  const chain = (): Hierarchy => {
    built ??= defineHierarchy(chainEdges(LEVELS));
    return built;
  };

  it('is defined from edges: levels, roots, leaves, depth', () => {
    expectChain(chain(), LEVELS);
  });

  it('lists the ancestors and descendants of a class deep inside', () => {
    const h = chain();
    const a = h.ancestors(`c${LEVELS - 1}`);
    expect(a).toHaveLength(LEVELS - 1);
    expect(a[0]).toBe('c0');
    const d = h.descendants('c1');
    expect(d).toHaveLength(LEVELS - 2);
    expect(d[d.length - 1]).toBe(`c${LEVELS - 1}`);
  });

  it('runs the hierarchical loss and its gradient (checked against the chain formula)', () => {
    const h = chain();
    const C = LEVELS;
    const z = randn(rng(1), C, 2);
    const y = new Float64Array(C).fill(Number.NaN);
    const r = hierarchicalLossValueAndGrad(tensor(z, [1, C]), tensor(y, [1, C]), h, {
      alpha: 0,
      beta: 1,
    });
    // L_up on a chain: mean over the C - 1 edges of max(0, p_{i+1} - p_i)^2.
    const p = Float64Array.from(z, (v) => 1 / (1 + Math.exp(-v)));
    let up = 0;
    let down = 0;
    for (let i = 0; i + 1 < C; i++) {
      up += Math.max(0, p[i + 1]! - p[i]!) ** 2;
      down += Math.max(0, p[i]! - p[i + 1]!) ** 2;
    }
    expect(r.value).toBeCloseTo(up / (C - 1), 14);
    expect(r.parts.down).toBeCloseTo(down / (C - 1), 14);
    expect(r.grad.data.every(Number.isFinite)).toBe(true);
  });

  it('runs MCM, MCLoss, strategy B and label propagation', () => {
    const h = chain();
    const C = LEVELS;
    const z = randn(rng(2), C, 2);
    const m = maxConstraint(tensor(z, [1, C]), h).data;
    // MCM on a chain is the running max from the leaf up.
    let run = Number.NEGATIVE_INFINITY;
    let ok = true;
    for (let i = C - 1; i >= 0; i--) {
      run = Math.max(run, z[i]!);
      if (m[i] !== run) ok = false;
    }
    expect(ok).toBe(true);
    const dy = new Float64Array(C).fill(1);
    const g = maxConstraintVjp(tensor(z, [1, C]), tensor(dy, [1, C]), h).data;
    let sum = 0;
    for (let i = 0; i < C; i++) sum += g[i]!;
    expect(sum).toBeCloseTo(C, 6);
    const agg = aggregateBottomUp(tensor(z, [1, C]), h).data;
    expect(agg[0]).toBe(z[C - 1]);
    expect(aggregateBottomUpVjp(tensor(z, [1, C]), tensor(dy, [1, C]), h).data[C - 1]).toBe(C);
    const labels = new Float64Array(C).fill(Number.NaN);
    labels[C - 1] = 1;
    labels[0] = 0;
    const prop = propagateLabels(tensor(labels, [1, C]), h).data;
    expect(prop.every((v) => v === 1)).toBe(true);
    const mc = mcLossValueAndGrad(tensor(z, [1, C]), tensor(prop, [1, C]), h);
    expect(Number.isFinite(mc.value)).toBe(true);
  });

  it('is refused as a cycle when closed, naming it briefly', () => {
    const edges = chainEdges(LEVELS);
    edges.push([`c${LEVELS - 1}`, 'c0']);
    let err: unknown;
    try {
      defineHierarchy(edges);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LossInputError);
    expect((err as LossInputError).code).toBe('INVALID_HIERARCHY');
    expect((err as LossInputError).message).toMatch(/^hierarchy: cycle 'c0' -> 'c1' -> /);
    expect((err as LossInputError).message).toMatch(/20000 classes/);
    expect((err as LossInputError).message.length).toBeLessThan(400);
  });
});

describe('a nested spec 10,000 levels deep', () => {
  it('as objects', () => {
    expectChain(defineHierarchy(nestedChain(10_000, false) as never), 10_000);
  });
  it('as arrays of objects', () => {
    expectChain(defineHierarchy(nestedChain(10_000, true) as never), 10_000);
  });
  it('a duplicate name at the bottom is still found and named', () => {
    const spec = nestedChain(10_000, false);
    let inner = spec;
    for (let i = 0; i < 9_999; i++) inner = inner[`c${i}`] as Record<string, unknown>;
    inner[`c${9_999}`] = ['c5'];
    expect(() => defineHierarchy(spec as never)).toThrow(/duplicate class name 'c5'/);
  });
});

describe('messages about very large hierarchies stay short', () => {
  it('an unknown class name lists only the first known classes', () => {
    const h = defineHierarchy(chainEdges(5000));
    let message = '';
    try {
      h.indexOf('nope');
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown class 'nope'/);
    expect(message).toMatch(/5000 classes/);
    expect(message.length).toBeLessThan(600);
  });
});
