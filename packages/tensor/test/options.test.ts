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
