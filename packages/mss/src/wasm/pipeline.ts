/**
 * The WebAssembly engine of the multi-scale spectral loss (see ../engine.ts), scale by scale: the
 * frames go into the memory of the scale's STFT module (@losses/stft's WasmStft), and the spectra,
 * magnitudes, their logs, the gradient w.r.t. the magnitudes and the adjoint STFT stay there; only
 * the signals go in and the gradient w.r.t. the signal comes out. Serves the l1 and l2sq distances
 * without spectral convergence, the estimate's gradient only (the presets standard, smooth and
 * ddsp); the JavaScript engine does the rest.
 */
import {
  type Framed,
  Framer,
  type ResolvedStft,
  tryWasm,
  WasmStft,
  wasmMemoryLimit,
  wasmSupports,
} from '@losses/stft/internal';
import type { FloatArray, Tensor } from '@losses/tensor';
import { dtypeOf, LossInputError, tensor } from '@losses/tensor';
import {
  dataOf,
  type EngineTarget,
  type Evaluation,
  type EvaluationRequest,
  type MssEngine,
} from '../engine.js';
import type { MssConfig } from '../options.js';
import { MssWasm, mssModule, TABLE_DOUBLES } from './kernel.js';
import { F32Route } from './pipeline32.js';

/** One scale: the framing (JavaScript), the STFT and the loss loop (one WebAssembly memory). */
interface Scale {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  readonly stft: WasmStft;
  readonly loss: MssWasm;
  /**
   * The fixed target whose magnitudes and logs the start of the work memory holds from the last
   * call (a loop over estimates against one target skips copying it in again), if any.
   */
  loaded: TargetSpectrogram | undefined;
}

/** A batch of signals: `items` rows of `length` samples, contiguous. */
export interface Signals {
  readonly data: FloatArray;
  readonly items: number;
  readonly length: number;
}

/** A fixed target's spectrogram at one scale: its magnitudes and their logs (see MssWasm.logs). */
export interface TargetSpectrogram {
  readonly frames: number;
  readonly bins: number;
  readonly mag: Float64Array;
  readonly logs: readonly Float64Array[];
}

/** A target as the pipeline takes it: its samples, or its spectrogram at this scale. */
export type ScaleTarget =
  | { readonly signals: Signals; readonly spectrogram?: undefined }
  | {
      readonly spectrogram: TargetSpectrogram;
      readonly items: number;
      readonly signals?: undefined;
    };

/** Where the scales' gradients w.r.t. the signal gather (see WasmEngine.evaluate). */
interface GradSum {
  /** The sum over the scales so far, when frames are padded (each scale's padding differs). */
  readonly acc: Float64Array | undefined;
  /** Otherwise: the last scale's gradient, in its WebAssembly memory (the sum so far). */
  last: Float64Array | undefined;
}

/** A target of the WebAssembly engine: its samples (transient) or its spectrograms (fixed). */
export interface WasmTarget extends EngineTarget {
  readonly signals?: Signals;
  readonly spectrograms?: readonly TargetSpectrogram[];
}

/** Issue 14: whether a configuration uses steps only the JavaScript engine has. */
function perceptualNeedsJs(config: MssConfig): boolean {
  const p = config.perceptual;
  return (
    p.scale !== undefined ||
    p.magnitude.offset !== 0 ||
    p.magnitude.power !== 1 ||
    p.pad.some((v) => v > 0) ||
    config.compressions.some((c) => c.kind === 'floorLog')
  );
}

export class WasmEngine implements MssEngine<WasmTarget> {
  private readonly config: MssConfig;
  private readonly scales: Scale[];
  /**
   * Issue 17: the float32 route for float32 estimates (power-of-two sizes only), made on the first
   * float32 call; null where it does not apply.
   */
  private f32: F32Route | null | undefined;
  private readonly mod: WebAssembly.Module;

  private constructor(config: MssConfig, scales: Scale[], mod: WebAssembly.Module) {
    this.config = config;
    this.scales = scales;
    this.mod = mod;
  }

