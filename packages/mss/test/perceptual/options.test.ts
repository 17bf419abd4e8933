import { describe, expect, it } from 'vitest';
import {
  type FramingContext,
  type PerceptualOptions,
  resolveLogCompression,
  resolvePerceptualOptions,
} from '../../src/perceptual-options.js';
import { perceptualPresets } from '../../src/perceptual-presets.js';
import { denseFilterbank, isEmptyBand } from '../../src/scales/filterbank.js';
import { planScale, resolveScale, type ScaleOption } from '../../src/scales/scale.js';
import { errorOf } from '../helpers.js';
import { librosaMel } from './librosa-reference.js';

const framing: FramingContext = { sizes: [256, 512], hops: [64, 128], center: true, padEnd: false };

function scaleError(option: unknown, sampleRate: number | 'none' = 16000, sizes = [256, 512]) {
  const rate = sampleRate === 'none' ? undefined : sampleRate;
  return errorOf(() => planScale(option as ScaleOption, rate, sizes));
}

function perceptualError(options: PerceptualOptions & Record<string, unknown>, f = framing) {
  return errorOf(() => resolvePerceptualOptions(options, f));
}

describe('scale: every error names the option, what was expected and what was given', () => {
  it('a mel or chroma scale without sampleRate', () => {
    for (const kind of ['mel', 'chroma']) {
      const e = scaleError({ kind, bands: 12 }, 'none');
      expect(e!.code).toBe('INVALID_OPTION');
      expect(e!.argument).toBe('sampleRate');
      expect(e!.message).toBe(
        `sampleRate: the ${kind} scale needs the sample rate in Hz (options.sampleRate); expected a number > 0, got undefined`,
      );
    }
  });

  it('fmax above sampleRate / 2, one value or one per resolution', () => {
    expect(scaleError({ kind: 'mel', bands: 20, fmax: 9000 })!.message).toBe(
      'scale.fmax: expected at most sampleRate / 2 = 8000 Hz, got 9000',
    );
    expect(scaleError({ kind: 'mel', bands: 20, fmax: [8000, 8000.5] })!.message).toBe(
      'scale.fmax[1]: expected at most sampleRate / 2 = 8000 Hz, got 8000.5',
    );
  });

  it('fmin at or above fmax', () => {
    expect(scaleError({ kind: 'mel', bands: 20, fmin: 4000, fmax: 4000 })!.message).toBe(
      'scale.fmin: expected less than scale.fmax = 4000 Hz, got 4000',
    );
    expect(
      scaleError({ kind: 'mel', bands: 20, fmin: [0, 5000], fmax: [8000, 3000] })!.message,
    ).toBe('scale.fmin[1]: expected less than scale.fmax[1] = 3000 Hz, got 5000');
  });

  it('more bands than bins, naming the resolution', () => {
    const e = scaleError({ kind: 'mel', bands: [100, 200] }, 16000, [128, 256]);
    expect(e!.message).toBe(
      'scale.bands[0]: 100 mel bands at FFT size 128 (resolution 0), which has only 65 frequency bins (N/2 + 1); expected at most 65',
    );
    expect(scaleError({ kind: 'chroma', bands: 12 }, 16000, [64, 16])!.message).toBe(
      'scale.bands: 12 chroma bands at FFT size 16 (resolution 1), which has only 9 frequency bins (N/2 + 1); expected at most 9',
    );
  });

  it('a mel band that receives no bin, named with its frequencies, where librosa warns', () => {
    const ref = librosaMel(16000, 128, 60, 10, 8000);
    // fmin = 10 Hz: no band starts at 0 Hz, so librosa warns for every empty one.
    const first = ref.findIndex((row) => Math.max(...row) === 0);
    expect(first).toBeGreaterThanOrEqual(0);
    const e = scaleError({ kind: 'mel', bands: 60, fmin: 10 }, 16000, [128]);
    expect(e!.code).toBe('INVALID_OPTION');
    expect(e!.message).toMatch(
      new RegExp(
        `^scale: mel band ${first} \\(of 60, [0-9.]+ to [0-9.]+ Hz\\) receives no frequency bin at FFT size 128 \\(resolution 0\\), bins every 125 Hz; [0-9]+ bands are empty\\. This is the empty mel filter librosa warns about \\("Empty filters detected in mel frequency basis"\\)`,
      ),
    );
  });

  it("accepts an empty first band from 0 Hz, as librosa does without a warning (DAC's 5 bands at N = 32, 48 kHz)", () => {
    const [fb] = planScale({ kind: 'mel', bands: 5 }, 48000, [32]);
    expect(isEmptyBand(fb!, 0)).toBe(true);
    expect(Array.from(denseFilterbank(fb!))).toEqual(librosaMel(48000, 32, 5).flat());
  });

  it('but not under a logarithm of 0 (which gives auraloss NaN with 48 mels at N = 256)', () => {
    const e = perceptualError(
      { sampleRate: 44100, scale: { kind: 'mel', bands: 48 } },
      {
        sizes: [256],
        hops: [64],
        center: true,
        padEnd: false,
        compressions: [{ kind: 'log', eps: 0 }],
      },
    );
    expect(e!.message).toBe(
      'scale: mel band 0 receives no frequency bin at FFT size 256 (librosa accepts an empty first band from 0 Hz without a warning), so its value is 0 for every signal and compressions[0], a logarithm with eps 0, would give log 0; use eps > 0, fewer bands or a larger FFT size',
    );
    const ok = resolvePerceptualOptions(
      { sampleRate: 44100, scale: { kind: 'mel', bands: 48 } },
      {
        sizes: [256],
        hops: [64],
        center: true,
        padEnd: false,
        compressions: [{ kind: 'log', eps: 1e-5 }],
      },
    );
    expect(ok.filterbanks![0]!.bands).toBe(48);
  });

  it('mel points that coincide (too many bands in too narrow a range)', () => {
    const e = scaleError(
      { kind: 'mel', bands: 5, fmin: 1000, fmax: 1000 * (1 + 2 ** -50) },
      16000,
      [512],
    );
    expect(e!.message).toMatch(/^scale: mel points \d+ and \d+ coincide/);
  });

  it('a matrix of the wrong shape, or not one per resolution', () => {
    const m = Array.from({ length: 4 }, () => new Array(128).fill(0.5));
    const e = scaleError({ kind: 'matrix', matrices: [m, m] }, 'none');
    expect(e!.code).toBe('SHAPE_MISMATCH');
    expect(e!.message).toBe(
      'scale.matrices[0]: expected [bands, 129] (N/2 + 1 bins at FFT size 256 (resolution 0)), got [4, 128]',
    );
    expect(scaleError({ kind: 'matrix', matrices: [m] }, 'none')!.message).toBe(
      'scale.matrices: expected one matrix [bands, N/2 + 1] per resolution (2), got a list of 1',
    );
    expect(scaleError({ kind: 'matrix', matrices: [[0.5, 1], m] }, 'none')!.code).toBe(
      'SHAPE_MISMATCH',
    );
  });

  it('negative weights, a band without weight, non-finite weights', () => {
    const good = Array.from({ length: 3 }, () => new Array(129).fill(0.25));
    const neg = good.map((r) => r.slice());
    neg[2]![17] = -0.125;
    expect(scaleError({ kind: 'matrix', matrices: [neg, good] }, 'none', [256, 256])!.message).toBe(
      "scale.matrices[0]: expected weights >= 0 (a negative weight could make a band's magnitude negative), got -0.125 at [2, 17]",
    );
    const zero = good.map((r) => r.slice());
    zero[1] = new Array(129).fill(0);
    expect(
      scaleError({ kind: 'matrix', matrices: [good, zero] }, 'none', [256, 256])!.message,
    ).toBe(
      'scale.matrices[1]: band 1 (row 1 of 3) has no nonzero weight; every band must receive some bin',
    );
    const nan = good.map((r) => r.slice());
    nan[0]![0] = Number.NaN;
    expect(scaleError({ kind: 'matrix', matrices: [nan, good] }, 'none', [256, 256])!.code).toBe(
      'NON_FINITE',
    );
  });

  const invalid: [unknown, string][] = [
    ['mel', "scale: expected { kind: 'mel' | 'chroma' | 'matrix', ... }, got 'mel'"],
    [{ kind: 'bark' }, "scale.kind: expected one of 'mel', 'chroma', 'matrix', got 'bark'"],
    [
      { kind: 'mel' },
      'scale.bands: the mel scale needs its number of bands (an integer >= 1, or one per resolution), got undefined',
    ],
    [{ kind: 'mel', bands: 0 }, 'scale.bands: expected an integer >= 1, got 0'],
    [
      { kind: 'mel', bands: [20, 40, 80] },
      'scale.bands: expected a number or one per resolution (2), got a list of 3',
    ],
    [
      { kind: 'mel', bands: 20, melScale: 'bark' },
      "scale.melScale: expected one of 'slaney', 'htk', got 'bark'",
    ],
    [{ kind: 'mel', bands: 20, norm: 1 }, "scale.norm: expected one of 'slaney', got 1"],
    [{ kind: 'mel', bands: 20, fmin: -1 }, 'scale.fmin: expected a finite number >= 0, got -1'],
    [{ kind: 'mel', bands: 20, htk: true }, "scale: unknown option 'htk'"],
    [{ kind: 'chroma', octwidth: 0 }, 'scale.octwidth: expected a finite number > 0, got 0'],
    [{ kind: 'chroma', norm: -2 }, 'scale.norm: expected a finite number > 0, got -2'],
    [{ kind: 'chroma', baseC: 'C' }, "scale.baseC: expected true or false, got 'C'"],
    [{ kind: 'chroma', bands: 12.5 }, 'scale.bands: expected an integer >= 1, got 12.5'],
    [{ kind: 'chroma', fmin: 12 }, "scale: unknown option 'fmin'"],
    [
      { kind: 'matrix' },
      'scale.matrices: expected one matrix [bands, N/2 + 1] per resolution (2), got undefined',
    ],
  ];
  for (const [option, message] of invalid) {
    it(`refuses ${JSON.stringify(option)}`, () => {
      const e = scaleError(option);
      expect(e!.code).toBe('INVALID_OPTION');
      expect(e!.message.startsWith(message)).toBe(true);
    });
  }

  it('null means no normalisation for mel and chroma norms and a flat octave weighting, never a default', () => {
    expect(resolveScale({ kind: 'mel', bands: 10, norm: null }, 8000, 1)).toMatchObject({
      norm: null,
    });
    expect(resolveScale({ kind: 'chroma', norm: null, octwidth: null }, 8000, 1)).toMatchObject({
      norm: null,
      octwidth: null,
    });
    expect(scaleError({ kind: 'mel', bands: 10, fmin: null })!.message).toMatch(
      /^scale.fmin: expected a value or undefined, got null/,
    );
  });

  it('per-resolution values are refused when the resolutions are drawn per call', () => {
    const e = errorOf(() => resolveScale({ kind: 'mel', bands: [10, 20] }, 8000, undefined));
    expect(e!.message).toBe(
      'scale.bands: the resolutions are drawn per call (randomResolution), so expected one number for all of them, got [10, 20]',
    );
    expect(
      errorOf(() => resolveScale({ kind: 'matrix', matrices: [] }, 8000, undefined))!.message,
    ).toMatch(/^scale.matrices: the resolutions are drawn per call/);
  });
});

