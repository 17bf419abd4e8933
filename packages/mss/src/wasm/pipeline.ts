/**
 * The WebAssembly engine of the multi-scale spectral loss (see ../engine.ts), scale by scale: the
 * frames go into the memory of the scale's STFT module (@losses/stft's WasmStft), and the spectra,
 * magnitudes, their logs, the gradient w.r.t. the magnitudes and the adjoint STFT stay there; only
 * the signals go in and the gradient w.r.t. the signal comes out. Serves the l1 and l2sq distances
 * without spectral convergence, the estimate's gradient only (the presets standard, smooth, ddsp,
 * hifigan and dac); the JavaScript engine does the rest. Issue 14's perceptual steps (per-scale
 * padding, magnitude form, filterbank) run around each scale's STFT in scale-stage.ts, and its
 * floored logarithms in the module's log loop (kernel.ts).
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
import { MssWasm, mssModule, TABLE_DOUBLES, WasmFilterbank } from './kernel.js';
import { F32Route } from './pipeline32.js';
import { ScaleStage } from './scale-stage.js';

/** One scale: the framing (JavaScript), the STFT and the loss loop (one WebAssembly memory). */
interface Scale {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  readonly stft: WasmStft;
  readonly loss: MssWasm;
  /** Issue 14: the scale's padding and value stage (magnitude form, filterbank). */
  readonly stage: ScaleStage;
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

/**
 * A fixed target's spectrogram at one scale: its values (the magnitudes, or the value stage's
 * bands) and their logs (see MssWasm.logs), `frames` x `width` per item.
 */
export interface TargetSpectrogram {
  readonly frames: number;
  readonly width: number;
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

export class WasmEngine implements MssEngine<WasmTarget> {
  private readonly config: MssConfig;
  private readonly scales: Scale[];
  /**
   * Issue 17: the float32 route for float32 estimates (sizes the float32 kernels serve), made on
   * the first float32 call; null where it does not apply.
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
   * convergence, with issue 14's scales, magnitude forms, padding and floored logarithms
   * (A-weighting and stereo happen before the engine). (Steps the module has no kernel for -
   * other distances such as the Wasserstein distance - are declined here and run in the
   * JavaScript engine.)
   */
  static serves(config: MssConfig): boolean {
    const d = config.distance;
    return (d === 'l1' || d === 'l2sq') && config.spectralConvergence === 0;
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
    const p = config.perceptual;
    const scales = cfgs.map((cfg, s): Scale => {
      const stft = new WasmStft(cfg.size, cfg.hop, cfg.window);
      const table = stft.reserve(TABLE_DOUBLES);
      const loss = new MssWasm(mod, stft.memory, table, config.compressions);
      const fb = p.filterbanks?.[s];
      const bank = fb && new WasmFilterbank(loss, stft.memory, (d) => stft.reserve(d), fb);
      return {
        cfg,
        framer: new Framer(cfg),
        stft,
        loss,
        stage: new ScaleStage(loss, p.magnitude, bank, cfg.bins, p.pad[s] ?? 0, config.padMode),
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
    // Issue 14 (breakdown): [items, scales, compressions + 1], as the JavaScript engine's.
    const terms = request.terms
      ? new Float64Array(items * this.scales.length * (this.config.compressions.length + 1))
      : undefined;
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
      terms,
    );
    if (r === null) return null;
    const out: Evaluation = { perItem };
    if (terms) out.terms = terms;
    if (r.grad) out.grad = tensor(r.grad, est.shape);
    return out;
  }

  /**
   * Issue 17: the float32 route (see ./pipeline32.ts) for a float32 estimate against float32
   * samples or a fixed spectrogram; undefined where it does not apply (a value stage, a
   * breakdown) or the call does not fit.
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
    // The route has no value stage (issue 14's padding, magnitude form, filterbank) and no
    // per-term sums: those configurations and `breakdown` keep the float64 kernels.
    if (request.terms) return undefined;
    if (this.scales.some((sc) => !sc.stage.identity || sc.stage.pad > 0)) return undefined;
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

  /**
   * Frames the signals `x` (padded first where the scale pads, issue 14) into the memory at byte
   * offset `sig` (from a layout).
   */
  private load(sc: Scale, x: Signals, sig: number): Framed {
    const st = sc.stage;
    const n = st.framedLength(x.length);
    const plen = sc.framer.paddedLength(n);
    const into = sc.stft.f64(0).subarray(sig / 8, sig / 8 + x.items * plen);
    if (st.pad > 0 && plen === n && !sc.cfg.center) {
      // Frames that take the padded signals as they are (HiFi-GAN's): padded into the memory.
      st.padded(x, into);
      const frames = sc.framer.frameCount(n);
      return { batch: x.items, length: n, frames, paddedLength: n, left: 0, padded: into };
    }
    const p = st.padded(x);
    return sc.framer.frame(p.data, p.items, p.length, into);
  }

  /** Samples per padded item and frames of scale `sc` for signals of `length` samples. */
  private framing(sc: Scale, length: number): { plen: number; frames: number } {
    const n = sc.stage.framedLength(length);
    return { plen: sc.framer.paddedLength(n), frames: sc.framer.frameCount(n) };
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
    const { plen, frames } = this.framing(sc, x.length);
    const m = frames * bins;
    const st = sc.stage;
    const width = st.width;
    const mw = frames * width;
    // The values (issue 14's stage, else the magnitudes themselves) and the stage's scratch.
    const regions = (items: number) => [
      items * plen,
      2 * items * m,
      items * m,
      ...Array.from({ length: sc.loss.logCount }, () => items * mw),
      st.identity ? 0 : items * mw,
      st.hasForm ? items * m : 0,
    ];
    // Every scale's memory stays (it only grows): each gets its share of the limit.
    const share = wasmMemoryLimit() / this.scales.length;
    const chunk = largestFitting(x.items, (c) => sc.stft.bytesFor(...regions(c)) <= share);
    if (chunk === 0) return null;
    const mag = new Float64Array(x.items * mw);
    const logs = Array.from({ length: sc.loss.logCount }, () => new Float64Array(x.items * mw));
    sc.loaded = undefined;
    for (let b0 = 0; b0 < x.items; b0 += chunk) {
      const items = Math.min(chunk, x.items - b0);
      const part = rows(x, b0, items);
      const count = items * mw;
      const ok = tryWasm(() => {
        const [sig, spec, magAt, ...rest] = sc.stft.layout(...regions(items)) as [
          number,
          number,
          number,
          ...number[],
        ];
        const logAt = rest.slice(0, sc.loss.logCount);
        const [valAt, formAt] = rest.slice(sc.loss.logCount) as [number, number];
        const f = this.load(sc, part, sig);
        this.magnitudes(sc, f, sig, spec, magAt);
        const at = st.identity ? magAt : valAt;
        if (!st.identity) st.forward(magAt, items * frames, valAt, formAt, undefined);
        logAt.forEach((l, j) => {
          sc.loss.logs(j, at, count, l);
        });
        const view = sc.stft.f64(0);
        mag.set(view.subarray(at / 8, at / 8 + count), b0 * mw);
        logAt.forEach((l, j) => {
          logs[j]!.set(view.subarray(l / 8, l / 8 + count), b0 * mw);
        });
      });
      if (!ok) return null;
    }
    return { frames, width, mag, logs };
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
    const { plen, frames } = this.framing(sc, length);
    const m = frames * sc.cfg.bins;
    const count = items * m;
    const tCount = tItems * m;
    const st = sc.stage;
    // Issue 14: the compared values are frames x width per item (the magnitudes without a stage).
    const mw = frames * st.width;
    const nLogs = sc.loss.logCount;
    return [
      tItems * mw,
      ...Array.from({ length: nLogs }, () => tItems * mw),
      items * plen,
      fixed ? 0 : tItems * plen,
      2 * Math.max(count, tCount),
      count,
      count,
      items * plen,
      ...Array.from({ length: nLogs }, () => items * mw),
      // The stage's values and their gradient, the form's scratch and its derivative.
      st.identity ? 0 : items * mw,
      st.identity ? 0 : items * mw,
      st.hasForm ? Math.max(count, tCount) : 0,
      st.hasForm ? count : 0,
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
    terms?: Float64Array,
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
    const stride = terms ? terms.length / items : 0;
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
          terms?.subarray(b0 * stride, (b0 + c) * stride),
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
    terms?: Float64Array,
  ): FloatArray | undefined {
    const n = est.items * est.length;
    let grad: GradSum | undefined;
    if (dtype) {
      // Frames that neither start before the signal nor run past it: every scale's padded-signal
      // gradient is the signal's, and each adds to the last one's in place.
      const inPlace = this.scales.every(
        (sc) =>
          sc.stage.pad === 0 && !sc.cfg.center && sc.framer.paddedLength(est.length) === est.length,
      );
      grad = { acc: inPlace ? undefined : new Float64Array(n), last: undefined };
    }
    for (let s = 0; s < this.scales.length; s++) {
      this.evaluateScale(s, est, target(s), itemWeight, scaleWeight, perItem, grad, terms);
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
    terms?: Float64Array,
  ): void {
    const c = this.config;
    const sc = this.scales[s]!;
    const fixed = target.spectrogram;
    const tItems = fixed ? target.items : target.signals.items;
    if (target.signals && target.signals.length !== est.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: ${est.length} samples per item, the target ${target.signals.length}`,
        'estimate',
      );
    }
    const { plen, frames } = this.framing(sc, est.length);
    const st = sc.stage;
    // The compared values per item (issue 14: the stage's bands, else the magnitudes).
    const mw = frames * st.width;
    const countW = est.items * mw;
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
    const logE = rest.slice(nLogs + 6, 2 * nLogs + 6);
    const [valAt, dvalAt, form, deriv] = rest.slice(2 * nLogs + 6) as [
      number,
      number,
      number,
      number,
    ];
    // Without a stage the values are the magnitudes, and their gradient dL/d|X|.
    const valE = st.identity ? magE : valAt;
    const dval = st.identity ? dmag : dvalAt;
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
      if (st.identity) this.magnitudes(sc, ft, sigT, spec, magT);
      else {
        // The target's magnitudes go where the estimate's will (tItems <= items), then its values.
        this.magnitudes(sc, ft, sigT, spec, magE);
        st.forward(magE, tItems * frames, magT, form, undefined);
      }
      logT.forEach((l, j) => {
        sc.loss.logs(j, magT, tItems * mw, l);
      });
    }
    this.magnitudes(sc, fe, sigE, spec, magE);
    if (!st.identity) {
      st.forward(magE, est.items * frames, valE, form, grad ? deriv : undefined);
    }
    logE.forEach((l, j) => {
      sc.loss.logs(j, valE, countW, l);
    });
    const norm = c.reduction === 'mean' ? 1 / mw : 1;
    const squared = c.distance === 'l2sq';
    const weight = itemWeight * scaleWeight * norm;
    for (let b = 0; b < est.items; b++) {
      const off = 8 * b * mw;
      const toff = 8 * (tItems === 1 ? 0 : b) * mw;
      const sum = sc.loss.fused(
        squared,
        grad !== undefined,
        valE + off,
        magT + toff,
        logE.map((l) => l + off),
        logT.map((l) => l + toff),
        mw,
        dval + off,
        weight,
      );
      perItem[b]! += scaleWeight * (sum * norm);
      if (terms) {
        const nComp = c.compressions.length;
        const at = (b * this.scales.length + s) * (nComp + 1);
        sc.loss.terms(
          squared,
          valE + off,
          magT + toff,
          logE.map((l) => l + off),
          logT.map((l) => l + toff),
          mw,
          (k, v) => {
            terms[at + k] = v * norm;
          },
        );
      }
    }
    if (grad) {
      if (!st.identity) st.backward(sc.stft.f64(0), dval, est.items * frames, deriv, dmag);
      const gpView = sc.stft.f64(0).subarray(gp / 8, gp / 8 + est.items * plen);
      if (grad.last) gpView.set(grad.last);
      else gpView.fill(0);
      const floor = c.magnitudeEps ?? 0;
      sc.stft.backwardAt(spec, magE, dmag, frames, est.items * frames, plen, floor, gp);
      if (grad.acc && st.pad > 0) {
        // Issue 14: the gradient w.r.t. the padded signals, folded back onto the signals (through
        // the framer's padding first, unless it has none).
        let padded = gpView;
        if (fe.left !== 0 || fe.paddedLength !== fe.length) {
          padded = new Float64Array(est.items * fe.length);
          sc.framer.addUnpadded(fe, gpView, padded);
        }
        st.addUnpadded(padded, est.items, est.length, grad.acc);
      } else if (grad.acc) sc.framer.addUnpadded(fe, gpView, grad.acc);
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
  const { frames, width, mag, logs } = t.spectrogram;
  const m = frames * width;
  const part = (a: Float64Array) => a.subarray(b0 * m, (b0 + count) * m);
  return { spectrogram: { frames, width, mag: part(mag), logs: logs.map(part) }, items: count };
}
