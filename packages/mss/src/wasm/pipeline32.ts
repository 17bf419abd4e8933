/**
 * Issue 17, item 2: the float32 route of the WebAssembly engine (see ./pipeline.ts), taken for a
 * float32 estimate when the float32 kernels serve every scale's size (from 8 samples: powers of two,
 * and other sizes up to 65536 by Bluestein, e.g. the `smooth` preset's primes). Per scale, one
 * float32 STFT module (@losses/stft's WasmStft32 or WasmStft32Any: four frames, or four pairs of
 * frames, per f32x4 vector, one per lane, each frame with its own power-of-two scale) holds the
 * float32 signals, the kept spectra and float32 rows of magnitudes and dL/d|X|; on the same memory
 * the loss loop of wasm/mss32.wat (through ./kernel.ts's `fused32`) takes both spectrograms' logs,
 * the distances and dL/d|X| in float32 lanes in one pass (the loss summed in float64; groups out of
 * float32's range through the float64 loop), and the adjoint STFT (an f32x4 inverse real FFT of
 * the gradient spectrum and the overlap-add) writes a float32 gradient. Float64 estimates keep the
 * float64 route, bit for bit. Accuracy: see the package README (float32 route). */
import type { Framed, ResolvedStft } from '@losses/stft/internal';
import {
  createStft32,
  Framer,
  type Stft32Kernel,
  tryWasm,
  wasm32Supports,
  wasmMemoryLimit,
} from '@losses/stft/internal';
import { LossInputError } from '@losses/tensor';
import type { MssConfig } from '../options.js';
import { MssWasm, TABLE_DOUBLES } from './kernel.js';
import type { ScaleTarget, Signals, TargetSpectrogram } from './pipeline.js';

/** One scale: its framing, its float32 STFT module and the loss loop on the same memory. */
interface Scale32 {
  readonly cfg: ResolvedStft;
  readonly framer: Framer;
  readonly stft: Stft32Kernel;
  readonly loss: MssWasm;
  /** The fixed target whose magnitudes and logs the memory holds from the last call, if any. */
  loaded: TargetSpectrogram | undefined;
}

/** The float32 route of {@link WasmEngine} (float32 estimates, sizes the float32 kernels serve). */
export class F32Route {
  private readonly config: MssConfig;
  private readonly scales: Scale32[];

  private constructor(config: MssConfig, scales: Scale32[]) {
    this.config = config;
    this.scales = scales;
  }

  /**
   * The route for `config` (which the WebAssembly engine serves) with its scales' resolved STFT
   * options `cfgs` and the compiled loss module, or undefined where the float32 kernels do not
   * serve a size (see `wasm32Supports`) or their tables do not fit in the memory limit.
   */
  static create(
    config: MssConfig,
    cfgs: readonly ResolvedStft[],
    mod: WebAssembly.Module,
  ): F32Route | undefined {
    if (!cfgs.every((cfg) => wasm32Supports(cfg.size))) return undefined;
    const stfts = cfgs.map((cfg) => createStft32(cfg.size, cfg.hop, cfg.window));
    if (stfts.some((k) => k === null)) return undefined;
    const scales = cfgs.map((cfg, s): Scale32 => {
      const stft = stfts[s]!;
      const table = stft.reserve(8 * TABLE_DOUBLES);
      return {
        cfg,
        framer: new Framer(cfg),
        stft,
        loss: new MssWasm(mod, stft.memory, table, config.compressions, true),
        loaded: undefined,
      };
    });
    return new F32Route(config, scales);
  }

  /**
   * The byte sizes of the regions {@link F32Route.evaluateScale} lays out, all float32: the
   * target's magnitude rows and, for a fixed target, its logs (first, so that they stay for the
   * next call), the padded signals, the kept spectra, the estimate's magnitude rows, dL/d|X| and
   * the padded gradient.
   */
  private regions(
    sc: Scale32,
    length: number,
    items: number,
    tItems: number,
    fixed: boolean,
    grad: boolean,
  ): number[] {
    const plen = sc.framer.paddedLength(length);
    const frames = sc.framer.frameCount(length);
    const count = items * frames * sc.cfg.bins;
    const tCount = tItems * frames * sc.cfg.bins;
    return [
      4 * tCount,
      ...Array.from({ length: sc.loss.logCount }, () => (fixed ? 4 * tCount : 0)),
      4 * items * plen,
      fixed ? 0 : 4 * tItems * plen,
      grad ? sc.stft.specBytes(items * frames, frames) : 0,
      4 * count,
      grad ? 4 * count : 0,
      grad ? 4 * items * plen : 0,
    ];
  }

