import { readFileSync } from 'node:fs';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { preEmphasisTaps } from '../src/index.js';
import { type LossName, plan } from './helpers/losses.js';

/**
 * Golden vectors from auraloss's time.py / perceptual.py and DAC's SISDRLoss, made by
 * test/fixtures/generate_golden.py (PyTorch autograd for the gradients; versions and commits are
 * recorded in the JSON).
 */
interface Result {
  loss: LossName;
  options: Record<string, unknown>;
  value: number;
  perItem: number[];
  grad: number[];
}
interface Case {
  name: string;
  dtype?: 'float32' | 'float64';
  shape: [number, number];
  x: number[];
  t: number[];
  results: Result[];
}
interface Golden {
  versions: Record<string, unknown>;
  cases: Case[];
  dac: Case[];
  taps: { sampleRate: number; taps: number; weights: number[] }[];
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/golden.json', import.meta.url), 'utf8'),
) as Golden;

/**
 * Relative tolerance on SI-SDR's gradient for an item with loss `v` dB. Its condition number is
 * about R = 10^(-v / 10) (the signal-to-distortion ratio): the gradient is R / (R + eps) times the
 * estimate's part orthogonal to the target plus a part along the target of relative size
 * ~1 / R, so a rounding of the estimate (2^-53 |x|) moves it by ~R 2^-53 relative. For near-perfect
 * estimates (R up to 4e10 in these cases) no float64 implementation is closer than that: checked
 * against exact rational arithmetic, PyTorch's gradient is off by 2e-7 for x = t and by 6e-6 for
 * x = 3.7 t, this package's by 5e-16 and 2e-5.
 */
function siSdrGradTolerance(v: number, eps: number, floor: number): number {
  const R = Math.max(0, 10 ** (-v / 10) - eps);
  return Math.max(floor, 16 * 2 ** -53 * R);
}

/** Tolerance on a value: float64 to 1e-12; float32 inputs run float64 sums here, float32 in torch. */
function valueTolerance(c: Case, r: Result, ref: number): number {
  if (c.dtype === 'float32') {
    // torch's float32 log(cosh(a d) + eps) rounds 1 + (small) to float32: 2^-24 / a per sample.
    const a = typeof r.options.a === 'number' ? r.options.a : 1;
    return 1e-5 * Math.abs(ref) + (r.loss === 'logCosh' ? 2 ** -23 / a : 0);
  }
  // torch's float64 log(cosh(a d) + eps) rounds 1 + (small) likewise, at 2^-53 / a per sample.
  const a = typeof r.options.a === 'number' ? r.options.a : 1;
  return 1e-12 * Math.abs(ref) + (r.loss === 'logCosh' ? 2 ** -51 / a : 0);
}

function expectValue(got: number, ref: number, tol: number, what: string): void {
  if (!(Math.abs(got - ref) <= tol)) {
    throw new Error(
      `${what}: got ${got}, reference ${ref} (|diff| ${Math.abs(got - ref)} > ${tol})`,
    );
  }
}

function expectGrad(
  got: ArrayLike<number>,
  ref: number[],
  T: number,
  rtol: (item: number) => number,
  what: string,
) {
  for (let b = 0; b < ref.length / T; b++) {
    let scale = 0;
    for (let i = 0; i < T; i++) scale = Math.max(scale, Math.abs(ref[b * T + i]!));
    const tol = rtol(b) * scale;
    for (let i = 0; i < T; i++) {
      const k = b * T + i;
      if (!(Math.abs(got[k]! - ref[k]!) <= tol)) {
        throw new Error(
          `${what}: grad[${b}, ${i}] = ${got[k]}, reference ${ref[k]} (|diff| ${Math.abs(got[k]! - ref[k]!)} > ${tol})`,
        );
      }
    }
  }
}

function run(c: Case, r: Result) {
  const Arr = c.dtype === 'float32' ? Float32Array : Float64Array;
  const x = tensor(Arr.from(c.x), c.shape);
  const t = tensor(Arr.from(c.t), c.shape);
  return plan(r.loss, r.options).valueAndGrad(x, t);
}

