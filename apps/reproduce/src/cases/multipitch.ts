/**
 * Case `multipitch`: case study 3 of "Loss Functions Matter" on the rendered corpus - pitch-class
 * (chroma) activity learned from weakly aligned targets (Krause, Weiss & Mueller, ICASSP 2023;
 * Zeitler, Deniffel, Krause & Mueller, ISMIR 2023).
 *
 * Training items: the training pieces cut into excerpts of a few seconds. The strong target of an
 * excerpt is its frame-wise chroma (exact, from the score); the weak target is the same rows with
 * consecutive duplicates removed - the sequence of pitch-class sets, no timing. Methods (shared
 * with the `alignment` case, `src/train/alignment.ts`):
 *
 * - `bce-strong`: frame-wise BCE on the strong targets (upper bound),
 * - `bce-weak-stretched`: BCE on the weak targets stretched to the excerpt's length (baseline),
 * - `softdtw-weak`: soft-DTW (BCE cost on logits, gamma 0.1) on the weak targets,
 * - `softdtw-weak-annealed`: + gamma annealing 1 -> 0.1,
 * - `softdtw-weak-prior`: annealing + the diagonal prior (weight 1 -> 0),
 * - `softdtw-weak-steps`: annealing + prior + step weights [1, 1, 2].
 *
 * Evaluated by the frame-wise F-measure (micro over frames and the 12 pitch classes, threshold
 * 0.5, `frameScores` of @losses/metrics) on the whole test pieces. Writes out/multipitch.json,
 * out/multipitch/results.md and expected-alignment heatmaps of one test excerpt.
 */
import { frameScores } from '@losses/metrics';
import { tensor } from '@losses/tensor';
import '@tensorflow/tfjs-backend-wasm';
import {
  type Corpus,
  type CorpusConfig,
  corpusDefaults,
  corpusQuick,
  loadCorpusAnnounced,
} from '../corpus/corpus.js';
import { concat, corpusData, type PieceData, stackContext } from '../corpus/dataset.js';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { useBackend } from '../lib/tfjs.js';
import {
  type AlignmentItem,
  type AlignmentVariant,
  alignmentHeatmaps,
  alignmentVariants,
  deduplicate,
  type HeatmapEntry,
  predictItem,
  trainAlignment,
} from '../train/alignment.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

/** Settings of one run of the case. */
export interface MultipitchCaseConfig {
  corpus: CorpusConfig;
  /** Context radius in frames. */
  context: number;
  hidden: number;
  epochs: number;
  /** Excerpts per optimiser step. */
  batch: number;
  learningRate: number;
  /** Excerpt length in frames (25 frames/s). */
  excerpt: number;
  /** Seed of the initial weights and of the excerpt order. */
  seed: number;
  /** Soft-DTW temperatures of the expected-alignment heatmaps. */
  heatmapGammas: readonly number[];
  backend: 'wasm' | 'cpu';
}

/** The configurations: `default` for `pnpm reproduce`, `quick` for `--quick`. */
export const multipitchConfig: { default: MultipitchCaseConfig; quick: MultipitchCaseConfig } = {
  default: {
    corpus: corpusDefaults,
    context: 2,
    hidden: 64,
    epochs: 12,
    batch: 8,
    learningRate: 0.003,
    excerpt: 200,
    seed: 5,
    heatmapGammas: [0.01, 0.1, 1],
    backend: 'wasm',
  },
  quick: {
    corpus: corpusQuick,
    context: 2,
    hidden: 64,
    epochs: 8,
    batch: 8,
    learningRate: 0.003,
    excerpt: 200,
    seed: 5,
    heatmapGammas: [0.1],
    backend: 'wasm',
  },
};

/** The method names of out/multipitch.json, by variant key. */
export const METHODS: Readonly<Record<AlignmentVariant['key'], string>> = {
  a: 'bce-strong',
  w: 'bce-weak-stretched',
  b: 'softdtw-weak',
  c: 'softdtw-weak-annealed',
  d: 'softdtw-weak-prior',
  e: 'softdtw-weak-steps',
  f: 'ctc-weak',
};

/** One row of out/multipitch.json. */
export interface MultipitchRow {
  method: string;
  /** Frame-wise micro F on the test pieces. */
  f: number;
  precision: number;
  recall: number;
  seconds: number;
}

