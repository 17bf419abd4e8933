/**
 * The computational core of the multi-scale spectral loss: one STFT plan per scale (made once),
 * target spectrograms prepared once, and the loss with its gradient w.r.t. the estimate (and, for
 * the tfjs op, w.r.t. the target).
 *
 * Per item, with Y_{N,p} = p(|STFT_N(x)|) for the target x and Y^ for the estimate x^
 * (Schwär & Müller, "Multi-Scale Spectral Loss Revisited", IEEE SPL 30, 2023):
 *   L = R_N [ sum_p w_p d(Y^_{N,p}, Y_{N,p}) + w_sc ||Y_N - Y^_N||_F / ||Y_N||_F ]
 * where R_N is the sum (or mean) over scales, d the distance reduced by sum or mean over the
 * spectrogram's elements, and the spectral convergence (Arik et al. 2018) uses linear magnitudes.
 */
import type { StftPlan } from '@losses/stft';
import { createStft } from '@losses/stft';
import { absoluteSum, amplitudeLimit } from '@losses/stft/internal';
import type { FloatArray, Tensor, TensorLike } from '@losses/tensor';
import {
  arrayType,
  dtypeOf,
  formatShape,
  LossInputError,
  tensor,
  toFlat,
  toTensor,
} from '@losses/tensor';
import { compress } from './compression.js';
import { distance } from './distance.js';
import { fusedSum } from './fused.js';
import { normOf } from './norm.js';
import type { MssConfig } from './options.js';
import { minLength, stftOptionsOf } from './options.js';
import { type Signals, type TargetSpectrogram, WasmPipeline } from './wasm/pipeline.js';

/** One scale of a prepared target: its spectrograms for every item. */
interface TargetScale {
  readonly frames: number;
  readonly bins: number;
  /** Linear magnitudes [items * frames * bins] (kept when the spectral convergence needs them). */
  readonly mag: Float64Array | undefined;
  /** ||Y||_F per item (spectral convergence). */
  readonly norm: Float64Array | undefined;
  /** p(|Y|) per compression [items * frames * bins] (none for the WebAssembly pipeline). */
  readonly compressed: readonly Float64Array[];
  /** p'(|Y|) per compression (only when the target's gradient is wanted). */
  readonly deriv: readonly Float64Array[] | undefined;
  /** dL/d(target) from dL/d|Y| (only when the target's gradient is wanted). */
  readonly vjp: ((dMag: Tensor) => Tensor) | undefined;
}

/** A target whose spectrograms have been computed once (or, transient, are computed on use). */
export interface PreparedTarget {
  readonly items: number;
  readonly length: number;
  /** A transient target's samples, for the WebAssembly pipeline (which computes its spectra). */
  readonly signals?: Signals;
  /** The WebAssembly pipeline's form of a fixed target at scale `s`, if it has one. */
  readonly spectrogram?: (s: number) => TargetSpectrogram;
  /** The spectrograms of scale `s` (a transient target computes them here, once per scale). */
  scale(s: number): TargetScale;
}

/** What {@link MssKernel.evaluate} returns. */
export interface Evaluation {
  /** The loss of every item. */
  perItem: Float64Array;
  /** d(sum_b itemWeight * L_b)/d(estimate), shape and dtype of the estimate. */
  grad?: Tensor;
  /** d(sum_b itemWeight * L_b)/d(target), shape and dtype of the target (items of the target). */
  targetGrad?: Tensor;
}

/** The contiguous data of a tensor (no copy when it already is contiguous from offset 0). */
function dataOf(t: Tensor): FloatArray {
  let n = 1;
  for (const d of t.shape) n *= d;
  if (t.offset === 0 && t.data.length === n) {
    let s = 1;
    let ok = true;
    for (let i = t.shape.length - 1; i >= 0; i--) {
      if (t.shape[i]! > 1 && t.stride[i] !== s) ok = false;
      s *= t.shape[i]!;
    }
    if (ok) return t.data;
  }
  return toFlat(t);
}

/** A growable scratch buffer. */
class Scratch {
  private buf = new Float64Array(0);
  get(n: number): Float64Array {
    if (this.buf.length < n) this.buf = new Float64Array(n);
    return this.buf;
  }
}

/** The planned loss: STFT plans per scale and reusable scratch memory. */
export class MssKernel {
  readonly config: MssConfig;
  private readonly plans: StftPlan[];
  private readonly y = new Scratch();
  private readonly dp = new Scratch();
  private readonly gy = new Scratch();
  private readonly dMag = new Scratch();
  private readonly dMagT = new Scratch();
  private readonly buffers: Float64Array[] = [];
  /** The loss in WebAssembly, for the configurations it serves where the runtime has SIMD. */
  readonly pipeline: WasmPipeline | undefined;

  /** The largest |sample| accepted: that of the scale with the largest window sum. */
  readonly amplitudeLimit: number;

