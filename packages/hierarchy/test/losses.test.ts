import { LossInputError, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  bceLoss,
  bceLossValueAndGrad,
  bottomUpLoss,
  createHierarchicalLoss,
  defineHierarchy,
  hierarchicalLoss,
  hierarchicalLossValueAndGrad,
  hierarchies,
  maxConstraint,
  mcLoss,
  mcLossValueAndGrad,
  propagateLabels,
  topDownLoss,
} from '../src/index.js';
import { maxAbsDiff, randn, randomLabels, rng } from './helpers.js';

const h = hierarchies.singing; // singing, female, soprano, mezzo, alto, male, tenor, baritone, bass
const C = 9;
const NaN_ = Number.NaN;

function code(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e.code;
    throw e;
  }
  return undefined;
}

describe('the loss terms', () => {
  it('BCE is the mean over known entries, computed stably from large logits', () => {
    const v = bceLoss([[1000, -1000, 0, 3]], [[1, 0, NaN_, 0]]);
    // Entries 0 and 1 cost ~0; the masked one is ignored; 3 against 0 costs softplus(3).
    expect(v).toBeCloseTo(Math.log1p(Math.exp(3)) / 3, 14);
  });

  it('BCE of all-unknown labels is 0 with zero gradient', () => {
    const r = bceLossValueAndGrad([[1, 2]], [[NaN_, NaN_]]);
    expect(r.value).toBe(0);
    expect(Array.from(r.grad.data)).toEqual([0, 0]);
  });

  it('BCE of probabilities at 0 or 1 stays finite (torch.nn.BCELoss clamps log at -100)', () => {
    expect(bceLoss([[0, 1]], [[1, 0]], { input: 'probabilities' })).toBe(100);
  });

  it('L_up penalises a child likelier than its parent: (1/|E|) max(0, p_child - p_parent)^2', () => {
    const p = [[0.5, 0.5, 0.9, 0.5, 0.5, 0.5, 0.5, 0.5, 0.5]];
    expect(bottomUpLoss(p, h, { input: 'probabilities' })).toBeCloseTo(0.16 / 8, 15);
  });

  it('L_down penalises a parent likelier than its best child: (1/|P|) max(0, p - max child)^2', () => {
    const p = [[0.9, 0.9, 0.2, 0.6, 0.3, 0.9, 0.9, 0.1, 0.1]];
    // singing 0.9 vs best child 0.9: 0; female 0.9 vs 0.6: 0.09; male 0.9 vs 0.9: 0.
    expect(topDownLoss(p, h, { input: 'probabilities' })).toBeCloseTo(0.09 / 3, 15);
  });

  it('hierarchicalLoss is BCE + alpha L_down + beta L_up', () => {
    const r = rng(3);
    const x = tensor(randn(r, 4 * C, 2), [4, C]);
    const y = tensor(randomLabels(r, 4 * C), [4, C]);
    const v = hierarchicalLoss(x, y, h, { alpha: 0.3, beta: 2 });
    expect(v).toBeCloseTo(bceLoss(x, y) + 0.3 * topDownLoss(x, h) + 2 * bottomUpLoss(x, h), 14);
    const parts = hierarchicalLossValueAndGrad(x, y, h, { alpha: 0.3, beta: 2 }).parts;
    expect(parts.bce).toBeCloseTo(bceLoss(x, y), 14);
    expect(parts.down).toBeCloseTo(topDownLoss(x, h), 14);
    expect(parts.up).toBeCloseTo(bottomUpLoss(x, h), 14);
  });

  it('defaults to alpha = beta = 1', () => {
    const x = [randn(rng(4), C, 2)];
    const y = [[1, 1, 0, 1, 0, 0, 0, 0, 0]];
    expect(hierarchicalLoss(x, y, h)).toBeCloseTo(
      hierarchicalLoss(x, y, h, { alpha: 1, beta: 1 }),
      15,
    );
  });

  it('with alpha = beta = 0 it is plain BCE', () => {
    const r = rng(5);
    const x = tensor(randn(r, 3 * C, 2), [3, C]);
    const y = tensor(randomLabels(r, 3 * C), [3, C]);
    const a = hierarchicalLossValueAndGrad(x, y, h, { alpha: 0, beta: 0 });
    const b = bceLossValueAndGrad(x, y);
    expect(a.value).toBe(b.value);
    expect(maxAbsDiff(a.grad.data, b.grad.data)).toBe(0);
  });

  it('parts holds the unweighted L_down and L_up even when alpha or beta is 0 (issue 12, item 7)', () => {
    const r = rng(11);
    const x = tensor(randn(r, 3 * C, 2), [3, C]);
    const y = tensor(randomLabels(r, 3 * C), [3, C]);
    const down = topDownLoss(x, h);
    const up = bottomUpLoss(x, h);
    expect(down).toBeGreaterThan(0);
    expect(up).toBeGreaterThan(0);
    for (const [alpha, beta] of [
      [0, 0],
      [0, 1],
      [2, 0],
    ] as const) {
      const a = hierarchicalLossValueAndGrad(x, y, h, { alpha, beta });
      expect(a.parts.down).toBeCloseTo(down, 14);
      expect(a.parts.up).toBeCloseTo(up, 14);
      expect(a.value).toBeCloseTo(bceLoss(x, y) + alpha * down + beta * up, 14);
      const plan = createHierarchicalLoss(h, { alpha, beta });
      expect(plan.valueAndGrad(x, y).parts).toEqual(a.parts);
      expect(plan.loss(x, y)).toBe(a.value);
    }
    // A zero weight still contributes nothing to the gradient.
    const g0 = hierarchicalLossValueAndGrad(x, y, h, { alpha: 0, beta: 0 }).grad.data;
    const gb = bceLossValueAndGrad(x, y).grad.data;
    expect(maxAbsDiff(g0, gb)).toBe(0);
  });

  it('a planned loss gives the same results as the plain functions, call after call', () => {
    const plan = createHierarchicalLoss(h, { alpha: 0.5, beta: 0.25 });
    const r = rng(6);
    for (let k = 0; k < 3; k++) {
      const x = tensor(randn(r, 2 * C, 2), [2, C]);
      const y = tensor(randomLabels(r, 2 * C), [2, C]);
      const a = plan.valueAndGrad(x, y);
      const b = hierarchicalLossValueAndGrad(x, y, h, { alpha: 0.5, beta: 0.25 });
      expect(a.value).toBe(b.value);
      expect(maxAbsDiff(a.grad.data, b.grad.data)).toBe(0);
      expect(plan.loss(x, y)).toBe(b.value);
    }
  });

  it('treats leading dimensions as frames: [B, F, C] equals [B*F, C]', () => {
    const r = rng(7);
    const data = randn(r, 6 * C, 2);
    const labels = randomLabels(r, 6 * C);
    const a = hierarchicalLossValueAndGrad(tensor(data, [2, 3, C]), tensor(labels, [2, 3, C]), h);
    const b = hierarchicalLossValueAndGrad(tensor(data, [6, C]), tensor(labels, [6, C]), h);
    expect(a.value).toBe(b.value);
    expect(a.grad.shape).toEqual([2, 3, C]);
  });
});

