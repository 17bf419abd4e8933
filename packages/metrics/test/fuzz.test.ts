import { tensor } from '@losses/tensor';
import { mulberry32 as rng } from '@losses/tensor/internal';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  combineGraRows,
  consistency,
  frameScores,
  type GraTrial,
  gra,
  graWithCi,
  type HierarchyLike,
  type SinusoidGraRow,
  wilsonInterval,
} from '../src/index.js';

// Seeded fuzz test of the metrics against naive references written here from the definitions:
// gamma_c with explicit frame sets, frame scores by filtering, GRA by comparing signs, the Wilson
// interval as the roots of its quadratic. Random hierarchies (with duplicate children, indices or
// names), predictions on and around the threshold, masked references, trials at extreme
// magnitudes (1e-200, subnormals, 1e300). `pnpm test` runs a small number of cases; `pnpm fuzz`
// runs 3,000 (or FUZZ_RUNS; FUZZ_SEED picks another sequence).

const RUNS = Number(
  process.env.FUZZ_RUNS ?? (process.env.npm_lifecycle_event === 'fuzz' ? 3000 : 80),
);
const SEED = Number(process.env.FUZZ_SEED ?? 5);

type Rand = () => number;
const int = (r: Rand, lo: number, hi: number): number => lo + Math.floor(r() * (hi - lo + 1));
const pick = <T>(r: Rand, xs: readonly T[]): T => xs[Math.floor(r() * xs.length)]!;

/**
 * The Wilson 95 % interval as the two roots p of (p^ - p)^2 = z^2 p (1 - p) / n, i.e. of
 * a p^2 + b p + c with a = 1 + z^2/n, b = -(2 p^ + z^2/n), c = p^2, by the quadratic formula. The
 * discriminant b^2 - 4ac is written as (z^2/n)(4 p^ (1 - p^) + z^2/n), its exact simplification:
 * computed as b^2 - 4ac it cancels to noise for large n.
 */
function naiveWilson(k: number, n: number): [number, number] {
  const z = 1.959963984540054;
  const ph = k / n;
  const a = 1 + (z * z) / n;
  const b = -(2 * ph + (z * z) / n);
  const root = Math.sqrt(((z * z) / n) * (4 * ph * ((n - k) / n) + (z * z) / n));
  return [Math.max(0, (-b - root) / (2 * a)), Math.min(1, (-b + root) / (2 * a))];
}

function closeTo(got: number, want: number, what: string, tol = 1e-12): void {
  expect(Math.abs(got - want), `${what}: ${got} vs ${want}`).toBeLessThanOrEqual(tol);
}

function predictionInput(r: Rand, rows: number[][]): unknown {
  const F = rows.length;
  const C = rows[0]!.length;
  const flat = Float64Array.from(rows.flat());
  switch (int(r, 0, 3)) {
    case 0:
      return rows;
    case 1:
      return tensor(flat, [F, C]);
    case 2:
      return Float32Array.from(flat).every((v, i) => v === flat[i])
        ? tensor(Float32Array.from(flat), [F, C])
        : rows;
    default:
      // A transposed view of the [C, F] layout.
      return ndarray(
        Float64Array.from({ length: F * C }, (_, i) => rows[i % F]![Math.floor(i / F)]!),
        [C, F],
      ).transpose(1, 0);
  }
}

