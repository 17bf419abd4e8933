/**
 * The Wasserstein distance (issue 16) with issue 14's value stage: the distance compares the
 * stage's output (the compressed bands of a mel scale, or the compressed power spectrum), frame by
 * frame along the bands; its gradients w.r.t. both signals against central finite differences in
 * float64, its value against a direct composition (scaleFilters, @losses/stft magnitudes, the
 * north-west-corner plan), breakdown, threads, the engines that serve it, the refused compressions.
 */
import { createStft } from '@losses/stft';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions, scaleFilters } from '../src/index.js';
import { createJsEngineLoss, kernelOf } from '../src/loss.js';
import { positionsOf } from '../src/spectral-wasserstein.js';
import { bothGradients, errorOf, relMaxError, signal } from './helpers.js';
import { naiveWasserstein } from './wasserstein-helpers.js';

const T = 301;
const base: MssOptions = {
  sampleRate: 8000,
  sizes: [64, 128],
  hops: [16, 32],
  center: true,
  window: 'hann',
  compressions: ['linear'],
};

const cases: [string, MssOptions][] = [
  [
    'W_2^2 over 12 mel bands, linear',
    { ...base, scale: { kind: 'mel', bands: 12 }, distance: { kind: 'wasserstein', p: 2 } },
  ],
  [
    'W_1 over 10 mel bands of the power spectrum, log1p, positions in bands, eps 1e-3',
    {
      ...base,
      scale: { kind: 'mel', bands: 10, fmin: 50 },
      power: 2,
      compressions: [{ kind: 'log1p', gamma: 2 }],
      distance: { kind: 'wasserstein', p: 1, positions: 'bins', eps: 1e-3 },
    },
  ],
];

/** Central differences of the loss at the samples `at` (float64, step 1e-6). */
function finiteDifferences(
  options: MssOptions,
  est: Float64Array,
  tgt: Float64Array,
  at: number[],
  wrt: 'estimate' | 'target',
): number[] {
  const loss = createJsEngineLoss(options);
  const h = 1e-6;
  return at.map((i) => {
    const f = (d: number): number => {
      const e = Float64Array.from(est);
      const t = Float64Array.from(tgt);
      (wrt === 'estimate' ? e : t)[i]! += d;
      return loss.value(tensor(e, [2, T]), tensor(t, [2, T]));
    };
    return (f(h) - f(-h)) / (2 * h);
  });
}

/**
 * The loss by a direct composition: centred reflect-padded Hann magnitudes from @losses/stft,
 * ^power, the dense mel matrix of scaleFilters, the compression, the naive plan per frame along
 * the bands, the mean over frames, summed over scales, mean over items.
 */
function naiveLoss(options: MssOptions, e: Float64Array, t: Float64Array, items: number): number {
  const d = options.distance as { p: 1 | 2; positions?: 'normalized' | 'bins'; eps?: number };
  const scale = options.scale as { kind: 'mel'; bands: number; fmin?: number };
  const power = options.power ?? 1;
  const comp = options.compressions?.[0] as { gamma?: number } | undefined;
  const gamma = comp?.gamma;
  const len = e.length / items;
  let total = 0;
  for (let b = 0; b < items; b++) {
    options.sizes!.forEach((size, s) => {
      const plan = createStft({
        size,
        hop: (options.hops as number[])[s]!,
        window: 'hann',
        center: true,
        padMode: 'reflect',
      });
      const w = scaleFilters(scale, size, options.sampleRate!);
      const bins = size / 2 + 1;
      const bands = w.shape[0]!;
      const bandsOf = (x: Float64Array) => {
        const mag = plan.magnitude(tensor(x.subarray(b * len, (b + 1) * len), [len]));
        const frames = mag.shape[0]!;
        return Array.from({ length: frames }, (_, f) =>
          Array.from({ length: bands }, (_, k) => {
            let v = 0;
            for (let j = 0; j < bins; j++) {
              v += w.data[k * bins + j]! * mag.data[f * bins + j]! ** power;
            }
            return gamma === undefined ? v : Math.log1p(gamma * v);
          }),
        );
      };
      const fe = bandsOf(e);
      const ft = bandsOf(t);
      const x = positionsOf(d.positions ?? 'normalized', bands);
      let sum = 0;
      for (let f = 0; f < fe.length; f++) {
        sum += naiveWasserstein(fe[f]!, ft[f]!, x, d.p, d.eps ?? 1e-8);
      }
      total += sum / fe.length;
    });
  }
  return total / items;
}

