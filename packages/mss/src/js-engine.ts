/**
 * The JavaScript engine of the multi-scale spectral loss (see engine.ts): one STFT plan per scale
 * (made once), target spectrograms prepared once, and the loss with its gradient w.r.t. the
 * estimate and, for the tfjs op, w.r.t. the target.
 *
 * Per item, with Y_{N,p} = p(|STFT_N(x)|) for the target x and Y^ for the estimate x^
 * (Schwär & Müller, "Multi-Scale Spectral Loss Revisited", IEEE SPL 30, 2023):
 *   L = R_N [ sum_p w_p d(Y^_{N,p}, Y_{N,p}) + w_sc ||Y_N - Y^_N||_F / ||Y_N||_F ]
 * where R_N is the sum (or mean) over scales, d the distance reduced by sum or mean over the
 * spectrogram's elements, and the spectral convergence (Arik et al. 2018) uses linear magnitudes.
 */
import { createStft, type StftPlan } from '@losses/stft';
import { keepFloat64 } from '@losses/stft/internal';
import type { FloatArray, Tensor } from '@losses/tensor';
import { arrayType, dtypeOf, formatShape, LossInputError, tensor } from '@losses/tensor';
import { compress } from './compression.js';
import { type DistanceKind, distance } from './distance.js';
import {
  dataOf,
  type EngineTarget,
  type Evaluation,
  type EvaluationRequest,
  type MssEngine,
} from './engine.js';
import { fusedSum } from './fused.js';
import { normOf } from './norm.js';
import { type MssConfig, stftOptionsOf } from './options.js';
import { isWasserstein, ScaleWasserstein } from './wasserstein-distance.js';

/** One scale of a prepared target: its spectrograms for every item. */
interface TargetScale {
  readonly frames: number;
  readonly bins: number;
  /** Linear magnitudes [items * frames * bins] (kept when the spectral convergence needs them). */
  readonly mag: Float64Array | undefined;
  /** ||Y||_F per item (spectral convergence). */
  readonly norm: Float64Array | undefined;
  /** p(|Y|) per compression [items * frames * bins]. */
  readonly compressed: readonly Float64Array[];
  /** p'(|Y|) per compression (only when the target's gradient is wanted). */
  readonly deriv: readonly Float64Array[] | undefined;
  /** dL/d(target) from dL/d|Y| (only when the target's gradient is wanted). */
  readonly vjp: ((dMag: Tensor) => Tensor) | undefined;
}

/** A target of the JavaScript engine: its spectrograms per scale. */
export interface JsTarget extends EngineTarget {
  /** The spectrograms of scale `s` (a transient target computes them here, once per scale). */
  scale(s: number): TargetScale;
}

/** A growable scratch buffer. */
class Scratch {
  private buf = new Float64Array(0);
  get(n: number): Float64Array {
    if (this.buf.length < n) this.buf = new Float64Array(n);
    return this.buf;
  }
}

export class JsEngine implements MssEngine<JsTarget> {
  private readonly config: MssConfig;
  private readonly plans: StftPlan[];
  private readonly y = new Scratch();
  private readonly dp = new Scratch();
  private readonly gy = new Scratch();
  private readonly gyT = new Scratch();
  private readonly dMag = new Scratch();
  private readonly dMagT = new Scratch();
  private readonly buffers: Float64Array[] = [];
  /** The Wasserstein distance between frames, when it is the configured distance (issue 16). */
  private readonly wasserstein: ScaleWasserstein | undefined;

  constructor(config: MssConfig) {
    this.config = config;
    // float64 transforms for float32 signals too: value and gradient paths give the same numbers
    this.plans = config.sizes.map((_, s) => keepFloat64(createStft(stftOptionsOf(config, s))));
    this.wasserstein = isWasserstein(config.distance)
      ? new ScaleWasserstein(config.distance, config.reduction)
      : undefined;
  }

  /**
   * The distance d(y, t) of one item at one scale (`frames` x `bins` values from offset 0); with
   * `gy` (zeroed) adds dd/dy into it, with `gyT` (zeroed) dd/dt into that.
   */
  private compare(
    y: Float64Array,
    t: Float64Array,
    frames: number,
    bins: number,
    gy?: Float64Array,
    gyT?: Float64Array,
  ): number {
    const c = this.config;
    const m = frames * bins;
    if (this.wasserstein) return this.wasserstein.evaluate(y, t, frames, bins, gy, gyT);
    const kind = c.distance as DistanceKind;
    if (!gy) return distance(kind, c.reduction, y, t, m);
    const v = distance(kind, c.reduction, y, t, m, gy, 1);
    // The elementwise distances depend on y - t: dd/dt = -dd/dy.
    if (gyT) for (let i = 0; i < m; i++) gyT[i] = -gy[i]!;
    return v;
  }

