import { describe, expect, it } from 'vitest';
import { LossInputError } from '../src/index.js';

describe('LossInputError.argument: one convention, the path as the caller wrote it', () => {
  it("drops a function name given with the argument ('softDtw: options.gamma' was kept)", () => {
    const e = new LossInputError(
      'INVALID_OPTION',
      'softDtw: options.gamma: expected a number > 0, got -1',
      'softDtw: options.gamma',
    );
    expect(e.argument).toBe('options.gamma');
    expect(e.message).toMatch(/^softDtw: options\.gamma: /);
  });

  it('keeps every path as it is', () => {
    for (const a of ['x', 'options.hop', 'labels[2]', 'x[0], y[0]', 'options.steps[0].di']) {
      expect(new LossInputError('SHAPE_MISMATCH', 'm', a).argument).toBe(a);
    }
    expect(new LossInputError('EMPTY', 'm').argument).toBeUndefined();
  });
});

describe('checkKeys names the unknown option by its path', () => {
  it("argument is 'options.gamma' for an unknown option gamma (it was 'options')", async () => {
    const { checkKeys } = await import('../src/index.js');
    let e: unknown;
    try {
      checkKeys({ gamma: 1 }, 'options', ['hop']);
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(LossInputError);
    expect((e as LossInputError).argument).toBe('options.gamma');
    expect((e as LossInputError).message).toMatch(/^options: unknown option 'gamma'/);
    try {
      checkKeys({ gamma: 1 }, 'softDtw: options', ['hop']);
    } catch (err) {
      e = err;
    }
    expect((e as LossInputError).argument).toBe('options.gamma');
  });
});
