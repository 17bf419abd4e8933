/**
 * Issue 14: what the JavaScript engine compares at one resolution, made from the magnitudes
 * |X| [rows, bins] of the STFT (rows = items x frames):
 *
 *   S = (sqrt(|X|^2 + offset))^power          (magnitude-forms.ts: HiFi-GAN's +1e-9, torchaudio's power)
 *   V = S F^T  [rows, bands]                   (scales/filterbank.ts: mel, chroma or a user matrix)
 *
 * and the way back for the gradient: dL/dS = (dL/dV) F (the filterbank's transpose, band ranges),
 * dL/d|X| = dL/dS * dS/d|X|. Without a scale V = S; with the identity form (offset 0, power 1) and
 * no scale the stage does nothing and the engine uses the magnitudes themselves.
 */
import type { FloatArray } from '@losses/tensor';
import { applyMagnitudeForm, type MagnitudeForm } from './magnitude-forms.js';
import { applyFilterbank, applyFilterbankTranspose, type Filterbank } from './scales/filterbank.js';

/** The stage of one resolution (see the module comment). */
export class ValueStage {
  /** Values per row: the bands of the filterbank, or the bins. */
  readonly width: number;
  /** True when V = |X| (no form, no filterbank). */
  readonly identity: boolean;
  private readonly formIsIdentity: boolean;

  constructor(
    private readonly form: MagnitudeForm,
    private readonly filterbank: Filterbank | undefined,
    readonly bins: number,
  ) {
    this.width = filterbank ? filterbank.bands : bins;
    this.formIsIdentity = form.offset === 0 && form.power === 1;
    this.identity = this.formIsIdentity && filterbank === undefined;
  }

  /**
   * V of `rows` rows of magnitudes (`mag`, rows x bins from 0) into `out` (rows x width); with
   * `deriv` (rows x bins), dS/d|X| there. `s` is scratch of rows x bins (the form's output).
   */
  forward(
    mag: FloatArray,
    rows: number,
    out: Float64Array,
    s: Float64Array,
    deriv?: Float64Array,
  ): void {
    const n = rows * this.bins;
    let src: ArrayLike<number> = mag;
    if (!this.formIsIdentity) {
      applyMagnitudeForm(this.form, mag, n, s, deriv);
      src = s;
    } else if (deriv) {
      deriv.fill(1, 0, n);
    }
    if (this.filterbank) applyFilterbank(this.filterbank, src, 0, rows, out, 0);
    else for (let i = 0; i < n; i++) out[i] = src[i]!;
  }

  /**
   * dL/d|X| (rows x bins, into `out`) from dL/dV (`dv`, rows x width) and the `deriv` of
   * {@link ValueStage.forward}.
   */
  backward(dv: Float64Array, rows: number, deriv: Float64Array, out: Float64Array): void {
    const n = rows * this.bins;
    if (this.filterbank) applyFilterbankTranspose(this.filterbank, dv, 0, rows, out, 0);
    else for (let i = 0; i < n; i++) out[i] = dv[i]!;
    if (!this.formIsIdentity) for (let i = 0; i < n; i++) out[i]! *= deriv[i]!;
  }
}
