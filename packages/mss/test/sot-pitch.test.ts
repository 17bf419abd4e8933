/**
 * The Wasserstein distance along a log-frequency axis (`positions: 'log'`, issue 16) and the
 * `sotPitch` preset: the positions against their formula, the value against a direct composition
 * (@losses/stft magnitudes, the power and compression, the north-west-corner plan), both gradients
 * against central finite differences in float64, the laws (a harmonic tone moved by d semitones
 * costs |d| / 12 in W_1; zero on identical signals; silence), the options it refuses.
 */
import { createStft } from '@losses/stft';
import { tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import * as tf from '@tensorflow/tfjs';
import ndarray from 'ndarray';
import { beforeAll, describe, expect, it } from 'vitest';
import {
  createMssLoss,
  DEFAULT_BREAK_HZ,
  logFrequencyPositions,
  type MssOptions,
  mssPresets,
  sotPitchPreset,
} from '../src/index.js';
import { kernelOf } from '../src/loss.js';
import { mssLoss } from '../src/tfjs/index.js';
import { bothGradients, errorOf, relMaxError, signal } from './helpers.js';
import { naiveWasserstein } from './wasserstein-helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const SR = 16000;

/** A harmonic tone sum_k a_k sin(2 pi k f0 n / sr + k) of `length` samples. */
function harmonic(f0: number, amplitudes: readonly number[], length: number): Float64Array {
  return Float64Array.from({ length }, (_, n) =>
    amplitudes.reduce((s, a, k) => s + a * Math.sin((2 * Math.PI * (k + 1) * f0 * n) / SR + k), 0),
  );
}

const AMPS = [0.5, 0.35, 0.25, 0.17];

describe('logFrequencyPositions', () => {
  it('is log2(1 + k hzPerBin / breakHz), 0 at DC, strictly increasing', () => {
    const x = logFrequencyPositions(1025, 16000 / 2048, 100);
    expect(x[0]).toBe(0);
    for (const k of [1, 2, 10, 512, 1024]) {
      expect(x[k]).toBeCloseTo(Math.log2(1 + (k * 16000) / 2048 / 100), 14);
    }
    for (let k = 1; k < x.length; k++) expect(x[k]!).toBeGreaterThan(x[k - 1]!);
    expect(logFrequencyPositions(3, 1)[2]).toBeCloseTo(Math.log2(1 + 2 / DEFAULT_BREAK_HZ), 15);
  });

  it('refuses bad arguments, naming them', () => {
    const bad: [string, () => unknown, string][] = [
      ['0 bins', () => logFrequencyPositions(0, 1), 'bins'],
      ['1.5 bins', () => logFrequencyPositions(1.5, 1), 'bins'],
      ['2^27 bins (before allocating)', () => logFrequencyPositions(2 ** 27, 1), 'bins'],
      ['hzPerBin 0', () => logFrequencyPositions(4, 0), 'hzPerBin'],
      ['hzPerBin NaN', () => logFrequencyPositions(4, Number.NaN), 'hzPerBin'],
      ['breakHz -1', () => logFrequencyPositions(4, 1, -1), 'breakHz'],
    ];
    for (const [what, f, argument] of bad) {
      const e = errorOf(f);
      expect(e?.code, what).toBe('INVALID_OPTION');
      expect(e?.argument, what).toBe(argument);
    }
  });
});

describe("the 'sotPitch' preset", () => {
  it('is the registered preset, the object of sotPitchPreset, served by the JavaScript engine', () => {
    expect(mssPresets.sotPitch).toBe(sotPitchPreset);
    const loss = createMssLoss('sotPitch');
    expect(loss.config.distance).toEqual({
      kind: 'wasserstein',
      p: 1,
      positions: 'log',
      breakHz: 100,
      eps: 1e-8,
    });
    expect(loss.config.center).toBe(false);
    expect(kernelOf(loss).wasmEngine).toBeUndefined();
  });

  it('grows with |d| for a harmonic tone moved by d semitones, its pitch derivative pointing home', () => {
    const loss = createMssLoss('sotPitch');
    const target = harmonic(300, AMPS, 4096);
    const fixed = loss.withTarget(target);
    const at = (d: number) => fixed.value(harmonic(300 * 2 ** (d / 12), AMPS, 4096));
    let prev = 0;
    for (let d = 0.5; d <= 12; d += 0.5) {
      for (const s of [1, -1]) {
        // The derivative in pitch by a central difference of 5 cents: the sign of d.
        const slope = at(s * d + 0.05) - at(s * d - 0.05);
        expect(Math.sign(slope), `d = ${s * d}`).toBe(s);
      }
      const v = at(d);
      expect(v).toBeGreaterThan(prev);
      prev = v;
    }
  });

  it('silence: finite, 0 for silent against silent, a silent item leaves the others unchanged', () => {
    const loss = createMssLoss('sotPitch');
    const t = 3001;
    const tone = harmonic(220, AMPS, t);
    const silent = new Float64Array(t);
    const ss = loss.valueAndGrad(silent, silent);
    expect(ss.value).toBe(0);
    expect(ss.grad.data.every((v) => v === 0)).toBe(true);
    for (const [e, g] of [
      [tone, silent],
      [silent, tone],
    ] as const) {
      const r = loss.valueAndGrad(e, g);
      expect(Number.isFinite(r.value)).toBe(true);
      expect(r.value).toBeGreaterThan(0);
      expect(r.grad.data.every(Number.isFinite)).toBe(true);
    }
    // A fade-in from silence, extreme amplitudes, odd length: finite.
    const fade = tone.map((v, n) => (v * Math.max(0, n - 1500)) / 1500);
    for (const gain of [1e-30, 1, 1e30]) {
      const r = loss.valueAndGrad(
        fade.map((v) => v * gain),
        tone,
      );
      expect(r.grad.data.every(Number.isFinite)).toBe(true);
      expect(Number.isFinite(r.value)).toBe(true);
    }
    const e = new Float64Array(2 * t);
    const g = new Float64Array(2 * t);
    e.set(tone, 0);
    g.set(harmonic(233, AMPS, t), 0);
    e.set(tone, t);
    const per = loss.perItem(ndarray(e, [2, t]), ndarray(g, [2, t])).data;
    expect(per[0]).toBe(loss.value(tone, harmonic(233, AMPS, t)));
    expect(Number.isFinite(per[1])).toBe(true);
  });

  it('the tfjs gradient w.r.t. the estimate equals the ndarray gradient', () => {
    const t = 2500;
    const e32 = Float32Array.from(harmonic(200, AMPS, t));
    const g32 = Float32Array.from(harmonic(250, AMPS, t));
    const { value, grad } = tf.valueAndGrad((x: tf.Tensor) =>
      mssLoss(x, tf.tensor1d(g32), 'sotPitch'),
    )(tf.tensor1d(e32));
    const ref = createMssLoss('sotPitch').valueAndGrad(tensor(e32, [t]), tensor(g32, [t]));
    expect(Math.abs(value.dataSync()[0]! - ref.value) / ref.value).toBeLessThan(1e-6);
    expect(relMaxError(grad.dataSync(), ref.grad.data)).toBeLessThan(1e-5);
  });
});

describe("positions 'log': the law of translation", () => {
  for (const [name, form] of [
    ['|X|', { power: 1, compressions: ['linear'] }],
    ['log(1 + 0.3 |X|^2)', { power: 2, compressions: [{ kind: 'log1p', gamma: 0.3 }] }],
  ] as const) {
    it(`a harmonic tone moved by d semitones costs |d| / 12 in W_1 (within 2 %), frames ${name}`, () => {
      // breakHz 1: the axis is log2 f to within 0.5 % above 300 Hz; what is left is the
      // discretisation of the peaks on the bins.
      const loss = createMssLoss({
        window: 'flattop',
        sizes: [2048],
        hops: [512],
        sampleRate: SR,
        ...(form as MssOptions),
        distance: { kind: 'wasserstein', p: 1, positions: 'log', breakHz: 1 },
      });
      const target = harmonic(300, AMPS, 4096);
      for (const d of [0.5, 1, 2, 5, 12, -1, -5, -12]) {
        const v = loss.value(harmonic(300 * 2 ** (d / 12), AMPS, 4096), target);
        expect(Math.abs(v / (Math.abs(d) / 12) - 1), `d = ${d}`).toBeLessThan(0.02);
      }
    });
  }

  it('is 0 with a zero gradient for identical signals', () => {
    const x = signal(2501, 1);
    const r = createMssLoss('sotPitch').valueAndGrad(x, x);
    expect(r.value).toBe(0);
    expect(r.grad.data.every((g) => g === 0)).toBe(true);
  });
});

/** Small configurations with log positions (odd and even sizes, both p, both forms, centring). */
const small: [string, MssOptions][] = [
  [
    'W_1, log(1 + |X|^2), frames not centred',
    {
      window: 'flattop',
      sizes: [16, 33],
      hops: [5, 9],
      sampleRate: 8000,
      power: 2,
      compressions: [{ kind: 'log1p', gamma: 1 }],
      distance: { kind: 'wasserstein', p: 1, positions: 'log' },
    },
  ],
  [
    'W_2^2, |X|, centred, breakHz 700, eps 1e-3',
    {
      window: 'hann',
      sizes: [15, 32],
      hops: [4, 8],
      sampleRate: 22050,
      center: true,
      compressions: ['linear'],
      distance: { kind: 'wasserstein', p: 2, positions: 'log', breakHz: 700, eps: 1e-3 },
    },
  ],
];

describe("positions 'log': gradients (central finite differences, float64)", () => {
  for (const [name, options] of small) {
    it(`w.r.t. both signals: ${name}`, () => {
      const t = 71;
      const sh: [number, number] = [2, t];
      const e = signal(t, 11, 2);
      const g = signal(t, 23, 2);
      const { grad, targetGrad } = bothGradients(options, e, g, sh);
      const loss = createMssLoss(options);
      const h = 1e-6;
      for (const [which, x] of [
        ['estimate', e],
        ['target', g],
      ] as const) {
        const fd = new Float64Array(x.length);
        for (let i = 0; i < x.length; i++) {
          const v = x[i]!;
          x[i] = v + h;
          const up = loss.value(ndarray(e, sh), ndarray(g, sh));
          x[i] = v - h;
          const down = loss.value(ndarray(e, sh), ndarray(g, sh));
          x[i] = v;
          fd[i] = (up - down) / (2 * h);
        }
        expect(fd.some((v) => v !== 0)).toBe(true);
        const ours = which === 'estimate' ? grad : targetGrad;
        expect(relMaxError(ours, fd), which).toBeLessThan(1e-6);
      }
      // The public gradient is the kernel's.
      const pub = loss.valueAndGrad(ndarray(e, sh), ndarray(g, sh)).grad.data;
      expect(relMaxError(pub, grad)).toBeLessThan(1e-12);
    });
  }
});

/** The loss by a direct composition, positions from the formula written out here. */
function naiveLoss(options: MssOptions, e: Float64Array, t: Float64Array): number {
  const d = options.distance as { p: 1 | 2; breakHz?: number; eps?: number };
  const power = (options as { power?: number }).power ?? 1;
  const gamma = (options.compressions![0] as { gamma?: number }).gamma;
  let total = 0;
  options.sizes!.forEach((size, s) => {
    const plan = createStft({
      size,
      hop: (options.hops as number[])[s]!,
      window: options.window as 'hann',
      center: options.center ?? false,
    });
    const me = plan.magnitude(tensor(e, [e.length]));
    const mt = plan.magnitude(tensor(t, [t.length]));
    const [frames, bins] = me.shape as [number, number];
    const x = Array.from({ length: bins }, (_, k) =>
      Math.log2(1 + (k * options.sampleRate!) / size / (d.breakHz ?? 100)),
    );
    const comp = (v: number) => {
      const y = v ** power;
      return gamma === undefined ? y : Math.log1p(gamma * y);
    };
    let sum = 0;
    for (let f = 0; f < frames; f++) {
      const a = Array.from(me.data.subarray(f * bins, (f + 1) * bins), comp);
      const c = Array.from(mt.data.subarray(f * bins, (f + 1) * bins), comp);
      sum += naiveWasserstein(a, c, x, d.p, d.eps ?? 1e-8);
    }
    total += sum / frames;
  });
  return total;
}

describe("positions 'log': values", () => {
  it('a seeded fuzz against a direct composition with the naive transport plan', () => {
    const rand = lcg32(4321);
    for (let trial = 0; trial < 12; trial++) {
      const size = 8 + Math.floor(rand() * 40);
      const sizes = [size, size + 1 + Math.floor(rand() * 30)];
      const len = sizes[1]! + Math.floor(rand() * 60);
      const options: MssOptions = {
        window: rand() < 0.5 ? 'hann' : 'flattop',
        sizes,
        hops: sizes.map((n) => 1 + Math.floor(rand() * n)),
        sampleRate: [8000, 16000, 44100][Math.floor(rand() * 3)]!,
        power: rand() < 0.5 ? 1 : 2,
        compressions: [rand() < 0.5 ? 'linear' : { kind: 'log1p', gamma: 0.5 + rand() }],
        distance: {
          kind: 'wasserstein',
          p: rand() < 0.5 ? 1 : 2,
          positions: 'log',
          breakHz: 10 + 1000 * rand(),
          eps: rand() < 0.5 ? 1e-8 : 1e-2,
        },
        center: rand() < 0.5,
      };
      const amplitude = 10 ** (rand() * 6 - 3);
      const e = signal(len, 100 + trial).map((v) => v * amplitude);
      const t = signal(len, 200 + trial).map((v) => v * amplitude);
      if (trial % 4 === 3) t.fill(0);
      const ours = createMssLoss(options).value(e, t);
      const ref = naiveLoss(options, e, t);
      expect(Math.abs(ours - ref)).toBeLessThanOrEqual(1e-10 * Math.max(ref, 1e-300));
    }
  });
});

describe("positions 'log': options it refuses", () => {
  const log = { kind: 'wasserstein', p: 1, positions: 'log' } as const;
  const bad: [string, unknown, string][] = [
    ['no sample rate', { compressions: ['linear'], distance: log }, 'options.sampleRate'],
    [
      'a mel scale',
      {
        sampleRate: SR,
        compressions: ['linear'],
        scale: { kind: 'mel', bands: 16 },
        distance: log,
      },
      'options.scale',
    ],
    [
      'breakHz with positions bins',
      { distance: { kind: 'wasserstein', p: 1, positions: 'bins', breakHz: 100 } },
      'options.distance.breakHz',
    ],
    [
      'breakHz without positions',
      { distance: { kind: 'wasserstein', p: 1, breakHz: 100 } },
      'options.distance.breakHz',
    ],
    ['breakHz 0', { sampleRate: SR, distance: { ...log, breakHz: 0 } }, 'options.distance.breakHz'],
    [
      'breakHz -5',
      { sampleRate: SR, distance: { ...log, breakHz: -5 } },
      'options.distance.breakHz',
    ],
    [
      'breakHz NaN',
      { sampleRate: SR, distance: { ...log, breakHz: Number.NaN } },
      'options.distance.breakHz',
    ],
    [
      "breakHz '100'",
      { sampleRate: SR, distance: { ...log, breakHz: '100' } },
      'options.distance.breakHz',
    ],
    ["positions 'mel'", { distance: { ...log, positions: 'mel' } }, 'options.distance.positions'],
  ];
  for (const [what, options, argument] of bad) {
    it(`refuses ${what}`, () => {
      const e = errorOf(() => createMssLoss(options as MssOptions));
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.argument).toBe(argument);
      expect(e?.message).toMatch(/expected/);
    });
  }

  it('composes with another sample rate', () => {
    const loss = createMssLoss({ ...mssPresets.sotPitch, sampleRate: 44100 });
    expect(loss.config.perceptual.sampleRate).toBe(44100);
  });
});
