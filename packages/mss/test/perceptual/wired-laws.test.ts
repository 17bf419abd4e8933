/**
 * Issue 14 phase B: the laws of the wired options. Gradients (w.r.t. the estimate and, as the tfjs
 * op uses them, the target) against central finite differences in float64 for every scale x
 * compression; silence, a silent item in a batch, odd lengths; every LossInputError of the issue
 * through `createMssLoss`; random resolutions reproducible from their seed; the tfjs op with a
 * scale; breakdown.
 */
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { beforeAll, describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions, mssPresets } from '../../src/index.js';
import { createJsEngineLoss } from '../../src/loss.js';
import { mssLoss, mssLossWithTarget } from '../../src/tfjs/index.js';
import { bothGradients, errorOf, relMaxError, signal } from '../helpers.js';

beforeAll(async () => {
  await tf.setBackend('cpu');
});

const base: MssOptions = {
  sampleRate: 8000,
  sizes: [64, 128],
  hops: [16, 32],
  center: true,
};

const scales: [string, MssOptions['scale']][] = [
  ['mel', { kind: 'mel', bands: [8, 16], fmin: 50 }],
  ['chroma', { kind: 'chroma' }],
  [
    'matrix',
    {
      kind: 'matrix',
      matrices: [33, 65].map((bins) =>
        Array.from({ length: 4 }, (_, b) =>
          Array.from({ length: bins }, (_, k) => ((k * 7 + b * 3) % 5) / 4),
        ),
      ),
    },
  ],
];

const compressions: [string, MssOptions['compressions']][] = [
  ['linear', ['linear']],
  ['log(x + eps)', [{ kind: 'log', eps: 1e-3 }]],
  ['log(max(x, eps))', [{ kind: 'log', floor: 'clamp', eps: 1e-3 }]],
  ['log10(max(x, eps)^2)', [{ kind: 'log10', floor: 'clamp', eps: 1e-3, power: 2 }]],
  ['20 log10(x + eps)', [{ kind: 'db', floor: 'add', eps: 1e-3 }]],
];

/** Central differences of the mean loss at a few samples (float64, step 1e-6). */
function finiteDifferences(
  options: MssOptions,
  est: Float64Array,
  tgt: Float64Array,
  shape: number[],
  at: number[],
  wrt: 'estimate' | 'target' = 'estimate',
): number[] {
  const loss = createJsEngineLoss(options);
  const h = 1e-6;
  return at.map((i) => {
    const f = (d: number): number => {
      const e = Float64Array.from(est);
      const t = Float64Array.from(tgt);
      (wrt === 'estimate' ? e : t)[i]! += d;
      return loss.value(tensor(e, shape), tensor(t, shape));
    };
    return (f(h) - f(-h)) / (2 * h);
  });
}

function picks(n: number): number[] {
  return [0, 1, 37, Math.floor(n / 3), Math.floor(n / 2) + 5, n - 2, n - 1];
}

function expectClose(a: number[], b: number[], tol: number): void {
  const scale = Math.max(...b.map(Math.abs), 1e-300);
  for (let i = 0; i < a.length; i++) expect(Math.abs(a[i]! - b[i]!) / scale).toBeLessThan(tol);
}

