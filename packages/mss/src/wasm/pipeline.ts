/**
 * The loss scale by scale in WebAssembly: the frames go into the memory of the scale's STFT module
 * (@losses/stft's WasmStft), and the spectra, magnitudes, compressed spectrograms, the gradient
 * w.r.t. the magnitudes and the adjoint STFT stay there; only the signals go in and the gradient
 * w.r.t. the signal comes out. Serves the l1 and l2sq distances without spectral convergence, the
 * estimate's gradient only (the presets standard, smooth and ddsp); src/kernel.ts does the rest.
 */
import {
  addUnpadded,
  type Framed,
  frameCountOf,
  resolveStftOptions,
  StftKernel,
  WasmStft,
  wasmSupports,
} from '@losses/stft/internal';
import type { FloatArray } from '@losses/tensor';
import { LossInputError } from '@losses/tensor';
import { type MssConfig, stftOptionsOf } from '../options.js';
import { TABLE_DOUBLES, MssWasm, mssModule } from './kernel.js';

/** One scale: the framing (JavaScript), the STFT and the loss loop (one WebAssembly memory). */
interface Scale {
  readonly frame: StftKernel;
  readonly stft: WasmStft;
  readonly loss: MssWasm;
}

/** A batch of signals: `items` rows of `length` samples, contiguous. */
export interface Signals {
  readonly data: FloatArray;
  readonly items: number;
  readonly length: number;
}

/** A target as the pipeline takes it: its samples, or its magnitudes at this scale. */
export type ScaleTarget =
  | { readonly signals: Signals; readonly mag?: undefined }
  | { readonly mag: Float64Array; readonly items: number; readonly signals?: undefined };

let enabled = true;

/**
 * Turns the WebAssembly pipeline on or off for losses created afterwards (tests compare it with the
 * JavaScript path). Returns the previous setting.
 */
export function setWasmPipelineEnabled(on: boolean): boolean {
  const was = enabled;
  enabled = on;
  return was;
}

export class WasmPipeline {
  private readonly config: MssConfig;
  private readonly scales: Scale[];

  private constructor(config: MssConfig, scales: Scale[]) {
    this.config = config;
    this.scales = scales;
  }

  /** The pipeline for `config`, or undefined where it does not apply or WebAssembly is missing. */
  static create(config: MssConfig): WasmPipeline | undefined {
    const mod = mssModule();
    const eligible =
      enabled &&
      mod !== null &&
      config.distance !== 'l2' &&
      config.spectralConvergence === 0 &&
      config.sizes.every((n) => wasmSupports(n));
    if (!eligible) return undefined;
    const scales = config.sizes.map((_, s): Scale => {
      const cfg = resolveStftOptions(stftOptionsOf(config, s));
      const stft = new WasmStft(cfg.size, cfg.hop, cfg.window);
      const table = stft.reserve(TABLE_DOUBLES);
      return {
        frame: new StftKernel(cfg),
        stft,
        loss: new MssWasm(mod, stft.memory, table, config.compressions),
      };
    });
    return new WasmPipeline(config, scales);
  }

  /** Spectra (at `spec`) and magnitudes (at `mag`) of the framed signals at `sig`. */
  private magnitudes(sc: Scale, f: Framed, sig: number, spec: number, mag: number): void {
    const total = f.batch * f.frames;
    const floor = this.config.magnitudeEps ?? 0;
    sc.stft.spectraAt(sig, f.frames, total, f.paddedLength, spec, mag, floor);
  }

  /** Frames the signals `x` into the memory at byte offset `sig` (from a layout). */
  private load(sc: Scale, x: Signals, sig: number): Framed {
    const plen = sc.frame.paddedLength(x.length);
    const into = sc.stft.f64(0).subarray(sig / 8, sig / 8 + x.items * plen);
    return sc.frame.frame(x.data, x.items, x.length, into);
  }

  /**
   * |STFT_s(x)| of every item of `x` (`[items * frames * bins]`): the form of a fixed target that
   * {@link WasmPipeline.evaluateScale} takes.
   */
  magnitudesOf(s: number, x: Signals): { frames: number; bins: number; mag: Float64Array } {
    const sc = this.scales[s]!;
    const bins = sc.frame.cfg.bins;
    const plen = sc.frame.paddedLength(x.length);
    const frames = frameCountOf(sc.frame.cfg, x.length);
    const count = x.items * frames * bins;
    const [sig, spec, mag] = sc.stft.layout(x.items * plen, 2 * count, count) as [
      number,
      number,
      number,
    ];
    const f = this.load(sc, x, sig);
    this.magnitudes(sc, f, sig, spec, mag);
    return { frames, bins, mag: sc.stft.f64(0).slice(mag / 8, mag / 8 + count) };
  }

  /**
   * Scale `s` of the loss of every item of `est` against `target` (1 or `est.items` items, the same
   * length): adds scaleWeight times each item's loss to `perItem`, and with `gradAcc` the gradient
   * of sum_b itemWeight * L_b w.r.t. `est` (`[items, length]`).
   */
  evaluateScale(
    s: number,
    est: Signals,
    target: ScaleTarget,
    itemWeight: number,
    scaleWeight: number,
    perItem: Float64Array,
    gradAcc: Float64Array | undefined,
  ): void {
    const c = this.config;
    const sc = this.scales[s]!;
    const bins = sc.frame.cfg.bins;
    const tItems = target.mag ? target.items : target.signals.items;
    if (target.signals && target.signals.length !== est.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: ${est.length} samples per item, the target ${target.signals.length}`,
        'estimate',
      );
    }
    const plen = sc.frame.paddedLength(est.length);
    const frames = frameCountOf(sc.frame.cfg, est.length);
    const m = frames * bins;
    const count = est.items * m;
    const tCount = tItems * m;
    if (target.mag && target.mag.length !== tCount) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: its spectrogram at FFT size ${sc.frame.cfg.size} has ${frames} frames, the target's ${target.mag.length / (tItems * bins)}`,
        'estimate',
      );
    }
    const [sigE, sigT, spec, magT, magE, dmag, gp] = sc.stft.layout(
      est.items * plen,
      target.mag ? 0 : tItems * plen,
      2 * Math.max(count, tCount),
      tCount,
      count,
      count,
      est.items * plen,
    ) as [number, number, number, number, number, number, number];
    const fe = this.load(sc, est, sigE);
    if (target.mag) {
      sc.stft.f64(0).set(target.mag, magT / 8);
    } else {
      const ft = this.load(sc, target.signals, sigT);
      this.magnitudes(sc, ft, sigT, spec, magT);
    }
    this.magnitudes(sc, fe, sigE, spec, magE);
    const grad = gradAcc !== undefined;
    const norm = c.reduction === 'mean' ? 1 / m : 1;
    const squared = c.distance === 'l2sq';
    const weight = itemWeight * scaleWeight * norm;
    for (let b = 0; b < est.items; b++) {
      const off = 8 * b * m;
      const toff = 8 * (tItems === 1 ? 0 : b) * m;
      const sum = sc.loss.fused(squared, grad, magE + off, magT + toff, m, dmag + off, weight);
      perItem[b]! += scaleWeight * (sum * norm);
    }
    if (gradAcc) {
      sc.stft.f64(0).fill(0, gp / 8, gp / 8 + est.items * plen);
      const total = est.items * frames;
      sc.stft.backwardAt(spec, dmag, frames, total, plen, c.magnitudeEps ?? 0, gp);
      const view = sc.stft.f64(0).subarray(gp / 8, gp / 8 + est.items * plen);
      addUnpadded(sc.frame.cfg, fe, view, gradAcc);
    }
  }
}
