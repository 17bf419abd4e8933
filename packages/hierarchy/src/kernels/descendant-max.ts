import type { FloatArray } from '@losses/tensor';
import type { HierarchyTables } from '../hierarchy.js';

/** `arg` of a class whose maximum is attained by several members of its set (a tie). */
export const TIED = -1;
/** `arg` of a class whose set has no eligible member (its maximum is -Infinity). */
export const NONE = -2;

/**
 * The maximum of a row of values over each class and its descendants, D_A = {A} and everything
 * below A, for the max operators of C-HMCNN (MCM and MCLoss; Giunchiglia & Lukasiewicz,
 * NeurIPS 2020), by dynamic programming in bottom-up order:
 *
 *   M_A = max(v_A, max_{c child of A} M_c),
 *
 * exact on a DAG too (max is idempotent, so a descendant reached along two paths counts once).
 * O(C + |E|) per row, no recursion, no closure table. Optionally only the members b with
 * `y[b] === 1` are eligible (MCLoss's positive descendants).
 *
 * For the gradient, `arg[A]` is the one member attaining M_A when it is unique ({@link TIED}
 * otherwise), also by dynamic programming: the members attaining M_A are A itself (if v_A = M_A)
 * and those of the children c with M_c = M_A, so the arg-max is unique exactly when each such
 * child's is and all of them name the same class. Only at a tie does {@link members} search the
 * tied members, descending only into children whose maximum equals the tied value.
 *
 * Scratch rows of length C are allocated once per instance and reused for every row.
 */
export class DescendantMax {
  /** M_A for the current row. */
  readonly max: Float64Array;
  /** The unique arg-max class of D_A, {@link TIED} or {@link NONE}. */
  readonly arg: Int32Array;
  /** The tied members after {@link members}. */
  readonly tied: Int32Array;
  private readonly stack: Int32Array;
  private readonly mark: Uint32Array;
  private epoch = 0;
  private v: FloatArray = new Float64Array(0);
  private y: FloatArray | null = null;
  private base = 0;

  constructor(private readonly t: HierarchyTables) {
    const C = t.numClasses;
    this.max = new Float64Array(C);
    this.arg = new Int32Array(C);
    this.tied = new Int32Array(C);
    this.stack = new Int32Array(C);
    this.mark = new Uint32Array(C);
  }

  private eligible(b: number): boolean {
    return this.y === null || this.y[this.base + b] === 1;
  }

  /**
   * Computes M (and `arg` when `withArg`) for the row `v[base .. base + C)`; with `y`, only the
   * classes whose label `y[base + b]` is 1 count.
   */
  run(v: FloatArray, base: number, y: FloatArray | null, withArg: boolean): void {
    this.v = v;
    this.y = y;
    this.base = base;
    const { bottomUpOrder, childStart, childIndex, numClasses: C } = this.t;
    const { max, arg } = this;
    for (let k = 0; k < C; k++) {
      const a = bottomUpOrder[k]!;
      const lo = childStart[a]!;
      const hi = childStart[a + 1]!;
      const own = this.eligible(a) ? v[base + a]! : Number.NEGATIVE_INFINITY;
      let m = own;
      for (let j = lo; j < hi; j++) {
        const mc = max[childIndex[j]!]!;
        if (mc > m) m = mc;
      }
      max[a] = m;
      if (!withArg) continue;
      if (m === Number.NEGATIVE_INFINITY) {
        arg[a] = NONE;
        continue;
      }
      let who = own === m ? a : NONE;
      for (let j = lo; j < hi && who !== TIED; j++) {
        const c = childIndex[j]!;
        if (max[c] !== m) continue;
        const ac = arg[c]!;
        if (ac === TIED || (who !== NONE && who !== ac)) who = TIED;
        else who = ac;
      }
      arg[a] = who;
    }
  }

  /**
   * The eligible members b of D_A with v_b = M_A (after {@link run} with `withArg`), written to
   * `tied`; returns how many. A unique arg-max is returned at once; a tie is searched
   * iteratively, only below children whose maximum equals M_A, each class visited once.
   */
  members(a: number): number {
    const who = this.arg[a]!;
    if (who >= 0) {
      this.tied[0] = who;
      return 1;
    }
    if (who === NONE) return 0;
    const { childStart, childIndex } = this.t;
    const { max, stack, mark, tied, v, base } = this;
    const m = max[a]!;
    if (++this.epoch === 0xffffffff) {
      mark.fill(0);
      this.epoch = 1;
    }
    const epoch = this.epoch;
    let n = 0;
    let top = 0;
    stack[top++] = a;
    mark[a] = epoch;
    while (top > 0) {
      const b = stack[--top]!;
      if (v[base + b] === m && this.eligible(b)) tied[n++] = b;
      for (let j = childStart[b]!; j < childStart[b + 1]!; j++) {
        const c = childIndex[j]!;
        if (max[c] === m && mark[c] !== epoch) {
          mark[c] = epoch;
          stack[top++] = c;
        }
      }
    }
    return n;
  }
}
