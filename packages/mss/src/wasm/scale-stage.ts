/**
 * Issue 14 in the WebAssembly pipeline (pipeline.ts): the steps of a perceptual configuration
 * around one scale's STFT, the same functions the JavaScript engine calls, here on views of the
 * scale's WebAssembly memory.
 *
 * - Before the frames: the per-scale padding (signal-pad.ts, HiFi-GAN's reflect padding before a
 *   non-centred STFT), a JavaScript step on the signals; for the gradient, its adjoint folds the
 *   gradient w.r.t. the padded signals back onto the signals.
 * - Between the magnitudes |X| and the compressions: the value stage (value-stage.ts) V = S(|X|) F^T
 *   (magnitude form, sparse band-range filterbank), whose values the module's log and distance
 *   loops take in place of the magnitudes; for the gradient, dL/d|X| = (dL/dV) F * dS/d|X| into
 *   the region the adjoint STFT reads.
 *
 * A scale without padding and with the identity stage does none of this: the pipeline then runs
 * as before issue 14 (the values are the magnitudes).
 */
import type { FloatArray } from '@losses/tensor';
import { addUnpadded, padRows } from '../signal-pad.js';
import type { ValueStage } from '../value-stage.js';

/** A batch of signals: `items` rows of `length` samples, contiguous. */
export interface StageSignals {
  readonly data: FloatArray;
  readonly items: number;
  readonly length: number;
}

/** The perceptual steps of one scale (see the module comment). */
export class ScaleStage {
  constructor(
    /** The value stage of the scale (magnitude form and filterbank). */
    readonly values: ValueStage,
    /** Samples of padding on each side of every item before the frames (0: none). */
    readonly pad: number,
    readonly padMode: 'reflect' | 'constant',
  ) {}

  /** True when the compared values are the magnitudes themselves. */
  get identity(): boolean {
    return this.values.identity;
  }

  /** Values per frame: the filterbank's bands, or the bins. */
  get width(): number {
    return this.values.width;
  }

  /** Whether the stage has a magnitude form (which needs scratch and its derivative). */
  get hasForm(): boolean {
    return this.values.hasForm;
  }

  /** Samples per item that the STFT frames: the signals' `length` plus the padding. */
  framedLength(length: number): number {
    return length + 2 * this.pad;
  }

  /** The signals the STFT frames: `x` padded on each side (x itself without padding). */
  padded(x: StageSignals): StageSignals {
    if (this.pad === 0) return x;
    const data = padRows(x.data, x.items, x.length, this.pad, this.padMode);
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
   * The values of `rows` rows of magnitudes at byte offset `mag` of `memory` into byte offset
   * `val` ([rows, width]); `form` (byte offset of rows x bins scratch) and, for the gradient,
   * `deriv` (rows x bins: dS/d|X|) are used only with a magnitude form.
   */
  forward(
    memory: Float64Array,
    mag: number,
    rows: number,
    val: number,
    form: number,
    deriv: number | undefined,
  ): void {
    const n = rows * this.values.bins;
    const at = (p: number, len: number) => memory.subarray(p / 8, p / 8 + len);
    const hasForm = this.values.hasForm;
    this.values.forward(
      at(mag, n),
      rows,
      at(val, rows * this.width),
      hasForm ? at(form, n) : EMPTY,
      hasForm && deriv !== undefined ? at(deriv, n) : undefined,
    );
  }

  /**
   * dL/d|X| at byte offset `dmag` ([rows, bins], overwritten) from dL/dV at `dval`
   * ([rows, width]) and the `deriv` of {@link ScaleStage.forward}.
   */
  backward(memory: Float64Array, dval: number, rows: number, deriv: number, dmag: number): void {
    const n = rows * this.values.bins;
    const at = (p: number, len: number) => memory.subarray(p / 8, p / 8 + len);
    this.values.backward(
      at(dval, rows * this.width),
      rows,
      this.values.hasForm ? at(deriv, n) : EMPTY,
      at(dmag, n),
    );
  }
}

const EMPTY = new Float64Array(0);
