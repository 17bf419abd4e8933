import {
  type DType,
  dtypeOf,
  formatShape,
  LossInputError,
  type Tensor,
  type TensorLike,
  tensor,
  toTensor,
} from '@losses/tensor';
import { type CostOption, costRange } from './costs.js';
import { checkCells } from './problem.js';

/** Sequences as the losses accept them: one `[N, D]`, a batch `[B, N, D]`, or a list of `[N_b, D]`. */
export type Sequences = TensorLike | readonly TensorLike[];

/** Validated pairs of sequences, as float64 copies the kernels may read. */
export interface Pairs {
  layout: 'single' | 'batch' | 'list';
  D: number;
  xs: Float64Array[];
  ys: Float64Array[];
  Ns: number[];
  Ms: number[];
  /** Float type of each x and y (gradients keep it). */
  xTypes: DType[];
  yTypes: DType[];
}

function isTensorObject(v: unknown): boolean {
  return typeof v === 'object' && v !== null && 'shape' in v && 'data' in v && 'stride' in v;
}

/** True when `v` is a JS array of sequences (a list) rather than nested numbers of one sequence. */
function isList(v: unknown): v is readonly TensorLike[] {
  if (!Array.isArray(v) || v.length === 0) return false;
  const first = v[0] as unknown;
  if (isTensorObject(first)) return true;
  return (
    Array.isArray(first) &&
    first.length > 0 &&
    (Array.isArray(first[0]) || ArrayBuffer.isView(first[0]))
  );
}

/**
 * One sequence (or batch) of `rank`, refusing an empty one as empty first (`EMPTY`: `x` of shape
 * `[0]` was reported as a rank problem).
 */
function sequence(
  v: TensorLike,
  name: string,
  rank: number | number[],
  cost: CostOption,
  which: 'x' | 'y',
): Tensor {
  const raw = toTensor(v, { name, allowEmpty: true });
  if (raw.data.length === 0) {
    throw new LossInputError(
      'EMPTY',
      `${name}: the sequence is empty (shape ${formatShape(raw.shape)}); soft-DTW needs at least one frame of at least one feature`,
      name,
    );
  }
  return toTensor(raw, { name, rank, ...costRange(cost, which) });
}

function one(v: TensorLike, name: string, cost: CostOption, which: 'x' | 'y'): Tensor {
  return sequence(v, name, [2, 3], cost, which);
}

function asF64(t: Tensor): Float64Array {
  return t.data instanceof Float64Array ? t.data : Float64Array.from(t.data);
}

/**
 * Coerces and checks `x` and `y`: both single sequences `[N, D]`/`[M, D]`, both batches
 * `[B, N, D]`/`[B, M, D]`, or both lists of the same length; same feature size D everywhere.
 */
