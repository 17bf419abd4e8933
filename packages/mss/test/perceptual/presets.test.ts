/**
 * The presets and the grid of issue 14 against the golden vectors (the references' own code in
 * float64, and the grid's torch formula), through the naive per-frame loss of naive.ts: the proof
 * that each preset's options read each reference right, before the engines are wired.
 */
import { describe, expect, it } from 'vitest';
import {
  type PerceptualMssOptions,
  resolvePerceptualOptions,
} from '../../src/perceptual-options.js';
import { perceptualPresets } from '../../src/perceptual-presets.js';
import { goldens, type LossGolden, relMax } from './fixtures.js';
import { naiveConfig, naiveLoss } from './naive.js';

function optionsOf(c: LossGolden): PerceptualMssOptions {
  const o = c.options;
  if (typeof o === 'string') return perceptualPresets[o as keyof typeof perceptualPresets];
  if ('preset' in o) {
    return {
      ...perceptualPresets[o.preset as keyof typeof perceptualPresets],
      sampleRate: o.sampleRate,
    };
  }
  return o;
}

/** Items as lists of channels. */
function items(x: number[][] | number[][][], stereo: boolean): Float64Array[][] {
  return stereo
    ? (x as number[][][]).map((item) => item.map((ch) => Float64Array.from(ch)))
    : (x as number[][]).map((row) => [Float64Array.from(row)]);
}

function expectGolden(c: LossGolden, est: Float64Array[][], tgt: Float64Array[][]): void {
  const r = naiveLoss(est, tgt, naiveConfig(optionsOf(c)));
  expect(Math.abs(r.value - c.value) / Math.abs(c.value)).toBeLessThan(1e-12);
  if (c.perItem) expect(relMax(r.perItem, c.perItem)).toBeLessThan(1e-12);
  const grad = r.grad.flat().flatMap((ch) => Array.from(ch));
  expect(relMax(grad, (c.grad as number[][]).flat(2))).toBeLessThan(1e-9);
}

describe("the presets give their references' numbers (float64 goldens from the references' own code)", () => {
  for (const c of goldens.presets) {
    it(`${c.name}: value within 1e-12, gradient within 1e-9 of the largest (the naive loss of the preset's options)`, () => {
      const stereo = Boolean(c.stereo);
      expectGolden(c, items(c.estimate, stereo), items(c.target, stereo));
    });
  }

  for (const c of [...goldens.presets, ...goldens.compositions]) {
    it(`${c.name}: the reference run as it ships in float32 is within 2e-5 of the float64 number`, () => {
      expect(Math.abs(c.float32! - c.value) / Math.abs(c.value)).toBeLessThan(2e-5);
    });
  }

  it('every preset validates, and carries its reference sample rate', () => {
    const rates = { hifigan: 22050, dac: 44100, auralossMel: 44100 };
    for (const [name, preset] of Object.entries(perceptualPresets)) {
      expect(preset.sampleRate).toBe(rates[name as keyof typeof rates]);
      const sizes = preset.sizes!;
      const hops = sizes.map((n, s) =>
        typeof preset.hops === 'function' ? preset.hops(n) : preset.hops![s]!,
      );
      const config = resolvePerceptualOptions(preset, {
        sizes,
        hops,
        center: preset.center!,
        padEnd: false,
      });
      expect(config.filterbanks!.map((f) => f.bands)).toEqual(
        name === 'dac' ? [5, 10, 20, 40, 80, 160, 320] : [name === 'hifigan' ? 80 : 128],
      );
    }
  });

  it("HiFi-GAN's padding is int((n_fft - hop) / 2) = 384 samples of reflection, then frames not centred", () => {
    const h = perceptualPresets.hifigan;
    expect(h.center).toBe(false);
    expect(h.padMode).toBe('reflect');
    expect((h.pad as (n: number, hop: number) => number)(1024, 256)).toBe(384);
  });

  it('presets compose: the DAC preset at 48 kHz has the mel bands of 48 kHz (fmax = 24 kHz)', () => {
    const o = { ...perceptualPresets.dac, sampleRate: 48000 };
    const sizes = o.sizes!;
    const config = resolvePerceptualOptions(o, {
      sizes,
      hops: sizes.map((n) => n / 4),
      center: true,
      padEnd: false,
    });
    expect(config.scale).toMatchObject({ kind: 'mel', fmax: [24000], fmin: [0] });
  });
});

describe('auraloss compositions of the new options (auraloss run in float64, one item)', () => {
  for (const c of goldens.compositions) {
    it(`${c.name}`, () => {
      const stereo = (c.options as PerceptualMssOptions).stereo === 'sum-difference';
      expectGolden(c, items(c.estimate, stereo), items(c.target, stereo));
    });
  }
});

describe('grid: scale x compression x distance against the torch formula (autograd, float64)', () => {
  const g = goldens.grid;
  for (const c of g.cases) {
    it(`${c.name}`, () => {
      const stereo = Boolean(c.stereo);
      const est = stereo
        ? items(g.stereoEstimate, true)
        : items(c.extreme ? g.extremeEstimate : g.estimate, false);
      const tgt = stereo
        ? items(g.stereoTarget, true)
        : items(c.extreme ? g.extremeTarget : g.target, false);
      expectGolden(c, est, tgt);
    });
  }
});
