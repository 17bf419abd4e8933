import { LossInputError } from './errors.js';

/** Bounds for {@link checkNumber}. */
export interface NumberRule {
  /** Smallest accepted value (inclusive unless `minExclusive`). */
  min?: number;
  /** Largest accepted value (inclusive unless `maxExclusive`). */
  max?: number;
  minExclusive?: boolean;
  maxExclusive?: boolean;
  /** Only integers. */
  integer?: boolean;
}

/**
 * Validates a numeric option and returns it.
 *
 * @throws LossInputError `INVALID_OPTION` naming the option, the rule and the value given.
 */
export function checkNumber(value: unknown, name: string, rule: NumberRule = {}): number {
  const fail = (what: string): never => {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected ${what}, got ${show(value)}`,
      name,
    );
  };
  const what = describeRule(rule);
  if (typeof value !== 'number' || !Number.isFinite(value)) return fail(what);
  if (rule.integer && !Number.isInteger(value)) return fail(what);
  if (rule.min !== undefined && (rule.minExclusive ? value <= rule.min : value < rule.min)) {
    return fail(what);
  }
  if (rule.max !== undefined && (rule.maxExclusive ? value >= rule.max : value > rule.max)) {
    return fail(what);
  }
  return value;
}

function describeRule(rule: NumberRule): string {
  const parts = [rule.integer ? 'an integer' : 'a finite number'];
  if (rule.min !== undefined) parts.push(`${rule.minExclusive ? '>' : '>='} ${rule.min}`);
  if (rule.max !== undefined) parts.push(`${rule.maxExclusive ? '<' : '<='} ${rule.max}`);
  return parts.join(' ');
}

/**
 * Validates that an option is one of a fixed set of strings and returns it.
 *
 * @throws LossInputError `INVALID_OPTION` listing the accepted values.
 */
export function checkOneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw new LossInputError(
    'INVALID_OPTION',
    `${name}: expected one of ${allowed.map((a) => `'${a}'`).join(', ')}, got ${show(value)}`,
    name,
  );
}

/**
 * Validates a boolean option and returns it.
 *
 * @throws LossInputError `INVALID_OPTION`.
 */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw new LossInputError(
    'INVALID_OPTION',
    `${name}: expected true or false, got ${show(value)}`,
    name,
  );
}

/**
 * Refuses keys of an options object that are not in `allowed` (a misspelt option would otherwise
 * be ignored silently). `undefined` and `null` pass as "no options".
 *
 * @throws LossInputError `INVALID_OPTION` naming the unknown keys and the known ones.
 */
export function checkKeys(value: unknown, name: string, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: expected an options object, got ${show(value)}`,
      name,
    );
  }
  const unknown = Object.keys(value).filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: unknown option${unknown.length > 1 ? 's' : ''} ${unknown.map((k) => `'${k}'`).join(', ')}; known options are ${allowed.map((k) => `'${k}'`).join(', ')}`,
      name,
    );
  }
}

/** A short text for a value in messages. */
export function show(value: unknown): string {
  if (typeof value === 'string') return `'${value}'`;
  if (typeof value === 'function') return 'a function';
  if (Array.isArray(value)) return `[${value.map(show).join(', ')}]`;
  if (value instanceof Float32Array || value instanceof Float64Array) {
    return `${value.constructor.name}(${value.length})`;
  }
  if (typeof value === 'object' && value !== null) {
    try {
      return JSON.stringify(value);
    } catch {
      return 'an object';
    }
  }
  return String(value);
}
