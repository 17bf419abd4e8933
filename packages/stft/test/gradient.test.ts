import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createStft, type MagnitudeOptions, magnitude, magnitudeVjp } from '../src/index.js';
import { noise } from './helpers.js';

/** L(x) = sum(dMag * |STFT(x)|); returns dL/dx by central finite differences. */
function finiteDifferences(
  x: Float64Array,
  shape: number[],
  options: MagnitudeOptions,
  dMag: Float64Array,
  h = 1e-6,
): Float64Array {
  const loss = (v: Float64Array): number => {
    const m = magnitude(tensor(v, shape), options).data;
    let s = 0;
    for (let i = 0; i < m.length; i++) s += dMag[i]! * m[i]!;
    return s;
  };
  const g = new Float64Array(x.length);
  for (let i = 0; i < x.length; i++) {
    const plus = x.slice();
    const minus = x.slice();
    plus[i]! += h;
    minus[i]! -= h;
    g[i] = (loss(plus) - loss(minus)) / (2 * h);
  }
  return g;
}

const CASES: { name: string; shape: number[]; options: MagnitudeOptions }[] = [
  { name: 'even size, reflect padding', shape: [40], options: { size: 16, hop: 4 } },
  {
    name: 'odd size, constant padding, batch',
    shape: [2, 31],
    options: { size: 9, hop: 3, padMode: 'constant' },
  },
  { name: 'prime size 17, hop 5', shape: [45], options: { size: 17, hop: 5, window: 'hamming' } },
  {
    name: 'shorter window, center false',
    shape: [2, 33],
    options: { size: 12, hop: 5, windowLength: 7, center: false },
  },
  {
    name: 'padEnd with hop larger than size',
    shape: [30],
    options: { size: 6, hop: 7, center: false, padEnd: true, window: 'blackman' },
  },
  { name: 'eps floor', shape: [30], options: { size: 8, hop: 2, eps: 1e-3 } },
  { name: 'size 1', shape: [7], options: { size: 1, hop: 1 } },
  { name: 'size 2', shape: [7], options: { size: 2, hop: 1 } },
];

describe('magnitudeVjp', () => {
  for (const c of CASES) {
    it(`equals central finite differences in float64: ${c.name}`, () => {
      const n = c.shape.reduce((a, b) => a * b, 1);
      const x = noise(n, n + 3);
      const m = magnitude(tensor(x, c.shape), c.options);
      const dMag = noise(m.data.length, 99);
      const g = magnitudeVjp(tensor(x, c.shape), c.options, tensor(dMag, m.shape));
      expect(g.shape).toEqual(c.shape);
      const fd = finiteDifferences(x, c.shape, c.options, dMag);
      for (let i = 0; i < n; i++) expect(g.data[i]).toBeCloseTo(fd[i]!, 6);
    });
  }

  it('gives a zero (not NaN) contribution where |X| = 0', () => {
    const x = new Float64Array(32);
    const plan = createStft({ size: 8, hop: 4 });
    const { magnitude: m, vjp } = plan.magnitudeWithVjp(x);
    const g = vjp(tensor(new Float64Array(m.data.length).fill(1), m.shape));
    for (const v of g.data) expect(v).toBe(0);
  });

  it('reuses the forward spectrum: magnitudeWithVjp equals magnitude and magnitudeVjp', () => {
    const x = noise(100, 5);
    const options = { size: 20, hop: 6 };
    const { magnitude: m, vjp } = createStft(options).magnitudeWithVjp(x);
    expect(Array.from(m.data)).toEqual(Array.from(magnitude(x, options).data));
    const dMag = tensor(noise(m.data.length, 8), m.shape);
    expect(Array.from(vjp(dMag).data)).toEqual(Array.from(magnitudeVjp(x, options, dMag).data));
  });
});