describe('the Wasserstein distance over the bands of a mel scale', () => {
  const est = signal(T, 31, 2);
  const tgt = signal(T, 32, 2);
  const at = [0, 1, 37, 100, 155, T - 1, T + 3, 2 * T - 2, 2 * T - 1];

  for (const [name, options] of cases) {
    it(`${name}: the value equals a direct composition`, () => {
      const v = createMssLoss(options).value(tensor(est, [2, T]), tensor(tgt, [2, T]));
      const ref = naiveLoss(options, est, tgt, 2);
      expect(ref).toBeGreaterThan(0);
      expect(Math.abs(v - ref) / ref).toBeLessThan(1e-12);
    });

    it(`${name}: both gradients equal central finite differences (float64)`, () => {
      const ref = bothGradients(options, est, tgt, [2, T]);
      const fdE = finiteDifferences(options, est, tgt, at, 'estimate');
      const fdT = finiteDifferences(options, est, tgt, at, 'target');
      expect(fdE.some((v) => v !== 0)).toBe(true);
      expect(
        relMaxError(
          Float64Array.from(at, (i) => ref.grad[i]!),
          fdE,
        ),
      ).toBeLessThan(1e-6);
      expect(
        relMaxError(
          Float64Array.from(at, (i) => ref.targetGrad[i]!),
          fdT,
        ),
      ).toBeLessThan(1e-6);
      // valueAndGrad (the fused-loop decision) gives the kernel's estimate gradient.
      const { grad } = createMssLoss(options).valueAndGrad(
        tensor(est, [2, T]),
        tensor(tgt, [2, T]),
      );
      expect(relMaxError(grad.data, ref.grad)).toBeLessThan(1e-12);
    });

    it(`${name}: runs in the JavaScript engine (the WebAssembly engine declines it)`, () => {
      expect(kernelOf(createMssLoss(options)).wasmEngine).toBeUndefined();
    });
  }

  it('breakdown: one term per resolution, the contributions add up to the value', () => {
    const options = cases[1]![1];
    const loss = createMssLoss(options);
    const e = tensor(est, [2, T]);
    const t = tensor(tgt, [2, T]);
    const br = loss.breakdown(e, t);
    expect(br.terms.length).toBe(2);
    const sum = br.terms.reduce((s, term) => s + term.contribution, 0);
    expect(Math.abs(sum - br.value) / br.value).toBeLessThan(1e-14);
    expect(Math.abs(br.value - loss.value(e, t)) / br.value).toBeLessThan(1e-14);
    for (const term of br.terms) expect(term.value).toBeGreaterThan(0);
  });

  it('a silent item in a batch: finite, the other item unchanged', () => {
    const options = cases[0]![1];
    const e = Float64Array.from(est);
    e.fill(0, 0, T);
    const loss = createMssLoss(options);
    const { value, grad } = loss.valueAndGrad(tensor(e, [2, T]), tensor(tgt, [2, T]));
    expect(Number.isFinite(value)).toBe(true);
    expect(grad.data.every(Number.isFinite)).toBe(true);
    const alone = loss.perItem(tensor(est.subarray(T), [1, T]), tensor(tgt.subarray(T), [1, T]));
    const both = loss.perItem(tensor(e, [2, T]), tensor(tgt, [2, T]));
    expect(both.data[1]).toBe(alone.data[0]);
  });

  it('refuses the clamp-floored logarithms (negative below their floor), naming the compression', () => {
    const e = errorOf(() =>
      createMssLoss({
        ...base,
        scale: { kind: 'mel', bands: 12 },
        compressions: ['linear', { kind: 'log10', floor: 'clamp', eps: 1e-5 }],
        distance: { kind: 'wasserstein', p: 2 },
      }),
    );
    expect(e?.code).toBe('INVALID_OPTION');
    expect(e?.argument).toBe('options.compressions[1]');
  });
});
