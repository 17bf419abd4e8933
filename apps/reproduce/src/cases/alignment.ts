/**
 * Case `alignment`: learning from weakly aligned targets with soft-DTW (case study 3; Krause,
 * Weiss, Mueller, ICASSP 2023; Zeitler, Deniffel, Krause, Mueller, ISMIR 2023; Zeitler, Krause,
 * Mueller, ICASSP 2024).
 *
 * Synthetic data generated here: chroma-like note sequences (each note 1-3 active pitch classes,
 * random durations of 2-16 frames), frame features = strong target x fixed random mixing matrix +
 * Gaussian noise. A small tfjs model (features -> 32 relu -> 12 logits) is trained with
 *   (a) frame-wise BCE on the strongly aligned targets (the upper bound),
 *   (w) frame-wise BCE on the stretched weak targets, no alignment (the baseline soft-DTW must beat),
 *   (b) soft-DTW with the BCE cost on the weak target: the de-duplicated note sequence, stretched
 *       to the number of frames (stretchTarget; the "W2" setting),
 *   (c) (b) with gamma annealing,
 *   (d) (c) with the diagonal prior (weight fading to 0),
 *   (e) (d) with step weights [1, 1, 2],
 *   (f) CTC as soft-DTW on the same weak targets: multi-label CTC in its "no epsilon" encoding
 *       (Wigington, Price, Cohen, ICDAR 2019; Weiss & Peeters, ISMIR 2021), whose characters are
 *       the chords of the note sequence plus the silent chord as the blank, each character's
 *       log-probability the sum over pitch classes of log sigma(+-z) of the 12 logits, and the loss
 *       ctcLoss of @losses/softdtw (the soft-DTW recursion with gamma 1 and the CTC steps on the
 *       blank-extended chord sequence; Zeitler & Mueller, TASLP 2026),
 * and evaluated by the frame-wise F-measure on held-out sequences (threshold 0.5, micro-averaged
 * over frames and pitch classes; computed here - @losses/metrics' frameScores may replace it).
 * It also writes heatmaps of the expected alignment for gamma in {0.01, 0.1, 1, 10} between the
 * predictions of model (a) on one held-out sequence and its de-duplicated target, with the DTW
 * path on top, and a subsequence case: a stretch of model (a)'s predictions on one held-out piece
 * searched inside the frame-wise targets of several held-out pieces by subsequence soft-DTW and
 * subsequence DTW, the found start and end against the true ones, the path plotted.
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
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { gaussian, mulberry32 } from '../lib/random.js';
import { heatmap } from '../lib/svg.js';
import { useCpuBackend } from '../lib/tfjs.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

const PCS = 12;
const FEATURES = 24;
const NOISE = 1.5;
/** Sizes of a run: the default, and the smoke run of `--quick`. */
interface Sizes {
  train: number;
  test: number;
  epochs: number;
}
const FULL: Sizes = { train: 64, test: 32, epochs: 20 };
const QUICK: Sizes = { train: 16, test: 8, epochs: 3 };
const BATCH = 8;
const LEARNING_RATE = 0.01;

/** One synthetic piece: frame features, strong (frame-wise) and weak (note sequence) targets. */
export interface Piece {
  frames: number;
  features: Float32Array; // [frames, FEATURES]
  strong: Float32Array; // [frames, PCS], 0/1
  weak: Float32Array; // [notes, PCS], consecutive duplicates removed
  notes: number;
}

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

/** A fixed random mixing matrix [PCS, FEATURES]. */
export function mixingMatrix(seed: number): Float32Array {
  const r = mulberry32(seed);
  const w = new Float32Array(PCS * FEATURES);
  for (let k = 0; k < w.length; k++) w[k] = gaussian(r) / Math.sqrt(3);
  return w;
}

/** Generates one piece: 8-14 notes of 1-3 pitch classes, 3-10 frames each. */
export function makePiece(r: () => number, mixing: Float32Array): Piece {
  const notes = 8 + Math.floor(r() * 7);
  const strong: number[] = [];
  let last = -1;
  for (let n = 0; n < notes; n++) {
    let root = Math.floor(r() * PCS);
    if (root === last) root = (root + 1 + Math.floor(r() * (PCS - 1))) % PCS;
    last = root;
    const chord = new Array<number>(PCS).fill(0);
    chord[root] = 1;
    const size = 1 + Math.floor(r() * 3);
    if (size >= 2) chord[(root + (r() < 0.5 ? 3 : 4)) % PCS] = 1;
    if (size >= 3) chord[(root + 7) % PCS] = 1;
    const dur = 2 + Math.floor(r() * 15);
    for (let t = 0; t < dur; t++) strong.push(...chord);
  }
  const frames = strong.length / PCS;
  const features = new Float32Array(frames * FEATURES);
  for (let t = 0; t < frames; t++) {
    for (let f = 0; f < FEATURES; f++) {
      let s = 0;
      for (let k = 0; k < PCS; k++) s += strong[t * PCS + k]! * mixing[k * FEATURES + f]!;
      features[t * FEATURES + f] = s + NOISE * gaussian(r);
    }
  }
  const s32 = Float32Array.from(strong);
  const weak = deduplicate(s32, frames, PCS);
  return { frames, features, strong: s32, weak: weak.data, notes: weak.n };
}

