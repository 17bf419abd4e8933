import { type Tensor, tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import {
  aggregateBottomUp,
  aggregateBottomUpVjp,
  bceLossValueAndGrad,
  bottomUpLossValueAndGrad,
  defineHierarchy,
  type Hierarchy,
  hierarchicalLoss,
  hierarchicalLossValueAndGrad,
  maxConstraint,
  maxConstraintVjp,
  mcLossValueAndGrad,
  propagateLabels,
  topDownLossValueAndGrad,
} from '../src/index.js';
import { rng } from './helpers.js';
import {
  naiveAggregate,
  naiveBce,
  naiveDown,
  naiveHierarchy,
  naiveMc,
  naiveMcm,
  naivePropagate,
  naiveUp,
} from './naive.js';

// Seeded fuzz test against the naive reference of ./naive.ts: random hierarchies (DAGs, trees given
// as nested objects, deep chains, wide fans, forests), random predictions (continuous, tied,
// extreme: probabilities 0, 1, 1e-300, 1 - 2^-53; logits +-1e-300, +-40, +-800, +-1e6), random
// labels with unknowns. `pnpm test` runs a small number of cases; `pnpm fuzz` runs 2,000 (or
// FUZZ_RUNS; FUZZ_SEED picks another sequence).

const RUNS = Number(
  process.env.FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 2000 : 60),
);
const SEED = Number(process.env.FUZZ_SEED ?? 12);

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

interface Case {
  kind: string;
  C: number;
  /** [parent, child] in generation indices; class i is named `n${i}`. */
  edges: [number, number][];
  nested: boolean;
}

function randomCase(r: Rand): Case {
  const kind = pick(r, ['dag', 'dag', 'tree', 'tree', 'chain', 'wide', 'forest', 'single']);
  const edges: [number, number][] = [];
  let C: number;
  if (kind === 'dag') {
    C = int(r, 2, 24);
    const order = shuffle(
      r,
      Array.from({ length: C }, (_, i) => i),
    );
    const q = r() * 0.4;
    for (let i = 0; i < C; i++)
      for (let j = i + 1; j < C; j++) if (r() < q) edges.push([order[i]!, order[j]!]);
    // An edge list names only classes on an edge: attach every isolated class.
    const used = new Set(edges.flat());
    for (let i = 0; i < C; i++) {
      if (used.has(order[i]!)) continue;
      edges.push(i === 0 ? [order[0]!, order[1]!] : [order[int(r, 0, i - 1)]!, order[i]!]);
      used.add(order[i]!);
      if (i === 0) used.add(order[1]!);
    }
  } else if (kind === 'tree' || kind === 'forest') {
    C = int(r, 2, 40);
    const roots = kind === 'forest' ? int(r, 2, Math.min(4, C)) : 1;
    for (let c = roots; c < C; c++) edges.push([int(r, 0, c - 1), c]);
  } else if (kind === 'chain') {
    C = int(r, 2, r() < 0.2 ? 400 : 60);
    for (let c = 1; c < C; c++) edges.push([c - 1, c]);
  } else if (kind === 'wide') {
    C = int(r, 2, 300);
    for (let c = 1; c < C; c++) edges.push([0, c]);
  } else {
    C = 1;
  }
  // An edge list names only classes on an edge, so a forest (roots may stand alone) is nested.
  const nested = kind === 'forest' || kind === 'single' || (kind !== 'dag' && r() < 0.5);
  return { kind, C, edges, nested };
}

function shuffle<T>(r: Rand, xs: T[]): T[] {
  for (let i = xs.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [xs[i], xs[j]] = [xs[j]!, xs[i]!];
  }
  return xs;
}

/** A tree (or forest) as the nested object defineHierarchy reads, children in edge order. */
function nestedSpec(c: Case): Record<string, unknown> {
  const kids: number[][] = Array.from({ length: c.C }, () => []);
  const hasParent = new Uint8Array(c.C);
  for (const [p, k] of c.edges) {
    kids[p]!.push(k);
    hasParent[k] = 1;
  }
  const build = (a: number): unknown => {
    if (kids[a]!.length === 0) return null;
    // Leaves as names in an array, inner nodes as objects: both forms of the spec.
    return kids[a]!.map((k) => (kids[k]!.length === 0 ? `n${k}` : { [`n${k}`]: build(k) }));
  };
  const spec: Record<string, unknown> = {};
  for (let a = 0; a < c.C; a++) if (!hasParent[a]) spec[`n${a}`] = build(a);
  return spec;
}

