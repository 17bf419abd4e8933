import { arrayType, dtypeOf, type Tensor, type TensorLike, tensor, toTensor } from '@losses/tensor';
import { checkHierarchy, type Hierarchy, type HierarchyTables } from './hierarchy.js';
import {
  type HierarchicalLossOptions,
  type InputOptions,
  labelTensor,
  predictionTensor,
  type ResolvedHierarchicalOptions,
  resolveHierarchical,
  resolveInput,
} from './inputs.js';
import {
  type InputKind,
  lossKernel,
  makeScratch,
  type TermWeights,
} from './kernels/loss-kernel.js';
import { mcKernel } from './kernels/mc-kernel.js';

/** A loss value and its gradient w.r.t. the first argument (same shape and float type). */
export interface ValueAndGrad {
  /** The loss. */
  value: number;
  /** dL/d(logits), or dL/dp for `input: 'probabilities'`. */
  grad: Tensor;
}

/**
 * The unweighted terms of the hierarchical loss, evaluated whatever their weights (a term with
 * `alpha` or `beta` 0 is still reported, for logging; it adds nothing to the value or gradient).
 */
export interface HierarchicalParts {
  /** Binary cross-entropy, mean over the known labels (0 when every label is unknown). */
  bce: number;
  /** L_down, the top-down consistency term (0 when no class has children). */
  down: number;
  /** L_up, the bottom-up consistency term (0 when there are no edges). */
  up: number;
}

/** {@link ValueAndGrad} plus the unweighted terms, for logging. */
export interface HierarchicalValueAndGrad extends ValueAndGrad {
  parts: HierarchicalParts;
}

/** A planned hierarchical loss (strategy D^{alpha,beta}) from {@link createHierarchicalLoss}. */
export interface HierarchicalLoss {
  /** The hierarchy the plan was made for. */
  readonly hierarchy: Hierarchy;
  /** The resolved options. */
  readonly options: Readonly<ResolvedHierarchicalOptions>;
  /** BCE + alpha L_down + beta L_up of `logits` [..., C] against `labels` [..., C]. */
  loss(logits: TensorLike, labels: TensorLike): number;
  /** The value, its terms and the gradient w.r.t. the logits, in one pass. */
  valueAndGrad(logits: TensorLike, labels: TensorLike): HierarchicalValueAndGrad;
}

function run(
  h: Hierarchy,
  x: TensorLike,
  labels: TensorLike | null,
  w: TermWeights,
  input: InputKind,
  scratch: ReturnType<typeof makeScratch>,
  wantGrad: boolean,
  wantParts = false,
): { parts: HierarchicalParts; value: number; grad: Tensor | null } {
  const { t, frames } = predictionTensor(x, h, input);
  const name = input === 'logits' ? 'logits' : 'probabilities';
  const y = labels === null ? t.data : labelTensor(labels, t, name, 'soft').data;
  const grad = wantGrad ? new (arrayType(dtypeOf(t.data)))(t.data.length) : null;
  // With wantParts (valueAndGrad reports the unweighted terms) a term is evaluated even at weight
  // 0; without, it is skipped.
  const r = lossKernel(t.data, y, frames, h.tables, w, input, scratch, grad, wantParts);
  return {
    value: r.value,
    parts: { bce: r.bce, down: r.down, up: r.up },
    grad: grad ? tensor(grad, t.shape) : null,
  };
}

/**
 * Plans the hierarchical loss of strategy D^{alpha,beta} (Krause & Muller, ICASSP 2022; IEEE/ACM
 * TASLP 31, 2023) for one hierarchy: options are validated once and the per-class scratch rows
 * are allocated once, so repeated calls allocate only the gradient.
 *
 *   L = BCE + alpha L_down + beta L_up   (see {@link hierarchicalLoss} for the terms)
 *
 * @param h A hierarchy from `defineHierarchy`; its `classes` are the columns.
 * @param options `alpha` (default 1), `beta` (default 1), `input` (default `'logits'`).
 * @throws LossInputError `INVALID_TYPE` (not a hierarchy), `INVALID_OPTION` (bad or unknown option).
 */
export function createHierarchicalLoss(
  h: Hierarchy,
  options?: HierarchicalLossOptions,
): HierarchicalLoss {
  checkHierarchy(h);
  const opts = Object.freeze(resolveHierarchical(options));
  const scratch = makeScratch(h.classes.length);
  const w: TermWeights = { bce: 1, down: opts.alpha, up: opts.beta };
  return {
    hierarchy: h,
    options: opts,
    loss: (logits, labels) => run(h, logits, labels, w, opts.input, scratch, false).value,
    valueAndGrad: (logits, labels) => {
      const r = run(h, logits, labels, w, opts.input, scratch, true, true);
      return { value: r.value, grad: r.grad!, parts: r.parts };
    },
  };
}

