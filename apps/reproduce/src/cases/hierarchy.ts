/**
 * Case `hierarchy`: case study 2 of "Loss Functions Matter" (Krause & Muller, "Hierarchical
 * classification for instrument activity detection in orchestral music recordings", IEEE/ACM
 * TASLP 31, 2023; ICASSP 2022 for singing voice), on synthetic frame-level data.
 *
 * Data (generated here, deterministic): the `orchestra` hierarchy (13 instruments, 5 families,
 * `music`). Each family switches on and off in long segments (a persistent two-state Markov
 * chain); inside an active family each instrument has its own persistent chain, so activity is
 * correlated within families and persistent in time. A family or `music` is active exactly when
 * one of its instruments is (consistent ground truth). Features are a fixed random mixing of the
 * instrument activity plus Gaussian noise; the mixing columns of instruments of the same family
 * share a family direction, so families are easy and instruments hard to tell apart. Half of the
 * training frames are labelled at family level only (instrument labels NaN there; the family and
 * `music` labels known).
 *
 * Strategies (one small MLP each, same data, same initialisation seed, Adam):
 * - A: independent BCE on all 19 outputs.
 * - B: leaf outputs only, parents = `aggregateBottomUp` (max of children), BCE on the result.
 * - D(alpha, beta): BCE + alpha L_down + beta L_up (`hierarchicalLoss`), a small grid.
 * - MCM/MCLoss: C-HMCNN (Giunchiglia & Lukasiewicz, NeurIPS 2020), trained with `mcLoss`,
 *   predictions through `maxConstraint`.
 *
 * Reported on a fully labelled test set: frame-wise F-measure (micro over the classes of a level)
 * per level and the mean consistency gamma_c, both from @losses/metrics, threshold 0.5.
 */
import { type Hierarchy, hierarchies } from '@losses/hierarchy';
import { consistency } from '@losses/metrics';
import { tensor } from '@losses/tensor';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { gaussian, mulberry32 } from '../lib/random.js';
import { lineChart, type Series } from '../lib/svg.js';
import { useCpuBackend } from '../lib/tfjs.js';
import {
  levelF,
  predictWith,
  type StrategyKind,
  strategies,
  trainStrategy,
} from '../train/hierarchy.js';
import { predictProbabilities } from '../train/mlp.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

/** Settings of one run of the case. */
export interface HierarchyCaseConfig {
  trainFrames: number;
  testFrames: number;
  features: number;
  hidden: number;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Share of training frames labelled at family level only. */
  coarseShare: number;
  /** Standard deviation of the feature noise. */
  noise: number;
  /** How much of an instrument's mixing column is its family's shared direction (0..1). */
  familyShare: number;
  seed: number;
  grid: readonly (readonly [alpha: number, beta: number])[];
}

/** The default run: a couple of minutes on 2 cores. */
export const defaultConfig: HierarchyCaseConfig = {
  trainFrames: 12000,
  testFrames: 6000,
  features: 24,
  hidden: 48,
  epochs: 10,
  batch: 256,
  learningRate: 0.005,
  coarseShare: 0.5,
  noise: 1.0,
  familyShare: 0.93,
  seed: 7,
  grid: [
    [1, 1],
    [4, 1],
    [1, 4],
    [4, 4],
  ],
};

/** The smoke run of `--quick`: a few seconds. */
export const quickConfig: HierarchyCaseConfig = {
  ...defaultConfig,
  trainFrames: 1536,
  testFrames: 768,
  epochs: 2,
  grid: [[1, 1]],
};

