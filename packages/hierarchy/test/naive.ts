/**
 * An independent, deliberately naive implementation of every loss and operator of the package, for
 * the fuzz test: explicit descendant sets, one formula per term written as in the papers (Krause &
 * Muller, TASLP 31, 2023; Giunchiglia & Lukasiewicz, NeurIPS 2020), gradients derived by hand per
 * term, no shared code with `src/`. Quadratic where that is simplest; only for small hierarchies.
 */

export interface NaiveHierarchy {
  C: number;
  /** [parent, child] columns. */
  edges: [number, number][];
  children: number[][];
  parents: number[][];
  /** desc[a]: every class strictly below a. */
  desc: Set<number>[];
  /** anc[a]: every class strictly above a. */
  anc: Set<number>[];
  /** Level: 1 for a leaf, else 1 + the highest level of a child. */
  level: number[];
}

export function naiveHierarchy(C: number, edges: [number, number][]): NaiveHierarchy {
  const children: number[][] = Array.from({ length: C }, () => []);
  const parents: number[][] = Array.from({ length: C }, () => []);
  for (const [p, c] of edges) {
    children[p]!.push(c);
    parents[c]!.push(p);
  }
  const reach = (lists: number[][], a: number): Set<number> => {
    const seen = new Set<number>();
    const todo = [...lists[a]!];
    while (todo.length > 0) {
      const b = todo.pop()!;
      if (seen.has(b)) continue;
      seen.add(b);
      todo.push(...lists[b]!);
    }
    return seen;
  };
  const desc = Array.from({ length: C }, (_, a) => reach(children, a));
  const anc = Array.from({ length: C }, (_, a) => reach(parents, a));
  // Level by relaxation: repeat level[p] = max(level[p], level[c] + 1) until nothing changes.
  const level = new Array<number>(C).fill(1);
  for (let changed = true; changed; ) {
    changed = false;
    for (const [p, c] of edges) {
      if (level[p]! < level[c]! + 1) {
        level[p] = level[c]! + 1;
        changed = true;
      }
    }
  }
  return { C, edges, children, parents, desc, anc, level };
}

const sigmoid = (x: number): number => 1 / (1 + Math.exp(-x));

export interface NaiveResult {
  value: number;
  grad: Float64Array;
}

/** p and dp/dx of one entry: sigmoid for logits, the identity for probabilities. */
function probs(x: Float64Array, logits: boolean): { p: Float64Array; dp: Float64Array } {
  const p = Float64Array.from(x, (v) => (logits ? sigmoid(v) : v));
  const dp = Float64Array.from(p, (v) => (logits ? v * (1 - v) : 1));
  return { p, dp };
}

/** BCE over the known labels: stable from logits, torch.nn.BCELoss (log clamped at -100) from p. */
export function naiveBce(x: Float64Array, y: Float64Array, logits: boolean): NaiveResult {
  let known = 0;
  for (const v of y) if (!Number.isNaN(v)) known++;
  const grad = new Float64Array(x.length);
  if (known === 0) return { value: 0, grad };
  let sum = 0;
  for (let i = 0; i < x.length; i++) {
    const yi = y[i]!;
    if (Number.isNaN(yi)) continue;
    const xi = x[i]!;
    if (logits) {
      sum += Math.max(xi, 0) - xi * yi + Math.log1p(Math.exp(-Math.abs(xi)));
      grad[i] = (sigmoid(xi) - yi) / known;
    } else {
      sum -= yi * Math.max(Math.log(xi), -100) + (1 - yi) * Math.max(Math.log(1 - xi), -100);
      grad[i] = (xi - yi) / Math.max(xi * (1 - xi), 1e-12) / known;
    }
  }
  return { value: sum / known, grad };
}

/** L_up = mean over frames of (1/|E|) sum_edges max(0, p_child - p_parent)^2. */
export function naiveUp(x: Float64Array, h: NaiveHierarchy, logits: boolean): NaiveResult {
  const { C, edges } = h;
  const F = x.length / C;
  const { p, dp } = probs(x, logits);
  const grad = new Float64Array(x.length);
  if (edges.length === 0) return { value: 0, grad };
  let sum = 0;
  for (let f = 0; f < F; f++) {
    for (const [pa, ch] of edges) {
      const d = p[f * C + ch]! - p[f * C + pa]!;
      if (d <= 0) continue;
      sum += d * d;
      const g = (2 * d) / (F * edges.length);
      grad[f * C + ch] += g * dp[f * C + ch]!;
      grad[f * C + pa] -= g * dp[f * C + pa]!;
    }
  }
  return { value: sum / (F * edges.length), grad };
}