  /**
   * The loss of every item of `est` (float32 samples) against `target(s)` (1 or `est.items`
   * items: float32 samples, or fixed spectrograms) at every scale, times `scaleWeight`, added to
   * `perItem`; with `grad` also the float32 gradient of sum_b itemWeight * L_b w.r.t. `est`.
   * Null, with `perItem` untouched, when the call does not fit in the WebAssembly memories (the
   * caller then takes the float64 route, which works in chunks).
   */
  run(
    est: Signals,
    target: (s: number) => ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    grad: boolean,
  ): { grad: Float32Array | undefined } | null {
    const { items, length } = est;
    const targets = this.scales.map((_, s) => target(s));
    let bytes = 0;
    this.scales.forEach((sc, s) => {
      const t = targets[s]!;
      const tItems = t.spectrogram ? t.items : t.signals.items;
      bytes += sc.stft.bytesFor(
        ...this.regions(sc, length, items, tItems, t.spectrogram !== undefined, grad),
      );
    });
    if (bytes > wasmMemoryLimit()) return null;
    const sums = new Float64Array(items);
    const n = items * length;
    const inPlace = this.scales.every(
      (sc) => !sc.cfg.center && sc.framer.paddedLength(length) === length,
    );
    const acc = grad && !inPlace ? new Float64Array(n) : undefined;
    let last: Float32Array | undefined;
    const ok = tryWasm(() => {
      for (let s = 0; s < this.scales.length; s++) {
        const g = this.evaluateScale(s, est, targets[s]!, itemWeight, scaleWeight, sums, grad, {
          acc,
          last,
        });
        if (g) last = g;
      }
    });
    if (!ok) {
      for (const sc of this.scales) sc.loaded = undefined;
      return null;
    }
    for (let b = 0; b < items; b++) perItem[b]! += sums[b]!;
    if (!grad) return { grad: undefined };
    const out = new Float32Array(n);
    out.set(acc ?? last!);
    return { grad: out };
  }

  /**
   * Scale `s` of {@link F32Route.run}: adds its losses to `perItem` and, with `grad`, its gradient
   * to `sum.acc` (padded frames) or else to `sum.last` in its memory, whose view it returns.
   */
  private evaluateScale(
    s: number,
    est: Signals,
    target: ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    grad: boolean,
    sum: { acc: Float64Array | undefined; last: Float32Array | undefined },
  ): Float32Array | undefined {
    const c = this.config;
    const sc = this.scales[s]!;
    const { cfg, framer, stft, loss } = sc;
    const fixed = target.spectrogram;
    const tItems = fixed ? target.items : target.signals.items;
    if (target.signals && target.signals.length !== est.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: ${est.length} samples per item, the target ${target.signals.length}`,
        'estimate',
      );
    }
    const plen = framer.paddedLength(est.length);
    const frames = framer.frameCount(est.length);
    if (fixed && fixed.frames !== frames) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: its spectrogram at FFT size ${cfg.size} has ${frames} frames, the target's ${fixed.frames}`,
        'estimate',
      );
    }
    const m = frames * cfg.bins;
    const nLogs = loss.logCount;
    const [magT, ...rest] = stft.layout(
      ...this.regions(sc, est.length, est.items, tItems, fixed !== undefined, grad),
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
    const floor = c.magnitudeEps ?? 0;
    const f32 = stft.view32();
    framer.padInto(
      est.data,
      est.items,
      est.length,
      f32.subarray(sigE / 4, sigE / 4 + est.items * plen),
    );
    if (fixed) {
      // The target's regions come first in every layout: a fixed target stays for the next call.
      // (Its magnitudes and logs, float64 from the float64 route, rounded to float32.)
      if (sc.loaded !== fixed) {
        f32.set(fixed.mag, magT / 4);
        fixed.logs.forEach((l, j) => {
          f32.set(l, logT[j]! / 4);
        });
        sc.loaded = fixed;
      }
    } else {
      sc.loaded = undefined;
      const t = target.signals;
      framer.padInto(t.data, t.items, t.length, f32.subarray(sigT / 4, sigT / 4 + t.items * plen));
      stft.analyzeAt(sigT, frames, t.items * frames, plen, magT, 0, floor, 'float32');
    }
    stft.analyzeAt(sigE, frames, est.items * frames, plen, magE, grad ? spec : 0, floor, 'float32');
    const norm = c.reduction === 'mean' ? 1 / m : 1;
    const squared = c.distance === 'l2sq';
    const weight = itemWeight * scaleWeight * norm;
    for (let b = 0; b < est.items; b++) {
      const off = 4 * b * m;
      const toff = 4 * (tItems === 1 ? 0 : b) * m;
      const total = loss.fused32(
        squared,
        grad,
        magE + off,
        magT + toff,
        fixed ? logT.map((l) => l + toff) : undefined,
        m,
        dmag + off,
        weight,
      );
      perItem[b]! += scaleWeight * (total * norm);
    }
    if (!grad) return undefined;
    const gpView = stft.view32().subarray(gp / 4, gp / 4 + est.items * plen);
    if (sum.last && !sum.acc) gpView.set(sum.last);
    else gpView.fill(0);
    stft.adjointAt(spec, magE, dmag, frames, est.items * frames, plen, floor, gp, 'float32');
    if (!sum.acc) return gpView;
    const f: Framed = {
      batch: est.items,
      length: est.length,
      frames,
      paddedLength: plen,
      left: cfg.center ? Math.floor(cfg.size / 2) : 0,
      padded: new Float64Array(0),
    };
    framer.addUnpadded(f, gpView, sum.acc);
    return undefined;
  }
}
