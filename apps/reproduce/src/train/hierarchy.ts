/**
 * Training and evaluation of the hierarchical strategies of case study 2 (Krause & Muller, IEEE/ACM
 * TASLP 31, 2023), shared by the `hierarchy` case (synthetic frames) and the `instruments` case
 * (the rendered corpus):
 *
 * - A: independent BCE on every output.
 * - B: leaf outputs only, parents = `aggregateBottomUp` (max of children), BCE on the result.
 * - D(alpha, beta): BCE + alpha L_down + beta L_up (`hierarchicalLoss`).
 * - MC: C-HMCNN (Giunchiglia & Lukasiewicz, NeurIPS 2020), trained with `mcLoss`, predictions
 *   through `maxConstraint`.
 *
 * A small MLP (inputs -> hidden relu -> classes) per strategy, Adam, mini-batches in a seeded
 * order that is the same for every strategy.
 */
import {
  aggregateBottomUp as aggregateNd,
  type Hierarchy,
  maxConstraint as maxConstraintNd,
} from '@losses/hierarchy';
import { aggregateBottomUp, hierarchicalLoss, mcLoss } from '@losses/hierarchy/tfjs';
import { frameScores } from '@losses/metrics';
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { mulberry32 } from '../lib/random.js';
import { buildMlp } from './mlp.js';

/** The kind of a strategy. */
export type StrategyKind = 'A' | 'B' | 'D' | 'MC';

/** One training strategy. */
export interface Strategy {
  /** Display name, e.g. `'D(1, 1)'`. */
  name: string;
  kind: StrategyKind;
  alpha?: number;
  beta?: number;
}

/** A, B, D(alpha, beta) for every pair of `grid`, MCLoss + MCM: the strategies of the study. */
export function strategies(grid: readonly (readonly [number, number])[]): Strategy[] {
  return [
    { name: 'A (BCE)', kind: 'A' },
    { name: 'B (aggregate)', kind: 'B' },
    ...grid.map(
      ([alpha, beta]): Strategy => ({ name: `D(${alpha}, ${beta})`, kind: 'D', alpha, beta }),
    ),
    { name: 'MCLoss + MCM', kind: 'MC' },
  ];
}

/** The training loss of strategy `s` for logits `z` and labels `y` (NaN = unknown). */
export function lossFor(s: Strategy, h: Hierarchy, z: tf.Tensor, y: tf.Tensor): tf.Scalar {
  switch (s.kind) {
    case 'A':
      return hierarchicalLoss(z, y, h, { alpha: 0, beta: 0 });
    case 'B':
      return hierarchicalLoss(aggregateBottomUp(tf.sigmoid(z), h), y, h, {
        alpha: 0,
        beta: 0,
        input: 'probabilities',
      });
    case 'D':
      return hierarchicalLoss(z, y, h, { alpha: s.alpha!, beta: s.beta! });
    case 'MC':
      return mcLoss(z, y, h);
  }
}

/** Strategy `s`'s predictions from sigmoid outputs `p` (`[F, C]`): B aggregates, MC constrains. */
export function predictWith(
  s: Strategy,
  h: Hierarchy,
  p: Float32Array,
  shape: number[],
): Float32Array {
  const t = tensor(p, shape);
  if (s.kind === 'B') return aggregateNd(t, h).data as Float32Array;
  if (s.kind === 'MC') return maxConstraintNd(t, h).data as Float32Array;
  return p;
}

/** Micro F-measure over the classes of each level 1..depth (threshold 0.5). */
export function levelF(h: Hierarchy, pred: Float32Array, ref: Float32Array): number[] {
  const C = h.classes.length;
  const frames = ref.length / C;
  const scores = frameScores(tensor(pred, [frames, C]), tensor(ref, [frames, C]));
  const out: number[] = [];
  for (let level = 1; level <= h.depth; level++) {
    let tp = 0;
    let fp = 0;
    let fn = 0;
    for (const name of h.classesAtLevel(level)) {
      const s = scores.perClass[h.indexOf(name)]!;
      tp += s.tp;
      fp += s.fp;
      fn += s.fn;
    }
    const p = tp + fp > 0 ? tp / (tp + fp) : 0;
    const r = tp + fn > 0 ? tp / (tp + fn) : 0;
    out.push(p + r > 0 ? (2 * p * r) / (p + r) : 0);
  }
  return out;
}

/** Settings of {@link trainStrategy}. */
export interface TrainSettings {
  /** Input width D. */
  inputs: number;
  hidden: number;
  epochs: number;
  batch: number;
  learningRate: number;
  /** Seed of the initial weights (seed, seed + 1) and of the batch order (seed + 99). */
  seed: number;
}

/**
 * Trains one strategy on frames `x` (`[frames, D]`) with labels (`[frames, C]`, NaN = unknown)
 * and returns the model and the mean loss of its last epoch. `onEpoch` runs after every epoch
 * (e.g. to evaluate on validation data).
 */
export function trainStrategy(
  s: Strategy,
  h: Hierarchy,
  x: Float32Array,
  labels: Float32Array,
  cfg: TrainSettings,
  onStep: () => void = () => {},
  onEpoch: (epoch: number, model: tf.Sequential) => void = () => {},
): { model: tf.Sequential; finalLoss: number } {
  const C = h.classes.length;
  const D = cfg.inputs;
  const frames = labels.length / C;
  const batches = Math.ceil(frames / cfg.batch);
  const model = buildMlp(D, cfg.hidden, C, cfg.seed);
  const opt = tf.train.adam(cfg.learningRate);
  const order = mulberry32(cfg.seed + 99);
  let finalLoss = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    // A fixed permutation of batch starts per epoch (same for every strategy).
    const starts = Array.from({ length: batches }, (_, i) => i * cfg.batch);
    for (let i = starts.length - 1; i > 0; i--) {
      const j = Math.floor(order() * (i + 1));
      [starts[i], starts[j]] = [starts[j]!, starts[i]!];
    }
    let sum = 0;
    for (const start of starts) {
      const n = Math.min(cfg.batch, frames - start);
      const xb = tf.tensor2d(x.subarray(start * D, (start + n) * D), [n, D]);
      const yb = tf.tensor2d(labels.subarray(start * C, (start + n) * C), [n, C]);
      const loss = opt.minimize(
        () => lossFor(s, h, model.apply(xb) as tf.Tensor, yb),
        true,
      ) as tf.Scalar;
      sum += loss.dataSync()[0]!;
      tf.dispose([xb, yb, loss]);
      onStep();
    }
    finalLoss = sum / batches;
    onEpoch(epoch, model);
  }
  opt.dispose();
  return { model, finalLoss };
}
