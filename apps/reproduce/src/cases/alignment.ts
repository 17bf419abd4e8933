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
import { dtw, softDtwFromCost } from '@losses/softdtw';
import { tensor } from '@losses/tensor';
import type * as tf from '@tensorflow/tfjs';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { gaussian, mulberry32 } from '../lib/random.js';
import { heatmap } from '../lib/svg.js';
import { useCpuBackend } from '../lib/tfjs.js';
import {
  type AlignmentItem,
  alignmentHeatmaps,
  alignmentVariants,
  bceCost,
  ctcCharacters as ctcCharactersOf,
  deduplicate,
  predictItem,
  silentShare as silentShareOf,
  trainAlignment,
} from '../train/alignment.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

export { deduplicate };

/** The multi-label CTC characters of a piece's weak target (see `train/alignment.ts`). */
export function ctcCharacters(p: Piece): { chars: Float32Array; count: number; labels: number[] } {
  return ctcCharactersOf(p.weak, p.notes, PCS);
}

/** The share of frames of `pred` (`[frames, 12]`) with every pitch class below 0.5. */
export function silentShare(pred: ArrayLike<number>): number {
  return silentShareOf(pred, PCS);
}

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
export type Piece = AlignmentItem;

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
    const vs = alignmentVariants(EPOCHS * stepsPerEpoch);
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
      const model = trainAlignment(
        v,
        trainSet,
        {
          inputs: FEATURES,
          outputs: PCS,
          hidden: 32,
          epochs: EPOCHS,
          batch: BATCH,
          learningRate: LEARNING_RATE,
          seed: seeds.model,
        },
        () => progress.tick(),
      );
      const preds = testSet.map((p) => predictItem(model, p.features, p.frames, FEATURES));
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
    const pred = predictItem(strongModel!, piece.features, piece.frames, FEATURES);
    const { heatmaps: heat, dtwCost } = alignmentHeatmaps(
      pred,
      piece.frames,
      piece.weak,
      piece.notes,
      PCS,
      'alignment/expected-alignment-gamma',
      [0.01, 0.1, 1, 10],
    );
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
    const query = predictItem(strongModel!, qPiece.features, qPiece.frames, FEATURES).subarray(
      q0 * PCS,
      (q0 + qLen) * PCS,
    );
    const Cq = tensor(bceCost(query, qLen, long, total, PCS), [qLen, total]);
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
