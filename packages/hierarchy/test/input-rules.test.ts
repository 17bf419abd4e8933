// The rules every @losses package shares (issue 18, "Errors and API edges"): soft BCE targets,
// hard selecting labels, integer input refused.
import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  bceLoss,
  bceLossValueAndGrad,
  hierarchicalLoss,
  hierarchicalLossValueAndGrad,
  hierarchies,
  mcLoss,
  propagateLabels,
} from '../src/index.js';

const h = hierarchies.singing;
const C = h.classes.length;

function refusal(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e;
    throw e;
  }
  throw new Error('expected a LossInputError');
}

/** -[y log s(z) + (1 - y) log(1 - s(z))], written directly. */
function naiveBce(z: number, y: number): number {
  const p = 1 / (1 + Math.exp(-z));
  return -(y * Math.log(p) + (1 - y) * Math.log(1 - p));
}

describe('soft targets: BCE takes targets in [0, 1], a selecting loss takes 0 / 1', () => {
  it('bceLoss reads a soft target as torch does (label 0.5 was refused)', () => {
    const z = [[0.3, -1.2, 2]];
    const y = [[0.5, 0.1, 0.9]];
    const want = (naiveBce(0.3, 0.5) + naiveBce(-1.2, 0.1) + naiveBce(2, 0.9)) / 3;
    expect(bceLoss(z, y)).toBeCloseTo(want, 14);
    const { grad } = bceLossValueAndGrad(z, y);
    const s = (v: number) => 1 / (1 + Math.exp(-v));
    expect(Array.from(grad.data)).toEqual(
      [0.3, -1.2, 2].map((v, i) => expect.closeTo((s(v) - y[0]![i]!) / 3, 14)),
    );
    // With p = y the soft BCE is at its minimum: zero gradient.
    const p = [[0.5, 0.1, 0.9]];
    const atTarget = bceLossValueAndGrad(p, y, { input: 'probabilities' }).grad.data;
    for (const g of atTarget) expect(Math.abs(g)).toBeLessThan(1e-12);
  });

  it('hierarchicalLoss takes soft targets; its BCE term is the soft BCE', () => {
    const z = [Array.from({ length: C }, (_, c) => 0.4 * c - 1.5)];
    const y = [Array.from({ length: C }, (_, c) => (c % 3) / 2)];
    const r = hierarchicalLossValueAndGrad(z, y, h);
    expect(r.parts.bce).toBeCloseTo(bceLoss(z, y), 14);
    expect(hierarchicalLoss(z, y, h)).toBeCloseTo(r.value, 14);
  });

  it('refuses targets outside [0, 1] with the rule in the message', () => {
    const e = refusal(() => bceLoss([[0, 0]], [[0.5, 1.5]]));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe('labels');
    expect(e.message).toMatch(/element 1 .* 1\.5; BCE targets must be in \[0, 1\]/);
  });

  it('mcLoss and propagateLabels refuse a soft label and say why', () => {
    const z = [new Array(C).fill(0)];
    const y = [new Array(C).fill(0)];
    y[0]![2] = 0.5;
    for (const f of [() => mcLoss(z, y, h), () => propagateLabels(y, h)]) {
      const e = refusal(f);
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.argument).toBe('labels');
      expect(e.message).toMatch(/selects classes by label, so labels must be 0, 1 or NaN/);
    }
  });
});

describe('the integer rule of @losses/tensor applies here', () => {
  it('refuses integer labels and logits with INVALID_TYPE (they were read as their values)', () => {
    const z = new Float64Array(C);
    const e = refusal(() => bceLoss(z, new Uint8Array(C)));
    expect(e.code).toBe('INVALID_TYPE');
    expect(e.argument).toBe('labels');
    expect(e.message).toMatch(/Uint8Array.*Float64Array\.from\(x\)/);
    expect(refusal(() => hierarchicalLoss(new Int16Array(C), new Float64Array(C), h)).code).toBe(
      'INVALID_TYPE',
    );
  });
});
