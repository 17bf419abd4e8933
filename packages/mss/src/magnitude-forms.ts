/**
 * What the filterbank receives from a magnitude m = |X| (as the STFT gives it, exact or floored by
 * `magnitudeEps`): S = (sqrt(m^2 + offset))^power, with its derivative dS/dm.
 *
 * - `offset` (HiFi-GAN's `torch.sqrt(spec.pow(2).sum(-1) + 1e-9)`, jik876/hifi-gan `meldataset.py`):
 *   sqrt(re^2 + im^2 + offset). Written on top of m: sqrt(m^2 + offset) with d/dm = m / sqrt(m^2 +
 *   offset), which chained with dm/d(re, im) = (re, im) / m gives (re, im) / sqrt(p + offset), the
 *   gradient of the reference, also where m = 0 (both are 0 there). m^2 may underflow for m below
 *   1e-154; then S = sqrt(offset), which is what the reference computes too.
 * - `power` (torchaudio's `Spectrogram(power)`): 1 for magnitudes, 2 for power spectra:
 *   S = v^power, dS/dm = power v^(power - 1) dv/dm (2 m for the exact magnitude, smooth at 0).
 */

/** A validated magnitude form. */
export interface MagnitudeForm {
  /** Added to re^2 + im^2 inside the square root (0: none). */
  readonly offset: number;
  /** 1 (magnitude) or 2 (power). */
  readonly power: 1 | 2;
}

/** S(m) of one value. */
export function magnitudeFormValue(form: MagnitudeForm, m: number): number {
  if (form.offset === 0) return form.power === 1 ? m : m * m;
  const q = m * m + form.offset;
  return form.power === 1 ? Math.sqrt(q) : q;
}

/** dS/dm of one value. */
export function magnitudeFormDerivative(form: MagnitudeForm, m: number): number {
  if (form.offset === 0) return form.power === 1 ? 1 : 2 * m;
  return form.power === 1 ? m / Math.sqrt(m * m + form.offset) : 2 * m;
}

/**
 * Applies S to the magnitudes `m` (length n) into `out` and, when `deriv` is given, dS/dm into
 * `deriv`. The identity form (offset 0, power 1) copies.
 */
export function applyMagnitudeForm(
  form: MagnitudeForm,
  m: ArrayLike<number>,
  n: number,
  out: Float64Array,
  deriv?: Float64Array,
): void {
  // The same numbers as magnitudeFormValue / magnitudeFormDerivative, one loop per form (the
  // per-element calls and branches cost more than the arithmetic in V8).
  const { offset, power } = form;
  if (offset === 0 && power === 1) {
    for (let i = 0; i < n; i++) out[i] = m[i]!;
    if (deriv) deriv.fill(1, 0, n);
  } else if (offset === 0) {
    for (let i = 0; i < n; i++) out[i] = m[i]! * m[i]!;
    if (deriv) for (let i = 0; i < n; i++) deriv[i] = 2 * m[i]!;
  } else if (power === 1) {
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      out[i] = Math.sqrt(v * v + offset);
    }
    if (deriv) for (let i = 0; i < n; i++) deriv[i] = m[i]! / out[i]!;
  } else {
    for (let i = 0; i < n; i++) {
      const v = m[i]!;
      out[i] = v * v + offset;
    }
    if (deriv) for (let i = 0; i < n; i++) deriv[i] = 2 * m[i]!;
  }
}
