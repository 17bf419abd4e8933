import { describe, expect, it } from 'vitest';
import { surrogateParamsFromComplex, surrogateSignal, surrogateVjp } from '../src/index.js';
import { codeOf } from './helpers/error-code.js';

/** Naive reference: c z^n by repeated complex multiplication (the authors' cumulative product). */
interface Params {
  r: number[];
  omega: number[];
  amplitude: number[];
  phase: number[];
}

function naive(p: Params, N: number): Float64Array {
  const out = new Float64Array(N);
  for (let k = 0; k < p.r.length; k++) {
    const zr = p.r[k]! * Math.cos(p.omega[k]!);
    const zi = p.r[k]! * Math.sin(p.omega[k]!);
    let re = p.amplitude[k]! * Math.cos(p.phase[k]!);
    let im = p.amplitude[k]! * Math.sin(p.phase[k]!);
    for (let n = 0; n < N; n++) {
      out[n]! += re;
      const nr = re * zr - im * zi;
      im = re * zi + im * zr;
      re = nr;
    }
  }
  return out;
}

const params: Params = {
  r: [0.995, 1, 0.9],
  omega: [0.31, 2.2, -1.1],
  amplitude: [0.8, 0.3, 1.7],
  phase: [0.4, -2.5, 3],
};
const N = 97;

/** A smooth nonlinear loss of the signal: L = sum_n (s_n - y_n)^2 / N + sum_n w_n s_n^3 / 10. */
const y = Float64Array.from({ length: N }, (_, n) => Math.sin(0.27 * n) * 0.9);
const w = Float64Array.from({ length: N }, (_, n) => Math.cos(0.13 * n + 1));
function loss(s: ArrayLike<number>): number {
  let L = 0;
  for (let n = 0; n < N; n++) L += (s[n]! - y[n]!) ** 2 / N + (w[n]! * s[n]! ** 3) / 10;
  return L;
}
function dLds(s: ArrayLike<number>): Float64Array {
  return Float64Array.from(
    { length: N },
    (_, n) => (2 * (s[n]! - y[n]!)) / N + (3 * w[n]! * s[n]! ** 2) / 10,
  );
}

function central(f: (h: number) => number, h = 1e-6): number {
  return (f(h) - f(-h)) / (2 * h);
}