describe('consistent predictions', () => {
  it('give L_up = L_down = 0 with zero consistency gradient', () => {
    // Parents equal to their best child, children no likelier than the parent.
    const p = [[0.8, 0.8, 0.8, 0.1, 0.3, 0.4, 0.4, 0.2, 0.4]];
    const r = hierarchicalLossValueAndGrad(
      p,
      p.map((row) => row.map(() => NaN_)),
      h,
      {
        input: 'probabilities',
      },
    );
    expect(r.parts.up).toBe(0);
    expect(r.parts.down).toBe(0);
    expect(r.value).toBe(0);
    expect(Array.from(r.grad.data).every((g) => g === 0)).toBe(true);
  });
});

describe('masked (NaN) labels', () => {
  const r = rng(8);
  const x = randn(r, 3 * C, 2);
  const y = randomLabels(r, 3 * C, 0.4);
  const X = tensor(x, [3, C]);
  const Y = tensor(y, [3, C]);

  it('get zero BCE gradient', () => {
    const g = bceLossValueAndGrad(X, Y).grad.data;
    for (let i = 0; i < y.length; i++) if (Number.isNaN(y[i]!)) expect(g[i]).toBe(0);
  });

  it('do not change the BCE or MCLoss whatever their logits', () => {
    const x2 = Float64Array.from(x, (v, i) => (Number.isNaN(y[i]!) ? v + 5 : v));
    const X2 = tensor(x2, [3, C]);
    expect(bceLoss(X2, Y)).toBe(bceLoss(X, Y));
    // MCLoss: an unknown class still enters the max of its known ancestors when they are
    // negative, so compare on a hierarchy-free variant: only leaves masked, ancestors positive.
    const leafMask = tensor(Float64Array.from([1, 1, NaN_, 1, 0, 0, 0, 0, 0]), [1, C]);
    const z = randn(rng(9), C, 2);
    const z2 = Float64Array.from(z);
    z2[2]! += 3;
    expect(mcLoss(tensor(z2, [1, C]), leafMask, h)).toBe(mcLoss(tensor(z, [1, C]), leafMask, h));
  });

  it('are not counted in the mean', () => {
    const v1 = bceLoss([[2, -1]], [[1, NaN_]]);
    expect(v1).toBeCloseTo(Math.log1p(Math.exp(-2)), 15);
  });
});