/**
 * Hierarchical classification loss, strategy D^{alpha,beta} of Krause & Muller (ICASSP 2022;
 * IEEE/ACM TASLP 31, 2023): binary cross-entropy plus two consistency penalties,
 *
 *   L = BCE + alpha L_down + beta L_up, p = sigmoid(logits),
 *   L_up   = (1/|E|) sum_{(c,c') in E} max{0, p_c' - p_c}^2          (mean over frames)
 *   L_down = (1/|P|) sum_{c in P} max{0, p_c - max_{c' child of c} p_c'}^2  (mean over frames)
 *
 * @param logits `[F, C]` (or `[C]`, or `[B, F, C]`: every leading dimension counts as frames),
 *   columns in `h.classes` order; probabilities in [0, 1] with `input: 'probabilities'`.
 * @param labels Same shape: 1 (active), 0 (inactive), a soft target in between (a probability, as
 *   torch's BCE accepts; the consistency terms read no labels) or NaN (unknown: masked out of the
 *   BCE).
 * @param h The hierarchy.
 * @param options `alpha` (default 1), `beta` (default 1), `input` (default `'logits'`).
 * @returns The loss (a number >= 0).
 * @throws LossInputError `SHAPE_MISMATCH`, `NON_FINITE`, `INVALID_OPTION` (labels not in
 *   in [0, 1] or NaN, probabilities outside [0, 1], bad option), `INVALID_TYPE`.
 */
export function hierarchicalLoss(
  logits: TensorLike,
  labels: TensorLike,
  h: Hierarchy,
  options?: HierarchicalLossOptions,
): number {
  return createHierarchicalLoss(h, options).loss(logits, labels);
}

/**
 * {@link hierarchicalLoss} with its gradient w.r.t. the logits (or w.r.t. p for
 * `input: 'probabilities'`), computed in one pass over the frames; `parts` holds the unweighted
 * BCE, L_down and L_up. Same arguments as {@link hierarchicalLoss}.
 */
export function hierarchicalLossValueAndGrad(
  logits: TensorLike,
  labels: TensorLike,
  h: Hierarchy,
  options?: HierarchicalLossOptions,
): HierarchicalValueAndGrad {
  return createHierarchicalLoss(h, options).valueAndGrad(logits, labels);
}

function simple(
  x: TensorLike,
  labels: TensorLike | null,
  h: Hierarchy,
  w: TermWeights,
  options: InputOptions | undefined,
  wantGrad: boolean,
) {
  checkHierarchy(h);
  const input = resolveInput(options);
  return run(h, x, labels, w, input, makeScratch(h.classes.length), wantGrad);
}

/** Tables of C unrelated classes (no edges): BCE needs no hierarchy. Cached per C. */
const flatCache = new Map<number, HierarchyTables>();
function flatTables(C: number): HierarchyTables {
  let t = flatCache.get(C);
  if (!t) {
    const empty = new Int32Array(0);
    const iota = Int32Array.from({ length: C }, (_, i) => i);
    t = {
      numClasses: C,
      edgeParent: empty,
      edgeChild: empty,
      childStart: new Int32Array(C + 1),
      childIndex: empty,
      parentIndex: empty,
      closureStart: Int32Array.from({ length: C + 1 }, (_, i) => i),
      closureIndex: iota,
      bottomUpOrder: iota,
      level: new Int32Array(C).fill(1),
    };
    flatCache.set(C, t);
  }
  return t;
}

function bce(
  logits: TensorLike,
  labels: TensorLike,
  options: InputOptions | undefined,
  wantGrad: boolean,
) {
  const input = resolveInput(options);
  const name = input === 'logits' ? 'logits' : 'probabilities';
  const t = toTensor(logits, {
    name,
    rank: [1, 2, 3],
    ...(input === 'probabilities' ? { min: 0, max: 1 } : {}),
  });
  const y = labelTensor(labels, t, name, 'soft');
  const C = t.shape[t.shape.length - 1]!;
  const grad = wantGrad ? new (arrayType(dtypeOf(t.data)))(t.data.length) : null;
  const r = lossKernel(
    t.data,
    y.data,
    t.data.length / C,
    flatTables(C),
    BCE,
    input,
    makeScratch(C),
    grad,
  );
  return { value: r.value, grad: grad ? tensor(grad, t.shape) : null };
}

/**
 * Binary cross-entropy, the mean over the known entries of `labels`, computed stably from the
 * logits: max(z, 0) - z y + log(1 + exp(-|z|)). With `input: 'probabilities'` it follows
 * `torch.nn.BCELoss` (logarithms clamped at -100).
 *
 * @param logits `[F, C]` (or `[C]`, `[B, F, C]`).
 * @param labels Same shape, targets in [0, 1] (soft targets allowed, as torch's BCE) or NaN
 *   (unknown, ignored). All unknown gives 0.
 * @param options `input` (default `'logits'`).
 */
export function bceLoss(logits: TensorLike, labels: TensorLike, options?: InputOptions): number {
  return bce(logits, labels, options, false).value;
}

/** {@link bceLoss} with its gradient (sigmoid(z) - y) / N_known w.r.t. the logits. */
export function bceLossValueAndGrad(
  logits: TensorLike,
  labels: TensorLike,
  options?: InputOptions,
): ValueAndGrad {
  const r = bce(logits, labels, options, true);
  return { value: r.value, grad: r.grad! };
}

