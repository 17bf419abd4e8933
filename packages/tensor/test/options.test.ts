import { describe, expect, it } from 'vitest';
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  LossInputError,
  show,
} from '../src/index.js';

describe('option checks', () => {
  it('checkNumber returns valid numbers', () => {
    expect(checkNumber(3, 'n', { min: 1, integer: true })).toBe(3);
    expect(checkNumber(0.5, 'gamma', { min: 0, minExclusive: true })).toBe(0.5);
  });

  it('checkNumber refuses bad values with INVALID_OPTION and the rule in the message', () => {
    expect(() => checkNumber(0, 'options.hop', { min: 1, integer: true })).toThrow(
      'options.hop: expected an integer >= 1, got 0',
    );
    expect(() => checkNumber(2.5, 'n', { integer: true })).toThrow(/an integer/);
    expect(() => checkNumber(0, 'gamma', { min: 0, minExclusive: true })).toThrow(/> 0/);
    expect(() => checkNumber(2, 'p', { max: 1 })).toThrow(/<= 1/);
    expect(() => checkNumber(1, 'p', { max: 1, maxExclusive: true })).toThrow(/< 1/);
    expect(() => checkNumber('3', 'n')).toThrow("n: expected a finite number, got '3'");
    expect(() => checkNumber(Number.NaN, 'n')).toThrow(LossInputError);
    expect(() => checkNumber(Number.POSITIVE_INFINITY, 'n')).toThrow(LossInputError);
  });

  it('checkOneOf lists the accepted values', () => {
    expect(checkOneOf('l1', 'distance', ['l1', 'l2'])).toBe('l1');
    expect(() => checkOneOf('l3', 'distance', ['l1', 'l2'])).toThrow(
      "distance: expected one of 'l1', 'l2', got 'l3'",
    );
  });

  it('checkBoolean refuses non-booleans', () => {
    expect(checkBoolean(false, 'center')).toBe(false);
    expect(() => checkBoolean('yes', 'center')).toThrow(
      "center: expected true or false, got 'yes'",
    );
  });

  it('checkKeys refuses unknown (e.g. misspelt) options', () => {
    expect(() => checkKeys({ size: 1, hop: 2 }, 'options', ['size', 'hop'])).not.toThrow();
    expect(() => checkKeys(undefined, 'options', ['size'])).not.toThrow();
    expect(() => checkKeys({ sizes: 1 }, 'options', ['size', 'hop'])).toThrow(
      "options: unknown option 'sizes'; known options are 'size', 'hop'",
    );
    expect(() => checkKeys(5, 'options', ['size'])).toThrow(/expected an options object/);
    expect(() => checkKeys([1], 'options', ['size'])).toThrow(/expected an options object/);
  });

  it('show renders values for messages', () => {
    expect(show(new Float32Array(3))).toBe('Float32Array(3)');
    expect(show(() => 1)).toBe('a function');
    expect(show([1, 'a'])).toBe("[1, 'a']");
  });
});

describe('the null rule: null never stands for "use the default" (issue 12, item 8)', () => {
  const rule = /got null.*leave the option out or pass undefined/;
  const nullRefused = (f: () => unknown, name: string) => {
    let err: unknown;
    try {
      f();
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(LossInputError);
    expect((err as LossInputError).code).toBe('INVALID_OPTION');
    expect((err as LossInputError).argument).toBe(name);
    expect((err as LossInputError).message.startsWith(`${name}: expected `)).toBe(true);
    expect((err as LossInputError).message).toMatch(rule);
  };

  it('checkNumber, checkOneOf and checkBoolean refuse null with the one message', () => {
    nullRefused(() => checkNumber(null, 'options.hop', { min: 1, integer: true }), 'options.hop');
    nullRefused(() => checkOneOf(null, 'options.window', ['hann', 'hamming']), 'options.window');
    nullRefused(() => checkBoolean(null, 'options.center'), 'options.center');
  });

  it('checkKeys refuses a null options object', () => {
    nullRefused(() => checkKeys(null, 'options', ['size']), 'options');
  });

  it('checkKeys refuses an option set to null, so `option ?? default` can never read it', () => {
    nullRefused(
      () => checkKeys({ gamma: null }, 'options', ['gamma', 'bandwidth']),
      'options.gamma',
    );
    nullRefused(
      () => checkKeys({ weight: 1, nu: null }, 'options.prior', ['weight', 'nu']),
      'options.prior.nu',
    );
    expect(() => checkKeys({ gamma: undefined }, 'options', ['gamma'])).not.toThrow();
  });
});

describe('option checks at the edges', () => {
  it('checkNumber with integer refuses integers beyond 2^53 - 1 (not exactly representable)', () => {
    expect(() => checkNumber(2 ** 53, 'options.size', { integer: true, min: 1 })).toThrow(
      /options.size: expected an integer >= 1 \(at most 2\^53 - 1 in magnitude\), got 9007199254740992/,
    );
    expect(checkNumber(2 ** 53 - 1, 'n', { integer: true })).toBe(2 ** 53 - 1);
  });

  it('checkKeys refuses arrays, typed arrays and functions as options objects', () => {
    for (const v of [[1], new Float64Array(2), () => 1, 'size', 3, true]) {
      expect(() => checkKeys(v, 'options', ['size'])).toThrow(
        /^options: expected an options object or undefined, got /,
      );
    }
  });

  it('checkKeys lists only a few known options and unknown keys when there are many', () => {
    const many = Object.fromEntries(Array.from({ length: 200 }, (_, i) => [`k${i}`, 1]));
    let message = '';
    try {
      checkKeys(many, 'options', ['size']);
    } catch (e) {
      message = (e as Error).message;
    }
    expect(message).toMatch(/unknown options 'k0', 'k1'/);
    expect(message).toMatch(/200 in all/);
    expect(message.length).toBeLessThan(400);
  });

  it('show stays short and never throws: deep, long, cyclic, hostile values', () => {
    let deep: unknown = 1;
    for (let i = 0; i < 100_000; i++) deep = [deep];
    expect(show(deep).length).toBeLessThan(200);
    expect(show(new Array(1_000_000).fill(1.5)).length).toBeLessThan(200);
    const cyclic: Record<string, unknown> = {};
    cyclic.self = cyclic;
    expect(typeof show(cyclic)).toBe('string');
    const hostile = new Proxy(
      {},
      {
        get() {
          throw new Error('no');
        },
        ownKeys() {
          throw new Error('no');
        },
      },
    );
    expect(typeof show(hostile)).toBe('string');
    expect(show(Object.create(null))).toBe('{}');
    expect(show(10n)).toBe('10n');
    expect(show(-0)).toBe('-0');
    expect(show('x'.repeat(1000)).length).toBeLessThan(200);
    expect(show(new Int32Array(4))).toBe('Int32Array(4)');
    expect(show(new Map())).toBe('a Map');
  });
});