describe('sinusoidal surrogate (Hayes, Saitis & Fazekas, ICASSP 2023)', () => {
  it('undamped (r = 1) it is the cosine a cos(omega n + phi)', () => {
    const s = surrogateSignal({ r: [1], omega: [0.7], amplitude: [1.3], phase: [0.2] }, 4000).data;
    for (let n = 0; n < 4000; n++) {
      expect(Math.abs(s[n]! - 1.3 * Math.cos(0.7 * n + 0.2))).toBeLessThanOrEqual(1e-15);
    }
    // Default amplitude 1 and phase 0: Re(z^n) = cos(omega n).
    const d = surrogateSignal({ r: [1], omega: [1.1] }, 10).data;
    d.forEach((v, n) => {
      expect(v).toBe(Math.cos(1.1 * n));
    });
  });

  it('equals the naive reference c z^n (repeated complex multiplication), K = 3', () => {
    const s = surrogateSignal(params, N).data;
    const ref = naive(params, N);
    ref.forEach((v, n) => {
      expect(Math.abs(s[n]! - v)).toBeLessThanOrEqual(1e-13);
    });
  });

  it('decays as r^n; r = 0 gives c at n = 0 and nothing after', () => {
    const s = surrogateSignal({ r: [0.5], omega: [0], amplitude: [2] }, 6).data;
    expect(Array.from(s)).toEqual([2, 1, 0.5, 0.25, 0.125, 0.0625]);
    const z = surrogateSignal({ r: [0], omega: [1], amplitude: [3], phase: [0] }, 4).data;
    expect(Array.from(z)).toEqual([3, 0, 0, 0]);
  });

  it('float32 on request', () => {
    expect(surrogateSignal(params, 8, { dtype: 'float32' }).data).toBeInstanceOf(Float32Array);
    expect(surrogateSignal(params, 8).data).toBeInstanceOf(Float64Array);
  });

  it('polar gradient (r, omega, amplitude, phase) equals central finite differences', () => {
    const s = surrogateSignal(params, N).data;
    const g = surrogateVjp(params, N, dLds(s));
    for (const key of ['r', 'omega', 'amplitude', 'phase'] as const) {
      for (let k = 0; k < 3; k++) {
        const fd = central((h) => {
          const p = { ...params, [key]: params[key].map((v, j) => (j === k ? v + h : v)) };
          return loss(surrogateSignal(p, N).data);
        });
        expect(Math.abs(g[key][k]! - fd)).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(fd)));
      }
    }
  });

  it('Cartesian gradient (Re z, Im z, Re c, Im c) equals central finite differences', () => {
    const z = {
      re: params.r.map((r, k) => r * Math.cos(params.omega[k]!)),
      im: params.r.map((r, k) => r * Math.sin(params.omega[k]!)),
      cRe: params.amplitude.map((a, k) => a * Math.cos(params.phase[k]!)),
      cIm: params.amplitude.map((a, k) => a * Math.sin(params.phase[k]!)),
    };
    const s = surrogateSignal(surrogateParamsFromComplex(z), N).data;
    const g = surrogateVjp(surrogateParamsFromComplex(z), N, dLds(s));
    const map = { re: 'zRe', im: 'zIm', cRe: 'cRe', cIm: 'cIm' } as const;
    for (const key of ['re', 'im', 'cRe', 'cIm'] as const) {
      for (let k = 0; k < 3; k++) {
        const fd = central((h) => {
          const zz = { ...z, [key]: z[key].map((v, j) => (j === k ? v + h : v)) };
          return loss(surrogateSignal(surrogateParamsFromComplex(zz), N).data);
        });
        expect(Math.abs(g[map[key]][k]! - fd)).toBeLessThanOrEqual(1e-7 * (1 + Math.abs(fd)));
      }
    }
  });

  it('the Cartesian gradient is the polar one by the chain rule, and holds at z = 0', () => {
    const s = surrogateSignal(params, N).data;
    const g = surrogateVjp(params, N, dLds(s));
    for (let k = 0; k < 3; k++) {
      const r = params.r[k]!;
      const c = Math.cos(params.omega[k]!);
      const sn = Math.sin(params.omega[k]!);
      expect(g.zRe[k]).toBeCloseTo(c * g.r[k]! - (sn / r) * g.omega[k]!, 10);
      expect(g.zIm[k]).toBeCloseTo(sn * g.r[k]! + (c / r) * g.omega[k]!, 10);
    }
    // At z = 0 only s_1 = Re(c z) depends on z to first order: dL/dRe z = g_1 Re c.
    const g0 = new Float64Array(5).fill(0.5);
    const at0 = surrogateVjp({ r: [0], omega: [0.3], amplitude: [2], phase: [0.6] }, 5, g0);
    expect(at0.zRe[0]).toBeCloseTo(0.5 * 2 * Math.cos(0.6), 14);
    expect(at0.zIm[0]).toBeCloseTo(-0.5 * 2 * Math.sin(0.6), 14);
    expect(Number.isFinite(at0.r[0]!)).toBe(true);
  });

  it("descent on z finds a frequency that descent on a real oscillator's omega misses", () => {
    // The authors' README example: N = 64, target cos(0.25 n), start omega = 1.002, MSE, 5000
    // steps of SGD with learning rate 3e-4; for z the step is along the normalised gradient
    // (their `z.grad / z.grad.abs()`). The real oscillator sticks near 0.97 (a local minimum);
    // z reaches 0.25 (their log: 0.952, 0.549, 0.241, 0.250 after 1000..4000 steps).
    const M = 64;
    const target = Float64Array.from({ length: M }, (_, n) => Math.cos(0.25 * n));
    const mseGrad = (s: ArrayLike<number>) =>
      Float64Array.from({ length: M }, (_, n) => (2 * (s[n]! - target[n]!)) / M);
    let omega = 1.002;
    for (let step = 0; step < 5000; step++) {
      const p = { r: [1], omega: [omega] };
      omega -= 3e-4 * surrogateVjp(p, M, mseGrad(surrogateSignal(p, M).data)).omega[0]!;
    }
    expect(omega).toBeCloseTo(0.969, 3); // their log: 0.969 at every 1000 steps
    let re = Math.cos(1.002);
    let im = Math.sin(1.002);
    for (let step = 0; step < 5000; step++) {
      const p = surrogateParamsFromComplex({ re: [re], im: [im] });
      const g = surrogateVjp(p, M, mseGrad(surrogateSignal(p, M).data));
      const norm = Math.hypot(g.zRe[0]!, g.zIm[0]!);
      re -= (3e-4 * g.zRe[0]!) / norm;
      im -= (3e-4 * g.zIm[0]!) / norm;
      if (step === 999) expect(Math.atan2(im, re)).toBeCloseTo(0.952, 2);
    }
    expect(Math.abs(Math.atan2(im, re) - 0.25)).toBeLessThan(0.01);
  });

  it('bad input: LossInputError naming the argument', () => {
    expect(codeOf(() => surrogateSignal(null as never, 4))).toBe('INVALID_TYPE');
    expect(codeOf(() => surrogateSignal({ r: 1, omega: [1] } as never, 4))).toBe('INVALID_TYPE');
    expect(codeOf(() => surrogateSignal({ r: [], omega: [] }, 4))).toBe('EMPTY');
    expect(codeOf(() => surrogateSignal({ r: [1, 1], omega: [1] }, 4))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => surrogateSignal({ r: [1], omega: [1], phase: [1, 2] }, 4))).toBe(
      'SHAPE_MISMATCH',
    );
    expect(codeOf(() => surrogateSignal({ r: [-0.5], omega: [1] }, 4))).toBe('INVALID_OPTION');
    expect(codeOf(() => surrogateSignal({ r: [Number.NaN], omega: [1] }, 4))).toBe(
      'INVALID_OPTION',
    );
    expect(codeOf(() => surrogateSignal({ r: [1], omega: [Infinity] }, 4))).toBe('INVALID_OPTION');
    expect(codeOf(() => surrogateSignal({ r: [1.1], omega: [1] }, 16000))).toBe('INVALID_OPTION');
    expect(codeOf(() => surrogateSignal({ r: [1], omega: [1] }, 0))).toBe('INVALID_OPTION');
    expect(codeOf(() => surrogateSignal({ r: [1], omega: [1] }, 2.5))).toBe('INVALID_OPTION');
    expect(
      codeOf(() => surrogateSignal({ r: [1], omega: [1] }, 4, { dtype: 'int8' as never })),
    ).toBe('INVALID_OPTION');
    expect(codeOf(() => surrogateVjp({ r: [1], omega: [1] }, 4, [1, 2, 3]))).toBe('SHAPE_MISMATCH');
    expect(codeOf(() => surrogateVjp({ r: [1], omega: [1] }, 2, [1, Number.NaN]))).toBe(
      'NON_FINITE',
    );
    expect(codeOf(() => surrogateParamsFromComplex({ re: [1], im: [] }))).toBe('SHAPE_MISMATCH');
    // r slightly above 1 is accepted while it stays in range (an unconstrained optimiser may step there).
    expect(surrogateSignal({ r: [1.001], omega: [0.1] }, 16000).data[15999]).toBeGreaterThan(-1e8);
  });
});
