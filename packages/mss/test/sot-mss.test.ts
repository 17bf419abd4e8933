import { createStft } from '@losses/stft';
import { tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  createMssLoss,
  type MssOptions,
  mssLoss,
  mssLossValueAndGrad,
  mssPresets,
  sotPreset,
} from '../src/index.js';
import { kernelOf } from '../src/loss.js';
import { positionsOf } from '../src/spectral-wasserstein.js';
import { bothGradients, errorOf, relMaxError, signal } from './helpers.js';
import { naiveWasserstein, sotGoldens } from './wasserstein-helpers.js';

const goldens = sotGoldens();
const { shape } = goldens.signals;
const est = Float64Array.from(goldens.signals.estimate);
const tgt = Float64Array.from(goldens.signals.target);
const [B, T] = shape;
const at = (x: Float64Array | Float32Array) => tensor(x, [B, T]);

function withP(p: 1 | 2): MssOptions {
  return { ...mssPresets.sot, distance: { kind: 'wasserstein', p } };
}

describe("createMssLoss('sot') equals sot-loss's MultiResolutionSOTLoss", () => {
  it('is the registered preset, the object of sotPreset, served by the JavaScript engine', () => {
    expect(mssPresets.sot).toBe(sotPreset);
    const loss = createMssLoss('sot');
    expect(loss.config.distance).toEqual({
      kind: 'wasserstein',
      p: 2,
      positions: 'normalized',
      eps: 1e-8,
    });
    expect(kernelOf(loss).wasmEngine).toBeUndefined();
  });

  for (const c of goldens.multiResolution) {
    describe(`${c.name}: 4 items of ${T} samples (odd), a silent pair and a silent estimate`, () => {
      const options = c.p === 2 ? 'sot' : withP(1);
      const loss = createMssLoss(options);

      it('value and per item (summed over the scales)', () => {
        const value = loss.value(at(est), at(tgt));
        expect(Math.abs(value - c.value) / c.value).toBeLessThan(1e-13);
        const perItem = loss.perItem(at(est), at(tgt));
        expect(perItem.shape).toEqual([B]);
        const ref = Array.from({ length: B }, (_, b) =>
          c.scales.reduce((s, scale) => s + scale.perItem[b]!, 0),
        );
        expect(relMaxError(perItem.data, ref)).toBeLessThan(1e-12);
        // The silent pair is at distance 0.
        expect(perItem.data[2]).toBe(0);
      });

      it("the gradient w.r.t. the estimate equals torch's autograd", () => {
        const { value, grad } = loss.valueAndGrad(at(est), at(tgt));
        expect(Math.abs(value - c.value) / c.value).toBeLessThan(1e-13);
        expect(grad.shape).toEqual([B, T]);
        expect(relMaxError(grad.data, c.grad)).toBeLessThan(1e-11);
        // The silent estimate (item 3) gets none: d|X|/dx = 0 at |X| = 0.
        expect(grad.data.subarray(3 * T).every((g) => g === 0)).toBe(true);
      });

      it("the kernel's gradients w.r.t. both signals (the tfjs op's) equal torch's autograd", () => {
        const r = bothGradients(typeof options === 'string' ? sotPreset : options, est, tgt, shape);
        expect(Math.abs(r.value - c.value) / c.value).toBeLessThan(1e-13);
        expect(relMaxError(r.grad, c.grad)).toBeLessThan(1e-11);
        expect(relMaxError(r.targetGrad, c.targetGrad)).toBeLessThan(1e-11);
      });

      it('withTarget gives the two-argument numbers bit for bit', () => {
        const fixed = loss.withTarget(at(tgt));
        expect(fixed.value(at(est))).toBe(loss.value(at(est), at(tgt)));
        const a = fixed.valueAndGrad(at(est));
        const b = loss.valueAndGrad(at(est), at(tgt));
        expect(a.value).toBe(b.value);
        expect(Array.from(a.grad.data)).toEqual(Array.from(b.grad.data));
        expect(Array.from(fixed.perItem(at(est)).data)).toEqual(
          Array.from(loss.perItem(at(est), at(tgt)).data),
        );
      });
    });
  }

  it('the one-shot functions take the preset by name', () => {
    const p2 = goldens.multiResolution.find((c) => c.p === 2)!;
    expect(Math.abs(mssLoss(at(est), at(tgt), 'sot') - p2.value) / p2.value).toBeLessThan(1e-13);
    const { grad } = mssLossValueAndGrad(at(est), at(tgt), 'sot');
    expect(relMaxError(grad.data, p2.grad)).toBeLessThan(1e-11);
  });

  it('float32 signals give a float32 gradient: the float64 one of the same samples, rounded', () => {
    const e32 = Float32Array.from(est);
    const t32 = Float32Array.from(tgt);
    const loss = createMssLoss('sot');
    const r = loss.valueAndGrad(at(e32), at(t32));
    const ref = loss.valueAndGrad(at(Float64Array.from(e32)), at(Float64Array.from(t32)));
    expect(r.grad.data).toBeInstanceOf(Float32Array);
    // (The STFT of float32 signals may round differently from that of their float64 copies.)
    expect(Math.abs(r.value - ref.value) / ref.value).toBeLessThan(1e-9);
    expect(relMaxError(r.grad.data, ref.grad.data)).toBeLessThan(1e-6);
  });
});