  /** A reusable buffer of at least n elements, per slot (transient target spectrograms). */
  private pool(slot: number, n: number): Float64Array {
    let b = this.buffers[slot];
    if (b === undefined || b.length < n) {
      b = new Float64Array(n);
      this.buffers[slot] = b;
    }
    return b.subarray(0, n);
  }

  prepareTarget(target: Tensor, withVjp: boolean, transient: boolean): JsTarget {
    const [items, length] = target.shape as [number, number];
    if (transient) {
      // Computed scale by scale inside evaluate, next to the estimate's STFT of the same scale:
      // in V8 that runs markedly faster than all target STFTs first (less live memory).
      return { items, length, scale: (s) => this.scaleOf(s, target, withVjp, true) };
    }
    const scales = this.plans.map((_, s) => this.scaleOf(s, target, withVjp, false));
    return { items, length, scale: (s) => scales[s]! };
  }

  /** The target's spectrograms at scale `s`. */
  private scaleOf(s: number, target: Tensor, withVjp: boolean, transient: boolean): TargetScale {
    const c = this.config;
    const plan = this.plans[s]!;
    const items = target.shape[0]!;
    const eps = c.magnitudeEps;
    let magT: Tensor;
    let vjp: ((dMag: Tensor) => Tensor) | undefined;
    if (withVjp) {
      const r = plan.magnitudeWithVjp(target, eps);
      magT = r.magnitude;
      vjp = (d) => r.vjp(d);
    } else {
      magT = plan.magnitude(target, eps);
    }
    const rank = magT.shape.length;
    const frames = magT.shape[rank - 2]!;
    const bins = magT.shape[rank - 1]!;
    const m = frames * bins;
    const total = items * m;
    const data = dataOf(magT);
    const compressed = c.compressions.map((_, k) =>
      transient ? this.pool(s * c.compressions.length + k, total) : new Float64Array(total),
    );
    const deriv = withVjp ? c.compressions.map(() => new Float64Array(total)) : undefined;
    c.compressions.forEach((comp, k) => {
      compress(comp, data, total, compressed[k]!, deriv?.[k]);
    });
    let mag: Float64Array | undefined;
    let norm: Float64Array | undefined;
    if (c.spectralConvergence > 0) {
      mag = Float64Array.from(data.subarray(0, total));
      norm = new Float64Array(items);
      for (let b = 0; b < items; b++) {
        norm[b] = normOf(mag, b * m, m);
        // A silent target item (exactly: every frame of a silent item is 0) is refused, alone or
        // in a batch: ||Y - Y^||_F / ||Y||_F has no value for it.
        if (!(norm[b]! > 0)) {
          throw new LossInputError(
            'NON_FINITE',
            `target: item ${b} is silent at FFT size ${plan.size} (||Y||_F = 0), so the spectral convergence ||Y - Y^||_F / ||Y||_F is undefined; set magnitudeEps > 0 or spectralConvergence: 0`,
            'target',
          );
        }
      }
    }
    return { frames, bins, mag, norm, compressed, deriv, vjp };
  }