/** Cuts pieces into excerpts of `length` frames (a last part shorter than half is dropped). */
export function excerpts(
  pieces: readonly PieceData[],
  context: number,
  length: number,
): AlignmentItem[] {
  const out: AlignmentItem[] = [];
  for (const p of pieces) {
    const x = stackContext(p.features, p.frames, p.bands, context);
    const D = x.length / p.frames;
    for (let t0 = 0; t0 < p.frames; t0 += length) {
      const n = Math.min(length, p.frames - t0);
      if (n < length / 2) break;
      const strong = p.labels.chroma.slice(t0 * 12, (t0 + n) * 12);
      const weak = deduplicate(strong, n, 12);
      out.push({
        frames: n,
        features: x.slice(t0 * D, (t0 + n) * D),
        strong,
        weak: weak.data,
        notes: weak.n,
      });
    }
  }
  return out;
}

/** The result of {@link runMultipitchCase}. */
export interface MultipitchResult {
  rows: MultipitchRow[];
  sizes: {
    trainExcerpts: number;
    trainFrames: number;
    testPieces: number;
    testFrames: number;
    meanWeakLength: number;
  };
  heatmaps: HeatmapEntry[];
  dtwCost: number;
  heatmapExcerpt: { piece: string; frames: number; notes: number };
}

/** Trains and evaluates every method on a loaded corpus (writes only the heatmaps). */
export async function runMultipitchCase(
  cfg: MultipitchCaseConfig,
  corpus: Corpus,
  onEpoch: () => void = () => {},
): Promise<MultipitchResult> {
  await useBackend(cfg.backend);
  const data = corpusData(corpus);
  const trainPieces = data.filter((p) => p.split === 'train');
  const testPieces = data.filter((p) => p.split === 'test');
  const test = testPieces.length > 0 ? testPieces : trainPieces;
  const items = excerpts(trainPieces, cfg.context, cfg.excerpt);
  const D = (2 * cfg.context + 1) * (data[0]?.bands ?? 0);
  const testX = test.map((p) => stackContext(p.features, p.frames, p.bands, cfg.context));
  const testY = concat(test.map((p) => p.labels.chroma));
  const testFrames = test.reduce((s, p) => s + p.frames, 0);
  const stepsPerEpoch = Math.ceil(items.length / cfg.batch);
  const rows: MultipitchRow[] = [];
  let heat: { heatmaps: HeatmapEntry[]; dtwCost: number } = { heatmaps: [], dtwCost: 0 };
  const sample = excerpts([test[0]!], cfg.context, cfg.excerpt)[0]!;
  for (const v of alignmentVariants(cfg.epochs * stepsPerEpoch)) {
    const t0 = Date.now();
    const model = trainAlignment(
      v,
      items,
      {
        inputs: D,
        outputs: 12,
        hidden: cfg.hidden,
        epochs: cfg.epochs,
        batch: cfg.batch,
        learningRate: cfg.learningRate,
        seed: cfg.seed,
      },
      onEpoch,
    );
    const pred = concat(test.map((p, i) => predictItem(model, testX[i]!, p.frames, D)));
    const s = frameScores(tensor(pred, [testFrames, 12]), tensor(testY, [testFrames, 12])).micro;
    rows.push({
      method: METHODS[v.key],
      f: s.f,
      precision: s.precision,
      recall: s.recall,
      seconds: (Date.now() - t0) / 1000,
    });
    if (v.key === 'c') {
      const p = predictItem(model, sample.features, sample.frames, D);
      heat = alignmentHeatmaps(
        p,
        sample.frames,
        sample.weak,
        sample.notes,
        12,
        'multipitch/expected-alignment-gamma',
        cfg.heatmapGammas,
        4,
      );
    }
    model.dispose();
  }
  return {
    rows,
    sizes: {
      trainExcerpts: items.length,
      trainFrames: items.reduce((s, i) => s + i.frames, 0),
      testPieces: test.length,
      testFrames,
      meanWeakLength: items.reduce((s, i) => s + i.notes, 0) / Math.max(1, items.length),
    },
    heatmaps: heat.heatmaps,
    dtwCost: heat.dtwCost,
    heatmapExcerpt: { piece: test[0]!.id, frames: sample.frames, notes: sample.notes },
  };
}

