/**
 * Learning frame-wise activity from weakly aligned targets (case study 3; Krause, Weiss, Mueller,
 * ICASSP 2023; Zeitler, Deniffel, Krause, Mueller, ISMIR 2023), shared by the `alignment` case
 * (synthetic pieces) and the `multipitch` case (the rendered corpus). The variants:
 *
 *   (a) frame-wise BCE on the strongly aligned targets (the upper bound),
 *   (w) frame-wise BCE on the weak targets stretched to the number of frames (the baseline),
 *   (b) soft-DTW with the BCE cost (on logits) between the predictions and the weak target,
 *   (c) (b) with gamma annealing 1 -> 0.1,
 *   (d) (c) with the diagonal prior (weight 1 -> 0),
 *   (e) (d) with step weights [1, 1, 2],
 *   (f) CTC as soft-DTW (`ctcLoss`: gamma 1, the CTC steps) on the weak target read as multi-label
 *       CTC characters (the silent chord the blank).
 *
 * The weak target is the frame-wise target with consecutive duplicate rows removed (no timing).
 */
import {
  dtw,
  gammaSchedule,
  priorWeightSchedule,
  softDtwFromCost,
  stretchTarget,
} from '@losses/softdtw';
import { ctcLoss, softDtw } from '@losses/softdtw/tfjs';
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import { writeOut } from '../lib/output.js';
import { mulberry32 } from '../lib/random.js';
import { heatmap } from '../lib/svg.js';
import { buildMlp } from './mlp.js';

/** Removes consecutive duplicate rows of a [n, d] 0/1 matrix. */
export function deduplicate(
  rows: Float32Array,
  n: number,
  d: number,
): { data: Float32Array; n: number } {
  const out: number[] = [];
  let kept = 0;
  for (let i = 0; i < n; i++) {
    let same = kept > 0;
    for (let k = 0; k < d && same; k++) same = rows[i * d + k] === out[(kept - 1) * d + k];
    if (same) continue;
    for (let k = 0; k < d; k++) out.push(rows[i * d + k]!);
    kept++;
  }
  return { data: Float32Array.from(out), n: kept };
}

/** One training or test item: frame features, strong (frame-wise) and weak (sequence) targets. */
export interface AlignmentItem {
  frames: number;
  /** `[frames, inputs]`. */
  features: Float32Array;
  /** `[frames, outputs]`, 0/1. */
  strong: Float32Array;
  /** `[notes, outputs]`, consecutive duplicates removed. */
  weak: Float32Array;
  notes: number;
}

/** One training variant. */
export interface AlignmentVariant {
  /** `a`, `w`, `b`, `c`, `d`, `e`, `f` (see the module comment). */
  key: 'a' | 'w' | 'b' | 'c' | 'd' | 'e' | 'f';
  label: string;
  kind: 'bce' | 'bceStretched' | 'sdtw' | 'ctc';
  gamma?: (step: number) => number;
  prior?: (step: number) => number;
  stepWeights?: [number, number, number];
}

/** The seven variants, with schedules over `totalSteps` optimiser steps. */
export function alignmentVariants(totalSteps: number): AlignmentVariant[] {
  const anneal = gammaSchedule({
    start: 1,
    end: 0.1,
    decaySteps: Math.round(0.6 * totalSteps),
    shape: 'exponential',
  });
  const fade = priorWeightSchedule({ start: 1, end: 0, decaySteps: Math.round(0.5 * totalSteps) });
  return [
    { key: 'a', label: '(a) BCE, strong targets', kind: 'bce' },
    { key: 'w', label: '(w) BCE, weak targets stretched, no alignment', kind: 'bceStretched' },
    { key: 'b', label: '(b) soft-DTW, weak targets (gamma 0.1)', kind: 'sdtw', gamma: () => 0.1 },
    { key: 'c', label: '(c) + gamma annealing 1 -> 0.1', kind: 'sdtw', gamma: anneal },
    {
      key: 'd',
      label: '(d) + diagonal prior (weight 1 -> 0)',
      kind: 'sdtw',
      gamma: anneal,
      prior: fade,
    },
    {
      key: 'e',
      label: '(e) + step weights [1, 1, 2]',
      kind: 'sdtw',
      gamma: anneal,
      prior: fade,
      stepWeights: [1, 1, 2],
    },
    { key: 'f', label: '(f) CTC as soft-DTW (multi-label CTC), weak targets', kind: 'ctc' },
  ];
}

