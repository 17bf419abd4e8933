/**
 * Issue 17: the short route of `createStft(...).magnitude` for a float32 signal. A signal that
 * `toTensor` would keep as it is skips the value scan before the kernel: the kernel checks its
 * padded copy for NaN and infinities (one SIMD pass) before the output is allocated. The route
 * must give the same numbers as the general one (the same kernel after `toTensor`), throw the
 * same LossInputError for the same bad input, and never mutate the input.
 */
import { LossInputError, type Tensor, type TensorLike, tensor, toTensor } from '@losses/tensor';
import { mulberry32 } from '@losses/tensor/internal';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { Framer } from '../src/framing.js';
import { createStft, type MagnitudeOptions, magnitude } from '../src/index.js';
import { resolveStftOptions } from '../src/options.js';
import { setWasmMemoryLimit } from '../src/wasm/kernel.js';
import { WasmStft32 } from '../src/wasm/kernel32.js';
import { noise } from './helpers.js';

/** Float32 noise of `n` samples. */
function noise32(n: number, seed: number): Float32Array {
  return Float32Array.from(noise(n, seed));
}

/** Expects two results bit for bit equal (shape, float type and every value). */
function expectSame(a: Tensor, b: Tensor): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.data).toBeInstanceOf(Float32Array);
  expect(b.data).toBeInstanceOf(Float32Array);
  expect(Buffer.from(a.data.buffer, a.data.byteOffset, a.data.byteLength)).toEqual(
    Buffer.from(b.data.buffer, b.data.byteOffset, b.data.byteLength),
  );
}

/** The error `f` throws (a LossInputError), or fails. */
function errorOf(f: () => unknown): LossInputError {
  try {
    f();
  } catch (e) {
    expect(e).toBeInstanceOf(LossInputError);
    return e as LossInputError;
  }
  throw new Error('expected a LossInputError');
}