describe('MCLoss', () => {
  it('takes the max over positive descendants for a positive class and over all for a negative one', () => {
    const g = defineHierarchy({ p: ['a', 'b'] });
    // y = [1, 1, 0]: o_p = max(z_p, z_a) (b is negative), o_a = z_a, o_b = z_b.
    const z = [[-1, 2, 3]];
    const v = mcLoss(z, [[1, 1, 0]], g);
    const sp = (t: number) => Math.log1p(Math.exp(t));
    expect(v).toBeCloseTo((sp(-2) + sp(-2) + sp(3)) / 3, 14);
    // y = [0, 0, 0]: o_p = max(-1, 2, 3) = 3.
    expect(mcLoss(z, [[0, 0, 0]], g)).toBeCloseTo((sp(3) + sp(2) + sp(3)) / 3, 14);
  });

  it('sends the gradient of a class to its arg-max descendant', () => {
    const g = defineHierarchy({ p: ['a', 'b'] });
    const { grad } = mcLossValueAndGrad([[-1, 2, 3]], [[0, 0, 0]], g);
    expect(grad.data[0]).toBe(0);
  });
});

describe('max operators', () => {
  it('maxConstraint takes the max over a class and its descendants', () => {
    const out = maxConstraint([[0.1, 0.2, 0.3, 0.9, 0.1, 0.0, 0.5, 0.2, 0.1]], h);
    expect(Array.from(out.data)).toEqual([0.9, 0.9, 0.3, 0.9, 0.1, 0.5, 0.5, 0.2, 0.1]);
  });

  it('aggregateBottomUp rebuilds parents from leaves and ignores the parent inputs', () => {
    const out = aggregateBottomUp([[0.99, 0.99, 0.3, 0.2, 0.1, 0.0, 0.5, 0.2, 0.1]], h);
    expect(Array.from(out.data)).toEqual([0.5, 0.3, 0.3, 0.2, 0.1, 0.5, 0.5, 0.2, 0.1]);
  });
});