describe('gradients against central finite differences (float64), every scale x compression', () => {
  const T = 301; // odd
  const est = signal(T, 11, 2);
  const tgt = signal(T, 12, 2);
  for (const [sName, scale] of scales) {
    for (const [cName, comps] of compressions) {
      it(`${sName} x ${cName}`, () => {
        const o: MssOptions = { ...base, scale, compressions: comps };
        const at = picks(2 * T);
        const fd = finiteDifferences(o, est, tgt, [2, T], at);
        const g = createMssLoss(o).valueAndGrad(tensor(est, [2, T]), tensor(tgt, [2, T])).grad;
        expectClose(
          at.map((i) => g.data[i]!),
          fd,
          1e-6,
        );
      });
    }
  }

  for (const [name, extra] of [
    ['power 2, l2sq', { power: 2 as const, distance: 'l2sq' as const }],
    [
      'HiFi-GAN framing: pad (N - hop) / 2, offset 1e-9',
      { center: false, pad: [24, 48], magnitudeOffset: 1e-9 },
    ],
    [
      'spectral convergence on mel bands, l2',
      { spectralConvergence: 0.5, distance: 'l2' as const },
    ],
    ['A-weighting', { perceptualWeighting: true, sampleRate: 16000 }],
  ] as [string, MssOptions][]) {
    it(`mel with ${name}: estimate and target gradients`, () => {
      const o: MssOptions = {
        ...base,
        scale: { kind: 'mel', bands: 12 },
        compressions: ['linear', { kind: 'log10', floor: 'clamp', eps: 1e-4 }],
        ...extra,
      };
      const at = picks(2 * T);
      const ref = bothGradients(o, est, tgt, [2, T]);
      expectClose(
        at.map((i) => ref.grad[i]!),
        finiteDifferences(o, est, tgt, [2, T], at),
        1e-6,
      );
      expectClose(
        at.map((i) => ref.targetGrad[i]!),
        finiteDifferences(o, est, tgt, [2, T], at, 'target'),
        1e-6,
      );
    });
  }

  it('stereo sum-difference: the gradient w.r.t. both channels', () => {
    const o: MssOptions = {
      ...base,
      stereo: 'sum-difference',
      scale: { kind: 'mel', bands: 10 },
      compressions: [{ kind: 'log', floor: 'clamp', eps: 1e-4 }],
    };
    const e = signal(T, 21, 4);
    const t = signal(T, 22, 4);
    const at = picks(4 * T);
    const g = createMssLoss(o).valueAndGrad(tensor(e, [2, 2, T]), tensor(t, [2, 2, T])).grad;
    expect(g.shape).toEqual([2, 2, T]);
    expectClose(
      at.map((i) => g.data[i]!),
      finiteDifferences(o, e, t, [2, 2, T], at),
      1e-6,
    );
  });
});

describe('what real audio holds', () => {
  const T = 257;
  const options: MssOptions[] = [
    mssPresets.dac,
    { ...mssPresets.hifigan, sampleRate: 22050 },
    mssPresets.auralossMel,
  ];
  it('silence against silence is 0 with a 0 gradient (the clamp floors), and finite', () => {
    const z = new Float64Array(1100);
    for (const o of [mssPresets.dac, mssPresets.hifigan]) {
      const r = createMssLoss(o).valueAndGrad(z, z);
      expect(r.value).toBe(0);
      expect(r.grad.data.every((v) => v === 0)).toBe(true);
    }
  });

  it('a silent item in a batch: finite values and gradients, the others unchanged', () => {
    for (const o of options) {
      const n = 3000;
      const e = signal(n, 5, 2);
      const t = signal(n, 6, 2);
      e.fill(0, n);
      const loss = createMssLoss(o);
      const r = loss.valueAndGrad(tensor(e, [2, n]), tensor(t, [2, n]));
      expect(Number.isFinite(r.value)).toBe(true);
      expect(r.grad.data.every(Number.isFinite)).toBe(true);
      const alone = loss.value(tensor(e.subarray(0, n), [n]), tensor(t.subarray(0, n), [n]));
      expect(loss.perItem(tensor(e, [2, n]), tensor(t, [2, n])).data[0]).toBe(alone);
    }
  });

  it('odd lengths and float32 inputs: the gradient has the input shape and type', () => {
    const e = Float32Array.from(signal(2049, 1));
    const t = Float32Array.from(signal(2049, 2));
    for (const o of options) {
      const r = createMssLoss(o).valueAndGrad(e, t);
      expect(r.grad.data).toBeInstanceOf(Float32Array);
      expect(r.grad.shape).toEqual([2049]);
      expect(r.grad.data.every(Number.isFinite)).toBe(true);
    }
    expect(T).toBe(257);
  });

  it('a mel loss does not mutate its inputs', () => {
    const e = signal(2000, 1);
    const t = signal(2000, 2);
    const e0 = Float64Array.from(e);
    const t0 = Float64Array.from(t);
    createMssLoss({ ...mssPresets.hifigan, perceptualWeighting: true }).valueAndGrad(e, t);
    expect(e).toEqual(e0);
    expect(t).toEqual(t0);
  });
});