/**
 * The characters of multi-label CTC for a weak target `[notes, K]` (the "no epsilon" encoding of
 * Wigington et al., ICDAR 2019, as in Weiss & Peeters, ISMIR 2021): the silent chord (the blank,
 * index 0) and each distinct chord of the note sequence, as rows of 0/1 over the K classes; and the
 * note sequence as character indices, its rests left out (the blank covers them).
 */
export function ctcCharacters(
  weak: Float32Array,
  notes: number,
  K: number,
): { chars: Float32Array; count: number; labels: number[] } {
  const rows: string[] = [new Array<number>(K).fill(0).join('')];
  const labels: number[] = [];
  for (let n = 0; n < notes; n++) {
    const key = Array.from(weak.subarray(n * K, (n + 1) * K)).join('');
    // A rest (the silent chord) is the blank's to cover: it is no label. Equal chords on either
    // side of it stay two labels, which CTC separates by a blank.
    if (key === rows[0]) continue;
    let k = rows.indexOf(key);
    if (k < 0) {
      rows.push(key);
      k = rows.length - 1;
    }
    labels.push(k);
  }
  const chars = new Float32Array(rows.length * K);
  rows.forEach((r, k) => {
    for (let d = 0; d < K; d++) chars[k * K + d] = r[d] === '1' ? 1 : 0;
  });
  return { chars, count: rows.length, labels };
}

/**
 * log P_t(character k) = sum_d v_kd log sigma(z_td) + (1 - v_kd) log sigma(-z_td): the characters'
 * log-probabilities [frames, count] from the logits [frames, K] (the characters are not exclusive,
 * so these need not sum to 1 over k; CTC takes them as they are).
 */
function characterLogProbs(logits: tf.Tensor2D, chars: tf.Tensor2D): tf.Tensor2D {
  const logOn = tf.neg(tf.softplus(tf.neg(logits)));
  const logOff = tf.neg(tf.softplus(logits));
  return tf.add(
    tf.matMul(logOn, chars, false, true),
    tf.matMul(logOff, tf.sub(1, chars), false, true),
  ) as tf.Tensor2D;
}

/** The share of frames of `pred` (`[frames, K]` probabilities) with every class below 0.5. */
export function silentShare(pred: ArrayLike<number>, K: number): number {
  const frames = pred.length / K;
  let silent = 0;
  for (let t = 0; t < frames; t++) {
    let on = false;
    for (let k = 0; k < K && !on; k++) on = pred[t * K + k]! >= 0.5;
    if (!on) silent++;
  }
  return frames === 0 ? 0 : silent / frames;
}

/** Settings of {@link trainAlignment}. */
export interface AlignmentTrainSettings {
  inputs: number;
  outputs: number;
  hidden: number;
  epochs: number;
  /** Items per optimiser step. */
  batch: number;
  learningRate: number;
  /** Seed of the initial weights (seed, seed + 1) and of the item order (seed + 7). */
  seed: number;
}

