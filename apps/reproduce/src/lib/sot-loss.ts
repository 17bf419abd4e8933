/**
 * Spectral optimal transport (SOT; Torres, Peeters & Richard, ICASSP 2024) as a loss on signals,
 * for the studies, until the Wasserstein distance is registered in the MSS engines (then
 * `createMssLoss('sot')` replaces this file): per scale of `sotPreset` the STFT magnitudes of
 * @losses/stft, a compression, `createSpectralWassersteinLoss` of @losses/mss over the frames, its
 * gradient pulled back through the STFT; the sum over scales. With `sotPreset` it is the number of
 * sot-loss's `MultiResolutionSOTLoss()` (packages/mss/test/sot-preset.test.ts checks the same
 * composition against it).
 */
import {
  createSpectralWassersteinLoss,
  type SotPresetOptions,
  type SpectralWassersteinLoss,
  sotPreset,
} from '@losses/mss';
import { createStft, type StftPlan, type WindowKind } from '@losses/stft';
import { keepFloat64 } from '@losses/stft/internal';
import { type Tensor, type TensorLike, tensor, toTensor } from '@losses/tensor';

/**
 * What the frames are before they are normalised: `'linear'` |X| (the preset, sot-loss's default),
 * `'power'` |X|^2 (sot-loss's `square_magnitude=True`, the paper's setting), `'log1p'` log(1 + |X|).
 */
export type SotCompression = 'linear' | 'power' | 'log1p';

/** Options of {@link createSotLoss}: the preset (default `sotPreset`) and a compression. */
export interface SotLossOptions {
  preset?: Readonly<SotPresetOptions>;
  compression?: SotCompression;
}

/** SOT bound to one target signal. */
export interface SotWithTarget {
  /** The loss of one estimate `[T]`. */
  value(estimate: TensorLike): number;
  /** The loss of every item of `[B, T]` estimates (each against the target). */
  perItem(estimates: TensorLike): Float64Array;
  /** The mean over the items of `[T]` or `[B, T]` estimates and its gradient (their shape). */
  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor };
}

/** The planned loss: `withTarget` as @losses/metrics' `sinusoidGra` and the studies use it. */
export interface SotLoss {
  withTarget(target: TensorLike): SotWithTarget;
}

interface Compressed {
  y: Tensor;
  /** dy/d|X| per element (undefined for linear). */
  deriv: Float64Array | undefined;
}

function compress(mag: Tensor, kind: SotCompression, wantDeriv: boolean): Compressed {
  if (kind === 'linear') return { y: mag, deriv: undefined };
  const x = mag.data;
  const y = new Float64Array(x.length);
  const deriv = wantDeriv ? new Float64Array(x.length) : undefined;
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    if (kind === 'power') {
      y[i] = v * v;
      if (deriv) deriv[i] = 2 * v;
    } else {
      y[i] = Math.log1p(v);
      if (deriv) deriv[i] = 1 / (1 + v);
    }
  }
  return { y: tensor(y, mag.shape), deriv };
}

class Bound implements SotWithTarget {
  constructor(
    private readonly plans: readonly StftPlan[],
    private readonly w: SpectralWassersteinLoss,
    private readonly kind: SotCompression,
    private readonly target: readonly Tensor[],
  ) {}

  private batch(estimate: TensorLike): { e: Tensor; B: number } {
    const e = toTensor(estimate, { name: 'estimate', rank: [1, 2] });
    const B = e.shape.length === 2 ? e.shape[0]! : 1;
    return { e: e.shape.length === 2 ? e : tensor(e.data, [1, e.shape[0]!]), B };
  }

  perItem(estimates: TensorLike): Float64Array {
    const { e, B } = this.batch(estimates);
    const out = new Float64Array(B);
    this.plans.forEach((plan, s) => {
      const y = compress(plan.magnitude(e), this.kind, false).y;
      const v = this.w.perItem(y, this.target[s]!).data;
      for (let b = 0; b < B; b++) out[b]! += v[b]!;
    });
    return out;
  }

  value(estimate: TensorLike): number {
    const v = this.perItem(estimate);
    return v.reduce((a, b) => a + b, 0) / v.length;
  }

  valueAndGrad(estimate: TensorLike): { value: number; grad: Tensor } {
    const original = toTensor(estimate, { name: 'estimate', rank: [1, 2] });
    const { e, B } = this.batch(original);
    const grad = new Float64Array(e.data.length);
    let value = 0;
    this.plans.forEach((plan, s) => {
      const r = plan.magnitudeWithVjp(e);
      const { y, deriv } = compress(r.magnitude, this.kind, true);
      const vg = this.w.valueAndGrad(y, this.target[s]!);
      value += vg.value;
      let dMag = vg.grad.data;
      if (deriv) {
        const d = new Float64Array(dMag.length);
        for (let i = 0; i < d.length; i++) d[i] = dMag[i]! * deriv[i]!;
        dMag = d;
      }
      const g = r.vjp(tensor(dMag, r.magnitude.shape)).data;
      for (let i = 0; i < grad.length; i++) grad[i]! += g[i]!;
    });
    return { value, grad: tensor(grad, original.shape) };
  }
}

/**
 * SOT over STFT magnitudes with the settings of `sotPreset` (or another preset of that shape).
 * `withTarget(target [T])` computes the target's spectra once.
 */
export function createSotLoss(options: SotLossOptions = {}): SotLoss {
  const preset = options.preset ?? sotPreset;
  const kind = options.compression ?? 'linear';
  const d = preset.distance;
  const w = createSpectralWassersteinLoss({
    p: d.p,
    positions: d.positions,
    eps: d.eps,
    reduction: preset.reduction ?? 'mean',
  });
  // float64 transforms for float32 estimates too: value and valueAndGrad give the same numbers
  const plans = preset.sizes.map((size, s) =>
    keepFloat64(
      createStft({
        size,
        hop: preset.hops[s]!,
        window: (preset.window ?? 'hann') as WindowKind,
        center: preset.center ?? true,
        padMode: preset.padMode ?? 'reflect',
      }),
    ),
  );
  return {
    withTarget(target: TensorLike): SotWithTarget {
      const t = toTensor(target, { name: 'target', rank: 1, dtype: 'float64' });
      const spectra = plans.map((plan) => compress(plan.magnitude(t), kind, false).y);
      return new Bound(plans, w, kind, spectra);
    },
  };
}
