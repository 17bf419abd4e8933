import { checkBoolean, checkKeys, checkNumber, checkOneOf } from '@losses/tensor';

/** The window shapes {@link getWindow} knows, named as `scipy.signal.get_window` names them. */
export type WindowKind = 'rectangular' | 'hann' | 'hamming' | 'blackman' | 'flattop';

/** Every {@link WindowKind}, in a fixed order. */
export const WINDOW_KINDS: readonly WindowKind[] = [
  'rectangular',
  'hann',
  'hamming',
  'blackman',
  'flattop',
];

/**
 * Cosine-sum coefficients a_k of w[j] = sum_k a_k cos(k * phi_j), phi_j running from -pi to pi
 * (scipy.signal.windows.general_cosine). Flat top: D'Antona & Ferrero, "Digital Signal
 * Processing for Measurement Systems" (2005), p. 48, as scipy uses them.
 */
const COSINE_COEFFICIENTS: Record<Exclude<WindowKind, 'rectangular'>, readonly number[]> = {
  hann: [0.5, 0.5],
  hamming: [0.54, 0.46],
  blackman: [0.42, 0.5, 0.08],
  flattop: [0.21557895, 0.41663158, 0.277263158, 0.083578947, 0.006947368],
};

/** Options of {@link getWindow}. */
export interface WindowOptions {
  /**
   * `true` (default): the periodic window for spectral analysis (scipy `fftbins=True`, torch
   * `periodic=True`): the symmetric window of length n + 1 without its last sample.
   * `false`: the symmetric window (for filter design).
   */
  periodic?: boolean;
}

/**
 * A window of `n` samples, equal to `scipy.signal.get_window(kind, n, fftbins=periodic)`
 * (within 1e-12).
 *
 * - `'rectangular'`: all ones (scipy `'boxcar'`).
 * - `'hann'`, `'hamming'`, `'blackman'`, `'flattop'`: cosine sums
 *   w[j] = sum_k a_k cos(k phi_j), phi_j = -pi + 2 pi j / (M - 1), j = 0..M-1, with
 *   M = n + 1 (periodic, last sample dropped) or M = n (symmetric).
 *
 * @param kind The window shape.
 * @param n Length in samples, an integer >= 1.
 * @param options `{ periodic = true }`.
 * @returns A new Float64Array of length `n`.
 * @throws LossInputError `INVALID_OPTION` for an unknown kind, a bad length or unknown options.
 */
export function getWindow(kind: WindowKind, n: number, options?: WindowOptions): Float64Array {
  checkOneOf(kind, 'kind', WINDOW_KINDS);
  checkNumber(n, 'n', { integer: true, min: 1 });
  checkKeys(options, 'options', ['periodic']);
  const periodic =
    options?.periodic === undefined ? true : checkBoolean(options.periodic, 'options.periodic');
  return windowValues(kind, n, periodic);
}

/** {@link getWindow} without validation (for callers that validated already). */
export function windowValues(kind: WindowKind, n: number, periodic: boolean): Float64Array {
  const out = new Float64Array(n);
  // scipy's _len_guards: a window of length <= 1 is all ones, periodic or not.
  if (kind === 'rectangular' || n === 1) {
    out.fill(1);
    return out;
  }
  const a = COSINE_COEFFICIENTS[kind];
  const m = periodic ? n + 1 : n;
  // numpy.linspace(-pi, pi, m): start + j * step, last point exactly pi.
  const step = (2 * Math.PI) / (m - 1);
  for (let j = 0; j < n; j++) {
    const phi = j === m - 1 ? Math.PI : -Math.PI + j * step;
    let w = 0;
    for (let k = 0; k < a.length; k++) w += a[k]! * Math.cos(k * phi);
    out[j] = w;
  }
  return out;
}
