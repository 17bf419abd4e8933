/**
 * Connectionist temporal classification (Graves, Fernandez, Gomez, Schmidhuber, ICML 2006) as
 * soft-DTW (Zeitler & Mueller, "A Unified Perspective on CTC and Soft-DTW Using Differentiable
 * DTW", TASLP 34, 2026): the recursion of the package with gamma = 1 on the T x S grid of frames
 * and the blank-extended label sequence l' = (blank, l_1, blank, l_2, ..., l_L, blank), S = 2L + 1,
 * with the cost C(t, s) = -log p_t(l'_s) and the CTC step set
 *
 *   (1, 0): stay on a symbol,  (1, 1): go to the next,  (1, 2): skip a blank, allowed into
 *   column s only when l'_s is not blank and differs from l'_{s-2} (repeated labels need a blank),
 *
 * from D(0, 0) = 0 to the end cells (T, S) and (T, S - 1). Then D(t, s) = -log alpha_t(s), the
 * CTC forward variable, and the value min^1 over the two end cells is
 * -log(alpha_T(S) + alpha_T(S - 1)) = -log p(l | x), the CTC loss; its gradient w.r.t. the costs
 * is the state occupancy alpha beta / p, so d loss / d log p_t(c) = -sum over s with l'_s = c of
 * E(t, s). Cells that cannot lie on a complete path (s > 2t, or too far from the end to reach it)
 * are left out through the band, as CTC implementations do; they change nothing.
 */
import {
  checkBoolean,
  checkKeys,
  checkNumber,
  checkOneOf,
  formatShape,
  LossInputError,
  show,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import type { BandLimits } from './band.js';
import type { Grid } from './grid.js';
import { CLOSED } from './grid.js';
import { maxAbs } from './limits.js';
import type { Steps } from './options.js';
import { checkCells, checkPairRange } from './problem.js';
import { softDtwBackward, softDtwForward, softDtwValue } from './recursion.js';
import { checkSteps } from './steps.js';
import { withWorkspace } from './workspace.js';

/** How {@link ctcLoss} reduces the items of a batch. */
export type CtcReduction = 'mean' | 'sum' | 'none';

/** Options of {@link ctcLoss} and {@link ctcLossValueAndGrad}. */
export interface CtcOptions {
  /** Class index of the blank symbol, an integer in 0..C-1. Default 0. */
  blank?: number;
  /**
   * `'mean'` (default): the mean over items of each item's loss; `'sum'`: their sum; `'none'`:
   * every item's loss. (torch's `'mean'` divides each item by its label length first; take
   * `'none'` and divide to get it.)
   */
  reduction?: CtcReduction;
  /**
   * An item whose labels no alignment fits (too long for its frames) has the loss +Infinity and a
   * zero gradient; with `zeroInfinity: true` its loss is 0 instead (torch's `zero_infinity`).
   * Default `false`.
   */
  zeroInfinity?: boolean;
}

/** What {@link ctcLossValueAndGrad} returns. */
export interface CtcValueAndGrad {
  /** The reduced loss (`'none'`: the sum of the items' losses, whose gradient `grad` is). */
  value: number;
  /** Each item's loss (+Infinity or 0 for an infeasible item, see `zeroInfinity`). */
  perItem: number[];
  /** d value / d logProbs, with the shape and float type of `logProbs`. */
  grad: Tensor;
}

/** Labels: one item's label sequence, or one per item of a batch (ragged). */
export type CtcLabels = ArrayLike<number> | readonly ArrayLike<number>[];

/** The CTC step set: stay, advance, skip a blank (the skip restricted by the grid's mask). */
const CTC_STEPS: Steps = {
  ...checkSteps(
    [
      { di: 1, dj: 0 },
      { di: 1, dj: 1 },
      { di: 1, dj: 2 },
    ],
    'ctc',
  ),
  gamma: 1,
};

/** A validated CTC problem: the batch, its labels and options. */
interface CtcProblem {
  B: number;
  T: number;
  C: number;
  lp: Tensor;
  labels: Int32Array[];
  blank: number;
  reduction: CtcReduction;
  zeroInfinity: boolean;
  batched: boolean;
}

function isLabelList(v: unknown): v is ArrayLike<number> {
  return Array.isArray(v) || (ArrayBuffer.isView(v) && !(v instanceof DataView));
}

/** Validates the arguments (before anything is allocated beyond the input's copy). */
function resolve(
  fn: string,
  logProbs: TensorLike,
  labels: CtcLabels,
  options: CtcOptions | undefined,
): CtcProblem {
  const name = `${fn}: options`;
  checkKeys(options, name, ['blank', 'reduction', 'zeroInfinity']);
  const o = options ?? {};
  const reduction =
    o.reduction === undefined
      ? 'mean'
      : checkOneOf(o.reduction, `${name}.reduction`, ['mean', 'sum', 'none'] as const);
  const zeroInfinity =
    o.zeroInfinity === undefined ? false : checkBoolean(o.zeroInfinity, `${name}.zeroInfinity`);
  const lp = toTensor(logProbs, { name: 'logProbs', rank: [2, 3] });
  const batched = lp.shape.length === 3;
  const B = batched ? lp.shape[0]! : 1;
  const T = lp.shape[batched ? 1 : 0]!;
  const C = lp.shape[batched ? 2 : 1]!;
  const blank =
    o.blank === undefined
      ? 0
      : checkNumber(o.blank, `${name}.blank`, { min: 0, max: C - 1, integer: true });
  if (blank >= C) {
    throw new LossInputError(
      'INVALID_OPTION',
      `${name}.blank: the blank ${blank} is not a class of logProbs ${formatShape(lp.shape)} (C = ${C})`,
      `${name}.blank`,
    );
  }
  let items: ArrayLike<number>[];
  if (batched) {
    if (!Array.isArray(labels) || labels.length !== B || !labels.every(isLabelList)) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `labels: expected one label sequence per item of logProbs ${formatShape(lp.shape)} (an array of ${B} arrays of class indices), got ${show(labels)}`,
        'labels',
      );
    }
    items = labels as ArrayLike<number>[];
  } else {
    if (!isLabelList(labels) || (Array.isArray(labels) && labels.some((l) => isLabelList(l)))) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `labels: expected one label sequence (an array of class indices) for logProbs ${formatShape(lp.shape)}, got ${show(labels)}`,
        'labels',
      );
    }
    items = [labels as ArrayLike<number>];
  }
  const out = items.map((item, b) => {
    const at = batched ? `labels[${b}]` : 'labels';
    const ints = new Int32Array(item.length);
    for (let k = 0; k < item.length; k++) {
      const c = item[k];
      if (typeof c !== 'number' || !Number.isInteger(c) || c < 0 || c >= C || c === blank) {
        throw new LossInputError(
          'INVALID_OPTION',
          `${at}[${k}]: expected a class index in 0..${C - 1} other than the blank ${blank}, got ${show(c)}`,
          at,
        );
      }
      ints[k] = c;
    }
    // The grid has T x (2L + 1) cells; refused before any weight store is allocated.
    checkCells(
      T,
      2 * ints.length + 1,
      3,
      'the cells T x (2L + 1) of the CTC grid',
      at,
      'SHAPE_MISMATCH',
    );
    return ints;
  });
  return { B, T, C, lp, labels: out, blank, reduction, zeroInfinity, batched };
}

