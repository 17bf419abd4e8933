import type { ResolvedSdr } from '../options.js';
import type { ItemKernel, KernelOut } from './kernel.js';

/** 10 / ln 10: d(10 log10 v) = C dv / v. */
const C = 10 / Math.LN10;
/** The smallest positive normal float64. */
const MIN_NORMAL = 2 ** -1022;

/** log10(10^p + 10^q) without overflow; -Infinity stands for log10(0). */
function log10Sum(p: number, q: number): number {
  const hi = Math.max(p, q);
  const lo = Math.min(p, q);
  if (lo === Number.NEGATIVE_INFINITY) return hi;
  return hi + Math.log10(1 + 10 ** (lo - hi));
}

/**
 * The loss -10 log10(N / (E + eps) + eps) of auraloss's SNR and SDR losses, from the scaled
 * energies N' = s^2 N and E' = s^2 E. The direct formula (auraloss's) where its intermediate values
 * are finite and normal; otherwise the same quantity in the log domain, which stays finite for any
 * input: log10(N / (E + eps)) = log10 N' - log10(E' + eps s^2) with both logs of true-unit sums
 * taken separately.
 */
function negDb(N: number, E: number, s: number, eps: number): { value: number; R: number } {
  const den = E + eps * s * s;
  const R = N === 0 ? 0 : N / den;
  if (R === 0 || (R < Number.POSITIVE_INFINITY && den >= MIN_NORMAL)) {
    return { value: -10 * Math.log10(R + eps), R };
  }
  const log2s = Math.log10(s) * 2;
  const logDen = log10Sum(
    E > 0 ? Math.log10(E) - log2s : Number.NEGATIVE_INFINITY,
    Math.log10(eps),
  );
  const logR = Math.log10(N) - log2s - logDen;
  return { value: -10 * log10Sum(logR, Math.log10(eps)), R };
}

function subtractMean(v: Float64Array, L: number): void {
  let m = 0;
  for (let i = 0; i < L; i++) m += v[i]!;
  m /= L;
  for (let i = 0; i < L; i++) v[i]! -= m;
}

/** The clamp of DAC's `clip_min`: the value floored, the gradient zero where it clamps. */
function clip(out: KernelOut, clipMin: number | undefined): void {
  if (clipMin !== undefined && out.value < clipMin) {
    out.value = clipMin;
    out.m = 0;
  }
}

/**
 * Signal-to-noise ratio loss of one item (auraloss's `SNRLoss`; the sign makes it a loss):
 *   l = -10 log10( sum t^2 / (sum (x - t)^2 + eps) + eps ),
 * after subtracting each signal's mean when `zeroMean`. With R = sum t^2 / (sum (x - t)^2 + eps):
 *   dl/dx = (10 / ln 10) R / (R + eps) * 2 (x - t) / (sum (x - t)^2 + eps)
 * (projected to zero mean with `zeroMean`). A silent target gives -10 log10(eps) (80 dB at
 * eps = 1e-8); a perfect estimate -10 log10(sum t^2 / eps + eps).
 */
export function snrKernel(o: ResolvedSdr): ItemKernel {
  return (y, z, L, s, h, out) => {
    if (o.zeroMean) {
      subtractMean(y, L);
      subtractMean(z, L);
    }
    let N = 0;
    let E = 0;
    for (let i = 0; i < L; i++) {
      const r = y[i]! - z[i]!;
      N += z[i]! * z[i]!;
      E += r * r;
      if (h) h[i] = r;
    }
    const { value, R } = negDb(N, E, s, o.eps);
    out.value = value;
    // R / (R + eps), written to stay finite for R = Infinity.
    const rho = R === 0 ? 0 : 1 / (1 + o.eps / R);
    out.m = rho === 0 ? 0 : (2 * C * s * rho) / (E + o.eps * s * s);
    if (h && o.zeroMean) subtractMean(h, L);
    clip(out, o.clipMin);
  };
}

/**
 * Scale-invariant SDR loss of one item (Le Roux, Wisdom, Erdogan & Hershey, "SDR - half-baked or
 * well done?", ICASSP 2019; auraloss's `SISDRLoss`, negated SI-SDR in dB):
 *   alpha = <x, t> / (|t|^2 + eps),  e = alpha t,  r = x - e,
 *   l = -10 log10( |e|^2 / (|r|^2 + eps) + eps ),
 * after subtracting each signal's mean when `zeroMean`. With D = |t|^2 + eps, R = |e|^2 / (|r|^2
 * + eps), and <r, t> = alpha eps:
 *   dl/dx = -(10 / ln 10) / ((R + eps)(|r|^2 + eps)) * [ (2 alpha / D)(|t|^2 + R eps) t - 2 R r ],
 * evaluated in the cancellation-free form below.
 */
