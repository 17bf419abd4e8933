import { readFileSync } from 'node:fs';
import { type Tensor, tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { ctcLoss, ctcLossValueAndGrad } from '../src/index.js';
import { code } from './error-code.js';
import { onBothPaths } from './paths.js';
import { expectClose, rng } from './reference.js';

// CTC through the soft-DTW recursion against (1) golden vectors from PyTorch's
// torch.nn.functional.ctc_loss (test/fixtures/generate_ctc.py, float64), (2) Graves' forward
// recursion written here in probability space with rescaling, (3) finite differences.

interface Golden {
  name: string;
  T: number;
  C: number;
  blank: number;
  labels: number[][];
  logProbs: number[][][];
  lossNone: (number | 'inf')[];
  lossNoneZeroInfinity: number[];
  lossTorchMean: number | 'inf';
  feasible: boolean[];
  gradLeaf: number[][][];
  gradLogits: number[][][];
}

const golden = JSON.parse(
  readFileSync(new URL('./fixtures/ctc.json', import.meta.url), 'utf8'),
) as { versions: Record<string, string>; cases: Golden[] };

const num = (v: number | 'inf') => (v === 'inf' ? Number.POSITIVE_INFINITY : v);

/**
 * Graves et al. (ICML 2006), eq. 5-7: alpha_t(s) over the extended labels in probability space,
 * rescaled per frame (their eq. 9-10), the loss -sum_t log c_t - log(alpha_T(S) + alpha_T(S-1)).
 */
function gravesLoss(lp: number[][], labels: number[], blank: number): number {
  const ext: number[] = [blank];
  for (const l of labels) ext.push(l, blank);
  const S = ext.length;
  const T = lp.length;
  let alpha = new Array<number>(S).fill(0);
  alpha[0] = Math.exp(lp[0]![blank]!);
  if (S > 1) alpha[1] = Math.exp(lp[0]![ext[1]!]!);
  let logScale = 0;
  const rescale = () => {
    const c = alpha.reduce((a, b) => a + b, 0);
    if (c === 0) return false;
    alpha = alpha.map((a) => a / c);
    logScale += Math.log(c);
    return true;
  };
  if (!rescale()) return Number.POSITIVE_INFINITY;
  for (let t = 1; t < T; t++) {
    const next = new Array<number>(S).fill(0);
    for (let s = 0; s < S; s++) {
      let a = alpha[s]!;
      if (s >= 1) a += alpha[s - 1]!;
      if (s >= 2 && ext[s] !== blank && ext[s] !== ext[s - 2]) a += alpha[s - 2]!;
      next[s] = a * Math.exp(lp[t]![ext[s]!]!);
    }
    alpha = next;
    if (!rescale()) return Number.POSITIVE_INFINITY;
  }
  const end = alpha[S - 1]! + (S > 1 ? alpha[S - 2]! : 0);
  return end === 0 ? Number.POSITIVE_INFINITY : -(logScale + Math.log(end));
}

describe(`ctcLoss against torch.nn.functional.ctc_loss (torch ${golden.versions.torch}, float64)`, () => {
  for (const g of golden.cases) {
    it(`${g.name}: each item's loss and gradient (to 1e-9)`, () => {
      const batch = tensor(Float64Array.from(g.logProbs.flat(2)), [g.labels.length, g.T, g.C]);
      const { wasm, js } = onBothPaths(() => ({
        none: ctcLoss(batch, g.labels, { blank: g.blank, reduction: 'none' }),
        zero: ctcLoss(batch, g.labels, { blank: g.blank, reduction: 'none', zeroInfinity: true }),
        vg: ctcLossValueAndGrad(batch, g.labels, { blank: g.blank, reduction: 'sum' }),
      }));
      expect(wasm.none).toEqual(js.none);
      const got = js;
      g.lossNone.forEach((want, b) => {
        if (want === 'inf') expect(got.none[b]).toBe(Number.POSITIVE_INFINITY);
        else expectClose(got.none[b]!, want, 1e-9, 1e-9);
        expectClose(got.zero[b]!, g.lossNoneZeroInfinity[b]!, 1e-9, 1e-9);
      });
      const grad = got.vg.grad;
      for (let b = 0; b < g.labels.length; b++) {
        for (let t = 0; t < g.T; t++) {
          // ours is the derivative w.r.t. logProbs; torch's leaf gradient adds exp(logProbs)
          let sum = 0;
          for (let c = 0; c < g.C; c++) sum += grad.get(b, t, c);
          for (let c = 0; c < g.C; c++) {
            const lp = g.logProbs[b]![t]![c]!;
            const ours = grad.get(b, t, c);
            if (!g.feasible[b]) {
              expect(ours).toBe(0);
              continue;
            }
            expectClose(ours, g.gradLeaf[b]![t]![c]! - Math.exp(lp), 1e-9, 1e-9);
            // through log_softmax: dL/dz = g - softmax(z) sum_c g
            const throughSoftmax = ours - Math.exp(lp) * sum;
            expectClose(throughSoftmax, g.gradLogits[b]![t]![c]!, 1e-9, 1e-9);
          }
        }
      }
    });
  }

  it("'mean' is the mean over items, 'sum' their sum (torch's 'mean' also divides by label lengths)", () => {
    const g = golden.cases.find((c) => c.name.startsWith('ragged'))!;
    const batch = tensor(Float64Array.from(g.logProbs.flat(2)), [g.labels.length, g.T, g.C]);
    const items = g.lossNone.map(num);
    const mean = ctcLoss(batch, g.labels, { blank: g.blank });
    const sum = ctcLoss(batch, g.labels, { blank: g.blank, reduction: 'sum' });
    expectClose(mean, items.reduce((a, b) => a + b, 0) / items.length, 1e-12);
    expectClose(
      sum,
      items.reduce((a, b) => a + b, 0),
      1e-12,
    );
    const torchMean =
      items.reduce((a, v, b) => a + v / Math.max(1, g.labels[b]!.length), 0) / items.length;
    expectClose(num(g.lossTorchMean), torchMean, 1e-12);
  });
});

describe("ctcLoss against Graves et al.'s forward recursion (written here)", () => {
  it('random log-probabilities, labels with repeats, several blanks (fast-check)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: 12 }),
        fc.integer({ min: 2, max: 6 }),
        fc.integer({ min: 0, max: 8 }),
        fc.integer(),
        (T, C, L, seed) => {
          const r = rng(seed);
          const blank = Math.floor(r() * C);
          const lp = Array.from({ length: T }, () => {
            const z = Array.from({ length: C }, () => 3 * (r() - 0.5));
            const m = Math.log(z.reduce((a, v) => a + Math.exp(v), 0));
            return z.map((v) => v - m);
          });
          const labels = Array.from({ length: L }, () => {
            let c = Math.floor(r() * (C - 1));
            if (c >= blank) c++;
            return c;
          });
          const got = ctcLoss(lp, labels, { blank });
          const want = gravesLoss(lp, labels, blank);
          if (want === Number.POSITIVE_INFINITY) expect(got).toBe(want);
          else expectClose(got, want, 1e-11, 1e-11);
        },
      ),
      { numRuns: 300 },
    );
  });
});