/** Trains one variant on `items`; `onEpoch` runs after every epoch. */
export function trainAlignment(
  v: AlignmentVariant,
  items: readonly AlignmentItem[],
  cfg: AlignmentTrainSettings,
  onEpoch: () => void = () => {},
): tf.Sequential {
  const K = cfg.outputs;
  const model = buildMlp(cfg.inputs, cfg.hidden, K, cfg.seed);
  const opt = tf.train.adam(cfg.learningRate);
  const order = items.map((_, i) => i);
  const r = mulberry32(cfg.seed + 7);
  const feats = items.map((p) => tf.tensor2d(p.features, [p.frames, cfg.inputs]));
  const strong = items.map((p) => tf.tensor2d(p.strong, [p.frames, K]));
  // Weak targets stretched to the number of frames (W2): idx = floor(n M / N).
  const stretched = items.map((p) =>
    tf.tensor2d(stretchTarget(tensor(p.weak, [p.notes, K]), p.frames).data as Float32Array, [
      p.frames,
      K,
    ]),
  );
  const ctc =
    v.kind === 'ctc'
      ? items.map((p) => {
          const c = ctcCharacters(p.weak, p.notes, K);
          return { chars: tf.tensor2d(c.chars, [c.count, K]), labels: c.labels };
        })
      : [];
  let step = 0;
  for (let epoch = 0; epoch < cfg.epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(r() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (let b0 = 0; b0 < order.length; b0 += cfg.batch) {
      const batch = order.slice(b0, b0 + cfg.batch);
      const loss = opt.minimize(() => {
        const losses = batch.map((i) => {
          const logits = model.apply(feats[i]!) as tf.Tensor2D;
          if (v.kind === 'bce') return tf.losses.sigmoidCrossEntropy(strong[i]!, logits);
          if (v.kind === 'bceStretched')
            return tf.losses.sigmoidCrossEntropy(stretched[i]!, logits);
          if (v.kind === 'ctc') {
            // Divided by the number of frames, as the soft-DTW losses below.
            const lp = characterLogProbs(logits, ctc[i]!.chars);
            return tf.div(ctcLoss(lp, ctc[i]!.labels), items[i]!.frames);
          }
          const opts = {
            cost: 'bceLogits' as const,
            gamma: v.gamma!(step),
            ...(v.prior && v.prior(step) > 0 ? { prior: { weight: v.prior(step) } } : {}),
            ...(v.stepWeights ? { stepWeights: v.stepWeights } : {}),
          };
          // Divided by the number of frames: the soft-DTW value grows with the path length.
          return tf.div(softDtw(logits, stretched[i]!, opts), items[i]!.frames);
        });
        return tf.addN(losses).div(batch.length) as tf.Scalar;
      });
      loss?.dispose();
      step++;
    }
    onEpoch();
  }
  for (const t of [...feats, ...strong, ...stretched, ...ctc.map((c) => c.chars)]) t.dispose();
  opt.dispose();
  return model;
}

/** Sigmoid outputs `[frames, outputs]` of `model` on one item's features. */
export function predictItem(
  model: tf.LayersModel,
  features: Float32Array,
  frames: number,
  inputs: number,
): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(features, [frames, inputs]);
    return Float32Array.from(tf.sigmoid(model.predict(x) as tf.Tensor).dataSync());
  });
}

/** BCE cost matrix between probabilities [N, K] and 0/1 targets [M, K] (mean over K). */
export function bceCost(
  pred: Float32Array,
  N: number,
  target: Float32Array,
  M: number,
  K: number,
): Float64Array {
  const C = new Float64Array(N * M);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = 0; k < K; k++) {
        const p = Math.min(Math.max(pred[n * K + k]!, 1e-7), 1 - 1e-7);
        const y = target[m * K + k]!;
        s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      C[n * M + m] = s / K;
    }
  }
  return C;
}

/** One expected-alignment heatmap written by {@link alignmentHeatmaps}. */
export interface HeatmapEntry {
  gamma: number;
  /** Soft-DTW value at this gamma. */
  value: number;
  /** Path under out/. */
  file: string;
}

/**
 * Writes heatmaps of the expected alignment (soft-DTW's gradient w.r.t. the cost) between
 * predictions `pred` ([N, K]) and a weak target ([M, K]) at each gamma, transposed (target rows x
 * frames) with the hard DTW path on top, to `<prefix>-<gamma>.svg`.
 */
export function alignmentHeatmaps(
  pred: Float32Array,
  N: number,
  weak: Float32Array,
  M: number,
  K: number,
  prefix: string,
  gammas: readonly number[],
  cell = 8,
): { heatmaps: HeatmapEntry[]; dtwCost: number } {
  const Ct = tensor(bceCost(pred, N, weak, M, K), [N, M]);
  const { path, cost: dtwCost } = dtw(Ct);
  const heatmaps: HeatmapEntry[] = [];
  for (const gamma of gammas) {
    const { value, alignment } = softDtwFromCost(Ct, { gamma });
    const file = `${prefix}-${gamma}.svg`;
    const Et = new Float64Array(N * M);
    for (let n = 0; n < N; n++)
      for (let k = 0; k < M; k++) Et[k * N + n] = alignment.data[n * M + k]!;
    writeOut(
      file,
      heatmap(Et, M, N, {
        title: `Expected alignment E, γ = ${gamma} (red: DTW path)`,
        xLabel: 'frame n',
        yLabel: 'note m',
        colorLabel: 'E(n, m)',
        path: path.map(([n, k]) => [k, n] as const),
        cell,
      }),
    );
    heatmaps.push({ gamma, value, file });
  }
  return { heatmaps, dtwCost };
}
