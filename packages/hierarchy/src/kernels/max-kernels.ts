import type { FloatArray } from '@losses/tensor';
import type { HierarchyTables } from '../hierarchy.js';

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
 * than any of its descendants.
 */
export function mcmForward(x: FloatArray, F: number, t: HierarchyTables, out: FloatArray): void {
  const C = t.numClasses;
  const { closureStart, closureIndex } = t;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let a = 0; a < C; a++) {
      let m = x[base + a]!;
      for (let j = closureStart[a]! + 1; j < closureStart[a + 1]!; j++) {
        const v = x[base + closureIndex[j]!]!;
        if (v > m) m = v;
      }
      out[base + a] = m;
    }
  }
}

/** Vector-Jacobian product of {@link mcmForward}: dy_A goes to the arg-max of D_A (ties share). */
export function mcmVjp(
  x: FloatArray,
  dy: FloatArray,
  F: number,
  t: HierarchyTables,
  row: Float64Array,
  dx: FloatArray,
): void {
  const C = t.numClasses;
  const { closureStart, closureIndex } = t;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    row.fill(0);
    for (let a = 0; a < C; a++) {
      const g = dy[base + a]!;
      if (g === 0) continue;
      const lo = closureStart[a]!;
      const hi = closureStart[a + 1]!;
      let m = Number.NEGATIVE_INFINITY;
      let ties = 0;
      for (let j = lo; j < hi; j++) {
        const v = x[base + closureIndex[j]!]!;
        if (v > m) {
          m = v;
          ties = 1;
        } else if (v === m) ties++;
      }
      const share = g / ties;
      for (let j = lo; j < hi; j++) {
        const b = closureIndex[j]!;
        if (x[base + b] === m) row[b] += share;
      }
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
 */
export function propagateKernel(
  y: FloatArray,
  F: number,
  t: HierarchyTables,
  out: FloatArray,
): void {
  const C = t.numClasses;
  const { closureStart, closureIndex } = t;
  for (let f = 0; f < F; f++) {
    const base = f * C;
    for (let a = 0; a < C; a++) out[base + a] = Number.NaN;
    // Negative pass: a class labelled 0 makes itself and its descendants 0.
    for (let a = 0; a < C; a++) {
      if (y[base + a] !== 0) continue;
      for (let j = closureStart[a]!; j < closureStart[a + 1]!; j++)
        out[base + closureIndex[j]!] = 0;
    }
    // Positive pass (wins): a class with itself or a descendant labelled 1 is 1.
    for (let a = 0; a < C; a++) {
      for (let j = closureStart[a]!; j < closureStart[a + 1]!; j++) {
        if (y[base + closureIndex[j]!] === 1) {
          out[base + a] = 1;
          break;
        }
      }
    }
  }
}
