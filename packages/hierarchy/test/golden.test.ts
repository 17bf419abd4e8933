import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  aggregateBottomUpVjp,
  bceLossValueAndGrad,
  bottomUpLossValueAndGrad,
  defineHierarchy,
  hierarchicalLossValueAndGrad,
  maxConstraint,
  maxConstraintVjp,
  mcLossValueAndGrad,
  topDownLossValueAndGrad,
} from '../src/index.js';
import { fromJson, maxAbsDiff } from './helpers.js';

interface Result {
  value?: number;
  grad?: (number | null)[];
  output?: (number | null)[];
  vjp?: (number | null)[];
}
interface GoldenCase {
  name: string;
  classes: string[];
  edges: [string, string][];
  input: 'logits' | 'probabilities';
  alpha: number;
  beta: number;
  shape: [number, number];
  x: number[];
  labels: (number | null)[];
  dy: number[];
  results: Record<'bce' | 'up' | 'down' | 'hier' | 'mc' | 'mcm' | 'aggregate', Result>;
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8'),
) as { cases: GoldenCase[] };

// Float64 throughout; the only differences are rounding (different operation order).
const TOL = 1e-12;

describe.each(golden.cases)('matches PyTorch autograd: $name', (c) => {
  const h = defineHierarchy(c.edges, { classes: c.classes });
  const x = tensor(fromJson(c.x), c.shape);
  const y = tensor(fromJson(c.labels), c.shape);
  const dy = tensor(fromJson(c.dy), c.shape);
  const opts = { input: c.input };
  const check = (got: { value: number; grad: { data: ArrayLike<number> } }, want: Result) => {
    expect(Math.abs(got.value - want.value!)).toBeLessThan(
      TOL * Math.max(1, Math.abs(want.value!)),
    );
    expect(maxAbsDiff(got.grad.data, fromJson(want.grad!))).toBeLessThan(TOL);
  };

  it('BCE over the known labels', () => check(bceLossValueAndGrad(x, y, opts), c.results.bce));
  it('bottom-up loss L_up', () => check(bottomUpLossValueAndGrad(x, h, opts), c.results.up));
  it('top-down loss L_down', () => check(topDownLossValueAndGrad(x, h, opts), c.results.down));
  it('hierarchical loss BCE + alpha L_down + beta L_up', () =>
    check(
      hierarchicalLossValueAndGrad(x, y, h, { ...opts, alpha: c.alpha, beta: c.beta }),
      c.results.hier,
    ));
  it('MCLoss of C-HMCNN', () => check(mcLossValueAndGrad(x, y, h, opts), c.results.mc));
  it('MCM forward and vjp', () => {
    expect(maxAbsDiff(maxConstraint(x, h).data, fromJson(c.results.mcm.output!))).toBe(0);
    expect(maxAbsDiff(maxConstraintVjp(x, dy, h).data, fromJson(c.results.mcm.vjp!))).toBeLessThan(
      TOL,
    );
  });
  it('bottom-up aggregation forward and vjp', () => {
    expect(maxAbsDiff(aggregateBottomUp(x, h).data, fromJson(c.results.aggregate.output!))).toBe(0);
    expect(
      maxAbsDiff(aggregateBottomUpVjp(x, dy, h).data, fromJson(c.results.aggregate.vjp!)),
    ).toBeLessThan(TOL);
  });
});