/** Central finite differences of the mean loss at every sample (float64). */
function finiteDifferences(options: MssOptions, e: Float64Array, t: Float64Array, sh: number[]) {
  const fixed = createMssLoss(options).withTarget(ndarray(t, sh));
  const h = 1e-6;
  const out = new Float64Array(e.length);
  const x = e.slice();
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + h;
    const up = fixed.value(ndarray(x, sh));
    x[i] = v - h;
    const down = fixed.value(ndarray(x, sh));
    x[i] = v;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

const small: [string, MssOptions][] = [
  [
    'p = 2, flat-top, centred reflect frames, linear',
    {
      window: 'flattop',
      sizes: [16, 32],
      hops: [4, 8],
      compressions: ['linear'],
      distance: { kind: 'wasserstein', p: 2 },
      center: true,
    },
  ],
  [
    'p = 1, Hann, not centred, log1p, bins as positions, sum over frames, mean over scales',
    {
      sizes: [15, 32],
      hops: [4, 7],
      compressions: [{ kind: 'log1p', gamma: 3 }],
      distance: { kind: 'wasserstein', p: 1, positions: 'bins' },
      reduction: 'sum',
      scaleReduction: 'mean',
    },
  ],
  [
    'p = 2, two compressions with weights, spectral convergence, eps 1e-3',
    {
      sizes: [16, 24],
      compressions: [{ kind: 'linear', weight: 0.5 }, 'log1p'],
      distance: { kind: 'wasserstein', p: 2, eps: 1e-3 },
      spectralConvergence: 0.3,
    },
  ],
];

describe('the Wasserstein distance of the MSS framework: gradients', () => {
  for (const [name, options] of small) {
    it(`equals central finite differences (float64): ${name}`, () => {
      const t = 71;
      const sh = [2, t];
      const e = signal(t, 11, 2);
      const g = signal(t, 23, 2);
      const { grad } = createMssLoss(options).valueAndGrad(ndarray(e, sh), ndarray(g, sh));
      const fd = finiteDifferences(options, e, g, sh);
      expect(fd.some((v) => v !== 0)).toBe(true);
      expect(relMaxError(grad.data, fd)).toBeLessThan(1e-6);
    });

    it(`the target's gradient equals central finite differences: ${name}`, () => {
      const t = 71;
      const sh: [number, number] = [2, t];
      const e = signal(t, 5, 2);
      const g = signal(t, 6, 2);
      const { targetGrad } = bothGradients(options, e, g, sh);
      // Finite differences w.r.t. the target: swap the roles through a fixed estimate.
      const loss = createMssLoss(options);
      const h = 1e-6;
      const x = g.slice();
      const fd = new Float64Array(x.length);
      for (let i = 0; i < x.length; i++) {
        const v = x[i]!;
        x[i] = v + h;
        const up = loss.value(ndarray(e, sh), ndarray(x, sh));
        x[i] = v - h;
        const down = loss.value(ndarray(e, sh), ndarray(x, sh));
        x[i] = v;
        fd[i] = (up - down) / (2 * h);
      }
      expect(relMaxError(targetGrad, fd)).toBeLessThan(1e-6);
    });
  }
});

/**
 * The loss by a direct composition: @losses/stft magnitudes per scale, the compression, the
 * north-west-corner transport plan per frame (wasserstein-helpers.ts), the reductions.
 */
function naiveLoss(options: MssOptions, e: Float64Array, t: Float64Array, items: number): number {
  const d = options.distance as { p: 1 | 2; positions?: 'normalized' | 'bins'; eps?: number };
  const sizes = options.sizes!;
  const hops = options.hops as number[];
  const len = e.length / items;
  let total = 0;
  for (let b = 0; b < items; b++) {
    let item = 0;
    sizes.forEach((size, s) => {
      const plan = createStft({
        size,
        hop: hops[s]!,
        window: (options.window ?? 'hann') as 'hann',
        center: options.center ?? false,
      });
      const me = plan.magnitude(tensor(e.subarray(b * len, (b + 1) * len), [len]));
      const mt = plan.magnitude(tensor(t.subarray(b * len, (b + 1) * len), [len]));
      const [frames, bins] = me.shape as [number, number];
      const x = positionsOf(d.positions ?? 'normalized', bins);
      const gamma = (options.compressions![0] as { gamma?: number }).gamma;
      const comp = (v: number) => (gamma === undefined ? v : Math.log1p(gamma * v));
      let sum = 0;
      for (let f = 0; f < frames; f++) {
        const a = Array.from(me.data.subarray(f * bins, (f + 1) * bins), comp);
        const c = Array.from(mt.data.subarray(f * bins, (f + 1) * bins), comp);
        sum += naiveWasserstein(a, c, x, d.p, d.eps ?? 1e-8);
      }
      item += options.reduction === 'sum' ? sum : sum / frames;
    });
    total += item;
  }
  return total / items;
}

describe('the Wasserstein distance of the MSS framework: values', () => {
  it('a seeded fuzz against a naive transport plan over the frames', () => {
    const rand = lcg32(1234);
    for (let trial = 0; trial < 12; trial++) {
      const size = 8 + Math.floor(rand() * 25);
      const sizes = [size, size + 1 + Math.floor(rand() * 9)];
      const hops = sizes.map((n) => 1 + Math.floor(rand() * n));
      const items = 1 + Math.floor(rand() * 2);
      const len = sizes[1]! + Math.floor(rand() * 40);
      const options: MssOptions = {
        window: rand() < 0.5 ? 'hann' : 'flattop',
        sizes,
        hops,
        compressions: [rand() < 0.5 ? 'linear' : { kind: 'log1p', gamma: 0.5 + rand() }],
        distance: {
          kind: 'wasserstein',
          p: rand() < 0.5 ? 1 : 2,
          positions: rand() < 0.5 ? 'normalized' : 'bins',
          eps: rand() < 0.5 ? 1e-8 : 1e-2,
        },
        reduction: rand() < 0.5 ? 'mean' : 'sum',
        center: rand() < 0.5,
      };
      const amplitude = 10 ** (rand() * 6 - 3);
      const e = signal(len, 100 + trial, items).map((v) => v * amplitude);
      const t = signal(len, 200 + trial, items).map((v) => v * amplitude);
      // A silent item now and then.
      if (trial % 4 === 3) t.fill(0, 0, len);
      const sh = items === 1 ? [len] : [items, len];
      const ours = createMssLoss(options).value(ndarray(e, sh), ndarray(t, sh));
      const ref = naiveLoss(options, e, t, items);
      expect(Math.abs(ours - ref)).toBeLessThanOrEqual(1e-10 * Math.max(ref, 1e-300));
    }
  });

  it('is 0 for identical signals (gradient 0), symmetric for p = 1', () => {
    const x = signal(2501, 1);
    const y = signal(2501, 2);
    for (const p of [1, 2] as const) {
      const loss = createMssLoss(withP(p));
      const r = loss.valueAndGrad(x, x);
      expect(r.value).toBe(0);
      expect(r.grad.data.every((g) => g === 0)).toBe(true);
      if (p === 1) {
        const a = loss.value(x, y);
        expect(Math.abs(a - loss.value(y, x)) / a).toBeLessThan(1e-12);
      }
    }
  });

  it('a single peak moved by k bins costs k in W_1 along bins', () => {
    // Rectangular window, one frame of N = 64 samples: a bin-centred cosine is one spectral peak.
    const N = 64;
    const options: MssOptions = {
      window: 'rectangular',
      sizes: [N],
      hops: [N],
      compressions: ['linear'],
      distance: { kind: 'wasserstein', p: 1, positions: 'bins', eps: 1e-300 },
    };
    const tone = (k: number) =>
      Float64Array.from({ length: N }, (_, n) => Math.cos((2 * Math.PI * k * n) / N));
    for (const k of [1, 3, 7]) {
      expect(createMssLoss(options).value(tone(10 + k), tone(10))).toBeCloseTo(k, 8);
    }
  });

  it('is unchanged by a common gain with linear magnitudes (mass normalisation), finite at extremes', () => {
    const x = signal(400, 3, 2);
    const y = signal(400, 4, 2);
    const options = withP(2);
    const loss = createMssLoss({ ...options, sizes: [64, 128], hops: [16, 32] });
    const scaled = (v: Float64Array, gain: number) =>
      ndarray(
        v.map((s) => s * gain),
        [2, 400],
      );
    // From a gain of 1e20 on, eps = 1e-8 is negligible against the frames' masses (at gain 1 it
    // is not quite: 1e-8 against masses of order 1e2 moves the value by about 1e-10).
    const base = loss.value(scaled(x, 1e20), scaled(y, 1e20));
    for (const gain of [1e-100, 1e-20, 1, 1e40, 1e150]) {
      const r = loss.valueAndGrad(scaled(x, gain), scaled(y, gain));
      expect(Number.isFinite(r.value)).toBe(true);
      expect(r.grad.data.every(Number.isFinite)).toBe(true);
      if (gain >= 1e40) expect(Math.abs(r.value - base) / base).toBeLessThan(1e-12);
    }
  });
});

describe('silence', () => {
  const t = 2051;
  const tone = signal(t, 7);
  const silent = new Float64Array(t);
  const loss = createMssLoss('sot');

  it('a silent item in a batch: finite, the others unchanged, its own gradient where defined', () => {
    const e = new Float64Array(2 * t);
    const g = new Float64Array(2 * t);
    e.set(tone, 0);
    g.set(signal(t, 8), 0);
    // item 1: a tone against a silent target
    e.set(tone, t);
    const per = loss.perItem(ndarray(e, [2, t]), ndarray(g, [2, t])).data;
    expect(per[0]).toBe(loss.value(tone, signal(t, 8)));
    expect(Number.isFinite(per[1])).toBe(true);
    expect(per[1]).toBeGreaterThan(0);
    const r = loss.valueAndGrad(ndarray(e, [2, t]), ndarray(g, [2, t]));
    expect(r.grad.data.every(Number.isFinite)).toBe(true);
    const both = bothGradients(sotPreset, e, g, [2, t]);
    expect(both.targetGrad.every(Number.isFinite)).toBe(true);
    // The silent target item gets no gradient (d|X|/dx = 0 at |X| = 0).
    expect(both.targetGrad.subarray(t).every((v) => v === 0)).toBe(true);
  });

  it('silent against silent is 0 with a zero gradient; a silent estimate gets no gradient', () => {
    const r = loss.valueAndGrad(silent, silent);
    expect(r.value).toBe(0);
    expect(r.grad.data.every((v) => v === 0)).toBe(true);
    const s = loss.valueAndGrad(silent, tone);
    expect(s.value).toBeGreaterThan(0);
    expect(s.grad.data.every((v) => v === 0)).toBe(true);
  });
});

describe('options of the Wasserstein distance', () => {
  const bad: [string, unknown, string][] = [
    ['an unknown kind', { kind: 'sinkhorn', p: 2 }, 'options.distance.kind'],
    ['p missing', { kind: 'wasserstein' }, 'options.distance.p'],
    ['p = 3', { kind: 'wasserstein', p: 3 }, 'options.distance.p'],
    ["p = '2'", { kind: 'wasserstein', p: '2' }, 'options.distance.p'],
    [
      'positions in Hz',
      { kind: 'wasserstein', p: 1, positions: 'hz' },
      'options.distance.positions',
    ],
    ['eps = 0', { kind: 'wasserstein', p: 1, eps: 0 }, 'options.distance.eps'],
    ['eps < 0', { kind: 'wasserstein', p: 1, eps: -1 }, 'options.distance.eps'],
    ['eps NaN', { kind: 'wasserstein', p: 1, eps: Number.NaN }, 'options.distance.eps'],
    ['an unknown key', { kind: 'wasserstein', p: 1, root: true }, 'options.distance.root'],
    ['null', null, 'options.distance'],
    ['a number', 2, 'options.distance'],
    ['an array', ['wasserstein', 2], 'options.distance'],
    ["'wasserstein' as a string", 'wasserstein', 'options.distance'],
  ];
  for (const [what, distance, argument] of bad) {
    it(`refuses ${what}`, () => {
      const e = errorOf(() => createMssLoss({ distance } as unknown as MssOptions));
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.argument).toBe(argument);
    });
  }

  it('refuses compressions that can be negative, naming the compression', () => {
    for (const c of ['log', 'db', 'safeLog'] as const) {
      const e = errorOf(() =>
        createMssLoss({
          compressions: ['linear', c],
          distance: { kind: 'wasserstein', p: 2 },
        }),
      );
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.argument).toBe('options.compressions[1]');
      expect(e?.message).toMatch(/non-negative/);
    }
  });

  it('keeps the elementwise distances as they were', () => {
    expect(createMssLoss({ distance: 'l2' }).config.distance).toBe('l2');
    expect(createMssLoss().config.distance).toBe('l1');
    expect(createMssLoss('smooth').config.distance).toBe('l2sq');
  });
});
