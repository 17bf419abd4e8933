import type { TensorLike } from '@losses/tensor';
import { l1Kernel, logCoshKernel, mseKernel } from './kernels/elementwise.js';
import { keptKernel } from './kernels/kernel.js';
import { dcKernel, esrKernel } from './kernels/ratio.js';
import { sdSdrKernel, siSdrKernel, snrKernel } from './kernels/sdr.js';
import { planLoss, type WaveformLoss, type WaveformValueAndGrad } from './loss.js';
import {
  type DcOptions,
  type ElementwiseOptions,
  type EsrOptions,
  type LogCoshOptions,
  type ResolvedDc,
  type ResolvedElementwise,
  type ResolvedEsr,
  type ResolvedLogCosh,
  type ResolvedPreEmphasis,
  type ResolvedSdr,
  resolveDc,
  resolveElementwise,
  resolveEsr,
  resolveLogCosh,
  resolveSdr,
  type SdrOptions,
} from './options.js';
import { type PreEmphasisFilter, planPreEmphasis } from './pre-emphasis.js';

/** The constants of an SDR kernel (every field of its resolved options). */
function sdrConstants(o: ResolvedSdr): (number | boolean | undefined)[] {
  return [o.zeroMean, o.eps, o.clipMin];
}

function filterOf(p: ResolvedPreEmphasis | undefined): PreEmphasisFilter | undefined {
  return p === undefined ? undefined : planPreEmphasis(p);
}

// ---------------------------------------------------------------------------------------------
// L1 and MSE

/**
 * Plans the L1 loss: l = (1/L) sum_i |F x_i - F t_i| per item (torch's `l1_loss` with mean
 * reduction), F the optional pre-emphasis filter (L = T without one). Gradient sign(x - t) / L
 * (sign(0) = 0, as torch). No eps.
 *
 * @param options `preEmphasis` (default none), see `PreEmphasisOptions`.
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createL1Loss(options?: ElementwiseOptions): WaveformLoss<ResolvedElementwise> {
  const o = resolveElementwise(options);
  return planLoss(l1Kernel, filterOf(o.preEmphasis), o);
}

/**
 * L1 loss of `estimate` against `target`, `[T]` or `[B, T]` of the same shape: the mean over
 * items of (1/L) sum_i |x_i - t_i| (after the pre-emphasis filter, if any).
 *
 * @throws LossInputError `SHAPE_MISMATCH`, `EMPTY`, `NON_FINITE`, `INVALID_TYPE` for bad signals,
 *   `INVALID_OPTION` for bad options.
 */
export function l1Loss(estimate: TensorLike, target: TensorLike, options?: ElementwiseOptions) {
  return createL1Loss(options).value(estimate, target);
}

/** {@link l1Loss} with its gradient w.r.t. `estimate` and every item's loss. */
export function l1LossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: ElementwiseOptions,
): WaveformValueAndGrad {
  return createL1Loss(options).valueAndGrad(estimate, target);
}