describe('the short float32 route of plan.magnitude (issue 17)', () => {
  const cases: { o: MagnitudeOptions; batch: number; length: number }[] = [
    { o: { size: 8, hop: 2 }, batch: 3, length: 37 },
    { o: { size: 64, hop: 16 }, batch: 1, length: 301 },
    { o: { size: 256, hop: 64, padMode: 'constant' }, batch: 4, length: 1001 },
    { o: { size: 512, hop: 100, center: false }, batch: 2, length: 2047 },
    { o: { size: 1024, hop: 256, eps: 1e-6 }, batch: 5, length: 4099 },
    { o: { size: 4096, hop: 1024 }, batch: 2, length: 9001 },
  ];
  for (const { o, batch, length } of cases) {
    it(`equals the general route bit for bit: size ${o.size}, hop ${o.hop}, B = ${batch}, T = ${length}`, () => {
      const { eps, ...stftOptions } = o;
      const plan = createStft(stftOptions);
      const x = noise32(batch * length, o.size + length);
      // Item 0 loud, item 1 a fade to silence, item 2 silent, item 3 tiny (where there are items).
      for (let t = 0; t < length; t++) {
        x[t] = x[t]! * 1e30;
        if (batch > 1) x[length + t] = x[length + t]! * (1 - t / length) ** 4;
        if (batch > 2) x[2 * length + t] = 0;
        if (batch > 3) x[3 * length + t] = x[3 * length + t]! * 1e-30;
      }
      const before = Float32Array.from(x);
      const short = plan.magnitude(tensor(x, [batch, length]), eps);
      const general = magnitude(tensor(x, [batch, length]), o);
      expectSame(short, general);
      expect(short.data.every(Number.isFinite)).toBe(true);
      // A bare Float32Array is one signal [T]; an ndarray-like plain object is read as toTensor does.
      expectSame(plan.magnitude(x.subarray(0, length), eps), magnitude(x.subarray(0, length), o));
      const plain = { shape: [batch, length], stride: [length, 1], offset: 0, data: x };
      expectSame(plan.magnitude(plain as unknown as TensorLike, eps), general);
      expect(x).toEqual(before);
    });
  }

  it('leaves other layouts to the general route, with the same numbers', () => {
    const o = { size: 128, hop: 32 };
    const plan = createStft(o);
    const x = noise32(2 * 700 + 5, 3);
    const rows = Float32Array.from(x.subarray(0, 2 * 700));
    const want = plan.magnitude(tensor(rows, [2, 700]));
    // Data longer than the shape, an offset, a transposed view of the same values.
    expectSame(plan.magnitude(ndarray(x, [2, 700])), want);
    const shifted = new Float32Array(x.length + 3);
    shifted.set(rows, 3);
    expectSame(plan.magnitude(ndarray(shifted, [2, 700], [700, 1], 3)), want);
    const columns = new Float32Array(2 * 700);
    for (let b = 0; b < 2; b++)
      for (let t = 0; t < 700; t++) columns[t * 2 + b] = rows[b * 700 + t]!;
    expectSame(plan.magnitude(ndarray(columns, [2, 700], [1, 2])), want);
    // float64 signals keep their own route and float type.
    expect(plan.magnitude(tensor(Float64Array.from(rows), [2, 700])).data).toBeInstanceOf(
      Float64Array,
    );
  });

  it('throws the general route error for NaN or an infinity anywhere, input untouched', () => {
    const o = { size: 64, hop: 16 };
    const plan = createStft(o);
    const random = mulberry32(17);
    const length = 203;
    for (const bad of [Number.NaN, Number.POSITIVE_INFINITY, Number.NEGATIVE_INFINITY]) {
      for (const at of [
        0,
        1,
        2,
        3,
        length - 1,
        length,
        2 * length - 1,
        Math.floor(random() * 2 * length),
      ]) {
        const x = noise32(2 * length, at);
        x[at] = bad;
        const before = Float32Array.from(x);
        const got = errorOf(() => plan.magnitude(tensor(x, [2, length])));
        const want = errorOf(() => toTensor(tensor(x, [2, length]), { name: 'x', rank: [1, 2] }));
        expect(got.code).toBe('NON_FINITE');
        expect(got.message).toBe(want.message);
        expect(Object.is(x[at], bad) || (Number.isNaN(bad) && Number.isNaN(x[at]!))).toBe(true);
        expect(x).toEqual(before);
      }
    }
  });

  it('checks values before the length, as the general route does', () => {
    const plan = createStft({ size: 256, hop: 64 });
    const x = noise32(50, 1);
    expect(errorOf(() => plan.magnitude(x)).code).toBe('SHAPE_MISMATCH');
    x[7] = Number.NaN;
    expect(errorOf(() => plan.magnitude(x)).code).toBe('NON_FINITE');
  });

  it('falls back when the call does not fit in the WebAssembly memory limit', () => {
    const o = { size: 256, hop: 64 };
    const plan = createStft(o);
    const x = noise32(4 * 3000, 9);
    const want = magnitude(tensor(x, [4, 3000]), o);
    const limit = setWasmMemoryLimit(2 ** 16);
    try {
      const got = plan.magnitude(tensor(x, [4, 3000]));
      expect(got.shape).toEqual(want.shape);
      // The float64 kernels then: within the float32 route's tolerance of its result.
      let peak = 0;
      for (const v of want.data) peak = Math.max(peak, v);
      for (let i = 0; i < want.data.length; i++) {
        expect(Math.abs(got.data[i]! - want.data[i]!)).toBeLessThanOrEqual(1e-5 * peak);
      }
      x[5000] = Number.POSITIVE_INFINITY;
      expect(errorOf(() => plan.magnitude(tensor(x, [4, 3000]))).code).toBe('NON_FINITE');
    } finally {
      setWasmMemoryLimit(limit);
    }
  });

  it("the kernel's check ignores stale memory past the signals", () => {
    for (const [size, batch, length] of [
      [8, 1, 9],
      [16, 3, 21],
      [32, 2, 45],
    ] as const) {
      const hop = size / 4;
      const framer = new Framer(resolveStftOptions({ size, hop }));
      const window = new Float64Array(size).fill(1);
      const k = new WasmStft32(size, hop, window);
      const x = noise32(batch * length, size);
      const out = new Float32Array(batch * framer.frameCount(length) * k.bins);
      expect(k.magnitudes(framer, x, batch, length, 0, out)).toBe(true);
      k.view32().fill(Number.NaN, k.layout(0)[0]! / 4);
      const got = k.checkedMagnitudes(framer, x, batch, length, 0);
      expect(got).toBeInstanceOf(Float32Array);
      expect(got).toEqual(out);
      x[batch * length - 1] = Number.NaN;
      expect(k.checkedMagnitudes(framer, x, batch, length, 0)).toBe('nonfinite');
    }
  });

  it('grows the memory for the signal only before the check', () => {
    const size = 4096;
    const hop = 64;
    const framer = new Framer(resolveStftOptions({ size, hop }));
    const k = new WasmStft32(size, hop, new Float64Array(size).fill(1));
    const length = 20000;
    const x = noise32(2 * length, 5);
    x[length + 17] = Number.NEGATIVE_INFINITY;
    const signalEnd = k.bytesFor(4 * 2 * framer.paddedLength(length));
    const outputBytes = 4 * 2 * framer.frameCount(length) * k.bins;
    expect(outputBytes).toBeGreaterThan(2 ** 20);
    expect(k.checkedMagnitudes(framer, x, 2, length, 0)).toBe('nonfinite');
    expect(k.memory.buffer.byteLength).toBeLessThan(signalEnd + 65536);
    x[length + 17] = 0;
    const out = k.checkedMagnitudes(framer, x, 2, length, 0);
    expect(out).toBeInstanceOf(Float32Array);
    expect(k.memory.buffer.byteLength).toBeGreaterThanOrEqual(signalEnd + outputBytes);
  });
});