export function siSdrKernel(o: ResolvedSdr): ItemKernel {
  return (y, z, L, s, h, out) => {
    if (o.zeroMean) {
      subtractMean(y, L);
      subtractMean(z, L);
    }
    const eps2 = o.eps * s * s;
    let St = 0;
    let P = 0;
    for (let i = 0; i < L; i++) {
      St += z[i]! * z[i]!;
      P += y[i]! * z[i]!;
    }
    const D = St + eps2;
    const alpha = D === 0 ? 0 : P / D;
    let N = 0;
    let E = 0;
    for (let i = 0; i < L; i++) {
      const e = z[i]! * alpha;
      const r = y[i]! - e;
      N += e * e;
      E += r * r;
      if (h) h[i] = r;
    }
    const { value, R } = negDb(N, E, s, o.eps);
    out.value = value;
    if (h) {
      // With x = beta t + w, w orthogonal to t (beta = <x, t> / |t|^2), the bracket above is
      //   2 (R + eps) [ beta (R (eps/D)^2 - (|t|^2/D)^2) t / (R + eps) + R w / (R + eps) ],
      // which avoids the cancellation between r and alpha t of the direct form (for an estimate
      // that is a multiple of the target both are eps-sized and nearly equal). Every factor is a
      // ratio in [0, 1] or 1 / (R + eps) <= 1 / eps, and beta t_i <= |x|, so nothing overflows.
      const rho = 1 / (R + o.eps); // 0 for R = Infinity
      const rhoR = R === 0 ? 0 : 1 / (1 + o.eps / R); // R / (R + eps)
      const beta = St === 0 ? 0 : P / St;
      const ratioEps = D === 0 ? 0 : eps2 / D;
      const ratioSt = D === 0 ? 0 : St / D;
      const k = rhoR * ratioEps * ratioEps - rho * ratioSt * ratioSt;
      for (let i = 0; i < L; i++) {
        const bt = beta * z[i]!;
        h[i] = k * bt + rhoR * (y[i]! - bt);
      }
      if (o.zeroMean) subtractMean(h, L);
    }
    out.m = (2 * C * s) / (E + eps2);
    clip(out, o.clipMin);
  };
}

/**
 * Scale-dependent SDR loss of one item (Le Roux et al., ICASSP 2019; auraloss's `SDSDRLoss`):
 * the numerator of SI-SDR with the unscaled residual,
 *   alpha = <x, t> / (|t|^2 + eps),  l = -10 log10( |alpha t|^2 / (|x - t|^2 + eps) + eps ),
 * after subtracting each signal's mean when `zeroMean`. With D = |t|^2 + eps and
 * R = |alpha t|^2 / (|x - t|^2 + eps):
 *   dl/dx = -(10 / ln 10) / ((R + eps)(|x - t|^2 + eps)) * [ 2 alpha (|t|^2 / D) t - 2 R (x - t) ].
 */
export function sdSdrKernel(o: ResolvedSdr): ItemKernel {
  return (y, z, L, s, h, out) => {
    if (o.zeroMean) {
      subtractMean(y, L);
      subtractMean(z, L);
    }
    const eps2 = o.eps * s * s;
    let St = 0;
    let P = 0;
    for (let i = 0; i < L; i++) {
      St += z[i]! * z[i]!;
      P += y[i]! * z[i]!;
    }
    const D = St + eps2;
    const alpha = D === 0 ? 0 : P / D;
    let N = 0;
    let E = 0;
    for (let i = 0; i < L; i++) {
      const e = z[i]! * alpha;
      const d = y[i]! - z[i]!;
      N += e * e;
      E += d * d;
      if (h) h[i] = d;
    }
    const { value, R } = negDb(N, E, s, o.eps);
    out.value = value;
    if (h) {
      // h = R/(R+eps) (x - t) - alpha (|t|^2 / D) t / (R + eps), with alpha t = e.
      const rho = 1 / (R + o.eps);
      const rhoR = R === 0 ? 0 : 1 / (1 + o.eps / R);
      const kappa = D === 0 ? 0 : rho * (St / D);
      for (let i = 0; i < L; i++) h[i] = rhoR * h[i]! - kappa * (z[i]! * alpha);
      if (o.zeroMean) subtractMean(h, L);
    }
    out.m = (2 * C * s) / (E + eps2);
    clip(out, o.clipMin);
  };
}