  /**
   * Whether the engine computes this configuration: the l1 and l2sq distances without spectral
   * convergence. (New steps the module has no kernel for - filterbanks, other distances such as
   * the Wasserstein distance - are declined here and run in the JavaScript engine.)
   */
  static serves(config: MssConfig): boolean {
    const d = config.distance;
    return (
      (d === 'l1' || d === 'l2sq') &&
      config.spectralConvergence === 0 &&
      // Issue 14: scales, magnitude forms, padding and clamp-floored logarithms run in the
      // JavaScript engine (A-weighting and stereo happen before the engine and are served).
      !perceptualNeedsJs(config)
    );
  }

  /**
   * The engine for `config` (with its scales' resolved STFT options `cfgs`), or undefined where it
   * does not serve it or WebAssembly is off or missing.
   */
  static create(config: MssConfig, cfgs: readonly ResolvedStft[]): WasmEngine | undefined {
    const mod = mssModule();
    const eligible =
      mod !== null && WasmEngine.serves(config) && config.sizes.every((n) => wasmSupports(n));
    if (!eligible) return undefined;
    const scales = cfgs.map((cfg): Scale => {
      const stft = new WasmStft(cfg.size, cfg.hop, cfg.window);
      const table = stft.reserve(TABLE_DOUBLES);
      return {
        cfg,
        framer: new Framer(cfg),
        stft,
        loss: new MssWasm(mod, stft.memory, table, config.compressions),
        loaded: undefined,
      };
    });
    return new WasmEngine(config, scales, mod!);
  }

  /**
   * A transient target as its samples (its spectra are computed in each call), a fixed one as its
   * spectrograms; null for a target whose gradient is wanted, or whose spectrograms do not fit in
   * the WebAssembly memories.
   */
  prepareTarget(target: Tensor, withVjp: boolean, transient: boolean): WasmTarget | null {
    if (withVjp) return null;
    const [items, length] = target.shape as [number, number];
    const signals: Signals = { data: dataOf(target), items, length };
    if (transient) return { items, length, signals };
    const spectrograms: TargetSpectrogram[] = [];
    for (let s = 0; s < this.scales.length; s++) {
      const sp = this.spectrogramOf(s, signals);
      if (sp === null) return null;
      spectrograms.push(sp);
    }
    return { items, length, spectrograms };
  }

  evaluate(est: Tensor, target: WasmTarget, request: EvaluationRequest): Evaluation | null {
    if (request.targetGrad) return null;
    const [items, length] = est.shape as [number, number];
    const perItem = new Float64Array(items);
    const scaleWeight = this.config.scaleReduction === 'mean' ? 1 / this.scales.length : 1;
    const r32 = this.runFloat32(est, target, request, scaleWeight, perItem);
    if (r32) return r32;
    const r = this.run(
      { data: dataOf(est), items, length },
      (s) =>
        target.signals
          ? { signals: target.signals }
          : { spectrogram: target.spectrograms![s]!, items: target.items },
      request.itemWeight,
      scaleWeight,
      perItem,
      request.grad ? dtypeOf(est.data) : undefined,
    );
    if (r === null) return null;
    const out: Evaluation = { perItem };
    if (r.grad) out.grad = tensor(r.grad, est.shape);
    return out;
  }

  /**
   * Issue 17: the float32 route (see ./pipeline32.ts) for a float32 estimate against float32
   * samples or a fixed spectrogram; undefined where it does not apply or the call does not fit.
   */
  private runFloat32(
    est: Tensor,
    target: WasmTarget,
    request: EvaluationRequest,
    scaleWeight: number,
    perItem: Float64Array,
  ): Evaluation | undefined {
    const data = dataOf(est);
    if (dtypeOf(data) !== 'float32') return undefined;
    if (target.signals && dtypeOf(target.signals.data) !== 'float32') return undefined;
    if (this.f32 === undefined) {
      this.f32 =
        F32Route.create(
          this.config,
          this.scales.map((sc) => sc.cfg),
          this.mod,
        ) ?? null;
    }
    const f32 = this.f32;
    if (!f32) return undefined;
    const [items, length] = est.shape as [number, number];
    const r = f32.run(
      { data, items, length },
      (s) =>
        target.signals
          ? { signals: target.signals }
          : { spectrogram: target.spectrograms![s]!, items: target.items },
      request.itemWeight,
      scaleWeight,
      perItem,
      request.grad,
    );
    if (r === null) return undefined;
    const out: Evaluation = { perItem };
    if (r.grad) out.grad = tensor(r.grad, est.shape);
    return out;
  }