export function readPairs(x: Sequences, y: Sequences, cost: CostOption): Pairs {
  const xl = isList(x);
  const yl = isList(y);
  if (Array.isArray(x) && x.length === 0) {
    throw new LossInputError(
      'EMPTY',
      'x: is empty (an empty sequence or list of sequences); soft-DTW needs at least one frame',
      'x',
    );
  }
  if (Array.isArray(y) && y.length === 0) {
    throw new LossInputError(
      'EMPTY',
      'y: is empty (an empty sequence or list of sequences); soft-DTW needs at least one frame',
      'y',
    );
  }
  if (xl !== yl) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `x and y must both be lists of sequences or both tensors; got ${xl ? 'a list' : 'a tensor'} for x and ${yl ? 'a list' : 'a tensor'} for y`,
      'y',
    );
  }
  const pairs: Pairs = {
    layout: 'single',
    D: 0,
    xs: [],
    ys: [],
    Ns: [],
    Ms: [],
    xTypes: [],
    yTypes: [],
  };
  const push = (xt: Tensor, yt: Tensor, xName: string, yName: string): void => {
    const D = xt.shape[1]!;
    if (yt.shape[1] !== D) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${xName} and ${yName} must have the same feature size D, got ${formatShape(xt.shape)} and ${formatShape(yt.shape)}`,
        yName,
      );
    }
    if (pairs.xs.length > 0 && D !== pairs.D) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `${xName}: every sequence must have the same feature size D = ${pairs.D}, got ${formatShape(xt.shape)}`,
        xName,
      );
    }
    pairs.D = D;
    pairs.xs.push(asF64(xt));
    pairs.ys.push(asF64(yt));
    pairs.Ns.push(xt.shape[0]!);
    pairs.Ms.push(yt.shape[0]!);
    pairs.xTypes.push(dtypeOf(xt.data));
    pairs.yTypes.push(dtypeOf(yt.data));
  };
  if (xl && yl) {
    const xa = x as readonly TensorLike[];
    const ya = y as readonly TensorLike[];
    if (xa.length !== ya.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `x and y must list the same number of sequences, got ${xa.length} and ${ya.length}`,
        'y',
      );
    }
    pairs.layout = 'list';
    xa.forEach((xb, b) => {
      const xt = sequence(xb, `x[${b}]`, 2, cost, 'x');
      const yt = sequence(ya[b]!, `y[${b}]`, 2, cost, 'y');
      push(xt, yt, `x[${b}]`, `y[${b}]`);
    });
    return pairs;
  }
  const xt = one(x as TensorLike, 'x', cost, 'x');
  const yt = one(y as TensorLike, 'y', cost, 'y');
  if (xt.shape.length !== yt.shape.length) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `x and y must both be [N, D] or both [B, N, D], got ${formatShape(xt.shape)} and ${formatShape(yt.shape)}`,
      'y',
    );
  }
  if (xt.shape.length === 2) {
    push(xt, yt, 'x', 'y');
    return pairs;
  }
  const [B, N, D] = xt.shape as [number, number, number];
  const [By, M, Dy] = yt.shape as [number, number, number];
  if (B !== By || D !== Dy) {
    throw new LossInputError(
      'SHAPE_MISMATCH',
      `x [B, N, D] and y [B, M, D] must agree in B and D, got ${formatShape(xt.shape)} and ${formatShape(yt.shape)}`,
      'y',
    );
  }
  pairs.layout = 'batch';
  const xd = asF64(xt);
  const yd = asF64(yt);
  for (let b = 0; b < B; b++) {
    pairs.xs.push(xd.subarray(b * N * D, (b + 1) * N * D));
    pairs.ys.push(yd.subarray(b * M * D, (b + 1) * M * D));
    pairs.Ns.push(N);
    pairs.Ms.push(M);
    pairs.xTypes.push(dtypeOf(xt.data));
    pairs.yTypes.push(dtypeOf(yt.data));
  }
  pairs.D = D;
  return pairs;
}

/** Gradient buffers (float64, one per item) shaped back like the input: Tensor or Tensor[]. */
export function shapeGrads(
  pairs: Pairs,
  grads: Float64Array[],
  which: 'x' | 'y',
): Tensor | Tensor[] {
  const lens = which === 'x' ? pairs.Ns : pairs.Ms;
  const types = which === 'x' ? pairs.xTypes : pairs.yTypes;
  const D = pairs.D;
  const make = (g: Float64Array, dtype: DType): Float32Array | Float64Array =>
    dtype === 'float32' ? Float32Array.from(g) : g;
  if (pairs.layout === 'list') {
    return grads.map((g, b) => tensor(make(g, types[b]!), [lens[b]!, D]));
  }
  if (pairs.layout === 'single') return tensor(make(grads[0]!, types[0]!), [lens[0]!, D]);
  const B = grads.length;
  const L = lens[0]!;
  const size = B * L * D;
  // Gradients that are consecutive views of one float64 buffer (as evaluate gives a batch) are
  // returned as that buffer, without a copy.
  const first = grads[0]!;
  if (
    types[0] === 'float64' &&
    first.byteOffset === 0 &&
    first.buffer.byteLength === size * 8 &&
    grads.every((g, b) => g.buffer === first.buffer && g.byteOffset === b * L * D * 8)
  ) {
    return tensor(new Float64Array(first.buffer, 0, size), [B, L, D]);
  }
  const out = types[0] === 'float32' ? new Float32Array(size) : new Float64Array(size);
  for (let b = 0; b < B; b++) out.set(grads[b]!, b * L * D);
  return tensor(out, [B, L, D]);
}

/**
 * Refuses pairs whose per-cell state would exceed the size limit (limits.ts): N x M for every
 * pair, and with `divergence` also N x N and M x M (its terms sdtw(x, x) and sdtw(y, y)). Called
 * when the weights are stored (gradients), for sharp soft-DTW (which always keeps its matrices) and
 * for a user cost (whose N x M matrix the package copies); `steps`: the step set's size.
 *
 * @throws LossInputError `SHAPE_MISMATCH` naming the sequences.
 */
export function checkPairSizes(pairs: Pairs, divergence: boolean, steps = 3): void {
  for (let b = 0; b < pairs.Ns.length; b++) {
    const N = pairs.Ns[b]!;
    const M = pairs.Ms[b]!;
    const [x, y] = pairs.layout === 'single' ? ['x', 'y'] : [`x[${b}]`, `y[${b}]`];
    checkCells(N, M, steps, 'the cells N x M of the pair', `${x}, ${y}`, 'SHAPE_MISMATCH');
    if (divergence) {
      checkCells(N, N, steps, 'the cells N x N of sdtw(x, x)', x, 'SHAPE_MISMATCH');
      checkCells(M, M, steps, 'the cells M x M of sdtw(y, y)', y, 'SHAPE_MISMATCH');
    }
  }
}