function consistencyCase(r: Rand, tag: string): void {
  const C = int(r, 2, 12);
  const names = Array.from({ length: C }, (_, i) => `c${i}`);
  const kids: (string | number)[][] = names.map(() => []);
  for (let a = 0; a < C; a++) {
    for (let b = 0; b < C; b++) {
      if (a !== b && r() < 0.25) kids[a]!.push(r() < 0.5 ? names[b]! : b);
    }
    if (kids[a]!.length > 0 && r() < 0.2) kids[a]!.push(kids[a]![0]!); // a duplicate entry
  }
  if (kids.every((k) => k.length === 0)) kids[0]!.push(1);
  const h: HierarchyLike = { classes: names, children: (c) => kids[names.indexOf(c)]! };
  const F = int(r, 1, 40);
  const threshold = pick(r, [0.5, 1, 0.25, r() || 0.5]);
  const rows = Array.from({ length: F }, () =>
    Array.from({ length: C }, () => pick(r, [0, 1, threshold, r(), r() < 0.5 ? 0 : 1])),
  );
  const result = consistency(predictionInput(r, rows) as never, h, { threshold });
  const on = (f: number, j: number) => rows[f]![j]! >= threshold;
  const perClass = [];
  for (let j = 0; j < C; j++) {
    const ch = new Set(kids[j]!.map((k) => (typeof k === 'number' ? k : names.indexOf(k))));
    if (ch.size === 0) continue;
    const I = new Set<number>();
    const down = new Set<number>();
    for (let f = 0; f < F; f++) {
      if (on(f, j)) I.add(f);
      if ([...ch].some((k) => on(f, k))) down.add(f);
    }
    const inter = [...I].filter((f) => down.has(f)).length;
    const union = new Set([...I, ...down]).size;
    perClass.push({
      name: names[j],
      index: j,
      gamma: union === 0 ? 1 : inter / union,
      intersection: inter,
      union,
    });
  }
  expect(result.perClass, `${tag}: consistency`).toEqual(perClass);
  closeTo(result.mean, perClass.reduce((s, e) => s + e.gamma, 0) / perClass.length, tag, 1e-15);
}

function frameScoresCase(r: Rand, tag: string): void {
  const C = int(r, 1, 10);
  const F = int(r, 1, 60);
  const threshold = pick(r, [0.5, 1, 0.1, r() || 0.5]);
  const rows = Array.from({ length: F }, () =>
    Array.from({ length: C }, () => pick(r, [0, 1, threshold, r()])),
  );
  const unknown = pick(r, [0, 0.2, 0.9]);
  const refs = Array.from({ length: F }, () =>
    Array.from({ length: C }, () => (r() < unknown ? Number.NaN : r() < 0.3 ? 1 : 0)),
  );
  const names = r() < 0.5 ? Array.from({ length: C }, (_, j) => `k${j}`) : undefined;
  const got = frameScores(predictionInput(r, rows) as never, refs, {
    threshold,
    ...(names ? { classes: names } : {}),
  });
  const prf = (tp: number, fp: number, fn: number) => {
    const precision = tp + fp === 0 ? 0 : tp / (tp + fp);
    const recall = tp + fn === 0 ? 0 : tp / (tp + fn);
    return {
      precision,
      recall,
      f: precision + recall === 0 ? 0 : (2 * precision * recall) / (precision + recall),
    };
  };
  let TP = 0;
  let FP = 0;
  let FN = 0;
  const scored: ReturnType<typeof prf>[] = [];
  for (let j = 0; j < C; j++) {
    const known = refs.map((_row, f) => f).filter((f) => !Number.isNaN(refs[f]![j]!));
    const tp = known.filter((f) => rows[f]![j]! >= threshold && refs[f]![j] === 1).length;
    const fp = known.filter((f) => rows[f]![j]! >= threshold && refs[f]![j] === 0).length;
    const fn = known.filter((f) => rows[f]![j]! < threshold && refs[f]![j] === 1).length;
    TP += tp;
    FP += fp;
    FN += fn;
    const c = got.perClass[j]!;
    expect([c.tp, c.fp, c.fn, c.known, c.support, c.name], `${tag}: class ${j}`).toEqual([
      tp,
      fp,
      fn,
      known.length,
      tp + fn,
      names?.[j],
    ]);
    const s = prf(tp, fp, fn);
    closeTo(c.precision, s.precision, `${tag}: P ${j}`, 1e-15);
    closeTo(c.recall, s.recall, `${tag}: R ${j}`, 1e-15);
    closeTo(c.f, s.f, `${tag}: F ${j}`, 1e-15);
    if (tp + fn > 0) scored.push(s);
  }
  expect([got.micro.tp, got.micro.fp, got.micro.fn], `${tag}: micro counts`).toEqual([TP, FP, FN]);
  const micro = prf(TP, FP, FN);
  closeTo(got.micro.f, micro.f, `${tag}: micro F`, 1e-15);
  if (scored.length === 0) expect(got.macro, tag).toBeNull();
  else {
    const mean = (k: 'precision' | 'recall' | 'f') =>
      scored.reduce((a, s) => a + s[k], 0) / scored.length;
    expect(got.macro!.classes, tag).toBe(scored.length);
    closeTo(got.macro!.precision, mean('precision'), `${tag}: macro P`, 1e-14);
    closeTo(got.macro!.recall, mean('recall'), `${tag}: macro R`, 1e-14);
    closeTo(got.macro!.f, mean('f'), `${tag}: macro F`, 1e-14);
  }
}

