/**
 * What went wrong with an input, as a stable machine-readable code.
 *
 * - `SHAPE_MISMATCH`: a tensor has the wrong rank or size, or two tensors disagree.
 * - `NON_FINITE`: a value is NaN or +-Infinity where only finite numbers are allowed.
 * - `EMPTY`: a tensor or list has no elements where some are needed.
 * - `INVALID_TYPE`: a value is not of an accepted type (not a number array, not a tensor, ...).
 * - `INVALID_OPTION`: an option is out of range, of the wrong type or unknown.
 * - `INVALID_HIERARCHY`: a class hierarchy has a cycle, a duplicate, an unknown name, ...
 */
export type LossInputErrorCode =
  | 'SHAPE_MISMATCH'
  | 'NON_FINITE'
  | 'EMPTY'
  | 'INVALID_TYPE'
  | 'INVALID_OPTION'
  | 'INVALID_HIERARCHY';

/** `softDtw: ` at the start of an argument's name: the function, which belongs in the message. */
const FUNCTION_PREFIX = /^[A-Za-z_$][\w$]*: /;

/**
 * The one error every @losses function throws for bad input. `code` says what kind of problem it
 * is, `argument` names the offending argument or option (when there is one), and `message` says
 * what was expected and what was given.
 *
 * @example
 * ```ts
 * try { mssLoss(a, b); } catch (e) { if (e instanceof LossInputError && e.code === 'SHAPE_MISMATCH') ... }
 * ```
 */
export class LossInputError extends Error {
  /** What kind of problem it is. */
  readonly code: LossInputErrorCode;
  /**
   * The argument or option at fault as the caller wrote it, e.g. `'estimate'`, `'labels[2]'` or
   * `'options.hop'` - one convention in every package: the path from the argument, never the
   * function's name. A message may start with the function (`softDtw: options.gamma: expected
   * ...`); a leading `fn: ` given with the argument is dropped here, so the field reads
   * `'options.gamma'` whichever way the call site named it.
   */
  readonly argument: string | undefined;

  constructor(code: LossInputErrorCode, message: string, argument?: string) {
    super(message);
    this.name = 'LossInputError';
    this.code = code;
    this.argument = argument?.replace(FUNCTION_PREFIX, '');
  }
}
