import { tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  bottomUpLossValueAndGrad,
  defineHierarchy,
  type Hierarchy,
  hierarchicalLossValueAndGrad,
  hierarchies,
  maxConstraint,
  propagateLabels,
  topDownLossValueAndGrad,
} from '../src/index.js';
import { dag } from './helpers.js';

const H: [string, Hierarchy][] = [
  ['orchestra', hierarchies.orchestra],
  ['singing', hierarchies.singing],
  ['DAG', dag],
];

const frames = (h: Hierarchy, arb: fc.Arbitrary<number>) =>
  fc
    .integer({ min: 1, max: 4 })
    .chain((F) =>
      fc
        .array(arb, { minLength: F * h.classes.length, maxLength: F * h.classes.length })
        .map((v) => tensor(Float64Array.from(v), [F, h.classes.length])),
    );
const prob = fc.double({ min: 0, max: 1, noNaN: true });
const label = fc.constantFrom(0, 1, Number.NaN);

/** child = 1 implies parent = 1, parent = 0 implies child = 0, in every frame. */
function consistentLabels(y: Float64Array, h: Hierarchy): boolean {
  const C = h.classes.length;
  for (let f = 0; f * C < y.length; f++) {
    for (let k = 0; k < h.tables.edgeParent.length; k++) {
      const p = y[f * C + h.tables.edgeParent[k]!]!;
      const c = y[f * C + h.tables.edgeChild[k]!]!;
      if (c === 1 && p !== 1) return false;
      if (p === 0 && c !== 0) return false;
    }
  }
  return true;
}

describe.each(H)('laws on the %s hierarchy', (_, h) => {
  it('bottom-up aggregation is consistent: L_up = L_down = 0 with zero gradient', () => {
    fc.assert(
      fc.property(frames(h, prob), (p) => {
        const q = aggregateBottomUp(p, h);
        const up = bottomUpLossValueAndGrad(q, h, { input: 'probabilities' });
        const down = topDownLossValueAndGrad(q, h, { input: 'probabilities' });
        return (
          up.value === 0 &&
          down.value === 0 &&
          up.grad.data.every((g) => g === 0) &&
          down.grad.data.every((g) => g === 0)
        );
      }),
    );
  });

  it('MCM output never has a child likelier than its parent, and MCM is idempotent', () => {
    fc.assert(
      fc.property(frames(h, prob), (p) => {
        const q = maxConstraint(p, h);
        const again = maxConstraint(q, h);
        return (
          bottomUpLossValueAndGrad(q, h, { input: 'probabilities' }).value === 0 &&
          q.data.every((v, i) => v === again.data[i] && v >= p.data[i]!)
        );
      }),
    );
  });

  it('propagated labels are consistent, idempotent and keep every consistent known label', () => {
    fc.assert(
      fc.property(frames(h, label), (y) => {
        const out = propagateLabels(y, h);
        const twice = propagateLabels(out, h);
        const same = out.data.every((v, i) => Object.is(v, twice.data[i]));
        const fromConsistent = propagateLabels(out, h);
        return (
          consistentLabels(out.data as Float64Array, h) &&
          same &&
          out.data.every((v, i) => Object.is(v, fromConsistent.data[i])) &&
          y.data.every((v, i) => Number.isNaN(v) || v === 0 || out.data[i] === v)
        );
      }),
    );
  });

  it('a positive label makes every ancestor positive and a negative one every descendant negative', () => {
    fc.assert(
      fc.property(fc.integer({ min: 0, max: h.classes.length - 1 }), fc.boolean(), (c, pos) => {
        const y = new Float64Array(h.classes.length).fill(Number.NaN);
        y[c] = pos ? 1 : 0;
        const out = propagateLabels(tensor(y, [1, h.classes.length]), h).data;
        const name = h.classes[c]!;
        const related = pos ? h.ancestors(name) : h.descendants(name);
        const others = h.classes.filter((n) => n !== name && !related.includes(n));
        return (
          related.every((n) => out[h.indexOf(n)] === (pos ? 1 : 0)) &&
          others.every((n) => Number.isNaN(out[h.indexOf(n)]!)) &&
          out[c] === (pos ? 1 : 0)
        );
      }),
    );
  });

  it('the hierarchical loss is non-negative and keeps shape and float type', () => {
    fc.assert(
      fc.property(
        frames(h, fc.double({ min: -30, max: 30, noNaN: true })),
        fc.double({ min: 0, max: 5, noNaN: true }),
        fc.double({ min: 0, max: 5, noNaN: true }),
        (x, alpha, beta) => {
          const y = tensor(
            Float64Array.from(x.data, (v) => (v > 0 ? 1 : 0)),
            x.shape,
          );
          const r = hierarchicalLossValueAndGrad(x, y, h, { alpha, beta });
          return (
            r.value >= 0 &&
            Number.isFinite(r.value) &&
            r.grad.data instanceof Float64Array &&
            r.grad.shape.join() === x.shape.join() &&
            r.grad.data.every(Number.isFinite)
          );
        },
      ),
    );
  });
});

describe('propagateLabels', () => {
  it('lets positive evidence win over a conflicting negative parent', () => {
    const h = hierarchies.singing;
    const y = new Array(9).fill(Number.NaN);
    y[h.indexOf('female')] = 0;
    y[h.indexOf('alto')] = 1;
    const out = propagateLabels([y], h).data;
    expect(out[h.indexOf('female')]).toBe(1);
    expect(out[h.indexOf('singing')]).toBe(1);
    expect(out[h.indexOf('soprano')]).toBe(0);
  });

  it('leaves the instruments unknown for a family-level positive label', () => {
    const h = hierarchies.orchestra;
    const y = new Array(19).fill(Number.NaN);
    y[h.indexOf('strings')] = 1;
    y[h.indexOf('brass')] = 0;
    const out = propagateLabels([y], h).data;
    expect(out[h.indexOf('music')]).toBe(1);
    expect(Number.isNaN(out[h.indexOf('violin')]!)).toBe(true);
    expect(out[h.indexOf('horn')]).toBe(0);
    expect(out[h.indexOf('trumpet')]).toBe(0);
  });
});

it('nested-object and edge-list hierarchies give identical losses', () => {
  const nested = defineHierarchy({ r: { x: ['a', 'b'], y: ['c'] } });
  const edges = defineHierarchy([
    ['r', 'x'],
    ['x', 'a'],
    ['x', 'b'],
    ['r', 'y'],
    ['y', 'c'],
  ]);
  fc.assert(
    fc.property(frames(nested, fc.double({ min: -5, max: 5, noNaN: true })), (x) => {
      const y = tensor(
        Float64Array.from(x.data, (v) => (v > 1 ? 1 : v < -1 ? 0 : Number.NaN)),
        x.shape,
      );
      const a = hierarchicalLossValueAndGrad(x, y, nested, { alpha: 0.5, beta: 2 });
      const b = hierarchicalLossValueAndGrad(x, y, edges, { alpha: 0.5, beta: 2 });
      return a.value === b.value && a.grad.data.every((g, i) => g === b.grad.data[i]);
    }),
  );
});