/** The blank-extended labels l'_1..l'_S (index s, 1-based; index 0 unused). */
function extended(labels: Int32Array, blank: number): Int32Array {
  const S = 2 * labels.length + 1;
  const ext = new Int32Array(S + 1);
  for (let s = 1; s <= S; s++) ext[s] = s % 2 === 1 ? blank : labels[s / 2 - 1]!;
  return ext;
}

/** The CTC grid: the skip step's mask, the two end cells; and the band of cells on complete paths. */
function ctcGrid(T: number, ext: Int32Array, blank: number): { grid: Grid; band: BandLimits } {
  const S = ext.length - 1;
  const skip = new Uint8Array(S + 1);
  for (let s = 2; s <= S; s++) {
    skip[s] = ext[s] !== blank && (s < 3 || ext[s] !== ext[s - 2]) ? 1 : 0;
  }
  const endRow = new Float64Array(S + 1).fill(Number.POSITIVE_INFINITY);
  endRow[S] = 0;
  if (S >= 2) endRow[S - 1] = 0;
  const lo = new Int32Array(T + 1);
  const hi = new Int32Array(T + 1);
  for (let t = 1; t <= T; t++) {
    lo[t] = Math.max(1, S - 1 - 2 * (T - t));
    hi[t] = Math.min(S, 2 * t);
  }
  return {
    grid: { startRow: null, startCol: null, endRow, endCol: null, masks: [null, null, skip] },
    band: { lo, hi },
  };
}

/** Every item's loss and (with `grads`) its gradient, float64 [B, T, C]. */
function evaluateCtc(p: CtcProblem, grads: Float64Array | null): number[] {
  const { B, T, C, lp, blank } = p;
  const data = lp.data;
  const perItem: number[] = [];
  withWorkspace((ws) => {
    for (let b = 0; b < B; b++) {
      const ext = extended(p.labels[b]!, blank);
      const S = ext.length - 1;
      const base = b * T * C;
      checkPairRange(
        T,
        S,
        maxAbs(data, base, base + T * C),
        CTC_STEPS,
        1,
        CLOSED,
        p.batched ? `logProbs[${b}]` : 'logProbs',
        'logProbs',
      );
      const { grid, band } = ctcGrid(T, ext, blank);
      const rows = (t: number, out: Float64Array, lo: number, hi: number): void => {
        const at = base + t * C;
        for (let s = lo; s <= hi; s++) out[s] = -data[at + ext[s + 1]!]!;
      };
      let v: number;
      if (grads === null) {
        v = softDtwValue(T, S, rows, band, CTC_STEPS, ws, grid);
      } else {
        v = softDtwForward(T, S, rows, band, CTC_STEPS, ws, grid);
        softDtwBackward(
          T,
          S,
          band,
          CTC_STEPS,
          ws,
          (t, e, lo, hi) => {
            const at = base + t * C;
            for (let s = lo; s <= hi; s++) {
              const c = at + ext[s + 1]!;
              grads[c] = grads[c]! - e[s]!;
            }
          },
          grid,
        );
      }
      perItem.push(v === Number.POSITIVE_INFINITY && p.zeroInfinity ? 0 : v);
    }
  });
  return perItem;
}

