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
import { addUnpadded, padSignals } from './signal-pad.js';
import { ValueStage } from './value-stage.js';
import { isWasserstein, ScaleWasserstein } from './wasserstein-distance.js';

/** One scale of a prepared target: its spectrograms for every item. */
interface TargetScale {
  readonly frames: number;
  readonly bins: number;
  /** Values per frame: `bins`, or the bands of the scale's filterbank (issue 14). */
  readonly width: number;
  /** Linear values [items * frames * width] (kept when the spectral convergence needs them). */
  readonly mag: Float64Array | undefined;
  /** ||Y||_F per item (spectral convergence). */
  readonly norm: Float64Array | undefined;
  /** p(Y) per compression [items * frames * width]. */
  readonly compressed: readonly Float64Array[];
  /** p'(Y) per compression (only when the target's gradient is wanted). */
  readonly deriv: readonly Float64Array[] | undefined;
  /** dL/d(target) from dL/dY (only when the target's gradient is wanted). */
  readonly vjp: ((dValues: Float64Array) => FloatArray) | undefined;
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
  // Issue 14: the value stage of each scale (magnitude form, filterbank) and its scratch.
  private readonly stages: ValueStage[];
  private readonly vals = new Scratch();
  private readonly formOut = new Scratch();
  private readonly formDeriv = new Scratch();
  private readonly dBins = new Scratch();

  constructor(config: MssConfig) {
    this.config = config;
    // float64 transforms for float32 signals too: value and gradient paths give the same numbers
    this.plans = config.sizes.map((_, s) => keepFloat64(createStft(stftOptionsOf(config, s))));
    this.wasserstein = isWasserstein(config.distance)
      ? new ScaleWasserstein(config.distance, config.reduction, config.perceptual.sampleRate)
      : undefined;
    const p = config.perceptual;
    this.stages = config.sizes.map(
      (n, s) => new ValueStage(p.magnitude, p.filterbanks?.[s], Math.floor(n / 2) + 1),
    );
  }

  /**
   * The distance d(y, t) of one item at one scale (`frames` x `width` values from offset 0, the
   * compressed output of the value stage: bins, or bands with a scale); with `gy` (zeroed) adds
   * dd/dy into it, with `gyT` (zeroed) dd/dt into that.
   */
  private compare(
    size: number,
    y: Float64Array,
    t: Float64Array,
    frames: number,
    width: number,
    gy?: Float64Array,
    gyT?: Float64Array,
  ): number {
    const c = this.config;
    const m = frames * width;
    if (this.wasserstein) return this.wasserstein.evaluate(size, y, t, frames, width, gy, gyT);
    const kind = c.distance as DistanceKind;
    if (!gy) return distance(kind, c.reduction, y, t, m);
    const v = distance(kind, c.reduction, y, t, m, gy, 1);
    // The elementwise distances depend on y - t: dd/dt = -dd/dy.
    if (gyT) for (let i = 0; i < m; i++) gyT[i] = -gy[i]!;
    return v;
  }

  /** The signal scale `s` frames: padded by `pad[s]` samples on each side where set (issue 14). */
  private framed(s: number, x: Tensor): Tensor {
    const pad = this.config.perceptual.pad[s] ?? 0;
    return pad > 0 ? padSignals(x, pad, this.config.padMode) : x;
  }

