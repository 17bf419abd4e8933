import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { LossInputError, rowMajorStrides, type TensorLike, toTensor } from '../src/index.js';
import { mulberry32 } from '../src/random.js';

// Seeded fuzz test of the coercion boundary: random shapes, strides (negative, zero, overlapping,
// overrunning), offsets, storages (float, integer, plain arrays with stray non-numbers) and scijs
// views, each compared with a plain element-by-element copy computed here from the definition
// (position = offset + sum_d index_d stride_d). A layout is valid exactly when every position it
// addresses lies in the data, found here by enumerating them all. `pnpm test` runs a small
// number of cases; `pnpm fuzz` runs 20,000 (or FUZZ_RUNS; FUZZ_SEED picks another sequence).

const RUNS = Number(
  process.env.FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 20_000 : 300),
);
const SEED = Number(process.env.FUZZ_SEED ?? 7);

const rng = mulberry32;
type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

const STORAGES = ['float64', 'float32', 'int16', 'uint8', 'array'] as const;
type StorageName = (typeof STORAGES)[number];

function makeStorage(r: Rand, kind: StorageName, n: number): ArrayLike<unknown> {
  const raw = Array.from({ length: n }, () => (r() - 0.5) * 200);
  switch (kind) {
    case 'float64':
      return Float64Array.from(raw);
    case 'float32':
      return Float32Array.from(raw);
    case 'int16':
      return Int16Array.from(raw, Math.round);
    case 'uint8':
      return Uint8Array.from(raw, (v) => Math.abs(Math.round(v)));
    case 'array':
      return raw.map((v) => (r() < 0.02 ? pick(r, ['1', null, undefined, {}, true]) : v));
  }
}

/** Every position the layout addresses, in row-major order of the index tuples. */
function positions(shape: number[], stride: number[], offset: number): number[] {
  const out: number[] = [];
  const size = shape.reduce((a, b) => a * b, 1);
  const idx = new Array(shape.length).fill(0);
  for (let k = 0; k < size; k++) {
    let p = offset;
    for (let d = 0; d < shape.length; d++) p += idx[d] * stride[d]!;
    out.push(p);
    for (let d = shape.length - 1; d >= 0; d--) {
      if (++idx[d] < shape[d]!) break;
      idx[d] = 0;
    }
  }
  return out;
}

function snapshot(data: ArrayLike<unknown>): unknown[] {
  return Array.from(data as ArrayLike<unknown>);
}

/** Nested arrays of the given shape from row-major values. */
function nest(values: number[], shape: number[]): unknown {
  if (shape.length === 0) return values[0];
  const [n, ...rest] = shape;
  const step = rest.reduce((a, b) => a * b, 1);
  return Array.from({ length: n! }, (_, i) => nest(values.slice(i * step, (i + 1) * step), rest));
}

function codeOf(f: () => unknown): string | undefined {
  try {
    f();
  } catch (e) {
    if (e instanceof LossInputError) return e.code;
    throw e;
  }
  return undefined;
}

