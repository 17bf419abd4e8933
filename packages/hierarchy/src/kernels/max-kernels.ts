import type { FloatArray } from '@losses/tensor';
import type { HierarchyTables } from '../hierarchy.js';
import { DescendantMax } from './descendant-max.js';

/**
 * Strategy B of Krause & Muller (TASLP 2023): leaf predictions only, each parent set to the max of
 * its children, recursively (bottom-up order), so the output is consistent by construction.
 * Leaf columns are copied; the input's non-leaf columns are ignored.
 */
export function aggregateForward(
  x: FloatArray,
  F: number,
  t: HierarchyTables,
  out: FloatArray,
): void {
  const C = t.numClasses;
  const { bottomUpOrder, childStart, childIndex } = t;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let k = 0; k < C; k++) {
      const c = bottomUpOrder[k]!;
      const lo = childStart[c]!;
      const hi = childStart[c + 1]!;
      if (lo === hi) {
        out[base + c] = x[base + c]!;
        continue;
      }
      let m = out[base + childIndex[lo]!]!;
      for (let j = lo + 1; j < hi; j++) {
        const v = out[base + childIndex[j]!]!;
        if (v > m) m = v;
      }
      out[base + c] = m;
    }
  }
}

/**
 * Vector-Jacobian product of {@link aggregateForward}: top-down (reverse bottom-up order), each
 * class passes its accumulated gradient to its arg-max children (ties share evenly); the leaves
 * keep what reaches them, non-leaf input columns get zero. `y` is the forward output.
 */
export function aggregateVjp(
  y: FloatArray,
  dy: FloatArray,
  F: number,
  t: HierarchyTables,
  row: Float64Array,
  dx: FloatArray,
): void {
  const C = t.numClasses;
  const { bottomUpOrder, childStart, childIndex } = t;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let c = 0; c < C; c++) row[c] = dy[base + c]!;
    for (let k = C - 1; k >= 0; k--) {
      const c = bottomUpOrder[k]!;
      const lo = childStart[c]!;
      const hi = childStart[c + 1]!;
      if (lo === hi) continue;
      const g = row[c]!;
      row[c] = 0;
      if (g === 0) continue;
      const m = y[base + c]!;
      let ties = 0;
      for (let j = lo; j < hi; j++) if (y[base + childIndex[j]!] === m) ties++;
      const share = g / ties;
      for (let j = lo; j < hi; j++) {
        const cj = childIndex[j]!;
        if (y[base + cj] === m) row[cj] += share;
      }
    }
    for (let c = 0; c < C; c++) dx[base + c] = row[c]!;
  }
}

/**
 * MCM, the max constraint module of C-HMCNN (Giunchiglia & Lukasiewicz, NeurIPS 2020, Eq. 2):
 * MCM_A = max_{B in D_A} h_B over A and all its descendants, so that a class is never less likely
 * than any of its descendants. Computed bottom-up as max(h_A, MCM of each child): O(C + |E|) per
 * frame (see {@link DescendantMax}).
 */
export function mcmForward(x: FloatArray, F: number, t: HierarchyTables, out: FloatArray): void {
  const C = t.numClasses;
  const dm = new DescendantMax(t);
  for (let f = 0; f < F; f++) {
    const base = f * C;
    dm.run(x, base, null, false);
    for (let a = 0; a < C; a++) out[base + a] = dm.max[a]!;
  }
}

/**
 * Vector-Jacobian product of {@link mcmForward}: dy_A goes to the arg-max of D_A; members of D_A
 * tied at the max share it evenly.
 */
export function mcmVjp(
  x: FloatArray,
  dy: FloatArray,
  F: number,
  t: HierarchyTables,
  row: Float64Array,
  dx: FloatArray,
): void {
  const C = t.numClasses;
  const dm = new DescendantMax(t);
  for (let f = 0; f < F; f++) {
    const base = f * C;
    row.fill(0);
    dm.run(x, base, null, true);
    for (let a = 0; a < C; a++) {
      const g = dy[base + a]!;
      if (g === 0) continue;
      const n = dm.members(a);
      const share = g / n;
      for (let k = 0; k < n; k++) row[dm.tied[k]!] += share;
    }
    for (let c = 0; c < C; c++) dx[base + c] = row[c]!;
  }
}

/**
 * Label propagation along the hierarchy, per frame: an entry becomes 1 when it or any descendant
 * is labelled 1 (a positive child makes its ancestors positive); otherwise 0 when it or any
 * ancestor is labelled 0 (a negative parent makes its descendants negative); otherwise it stays
 * unknown (NaN). Positive evidence wins over a conflicting negative label, so the output is always
 * consistent; consistent labels are never changed, only completed.
 *
 * Two sweeps per frame, O(C + |E|): bottom-up, a class is positive when it or a child is; top-down
 * (reverse bottom-up order, parents first), a negative class makes its children negative.
 */
export function propagateKernel(
  y: FloatArray,
  F: number,
  t: HierarchyTables,
  out: FloatArray,
): void {
  const C = t.numClasses;
  const { bottomUpOrder, childStart, childIndex } = t;
  const positive = new Uint8Array(C);
  const negative = new Uint8Array(C);
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let k = 0; k < C; k++) {
      const a = bottomUpOrder[k]!;
      let pos = y[base + a] === 1 ? 1 : 0;
      for (let j = childStart[a]!; j < childStart[a + 1]! && pos === 0; j++) {
        pos = positive[childIndex[j]!]!;
      }
      positive[a] = pos;
      negative[a] = y[base + a] === 0 ? 1 : 0;
    }
    for (let k = C - 1; k >= 0; k--) {
      const a = bottomUpOrder[k]!;
      if (negative[a] === 0) continue;
      for (let j = childStart[a]!; j < childStart[a + 1]!; j++) negative[childIndex[j]!] = 1;
    }
    for (let a = 0; a < C; a++) {
      out[base + a] = positive[a] === 1 ? 1 : negative[a] === 1 ? 0 : Number.NaN;
    }
  }
}