const MAGNITUDES = [0, 5e-324, 1e-300, 1e-200, 1e-8, 1, 1000, 1e200, 1e300, Number.MAX_VALUE];

function graCase(r: Rand, tag: string): void {
  const n = int(r, 1, 60);
  const value = () => pick(r, [-1, 1]) * pick(r, MAGNITUDES) * (r() < 0.5 ? 1 : r());
  const trials: GraTrial[] = Array.from({ length: n }, () => {
    const target = value();
    const estimate = r() < 0.1 ? target : value();
    return { estimate, target, gradient: value() };
  });
  const right = trials.filter((t) => {
    const s = Math.sign(t.gradient);
    return s !== 0 && s === Math.sign(t.estimate - t.target);
  }).length;
  expect(gra(trials), `${tag}: gra`).toBe(right / n);
  const w = graWithCi(trials);
  expect([w.correct, w.total], tag).toEqual([right, n]);
  const [lo, hi] = naiveWilson(right, n);
  closeTo(w.ci[0], lo, `${tag}: ci lo`);
  closeTo(w.ci[1], hi, `${tag}: ci hi`);
  expect(w.ci[0] <= w.gra && w.gra <= w.ci[1], `${tag}: gra inside its interval`).toBe(true);

  const N = pick(r, [1, 7, 1000, 123_457, 2 ** 40]);
  const k = Math.min(N, Math.floor(r() * (N + 1)));
  const [a, b] = wilsonInterval(k, N);
  const [na, nb] = naiveWilson(k, N);
  closeTo(a, na, `${tag}: wilson(${k}, ${N}) lo`);
  closeTo(b, nb, `${tag}: wilson(${k}, ${N}) hi`);

  // Runs over disjoint trials merge into the counts of the whole.
  const steps = Array.from({ length: int(r, 1, 4) }, (_, i) => i + r());
  const parts: SinusoidGraRow[][] = Array.from({ length: int(r, 1, 5) }, () => {
    const m = int(r, 1, 50);
    return steps.map((step) => {
      const c = int(r, 0, m);
      return { step, gra: c / m, ci: naiveWilson(c, m), correct: c, trials: m };
    });
  });
  const merged = combineGraRows(parts);
  steps.forEach((step, s) => {
    const c = parts.reduce((acc, p) => acc + p[s]!.correct, 0);
    const m = parts.reduce((acc, p) => acc + p[s]!.trials, 0);
    expect([merged[s]!.step, merged[s]!.correct, merged[s]!.trials], tag).toEqual([step, c, m]);
    const [wl, wh] = naiveWilson(c, m);
    closeTo(merged[s]!.ci[0], wl, `${tag}: merged ci`);
    closeTo(merged[s]!.ci[1], wh, `${tag}: merged ci`);
  });
}

describe(`fuzz: ${RUNS} random cases of each metric against naive references`, () => {
  it('consistency gamma_c', () => {
    for (let i = 0; i < RUNS; i++) consistencyCase(rng(SEED * 7919 + i), `seed ${SEED} run ${i}`);
  });
  it('frame scores', () => {
    for (let i = 0; i < RUNS; i++) frameScoresCase(rng(SEED * 6007 + i), `seed ${SEED} run ${i}`);
  });
  it('gra, graWithCi, wilsonInterval, combineGraRows', () => {
    for (let i = 0; i < RUNS; i++) graCase(rng(SEED * 4001 + i), `seed ${SEED} run ${i}`);
  });
});
