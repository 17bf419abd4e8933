/**
 * Magnitude compressions p(x) of the multi-scale spectral loss and their derivatives p'(x), in one
 * place for both engines.
 *
 * Schwär & Müller, "Multi-Scale Spectral Loss Revisited", IEEE SPL 30, 2023, call the compression
 * axis C: Y(m, k) = p(|X(m, k)|), with p linear, logarithmic or log(1 + gamma x). Every
 * logarithmic kind here is one form,
 *
 *   p(x) = a log(b + c x),   p'(x) = a c / (b + c x),
 *
 * - log: a = 1, b = eps, c = 1
 * - db: 20 log10(x + eps): a = 20 / ln 10, b = eps, c = 1
 * - log1p: log(1 + gamma x): a = 1, b = 1, c = gamma, evaluated as log1p(gamma x) (log(1 + gamma x)
 *   would be 0 for gamma x below 1e-16, and a loss of quiet signals all rounding)
 * - safeLog (DDSP's `core.safe_log`): a = 1, b = 0, c = 1 for x > 0; log eps (p' = 0) for x <= 0
 *
 * The JavaScript engine evaluates it here ({@link compress}, {@link logValues}); the WebAssembly
 * loop (wasm/mss.wat) takes the same a, b, c and eps from {@link logForm}.
 */

import { applyLogForm, type LogForm as FloorLogForm } from './compression-forms.js';

/** The compression kinds. */
export type CompressionKind = 'linear' | 'log' | 'log1p' | 'db' | 'safeLog';

/** A compression with all its parameters filled in (as `config.compressions` lists them). */
export type ResolvedCompression =
  | { readonly kind: 'linear'; readonly weight: number }
  | { readonly kind: 'log'; readonly eps: number; readonly weight: number }
  | { readonly kind: 'log1p'; readonly gamma: number; readonly weight: number }
  | { readonly kind: 'db'; readonly eps: number; readonly weight: number }
  | { readonly kind: 'safeLog'; readonly eps: number; readonly weight: number }
  /** Issue 14: g power log_b(x + eps) or g power log_b(max(x, eps)) (compression-forms.ts). */
  | { readonly kind: 'floorLog'; readonly form: FloorLogForm; readonly weight: number };

/** The parameters of a logarithmic compression p(x) = a log(b + c x) (see the file's comment). */
export interface LogForm {
  /** How the log is taken: log(b + c x), log1p(c x) (b = 1), or log x with a floor at x <= 0. */
  readonly kind: 'log' | 'log1p' | 'safeLog';
  readonly a: number;
  readonly b: number;
  readonly c: number;
  /** safeLog only: p = log eps where x <= 0 (else 0). */
  readonly eps: number;
}

/**
 * The form a log(b + c x) of a compression; null for the linear one. Not for `floorLog` (a clamp
 * is not of this form): the engines that use this (the fused loop, WebAssembly) do not take it.
 */
export function logForm(c: ResolvedCompression): LogForm | null {
  switch (c.kind) {
    case 'floorLog':
      throw new Error('logForm: a floorLog compression has no form a log(b + c x)');
    case 'linear':
      return null;
    case 'log':
      return { kind: 'log', a: 1, b: c.eps, c: 1, eps: 0 };
    case 'db':
      return { kind: 'log', a: 20 / Math.LN10, b: c.eps, c: 1, eps: 0 };
    case 'log1p':
      return { kind: 'log1p', a: 1, b: 1, c: c.gamma, eps: 0 };
    case 'safeLog':
      return { kind: 'safeLog', a: 1, b: 0, c: 1, eps: c.eps };
  }
}

/** y[i] = p(mag[off + i]) for i < n, p = a log(b + c x) of `f`. */
export function logValues(
  f: LogForm,
  mag: ArrayLike<number>,
  off: number,
  n: number,
  y: Float64Array,
): void {
  const { a, b, c } = f;
  switch (f.kind) {
    case 'log':
      for (let i = 0; i < n; i++) y[i] = a * Math.log(b + c * mag[off + i]!);
      return;
    case 'log1p':
      for (let i = 0; i < n; i++) y[i] = a * Math.log1p(c * mag[off + i]!);
      return;
    case 'safeLog': {
      const floor = Math.log(f.eps);
      for (let i = 0; i < n; i++) {
        const x = mag[off + i]!;
        y[i] = x > 0 ? a * Math.log(b + c * x) : floor;
      }
    }
  }
}

/**
 * Applies p to `mag` (length n) into `out` and, when `deriv` is given, p'(mag) into `deriv`
 * (linear: p(x) = x, p' = 1; the logarithmic kinds as in the file's comment).
 */
export function compress(
  c: ResolvedCompression,
  mag: ArrayLike<number>,
  n: number,
  out: Float64Array,
  deriv?: Float64Array,
): void {
  if (c.kind === 'floorLog') {
    applyLogForm(c.form, mag, n, out, deriv);
    return;
  }
  const f = logForm(c);
  if (f === null) {
    for (let i = 0; i < n; i++) out[i] = mag[i]!;
    if (deriv) deriv.fill(1, 0, n);
    return;
  }
  logValues(f, mag, 0, n, out);
  if (!deriv) return;
  const ac = f.a * f.c;
  for (let i = 0; i < n; i++) {
    const x = mag[i]!;
    deriv[i] = f.kind === 'safeLog' && !(x > 0) ? 0 : ac / (f.b + f.c * x);
  }
}
