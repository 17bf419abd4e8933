/**
 * The mel presets of issue 14 as data: `hifigan`, `dac` and `auralossMel`, each the loss of its
 * reference with every detail that changes the number written down, registered in `mssPresets`. Each carries its reference's sample rate as `sampleRate`; presets compose like
 * objects (`{ ...perceptualPresets.dac, sampleRate: 48000 }`: the mel bands follow the new rate,
 * since fmin and fmax are left at their defaults 0 and sampleRate / 2 as the references leave them).
 *
 * Checked (test/perceptual/presets.test.ts) against golden vectors made by running the references'
 * own code in float64 (test/fixtures/generate_perceptual.py), through a naive per-frame loss
 * written in the test from these options.
 *
 * Precision: the references keep their windows (HiFi-GAN, DAC), mel filterbanks (all three, as
 * librosa's default dtype float32 stores them) and A-weighting taps (auraloss) in float32. These
 * presets compute windows and filterbanks in float64, so in float64 they give the references' number
 * computed with float64 constants; against the references run as they ship (float32 constants and
 * arithmetic) the values agree to about 1e-7 relative (measured: 8e-9 to 2e-7). The A-weighting
 * taps are float32 values in both (shared with @losses/waveform).
 */
import type { PerceptualMssOptions } from './perceptual-options.js';

/** The names of {@link perceptualPresets}. */
export type PerceptualPresetName = 'hifigan' | 'dac' | 'auralossMel';

/**
 * The mel presets of issue 14 as plain, frozen option objects (registered in `mssPresets`):
 * `hifigan` (22.05 kHz), `dac` (44.1 kHz) and `auralossMel` (44.1 kHz, any rate by composition).
 * Each field's doc comment says what was matched in its reference.
 */