describe('ctcLossValueAndGrad', () => {
  it('the gradient equals central finite differences (float64, batch, mean)', () => {
    const r = rng(61);
    const B = 2;
    const T = 7;
    const C = 4;
    const lp = Array.from({ length: B * T * C }, () => -3 * r());
    const labels = [[1, 1, 2], [3]];
    const f = (v: number[]) => ctcLoss(tensor(Float64Array.from(v), [B, T, C]), labels);
    const { value, grad } = ctcLossValueAndGrad(tensor(Float64Array.from(lp), [B, T, C]), labels);
    expectClose(value, f(lp), 1e-15);
    const h = 1e-6;
    for (let k = 0; k < lp.length; k++) {
      const plus = lp.slice();
      const minus = lp.slice();
      plus[k] = plus[k]! + h;
      minus[k] = minus[k]! - h;
      expectClose(grad.data[k]!, (f(plus) - f(minus)) / (2 * h), 1e-6, 1e-8);
    }
  });

  it("with 'none' the value is the sum of the items and the gradient each item's own", () => {
    const r = rng(62);
    const lp = tensor(
      Float64Array.from({ length: 3 * 5 * 4 }, () => -2 * r()),
      [3, 5, 4],
    );
    const labels = [[1], [2, 3], [1, 1]];
    const none = ctcLossValueAndGrad(lp, labels, { reduction: 'none' });
    const sum = ctcLossValueAndGrad(lp, labels, { reduction: 'sum' });
    expect(none.value).toBe(sum.value);
    expect(Array.from(none.grad.data)).toEqual(Array.from(sum.grad.data));
    expect(none.perItem).toEqual(ctcLoss(lp, labels, { reduction: 'none' }));
  });

  it('a single item [T, C] with labels number[]; float32 in, float32 out, within 1e-5 of float64', () => {
    const r = rng(63);
    const data = Array.from({ length: 9 * 5 }, () => -3 * r());
    const f64 = ctcLossValueAndGrad(tensor(Float64Array.from(data), [9, 5]), [1, 2, 2]);
    const f32 = ctcLossValueAndGrad(tensor(Float32Array.from(data), [9, 5]), [1, 2, 2]);
    expect(f32.grad.data).toBeInstanceOf(Float32Array);
    expect(f32.grad.shape).toEqual([9, 5]);
    expectClose(f32.value, f64.value, 1e-5);
    for (let k = 0; k < data.length; k++)
      expectClose(f32.grad.data[k]!, f64.grad.data[k]!, 1e-4, 1e-6);
  });

  it('an infeasible item has loss +Infinity (0 with zeroInfinity) and a zero gradient, never NaN', () => {
    const lp = tensor(
      Float64Array.from({ length: 2 * 3 * 4 }, (_, k) => -1 - (k % 3)),
      [2, 3, 4],
    );
    const labels = [[1, 2, 3, 1], [2]];
    for (const zeroInfinity of [false, true]) {
      const res = ctcLossValueAndGrad(lp, labels, { zeroInfinity, reduction: 'sum' });
      expect(res.perItem[0]).toBe(zeroInfinity ? 0 : Number.POSITIVE_INFINITY);
      expect(Number.isFinite(res.perItem[1]!)).toBe(true);
      for (let k = 0; k < 12; k++) expect(res.grad.data[k]).toBe(0);
      expect(Array.from(res.grad.data).every(Number.isFinite)).toBe(true);
    }
  });

  it('does not mutate logProbs or labels', () => {
    const data = Float64Array.from({ length: 20 }, (_, k) => -0.1 * k);
    const labels = [1, 2];
    const copy = data.slice();
    ctcLossValueAndGrad(tensor(data, [5, 4]), labels);
    expect(Array.from(data)).toEqual(Array.from(copy));
    expect(labels).toEqual([1, 2]);
  });
});

