import type { SotPresetOptions } from './sot-preset.js';
import type { WassersteinDistance } from './wasserstein-distance.js';

/** The options of the `sotPitch` preset: `sot`'s axes, the Wasserstein distance along log frequency. */
export type SotPitchPresetOptions = Omit<SotPresetOptions, 'distance'> & {
  readonly distance: WassersteinDistance;
};

/**
 * Spectral optimal transport for pitch (issue 16): the `sot` preset's resolutions and window with
 * the transport along a log-frequency axis, for estimating a (harmonic) tone's pitch from far away.
 * As data:
 *
 * - flat-top window, FFT sizes [1024, 2048, 512], hops [256, 512, 128] (`sot`'s);
 * - frames not centred (`center: false`): centred frames with reflect padding make the end frames
 *   depend on the signal's end phase, which turns the loss over pitch into a ripple of local minima;
 * - the power |X|^2 compressed by log(1 + 0.3 |X|^2): the compression evens out the harmonics'
 *   masses, so that an envelope still wrong (the amplitudes are trained together with the pitch)
 *   moves the transport's optimum in pitch less; gamma 0.3 keeps the peaks' skirts light (gamma 1
 *   and 0.5 converged from 12 semitones in 35 and 36 of 40 runs on the study's seeds 1-20, 0.3 in
 *   38; see the guide "choosing a spectral loss");
 * - per frame W_1 (p = 1) between the frames normalised to unit mass (sum + 1e-8), bins at
 *   x_k = log2(1 + f_k / 100 Hz) (`positions: 'log'`, `breakHz: 100`): a tone moved by d semitones
 *   is the target translated by d / 12 along log2 frequency, so W_1 grows as |d| and its pitch
 *   gradient points home from any start (log-positions.ts);
 * - the mean over frames, summed over the three resolutions; sample rate 16 kHz (compose another:
 *   `{ ...mssPresets.sotPitch, sampleRate: 44100 }`).
 *
 * Measured by `pnpm reproduce harmonic-estimation` (apps/reproduce; the table is in the guide
 * "choosing a spectral loss"). Registered as `mssPresets.sotPitch`
 * (`createMssLoss('sotPitch')`), computed by the JavaScript engine.
 */
export const sotPitchPreset: Readonly<SotPitchPresetOptions> = Object.freeze({
  window: 'flattop',
  sizes: Object.freeze([1024, 2048, 512]),
  hops: Object.freeze([256, 512, 128]),
  sampleRate: 16000,
  power: 2,
  compressions: Object.freeze([Object.freeze({ kind: 'log1p', gamma: 0.3 } as const)]),
  distance: Object.freeze({
    kind: 'wasserstein',
    p: 1,
    positions: 'log',
    breakHz: 100,
    eps: 1e-8,
  } as const),
  reduction: 'mean',
  scaleReduction: 'sum',
  center: false,
});