  /** Spectra (at `spec`) and magnitudes (at `mag`) of the framed signals at `sig`. */
  private magnitudes(sc: Scale, f: Framed, sig: number, spec: number, mag: number): void {
    const total = f.batch * f.frames;
    const floor = this.config.magnitudeEps ?? 0;
    sc.stft.spectraAt(sig, f.frames, total, f.paddedLength, spec, mag, floor);
  }

  /** Frames the signals `x` into the memory at byte offset `sig` (from a layout). */
  private load(sc: Scale, x: Signals, sig: number): Framed {
    const plen = sc.framer.paddedLength(x.length);
    const into = sc.stft.f64(0).subarray(sig / 8, sig / 8 + x.items * plen);
    return sc.framer.frame(x.data, x.items, x.length, into);
  }

  /**
   * The spectrogram of every item of `x` at scale `s` (`[items * frames * bins]` each): the form
   * of a fixed target that {@link WasmEngine.evaluate} takes. Computed in chunks of items when
   * all of them do not fit in a WebAssembly memory; null when one item does not (or the memory
   * cannot grow): then the target takes the JavaScript path.
   */
  private spectrogramOf(s: number, x: Signals): TargetSpectrogram | null {
    const sc = this.scales[s]!;
    const bins = sc.cfg.bins;
    const plen = sc.framer.paddedLength(x.length);
    const frames = sc.framer.frameCount(x.length);
    const m = frames * bins;
    const regions = (items: number) => [
      items * plen,
      2 * items * m,
      items * m,
      ...Array.from({ length: sc.loss.logCount }, () => items * m),
    ];
    // Every scale's memory stays (it only grows): each gets its share of the limit.
    const share = wasmMemoryLimit() / this.scales.length;
    const chunk = largestFitting(x.items, (c) => sc.stft.bytesFor(...regions(c)) <= share);
    if (chunk === 0) return null;
    const mag = new Float64Array(x.items * m);
    const logs = Array.from({ length: sc.loss.logCount }, () => new Float64Array(x.items * m));
    sc.loaded = undefined;
    for (let b0 = 0; b0 < x.items; b0 += chunk) {
      const items = Math.min(chunk, x.items - b0);
      const part = rows(x, b0, items);
      const count = items * m;
      const ok = tryWasm(() => {
        const [sig, spec, at, ...logAt] = sc.stft.layout(...regions(items)) as [
          number,
          number,
          number,
          ...number[],
        ];
        const f = this.load(sc, part, sig);
        this.magnitudes(sc, f, sig, spec, at);
        logAt.forEach((l, j) => {
          sc.loss.logs(j, at, count, l);
        });
        const view = sc.stft.f64(0);
        mag.set(view.subarray(at / 8, at / 8 + count), b0 * m);
        logAt.forEach((l, j) => {
          logs[j]!.set(view.subarray(l / 8, l / 8 + count), b0 * m);
        });
      });
      if (!ok) return null;
    }
    return { frames, bins, mag, logs };
  }

  /**
   * The bytes of WebAssembly memory (all scales together) that {@link WasmEngine.evaluate}
   * needs for `items` items of `length` samples, against a target of one item or as many, fixed
   * (spectrograms) or not (signals).
   */
  memoryFor(items: number, length: number, oneTarget: boolean, fixed: boolean): number {
    let bytes = 0;
    for (const sc of this.scales) {
      bytes += sc.stft.bytesFor(...this.regions(sc, length, items, oneTarget ? 1 : items, fixed));
    }
    return bytes;
  }

  /** The regions (float64 counts) {@link WasmEngine.evaluateScale} lays out. */
  private regions(
    sc: Scale,
    length: number,
    items: number,
    tItems: number,
    fixed: boolean,
  ): number[] {
    const plen = sc.framer.paddedLength(length);
    const m = sc.framer.frameCount(length) * sc.cfg.bins;
    const count = items * m;
    const tCount = tItems * m;
    const nLogs = sc.loss.logCount;
    return [
      tCount,
      ...Array.from({ length: nLogs }, () => tCount),
      items * plen,
      fixed ? 0 : tItems * plen,
      2 * Math.max(count, tCount),
      count,
      count,
      items * plen,
      ...Array.from({ length: nLogs }, () => count),
    ];
  }