describe('LossInputError for every bad input the issue lists (through createMssLoss)', () => {
  const cases: [string, MssOptions, string, RegExp][] = [
    [
      'mel without sampleRate',
      { scale: { kind: 'mel', bands: 8 } },
      'sampleRate',
      /mel scale needs the sample rate/,
    ],
    ['chroma without sampleRate', { scale: { kind: 'chroma' } }, 'sampleRate', /chroma scale/],
    ['A-weighting without sampleRate', { perceptualWeighting: true }, 'sampleRate', /A-weighting/],
    [
      'fmax > sampleRate / 2',
      { sampleRate: 8000, scale: { kind: 'mel', bands: 8, fmax: 5000 } },
      'scale.fmax',
      /at most sampleRate \/ 2 = 4000/,
    ],
    [
      'fmin >= fmax',
      { sampleRate: 8000, scale: { kind: 'mel', bands: 8, fmin: 3000, fmax: 2000 } },
      'scale.fmin',
      /less than/,
    ],
    [
      'more bands than bins',
      { sampleRate: 8000, sizes: [64, 32], scale: { kind: 'mel', bands: [20, 20] } },
      'scale.bands[1]',
      /FFT size 32 \(resolution 1\)/,
    ],
    [
      'an empty mel filter',
      { sampleRate: 16000, sizes: [64], scale: { kind: 'mel', bands: 30, fmin: 100 } },
      'scale',
      /mel band \d+ .*receives no frequency bin/,
    ],
    [
      'a matrix of the wrong shape',
      { sizes: [64], scale: { kind: 'matrix', matrices: [[[1, 2, 3]]] } },
      'scale.matrices[0]',
      /expected \[bands, 33\]/,
    ],
    [
      'a negative matrix weight',
      { sizes: [4], hops: [1], scale: { kind: 'matrix', matrices: [[[1, -1, 0]]] } },
      'scale.matrices[0]',
      /weights >= 0/,
    ],
    [
      'a negative compression weight',
      { compressions: [{ kind: 'log10', weight: -1 }] },
      'options.compressions[0].weight',
      /finite number >= 0/,
    ],
    ['power 3', { power: 3 as never }, 'power', /expected 1 \(magnitude\) or 2/],
    ['an unknown stereo mode', { stereo: 'mid-side' as never }, 'stereo', /sum-difference/],
    [
      'a clamp floor 0 without a magnitude floor',
      { compressions: [{ kind: 'log', floor: 'clamp', eps: 0 }] },
      'options.compressions[0].eps',
      /eps = 0/,
    ],
  ];
  for (const [name, o, argument, message] of cases) {
    it(name, () => {
      const e = errorOf(() => createMssLoss(o));
      expect(e?.code === 'INVALID_OPTION' || e?.code === 'SHAPE_MISMATCH').toBe(true);
      expect(e?.argument).toBe(argument);
      expect(e?.message).toMatch(message);
    });
  }

  it('stereo input that is not [B, 2, T]', () => {
    const loss = createMssLoss({ stereo: 'sum-difference', sizes: [64] });
    for (const shape of [[400], [2, 400], [1, 3, 400]]) {
      const n = shape.reduce((a, b) => a * b);
      const x = tensor(new Float64Array(n), shape);
      const e = errorOf(() => loss.value(x, x));
      expect(e?.code).toBe('SHAPE_MISMATCH');
      expect(e?.argument).toBe('estimate');
      expect(e?.message).toMatch(/expects \[B, 2, T\]/);
    }
  });

  it('a signal too short for the padding of non-centred frames names it', () => {
    const e = errorOf(() =>
      createMssLoss('hifigan').value(new Float64Array(300), new Float64Array(300)),
    );
    expect(e?.code).toBe('SHAPE_MISMATCH');
    expect(e?.message).toMatch(/384 samples of reflect padding/);
  });
});