const EXTREME_P = [0, 1, 1e-300, 1 - 2 ** -53, 1e-16, 0.5];
const EXTREME_Z = [1e-300, -1e-300, 0, 40, -40, 800, -800, 1e6, -1e6];

function values(r: Rand, n: number, logits: boolean, mode: string): Float64Array {
  const out = new Float64Array(n);
  const scale = pick(r, [0.5, 3, 30]);
  for (let i = 0; i < n; i++) {
    if (mode === 'ties') out[i] = logits ? pick(r, [-1, 0, 1]) : pick(r, [0, 0.5, 1]);
    else if (mode === 'extreme' && r() < 0.6) out[i] = pick(r, logits ? EXTREME_Z : EXTREME_P);
    else if (logits)
      out[i] = scale * Math.sqrt(-2 * Math.log(1 - r())) * Math.cos(2 * Math.PI * r());
    else out[i] = r();
  }
  return out;
}

function labels(r: Rand, n: number): Float64Array {
  const unknown = pick(r, [0, 0.3, 1]);
  return Float64Array.from({ length: n }, () => (r() < unknown ? Number.NaN : r() < 0.4 ? 1 : 0));
}

function close(got: number, want: number, what: string): void {
  expect(Number.isFinite(got), `${what}: finite`).toBe(true);
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(
    1e-12 * Math.max(1, Math.abs(want)),
  );
}

function closeArrays(got: ArrayLike<number>, want: ArrayLike<number>, what: string): void {
  expect(got.length, `${what}: length`).toBe(want.length);
  let scale = 1;
  for (let i = 0; i < want.length; i++) {
    if (!Number.isNaN(want[i]!)) scale = Math.max(scale, Math.abs(want[i]!));
  }
  for (let i = 0; i < want.length; i++) {
    const g = got[i]!;
    const w = want[i]!;
    if (Number.isNaN(w)) {
      expect(Number.isNaN(g), `${what}[${i}]: NaN expected, got ${g}`).toBe(true);
      continue;
    }
    expect(Number.isFinite(g), `${what}[${i}]: finite`).toBe(true);
    if (!(Math.abs(g - w) <= 1e-12 * scale)) {
      expect.fail(`${what}[${i}]: ${g} vs ${w}`);
    }
  }
}

