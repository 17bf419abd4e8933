// API edges of issue 18: empty input reported as empty, soft targets, the integer rule.
import { LossInputError } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { dtw, softDtw, softDtwFromCost, softDtwValueAndGrad } from '../src/index.js';

function refusal(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e;
    throw e;
  }
  throw new Error('expected a LossInputError');
}

describe('empty input is reported as empty (dtw([]) reported a rank problem)', () => {
  it('dtw and softDtwFromCost with an empty cost matrix', () => {
    for (const C of [[], new Float64Array(0), [[]]]) {
      for (const f of [() => dtw(C), () => softDtwFromCost(C)]) {
        const e = refusal(f);
        expect(e.code).toBe('EMPTY');
        expect(e.argument).toBe('C');
        expect(e.message).toMatch(/^C: the cost matrix is empty/);
      }
    }
  });

  it('softDtw with an empty sequence, bare or in a list', () => {
    const y = [[1], [2]];
    for (const [x, name] of [
      [[], 'x'],
      [new Float64Array(0), 'x'],
      [[[]], 'x'],
    ] as const) {
      const e = refusal(() => softDtw(x as never, y));
      expect(e.code).toBe('EMPTY');
      expect(e.argument).toBe(name);
      expect(e.message).toMatch(/empty/);
    }
    const e = refusal(() => softDtw([[[1]], []] as never, [[[1]], [[2]]]));
    expect(e.code).toBe('EMPTY');
    expect(e.argument).toBe('x[1]');
    expect(e.message).toMatch(/^x\[1\]: the sequence is empty/);
    expect(refusal(() => softDtw(y, [])).code).toBe('EMPTY');
  });
});

describe('soft targets: the bce and bceLogits costs take targets in [0, 1]', () => {
  const x = [
    [0.3, -1],
    [2, 0.5],
  ];
  it('accepts a target of 0.5, the same rule as @losses/hierarchy BCE', () => {
    const v = softDtw(x, [[0.5, 0.5]], { cost: 'bceLogits', gamma: 0.1 });
    expect(Number.isFinite(v)).toBe(true);
    const { grad } = softDtwValueAndGrad(
      [
        [0.3, 0.7],
        [0.9, 0.5],
      ],
      [[0.5, 0.25]],
      { cost: 'bce', gamma: 0.1 },
    );
    for (const g of (Array.isArray(grad) ? grad : [grad]).flatMap((t) => Array.from(t.data))) {
      expect(Number.isFinite(g)).toBe(true);
    }
  });

  it('refuses a target outside [0, 1]', () => {
    const e = refusal(() => softDtw(x, [[1.5, 0]], { cost: 'bceLogits' }));
    expect(e.code).toBe('INVALID_OPTION');
    expect(e.argument).toBe('y');
  });
});

describe('the integer rule of @losses/tensor applies here', () => {
  it('refuses integer sequences and cost matrices with INVALID_TYPE', () => {
    const e = refusal(() => softDtw([Int16Array.of(1, 2)], [Float64Array.of(1, 2)]));
    expect(e.code).toBe('INVALID_TYPE');
    expect(e.message).toMatch(/Int16Array.*integer data/);
    expect(refusal(() => dtw([Int32Array.of(1, 2)])).code).toBe('INVALID_TYPE');
  });
});