/**
 * Plans the mean squared error: l = (1/L) sum_i (F x_i - F t_i)^2 per item (torch's `mse_loss`,
 * mean), F the optional pre-emphasis filter. Gradient 2 F^T(F x - F t) / L. No eps. The value is
 * +Infinity only where the true mean square exceeds the float64 range (|x - t| > 1e154).
 *
 * @param options `preEmphasis` (default none), see `PreEmphasisOptions`.
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createMseLoss(options?: ElementwiseOptions): WaveformLoss<ResolvedElementwise> {
  const o = resolveElementwise(options);
  return planLoss(mseKernel, filterOf(o.preEmphasis), o);
}

/**
 * Mean squared error of `estimate` against `target`, `[T]` or `[B, T]` of the same shape: the
 * mean over items of (1/L) sum_i (x_i - t_i)^2 (after the pre-emphasis filter, if any).
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function mseLoss(estimate: TensorLike, target: TensorLike, options?: ElementwiseOptions) {
  return createMseLoss(options).value(estimate, target);
}

/** {@link mseLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function mseLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: ElementwiseOptions,
): WaveformValueAndGrad {
  return createMseLoss(options).valueAndGrad(estimate, target);
}

// ---------------------------------------------------------------------------------------------
// ESR, DC, log-cosh

/**
 * Plans the error-to-signal ratio (Wright & Välimäki, "Perceptual loss function for neural
 * modelling of audio systems", 2019, arXiv:1911.08922; auraloss's `ESRLoss`):
 *
 *   l = sum_i (F t_i - F x_i)^2 / (sum_i (F t_i)^2 + eps)   per item,
 *
 * F the optional pre-emphasis filter (Wright & Välimäki pair ESR with the `'hp'` filter).
 * eps (default 1e-8) is added to the target's energy, as auraloss: a silent target gives the
 * estimate's energy / eps, and l(x, x) = 0.
 *
 * @param options `eps` (1e-30 to 1), `preEmphasis`.
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createEsrLoss(options?: EsrOptions): WaveformLoss<ResolvedEsr> {
  const o = resolveEsr(options);
  return planLoss(
    keptKernel('esr', [o.eps], () => esrKernel(o.eps)),
    filterOf(o.preEmphasis),
    o,
  );
}

/**
 * Error-to-signal ratio of `estimate` against `target` (`[T]` or `[B, T]`), mean over items; see
 * {@link createEsrLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function esrLoss(estimate: TensorLike, target: TensorLike, options?: EsrOptions) {
  return createEsrLoss(options).value(estimate, target);
}

/** {@link esrLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function esrLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: EsrOptions,
): WaveformValueAndGrad {
  return createEsrLoss(options).valueAndGrad(estimate, target);
}

/**
 * Plans the DC error (Wright & Välimäki, 2019; auraloss's `DCLoss`):
 *
 *   l = (mean_i (t_i - x_i))^2 / (mean_i t_i^2 + eps)   per item.
 *
 * eps (default 1e-8) is added to the target's mean square (not its energy, unlike ESR), as
 * auraloss: a silent target gives mean(x)^2 / eps, and l(x, x) = 0.
 *
 * @param options `eps` (1e-30 to 1).
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createDcLoss(options?: DcOptions): WaveformLoss<ResolvedDc> {
  const o = resolveDc(options);
  return planLoss(
    keptKernel('dc', [o.eps], () => dcKernel(o.eps)),
    undefined,
    o,
  );
}

/**
 * DC error of `estimate` against `target` (`[T]` or `[B, T]`), mean over items; see
 * {@link createDcLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function dcLoss(estimate: TensorLike, target: TensorLike, options?: DcOptions) {
  return createDcLoss(options).value(estimate, target);
}

/** {@link dcLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function dcLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: DcOptions,
): WaveformValueAndGrad {
  return createDcLoss(options).valueAndGrad(estimate, target);
}

/**
 * Plans the log-cosh loss (Chen et al., 2019, openreview.net/forum?id=rkglvsC9Ym;
 * auraloss's `LogCoshLoss`):
 *
 *   l = (1/L) sum_i (1/a) log(cosh(a (F x_i - F t_i)) + eps)   per item,
 *
 * quadratic (a d^2 / 2) for small errors, linear (|d| - ln 2 / a) for large ones. eps (default
 * 1e-8) sits inside the log as in auraloss, so l(x, x) = log(1 + eps) / a (about 1e-8), not 0; pass
 * `eps: 0` for a loss that vanishes at x = t. Computed without overflow for any error (auraloss's
 * cosh overflows beyond |a d| = 710).
 *
 * @param options `a` (default 1; 1e-6 to 1e6), `eps` (0 or 1e-30 to 1), `preEmphasis`.
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createLogCoshLoss(options?: LogCoshOptions): WaveformLoss<ResolvedLogCosh> {
  const o = resolveLogCosh(options);
  return planLoss(
    keptKernel('logCosh', [o.a, o.eps], () => logCoshKernel(o.a, o.eps)),
    filterOf(o.preEmphasis),
    o,
  );
}

/**
 * Log-cosh loss of `estimate` against `target` (`[T]` or `[B, T]`), mean over items; see
 * {@link createLogCoshLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function logCoshLoss(estimate: TensorLike, target: TensorLike, options?: LogCoshOptions) {
  return createLogCoshLoss(options).value(estimate, target);
}

/** {@link logCoshLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function logCoshLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: LogCoshOptions,
): WaveformValueAndGrad {
  return createLogCoshLoss(options).valueAndGrad(estimate, target);
}

// ---------------------------------------------------------------------------------------------
// SNR, SI-SDR, SD-SDR

/**
 * Plans the signal-to-noise-ratio loss (auraloss's `SNRLoss`: the negated SNR in dB, so lower is
 * better):
 *
 *   l = -10 log10( sum_i t_i^2 / (sum_i (x_i - t_i)^2 + eps) + eps )   per item,
 *
 * after subtracting each signal's mean (`zeroMean`, default true). eps (default 1e-8) enters twice,
 * as in auraloss: in the noise energy and inside the log, so the loss is finite for every input; a
 * silent target gives -10 log10(eps) = 80 dB, a perfect estimate -10 log10(sum t^2 / eps + eps).
 *
 * @param options `zeroMean`, `eps` (1e-30 to 1), `clipMin` (dB floor, DAC's `clip_min`).
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createSnrLoss(options?: SdrOptions): WaveformLoss<ResolvedSdr> {
  const o = resolveSdr(options);
  return planLoss(
    keptKernel('snr', sdrConstants(o), () => snrKernel(o)),
    undefined,
    o,
  );
}

/**
 * SNR loss (negated SNR in dB) of `estimate` against `target` (`[T]` or `[B, T]`), mean over
 * items; see {@link createSnrLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function snrLoss(estimate: TensorLike, target: TensorLike, options?: SdrOptions) {
  return createSnrLoss(options).value(estimate, target);
}

/** {@link snrLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function snrLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: SdrOptions,
): WaveformValueAndGrad {
  return createSnrLoss(options).valueAndGrad(estimate, target);
}

/**
 * Plans the scale-invariant SDR loss (Le Roux, Wisdom, Erdogan & Hershey, "SDR - half-baked or
 * well done?", ICASSP 2019; auraloss's `SISDRLoss`, the negated SI-SDR in dB):
 *
 *   alpha = <x, t> / (|t|^2 + eps),   l = -10 log10( |alpha t|^2 / (|x - alpha t|^2 + eps) + eps ),
 *
 * per item after subtracting each signal's mean (`zeroMean`, default true). eps (default 1e-8)
 * enters three times, as in auraloss: in alpha's denominator, in the noise energy and inside the
 * log, so the loss is finite for every input (a silent target: 80 dB at eps = 1e-8).
 *
 * DAC's `SISDRLoss` (descript-audio-codec, `dac/nn/loss.py`) computes the same quantity with other
 * eps places and argument order: it takes `(references, estimates)`, adds eps to both <x, t> and
 * |t|^2 in alpha, does not add eps to the noise energy (so a perfect estimate is -inf and silence
 * NaN there), flattens channels into one signal per item, and offers `clip_min` (here `clipMin`)
 * and `scaling=False` (here {@link snrLoss}, whose noise energy has eps). Both are negated and
 * zero-mean by default with mean reduction; where eps is negligible they give the same number.
 *
 * @param options `zeroMean`, `eps` (1e-30 to 1), `clipMin` (dB floor).
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createSiSdrLoss(options?: SdrOptions): WaveformLoss<ResolvedSdr> {
  const o = resolveSdr(options);
  return planLoss(
    keptKernel('siSdr', sdrConstants(o), () => siSdrKernel(o)),
    undefined,
    o,
  );
}

/**
 * SI-SDR loss (negated SI-SDR in dB) of `estimate` against `target` (`[T]` or `[B, T]`), mean
 * over items; see {@link createSiSdrLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function siSdrLoss(estimate: TensorLike, target: TensorLike, options?: SdrOptions) {
  return createSiSdrLoss(options).value(estimate, target);
}

/** {@link siSdrLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function siSdrLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: SdrOptions,
): WaveformValueAndGrad {
  return createSiSdrLoss(options).valueAndGrad(estimate, target);
}

/**
 * Plans the scale-dependent SDR loss (Le Roux et al., ICASSP 2019; auraloss's `SDSDRLoss`, the
 * negated SD-SDR in dB): SI-SDR's numerator over the unscaled residual,
 *
 *   alpha = <x, t> / (|t|^2 + eps),   l = -10 log10( |alpha t|^2 / (|x - t|^2 + eps) + eps ),
 *
 * per item after subtracting each signal's mean (`zeroMean`, default true), eps (default 1e-8)
 * in the same three places as {@link createSiSdrLoss}. Unlike SI-SDR it penalises a wrong gain.
 *
 * @param options `zeroMean`, `eps` (1e-30 to 1), `clipMin` (dB floor).
 * @throws LossInputError `INVALID_OPTION` for a bad or unknown option.
 */
export function createSdSdrLoss(options?: SdrOptions): WaveformLoss<ResolvedSdr> {
  const o = resolveSdr(options);
  return planLoss(
    keptKernel('sdSdr', sdrConstants(o), () => sdSdrKernel(o)),
    undefined,
    o,
  );
}

/**
 * SD-SDR loss (negated SD-SDR in dB) of `estimate` against `target` (`[T]` or `[B, T]`), mean
 * over items; see {@link createSdSdrLoss}.
 *
 * @throws LossInputError as {@link l1Loss}.
 */
export function sdSdrLoss(estimate: TensorLike, target: TensorLike, options?: SdrOptions) {
  return createSdSdrLoss(options).value(estimate, target);
}

/** {@link sdSdrLoss} with its gradient w.r.t. `estimate` and every item's loss. */
export function sdSdrLossValueAndGrad(
  estimate: TensorLike,
  target: TensorLike,
  options?: SdrOptions,
): WaveformValueAndGrad {
  return createSdSdrLoss(options).valueAndGrad(estimate, target);
}
