import type { FloatArray } from '@losses/tensor';
import type { HierarchyTables } from '../hierarchy.js';

/** How the first argument of a loss is read. */
export type InputKind = 'logits' | 'probabilities';

/** Weights of the three terms of the fused kernel. */
export interface TermWeights {
  bce: number;
  down: number;
  up: number;
}

/** The value and its three (unweighted) parts. */
export interface KernelValue {
  value: number;
  bce: number;
  down: number;
  up: number;
}

/** Scratch rows of length C, allocated once per plan and reused across calls and frames. */
export interface Scratch {
  p: Float64Array;
  dp: Float64Array;
  gb: Float64Array;
  gp: Float64Array;
}

export function makeScratch(C: number): Scratch {
  return {
    p: new Float64Array(C),
    dp: new Float64Array(C),
    gb: new Float64Array(C),
    gp: new Float64Array(C),
  };
}

/** Number of known (non-NaN) labels. */
export function countKnown(y: FloatArray): number {
  let n = 0;
  for (let i = 0; i < y.length; i++) if (!Number.isNaN(y[i]!)) n++;
  return n;
}

// torch.nn.BCELoss conventions for probability inputs: log clamped at -100, and the backward
// divides by max(p (1 - p), 1e-12) (aten/src/ATen/native/Loss.cpp).
const LOG_CLAMP = -100;
const BCE_EPS = 1e-12;

/** BCE of a probability p against y with torch's clamped logarithms. */
export function bceProb(p: number, y: number): number {
  const lp = Math.max(Math.log(p), LOG_CLAMP);
  const lq = Math.max(Math.log(1 - p), LOG_CLAMP);
  return -(y * lp + (1 - y) * lq);
}

/** d BCE / dp as torch computes it. */
export function bceProbGrad(p: number, y: number): number {
  return (p - y) / Math.max(p * (1 - p), BCE_EPS);
}

/**
 * The fused forward + backward kernel of every loss of strategy D (Krause & Muller, "Hierarchical
 * classification for instrument activity detection in orchestral music recordings", IEEE/ACM
 * TASLP 31, 2023; ICASSP 2022 for singing voice):
 *
 *   L = w_bce BCE + alpha L_down + beta L_up, with p = sigmoid(z) and, per frame,
 *   BCE    = (1/N_known) sum_{known (f,c)} -[y log p + (1 - y) log(1 - p)]
 *   L_up   = (1/F)(1/|E|) sum_f sum_{(c,c') in E} max{0, p_c' - p_c}^2          (child <= parent)
 *   L_down = (1/F)(1/|P|) sum_f sum_{c in P} max{0, p_c - max_{c' in ch(c)} p_c'}^2  (parent <= best child)
 *
 * One pass over the frames; per frame it works in the scratch rows (no allocation). The gradient
 * w.r.t. the input (logits, or p itself for probability input) is written to `grad` when given.
 * The max of L_down routes its gradient to the arg-max child; tied children share it evenly.
 *
 * A term whose weight is 0 is skipped, unless `wantParts` asks for the unweighted terms (then it
 * is evaluated for `down` / `up` but still adds nothing to the value or the gradient).
 */
export function lossKernel(
  z: FloatArray,
  y: FloatArray,
  F: number,
  t: HierarchyTables,
  w: TermWeights,
  input: InputKind,
  s: Scratch,
  grad: FloatArray | null,
  wantParts = false,
): KernelValue {
  const C = t.numClasses;
  const E = t.edgeParent.length;
  const P = t.parentIndex.length;
  const { edgeParent, edgeChild, childStart, childIndex, parentIndex } = t;
  const { p, dp, gb, gp } = s;
  const wantBce = w.bce !== 0 || wantParts;
  const wantUp = (w.up !== 0 || wantParts) && E > 0;
  const wantDown = (w.down !== 0 || wantParts) && P > 0;
  const nKnown = wantBce ? countKnown(y) : 0;
  const gBce = nKnown > 0 ? w.bce / nKnown : 0;
  const gUp = w.up !== 0 && E > 0 ? (2 * w.up) / (F * E) : 0;
  const gDown = w.down !== 0 && P > 0 ? (2 * w.down) / (F * P) : 0;
  const logits = input === 'logits';
  let bceSum = 0;
  let upSum = 0;
  let downSum = 0;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let c = 0; c < C; c++) {
      const x = z[base + c]!;
      const yv = y[base + c]!;
      const known = wantBce && !Number.isNaN(yv);
      if (logits) {
        // Stable sigmoid and BCE from the logit: with e = exp(-|x|),
        // p = 1/(1+e) (x >= 0) or e/(1+e), BCE = max(x,0) - x y + log(1+e), dp/dx = e/(1+e)^2.
        // log(d) with d = 1 + e rounded is within 2^-52 (absolute) of log1p(e) and cheaper.
        const e = Math.exp(-Math.abs(x));
        const d = 1 + e;
        const pv = x >= 0 ? 1 / d : e / d;
        p[c] = pv;
        dp[c] = e / (d * d);
        if (known) {
          bceSum += Math.max(x, 0) - x * yv + Math.log(d);
          gb[c] = (pv - yv) * gBce;
        } else gb[c] = 0;
      } else {
        p[c] = x;
        dp[c] = 1;
        if (known) {
          bceSum += bceProb(x, yv);
          gb[c] = bceProbGrad(x, yv) * gBce;
        } else gb[c] = 0;
      }
      gp[c] = 0;
    }
    if (wantUp) {
      for (let k = 0; k < E; k++) {
        const pa = edgeParent[k]!;
        const ch = edgeChild[k]!;
        const d = p[ch]! - p[pa]!;
        if (d > 0) {
          upSum += d * d;
          if (gUp === 0) continue;
          const g = gUp * d;
          gp[ch] += g;
          gp[pa] -= g;
        }
      }
    }
    if (wantDown) {
      for (let k = 0; k < P; k++) {
        const c = parentIndex[k]!;
        const lo = childStart[c]!;
        const hi = childStart[c + 1]!;
        let m = Number.NEGATIVE_INFINITY;
        let ties = 0;
        for (let j = lo; j < hi; j++) {
          const v = p[childIndex[j]!]!;
          if (v > m) {
            m = v;
            ties = 1;
          } else if (v === m) ties++;
        }
        const d = p[c]! - m;
        if (d > 0) {
          downSum += d * d;
          if (gDown === 0) continue;
          const g = gDown * d;
          gp[c] += g;
          const share = g / ties;
          for (let j = lo; j < hi; j++) {
            const cj = childIndex[j]!;
            if (p[cj] === m) gp[cj] -= share;
          }
        }
      }
    }
    if (grad) {
      for (let c = 0; c < C; c++) grad[base + c] = gb[c]! + gp[c]! * dp[c]!;
    }
  }
  const bce = nKnown > 0 ? bceSum / nKnown : 0;
  const down = wantDown ? downSum / (F * P) : 0;
  const up = wantUp ? upSum / (F * E) : 0;
  return { value: w.bce * bce + w.down * down + w.up * up, bce, down, up };
}