  /**
   * Like {@link WasmEngine.evaluateAll}, in chunks of items when all of them do not fit in the
   * WebAssembly memories (4 GiB for all scales together, see setWasmMemoryLimit; the results are
   * the same, bit for bit: items are independent). Returns null, with `perItem` untouched, when a
   * single item does not fit or a memory cannot grow: the caller then runs the JavaScript path.
   */
  private run(
    est: Signals,
    target: (s: number) => ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    dtype: 'float32' | 'float64' | undefined,
  ): { grad: FloatArray | undefined } | null {
    const { items, length } = est;
    const targets = this.scales.map((_, s) => target(s));
    const tItemsOf = (t: ScaleTarget) => (t.spectrogram ? t.items : t.signals.items);
    // The memories of all scales stay (they only grow): together within the limit.
    const oneTarget = tItemsOf(targets[0]!) === 1;
    const fixed = targets[0]!.spectrogram !== undefined;
    const fits = (c: number) => this.memoryFor(c, length, oneTarget, fixed) <= wasmMemoryLimit();
    const chunk = largestFitting(items, fits);
    if (chunk === 0) return null;
    const sums = new Float64Array(items);
    let out: FloatArray | undefined;
    const ok = tryWasm(() => {
      for (let b0 = 0; b0 < items; b0 += chunk) {
        const c = Math.min(chunk, items - b0);
        // One chunk: the targets as they are (a fixed target already loaded is not copied again).
        const part = (t: ScaleTarget): ScaleTarget =>
          c === items || tItemsOf(t) === 1 ? t : targetRows(t, b0, c);
        const g = this.evaluateAll(
          rows(est, b0, c),
          (s) => part(targets[s]!),
          itemWeight,
          scaleWeight,
          sums.subarray(b0, b0 + c),
          dtype,
        );
        if (g && c === items) out = g;
        else if (g) {
          out ??= new (dtype === 'float32' ? Float32Array : Float64Array)(items * length);
          out.set(g, b0 * length);
        }
      }
    });
    if (!ok) {
      for (const sc of this.scales) sc.loaded = undefined;
      return null;
    }
    for (let b = 0; b < items; b++) perItem[b]! += sums[b]!;
    return { grad: out };
  }

  /**
   * The loss of every item of `est` against `target(s)` (1 or `est.items` items, the same length)
   * at every scale s, times `scaleWeight`, added to `perItem`; with `dtype` it returns the gradient
   * of sum_b itemWeight * L_b w.r.t. `est` (`[items, length]`) in that float type.
   */
  private evaluateAll(
    est: Signals,
    target: (s: number) => ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    dtype: 'float32' | 'float64' | undefined,
  ): FloatArray | undefined {
    const n = est.items * est.length;
    let grad: GradSum | undefined;
    if (dtype) {
      // Frames that neither start before the signal nor run past it: every scale's padded-signal
      // gradient is the signal's, and each adds to the last one's in place.
      const inPlace = this.scales.every(
        (sc) => !sc.cfg.center && sc.framer.paddedLength(est.length) === est.length,
      );
      grad = { acc: inPlace ? undefined : new Float64Array(n), last: undefined };
    }
    for (let s = 0; s < this.scales.length; s++) {
      this.evaluateScale(s, est, target(s), itemWeight, scaleWeight, perItem, grad);
    }
    if (!grad) return undefined;
    if (grad.acc && dtype === 'float64') return grad.acc;
    const out = dtype === 'float32' ? new Float32Array(n) : new Float64Array(n);
    out.set(grad.acc ?? grad.last!);
    return out;
  }