describe('ctcLoss: bad input', () => {
  const lp = tensor(
    Float64Array.from({ length: 2 * 4 * 3 }, () => -1),
    [2, 4, 3],
  );
  it.each([
    ['a label equal to the blank', [[0], [1]], {}],
    ['a label out of range', [[3], [1]], {}],
    ['a fractional label', [[1.5], [1]], {}],
    ['the wrong number of sequences', [[1]], {}],
    ['a flat list for a batch', [1, 2], {}],
    ['a blank out of range', [[1], [1]], { blank: 3 }],
    ['an unknown reduction', [[1], [1]], { reduction: 'avg' }],
    ['null zeroInfinity', [[1], [1]], { zeroInfinity: null }],
    ['an unknown option', [[1], [1]], { inputLengths: [4, 4] }],
  ])('refuses %s', (_name, labels, options) => {
    const c = code(() => ctcLoss(lp, labels as never, options as never));
    expect(['INVALID_OPTION', 'SHAPE_MISMATCH']).toContain(c);
  });

  it('refuses non-finite log-probabilities and a rank-1 tensor, naming logProbs', () => {
    expect(code(() => ctcLoss([[0, Number.NaN]], [1]))).toBe('NON_FINITE');
    expect(code(() => ctcLoss([-1, -2], [1]))).toBe('SHAPE_MISMATCH');
    expect(code(() => ctcLoss([[-1, -2]], [[1]] as never))).toBe('SHAPE_MISMATCH');
  });
});

describe('ctcLoss: the tensor the gradient comes back in', () => {
  it('has the shape of logProbs', () => {
    const g: Tensor = ctcLossValueAndGrad(
      tensor(
        Float64Array.from({ length: 24 }, () => -1.5),
        [2, 4, 3],
      ),
      [[1], [2]],
    ).grad;
    expect(g.shape).toEqual([2, 4, 3]);
  });
});