describe('floats and inputs', () => {
  it('keeps float32 for the gradient and accepts nested arrays as float64', () => {
    const x = tensor(new Float32Array(2 * C).fill(0.3), [2, C]);
    const y = tensor(new Float32Array(2 * C).fill(1), [2, C]);
    expect(hierarchicalLossValueAndGrad(x, y, h).grad.data).toBeInstanceOf(Float32Array);
    expect(mcLossValueAndGrad(x, y, h).grad.data).toBeInstanceOf(Float32Array);
    expect(maxConstraint(x, h).data).toBeInstanceOf(Float32Array);
    expect(bceLossValueAndGrad([[0.3]], [[1]]).grad.data).toBeInstanceOf(Float64Array);
  });

  it('never mutates its inputs', () => {
    const r = rng(10);
    const x = randn(r, 2 * C, 2);
    const y = randomLabels(r, 2 * C);
    const xc = Float64Array.from(x);
    const yc = Float64Array.from(y);
    const X = tensor(x, [2, C]);
    const Y = tensor(y, [2, C]);
    hierarchicalLossValueAndGrad(X, Y, h);
    mcLossValueAndGrad(X, Y, h);
    propagateLabels(Y, h);
    aggregateBottomUp(X, h);
    maxConstraint(X, h);
    expect(maxAbsDiff(x, xc)).toBe(0);
    expect(maxAbsDiff(y, yc)).toBe(0);
  });
});

describe('bad input throws LossInputError', () => {
  const x = [new Array(C).fill(0)];
  const y = [new Array(C).fill(0)];
  it('SHAPE_MISMATCH for a column count other than the hierarchy classes', () => {
    expect(code(() => hierarchicalLoss([[0, 0]], [[0, 0]], h))).toBe('SHAPE_MISMATCH');
    expect(() => topDownLoss([[0, 0]], h)).toThrow(/expected shape \[\.\.\., 9\]/);
    expect(code(() => maxConstraint([[0, 0]], h))).toBe('SHAPE_MISMATCH');
    expect(code(() => propagateLabels([[0, 0]], h))).toBe('SHAPE_MISMATCH');
  });
  it('SHAPE_MISMATCH for labels of another shape', () => {
    expect(code(() => hierarchicalLoss(x, [...y, ...y], h))).toBe('SHAPE_MISMATCH');
    expect(code(() => bceLoss([[0, 1]], [[0]]))).toBe('SHAPE_MISMATCH');
  });
  it('SHAPE_MISMATCH for a rank above 3', () => {
    expect(code(() => mcLoss([[x]], [[y]], h))).toBe('SHAPE_MISMATCH');
  });
  it('NON_FINITE for NaN or infinite logits', () => {
    const bad = [x[0]!.map((v, i) => (i === 3 ? Number.NaN : v))];
    expect(code(() => hierarchicalLoss(bad, y, h))).toBe('NON_FINITE');
    expect(code(() => bceLoss([[Number.POSITIVE_INFINITY]], [[1]]))).toBe('NON_FINITE');
  });
  it('INVALID_OPTION for labels outside [0, 1] (other than 0, 1 or NaN for MCLoss), and probabilities outside [0, 1]', () => {
    expect(code(() => bceLoss([[0]], [[-0.5]]))).toBe('INVALID_OPTION');
    expect(code(() => bceLoss([[0]], [[2]]))).toBe('INVALID_OPTION');
    expect(code(() => bceLoss([[1.5]], [[1]], { input: 'probabilities' }))).toBe('INVALID_OPTION');
  });
  it('INVALID_OPTION for unknown, negative or misspelt options', () => {
    expect(code(() => hierarchicalLoss(x, y, h, { alpah: 1 } as never))).toBe('INVALID_OPTION');
    expect(code(() => hierarchicalLoss(x, y, h, { alpha: -1 }))).toBe('INVALID_OPTION');
    expect(code(() => mcLoss(x, y, h, { input: 'probs' } as never))).toBe('INVALID_OPTION');
    expect(code(() => createHierarchicalLoss(h, { beta: Number.NaN }))).toBe('INVALID_OPTION');
  });
  it('INVALID_TYPE for a hierarchy not made by defineHierarchy', () => {
    expect(code(() => hierarchicalLoss(x, y, { classes: [] } as never))).toBe('INVALID_TYPE');
  });
  it('EMPTY for no frames', () => {
    expect(code(() => bottomUpLoss(tensor(new Float64Array(0), [0, C]), h))).toBe('EMPTY');
  });
});
