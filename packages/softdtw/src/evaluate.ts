/**
 * The engine behind the sequence losses: every pair of a call, on the calling thread (items.ts) or
 * spread over worker threads (threads.ts, the `threads` option), then the batch value and the last
 * checks.
 */
import { LossInputError } from '@losses/tensor';
import { evaluateItems, gradBuffers, type LossKind } from './items.js';
import type { Resolved } from './options.js';
import type { Pairs } from './sequences.js';
import { evaluateThreaded, evaluateThreadedAsync, type ItemResults } from './threads.js';

export type { LossKind } from './items.js';

/** Values and (optionally) float64 gradients of every item. */
export interface Evaluation {
  value: number;
  perItem: number[];
  gx: Float64Array[] | null;
  gy: Float64Array[] | null;
}

/**
 * Evaluates the loss on every pair, with `r.threads` threads where that pays. Gradients are of the
 * batch value (the mean over items), so each item's gradient is divided by the number of items.
 */
export function evaluate(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): Evaluation {
  const got =
    evaluateThreaded(kind, pairs, r, wantX, wantY) ?? evaluateHere(kind, pairs, r, wantX, wantY);
  return finish(got, pairs);
}

/**
 * {@link evaluate} with every item on worker threads when `r.threads` > 1 (the calling thread stays
 * free: a browser page's main thread), else (or where no worker can start) on the calling thread.
 */
export async function evaluateAsync(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): Promise<Evaluation> {
  const got =
    (await evaluateThreadedAsync(kind, pairs, r, wantX, wantY)) ??
    evaluateHere(kind, pairs, r, wantX, wantY);
  return finish(got, pairs);
}

/** Every item on the calling thread. */
function evaluateHere(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): ItemResults {
  const gx = wantX ? gradBuffers(pairs, 'x') : null;
  const gy = wantY ? gradBuffers(pairs, 'y') : null;
  const items = { ...pairs, first: 0 };
  return { perItem: evaluateItems(kind, items, r, pairs.xs.length, gx, gy), gx, gy };
}

function finish({ perItem, gx, gy }: ItemResults, pairs: Pairs): Evaluation {
  const value = mean(perItem);
  checkFinite(value, perItem, gx, gy, pairs);
  return { value, perItem, gx, gy };
}

/**
 * The last guard of "nothing accepted returns NaN": the range check (limits.ts) keeps the
 * recursions finite, but a cost's gradient can still leave the float64 range at the extremes
 * (a cosine frame of subnormal norm has a gradient of order 1 / |x_i|; huge step weights scale
 * every gradient). Such a result is refused rather than returned. A value of +Infinity is what a
 * pair gets when no alignment fits its step set and band (its gradient is 0), and is returned.
 *
 * @throws LossInputError `NON_FINITE` naming the sequence whose gradient (or value) is not finite.
 */
function checkFinite(
  value: number,
  perItem: readonly number[],
  gx: Float64Array[] | null,
  gy: Float64Array[] | null,
  pairs: Pairs,
): void {
  const name = (base: string, b: number) => (pairs.layout === 'single' ? base : `${base}[${b}]`);
  const bad = (v: number) => Number.isNaN(v) || v === Number.NEGATIVE_INFINITY;
  for (let b = 0; b < perItem.length; b++) {
    if (bad(perItem[b]!)) fail(name('x', b), 'value', perItem[b]!);
  }
  if (bad(value)) fail('x', 'value', value);
  for (const [grads, base] of [
    [gx, 'x'],
    [gy, 'y'],
  ] as const) {
    if (grads === null) continue;
    for (let b = 0; b < grads.length; b++) {
      const k = firstNonFinite(grads[b]!);
      if (k >= 0) fail(name(base, b), 'gradient', grads[b]![k]!);
    }
  }
}

function fail(argument: string, what: string, got: number): never {
  throw new LossInputError(
    'NON_FINITE',
    `${argument}: the ${what} leaves the float64 range (${got}) for these inputs: frames this extreme (or step weights this large) are outside what the cost can differentiate in float64; scale the inputs`,
    argument,
  );
}

/** Index of the first NaN or +-inf in `a`, -1 if none. */
function firstNonFinite(a: Float64Array): number {
  for (let k = 0; k < a.length; k++) if (!Number.isFinite(a[k]!)) return k;
  return -1;
}

/** Mean of the items, by an indexed loop (no callback, no feedback-dependent deopt). */
function mean(values: readonly number[]): number {
  let total = 0;
  for (let b = 0; b < values.length; b++) total += values[b]!;
  return total / values.length;
}