function runCase(seed: number): void {
  const r = rng(seed);
  const rank = int(r, 0, 5);
  const shape = Array.from({ length: rank }, () => (r() < 0.05 ? 0 : int(r, 1, 4)));
  const stride = shape.map(() => (r() < 0.1 ? 0 : int(r, -12, 12)));
  const span = positions(shape, stride, 0);
  const lo = Math.min(0, ...span);
  const hi = Math.max(0, ...span);
  // Usually a valid offset and length; sometimes one that overruns on either side.
  let offset = -lo + int(r, 0, 3);
  let length = offset + hi + 1 + int(r, 0, 3);
  if (r() < 0.15) offset += pick(r, [-1, 1, 5]) * int(r, 1, 4);
  if (r() < 0.1) length = Math.max(0, length - int(r, 1, 5));
  const kind = pick(r, STORAGES);
  const data = makeStorage(r, kind, length);
  const before = snapshot(data);
  const dtype = pick(r, [undefined, undefined, 'float32', 'float64'] as const);
  const size = shape.reduce((a, b) => a * b, 1);
  const tag = `seed ${seed}: ${kind} shape [${shape}] stride [${stride}] offset ${offset} length ${length} dtype ${dtype}`;

  const addressed = positions(shape, stride, offset);
  const inside = addressed.every((p) => p >= 0 && p < length);
  const numbers = inside && addressed.every((p) => typeof data[p] === 'number');
  const asObject = { data, shape: shape.slice(), stride: stride.slice(), offset };
  const inputs: unknown[] = [asObject];
  if (inside) inputs.push(ndarray(data as never, shape.slice(), stride.slice(), offset));
  for (const input of inputs) {
    const spec = { name: 'x', allowEmpty: true, ...(dtype ? { dtype } : {}) };
    if (kind === 'int16' || kind === 'uint8') {
      // The integer rule: integer storage is refused whatever its layout.
      expect(
        codeOf(() => toTensor(input as TensorLike, spec)),
        tag,
      ).toBe('INVALID_TYPE');
      continue;
    }
    if (!inside && size > 0) {
      expect(
        codeOf(() => toTensor(input as TensorLike, spec)),
        tag,
      ).toBe('SHAPE_MISMATCH');
      continue;
    }
    if (!numbers && size > 0) {
      expect(
        codeOf(() => toTensor(input as TensorLike, spec)),
        tag,
      ).toBe('INVALID_TYPE');
      continue;
    }
    // Infinities and NaN never occur here, so the value checks pass.
    const t = toTensor(input as TensorLike, spec);
    const wantType = dtype ?? (kind === 'float32' ? 'float32' : 'float64');
    expect(t.data, tag).toBeInstanceOf(wantType === 'float32' ? Float32Array : Float64Array);
    expect(t.shape, tag).toEqual(shape);
    expect(t.offset, tag).toBe(0);
    expect(t.data.length, tag).toBe(size);
    const strides = rowMajorStrides(shape);
    for (let d = 0; d < rank; d++) if (shape[d]! > 1) expect(t.stride[d], tag).toBe(strides[d]);
    const want = addressed.map((p) =>
      wantType === 'float32' ? Math.fround(data[p] as number) : (data[p] as number),
    );
    const got = Array.from(t.data);
    if (got.some((v, i) => !Object.is(v, want[i]))) expect(got, tag).toEqual(want);
    expect(snapshot(data), `${tag}: input not mutated`).toEqual(before);
    if (rank > 0 && size > 0) {
      const fromNested = toTensor(nest(want, shape) as TensorLike, { name: 'x', dtype: wantType });
      expect(Array.from(fromNested.data), `${tag}: nested`).toEqual(want);
      expect(fromNested.shape, `${tag}: nested`).toEqual(shape);
    }
  }
}

describe(`fuzz: ${RUNS} random layouts against an element-by-element copy`, () => {
  it('copies valid views exactly and refuses every layout that leaves its data', () => {
    for (let i = 0; i < RUNS; i++) runCase(SEED * 1_000_003 + i);
  });

  it('reads scijs views (lo, hi, step, transpose, pick) as their get() reads them', () => {
    const r = rng(SEED);
    for (let i = 0; i < Math.ceil(RUNS / 4); i++) {
      const shape = Array.from({ length: int(r, 1, 4) }, () => int(r, 1, 5));
      const n = shape.reduce((a, b) => a * b, 1);
      const Ctor = pick(r, [Float32Array, Float64Array]) as Float64ArrayConstructor;
      let v = ndarray(
        Ctor.from({ length: n }, () => r() * 10 - 5),
        shape,
      );
      for (let k = int(r, 1, 4); k > 0; k--) {
        const d = v.shape.length;
        const op = pick(r, ['lo', 'hi', 'step', 'transpose', 'pick']);
        const args = v.shape.map((m) => int(r, 0, Math.max(0, m - 1)));
        if (op === 'lo') v = v.lo(...args);
        else if (op === 'hi') v = v.hi(...args.map((a) => a + 1));
        else if (op === 'step') v = v.step(...v.shape.map(() => pick(r, [1, -1, 2, -2])));
        else if (op === 'transpose') v = v.transpose(...shuffle(r, [...Array(d).keys()]));
        else if (d > 1) v = v.pick(...args.map((a, j) => (j === 0 ? a : null)));
      }
      const tag = `view ${i}: shape [${v.shape}] stride [${v.stride}] offset ${v.offset}`;
      const want: number[] = [];
      const idx = new Array(v.shape.length).fill(0);
      for (let k = 0; k < v.size; k++) {
        want.push(v.get(...idx));
        for (let d = idx.length - 1; d >= 0; d--) {
          if (++idx[d] < v.shape[d]!) break;
          idx[d] = 0;
        }
      }
      const t = toTensor(v as TensorLike, { name: 'x', allowEmpty: true });
      expect(Array.from(t.data), tag).toEqual(want);
      expect(t.data, tag).toBeInstanceOf(Ctor);
    }
  });
});

function shuffle<T>(r: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}