  evaluate(est: Tensor, target: JsTarget, request: EvaluationRequest): Evaluation {
    const c = this.config;
    const { itemWeight } = request;
    const wantGrad = request.grad;
    const wantTargetGrad = request.targetGrad;
    const [items, length] = est.shape as [number, number];
    const perItem = new Float64Array(items);
    const nScales = this.plans.length;
    const scaleWeight = c.scaleReduction === 'mean' ? 1 / nScales : 1;
    const nComp = c.compressions.length;
    const wsc = c.spectralConvergence;
    const eps = c.magnitudeEps;
    // The fused loop serves l1 and l2sq when only the estimate's gradient is wanted.
    const fast = !wantTargetGrad && (c.distance === 'l1' || c.distance === 'l2sq');
    const squared = c.distance === 'l2sq';
    let gradAcc: Float64Array | undefined;
    let targetGradAcc: Float64Array | undefined;
    if (wantGrad) gradAcc = new Float64Array(items * length);
    if (wantTargetGrad) targetGradAcc = new Float64Array(target.items * target.length);

    for (let s = 0; s < nScales; s++) {
      const plan = this.plans[s]!;
      const ts = target.scale(s);
      let magE: Tensor;
      let vjp: ((d: Tensor) => Tensor) | undefined;
      if (wantGrad) {
        const r = plan.magnitudeWithVjp(est, eps);
        magE = r.magnitude;
        vjp = (d) => r.vjp(d);
      } else {
        magE = plan.magnitude(est, eps);
      }
      const m = ts.frames * ts.bins;
      const rank = magE.shape.length;
      if (magE.shape[rank - 2] !== ts.frames || magE.shape[rank - 1] !== ts.bins) {
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `estimate: its spectrogram at FFT size ${plan.size} is ${formatShape(magE.shape)}, the target's ${formatShape([ts.frames, ts.bins])}`,
          'estimate',
        );
      }
      const magData = dataOf(magE);
      const norm = c.reduction === 'mean' ? 1 / m : 1;
      const y = this.y.get(m);
      const dp = wantGrad && !fast ? this.dp.get(m) : undefined;
      const gy = (wantGrad || wantTargetGrad) && !fast ? this.gy.get(m) : undefined;
      const gyT = wantTargetGrad ? this.gyT.get(m) : undefined;
      const dMag = wantGrad ? this.dMag.get(items * m) : undefined;
      const dMagT = wantTargetGrad ? this.dMagT.get(target.items * m) : undefined;
      if (dMag) dMag.fill(0, 0, items * m);
      if (dMagT) dMagT.fill(0, 0, target.items * m);

      for (let b = 0; b < items; b++) {
        const tb = target.items === 1 ? 0 : b;
        const mag = magData.subarray(b * m, (b + 1) * m);
        const off = b * m;
        const toff = tb * m;
        let itemLoss = 0;
        if (fast) {
          // One pass per compression: p, the distance and dL/d|X^| together.
          for (let k = 0; k < nComp; k++) {
            const comp = c.compressions[k]!;
            // A weight 0 adds exactly 0 (0 * an overflowed l2sq sum would be NaN).
            if (comp.weight === 0) continue;
            const g = itemWeight * scaleWeight * comp.weight * norm;
            const sum = fusedSum(
              comp,
              squared,
              magData,
              off,
              ts.compressed[k]!,
              toff,
              m,
              dMag,
              off,
              g,
              y,
            );
            itemLoss += comp.weight * (sum * norm);
          }
        } else {
          for (let k = 0; k < nComp; k++) {
            const comp = c.compressions[k]!;
            if (comp.weight === 0) continue;
            compress(comp, mag, m, y, dp);
            const tc = ts.compressed[k]!.subarray(toff, toff + m);
            let v: number;
            if (gy) {
              gy.fill(0, 0, m);
              if (gyT) gyT.fill(0, 0, m);
              v = this.compare(y, tc, ts.frames, ts.bins, gy, gyT);
              const g = itemWeight * scaleWeight * comp.weight;
              if (dMag && dp) for (let i = 0; i < m; i++) dMag[off + i]! += g * gy[i]! * dp[i]!;
              if (dMagT && gyT) {
                const dt = ts.deriv![k]!;
                for (let i = 0; i < m; i++) dMagT[toff + i]! += g * gyT[i]! * dt[toff + i]!;
              }
            } else {
              v = this.compare(y, tc, ts.frames, ts.bins);
            }
            itemLoss += comp.weight * v;
          }
        }
        if (wsc > 0) {
          const tm = ts.mag!;
          const nt = ts.norm![tb]!;
          const r = normOf(mag, 0, m, tm, toff);
          itemLoss += wsc * (r / nt);
          const g = itemWeight * scaleWeight * wsc;
          // d/dY^ (||Y - Y^|| / ||Y||) = (Y^ - Y) / (||Y - Y^|| ||Y||); 0 where Y^ = Y. Each
          // difference divided by its norm first (O(1)), then by ||Y||: the norms' product, or
          // g / (r nt), may overflow or underflow where the gradient is an ordinary number.
          const gn = g / nt;
          if (dMag && r > 0) {
            for (let i = 0; i < m; i++) dMag[off + i]! += gn * ((mag[i]! - tm[toff + i]!) / r);
          }
          // d/dY = (Y - Y^) / (||Y - Y^|| ||Y||) - ||Y - Y^|| Y / ||Y||^3.
          if (dMagT) {
            const q = r / nt;
            for (let i = 0; i < m; i++) {
              const t = tm[toff + i]!;
              const d = r > 0 ? (t - mag[i]!) / r : 0;
              dMagT[toff + i]! += gn * (d - q * (t / nt));
            }
          }
        }
        perItem[b]! += scaleWeight * itemLoss;
      }

      if (vjp && dMag && gradAcc) {
        const g = dataOf(vjp(tensor(dMag.subarray(0, items * m), magE.shape)));
        for (let i = 0; i < gradAcc.length; i++) gradAcc[i]! += g[i]!;
      }
      if (dMagT && targetGradAcc) {
        const shape = target.items === items ? magE.shape : [target.items, ts.frames, ts.bins];
        const g = dataOf(ts.vjp!(tensor(dMagT.subarray(0, target.items * m), shape)));
        for (let i = 0; i < targetGradAcc.length; i++) targetGradAcc[i]! += g[i]!;
      }
    }

    const out: Evaluation = { perItem };
    if (gradAcc) {
      out.grad = tensor(toDtype(gradAcc, dtypeOf(est.data)), est.shape);
    }
    if (targetGradAcc) {
      out.targetGrad = tensor(toDtype(targetGradAcc, 'float64'), [target.items, target.length]);
    }
    return out;
  }
}

function toDtype(a: Float64Array, dtype: 'float32' | 'float64'): FloatArray {
  return dtype === 'float64' ? a : new (arrayType(dtype))(a);
}