  /** Scale `s` of {@link WasmEngine.evaluate}. */
  private evaluateScale(
    s: number,
    est: Signals,
    target: ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    grad: GradSum | undefined,
  ): void {
    const c = this.config;
    const sc = this.scales[s]!;
    const bins = sc.cfg.bins;
    const fixed = target.spectrogram;
    const tItems = fixed ? target.items : target.signals.items;
    if (target.signals && target.signals.length !== est.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: ${est.length} samples per item, the target ${target.signals.length}`,
        'estimate',
      );
    }
    const plen = sc.framer.paddedLength(est.length);
    const frames = sc.framer.frameCount(est.length);
    const m = frames * bins;
    const count = est.items * m;
    const tCount = tItems * m;
    if (fixed && fixed.frames !== frames) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: its spectrogram at FFT size ${sc.cfg.size} has ${frames} frames, the target's ${fixed.frames}`,
        'estimate',
      );
    }
    const nLogs = sc.loss.logCount;
    // The target's magnitudes and logs come first: a fixed target stays there for the next call.
    const [magT, ...rest] = sc.stft.layout(
      ...this.regions(sc, est.length, est.items, tItems, fixed !== undefined),
    ) as [number, ...number[]];
    const logT = rest.slice(0, nLogs);
    const [sigE, sigT, spec, magE, dmag, gp] = rest.slice(nLogs) as [
      number,
      number,
      number,
      number,
      number,
      number,
    ];
    const logE = rest.slice(nLogs + 6);
    const fe = this.load(sc, est, sigE);
    if (fixed) {
      if (sc.loaded !== fixed) {
        const view = sc.stft.f64(0);
        view.set(fixed.mag, magT / 8);
        fixed.logs.forEach((l, j) => {
          view.set(l, logT[j]! / 8);
        });
        sc.loaded = fixed;
      }
    } else {
      sc.loaded = undefined;
      const ft = this.load(sc, target.signals, sigT);
      this.magnitudes(sc, ft, sigT, spec, magT);
      logT.forEach((l, j) => {
        sc.loss.logs(j, magT, tCount, l);
      });
    }
    this.magnitudes(sc, fe, sigE, spec, magE);
    logE.forEach((l, j) => {
      sc.loss.logs(j, magE, count, l);
    });
    const norm = c.reduction === 'mean' ? 1 / m : 1;
    const squared = c.distance === 'l2sq';
    const weight = itemWeight * scaleWeight * norm;
    for (let b = 0; b < est.items; b++) {
      const off = 8 * b * m;
      const toff = 8 * (tItems === 1 ? 0 : b) * m;
      const sum = sc.loss.fused(
        squared,
        grad !== undefined,
        magE + off,
        magT + toff,
        logE.map((l) => l + off),
        logT.map((l) => l + toff),
        m,
        dmag + off,
        weight,
      );
      perItem[b]! += scaleWeight * (sum * norm);
    }
    if (grad) {
      const gpView = sc.stft.f64(0).subarray(gp / 8, gp / 8 + est.items * plen);
      if (grad.last) gpView.set(grad.last);
      else gpView.fill(0);
      const floor = c.magnitudeEps ?? 0;
      sc.stft.backwardAt(spec, magE, dmag, frames, est.items * frames, plen, floor, gp);
      if (grad.acc) sc.framer.addUnpadded(fe, gpView, grad.acc);
      else grad.last = gpView;
    }
  }
}

/** The largest c in 0..n with fits(c), for fits true up to some c and false above. */
function largestFitting(n: number, fits: (c: number) => boolean): number {
  if (fits(n)) return n;
  let lo = 0;
  let hi = n;
  while (lo < hi) {
    const mid = Math.ceil((lo + hi) / 2);
    if (fits(mid)) lo = mid;
    else hi = mid - 1;
  }
  return lo;
}

/** Items b0 .. b0 + count of a batch of signals. */
function rows(x: Signals, b0: number, count: number): Signals {
  return {
    data: x.data.subarray(b0 * x.length, (b0 + count) * x.length),
    items: count,
    length: x.length,
  };
}

/** Items b0 .. b0 + count of a target of as many items as the estimate. */
function targetRows(t: ScaleTarget, b0: number, count: number): ScaleTarget {
  if (t.signals) return { signals: rows(t.signals, b0, count) };
  const { frames, bins, mag, logs } = t.spectrogram;
  const m = frames * bins;
  const part = (a: Float64Array) => a.subarray(b0 * m, (b0 + count) * m);
  return { spectrogram: { frames, bins, mag: part(mag), logs: logs.map(part) }, items: count };
}