/** L_down = mean over frames of (1/|P|) sum_parents max(0, p_c - max_child p)^2; ties share. */
export function naiveDown(x: Float64Array, h: NaiveHierarchy, logits: boolean): NaiveResult {
  const { C, children } = h;
  const F = x.length / C;
  const { p, dp } = probs(x, logits);
  const grad = new Float64Array(x.length);
  const P = children.filter((l) => l.length > 0).length;
  if (P === 0) return { value: 0, grad };
  let sum = 0;
  for (let f = 0; f < F; f++) {
    for (let c = 0; c < C; c++) {
      const ch = children[c]!;
      if (ch.length === 0) continue;
      const m = Math.max(...ch.map((k) => p[f * C + k]!));
      const d = p[f * C + c]! - m;
      if (d <= 0) continue;
      sum += d * d;
      const g = (2 * d) / (F * P);
      grad[f * C + c] += g * dp[f * C + c]!;
      const tied = ch.filter((k) => p[f * C + k] === m);
      for (const k of tied) grad[f * C + k] -= (g / tied.length) * dp[f * C + k]!;
    }
  }
  return { value: sum / (F * P), grad };
}

/** max over {a} and its descendants, per frame, with its VJP (ties share evenly). */
export function naiveMcm(
  x: Float64Array,
  dy: Float64Array,
  h: NaiveHierarchy,
): NaiveResult & {
  out: Float64Array;
} {
  const { C, desc } = h;
  const F = x.length / C;
  const out = new Float64Array(x.length);
  const grad = new Float64Array(x.length);
  for (let f = 0; f < F; f++) {
    for (let a = 0; a < C; a++) {
      const set = [a, ...desc[a]!];
      const m = Math.max(...set.map((b) => x[f * C + b]!));
      out[f * C + a] = m;
      const tied = set.filter((b) => x[f * C + b] === m);
      for (const b of tied) grad[f * C + b] += dy[f * C + a]! / tied.length;
    }
  }
  return { value: 0, out, grad };
}

/** MCLoss: BCE of o_A = max over (positive, when y_A = 1) members of D_A; ties share. */
export function naiveMc(
  x: Float64Array,
  y: Float64Array,
  h: NaiveHierarchy,
  logits: boolean,
): NaiveResult {
  const { C, desc } = h;
  const F = x.length / C;
  let known = 0;
  for (const v of y) if (!Number.isNaN(v)) known++;
  const grad = new Float64Array(x.length);
  if (known === 0) return { value: 0, grad };
  let sum = 0;
  for (let f = 0; f < F; f++) {
    for (let a = 0; a < C; a++) {
      const ya = y[f * C + a]!;
      if (Number.isNaN(ya)) continue;
      let set = [a, ...desc[a]!];
      if (ya === 1) set = set.filter((b) => y[f * C + b] === 1);
      const m = Math.max(...set.map((b) => x[f * C + b]!));
      const one = naiveBce(Float64Array.of(m), Float64Array.of(ya), logits);
      sum += one.value;
      const tied = set.filter((b) => x[f * C + b] === m);
      for (const b of tied) grad[f * C + b] += one.grad[0]! / known / tied.length;
    }
  }
  return { value: sum / known, grad };
}

/** Positive if it or a descendant is 1; else negative if it or an ancestor is 0; else NaN. */
export function naivePropagate(y: Float64Array, h: NaiveHierarchy): Float64Array {
  const { C, desc, anc } = h;
  const out = new Float64Array(y.length);
  for (let f = 0; f < y.length / C; f++) {
    for (let a = 0; a < C; a++) {
      const at = (b: number) => y[f * C + b];
      if (at(a) === 1 || [...desc[a]!].some((b) => at(b) === 1)) out[f * C + a] = 1;
      else if (at(a) === 0 || [...anc[a]!].some((b) => at(b) === 0)) out[f * C + a] = 0;
      else out[f * C + a] = Number.NaN;
    }
  }
  return out;
}

/** Strategy B: a leaf keeps its value, any other class takes the max over its leaf descendants. */
export function naiveAggregate(x: Float64Array, h: NaiveHierarchy): Float64Array {
  const { C, desc, children } = h;
  const out = new Float64Array(x.length);
  for (let f = 0; f < x.length / C; f++) {
    for (let a = 0; a < C; a++) {
      if (children[a]!.length === 0) out[f * C + a] = x[f * C + a]!;
      else {
        const leaves = [...desc[a]!].filter((b) => children[b]!.length === 0);
        out[f * C + a] = Math.max(...leaves.map((b) => x[f * C + b]!));
      }
    }
  }
  return out;
}
