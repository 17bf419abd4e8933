/**
 * Issue 14 in the WebAssembly pipeline (pipeline.ts): the steps of a perceptual configuration
 * around one scale's STFT, the same functions the JavaScript engine calls, here on views of the
 * scale's WebAssembly memory.
 *
 * - Before the frames: the per-scale padding (signal-pad.ts, HiFi-GAN's reflect padding before a
 *   non-centred STFT), a JavaScript step on the signals; for the gradient, its adjoint folds the
 *   gradient w.r.t. the padded signals back onto the signals.
 * - Between the magnitudes |X| and the compressions: the value stage of value-stage.ts,
 *   V = S(|X|) F^T, whose values the module's log and distance loops take in place of the
 *   magnitudes; for the gradient, dL/d|X| = (dL/dV) F * dS/d|X| into the region the adjoint STFT
 *   reads. The magnitude form S (the module's `form`, the numbers of magnitude-forms.ts), the
 *   band-range filterbank F and its transpose (the module's `bands` and `bandsT`, kernel.ts
 *   WasmFilterbank: the numbers of scales/filterbank.ts) are the JavaScript engine's to the last
 *   bit, markedly faster.
 *
 * A scale without padding and with the identity stage does none of this: the pipeline then runs
 * as before issue 14 (the values are the magnitudes).
 */
import type { FloatArray } from '@losses/tensor';
import type { MagnitudeForm } from '../magnitude-forms.js';
import { addUnpadded, padRows } from '../signal-pad.js';
import type { MssWasm, WasmFilterbank } from './kernel.js';

/** A batch of signals: `items` rows of `length` samples, contiguous. */
export interface StageSignals {
  readonly data: FloatArray;
  readonly items: number;
  readonly length: number;
}

/** The perceptual steps of one scale (see the module comment). */
export class ScaleStage {
  /** True when the compared values are the magnitudes themselves. */
  readonly identity: boolean;
  /** Values per frame: the filterbank's bands, or the bins. */
  readonly width: number;
  /** Whether the stage has a magnitude form (which needs scratch and its derivative). */
  readonly hasForm: boolean;

  constructor(
    /** The scale's module instance (its magnitude form). */
    private readonly loss: MssWasm,
    /** The magnitude form S. */
    private readonly form: MagnitudeForm,
    /** The scale's filterbank in its memory, if any. */
    private readonly filterbank: WasmFilterbank | undefined,
    /** Bins per frame (N/2 + 1). */
    readonly bins: number,
    /** Samples of padding on each side of every item before the frames (0: none). */
    readonly pad: number,
    readonly padMode: 'reflect' | 'constant',
  ) {
    this.hasForm = form.offset !== 0 || form.power !== 1;
    this.identity = !this.hasForm && filterbank === undefined;
    this.width = filterbank ? filterbank.bands : bins;
  }

  /** Samples per item that the STFT frames: the signals' `length` plus the padding. */
  framedLength(length: number): number {
    return length + 2 * this.pad;
  }

  /**
   * The signals the STFT frames: `x` padded on each side (x itself without padding), into `out`
   * when given ([items, framedLength]).
   */
  padded(x: StageSignals, out?: Float64Array): StageSignals {
    if (this.pad === 0) return x;
    const data = padRows(x.data, x.items, x.length, this.pad, this.padMode, out);
    return { data, items: x.items, length: this.framedLength(x.length) };
  }

  /**
   * Adds the gradient w.r.t. the padded signals (`g`, [items, framedLength(length)]) to `out`
   * ([items, length]): the adjoint of {@link ScaleStage.padded}.
   */
  addUnpadded(g: FloatArray, items: number, length: number, out: Float64Array): void {
    addUnpadded(g, items, length, this.pad, this.padMode, out);
  }

  /**
   * The values of `rows` rows of magnitudes at byte offset `mag` of the memory into byte offset
   * `val` ([rows, width]); `form` (byte offset of rows x bins scratch) and, for the gradient,
   * `deriv` (rows x bins: dS/d|X|) are used only with a magnitude form.
   */
  forward(mag: number, rows: number, val: number, form: number, deriv: number | undefined): void {
    let src = mag;
    if (this.hasForm) {
      // Without a filterbank the form writes the values themselves.
      src = this.filterbank ? form : val;
      this.loss.magnitudeForm(this.form, mag, rows * this.bins, src, deriv);
    }
    this.filterbank?.apply(src, rows, val);
  }

  /**
   * dL/d|X| at byte offset `dmag` ([rows, bins], overwritten) from dL/dV at `dval`
   * ([rows, width]) and the `deriv` of {@link ScaleStage.forward}.
   */
  backward(memory: Float64Array, dval: number, rows: number, deriv: number, dmag: number): void {
    const n = rows * this.bins;
    const at = (p: number, len: number) => memory.subarray(p / 8, p / 8 + len);
    if (this.filterbank) this.filterbank.transpose(dval, rows, dmag);
    else at(dmag, n).set(at(dval, n));
    if (this.hasForm) this.loss.multiply(dmag, deriv, n);
  }
}
