import type { FloatArray } from '@losses/tensor';
import type { HierarchyTables } from '../hierarchy.js';
import { DescendantMax } from './descendant-max.js';
import { bceProb, bceProbGrad, countKnown, type InputKind } from './loss-kernel.js';

/**
 * MCLoss of C-HMCNN (Giunchiglia & Lukasiewicz, "Coherent Hierarchical Multi-Label
 * Classification Networks", NeurIPS 2020, Sec. 3), as in the authors' training code:
 *
 *   MCM_A = max_{B in D_A} h_B                        (D_A = A and its descendants)
 *   o_A   = max_{B in D_A} y_B h_B   if y_A = 1       (only positive descendants compete)
 *   o_A   = MCM_A                    if y_A = 0
 *   MCLoss = BCE(o, y), the mean over the known labels,
 *
 * with h = sigmoid(z). Sigmoid is increasing, so max_B sigmoid(z_B) = sigmoid(max_B z_B): in
 * logit mode the max is taken over the logits and BCE is evaluated stably from the winning logit.
 * Unknown (NaN) labels contribute nothing, and an unknown descendant does not count as positive.
 * The gradient of each o_A goes to its arg-max class; tied classes share it evenly.
 */
export function mcKernel(
  z: FloatArray,
  y: FloatArray,
  F: number,
  t: HierarchyTables,
  input: InputKind,
  grad: FloatArray | null,
  row: Float64Array,
): number {
  const C = t.numClasses;
  const nKnown = countKnown(y);
  if (grad) grad.fill(0);
  if (nKnown === 0) return 0;
  // MCM over every descendant (negative classes) and over the positive ones (positive classes),
  // each by dynamic programming over the hierarchy: O(C + |E|) per frame.
  const all = new DescendantMax(t);
  const pos = new DescendantMax(t);
  // Per-frame float64 gradient row (given by the caller, length C), written out once per frame.
  const inv = 1 / nKnown;
  const logits = input === 'logits';
  const wantArg = grad !== null;
  let sum = 0;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    if (grad) row.fill(0);
    all.run(z, base, null, wantArg);
    pos.run(z, base, y, wantArg);
    for (let a = 0; a < C; a++) {
      const ya = y[base + a]!;
      if (Number.isNaN(ya)) continue;
      const dm = ya === 1 ? pos : all;
      const m = dm.max[a]!;
      let g: number;
      if (logits) {
        const e = Math.exp(-Math.abs(m));
        sum += Math.max(m, 0) - m * ya + Math.log1p(e);
        const pv = m >= 0 ? 1 / (1 + e) : e / (1 + e);
        g = (pv - ya) * inv;
      } else {
        sum += bceProb(m, ya);
        g = bceProbGrad(m, ya) * inv;
      }
      if (!grad) continue;
      const n = dm.members(a);
      const share = g / n;
      for (let k = 0; k < n; k++) row[dm.tied[k]!] += share;
    }
    if (grad) for (let c = 0; c < C; c++) grad[base + c] = row[c]!;
  }
  return sum * inv;
}