describe('golden vectors from auraloss (time.py, FIRFilter)', () => {
  it('records the reference versions', () => {
    expect(golden.versions).toHaveProperty('auraloss');
    expect(golden.cases.length).toBeGreaterThan(15);
  });

  for (const c of golden.cases) {
    it(`${c.name} (${c.dtype}): ${c.results.length} loss configurations give auraloss's values and autograd's gradients`, () => {
      for (const r of c.results) {
        const what = `${c.name} ${r.loss} ${JSON.stringify(r.options)}`;
        const got = run(c, r);
        expectValue(got.value, r.value, valueTolerance(c, r, r.value), what);
        r.perItem.forEach((v, b) => {
          expectValue(got.perItem.data[b]!, v, valueTolerance(c, r, v), `${what} perItem[${b}]`);
        });
        const floor = c.dtype === 'float32' ? 1e-5 : 1e-12;
        const eps = typeof r.options.eps === 'number' ? r.options.eps : 1e-8;
        const rtol =
          r.loss === 'siSdr'
            ? (b: number) => siSdrGradTolerance(r.perItem[b]!, eps, floor)
            : () => floor;
        expectGrad(got.grad.data, r.grad, c.shape[1], rtol, what);
      }
    });
  }

  it('covers every loss, silence, a silent item, fades and amplitudes 1e-150 .. 1e150', () => {
    const names = new Set(golden.cases.map((c) => c.name));
    for (const n of [
      'silence',
      'silent-item-in-batch',
      'fades',
      'amplitude-1e150',
      'amplitude-1e-150',
    ]) {
      expect(names).toContain(n);
    }
    const losses = new Set(golden.cases.flatMap((c) => c.results.map((r) => r.loss)));
    expect([...losses].sort()).toEqual([
      'dc',
      'esr',
      'l1',
      'logCosh',
      'mse',
      'sdSdr',
      'siSdr',
      'snr',
    ]);
  });
});

describe("golden vectors from DAC's SISDRLoss (loud signals, where its eps places do not matter)", () => {
  for (const c of golden.dac) {
    it(`${c.name}: siSdrLoss / snrLoss with zeroMean and clipMin give DAC's values and gradients`, () => {
      for (const r of c.results) {
        const what = `${c.name} ${r.loss} ${JSON.stringify(r.options)}`;
        const got = run(c, r);
        expectValue(got.value, r.value, 1e-12 * Math.abs(r.value), what);
        r.perItem.forEach((v, b) => {
          expectValue(got.perItem.data[b]!, v, 1e-12 * Math.abs(v), `${what} perItem[${b}]`);
        });
        expectGrad(got.grad.data, r.grad, c.shape[1], () => 1e-11, what);
      }
    });
  }

  it('includes a clamped item (clipMin active) with its zero gradient', () => {
    const clamped = golden.dac.flatMap((c) =>
      c.results.filter((r) => r.options.clipMin !== undefined && r.perItem.includes(-12)),
    );
    expect(clamped.length).toBeGreaterThan(0);
  });
});

describe("A-weighting taps: auraloss's FIRFilter('aw') design", () => {
  for (const d of golden.taps) {
    it(`${d.sampleRate} Hz, ${d.taps} taps: the same float32 taps (to one float32 ulp)`, () => {
      const { weights, padding } = preEmphasisTaps({
        kind: 'aw',
        sampleRate: d.sampleRate,
        taps: d.taps,
      });
      expect(padding).toBe((d.taps - 1) / 2);
      expect(weights.length).toBe(d.weights.length);
      let peak = 0;
      for (const v of d.weights) peak = Math.max(peak, Math.abs(v));
      // One float32 ulp of the tap (the two float64 designs may round to neighbouring float32
      // values), plus the forward error bound of a Cholesky solve of the (M + 1)-square system,
      // (M + 1) kappa 2^-53 of the largest tap with kappa <= 100 (scipy's LAPACK and this solve
      // round differently; at 1023 taps that moves some of the smallest taps by 2.6e-12).
      const M = (d.taps - 1) / 2;
      d.weights.forEach((v, k) => {
        const tol = 2 ** -23 * Math.abs(v) + (M + 1) * 100 * 2 ** -53 * peak;
        expect(Math.abs(weights[k]! - v)).toBeLessThanOrEqual(tol);
      });
    });
  }
});