describe('the other options of issue 14', () => {
  const invalid: [PerceptualOptions & Record<string, unknown>, string][] = [
    [{ sampleRate: 0 }, 'sampleRate: expected a finite number > 0, got 0'],
    [{ power: 3 as 1 }, 'power: expected 1 (magnitude) or 2 (power spectrum), got 3'],
    [
      { power: '2' as unknown as 2 },
      "power: expected 1 (magnitude) or 2 (power spectrum), got '2'",
    ],
    [{ magnitudeOffset: -1e-9 }, 'magnitudeOffset: expected a finite number >= 0, got -1e-9'],
    [
      { perceptualWeighting: true },
      'sampleRate: perceptualWeighting (A-weighting) needs the sample rate in Hz (options.sampleRate); expected a number from 1000 to 1e6, got undefined',
    ],
    [
      { perceptualWeighting: true, sampleRate: 800 },
      'sampleRate: expected a finite number >= 1000 <= 1000000, got 800',
    ],
    [
      { perceptualWeighting: 1 as unknown as boolean },
      'perceptualWeighting: expected true or false, got 1',
    ],
    [
      { stereo: 'mid-side' as 'sum-difference' },
      "stereo: expected one of 'sum-difference', got 'mid-side'",
    ],
    [
      { pad: 384 },
      'pad: applies to frames that are neither centred nor end-padded (center: false, padEnd: false), got center: true, padEnd: false',
    ],
    [
      { randomResolution: {}, sizes: [64] },
      'randomResolution: draws the sizes, hops, window lengths and windows of every call, so sizes cannot be given beside it',
    ],
    [
      { randomResolution: {}, sampleRate: 16000, scale: { kind: 'mel', bands: 40 } },
      'scale.bands: 40 mel bands at FFT size 16 (a size randomResolution can draw), which has only 9 frequency bins (N/2 + 1); expected at most 9',
    ],
  ];
  for (const [options, message] of invalid) {
    it(`refuses ${JSON.stringify(options)}`, () => {
      const e = perceptualError(options);
      expect(e!.code).toBe('INVALID_OPTION');
      expect(e!.message).toBe(message);
    });
  }

  it('pad before non-centred frames: a number, a function of (size, hop) or one per size, integers >= 0', () => {
    const f: FramingContext = { sizes: [256, 512], hops: [64, 128], center: false, padEnd: false };
    expect(resolvePerceptualOptions({ pad: 10 }, f).pad).toEqual([10, 10]);
    expect(resolvePerceptualOptions({ pad: [3, 4] }, f).pad).toEqual([3, 4]);
    expect(resolvePerceptualOptions({ pad: (n, hop) => (n - hop) / 2 }, f).pad).toEqual([96, 192]);
    expect(resolvePerceptualOptions({}, f).pad).toEqual([0, 0]);
    expect(perceptualError({ pad: [3] }, f)!.message).toMatch(
      /^pad: expected a number, a function of \(size, hop\) or one number per size \(2\)/,
    );
    expect(perceptualError({ pad: -1 }, f)!.message).toBe(
      'pad: expected an integer >= 0 <= 1073741824, got -1',
    );
    expect(perceptualError({ pad: (n) => n / 3 }, f)!.message).toBe(
      'pad(256, 64): expected an integer >= 0 <= 1073741824, got 85.33333333333333',
    );
    expect(perceptualError({ pad: 4 }, { ...f, padEnd: true })!.message).toMatch(
      /^pad: applies to frames/,
    );
  });

  it('defaults: magnitude, no offset, no weighting, mono, fixed resolutions', () => {
    expect(resolvePerceptualOptions({}, framing)).toMatchObject({
      sampleRate: undefined,
      scale: undefined,
      filterbanks: undefined,
      magnitude: { offset: 0, power: 1 },
      perceptualWeighting: false,
      stereo: undefined,
      randomResolution: undefined,
    });
  });

  it('random resolutions check every size a draw can give, and keep no filterbanks', () => {
    const c = resolvePerceptualOptions(
      {
        randomResolution: { minSize: 256, maxSize: 4096 },
        sampleRate: 16000,
        scale: { kind: 'mel', bands: 64 },
      },
      framing,
    );
    expect(c.filterbanks).toBeUndefined();
    expect(c.randomResolution!.maxSize).toBe(4096);
  });

  it('logarithmic compressions: defaults and errors', () => {
    expect(resolveLogCompression({ kind: 'log10' }, 'compressions[0]')).toEqual({
      kind: 'log10',
      eps: 1e-7,
      floor: 'add',
      power: 1,
      weight: 1,
    });
    const cases: [Record<string, unknown>, string][] = [
      [{ kind: 'log2' }, "compressions[0].kind: expected one of 'log', 'log10', 'db', got 'log2'"],
      [
        { kind: 'log', floor: 'max' },
        "compressions[0].floor: expected one of 'add', 'clamp', got 'max'",
      ],
      [{ kind: 'log', power: 0 }, 'compressions[0].power: expected a finite number > 0, got 0'],
      [{ kind: 'log', eps: -1 }, 'compressions[0].eps: expected a finite number >= 0, got -1'],
      [
        { kind: 'log', weight: -1 },
        'compressions[0].weight: expected a finite number >= 0, got -1',
      ],
      [{ kind: 'log', gamma: 2 }, "compressions[0]: unknown option 'gamma'"],
    ];
    for (const [c, message] of cases) {
      const e = errorOf(() => resolveLogCompression(c as never, 'compressions[0]'));
      expect(e!.message.startsWith(message)).toBe(true);
    }
  });

  it('the presets resolve to what their doc comments say', () => {
    const h = perceptualPresets.hifigan;
    const hc = resolvePerceptualOptions(h, {
      sizes: [1024],
      hops: [256],
      center: false,
      padEnd: false,
    });
    expect(hc).toMatchObject({
      sampleRate: 22050,
      magnitude: { offset: 1e-9, power: 1 },
      pad: [384],
    });
    expect(hc.scale).toMatchObject({
      kind: 'mel',
      bands: [80],
      fmin: [0],
      fmax: [11025],
      melScale: 'slaney',
      norm: 'slaney',
    });
    const a = resolvePerceptualOptions(perceptualPresets.auralossMel, {
      sizes: [1024],
      hops: [256],
      center: true,
      padEnd: false,
      compressions: [{ kind: 'log', eps: 0 }],
    });
    expect(a.scale).toMatchObject({ bands: [128], fmax: [22050] });
  });
});
