/**
 * Issue 14 in the WebAssembly pipeline: the perceptual configurations run there (per-scale
 * padding, magnitude forms, band-range filterbanks, floored logarithms), with the JavaScript
 * engine's numbers: a seeded fuzz over scale x compression x power x padding (silence, a silent
 * item, odd lengths, extreme amplitudes) against the JavaScript engine to 1e-12, central finite
 * differences of the pipeline's gradient, and the module's filterbank to the last bit of the
 * JavaScript one.
 */
import { tensor } from '@losses/tensor';
import { lcg32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { type MssOptions, mssPresets } from '../../src/index.js';
import { createJsEngineLoss, createMssLoss, kernelOf } from '../../src/loss.js';
import {
  applyFilterbank,
  applyFilterbankTranspose,
  filterbankFromRows,
} from '../../src/scales/filterbank.js';
import { MssWasm, mssModule, TABLE_DOUBLES, WasmFilterbank } from '../../src/wasm/kernel.js';
import { relMaxError, signal } from '../helpers.js';

const served = (o: MssOptions) => kernelOf(createMssLoss(o)).wasmEngine !== undefined;

describe('the WebAssembly pipeline serves the perceptual configurations', () => {
  const matrices = [33, 65].map((bins) =>
    Array.from({ length: 6 }, (_, b) =>
      Array.from({ length: bins }, (_, k) => ((b * 7 + k) % 5 === 0 ? 0.5 + b / 10 : 0)),
    ),
  );
  const cases: [string, MssOptions][] = [
    ['hifigan', mssPresets.hifigan],
    ['dac', mssPresets.dac],
    [
      'chroma, power 2, log(x + 1e-7)',
      {
        sampleRate: 16000,
        sizes: [256, 512],
        scale: { kind: 'chroma' },
        power: 2,
        compressions: [{ kind: 'log', eps: 1e-7 }],
      },
    ],
    [
      'user matrices, log10(clamp(x, 1e-5)^2)',
      {
        sizes: [64, 128],
        scale: { kind: 'matrix', matrices },
        compressions: [{ kind: 'log10', floor: 'clamp', eps: 1e-5, power: 2 }],
      },
    ],
    [
      'auralossMel without its spectral convergence',
      {
        ...mssPresets.auralossMel,
        spectralConvergence: 0,
      },
    ],
  ];
  for (const [name, options] of cases) {
    it(name, () => expect(served(options)).toBe(true));
  }

  it('declines what it has no kernel for: the spectral convergence (auralossMel), the l2 distance', () => {
    expect(served(mssPresets.auralossMel)).toBe(false);
    expect(served({ ...mssPresets.dac, distance: 'l2' })).toBe(false);
  });
});

/** One random configuration of the fuzz (see the module comment). */
function randomOptions(rand: () => number): { options: MssOptions; label: string } {
  const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
  const sizes = pick([[64], [128, 256], [100, 64], [256]]);
  const scaleKind = pick(['none', 'mel', 'chroma', 'matrix'] as const);
  const sampleRate = pick([8000, 16000, 22050]);
  let scale: MssOptions['scale'];
  if (scaleKind === 'mel') {
    scale = {
      kind: 'mel',
      bands: sizes.map((n) => Math.min(12, n / 8)),
      fmin: 30,
      norm: pick(['slaney', null] as const),
    };
  } else if (scaleKind === 'chroma') scale = { kind: 'chroma', bands: pick([12, 7]) };
  else if (scaleKind === 'matrix') {
    scale = {
      kind: 'matrix',
      matrices: sizes.map((n) =>
        Array.from({ length: 5 }, (_, b) =>
          Array.from({ length: n / 2 + 1 }, (_, k) => ((b + 2 * k) % 3 === 0 ? rand() : 0)),
        ),
      ),
    };
  }
  const compressions = pick([
    ['linear'],
    [{ kind: 'log', floor: 'clamp', eps: 1e-5 }],
    [
      { kind: 'log10', floor: 'clamp', eps: 1e-4, power: 2 },
      { kind: 'linear', weight: 0.3 },
    ],
    [{ kind: 'db', floor: 'add', eps: 1e-6, power: 0.5 }],
    [
      { kind: 'log', eps: 1e-7 },
      { kind: 'log1p', gamma: 2, weight: 0.5 },
    ],
    [{ kind: 'safeLog', eps: 1e-5 }],
  ] as unknown as MssOptions['compressions'][]);
  const power = pick([1, 2] as const);
  const magnitudeOffset = pick([0, 0, 1e-9]);
  const padding = pick(['none', 'reflect', 'constant', 'centred'] as const);
  const framing: MssOptions =
    padding === 'centred'
      ? { center: true, padMode: 'reflect' }
      : padding === 'none'
        ? { center: false }
        : {
            center: false,
            pad: (n: number, hop: number) => Math.trunc((n - hop) / 2),
            padMode: padding,
          };
  const options: MssOptions = {
    sampleRate,
    sizes,
    ...framing,
    ...(scale ? { scale } : {}),
    power,
    magnitudeOffset,
    compressions,
    distance: pick(['l1', 'l2sq'] as const),
    reduction: pick(['mean', 'sum'] as const),
  };
  return {
    options,
    label: `${sizes} ${scaleKind} ${JSON.stringify(compressions)} power ${power} offset ${magnitudeOffset} ${padding} ${options.distance}`,
  };
}

/**
 * Items: a noisy signal, a silent one, a fade, a loud one (1e60: power 2 squares the magnitudes,
 * which overflow from about 1e150 on in both engines), in a random mix.
 */
function batch(rand: () => number, items: number, length: number, seed: number): Float64Array {
  const x = signal(length, seed, items);
  for (let b = 0; b < items; b++) {
    const kind = Math.floor(rand() * 4);
    for (let t = 0; t < length; t++) {
      const i = b * length + t;
      if (kind === 1) x[i] = 0;
      else if (kind === 2) x[i]! *= 2 ** -Math.floor(40 * (1 - t / length));
      else if (kind === 3) x[i]! *= 1e60;
    }
  }
  return x;
}

describe('pipeline and JavaScript engine agree to 1e-12 (seeded fuzz)', () => {
  const rand = lcg32(20261203);
  for (let run = 0; run < 24; run++) {
    const { options, label } = randomOptions(rand);
    const items = 1 + Math.floor(rand() * 3);
    const length = 301 + 2 * Math.floor(rand() * 200); // odd lengths
    const silentBatch = run === 0;
    const est = silentBatch
      ? new Float64Array(items * length)
      : batch(rand, items, length, run + 1);
    const tgt = batch(rand, items, length, run + 101);
    it(`${run}: ${label}, B = ${items}, T = ${length}${silentBatch ? ', silent estimate' : ''}`, () => {
      const wasm = createMssLoss(options);
      const js = createJsEngineLoss(options);
      expect(kernelOf(wasm).wasmEngine).toBeDefined();
      const E = tensor(est, [items, length]);
      const T = tensor(tgt, [items, length]);
      const a = wasm.valueAndGrad(E, T);
      const b = js.valueAndGrad(E, T);
      expect(Number.isFinite(a.value)).toBe(true);
      expect(Math.abs(a.value - b.value)).toBeLessThanOrEqual(1e-12 * Math.abs(b.value));
      const pw = wasm.perItem(E, T).data;
      const pj = js.perItem(E, T).data;
      pj.forEach((v, i) => {
        expect(Math.abs(pw[i]! - v)).toBeLessThanOrEqual(1e-12 * Math.abs(v));
      });
      for (const g of a.grad.data) expect(Number.isFinite(g)).toBe(true);
      if (b.grad.data.some((g) => g !== 0)) {
        expect(relMaxError(a.grad.data, b.grad.data)).toBeLessThan(1e-12);
      } else expect(a.grad.data.every((g) => g === 0)).toBe(true);
      // A fixed target: bit for bit the two-argument numbers.
      const f = wasm.withTarget(T).valueAndGrad(E);
      expect(f.value).toBe(a.value);
      expect(Array.from(f.grad.data)).toEqual(Array.from(a.grad.data));
      // breakdown from the pipeline: its value is value's, its terms the JavaScript engine's.
      const br = wasm.breakdown(E, T);
      expect(br.value).toBe(a.value);
      const brJs = js.breakdown(E, T);
      expect(br.terms.length).toBe(brJs.terms.length);
      br.terms.forEach((t, i) => {
        const r = brJs.terms[i]!;
        expect(Math.abs(t.value - r.value)).toBeLessThanOrEqual(1e-12 * Math.abs(r.value));
      });
    });
  }
});

describe('central finite differences of the pipeline gradient (float64)', () => {
  const cases: [string, MssOptions][] = [
    [
      'HiFi-GAN framing: reflect pad, sqrt(p + 1e-9), mel, log(clamp(x, 1e-5)), l1',
      {
        ...mssPresets.hifigan,
        sampleRate: 8000,
        sizes: [128],
        hops: [32],
        windowLengths: [128],
        scale: { kind: 'mel', bands: 10 },
      },
    ],
    [
      'constant pad, power 2, matrix, log10(clamp(x, 1e-4)^2) + linear, l2sq',
      {
        sizes: [64],
        center: false,
        pad: [16],
        padMode: 'constant',
        power: 2,
        scale: {
          kind: 'matrix',
          matrices: [
            Array.from({ length: 4 }, (_, b) =>
              Array.from({ length: 33 }, (_, k) => (Math.abs(k - 8 * b - 2) < 4 ? 1 + b : 0)),
            ),
          ],
        },
        compressions: [
          { kind: 'log10', floor: 'clamp', eps: 1e-4, power: 2 },
          { kind: 'linear', weight: 0.2 },
        ],
        distance: 'l2sq',
      },
    ],
    [
      'DAC-like: centred, mel per resolution, log10(clamp(x, 1e-5))',
      {
        ...mssPresets.dac,
        sampleRate: 16000,
        sizes: [32, 64],
        scale: { kind: 'mel', bands: [4, 8] },
      },
    ],
  ];
  const T = 211;
  for (const [name, options] of cases) {
    it(name, () => {
      const loss = createMssLoss(options);
      expect(kernelOf(loss).wasmEngine).toBeDefined();
      const est = signal(T, 5, 2);
      const tgt = signal(T, 6, 2);
      const { grad } = loss.valueAndGrad(tensor(est, [2, T]), tensor(tgt, [2, T]));
      const h = 1e-6;
      const fd = new Float64Array(est.length);
      const at = (x: Float64Array) => loss.value(tensor(x, [2, T]), tensor(tgt, [2, T]));
      const probe = Array.from(
        { length: 40 },
        (_, j) => Math.floor((j * est.length) / 40) + (j % 7),
      );
      for (const i of probe) {
        const x = Float64Array.from(est);
        x[i] = est[i]! + h;
        const up = at(x);
        x[i] = est[i]! - h;
        fd[i] = (up - at(x)) / (2 * h);
      }
      const g = Float64Array.from(probe, (i) => grad.data[i]!);
      expect(
        relMaxError(
          g,
          Float64Array.from(probe, (i) => fd[i]!),
        ),
      ).toBeLessThan(1e-6);
    });
  }
});

describe("the module's filterbank (bands, bandsT)", () => {
  it('gives the numbers of applyFilterbank and its transpose to the last bit (odd rows, empty and one-bin bands)', () => {
    const rand = lcg32(99);
    const bins = 37;
    const rows = Array.from({ length: 9 }, (_, b) =>
      Array.from({ length: bins }, (_, k) => {
        if (b === 3) return 0; // an empty band
        if (b === 5) return k === 36 ? 0.7 : 0; // one bin, the last
        return Math.abs(k - 4 * b) < 3 + b ? rand() : 0;
      }),
    );
    const fb = filterbankFromRows(rows, bins);
    const memory = new WebAssembly.Memory({ initial: 4 });
    const loss = new MssWasm(mssModule()!, memory, 0, [{ kind: 'linear', weight: 1 }]);
    let next = 8 * TABLE_DOUBLES;
    const reserve = (d: number) => {
      const at = next;
      next += 8 * (d + (d % 2));
      return at;
    };
    const bank = new WasmFilterbank(loss, memory, reserve, fb);
    for (const n of [1, 2, 7]) {
      const x = Float64Array.from({ length: n * bins }, () => rand() * 10);
      const g = Float64Array.from({ length: n * fb.bands }, (_, i) =>
        i % 4 === 0 ? 0 : rand() - 0.5,
      );
      const xAt = reserve(x.length);
      const outAt = reserve(n * fb.bands);
      const gAt = reserve(g.length);
      const dAt = reserve(n * bins);
      const f = new Float64Array(memory.buffer);
      f.set(x, xAt / 8);
      f.set(g, gAt / 8);
      f.fill(NaN, dAt / 8, dAt / 8 + n * bins);
      bank.apply(xAt, n, outAt);
      bank.transpose(gAt, n, dAt);
      const want = new Float64Array(n * fb.bands);
      applyFilterbank(fb, x, 0, n, want, 0);
      const wantT = new Float64Array(n * bins);
      applyFilterbankTranspose(fb, g, 0, n, wantT, 0);
      expect(Array.from(f.subarray(outAt / 8, outAt / 8 + want.length))).toEqual(Array.from(want));
      expect(Array.from(f.subarray(dAt / 8, dAt / 8 + wantT.length))).toEqual(Array.from(wantT));
    }
  });
});