describe('random resolutions', () => {
  const o: MssOptions = {
    randomResolution: { seed: 7, minSize: 32, maxSize: 1024 },
    compressions: ['linear', { kind: 'log', eps: 1e-5 }],
    scale: { kind: 'mel', bands: 8 },
    sampleRate: 16000,
  };
  const e = signal(1500, 1, 2);
  const t = signal(1500, 2, 2);
  const E = tensor(e, [2, 1500]);
  const Tt = tensor(t, [2, 1500]);

  it('two losses of the same seed give the same sequence; withTarget is bit-identical', () => {
    const a = createMssLoss(o);
    const b = createMssLoss(o);
    const fixed = b.withTarget(Tt);
    const values = new Set<number>();
    for (let i = 0; i < 6; i++) {
      const ra = a.valueAndGrad(E, Tt);
      const rb = fixed.valueAndGrad(E);
      expect(rb.value).toBe(ra.value);
      expect(Array.from(rb.grad.data)).toEqual(Array.from(ra.grad.data));
      values.add(ra.value);
    }
    // The draws change the loss from call to call.
    expect(values.size).toBeGreaterThan(1);
  });

  it('each call is the loss of its drawn resolutions (breakdown names them)', () => {
    const loss = createMssLoss(o);
    const b = loss.breakdown(E, Tt);
    const sizes = [...new Set(b.terms.map((x) => x.size))];
    expect(b.terms.length).toBe(3 * 2);
    for (const s of sizes) expect(s >= 32 && s < 1024).toBe(true);
    const sum = b.terms.reduce((s, x) => s + x.contribution, 0);
    expect(Math.abs(sum - b.value) / b.value).toBeLessThan(1e-12);
  });

  it('refuses sizes beside it', () => {
    const e = errorOf(() => createMssLoss({ ...o, sizes: [64] }));
    expect(e?.argument).toBe('randomResolution');
  });
});

describe('breakdown', () => {
  it('names every (resolution, compression, term) of DAC and adds up to the value', () => {
    const e = signal(4000, 1);
    const t = signal(4000, 2);
    const b = createMssLoss('dac').breakdown(e, t);
    expect(b.terms.map((x) => x.size)).toEqual([32, 64, 128, 256, 512, 1024, 2048]);
    expect(b.terms.every((x) => x.kind === 'floorLog' && x.term === 'compression')).toBe(true);
    expect(b.value).toBe(createMssLoss('dac').value(e, t));
    const sum = b.terms.reduce((s, x) => s + x.contribution, 0);
    expect(Math.abs(sum - b.value) / b.value).toBeLessThan(1e-12);
  });
});