  /** The gradient w.r.t. the framed signal of scale `s` added to `acc` ([items, T]). */
  private addGrad(s: number, g: FloatArray, items: number, length: number, acc: Float64Array) {
    const pad = this.config.perceptual.pad[s] ?? 0;
    if (pad > 0) addUnpadded(g, items, length, pad, this.config.padMode, acc);
    else for (let i = 0; i < acc.length; i++) acc[i]! += g[i]!;
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
    const stage = this.stages[s]!;
    const [items, length] = target.shape as [number, number];
    const eps = c.magnitudeEps;
    const signal = this.framed(s, target);
    let magT: Tensor;
    let magVjp: ((dMag: Tensor) => Tensor) | undefined;
    if (withVjp) {
      const r = plan.magnitudeWithVjp(signal, eps);
      magT = r.magnitude;
      magVjp = (d) => r.vjp(d);
    } else {
      magT = plan.magnitude(signal, eps);
    }
    const rank = magT.shape.length;
    const frames = magT.shape[rank - 2]!;
    const bins = magT.shape[rank - 1]!;
    const width = stage.width;
    const m = frames * width;
    const total = items * m;
    let data: FloatArray = dataOf(magT);
    let stageDeriv: Float64Array | undefined;
    if (!stage.identity) {
      const rows = items * frames;
      const v = new Float64Array(total);
      stageDeriv = withVjp ? new Float64Array(rows * bins) : undefined;
      stage.forward(data, rows, v, this.formOut.get(rows * bins), stageDeriv);
      data = v;
    }
    let vjp: ((dValues: Float64Array) => FloatArray) | undefined;
    if (magVjp) {
      vjp = (dv) => {
        let dMag = dv;
        if (!stage.identity) {
          dMag = new Float64Array(items * frames * bins);
          stage.backward(dv, items * frames, stageDeriv!, dMag);
        }
        const g = dataOf(magVjp!(tensor(dMag, [items, frames, bins])));
        const acc = new Float64Array(items * length);
        this.addGrad(s, g, items, length, acc);
        return acc;
      };
    }
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
    return { frames, bins, width, mag, norm, compressed, deriv, vjp };
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
    // The fused loop serves l1 and l2sq when only the estimate's gradient is wanted (and the
    // compressions of the form a log(b + c x)); the Wasserstein distance takes the general loop.
    const fast =
      !wantTargetGrad &&
      (c.distance === 'l1' || c.distance === 'l2sq') &&
      c.compressions.every((comp) => comp.kind !== 'floorLog');
    const squared = c.distance === 'l2sq';
    // Issue 14 (breakdown): every item's unweighted term per (scale, compression or spectral
    // convergence), [items, scales, compressions + 1].
    const terms = request.terms ? new Float64Array(items * nScales * (nComp + 1)) : undefined;
    let gradAcc: Float64Array | undefined;
    let targetGradAcc: Float64Array | undefined;
    if (wantGrad) gradAcc = new Float64Array(items * length);
    if (wantTargetGrad) targetGradAcc = new Float64Array(target.items * target.length);

    for (let s = 0; s < nScales; s++) {
      const plan = this.plans[s]!;
      const stage = this.stages[s]!;
      const ts = target.scale(s);
      const signal = this.framed(s, est);
      let magE: Tensor;
      let vjp: ((d: Tensor) => Tensor) | undefined;
      if (wantGrad) {
        const r = plan.magnitudeWithVjp(signal, eps);
        magE = r.magnitude;
        vjp = (d) => r.vjp(d);
      } else {
        magE = plan.magnitude(signal, eps);
      }
      const rank = magE.shape.length;
      if (magE.shape[rank - 2] !== ts.frames || magE.shape[rank - 1] !== ts.bins) {
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `estimate: its spectrogram at FFT size ${plan.size} is ${formatShape(magE.shape)}, the target's ${formatShape([ts.frames, ts.bins])}`,
          'estimate',
        );
      }
      const m = ts.frames * ts.width;
      // The compared values: the magnitudes, or the stage's bands (issue 14).
      let magData: FloatArray = dataOf(magE);
      let stageDeriv: Float64Array | undefined;
      if (!stage.identity) {
        const rows = items * ts.frames;
        const v = this.vals.get(items * m);
        stageDeriv = wantGrad ? this.formDeriv.get(rows * ts.bins) : undefined;
        stage.forward(magData, rows, v, this.formOut.get(rows * ts.bins), stageDeriv);
        magData = v;
      }
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
        const termOff = (b * nScales + s) * (nComp + 1);
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
            if (terms) terms[termOff + k] = sum * norm;
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
              v = this.compare(plan.size, y, tc, ts.frames, ts.width, gy, gyT);
              const g = itemWeight * scaleWeight * comp.weight;
              if (dMag && dp) for (let i = 0; i < m; i++) dMag[off + i]! += g * gy[i]! * dp[i]!;
              if (dMagT && gyT) {
                const dt = ts.deriv![k]!;
                for (let i = 0; i < m; i++) dMagT[toff + i]! += g * gyT[i]! * dt[toff + i]!;
              }
            } else {
              v = this.compare(plan.size, y, tc, ts.frames, ts.width);
            }
            if (terms) terms[termOff + k] = v;
            itemLoss += comp.weight * v;
          }
        }
        if (wsc > 0) {
          const tm = ts.mag!;
          const nt = ts.norm![tb]!;
          const r = normOf(mag, 0, m, tm, toff);
          if (terms) terms[termOff + nComp] = r / nt;
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
        let dBins = dMag.subarray(0, items * m);
        if (!stage.identity) {
          dBins = this.dBins.get(items * ts.frames * ts.bins);
          stage.backward(dMag, items * ts.frames, stageDeriv!, dBins);
        }
        const g = dataOf(vjp(tensor(dBins.subarray(0, items * ts.frames * ts.bins), magE.shape)));
        this.addGrad(s, g, items, length, gradAcc);
      }
      if (dMagT && targetGradAcc) {
        const g = ts.vjp!(dMagT.subarray(0, target.items * m));
        for (let i = 0; i < targetGradAcc.length; i++) targetGradAcc[i]! += g[i]!;
      }
    }

    const out: Evaluation = { perItem };
    if (terms) out.terms = terms;
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