/** The share of frames (rows of PCS probabilities) with every pitch class below 0.5. */
export function silentShare(pred: ArrayLike<number>): number {
  const frames = pred.length / PCS;
  let silent = 0;
  for (let t = 0; t < frames; t++) {
    let on = false;
    for (let k = 0; k < PCS && !on; k++) on = pred[t * PCS + k]! >= 0.5;
    if (!on) silent++;
  }
  return frames === 0 ? 0 : silent / frames;
}

/** Frame-wise precision, recall and F-measure (threshold 0.5, micro-averaged). */
export function frameF(
  pred: ArrayLike<number>,
  target: ArrayLike<number>,
): {
  precision: number;
  recall: number;
  f: number;
} {
  let tp = 0;
  let fp = 0;
  let fn = 0;
  for (let k = 0; k < pred.length; k++) {
    const p = pred[k]! >= 0.5;
    const t = target[k]! >= 0.5;
    if (p && t) tp++;
    else if (p) fp++;
    else if (t) fn++;
  }
  const precision = tp + fp > 0 ? tp / (tp + fp) : 0;
  const recall = tp + fn > 0 ? tp / (tp + fn) : 0;
  const f = precision + recall > 0 ? (2 * precision * recall) / (precision + recall) : 0;
  return { precision, recall, f };
}

interface Variant {
  key: string;
  label: string;
  kind: 'bce' | 'bceStretched' | 'sdtw' | 'ctc';
  gamma?: (step: number) => number;
  prior?: (step: number) => number;
  stepWeights?: [number, number, number];
}

