import type { MssOptions } from './options.js';
import type { WassersteinDistance } from './wasserstein-distance.js';

export type { WassersteinDistance } from './wasserstein-distance.js';

/** The options of the `sot` preset: the MSS axes with the Wasserstein distance. */
export type SotPresetOptions = Omit<MssOptions, 'distance' | 'sizes' | 'hops'> & {
  /** FFT sizes N in samples. */
  readonly sizes: readonly number[];
  /** Hop per size in samples. */
  readonly hops: readonly number[];
  /** The Wasserstein distance along linear frequency (`sotPitch`'s is along log frequency). */
  readonly distance: WassersteinDistance & { readonly positions: 'normalized' | 'bins' };
};

/**
 * Spectral optimal transport with the multi-resolution defaults of Torres, Peeters & Richard's
 * package `sot-loss` (`MultiResolutionSOTLoss()`, github.com/bernardo-torres/spectral-optimal-transport
 * at 42eac34, `src/sot/losses.py` and `src/sot/features.py`), as data:
 *
 * - FFT sizes [1024, 2048, 512], hops [256, 512, 128], window length = size;
 * - `scipy.signal.get_window('flattop', N, fftbins=True)` (periodic flat-top; sot-loss stores it in
 *   float32), `torch.stft` with its defaults: centred frames, reflect padding, one-sided;
 * - |X| without a floor, not squared (`square_magnitude=False`), so the compression is linear;
 * - per frame W_2^2 (`p=2`, `apply_root=False`) between the magnitudes normalised by their sum +
 *   1e-8 (`normalize=True, balanced=True, eps=1e-8`), positions `linspace(0, 1, N / 2 + 1)`
 *   (`bin_position_scaling='normalized'`);
 * - the mean over the frames of all items (= the mean over items of each item's frame mean), the
 *   sum over the three resolutions.
 *
 * The paper's own experiments used other settings (one 2048-point scale, squared magnitudes,
 * unbalanced masses with a frequency cut-off); the package's defaults are what a user installing
 * `sot-loss` gets. Registered as `mssPresets.sot` (`createMssLoss('sot')`), computed by the
 * JavaScript engine.
 */
export const sotPreset: Readonly<SotPresetOptions> = Object.freeze({
  window: 'flattop',
  sizes: Object.freeze([1024, 2048, 512]),
  hops: Object.freeze([256, 512, 128]),
  compressions: Object.freeze(['linear'] as const),
  distance: Object.freeze({
    kind: 'wasserstein',
    p: 2,
    positions: 'normalized',
    eps: 1e-8,
  } as const),
  reduction: 'mean',
  scaleReduction: 'sum',
  center: true,
  padMode: 'reflect',
});