  constructor(config: MssConfig) {
    this.config = config;
    this.pipeline = WasmPipeline.create(config);
    this.plans = config.sizes.map((_, s) => createStft(stftOptionsOf(config, s)));
    this.amplitudeLimit = Math.min(...this.plans.map((p) => amplitudeLimit(absoluteSum(p.window))));
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

  /**
   * Coerces and validates a signal argument (`[T]` or `[B, T]`): finite samples within
   * +-2^1023 / sum_j |w_j| of the largest window sum, so that no spectrum can overflow (checked in
   * the same pass as finiteness).
   *
   * @throws LossInputError as `toTensor`; `INVALID_OPTION` naming the first sample out of range.
   */
  signal(x: TensorLike, name: string): Tensor {
    const limit = this.amplitudeLimit;
    return toTensor(x, { name, rank: [1, 2], min: -limit, max: limit });
  }

  /**
   * Checks a signal (`[items, T]`) from {@link MssKernel.signal}: long enough for every scale.
   *
   * @throws LossInputError `SHAPE_MISMATCH` naming the first size it is too short for.
   */
  checkSignal(signal: Tensor, name: string): void {
    this.checkLength(signal.shape[signal.shape.length - 1]!, name);
  }

  /**
   * Checks that a signal of `length` samples is long enough for every scale.
   *
   * @throws LossInputError `SHAPE_MISMATCH` naming the first size it is too short for.
   */
  checkLength(length: number, name: string): void {
    const c = this.config;
    for (let s = 0; s < c.sizes.length; s++) {
      const need = minLength(c, s);
      if (length < need) {
        const why = c.center
          ? c.padMode === 'reflect'
            ? 'centred frames with reflect padding need more than N/2 samples'
            : 'at least one sample'
          : c.padEnd
            ? 'at least one sample'
            : 'frames that are neither centred nor end-padded need N samples';
        throw new LossInputError(
          'SHAPE_MISMATCH',
          `${name}: a signal of ${length} samples is too short for FFT size ${c.sizes[s]} (needs at least ${need}: ${why})`,
          name,
        );
      }
    }
  }

  /**
   * Computes the target's spectrograms (and, with `withVjp`, what its gradient needs).
   * `target` is a contiguous [items, T] tensor. A `transient` target (used for one evaluation and
   * dropped) lives in the kernel's reusable memory, which the next transient target overwrites.
   */
  prepareTarget(target: Tensor, withVjp: boolean, transient = false): PreparedTarget {
    const [items, length] = target.shape as [number, number];
    const pipeline = this.pipeline;
    if (pipeline && !withVjp) {
      const signals: Signals = { data: dataOf(target), items, length };
      if (transient) {
        return { items, length, signals, scale: (s) => this.prepareScale(s, target, false, true) };
      }
      const spectrograms = this.plans.map((_, s) => pipeline.spectrogramOf(s, signals));
      if (spectrograms.every((sp) => sp !== null)) {
        // The JavaScript form too, made only if a call falls back to the JavaScript path (an
        // estimate too large for the WebAssembly memory).
        const js: TargetScale[] = [];
        return {
          items,
          length,
          spectrogram: (s) => spectrograms[s]!,
          scale: (s) => {
            js[s] ??= this.prepareScale(s, target, false, false);
            return js[s]!;
          },
        };
      }
    }
    if (transient) {
      // Computed scale by scale inside evaluate, next to the estimate's STFT of the same scale:
      // in V8 that runs markedly faster than all target STFTs first (less live memory).
      return { items, length, scale: (s) => this.prepareScale(s, target, withVjp, true) };
    }
    const scales = this.plans.map((_, s) => this.prepareScale(s, target, withVjp, false));
    return { items, length, scale: (s) => scales[s]! };
  }

  /** The target's spectrograms at scale `s`. */
  private prepareScale(
    s: number,
    target: Tensor,
    withVjp: boolean,
    transient: boolean,
  ): TargetScale {
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

  /**
   * The loss of every item of `est` ([B, T], contiguous) against `target` (1 or B items), and with
   * `wantGrad` / `wantTargetGrad` the gradient of sum_b itemWeight * L_b.
   */
  evaluate(
    est: Tensor,
    target: PreparedTarget,
    wantGrad: boolean,
    itemWeight: number,
    wantTargetGrad = false,
  ): Evaluation {
    const c = this.config;
    const [items, length] = est.shape as [number, number];
    const perItem = new Float64Array(items);
    const nScales = this.plans.length;
    const scaleWeight = c.scaleReduction === 'mean' ? 1 / nScales : 1;
    const spectrogram = target.spectrogram;
    if (this.pipeline && !wantTargetGrad && (target.signals || spectrogram)) {
      const signals: Signals = { data: dataOf(est), items, length };
      const r = this.pipeline.evaluate(
        signals,
        (s) =>
          target.signals
            ? { signals: target.signals }
            : { spectrogram: spectrogram!(s), items: target.items },
        itemWeight,
        scaleWeight,
        perItem,
        wantGrad ? dtypeOf(est.data) : undefined,
      );
      // null: too large for the WebAssembly memory even one item at a time; JavaScript below.
      if (r !== null) {
        const out: Evaluation = { perItem };
        if (r.grad) out.grad = tensor(r.grad, est.shape);
        return out;
      }
    }
    const nComp = c.compressions.length;
    const wsc = c.spectralConvergence;
    const eps = c.magnitudeEps;
    // The fused loop serves l1 and l2sq when only the estimate's gradient is wanted.
    const fast = !wantTargetGrad && c.distance !== 'l2';
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
              v = distance(c.distance, c.reduction, y, tc, m, gy, 1);
              const g = itemWeight * scaleWeight * comp.weight;
              if (dMag && dp) for (let i = 0; i < m; i++) dMag[off + i]! += g * gy[i]! * dp[i]!;
              if (dMagT) {
                const dt = ts.deriv![k]!;
                for (let i = 0; i < m; i++) dMagT[toff + i]! -= g * gy[i]! * dt[toff + i]!;
              }
            } else {
              v = distance(c.distance, c.reduction, y, tc, m);
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
