/**
 * Framing, apart from any transform: how a configuration pads a signal and cuts it into frames,
 * the padding's adjoint (for gradients), the number of frames and where each starts, and the
 * shortest signal a configuration accepts. The JavaScript and WebAssembly kernels frame through
 * here; so do the losses built on them (@losses/mss).
 *
 * With P = floor(size / 2) when centred (else 0), frame t of an item covers the padded samples
 * [t hop, t hop + size): centred frames are centred on sample t hop of the signal (torch.stft).
 */
import type { FloatArray } from '@losses/tensor';
import type { StftLayout } from './options.js';

/** The frames of a batch of signals, laid out one padded signal after another. */
export interface Framed {
  /** Items in the batch. */
  batch: number;
  /** Samples per input signal. */
  length: number;
  /** Frames per item. */
  frames: number;
  /** Samples per padded signal (the stride between items in `padded`). */
  paddedLength: number;
  /** Left padding in samples. */
  left: number;
  /**
   * All padded signals, float64, `[batch, paddedLength]`: the framer's work memory (or the memory
   * given to {@link Framer.frame}), valid until its next `frame` call.
   */
  padded: Float64Array;
}

/**
 * Number of STFT frames for a signal of `length` samples (no validation of the length):
 * 1 + floor((T + 2 P - size) / hop) centred, ceil(T / hop) with `padEnd`, else
 * 1 + floor((T - size) / hop) (0 for T < size).
 */
export function frameCountOf(cfg: StftLayout, length: number): number {
  if (cfg.center) {
    const padded = length + 2 * Math.floor(cfg.size / 2);
    return 1 + Math.floor((padded - cfg.size) / cfg.hop);
  }
  if (cfg.padEnd) return Math.ceil(length / cfg.hop);
  if (length < cfg.size) return 0;
  return 1 + Math.floor((length - cfg.size) / cfg.hop);
}

/**
 * The shortest signal a configuration accepts: floor(size / 2) + 1 samples for centred frames
 * with reflect padding (the mirror must be shorter than the signal, as in torch), `size` for
 * frames that are neither centred nor end-padded, 1 otherwise.
 */
export function minSignalLength(cfg: StftLayout): number {
  if (cfg.center) return cfg.padMode === 'reflect' ? Math.floor(cfg.size / 2) + 1 : 1;
  return cfg.padEnd ? 1 : cfg.size;
}

/** Samples per padded signal for signals of `length` samples. */
export function paddedLengthOf(cfg: StftLayout, length: number): number {
  const { size, hop, center, padEnd } = cfg;
  if (padEnd) return Math.max(length, (frameCountOf(cfg, length) - 1) * hop + size);
  return length + 2 * (center ? Math.floor(size / 2) : 0);
}

/** Pads and frames signals for one configuration, with reusable work memory. */
export class Framer {
  readonly cfg: StftLayout;
  private work = new Float64Array(0);

  constructor(cfg: StftLayout) {
    this.cfg = cfg;
  }

  /** Samples per padded signal for signals of `length` samples. */
  paddedLength(length: number): number {
    return paddedLengthOf(this.cfg, length);
  }

  /** Number of frames for signals of `length` samples. */
  frameCount(length: number): number {
    return frameCountOf(this.cfg, length);
  }

  /**
   * Pads `batch` signals of `length` samples (row-major in `x`) as the configuration says, into
   * `into` (at least `batch * paddedLength(length)` values) or else the framer's work memory.
   */
  frame(x: FloatArray, batch: number, length: number, into?: Float64Array): Framed {
    const frames = this.frameCount(length);
    const left = this.cfg.center ? Math.floor(this.cfg.size / 2) : 0;
    const paddedLength = this.paddedLength(length);
    const padded = into
      ? into.subarray(0, batch * paddedLength)
      : this.scratch(batch * paddedLength);
    this.padInto(x, batch, length, padded);
    return { batch, length, frames, paddedLength, left, padded };
  }

  /**
   * Pads `batch` signals of `length` samples (row-major in `x`) as the configuration says into
   * `padded` (`[batch, paddedLength(length)]`, of any float type: the float32 kernel pads straight
   * into its WebAssembly memory).
   */
  padInto(x: FloatArray, batch: number, length: number, padded: FloatArray): void {
    const { size, center, padMode } = this.cfg;
    const left = center ? Math.floor(size / 2) : 0;
    const paddedLength = this.paddedLength(length);
    const reflect = center && padMode === 'reflect';
    for (let b = 0; b < batch; b++) {
      const src = b * length;
      const dst = b * paddedLength;
      padded.set(x.subarray(src, src + length), dst + left);
      if (reflect) {
        // torch/numpy 'reflect': mirror about the edge sample, edge not repeated.
        for (let i = 1; i <= left; i++) {
          padded[dst + left - i] = padded[dst + left + i]!;
          padded[dst + left + length - 1 + i] = padded[dst + left + length - 1 - i]!;
        }
      } else {
        padded.fill(0, dst, dst + left);
        padded.fill(0, dst + left + length, dst + paddedLength);
      }
    }
  }

  /** Where frame g (counting all items' frames, item after item) starts in `f.padded`. */
  start(f: Framed, g: number): number {
    return Math.floor(g / f.frames) * f.paddedLength + (g % f.frames) * this.cfg.hop;
  }

  /**
   * The adjoint of the padding: adds the gradient w.r.t. the padded signals (`gp`,
   * `[batch, paddedLength]`) to the gradient w.r.t. the signals (`out`, `[batch, length]`).
   * Reflect padding folds the mirrored samples back onto their sources; zero padding drops the pad.
   */
  addUnpadded(f: Framed, gp: FloatArray, out: Float64Array): void {
    const { batch, paddedLength, length, left } = f;
    const reflect = this.cfg.center && this.cfg.padMode === 'reflect';
    for (let b = 0; b < batch; b++) {
      const src = b * paddedLength + left;
      const dst = b * length;
      for (let t = 0; t < length; t++) out[dst + t]! += gp[src + t]!;
      if (reflect) {
        for (let i = 1; i <= left; i++) {
          out[dst + i]! += gp[src - i]!;
          out[dst + length - 1 - i]! += gp[src + length - 1 + i]!;
        }
      }
    }
  }

  /** A work array of exactly `size` elements (contents undefined), grown on demand. */
  private scratch(size: number): Float64Array {
    if (this.work.length < size) this.work = new Float64Array(size);
    return this.work.subarray(0, size);
  }
}
