import { type Tensor, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  aggregateBottomUpVjp,
  bceLoss,
  bceLossValueAndGrad,
  bottomUpLoss,
  bottomUpLossValueAndGrad,
  defineHierarchy,
  type Hierarchy,
  hierarchicalLoss,
  hierarchicalLossValueAndGrad,
  hierarchies,
  maxConstraint,
  maxConstraintVjp,
  mcLoss,
  mcLossValueAndGrad,
  topDownLoss,
  topDownLossValueAndGrad,
} from '../src/index.js';
import { dag, finiteDiff, maxAbsDiff, randn, randomLabels, rng } from './helpers.js';

type Mode = 'logits' | 'probabilities';
const F = 5;

function inputs(h: Hierarchy, mode: Mode, seed: number) {
  const r = rng(seed);
  const n = F * h.classes.length;
  const x =
    mode === 'logits' ? randn(r, n, 2) : Float64Array.from({ length: n }, () => 0.05 + 0.9 * r());
  return { x, y: randomLabels(r, n), shape: [F, h.classes.length] };
}

// Central differences with h = 1e-6 on float64 (O(h^2) truncation, O(eps/h) rounding).
const FD_TOL = 1e-7;

describe.each([
  ['orchestra', hierarchies.orchestra],
  ['DAG', dag],
] as const)('gradients match central finite differences (%s)', (_, h) => {
  describe.each(['logits', 'probabilities'] as const)('input %s', (mode) => {
    const { x, y, shape } = inputs(h, mode, mode === 'logits' ? 11 : 12);
    const T = (v: Float64Array): Tensor => tensor(v, shape);
    const Y = tensor(y, shape);
    const o = { input: mode };
    const cases: [string, (v: Float64Array) => number, () => { grad: Tensor }][] = [
      ['bceLoss', (v) => bceLoss(T(v), Y, o), () => bceLossValueAndGrad(T(x), Y, o)],
      ['bottomUpLoss', (v) => bottomUpLoss(T(v), h, o), () => bottomUpLossValueAndGrad(T(x), h, o)],
      ['topDownLoss', (v) => topDownLoss(T(v), h, o), () => topDownLossValueAndGrad(T(x), h, o)],
      [
        'hierarchicalLoss',
        (v) => hierarchicalLoss(T(v), Y, h, { ...o, alpha: 0.8, beta: 1.7 }),
        () => hierarchicalLossValueAndGrad(T(x), Y, h, { ...o, alpha: 0.8, beta: 1.7 }),
      ],
      ['mcLoss', (v) => mcLoss(T(v), Y, h, o), () => mcLossValueAndGrad(T(x), Y, h, o)],
    ];
    it.each(cases)('%s', (_name, f, vg) => {
      const fd = finiteDiff(f, x);
      const g = vg().grad;
      expect(maxAbsDiff(g.data, fd)).toBeLessThan(FD_TOL);
      expect(g.shape).toEqual(shape);
    });
  });

  it('the vjp of maxConstraint matches finite differences of <dy, MCM(p)>', () => {
    const r = rng(21);
    const n = F * h.classes.length;
    const x = randn(r, n);
    const dy = randn(r, n);
    const shape = [F, h.classes.length];
    const f = (v: Float64Array) => {
      const out = maxConstraint(tensor(v, shape), h).data;
      let s = 0;
      for (let i = 0; i < n; i++) s += out[i]! * dy[i]!;
      return s;
    };
    const g = maxConstraintVjp(tensor(x, shape), tensor(dy, shape), h);
    expect(maxAbsDiff(g.data, finiteDiff(f, x))).toBeLessThan(FD_TOL);
  });

  it('the vjp of aggregateBottomUp matches finite differences of <dy, aggregate(p)>', () => {
    const r = rng(22);
    const n = F * h.classes.length;
    const x = randn(r, n);
    const dy = randn(r, n);
    const shape = [F, h.classes.length];
    const f = (v: Float64Array) => {
      const out = aggregateBottomUp(tensor(v, shape), h).data;
      let s = 0;
      for (let i = 0; i < n; i++) s += out[i]! * dy[i]!;
      return s;
    };
    const g = aggregateBottomUpVjp(tensor(x, shape), tensor(dy, shape), h);
    expect(maxAbsDiff(g.data, finiteDiff(f, x))).toBeLessThan(FD_TOL);
  });
});

describe('ties at a max split the gradient evenly', () => {
  const h = defineHierarchy({ p: ['a', 'b'] });
  it('in the top-down loss, between tied children', () => {
    // p = 0.9 above two children tied at 0.5: each child gets half of -2 d / (F |P|).
    const { grad } = topDownLossValueAndGrad([[0.9, 0.5, 0.5]], h, { input: 'probabilities' });
    expect(grad.data[0]).toBeCloseTo(0.8, 14);
    expect(grad.data[1]).toBeCloseTo(-0.4, 14);
    expect(grad.data[2]).toBeCloseTo(-0.4, 14);
  });
  it('in maxConstraint, between tied descendants', () => {
    const g = maxConstraintVjp([[0.2, 0.7, 0.7]], [[1, 0, 0]], h);
    expect(Array.from(g.data)).toEqual([0, 0.5, 0.5]);
  });
  it('in aggregateBottomUp, between tied children', () => {
    const g = aggregateBottomUpVjp([[0.2, 0.7, 0.7]], [[1, 0, 0]], h);
    expect(Array.from(g.data)).toEqual([0, 0.5, 0.5]);
  });
});
