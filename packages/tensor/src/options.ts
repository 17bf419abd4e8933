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
 * The rule for `null`, the same in every package: `null` is never read as "use the default". An
 * option left out (or `undefined`) takes its default; an option set to `null` is refused with
 * this message, by every check below.
 */
const NULL_RULE = 'null never stands for the default: leave the option out or pass undefined';

/** `name: expected <what>, got <value>` (with the null rule when the value is null). */
function invalidOption(name: string, what: string, value: unknown): LossInputError {
  const got = value === null ? `null (${NULL_RULE})` : show(value);
  return new LossInputError('INVALID_OPTION', `${name}: expected ${what}, got ${got}`, name);
}

/**
 * Validates a numeric option and returns it. With `integer`, only integers up to 2^53 - 1 in
 * magnitude (those a double holds exactly) pass.
 *
 * @throws LossInputError `INVALID_OPTION` naming the option, the rule and the value given; `null`
 *   is refused like any other non-number (see the null rule in the package README).
 */
export function checkNumber(value: unknown, name: string, rule: NumberRule = {}): number {
  const what = describeRule(rule);
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidOption(name, what, value);
  if (rule.integer && !Number.isInteger(value)) throw invalidOption(name, what, value);
  if (rule.integer && !Number.isSafeInteger(value)) {
    throw invalidOption(name, `${what} (at most 2^53 - 1 in magnitude)`, value);
  }
  if (rule.min !== undefined && (rule.minExclusive ? value <= rule.min : value < rule.min)) {
    throw invalidOption(name, what, value);
  }
  if (rule.max !== undefined && (rule.maxExclusive ? value >= rule.max : value > rule.max)) {
    throw invalidOption(name, what, value);
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
 * @throws LossInputError `INVALID_OPTION` listing the accepted values (`null` included, with the
 *   null rule).
 */
export function checkOneOf<T extends string>(
  value: unknown,
  name: string,
  allowed: readonly T[],
): T {
  if (typeof value === 'string' && (allowed as readonly string[]).includes(value))
    return value as T;
  throw invalidOption(name, `one of ${quoted(allowed)}`, value);
}

/**
 * Validates a boolean option and returns it.
 *
 * @throws LossInputError `INVALID_OPTION` (`null` included, with the null rule).
 */
export function checkBoolean(value: unknown, name: string): boolean {
  if (typeof value === 'boolean') return value;
  throw invalidOption(name, 'true or false', value);
}

/**
 * Validates an options object: `undefined` means "no options"; anything else must be a plain
 * object whose keys are all in `allowed` (a misspelt option would otherwise be ignored silently)
 * and none of whose options is `null` (the null rule: so that `options.x ?? default` after this
 * check can never read a null as the default).
 *
 * @throws LossInputError `INVALID_OPTION` for a non-object (`null` included), unknown keys (named,
 *   with the known ones) or an option set to `null` (named as `name.key`).
 */
export function checkKeys(value: unknown, name: string, allowed: readonly string[]): void {
  if (value === undefined) return;
  if (
    typeof value !== 'object' ||
    value === null ||
    Array.isArray(value) ||
    ArrayBuffer.isView(value)
  ) {
    throw invalidOption(name, 'an options object or undefined', value);
  }
  const keys = Object.keys(value);
  const unknown = keys.filter((k) => !allowed.includes(k));
  if (unknown.length > 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}: unknown option${unknown.length > 1 ? 's' : ''} ${quoted(unknown)}; known options are ${quoted(allowed)}`,
      // The path the caller wrote (`options.gamma`), like every other option error.
      `${name}.${unknown[0]}`,
    );
  }
  for (const k of keys) {
    if ((value as Record<string, unknown>)[k] === null) {
      throw invalidOption(`${name}.${k}`, 'a value or undefined', null);
    }
  }
}

/** `'a', 'b', 'c'`; a long list shows its first 10 and the count. */
function quoted(values: readonly string[]): string {
  const shown = values.slice(0, 10).map((v) => `'${v}'`);
  if (values.length > 10) shown.push(`... (${values.length} in all)`);
  return shown.join(', ');
}

const MAX_ITEMS = 8;
const MAX_TEXT = 100;

function cut(text: string): string {
  return text.length > MAX_TEXT ? `${text.slice(0, MAX_TEXT - 3)}...` : text;
}

/**
 * A short text for a value in messages: at most about 100 characters, at most 8 items of an array
 * and 2 levels of nesting; never throws (a value whose getters or traps throw is "an object").
 */
export function show(value: unknown): string {
  try {
    return cut(showValue(value, 0));
  } catch {
    return 'an object';
  }
}

function showValue(value: unknown, depth: number): string {
  switch (typeof value) {
    case 'string':
      return `'${cut(value)}'`;
    case 'number':
      return Object.is(value, -0) ? '-0' : String(value);
    case 'bigint':
      return `${value}n`;
    case 'function':
      return 'a function';
    case 'symbol':
      return value.toString();
    case 'undefined':
      return 'undefined';
    case 'boolean':
      return String(value);
  }
  if (value === null) return 'null';
  if (Array.isArray(value)) {
    if (depth >= 2) return `[... ${value.length} items]`;
    const items: string[] = [];
    for (let i = 0; i < Math.min(value.length, MAX_ITEMS); i++) {
      items.push(i in value ? showValue(value[i], depth + 1) : 'empty');
    }
    if (value.length > MAX_ITEMS) items.push(`... (${value.length} items)`);
    return `[${items.join(', ')}]`;
  }
  if (value instanceof DataView) return `DataView(${value.byteLength} bytes)`;
  if (ArrayBuffer.isView(value)) {
    return `${value.constructor.name}(${(value as unknown as ArrayLike<unknown>).length})`;
  }
  const proto = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    try {
      return cut(JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? `${v}n` : v)) ?? '{}');
    } catch {
      return 'an object';
    }
  }
  const ctor = (proto as { constructor?: { name?: unknown } }).constructor?.name;
  return typeof ctor === 'string' && ctor.length > 0
    ? `${/^[AEIOU]/.test(ctor) ? 'an' : 'a'} ${ctor}`
    : 'an object';
}
