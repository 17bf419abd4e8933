/**
 * The logarithmic compressions the perceptual references use, as pure functions with their
 * derivatives: a natural, base-10 or decibel logarithm of the magnitude (or band value) x with a
 * floor at eps, either additive or clamped, and a power inside the logarithm.
 *
 *   p(x) = g * power * log_b(f(x)),   f(x) = x + eps (floor 'add')  or  max(x, eps) (floor 'clamp')
 *
 * with (b, g) = (e, 1) for 'log', (10, 1) for 'log10', (10, 20) for 'db'. The references:
 * - HiFi-GAN (jik876/hifi-gan, `meldataset.py`, `dynamic_range_compression_torch`):
 *   log(clamp(x, min=1e-5) * 1) = { kind: 'log', floor: 'clamp', eps: 1e-5 };
 * - DAC (descriptinc/descript-audio-codec, `dac/nn/loss.py`, `MelSpectrogramLoss`):
 *   x.clamp(eps).pow(p).log10() = { kind: 'log10', floor: 'clamp', eps, power: p } (log10 of the
 *   power is p log10 of the base; the two differ by rounding only, and the clamp keeps the base
 *   >= eps, so neither form under- or overflows);
 * - auraloss (`STFTMagnitudeLoss`): log(log_fac x + log_eps), and today's log(x + eps):
 *   { kind: 'log', floor: 'add', eps }.
 *
 * Derivatives, with c = g * power / ln b:
 * - floor 'add': p'(x) = c / (x + eps);
 * - floor 'clamp': p'(x) = c / x for x >= eps, 0 for x < eps. At x = eps exactly the gradient
 *   passes, as torch's clamp(min) backward does (`where(self >= min, grad, 0)`, checked with torch
 *   1.13: d/dx log(clamp(x, 1e-5)) at x = 1e-5 is 1e5); below the floor the compressed value is the
 *   constant g * power * log_b(eps) and the gradient is 0.
 */

/** A logarithmic compression form (see the module comment). */
export interface LogForm {
  /** 'log' (natural), 'log10', or 'db' (20 log10). */
  readonly kind: 'log' | 'log10' | 'db';
  /** 'add': log(x + eps); 'clamp': log(max(x, eps)). */
  readonly floor: 'add' | 'clamp';
  /** The floor, >= 0 (with eps = 0 the magnitude must be floored elsewhere, or x > 0). */
  readonly eps: number;
  /** The power inside the logarithm: log(f(x)^power) = power log f(x). */
  readonly power: number;
}

/** g / ln b of a form: the factor of ln f(x). */
export function logFormFactor(form: LogForm): number {
  switch (form.kind) {
    case 'log':
      return form.power;
    case 'log10':
      return form.power / Math.LN10;
    case 'db':
      return (20 * form.power) / Math.LN10;
  }
}

/** p(x) of one value. */
export function logFormValue(form: LogForm, x: number): number {
  const v = form.floor === 'add' ? x + form.eps : Math.max(x, form.eps);
  switch (form.kind) {
    case 'log':
      return form.power * Math.log(v);
    case 'log10':
      return form.power * Math.log10(v);
    case 'db':
      return 20 * form.power * Math.log10(v);
  }
}

/** p'(x) of one value (0 below a clamp floor; the gradient passes at x = eps). */
export function logFormDerivative(form: LogForm, x: number): number {
  const c = logFormFactor(form);
  if (form.floor === 'add') return c / (x + form.eps);
  return x >= form.eps ? c / x : 0;
}

/**
 * Applies p to `x` (length n) into `out` and, when `deriv` is given, p'(x) into `deriv` (the
 * signature of the loss's `compress`).
 */
export function applyLogForm(
  form: LogForm,
  x: ArrayLike<number>,
  n: number,
  out: Float64Array,
  deriv?: Float64Array,
): void {
  const eps = form.eps;
  const c = logFormFactor(form);
  const k = form.kind === 'db' ? 20 * form.power : form.power;
  const log = form.kind === 'log' ? Math.log : Math.log10;
  if (form.floor === 'add') {
    for (let i = 0; i < n; i++) {
      const v = x[i]! + eps;
      out[i] = k * log(v);
      if (deriv) deriv[i] = c / v;
    }
    return;
  }
  const floorValue = k * log(eps);
  // One loop per logarithm (a call through a variable costs V8 more than the logarithm).
  if (form.kind === 'log') {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = v >= eps ? k * Math.log(v) : floorValue;
    }
  } else {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      out[i] = v >= eps ? k * Math.log10(v) : floorValue;
    }
  }
  if (deriv) {
    for (let i = 0; i < n; i++) {
      const v = x[i]!;
      deriv[i] = v >= eps ? c / v : 0;
    }
  }
}
