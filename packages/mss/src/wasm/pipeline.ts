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
  resolveStftOptions,
  StftKernel,
  WasmStft,
  wasmSupports,
} from '@losses/stft/internal';
import type { FloatArray } from '@losses/tensor';
import { LossInputError } from '@losses/tensor';
import { type MssConfig, stftOptionsOf } from '../options.js';
import { LOG_TABLE_LENGTH, MssWasm, mssModule } from './kernel.js';

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

/** A target as the pipeline takes it: its samples, or its compressed spectrograms of this scale. */
export type ScaleTarget =
  | { readonly signals: Signals; readonly compressed?: undefined }
  | {
      readonly compressed: readonly Float64Array[];
      readonly items: number;
      readonly signals?: undefined;
    };

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
      const table = stft.reserve(LOG_TABLE_LENGTH);
      return {
        frame: new StftKernel(cfg),
        stft,
        loss: new MssWasm(mod, stft.memory, table, config.compressions),
      };
    });
    return new WasmPipeline(config, scales);
  }

  /** Copies the framed (padded) signals of `f` to `sig` (a region from {@link WasmStft.layout}). */
  private load(sc: Scale, f: Framed, sig: number): void {
    sc.stft.f64(0).set(f.padded, sig / 8);
  }

  /** Spectra (at `spec`) and magnitudes (at `mag`) of the framed signals at `sig`. */
  private magnitudes(sc: Scale, f: Framed, sig: number, spec: number, mag: number): void {
    const total = f.batch * f.frames;
    sc.stft.spectraAt(sig, f.frames, total, f.paddedLength, spec);
    sc.stft.magnitudesAt(spec, total * sc.frame.cfg.bins, this.config.magnitudeEps ?? 0, mag);
  }

  /** p_k(|STFT_s(x)|) of every item of `x`, per compression k (`[items * frames * bins]`). */
  compressed(s: number, x: Signals): { frames: number; bins: number; compressed: Float64Array[] } {
    const sc = this.scales[s]!;
    const bins = sc.frame.cfg.bins;
    const f = sc.frame.frame(x.data, x.items, x.length);
    const count = x.items * f.frames * bins;
    const nComp = this.config.compressions.length;
    const [sig, spec, mag, out] = sc.stft.layout(
      f.padded.length,
      2 * count,
      count,
      nComp * count,
    ) as [number, number, number, number];
    this.load(sc, f, sig);
    this.magnitudes(sc, f, sig, spec, mag);
    const compressed: Float64Array[] = [];
    for (let k = 0; k < nComp; k++) {
      sc.loss.compress(k, mag, count, out + 8 * k * count);
      const view = sc.stft.f64(0);
      compressed.push(view.slice(out / 8 + k * count, out / 8 + (k + 1) * count));
    }
    return { frames: f.frames, bins, compressed };
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
    const fe = sc.frame.frame(est.data, est.items, est.length);
    const { frames, paddedLength: plen } = fe;
    const tItems = target.compressed ? target.items : target.signals.items;
    if (target.signals && target.signals.length !== est.length) {
      throw new LossInputError(
        'SHAPE_MISMATCH',
        `estimate: ${est.length} samples per item, the target ${target.signals.length}`,
        'estimate',
      );
    }
    const m = frames * bins;
    const count = est.items * m;
    const tCount = tItems * m;
    const nComp = c.compressions.length;
    const [sigE, sigT, spec, mag, tcomp, dmag, gp] = sc.stft.layout(
      est.items * plen,
      target.compressed ? 0 : tItems * plen,
      2 * Math.max(count, tCount),
      Math.max(count, tCount),
      nComp * tCount,
      count,
      est.items * plen,
    ) as [number, number, number, number, number, number, number];
    this.load(sc, fe, sigE);
    if (target.compressed) {
      const view = sc.stft.f64(0);
      target.compressed.forEach((t, k) => {
        if (t.length !== tCount) {
          throw new LossInputError(
            'SHAPE_MISMATCH',
            `estimate: its spectrogram at FFT size ${sc.frame.cfg.size} has ${frames} frames, the target's ${t.length / (tItems * bins)}`,
            'estimate',
          );
        }
        view.set(t, tcomp / 8 + k * tCount);
      });
    } else {
      const ft = sc.frame.frame(target.signals.data, tItems, target.signals.length);
      this.load(sc, ft, sigT);
      this.magnitudes(sc, ft, sigT, spec, mag);
      for (let k = 0; k < nComp; k++) sc.loss.compress(k, mag, tCount, tcomp + 8 * k * tCount);
    }
    this.magnitudes(sc, fe, sigE, spec, mag);
    const grad = gradAcc !== undefined;
    if (grad) sc.stft.f64(0).fill(0, dmag / 8, dmag / 8 + count);
    const norm = c.reduction === 'mean' ? 1 / m : 1;
    const squared = c.distance === 'l2sq';
    for (let b = 0; b < est.items; b++) {
      const off = 8 * b * m;
      const toff = 8 * (tItems === 1 ? 0 : b) * m;
      let itemLoss = 0;
      for (let k = 0; k < nComp; k++) {
        const w = c.compressions[k]!.weight;
        const g = itemWeight * scaleWeight * w * norm;
        const t = tcomp + 8 * k * tCount + toff;
        const sum = sc.loss.fused(k, squared, grad, mag + off, t, m, dmag + off, g);
        itemLoss += w * (sum * norm);
      }
      perItem[b]! += scaleWeight * itemLoss;
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