const BCE: TermWeights = { bce: 1, down: 0, up: 0 };
const UP: TermWeights = { bce: 0, down: 0, up: 1 };
const DOWN: TermWeights = { bce: 0, down: 1, up: 0 };

/**
 * Bottom-up consistency L_up = (1/|E|) sum over edges (c, c') of max{0, p_c' - p_c}^2, the mean
 * over frames: a child may not be more likely than its parent (Krause & Muller, TASLP 2023).
 * Needs no labels. 0 for a hierarchy without edges.
 *
 * @param logits `[F, C]` (or `[C]`, `[B, F, C]`), columns in `h.classes` order.
 * @param h The hierarchy.
 * @param options `input` (default `'logits'`).
 */
export function bottomUpLoss(logits: TensorLike, h: Hierarchy, options?: InputOptions): number {
  return simple(logits, null, h, UP, options, false).value;
}

/** {@link bottomUpLoss} with its gradient w.r.t. the logits (or p). */
export function bottomUpLossValueAndGrad(
  logits: TensorLike,
  h: Hierarchy,
  options?: InputOptions,
): ValueAndGrad {
  const r = simple(logits, null, h, UP, options, true);
  return { value: r.value, grad: r.grad! };
}

/**
 * Top-down consistency L_down = (1/|P|) sum over classes c with children of
 * max{0, p_c - max_{c' child of c} p_c'}^2, the mean over frames: a parent may not be more likely
 * than its most likely child (Krause & Muller, TASLP 2023). The max routes the gradient to the
 * arg-max child; tied children share it evenly. Needs no labels.
 *
 * @param logits `[F, C]` (or `[C]`, `[B, F, C]`), columns in `h.classes` order.
 * @param h The hierarchy.
 * @param options `input` (default `'logits'`).
 */
export function topDownLoss(logits: TensorLike, h: Hierarchy, options?: InputOptions): number {
  return simple(logits, null, h, DOWN, options, false).value;
}

/** {@link topDownLoss} with its gradient w.r.t. the logits (or p). */
export function topDownLossValueAndGrad(
  logits: TensorLike,
  h: Hierarchy,
  options?: InputOptions,
): ValueAndGrad {
  const r = simple(logits, null, h, DOWN, options, true);
  return { value: r.value, grad: r.grad! };
}

function mc(
  logits: TensorLike,
  labels: TensorLike,
  h: Hierarchy,
  options: InputOptions | undefined,
  wantGrad: boolean,
): { value: number; grad: Tensor | null } {
  checkHierarchy(h);
  const input = resolveInput(options);
  const { t, frames } = predictionTensor(logits, h, input);
  const y = labelTensor(labels, t, input === 'logits' ? 'logits' : 'probabilities', 'hard');
  const grad = wantGrad ? new (arrayType(dtypeOf(t.data)))(t.data.length) : null;
  const row = new Float64Array(h.classes.length);
  const value = mcKernel(t.data, y.data, frames, h.tables, input, grad, row);
  return { value, grad: grad ? tensor(grad, t.shape) : null };
}

/**
 * MCLoss of C-HMCNN (Giunchiglia & Lukasiewicz, "Coherent Hierarchical Multi-Label
 * Classification Networks", NeurIPS 2020): BCE of the max-constrained outputs, where a class with
 * a positive label takes the max over itself and its positive descendants only, and a class with a
 * negative label takes the plain MCM (max over itself and all descendants):
 *
 *   o_A = max_{B in D_A, y_B = 1} p_B  if y_A = 1,   o_A = max_{B in D_A} p_B  if y_A = 0,
 *   MCLoss = mean over known labels of BCE(o_A, y_A).
 *
 * Predict with `maxConstraint(sigmoid(logits), h)`.
 *
 * @param logits `[F, C]` (or `[C]`, `[B, F, C]`), columns in `h.classes` order.
 * @param labels Same shape, 0, 1 or NaN (unknown: ignored, and never counted as positive). Hard
 *   labels only: the max runs over the descendants whose label is 1, which a soft target such as
 *   0.5 does not define (refused with `INVALID_OPTION`; `bceLoss` and `hierarchicalLoss` take soft
 *   targets).
 * @param h The hierarchy.
 * @param options `input` (default `'logits'`; probabilities follow `torch.nn.BCELoss` clamping).
 */
export function mcLoss(
  logits: TensorLike,
  labels: TensorLike,
  h: Hierarchy,
  options?: InputOptions,
): number {
  return mc(logits, labels, h, options, false).value;
}

/** {@link mcLoss} with its gradient w.r.t. the logits (or p); the max routes it to the arg-max. */
export function mcLossValueAndGrad(
  logits: TensorLike,
  labels: TensorLike,
  h: Hierarchy,
  options?: InputOptions,
): ValueAndGrad {
  const r = mc(logits, labels, h, options, true);
  return { value: r.value, grad: r.grad! };
}