/** Frame-level activity of every class ([F, C], 0/1, consistent): families and instruments in persistent segments. */
export function orchestraActivity(h: Hierarchy, frames: number, r: () => number): Float32Array {
  const C = h.classes.length;
  const y = new Float32Array(frames * C);
  const families = h.children('music');
  const famOn = families.map(() => r() < 0.4);
  const instOn = h.classes.map(() => false);
  for (let f = 0; f < frames; f++) {
    families.forEach((fam, k) => {
      // Families: mean segment ~120 frames on, ~180 off.
      if (famOn[k]) famOn[k] = r() > 1 / 120;
      else famOn[k] = r() < 1 / 180;
      for (const inst of h.children(fam)) {
        const c = h.indexOf(inst);
        if (!famOn[k]) instOn[c] = false;
        // Inside an active family: instruments ~60 frames on, ~60 off.
        else if (instOn[c]) instOn[c] = r() > 1 / 60;
        else instOn[c] = r() < 1 / 60;
        if (instOn[c]) y[f * C + c] = 1;
      }
    });
    // Parents are active exactly when a child is (bottom-up, consistent ground truth).
    for (const c of h.tables.bottomUpOrder) {
      const lo = h.tables.childStart[c]!;
      const hi = h.tables.childStart[c + 1]!;
      for (let j = lo; j < hi; j++) {
        if (y[f * C + h.tables.childIndex[j]!] === 1) y[f * C + c] = 1;
      }
    }
  }
  return y;
}

/** A fixed random mixing [D, leaves]: each instrument column = familyShare * family direction + the rest its own. */
export function mixingMatrix(
  h: Hierarchy,
  cfg: HierarchyCaseConfig,
  r: () => number,
): Float32Array {
  const D = cfg.features;
  const leaves = h.leaves;
  const A = new Float32Array(D * leaves.length);
  const famDir = new Map<string, number[]>();
  for (const fam of h.children('music'))
    famDir.set(
      fam,
      Array.from({ length: D }, () => gaussian(r)),
    );
  leaves.forEach((leaf, l) => {
    const fam = h.parents(leaf)[0]!;
    const dir = famDir.get(fam)!;
    for (let d = 0; d < D; d++) {
      A[d * leaves.length + l] =
        (cfg.familyShare * dir[d]! + Math.sqrt(1 - cfg.familyShare ** 2) * gaussian(r)) /
        Math.sqrt(2);
    }
  });
  return A;
}

/** Features [F, D] = mixing * leaf activity + noise. */
export function features(
  h: Hierarchy,
  y: Float32Array,
  A: Float32Array,
  cfg: HierarchyCaseConfig,
  r: () => number,
): Float32Array {
  const C = h.classes.length;
  const D = cfg.features;
  const leafCols = h.leaves.map((l) => h.indexOf(l));
  const L = leafCols.length;
  const frames = y.length / C;
  const x = new Float32Array(frames * D);
  for (let f = 0; f < frames; f++) {
    for (let d = 0; d < D; d++) {
      let s = cfg.noise * gaussian(r);
      for (let l = 0; l < L; l++) s += A[d * L + l]! * y[f * C + leafCols[l]!]!;
      x[f * D + d] = s;
    }
  }
  return x;
}

/** Training labels: the leaf labels of a `share` of the frames (in segments of 200) become NaN. */
export function coarsen(
  h: Hierarchy,
  y: Float32Array,
  share: number,
  r: () => number,
): Float32Array {
  const C = h.classes.length;
  const out = Float32Array.from(y);
  const frames = y.length / C;
  const leafCols = h.leaves.map((l) => h.indexOf(l));
  for (let start = 0; start < frames; start += 200) {
    if (r() >= share) continue;
    for (let f = start; f < Math.min(frames, start + 200); f++) {
      for (const c of leafCols) out[f * C + c] = Number.NaN;
    }
  }
  return out;
}

/** One row of the results. */
export interface StrategyResult {
  strategy: string;
  kind: StrategyKind;
  alpha: number | null;
  beta: number | null;
  /** Micro F-measure of the classes of each level: [level 1 (instruments), 2 (families), 3 (music)]. */
  fByLevel: number[];
  /** Mean of fByLevel. */
  fMean: number;
  /** Mean consistency gamma_c over the classes with children. */
  consistency: number;
  finalLoss: number;
  seconds: number;
}