describe('the tfjs op with a scale', () => {
  for (const preset of ['hifigan', 'dac', 'auralossMel'] as const) {
    it(`${preset}: the tfjs gradients equal the ndarray gradients`, () => {
      const T = 3000;
      const e32 = Float32Array.from(signal(T, 3, 2));
      const t32 = Float32Array.from(signal(T, 4, 2));
      const e = tf.tensor2d(e32, [2, T]);
      const t = tf.tensor2d(t32, [2, T]);
      const [ge, gt] = tf.grads((a: tf.Tensor, b: tf.Tensor) => mssLoss(a, b, preset))([e, t]);
      const ref = bothGradients(mssPresets[preset], e32, t32, [2, T]);
      const nd = createMssLoss(preset).valueAndGrad(tensor(e32, [2, T]), tensor(t32, [2, T]));
      expect(relMaxError(ge!.dataSync(), nd.grad.data)).toBeLessThan(1e-6);
      expect(relMaxError(gt!.dataSync(), ref.targetGrad)).toBeLessThan(1e-6);
      expect(relMaxError(nd.grad.data, ref.grad)).toBeLessThan(1e-6);
    });
  }

  const STEREO: MssOptions = { stereo: 'sum-difference', sizes: [64, 128], hops: [16, 32] };
  const RANDOM: MssOptions = { randomResolution: { seed: 7 } };

  it("stereo: 'sum-difference' ([B, 2, T]): value and estimate gradient as the ndarray loss's", () => {
    const T = 2001;
    const e32 = Float32Array.from(signal(T, 5, 4));
    const t32 = Float32Array.from(signal(T, 6, 4));
    t32.fill(0, 2 * T); // the second item silent
    const nd = createMssLoss(STEREO).valueAndGrad(tensor(e32, [2, 2, T]), tensor(t32, [2, 2, T]));
    const t = tf.tensor3d(t32, [2, 2, T]);
    const { value, grad } = tf.valueAndGrad((a: tf.Tensor) => mssLoss(a, t, STEREO))(
      tf.tensor3d(e32, [2, 2, T]),
    );
    expect(Math.abs(value.dataSync()[0]! - nd.value) / nd.value).toBeLessThan(1e-6);
    expect(grad.shape).toEqual([2, 2, T]);
    expect(relMaxError(grad.dataSync(), nd.grad.data)).toBeLessThan(1e-6);
    // the fixed-target op too
    const fixed = mssLossWithTarget(t, STEREO);
    const g2 = tf.grad((a: tf.Tensor) => fixed(a))(tf.tensor3d(e32, [2, 2, T]));
    expect(relMaxError(g2.dataSync(), nd.grad.data)).toBeLessThan(1e-6);
  });

  it('randomResolution: the same draws, values and gradients as the ndarray loss of the same seed', () => {
    const T = 5000;
    const e32 = Float32Array.from(signal(T, 7, 2));
    const t32 = Float32Array.from(signal(T, 8, 2));
    const nd = createMssLoss(RANDOM);
    const op = createMssLoss(RANDOM);
    const e = tf.tensor2d(e32, [2, T]);
    const t = tf.tensor2d(t32, [2, T]);
    const values = new Set<number>();
    for (let call = 0; call < 3; call++) {
      const ref = nd.valueAndGrad(tensor(e32, [2, T]), tensor(t32, [2, T]));
      const { value, grad } = tf.valueAndGrad((a: tf.Tensor) => mssLoss(a, t, op))(e);
      expect(Math.abs(value.dataSync()[0]! - ref.value) / ref.value).toBeLessThan(1e-6);
      expect(relMaxError(grad.dataSync(), ref.grad.data)).toBeLessThan(1e-6);
      values.add(ref.value);
    }
    expect(values.size).toBe(3); // every call drew its own resolutions
  });

  it("refuses the target's gradient under stereo and random resolutions (LossInputError)", () => {
    const cases: [MssOptions, number[], string][] = [
      [STEREO, [1, 2, 2000], 'stereo'],
      [RANDOM, [1, 5000], 'randomResolution'],
    ];
    for (const [o, shape, argument] of cases) {
      const e = tf.randomNormal(shape, 0, 1, 'float32', 1);
      const t = tf.randomNormal(shape, 0, 1, 'float32', 2);
      const err = errorOf(() => tf.grad((b: tf.Tensor) => mssLoss(e, b, o))(t));
      expect(err?.code).toBe('INVALID_OPTION');
      expect(err?.argument).toBe(argument);
    }
  });
});

describe('scaleFilters', () => {
  it('is the dense filterbank a mel loss applies (torchaudio golden rows)', async () => {
    const { goldens, denseOf } = await import('./fixtures.js');
    const { scaleFilters } = await import('../../src/index.js');
    const g = goldens.melFilterbanks.find((m) => m.norm === 'slaney' && m.melScale === 'slaney')!;
    const w = scaleFilters(
      { kind: 'mel', bands: g.bands, fmin: g.fmin, fmax: g.fmax },
      g.size,
      g.sampleRate,
    );
    const bins = g.size / 2 + 1;
    expect(w.shape).toEqual([g.bands, bins]);
    expect(relMaxError(w.data, denseOf(g.weights, bins))).toBeLessThan(1e-6);
    expect(errorOf(() => scaleFilters({ kind: 'mel', bands: 8 }, 64, 0))?.argument).toBe(
      'sampleRate',
    );
  });
});