const f3 = (v: number) => v.toFixed(3);

/** The `multipitch` case (`pnpm reproduce multipitch`; `--quick`, `--seed`). */
export const multipitchCase: ReproduceCase = {
  name: 'multipitch',
  summary:
    'pitch classes from weakly aligned targets on the rendered corpus: BCE vs soft-DTW (+ annealing, prior, step weights)',
  seed: 'the training (initial weights, excerpts, shuffling; default 5)',
  async run(options: ReproduceOptions) {
    const base = options.quick ? multipitchConfig.quick : multipitchConfig.default;
    await multipitchReport({ ...base, seed: options.seed ?? base.seed });
  },
};

/**
 * Loads (or renders) the corpus of `cfg`, runs every method and writes out/multipitch.json,
 * out/multipitch/results.md and the heatmaps; returns the result.
 */
export async function multipitchReport(cfg: MultipitchCaseConfig): Promise<MultipitchResult> {
  const corpus = await loadCorpusAnnounced(cfg.corpus);
  const progress = new Progress('multipitch', alignmentVariants(1).length * cfg.epochs);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const r = await runMultipitchCase(cfg, corpus, () => progress.tick());
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const table = markdownTable(
    ['method', 'precision', 'recall', 'F-measure', 'train s'],
    r.rows.map((x) => [x.method, f3(x.precision), f3(x.recall), f3(x.f), x.seconds.toFixed(1)]),
  );
  const m = corpus.manifest;
  const md = [
    '# multipitch: pitch classes from weakly aligned targets on the rendered corpus',
    '',
    `Corpus: ${m.pieces.length} generated pieces (corpus seed ${m.config.seed}), ${m.seconds} s of audio, ${m.soundfont.name} by ${m.synthesizer.package} ${m.synthesizer.version}; content hash ${m.contentHash.slice(0, 16)}. Training: ${r.sizes.trainExcerpts} excerpts of at most ${cfg.excerpt} frames (${(cfg.excerpt / 25).toFixed(0)} s) from the training pieces, ${r.sizes.trainFrames} frames; the weak targets have ${r.sizes.meanWeakLength.toFixed(1)} pitch-class sets per excerpt on average. Test: ${r.sizes.testPieces} whole pieces, ${r.sizes.testFrames} frames.`,
    '',
    `Model: MLP ${(2 * cfg.context + 1) * 96} -> ${cfg.hidden} relu -> 12 logits over the standardised log-semitone spectrogram with context +-${cfg.context} frames; Adam ${cfg.learningRate}, ${cfg.epochs} epochs, ${cfg.batch} excerpts per step, seed ${cfg.seed}, tfjs backend ${cfg.backend}. softdtw-weak-prior adds the diagonal prior to the annealed run, softdtw-weak-steps adds step weights [1, 1, 2] to that. Frame-wise F on the test pieces, threshold 0.5, micro over frames and pitch classes.`,
    '',
    table,
    '',
    `Expected alignments (predictions of softdtw-weak-annealed on the first ${r.heatmapExcerpt.frames} frames of ${r.heatmapExcerpt.piece}, ${r.heatmapExcerpt.notes} pitch-class sets; DTW cost ${r.dtwCost.toFixed(3)}):`,
    '',
    ...r.heatmaps.map((h) => `- gamma = ${h.gamma}: soft-DTW ${h.value.toFixed(3)}, \`${h.file}\``),
    '',
    `Run time: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (the wall time on an idle machine is close to the CPU time; more under load). The rendered corpus differs from recordings: one soundfont, no room acoustics, mechanical timing, generated scores; its weak targets are exact note sequences (real scores and performances differ, e.g. in ornaments and repeats).`,
    '',
  ].join('\n');
  writeOut('multipitch/results.md', md);
  writeJson('multipitch.json', {
    config: cfg,
    corpus: {
      contentHash: m.contentHash,
      pieces: m.pieces.length,
      seconds: m.seconds,
      seed: m.config.seed,
    },
    sizes: r.sizes,
    rows: r.rows,
    heatmaps: r.heatmaps,
  });
  console.log(`\n${table}`);
  console.log(
    '\nwritten: out/multipitch.json, out/multipitch/results.md, expected-alignment heatmaps',
  );
  return r;
}