function variants(totalSteps: number): Variant[] {
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
 * The characters of multi-label CTC for one piece (the "no epsilon" encoding of Wigington et al.,
 * ICDAR 2019, as in Weiss & Peeters, ISMIR 2021): the silent chord (the blank, index 0) and each
 * distinct chord of the note sequence, as rows of 0/1 over the pitch classes; and the note
 * sequence as character indices.
 */
export function ctcCharacters(p: Piece): { chars: Float32Array; count: number; labels: number[] } {
  const rows: string[] = [new Array<number>(PCS).fill(0).join('')];
  const labels: number[] = [];
  for (let n = 0; n < p.notes; n++) {
    const key = Array.from(p.weak.subarray(n * PCS, (n + 1) * PCS)).join('');
    let k = rows.indexOf(key);
    if (k < 0) {
      rows.push(key);
      k = rows.length - 1;
    }
    labels.push(k);
  }
  const chars = new Float32Array(rows.length * PCS);
  rows.forEach((r, k) => {
    for (let d = 0; d < PCS; d++) chars[k * PCS + d] = r[d] === '1' ? 1 : 0;
  });
  return { chars, count: rows.length, labels };
}

/**
 * log P_t(character k) = sum_d v_kd log sigma(z_td) + (1 - v_kd) log sigma(-z_td): the characters'
 * log-probabilities [frames, K] from the logits [frames, 12] (the characters are not exclusive, so
 * these need not sum to 1 over k; CTC takes them as they are).
 */
function characterLogProbs(logits: tf.Tensor2D, chars: tf.Tensor2D): tf.Tensor2D {
  const logOn = tf.neg(tf.softplus(tf.neg(logits)));
  const logOff = tf.neg(tf.softplus(logits));
  return tf.add(
    tf.matMul(logOn, chars, false, true),
    tf.matMul(logOff, tf.sub(1, chars), false, true),
  ) as tf.Tensor2D;
}

function makeModel(seed: number): tf.Sequential {
  const model = tf.sequential();
  model.add(
    tf.layers.dense({
      inputShape: [FEATURES],
      units: 32,
      activation: 'relu',
      kernelInitializer: tf.initializers.glorotUniform({ seed }),
    }),
  );
  model.add(
    tf.layers.dense({
      units: PCS,
      kernelInitializer: tf.initializers.glorotUniform({ seed: seed + 1 }),
    }),
  );
  return model;
}

function train(
  v: Variant,
  pieces: Piece[],
  seed: number,
  epochs: number,
  progress: Progress,
): tf.Sequential {
  const model = makeModel(seed);
  const opt = tf.train.adam(LEARNING_RATE);
  const order = pieces.map((_, i) => i);
  const r = mulberry32(seed + 7);
  const feats = pieces.map((p) => tf.tensor2d(p.features, [p.frames, FEATURES]));
  const strong = pieces.map((p) => tf.tensor2d(p.strong, [p.frames, PCS]));
  // Weak targets stretched to the number of frames (W2): idx = floor(n M / N).
  const stretched = pieces.map((p) =>
    tf.tensor2d(stretchTarget(tensor(p.weak, [p.notes, PCS]), p.frames).data as Float32Array, [
      p.frames,
      PCS,
    ]),
  );
  const ctc =
    v.kind === 'ctc'
      ? pieces.map((p) => {
          const c = ctcCharacters(p);
          return { chars: tf.tensor2d(c.chars, [c.count, PCS]), labels: c.labels };
        })
      : [];
  let step = 0;
  for (let epoch = 0; epoch < epochs; epoch++) {
    for (let k = order.length - 1; k > 0; k--) {
      const j = Math.floor(r() * (k + 1));
      [order[k], order[j]] = [order[j]!, order[k]!];
    }
    for (let b0 = 0; b0 < order.length; b0 += BATCH) {
      const batch = order.slice(b0, b0 + BATCH);
      opt.minimize(() => {
        const losses = batch.map((i) => {
          const logits = model.apply(feats[i]!) as tf.Tensor2D;
          if (v.kind === 'bce') return tf.losses.sigmoidCrossEntropy(strong[i]!, logits);
          if (v.kind === 'bceStretched')
            return tf.losses.sigmoidCrossEntropy(stretched[i]!, logits);
          if (v.kind === 'ctc') {
            // Divided by the number of frames, as the soft-DTW losses below.
            const lp = characterLogProbs(logits, ctc[i]!.chars);
            return tf.div(ctcLoss(lp, ctc[i]!.labels), pieces[i]!.frames);
          }
          const opts = {
            cost: 'bceLogits' as const,
            gamma: v.gamma!(step),
            ...(v.prior && v.prior(step) > 0 ? { prior: { weight: v.prior(step) } } : {}),
            ...(v.stepWeights ? { stepWeights: v.stepWeights } : {}),
          };
          // Divided by the number of frames: the soft-DTW value grows with the path length.
          return tf.div(softDtw(logits, stretched[i]!, opts), pieces[i]!.frames);
        });
        return tf.addN(losses).div(batch.length) as tf.Scalar;
      });
      step++;
    }
    progress.tick();
  }
  for (const t of [...feats, ...strong, ...stretched, ...ctc.map((c) => c.chars)]) t.dispose();
  return model;
}

function predict(model: tf.Sequential, p: Piece): Float32Array {
  return tf.tidy(() => {
    const x = tf.tensor2d(p.features, [p.frames, FEATURES]);
    return tf.sigmoid(model.predict(x) as tf.Tensor).dataSync() as Float32Array;
  });
}

/** BCE cost matrix between predicted probabilities [N, PCS] and targets [M, PCS] (mean over PCS). */
function bceCost(pred: Float32Array, N: number, target: Float32Array, M: number): Float64Array {
  const C = new Float64Array(N * M);
  for (let n = 0; n < N; n++) {
    for (let m = 0; m < M; m++) {
      let s = 0;
      for (let k = 0; k < PCS; k++) {
        const p = Math.min(Math.max(pred[n * PCS + k]!, 1e-7), 1 - 1e-7);
        const y = target[m * PCS + k]!;
        s -= y * Math.log(p) + (1 - y) * Math.log(1 - p);
      }
      C[n * M + m] = s / PCS;
    }
  }
  return C;
}

export const alignmentCase: ReproduceCase = {
  name: 'alignment',
  summary:
    'learning pitch classes from weakly aligned targets with soft-DTW (+ annealing, prior, step weights) and CTC as soft-DTW; subsequence search',
  seed: 'the data (seed, seed + 1) and the models (seed + 2); default: 11, 2024 and 5',
  async run(options: ReproduceOptions) {
    await useCpuBackend();
    const { train: TRAIN, test: TEST, epochs: EPOCHS } = options.quick ? QUICK : FULL;
    const seeds =
      options.seed === undefined
        ? { mixing: 11, data: 2024, model: 5 }
        : { mixing: options.seed, data: options.seed + 1, model: options.seed + 2 };
    const mixing = mixingMatrix(seeds.mixing);
    const r = mulberry32(seeds.data);
    const trainSet = Array.from({ length: TRAIN }, () => makePiece(r, mixing));
    const testSet = Array.from({ length: TEST }, () => makePiece(r, mixing));
    const stepsPerEpoch = Math.ceil(TRAIN / BATCH);
    const vs = variants(EPOCHS * stepsPerEpoch);
    const progress = new Progress('alignment', vs.length * EPOCHS);
    const results: {
      key: string;
      label: string;
      precision: number;
      recall: number;
      f: number;
      seconds: number;
      silent: number;
    }[] = [];
    let strongModel: tf.Sequential | null = null;
    for (const v of vs) {
      const t0 = Date.now();
      const model = train(v, trainSet, seeds.model, EPOCHS, progress);
      const preds = testSet.map((p) => predict(model, p));
      const all = new Float32Array(preds.reduce((n, p) => n + p.length, 0));
      const tgt = new Float32Array(all.length);
      let off = 0;
      testSet.forEach((p, i) => {
        all.set(preds[i]!, off);
        tgt.set(p.strong, off);
        off += p.strong.length;
      });
      results.push({
        key: v.key,
        label: v.label,
        ...frameF(all, tgt),
        seconds: (Date.now() - t0) / 1000,
        silent: silentShare(all),
      });
      if (v.key === 'a') strongModel = model;
      else model.dispose();
    }
    // Expected alignments for one held-out pair at several gammas.
    const piece = testSet[0]!;
    const pred = predict(strongModel!, piece);
    const C = bceCost(pred, piece.frames, piece.weak, piece.notes);
    const Ct = tensor(C, [piece.frames, piece.notes]);
    const { path, cost: dtwCost } = dtw(Ct);
    const heat: { gamma: number; value: number; file: string }[] = [];
    for (const gamma of [0.01, 0.1, 1, 10]) {
      const { value, alignment } = softDtwFromCost(Ct, { gamma });
      const file = `alignment/expected-alignment-gamma-${gamma}.svg`;
      // Drawn transposed (notes x frames) so that the figure is wide.
      const N = piece.frames;
      const K = piece.notes;
      const Et = new Float64Array(N * K);
      for (let n = 0; n < N; n++)
        for (let k = 0; k < K; k++) Et[k * N + n] = alignment.data[n * K + k]!;
      writeOut(
        file,
        heatmap(Et, K, N, {
          title: `Expected alignment E, γ = ${gamma} (red: DTW path)`,
          xLabel: 'frame n',
          yLabel: 'note m',
          colorLabel: 'E(n, m)',
          path: path.map(([n, k]) => [k, n] as const),
          cell: 8,
        }),
      );
      heat.push({ gamma, value, file });
    }
    // Subsequence: a stretch of model (a)'s predictions on one held-out piece, searched inside
    // the frame-wise targets of several held-out pieces laid end to end.
    const hay = testSet.slice(0, Math.min(5, testSet.length));
    const offsets: number[] = [];
    let total = 0;
    for (const p of hay) {
      offsets.push(total);
      total += p.frames;
    }
    const long = new Float32Array(total * PCS);
    hay.forEach((p, k) => {
      long.set(p.strong, offsets[k]! * PCS);
    });
    const qi = Math.min(2, hay.length - 1);
    const qPiece = hay[qi]!;
    const q0 = Math.min(10, Math.floor(qPiece.frames / 4));
    const qLen = Math.min(40, qPiece.frames - q0);
    const query = predict(strongModel!, qPiece).subarray(q0 * PCS, (q0 + qLen) * PCS);
    const Cq = tensor(bceCost(query, qLen, long, total), [qLen, total]);
    // The step sizes (1, 1), (2, 1), (1, 2) of subsequence DTW in FMP 7.2: a match may neither
    // stall on one frame of the long sequence nor skip through it (tempo within 1/2 and 2).
    const subSteps = [
      { di: 1, dj: 1 },
      { di: 2, dj: 1 },
      { di: 1, dj: 2 },
    ];
    const hard = dtw(Cq, { subsequence: true, steps: subSteps });
    const subGamma = 0.1;
    const soft = softDtwFromCost(Cq, { subsequence: true, gamma: subGamma, steps: subSteps });
    // The expected first and last frame of the match: E-weighted mean column of the first and
    // last query rows.
    const expectedAt = (row: number): number => {
      let a = 0;
      let w = 0;
      for (let j = 0; j < total; j++) {
        const e = soft.alignment.data[row * total + j]!;
        a += j * e;
        w += e;
      }
      return a / w;
    };
    const sub = {
      query: { piece: qi, from: q0, frames: qLen },
      haystackFrames: total,
      trueStart: offsets[qi]! + q0,
      trueEnd: offsets[qi]! + q0 + qLen - 1,
      found: { start: hard.start[1], end: hard.end[1], cost: hard.cost },
      soft: {
        gamma: subGamma,
        value: soft.value,
        expectedStart: expectedAt(0),
        expectedEnd: expectedAt(qLen - 1),
      },
      file: 'alignment/subsequence.svg',
    };
    writeOut(
      sub.file,
      heatmap(soft.alignment.data, qLen, total, {
        title: `Subsequence soft-DTW (γ = ${subGamma}): frames ${q0}-${q0 + qLen - 1} of held-out piece ${qi} found in ${total} frames of ${hay.length} pieces (red: subsequence DTW path, true start ${sub.trueStart})`,
        xLabel: 'frame of the long sequence',
        yLabel: 'query frame',
        colorLabel: 'E(n, m)',
        path: hard.path,
        cell: 2,
      }),
    );
    strongModel!.dispose();
    const table = markdownTable(
      ['variant', 'precision', 'recall', 'F-measure', 'frames predicted silent', 'train s'],
      results.map((x) => [
        x.label,
        x.precision.toFixed(3),
        x.recall.toFixed(3),
        x.f.toFixed(3),
        x.silent.toFixed(3),
        x.seconds.toFixed(1),
      ]),
    );
    const md = [
      '# alignment: learning from weakly aligned targets with soft-DTW',
      '',
      `Synthetic chroma-like pieces (${TRAIN} train, ${TEST} held out; 8-14 notes of 1-3 pitch classes, 2-16 frames each; features = strong target x fixed random ${PCS} x ${FEATURES} mixing + N(0, ${NOISE}^2) noise). Model: ${FEATURES} -> 32 relu -> 12 logits, Adam ${LEARNING_RATE}, ${EPOCHS} epochs, batches of ${BATCH} pieces. Soft-DTW variants see only the de-duplicated note sequence, stretched to the number of frames (idx = floor(n M / N)), with the BCE cost (on logits). The CTC variant (f) sees the same note sequence as multi-label CTC characters (the distinct chords, the silent chord as the blank; each character's log-probability the sum over pitch classes of log sigmoid(+-logit)), its loss ctcLoss of @losses/softdtw (soft-DTW with gamma 1 and the CTC steps), divided by the number of frames. Frame-wise F-measure on the held-out pieces, threshold 0.5, micro-averaged; "frames predicted silent" is the share of held-out frames with every pitch class below 0.5 (every true frame sounds a chord). CTC's outputs are peaky: it places each chord on a few frames and the blank (here the silent chord) on the rest, which the frame-wise F-measure of a context-free frame model reads as silence.`,
      '',
      table,
      '',
      `Expected alignments of held-out piece 0 (${piece.frames} frames, ${piece.notes} notes; predictions of model (a)), DTW cost ${dtwCost.toFixed(3)}:`,
      '',
      ...heat.map((h) => `- gamma = ${h.gamma}: soft-DTW ${h.value.toFixed(3)}, \`${h.file}\``),
      '',
      '## Subsequence alignment',
      '',
      `Frames ${q0}-${q0 + qLen - 1} of held-out piece ${qi} (model (a)'s predictions, ${qLen} frames) searched inside the frame-wise targets of held-out pieces 0-${hay.length - 1} laid end to end (${total} frames), BCE cost, step sizes (1, 1), (2, 1), (1, 2) (FMP 7.2): subsequence DTW finds frames ${sub.found.start}-${sub.found.end} (cost ${sub.found.cost.toFixed(3)}); the true stretch is ${sub.trueStart}-${sub.trueEnd}. Subsequence soft-DTW (gamma ${subGamma}): value ${sub.soft.value.toFixed(3)}, expected first frame ${sub.soft.expectedStart.toFixed(1)}, expected last frame ${sub.soft.expectedEnd.toFixed(1)}; \`${sub.file}\`.`,
      '',
    ].join('\n');
    writeOut('alignment/summary.md', md);
    writeJson('alignment/results.json', {
      config: { TRAIN, TEST, EPOCHS, BATCH, LEARNING_RATE, FEATURES, NOISE, seeds },
      results,
      heatmaps: heat,
      dtwCost,
      subsequence: sub,
    });
    console.log(`\n${table}`);
  },
};