function reduce(perItem: readonly number[], reduction: CtcReduction): number {
  let total = 0;
  for (const v of perItem) total += v;
  return reduction === 'mean' ? total / perItem.length : total;
}

/**
 * The CTC loss of log-probabilities and label sequences, computed through the soft-DTW recursion
 * (gamma = 1, the CTC step set on the blank-extended labels; see the package README). Each item's
 * loss equals `torch.nn.functional.ctc_loss` with `reduction='sum'` on that item alone (to 1e-9 in
 * float64).
 *
 * @param logProbs `[T, C]` or a batch `[B, T, C]`: log-probabilities of C classes (blank
 *   included) at each of T frames, e.g. log-softmax outputs (finite; float32 or float64).
 * @param labels One label sequence (class indices, not the blank) for `[T, C]`, or an array of B
 *   sequences of any lengths for a batch.
 * @param options `blank` (default 0), `reduction` (`'mean'` over items (default), `'sum'`,
 *   `'none'`), `zeroInfinity` (default false).
 * @returns The reduced loss, or every item's with `reduction: 'none'`; +Infinity for an item no
 *   alignment fits (more labels, and blanks between repeats, than frames) unless `zeroInfinity`.
 * @throws LossInputError for bad log-probabilities, labels (out of range, the blank, not one per
 *   item) or options.
 */
export function ctcLoss(
  logProbs: TensorLike,
  labels: CtcLabels,
  options?: CtcOptions & { reduction?: 'mean' | 'sum' },
): number;
export function ctcLoss(
  logProbs: TensorLike,
  labels: CtcLabels,
  options: CtcOptions & { reduction: 'none' },
): number[];
export function ctcLoss(
  logProbs: TensorLike,
  labels: CtcLabels,
  options?: CtcOptions,
): number | number[];
export function ctcLoss(
  logProbs: TensorLike,
  labels: CtcLabels,
  options?: CtcOptions,
): number | number[] {
  const p = resolve('ctcLoss', logProbs, labels, options);
  const perItem = evaluateCtc(p, null);
  return p.reduction === 'none' ? perItem : reduce(perItem, p.reduction);
}

/**
 * {@link ctcLoss} with its gradient w.r.t. `logProbs` (the exact derivative of the reduced loss:
 * -sum over the label positions s with l'_s = c of the occupancy E(t, s), divided by B for
 * `'mean'`; 0 for an infeasible item). torch's `ctc_loss` backward returns this plus
 * exp(logProbs) (it folds in the log-softmax it assumes came before); through a log-softmax the
 * two agree, and this one is the derivative w.r.t. `logProbs` as given. Same arguments as
 * {@link ctcLoss}.
 */
export function ctcLossValueAndGrad(
  logProbs: TensorLike,
  labels: CtcLabels,
  options?: CtcOptions,
): CtcValueAndGrad {
  const p = resolve('ctcLossValueAndGrad', logProbs, labels, options);
  const g = new Float64Array(p.B * p.T * p.C);
  const perItem = evaluateCtc(p, g);
  const value = reduce(perItem, p.reduction);
  if (p.reduction === 'mean') for (let k = 0; k < g.length; k++) g[k] = g[k]! / p.B;
  const out = p.lp.data instanceof Float32Array ? Float32Array.from(g) : g;
  return { value, perItem, grad: tensor(out, p.lp.shape) };
}

/**
 * For the tfjs op: every item's loss and, with `withGrad` (default true), its own gradient (of
 * that item's loss, float64 [B, T, C]; `null` without), the reduction and the batch size; the op
 * applies the reduction to both.
 */
export function ctcKernel(
  fn: string,
  logProbs: TensorLike,
  labels: CtcLabels,
  options: CtcOptions | undefined,
  withGrad = true,
): {
  perItem: number[];
  grad: Float64Array | null;
  reduction: CtcReduction;
  B: number;
  T: number;
  C: number;
} {
  const p = resolve(fn, logProbs, labels, options);
  const g = withGrad ? new Float64Array(p.B * p.T * p.C) : null;
  const perItem = evaluateCtc(p, g);
  return { perItem, grad: g, reduction: p.reduction, B: p.B, T: p.T, C: p.C };
}

/** {@link reduce} for the tfjs op. */
export function reduceCtc(perItem: readonly number[], reduction: CtcReduction): number {
  return reduce(perItem, reduction);
}
