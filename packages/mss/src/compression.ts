/**
 * Magnitude compressions p(x) of the multi-scale spectral loss and their derivatives p'(x).
 *
 * Schwär & Müller, "Multi-Scale Spectral Loss Revisited", IEEE SPL 30, 2023, call the compression
 * axis C: Y(m, k) = p(|X(m, k)|), with p linear, logarithmic or log(1 + gamma x).
 */

/** The compression kinds. */
export type CompressionKind = 'linear' | 'log' | 'log1p' | 'db' | 'safeLog';

/** A compression with all its parameters filled in (as `config.compressions` lists them). */
export type ResolvedCompression =
  | { readonly kind: 'linear'; readonly weight: number }
  | { readonly kind: 'log'; readonly eps: number; readonly weight: number }
  | { readonly kind: 'log1p'; readonly gamma: number; readonly weight: number }
  | { readonly kind: 'db'; readonly eps: number; readonly weight: number }
  | { readonly kind: 'safeLog'; readonly eps: number; readonly weight: number };

const LN10 = Math.LN10;

/**
 * Applies p to `mag` (length n) into `out` and, when `deriv` is given, p'(mag) into `deriv`.
 *
 * - linear: p(x) = x, p' = 1
 * - log: p(x) = log(x + eps), p' = 1 / (x + eps)
 * - log1p: p(x) = log(1 + gamma x), p' = gamma / (1 + gamma x) (Math.log1p: log(1 + gamma x)
 *   would be 0 for gamma x below 1e-16, and a loss of quiet signals all rounding)
 * - db: p(x) = 20 log10(x + eps), p' = 20 / (ln 10 (x + eps))
 * - safeLog (DDSP's `core.safe_log`): p(x) = log x for x > 0, log eps for x <= 0; p' = 1/x or 0
 */
export function compress(
  c: ResolvedCompression,
  mag: ArrayLike<number>,
  n: number,
  out: Float64Array,
  deriv?: Float64Array,
): void {
  switch (c.kind) {
    case 'linear':
      for (let i = 0; i < n; i++) out[i] = mag[i]!;
      if (deriv) deriv.fill(1, 0, n);
      return;
    case 'log': {
      const eps = c.eps;
      if (deriv) {
        for (let i = 0; i < n; i++) {
          const v = mag[i]! + eps;
          out[i] = Math.log(v);
          deriv[i] = 1 / v;
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = Math.log(mag[i]! + eps);
      }
      return;
    }
    case 'log1p': {
      const g = c.gamma;
      if (deriv) {
        for (let i = 0; i < n; i++) {
          const gx = g * mag[i]!;
          out[i] = Math.log1p(gx);
          deriv[i] = g / (1 + gx);
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = Math.log1p(g * mag[i]!);
      }
      return;
    }
    case 'db': {
      const eps = c.eps;
      const k = 20 / LN10;
      if (deriv) {
        for (let i = 0; i < n; i++) {
          const v = mag[i]! + eps;
          out[i] = k * Math.log(v);
          deriv[i] = k / v;
        }
      } else {
        for (let i = 0; i < n; i++) out[i] = k * Math.log(mag[i]! + eps);
      }
      return;
    }
    case 'safeLog': {
      const logEps = Math.log(c.eps);
      for (let i = 0; i < n; i++) {
        const x = mag[i]!;
        if (x > 0) {
          out[i] = Math.log(x);
          if (deriv) deriv[i] = 1 / x;
        } else {
          out[i] = logEps;
          if (deriv) deriv[i] = 0;
        }
      }
      return;
    }
  }
}