export const perceptualPresets: {
  /**
   * HiFi-GAN V1's mel-spectrogram loss (jik876/hifi-gan at 4769534, `meldataset.py`
   * `mel_spectrogram`, `train.py`, `config_v1.json`): `F.l1_loss(y_mel, y_g_hat_mel)`, the number
   * before the generator's weight 45 (`loss_mel = F.l1_loss(...) * 45`; multiply by 45 for the term
   * HiFi-GAN adds to its generator loss).
   * - 22.05 kHz, n_fft 1024, hop 256, win_size 1024, `torch.hann_window(1024)` (periodic);
   * - the signal reflect-padded by int((n_fft - hop) / 2) = 384 samples on each side
   *   (`F.pad(..., mode='reflect')`), then `torch.stft(center=False)`: floor(T / 256) frames;
   * - magnitude sqrt(re^2 + im^2 + 1e-9) (`torch.sqrt(spec.pow(2).sum(-1) + 1e-9)`);
   * - 80 mel bands of `librosa.filters.mel(22050, 1024, 80, fmin=0, fmax=fmax_for_loss)` with
   *   `fmax_for_loss: null` (config_v1.json), i.e. fmax = sr / 2 = 11025 Hz, slaney scale and norm;
   *   both the target's mel (MelDataset's `mel_loss`) and the estimate's use fmax_for_loss;
   * - `spectral_normalize_torch`: log(clamp(x, min=1e-5) * 1);
   * - L1, mean over items, bands and frames.
   */
  readonly hifigan: Readonly<PerceptualMssOptions>;
  /**
   * DAC's `MelSpectrogramLoss` as `conf/base.yml` sets it (descriptinc/descript-audio-codec at
   * c7cfc5d, `dac/nn/loss.py`; audiotools at 348ebf2 (= 0.7.2 .. 0.7.4 for these functions),
   * `AudioSignal.stft`, `mel_spectrogram`, `get_mel_filters`, `get_window`), the number before DAC's
   * weight `lambdas: mel/loss: 15.0`:
   * - 44.1 kHz (`DAC.sample_rate`); window lengths 32, 64, ..., 2048 = n_fft, hop w // 4,
   *   scipy's `get_window('hann', w)` (periodic; audiotools' default `window_type`);
   * - `match_stride: False`, so no extra padding, and `torch.stft(center=True)` with its reflect
   *   padding of n_fft / 2 (signals need more than 1024 samples);
   * - magnitude |X| (`torch.abs`, gradient 0 where |X| = 0);
   * - `n_mels` 5, 10, 20, 40, 80, 160, 320 per resolution, `mel_fmin` 0 and `mel_fmax` null (sr / 2),
   *   librosa's slaney scale and norm;
   * - `x_mels.clamp(1e-5).pow(1.0).log10()` (`clamp_eps: 1.0e-5`, `pow: 1.0`), L1 mean per
   *   resolution with `log_weight` 1; `mag_weight: 0.0` drops the linear term; summed over the
   *   seven resolutions.
   */
  readonly dac: Readonly<PerceptualMssOptions>;
  /**
   * `auraloss.freq.MelSTFTLoss(sample_rate)` with its defaults (csteinmetz1/auraloss at 0853e9e,
   * the commit the `auraloss` preset matched), for one item:
   * - fft_size 1024, hop 256, win_length 1024, `torch.hann_window` (periodic), `torch.stft` with
   *   centred frames and reflect padding;
   * - magnitude sqrt(max(re^2 + im^2, 1e-8)) (`eps=1e-8`);
   * - 128 mel bands of `librosa.filters.mel(sr, 1024, 128)` (slaney scale and norm, fmin 0,
   *   fmax sr / 2) applied to the magnitudes;
   * - spectral convergence ||Y - Y^||_F / ||Y||_F of the mel spectrograms plus mean |log Y - log Y^|
   *   (w_sc = w_log_mag = 1, log_eps 0), `w_lin_mag = w_phs = 0`.
   * auraloss requires `sample_rate`; 44.1 kHz here (its `FIRFilter` default), any other by
   * composition. With several items auraloss takes the spectral convergence's norms over the whole
   * batch; this loss, as every loss of this library, averages the items' own losses (the same for
   * one item, and for the log term always).
   */
  readonly auralossMel: Readonly<PerceptualMssOptions>;
} = Object.freeze({
  hifigan: deepFreeze<PerceptualMssOptions>({
    sampleRate: 22050,
    window: 'hann',
    sizes: [1024],
    hops: [256],
    windowLengths: [1024],
    center: false,
    pad: (size: number, hop: number) => Math.trunc((size - hop) / 2),
    padMode: 'reflect',
    magnitudeOffset: 1e-9,
    scale: { kind: 'mel', bands: 80, melScale: 'slaney', norm: 'slaney' },
    compressions: [{ kind: 'log', floor: 'clamp', eps: 1e-5 }],
    distance: 'l1',
    reduction: 'mean',
    scaleReduction: 'sum',
  }),
  dac: deepFreeze<PerceptualMssOptions>({
    sampleRate: 44100,
    window: 'hann',
    sizes: [32, 64, 128, 256, 512, 1024, 2048],
    hops: (size: number) => Math.floor(size / 4),
    center: true,
    padMode: 'reflect',
    scale: {
      kind: 'mel',
      bands: [5, 10, 20, 40, 80, 160, 320],
      melScale: 'slaney',
      norm: 'slaney',
    },
    compressions: [{ kind: 'log10', floor: 'clamp', eps: 1e-5, power: 1 }],
    distance: 'l1',
    reduction: 'mean',
    scaleReduction: 'sum',
  }),
  auralossMel: deepFreeze<PerceptualMssOptions>({
    sampleRate: 44100,
    window: 'hann',
    sizes: [1024],
    hops: [256],
    windowLengths: [1024],
    center: true,
    padMode: 'reflect',
    magnitudeEps: 1e-8,
    scale: { kind: 'mel', bands: 128, melScale: 'slaney', norm: 'slaney' },
    compressions: [{ kind: 'log', eps: 0 }],
    spectralConvergence: 1,
    distance: 'l1',
    reduction: 'mean',
    scaleReduction: 'mean',
  }),
});

function deepFreeze<T>(value: T): Readonly<T> {
  if (typeof value === 'object' && value !== null && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const v of Object.values(value)) deepFreeze(v);
  }
  return value;
}