function runCase(seed: number): void {
  const r = rng(seed);
  const c = randomCase(r);
  const names = Array.from({ length: c.C }, (_, i) => `n${i}`);
  const spec = c.nested ? nestedSpec(c) : c.edges.map(([p, k]) => [names[p]!, names[k]!] as const);
  const order = r() < 0.3 ? shuffle(r, names.slice()) : undefined;
  const tag = `seed ${seed} (${c.kind}, C = ${c.C}, |E| = ${c.edges.length})`;
  const h: Hierarchy = defineHierarchy(spec as never, order ? { classes: order } : undefined);

  // The naive side works on the hierarchy's columns.
  const col = names.map((n) => h.indexOf(n));
  const nh = naiveHierarchy(
    c.C,
    c.edges.map(([p, k]) => [col[p]!, col[k]!]),
  );
  for (let a = 0; a < c.C; a++) {
    const name = h.classes[a]!;
    expect(h.level(name), `${tag}: level of ${name}`).toBe(nh.level[a]);
    expect(
      h.descendants(name).map((n) => h.indexOf(n)),
      `${tag}: descendants`,
    ).toEqual([...nh.desc[a]!].sort((x, y) => x - y));
    expect(
      h.ancestors(name).map((n) => h.indexOf(n)),
      `${tag}: ancestors`,
    ).toEqual([...nh.anc[a]!].sort((x, y) => x - y));
  }
  expect(h.depth, `${tag}: depth`).toBe(Math.max(...nh.level));

  const F = int(r, 1, c.C > 100 ? 2 : 4);
  const shape = pick(r, [[F, c.C], [1, F, c.C], ...(F === 1 ? [[c.C]] : [])]);
  const logits = r() < 0.5;
  const input = logits ? 'logits' : 'probabilities';
  const mode = pick(r, ['random', 'random', 'ties', 'extreme']);
  const x = values(r, F * c.C, logits, mode);
  const y = labels(r, F * c.C);
  const X: Tensor = tensor(Float64Array.from(x), shape);
  const Y: Tensor = tensor(Float64Array.from(y), shape);
  const t = `${tag}, ${input}, ${mode}`;

  const bce = naiveBce(x, y, logits);
  const up = naiveUp(x, nh, logits);
  const down = naiveDown(x, nh, logits);
  const b = bceLossValueAndGrad(X, Y, { input });
  close(b.value, bce.value, `${t}: bce`);
  closeArrays(b.grad.data, bce.grad, `${t}: bce grad`);
  const u = bottomUpLossValueAndGrad(X, h, { input });
  close(u.value, up.value, `${t}: up`);
  closeArrays(u.grad.data, up.grad, `${t}: up grad`);
  const d = topDownLossValueAndGrad(X, h, { input });
  close(d.value, down.value, `${t}: down`);
  closeArrays(d.grad.data, down.grad, `${t}: down grad`);

  const alpha = pick(r, [0, 0.5, 1, 3]);
  const beta = pick(r, [0, 0.25, 1]);
  const hv = hierarchicalLossValueAndGrad(X, Y, h, { alpha, beta, input });
  close(hv.value, bce.value + alpha * down.value + beta * up.value, `${t}: hierarchical`);
  close(hierarchicalLoss(X, Y, h, { alpha, beta, input }), hv.value, `${t}: loss()`);
  close(hv.parts.bce, bce.value, `${t}: parts.bce`);
  close(hv.parts.down, down.value, `${t}: parts.down`);
  close(hv.parts.up, up.value, `${t}: parts.up`);
  const hg = bce.grad.map((g, i) => g + alpha * down.grad[i]! + beta * up.grad[i]!);
  closeArrays(hv.grad.data, hg, `${t}: hierarchical grad`);

  const mc = naiveMc(x, y, nh, logits);
  const mv = mcLossValueAndGrad(X, Y, h, { input });
  close(mv.value, mc.value, `${t}: mcLoss`);
  closeArrays(mv.grad.data, mc.grad, `${t}: mcLoss grad`);

  const dy = values(r, F * c.C, true, 'random');
  const mcm = naiveMcm(x, dy, nh);
  closeArrays(maxConstraint(X, h).data, mcm.out, `${t}: maxConstraint`);
  closeArrays(maxConstraintVjp(X, tensor(dy, shape), h).data, mcm.grad, `${t}: MCM vjp`);

  closeArrays(propagateLabels(Y, h).data, naivePropagate(y, nh), `${t}: propagateLabels`);

  const agg = naiveAggregate(x, nh);
  closeArrays(aggregateBottomUp(X, h).data, agg, `${t}: aggregateBottomUp`);
  const vjp = aggregateBottomUpVjp(X, tensor(dy, shape), h).data;
  // Every unit of dy reaches exactly one leaf (shared at ties): the VJP conserves the sum.
  let sumDy = 0;
  let sumDx = 0;
  for (let i = 0; i < dy.length; i++) {
    sumDy += dy[i]!;
    sumDx += vjp[i]!;
  }
  expect(Math.abs(sumDx - sumDy), `${t}: aggregate vjp sum`).toBeLessThan(1e-9 * (1 + F * c.C));
  if (mode === 'random') {
    // No ties: dy of a class goes whole to the leaf that attains its aggregate.
    const want = new Float64Array(dy.length);
    for (let f = 0; f < F; f++) {
      for (let a = 0; a < c.C; a++) {
        const leaf =
          nh.children[a]!.length === 0
            ? a
            : [...nh.desc[a]!].find(
                (k) => nh.children[k]!.length === 0 && x[f * c.C + k] === agg[f * c.C + a],
              )!;
        want[f * c.C + leaf] += dy[f * c.C + a]!;
      }
    }
    closeArrays(vjp, want, `${t}: aggregate vjp`);
  }
}

describe(`fuzz: ${RUNS} random hierarchies and predictions against a naive implementation`, () => {
  it('gives the same values, gradients and operator outputs', () => {
    for (let i = 0; i < RUNS; i++) runCase(SEED * 1_000_003 + i);
  });
});