/** Runs every strategy on one generated data set and returns the results (no files written). */
export async function runHierarchyCase(
  cfg: HierarchyCaseConfig,
  onStep: () => void = () => {},
): Promise<StrategyResult[]> {
  await useCpuBackend();
  const h = hierarchies.orchestra;
  const C = h.classes.length;
  const r = mulberry32(cfg.seed);
  const A = mixingMatrix(h, cfg, r);
  const yTrain = orchestraActivity(h, cfg.trainFrames, r);
  const xTrain = features(h, yTrain, A, cfg, r);
  const labels = coarsen(h, yTrain, cfg.coarseShare, r);
  const yTest = orchestraActivity(h, cfg.testFrames, r);
  const xTest = features(h, yTest, A, cfg, r);

  const results: StrategyResult[] = [];
  for (const s of strategies(cfg.grid)) {
    const t0 = Date.now();
    const { model, finalLoss } = trainStrategy(
      s,
      h,
      xTrain,
      labels,
      {
        inputs: cfg.features,
        hidden: cfg.hidden,
        epochs: cfg.epochs,
        batch: cfg.batch,
        learningRate: cfg.learningRate,
        seed: cfg.seed,
      },
      onStep,
    );
    const pred = predictWith(s, h, predictProbabilities(model, xTest, cfg.features), [
      cfg.testFrames,
      C,
    ]);
    model.dispose();
    const fByLevel = levelF(h, pred, yTest);
    results.push({
      strategy: s.name,
      kind: s.kind,
      alpha: s.alpha ?? null,
      beta: s.beta ?? null,
      fByLevel,
      fMean: fByLevel.reduce((a, b) => a + b, 0) / fByLevel.length,
      consistency: consistency(tensor(pred, [cfg.testFrames, C]), h).mean,
      finalLoss,
      seconds: (Date.now() - t0) / 1000,
    });
  }
  return results;
}

const f3 = (v: number) => v.toFixed(3);

export const hierarchyCase: ReproduceCase = {
  name: 'hierarchy',
  summary:
    'hierarchical instrument detection: strategies A, B, D(alpha, beta), MCM/MCLoss - F vs consistency',
  seed: "the synthetic data and the models' initial weights (default 7)",
  async run(options: ReproduceOptions) {
    const base = options.quick ? quickConfig : defaultConfig;
    const cfg = options.seed === undefined ? base : { ...base, seed: options.seed };
    const steps = (cfg.grid.length + 3) * cfg.epochs * Math.ceil(cfg.trainFrames / cfg.batch);
    const progress = new Progress('hierarchy', steps);
    const results = await runHierarchyCase(cfg, () => progress.tick());
    const table = markdownTable(
      [
        'strategy',
        'F level 1 (instruments)',
        'F level 2 (families)',
        'F level 3 (music)',
        'mean F',
        'mean gamma_c',
        'train s',
      ],
      results.map((r) => [
        r.strategy,
        ...r.fByLevel.map(f3),
        f3(r.fMean),
        f3(r.consistency),
        r.seconds.toFixed(1),
      ]),
    );
    const note = [
      '# Hierarchical classification: F-measure vs consistency',
      '',
      `Synthetic orchestra data (orchestra hierarchy, ${cfg.trainFrames} training frames, ${Math.round(cfg.coarseShare * 100)}% of them labelled at family level only; ${cfg.testFrames} fully labelled test frames). Frame-wise micro F-measure per level and mean gamma_c (@losses/metrics), threshold 0.5.`,
      '',
      'A = independent BCE on all outputs; B = leaf outputs + aggregateBottomUp; D(alpha, beta) = BCE + alpha L_down + beta L_up; MCLoss + MCM = C-HMCNN (trained with MCLoss, predicting through MCM).',
      '',
      table,
      '',
    ].join('\n');
    writeOut('hierarchy/results.md', note);
    writeJson('hierarchy/results.json', { config: cfg, results });
    const chart = (file: string, level: number | null, what: string) =>
      writeOut(
        `hierarchy/${file}`,
        lineChart(
          results.map(
            (r): Series => ({
              name: r.strategy,
              x: [r.consistency],
              y: [level === null ? r.fMean : r.fByLevel[level - 1]!],
              points: true,
            }),
          ),
          {
            title: `${what} vs mean consistency γ_c per strategy`,
            xLabel: 'mean consistency γ_c (test set)',
            yLabel: what,
            width: 860,
          },
        ),
      );
    chart('f-vs-consistency.svg', 2, 'F-measure, level 2 (families)');
    chart('mean-f-vs-consistency.svg', null, 'mean F-measure over the 3 levels');
    console.log(table);
    console.log(
      '\nwritten: out/hierarchy/results.md, results.json, f-vs-consistency.svg, mean-f-vs-consistency.svg',
    );
  },
};
