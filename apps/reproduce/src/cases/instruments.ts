/**
 * Case `instruments`: case study 2 of "Loss Functions Matter" (Krause & Muller, "Hierarchical
 * classification for instrument activity detection in orchestral music recordings", IEEE/ACM
 * TASLP 31, 2023) on the rendered corpus: frame-wise activity of 13 instruments and their 4
 * families (18 classes with `music`) from a log-semitone spectrogram with a context window.
 *
 * Data: the corpus (`src/corpus/`), split by piece. A share of the training pieces is labelled at
 * family level only: their instrument labels are unknown (NaN), then `propagateLabels` makes the
 * instruments of an inactive family known negatives. Validation pieces choose each strategy's
 * epoch (best mean of family and instrument F); test pieces are fully labelled and never seen.
 *
 * Strategies (shared with the `hierarchy` case, `src/train/hierarchy.ts`): A, B, D(alpha, beta)
 * for a grid, MCLoss + MCM; one MLP (context frames x bands -> hidden relu -> 18) each, the same
 * initialisation and batch order.
 *
 * Reported per strategy and level (family, instrument) on the test pieces, threshold 0.5: the
 * frame-wise micro F-measure over the level's classes, the mean consistency gamma_c over the
 * classes with children (the same value in both rows of a strategy), the hierarchical F
 * (`hierarchicalScores` over families and instruments, `music` left out as the root; also the
 * same in both rows) and the macro average precision over the level's classes
 * (`averagePrecision`). Writes out/instruments.json, out/instruments/results.md and
 * out/instruments/f-vs-consistency.svg.
 */
import { propagateLabels } from '@losses/hierarchy';
import { averagePrecision, consistency, hierarchicalScores } from '@losses/metrics';
import { tensor } from '@losses/tensor';
import * as tf from '@tensorflow/tfjs';
import '@tensorflow/tfjs-backend-wasm';
import {
  type Corpus,
  type CorpusConfig,
  corpusDefaults,
  corpusQuick,
  loadCorpusAnnounced,
} from '../corpus/corpus.js';
import { concat, corpusData, type PieceData, stackContext } from '../corpus/dataset.js';
import { computeFeatures, featureDefaults } from '../corpus/features.js';
import { pieceFigure } from '../corpus/figure.js';
import { corpusHierarchy, FAMILIES, INSTRUMENTS } from '../corpus/instruments.js';
import { pieceLabels } from '../corpus/labels.js';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { mulberry32 } from '../lib/random.js';
import { lineChart, type Series } from '../lib/svg.js';
import { useBackend } from '../lib/tfjs.js';
import {
  levelF,
  predictWith,
  type Strategy,
  strategies,
  trainStrategy,
} from '../train/hierarchy.js';
import { predictProbabilities } from '../train/mlp.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

/** Settings of one run of the case. */
export interface InstrumentsCaseConfig {
  corpus: CorpusConfig;
  /** Context radius in frames: the model sees frames t - context .. t + context. */
  context: number;
  hidden: number;
  /** Maximum epochs; the validation pieces pick the best one. */
  epochs: number;
  batch: number;
  learningRate: number;
  /** Share of the training pieces labelled at family level only. */
  coarseShare: number;
  /** Seed of the initial weights, the batch order and the coarse pieces. */
  seed: number;
  grid: readonly (readonly [alpha: number, beta: number])[];
  /** tfjs backend: `wasm` (default, about 6x faster than `cpu` for these layers) or `cpu`. */
  backend: 'wasm' | 'cpu';
}

/** The configurations: `default` for `pnpm reproduce`, `quick` for `--quick`. */
export const instrumentsConfig: { default: InstrumentsCaseConfig; quick: InstrumentsCaseConfig } = {
  default: {
    corpus: corpusDefaults,
    context: 2,
    hidden: 64,
    epochs: 10,
    batch: 512,
    learningRate: 0.004,
    coarseShare: 0.5,
    seed: 7,
    grid: [
      [1, 1],
      [4, 1],
      [1, 4],
      [4, 4],
    ],
    backend: 'wasm',
  },
  quick: {
    corpus: corpusQuick,
    context: 2,
    hidden: 64,
    epochs: 6,
    batch: 512,
    learningRate: 0.004,
    coarseShare: 0.5,
    seed: 7,
    grid: [[1, 1]],
    backend: 'wasm',
  },
};

/** One row of out/instruments.json. */
export interface InstrumentsRow {
  /** `A`, `B`, `D(alpha,beta)`, `MCLoss`. */
  strategy: string;
  level: 'family' | 'instrument';
  /** Frame-wise micro F over the level's classes. */
  f: number;
  /** Mean consistency gamma_c over the classes with children. */
  gammaC: number;
  /** Hierarchical F over families and instruments. */
  hf: number;
  /** Macro average precision over the level's classes. */
  ap: number;
}

/** Per strategy: what else the run measured. */
export interface InstrumentsDetail {
  strategy: string;
  /** F of the `music` class (anything playing). */
  fMusic: number;
  hierarchicalPrecision: number;
  hierarchicalRecall: number;
  /** Micro average precision over all 18 classes. */
  apMicro: number;
  /** The epoch (1-based) the validation pieces chose, and its validation mean F. */
  bestEpoch: number;
  validationF: number;
  seconds: number;
}

/**
 * Writes the figure of the first test piece (spectrogram and label rows) next to the corpus,
 * `corpus/figure-<id>.svg` under out/; returns that path.
 */
export function writePieceFigure(corpus: Corpus): string {
  const piece = corpus.pieces.find((p) => p.meta.split === 'test') ?? corpus.pieces[0]!;
  const f = computeFeatures(piece.audio, {
    ...featureDefaults,
    sampleRate: corpus.manifest.config.sampleRate,
  });
  const rate = corpus.manifest.config.sampleRate / featureDefaults.hop;
  const labels = pieceLabels(piece.score, f.frames, rate);
  const name = `corpus/figure-${piece.meta.id}.svg`;
  writeOut(
    name,
    pieceFigure(f.data, f.frames, f.bands, labels, {
      title: `${piece.meta.id}: log-semitone spectrogram (A0-G#8, 25 frames/s) and its labels; ${piece.meta.tempo} bpm, ${piece.meta.key.mode}`,
      frameRate: rate,
      lowPitch: featureDefaults.lowPitch,
    }),
  );
  return `out/${name}`;
}

/** The name of a strategy in out/instruments.json. */
export function strategyKey(s: Strategy): string {
  if (s.kind === 'D') return `D(${s.alpha},${s.beta})`;
  if (s.kind === 'MC') return 'MCLoss';
  return s.kind;
}

interface SplitArrays {
  x: Float32Array;
  y: Float32Array;
  frames: number;
}

function arrays(
  pieces: readonly PieceData[],
  context: number,
  labels?: Float32Array[],
): SplitArrays {
  return {
    x: concat(pieces.map((p) => stackContext(p.features, p.frames, p.bands, context))),
    y: concat(labels ?? pieces.map((p) => p.labels.classes)),
    frames: pieces.reduce((s, p) => s + p.frames, 0),
  };
}

/** Training labels: the pieces chosen as coarse keep family and music labels only (propagated). */
export function coarseLabels(
  pieces: readonly PieceData[],
  share: number,
  seed: number,
): { labels: Float32Array[]; coarse: string[] } {
  const h = corpusHierarchy;
  const C = h.classes.length;
  const leafCols = h.leaves.map((l) => h.indexOf(l));
  const r = mulberry32(seed + 3);
  const order = pieces.map((_, i) => i);
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(r() * (i + 1));
    [order[i], order[j]] = [order[j]!, order[i]!];
  }
  const coarse = new Set(order.slice(0, Math.round(share * pieces.length)));
  const labels = pieces.map((p, i) => {
    if (!coarse.has(i)) return p.labels.classes;
    const y = Float32Array.from(p.labels.classes);
    for (let t = 0; t < p.frames; t++) for (const c of leafCols) y[t * C + c] = Number.NaN;
    return propagateLabels(tensor(y, [p.frames, C]), h).data as Float32Array;
  });
  return { labels, coarse: [...coarse].sort((a, b) => a - b).map((i) => pieces[i]!.id) };
}

/** The hierarchy without its root, for the hierarchical F (HiClass's label paths have no root). */
const withoutRoot = {
  classes: [...FAMILIES, ...INSTRUMENTS.map((i) => i.name)] as string[],
  children: (c: string) => (FAMILIES.includes(c as never) ? corpusHierarchy.children(c) : []),
};

function columns(data: Float32Array, frames: number, cols: readonly number[]): Float32Array {
  const C = corpusHierarchy.classes.length;
  const out = new Float32Array(frames * cols.length);
  for (let t = 0; t < frames; t++) {
    cols.forEach((c, k) => {
      out[t * cols.length + k] = data[t * C + c]!;
    });
  }
  return out;
}

/** The scores of predictions `pred` against the references of a split. */
export function evaluate(pred: Float32Array, ref: Float32Array, frames: number) {
  const h = corpusHierarchy;
  const C = h.classes.length;
  const [fInstrument, fFamily, fMusic] = levelF(h, pred, ref) as [number, number, number];
  const gammaC = consistency(tensor(pred, [frames, C]), h).mean;
  const noRoot = withoutRoot.classes.map((c) => h.indexOf(c));
  const hs = hierarchicalScores(
    tensor(columns(pred, frames, noRoot), [frames, noRoot.length]),
    tensor(columns(ref, frames, noRoot), [frames, noRoot.length]),
    withoutRoot,
  );
  const famCols = FAMILIES.map((c) => h.indexOf(c));
  const instCols = INSTRUMENTS.map((i) => h.indexOf(i.name));
  const apOf = (cols: number[]) =>
    averagePrecision(
      tensor(columns(pred, frames, cols), [frames, cols.length]),
      tensor(columns(ref, frames, cols), [frames, cols.length]),
    );
  return {
    fFamily,
    fInstrument,
    fMusic,
    gammaC,
    hf: hs.f,
    hp: hs.precision,
    hr: hs.recall,
    apFamily: apOf(famCols).macro,
    apInstrument: apOf(instCols).macro,
    apMicro: averagePrecision(tensor(pred, [frames, C]), tensor(ref, [frames, C])).micro,
  };
}

/** The result of {@link runInstrumentsCase}. */
export interface InstrumentsResult {
  rows: InstrumentsRow[];
  details: InstrumentsDetail[];
  /** Piece ids per split and the coarse training pieces. */
  sizes: {
    train: number;
    validation: number;
    test: number;
    trainFrames: number;
    testFrames: number;
  };
  coarsePieces: string[];
}

/** Trains and evaluates every strategy on a loaded corpus (no files written). */
export async function runInstrumentsCase(
  cfg: InstrumentsCaseConfig,
  corpus: Corpus,
  onStep: () => void = () => {},
): Promise<InstrumentsResult> {
  await useBackend(cfg.backend);
  const h = corpusHierarchy;
  const C = h.classes.length;
  const data = corpusData(corpus);
  const train = data.filter((p) => p.split === 'train');
  const val = data.filter((p) => p.split === 'validation');
  const test = data.filter((p) => p.split === 'test');
  const { labels, coarse } = coarseLabels(train, cfg.coarseShare, cfg.seed);
  const tr = arrays(train, cfg.context, labels);
  const va = arrays(val.length > 0 ? val : train, cfg.context);
  const te = arrays(test.length > 0 ? test : train, cfg.context);
  const D = (2 * cfg.context + 1) * (data[0]?.bands ?? 0);
  const rows: InstrumentsRow[] = [];
  const details: InstrumentsDetail[] = [];
  for (const s of strategies(cfg.grid)) {
    const t0 = Date.now();
    let best = { epoch: 0, f: -1, weights: [] as tf.Tensor[] };
    const { model } = trainStrategy(
      s,
      h,
      tr.x,
      tr.y,
      {
        inputs: D,
        hidden: cfg.hidden,
        epochs: cfg.epochs,
        batch: cfg.batch,
        learningRate: cfg.learningRate,
        seed: cfg.seed,
      },
      onStep,
      (epoch, m) => {
        const pred = predictWith(s, h, predictProbabilities(m, va.x, D), [va.frames, C]);
        const e = evaluate(pred, va.y, va.frames);
        const f = (e.fFamily + e.fInstrument) / 2;
        if (f > best.f) {
          tf.dispose(best.weights);
          best = { epoch: epoch + 1, f, weights: m.getWeights().map((w) => w.clone()) };
        }
      },
    );
    model.setWeights(best.weights);
    tf.dispose(best.weights);
    const pred = predictWith(s, h, predictProbabilities(model, te.x, D), [te.frames, C]);
    model.dispose();
    const e = evaluate(pred, te.y, te.frames);
    const key = strategyKey(s);
    rows.push(
      { strategy: key, level: 'family', f: e.fFamily, gammaC: e.gammaC, hf: e.hf, ap: e.apFamily },
      {
        strategy: key,
        level: 'instrument',
        f: e.fInstrument,
        gammaC: e.gammaC,
        hf: e.hf,
        ap: e.apInstrument,
      },
    );
    details.push({
      strategy: key,
      fMusic: e.fMusic,
      hierarchicalPrecision: e.hp,
      hierarchicalRecall: e.hr,
      apMicro: e.apMicro,
      bestEpoch: best.epoch,
      validationF: best.f,
      seconds: (Date.now() - t0) / 1000,
    });
  }
  return {
    rows,
    details,
    sizes: {
      train: train.length,
      validation: val.length,
      test: test.length,
      trainFrames: tr.frames,
      testFrames: te.frames,
    },
    coarsePieces: coarse,
  };
}

const f3 = (v: number) => v.toFixed(3);

/** The `instruments` case (`pnpm reproduce instruments`; `--quick`, `--seed`). */
export const instrumentsCase: ReproduceCase = {
  name: 'instruments',
  summary:
    'instrument and family activity on the rendered corpus: A, B, D(alpha, beta), MCLoss - F, gamma_c, hF, AP',
  seed: 'the training (initial weights, shuffling, which pieces are labelled at family level only; default 7)',
  async run(options: ReproduceOptions) {
    const base = options.quick ? instrumentsConfig.quick : instrumentsConfig.default;
    await instrumentsReport({ ...base, seed: options.seed ?? base.seed });
  },
};

/**
 * Loads (or renders) the corpus of `cfg`, runs every strategy and writes out/instruments.json,
 * out/instruments/results.md and the scatter plots; returns the result.
 */
export async function instrumentsReport(cfg: InstrumentsCaseConfig): Promise<InstrumentsResult> {
  const corpus = await loadCorpusAnnounced(cfg.corpus);
  const figure = writePieceFigure(corpus);
  const frameGuess = corpus.manifest.pieces
    .filter((p) => p.split === 'train')
    .reduce((s, p) => s + Math.ceil((p.duration * corpus.manifest.config.sampleRate) / 882), 0);
  const steps = (cfg.grid.length + 3) * cfg.epochs * Math.ceil(frameGuess / cfg.batch);
  const progress = new Progress('instruments', steps);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const result = await runInstrumentsCase(cfg, corpus, () => progress.tick());
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const table = markdownTable(
    ['strategy', 'level', 'F', 'mean gamma_c', 'hF', 'AP (macro)'],
    result.rows.map((r) => [r.strategy, r.level, f3(r.f), f3(r.gammaC), f3(r.hf), f3(r.ap)]),
  );
  const detailTable = markdownTable(
    [
      'strategy',
      'F music',
      'hP',
      'hR',
      'AP micro (18 classes)',
      'best epoch',
      'validation F',
      'train s',
    ],
    result.details.map((d) => [
      d.strategy,
      f3(d.fMusic),
      f3(d.hierarchicalPrecision),
      f3(d.hierarchicalRecall),
      f3(d.apMicro),
      d.bestEpoch,
      f3(d.validationF),
      d.seconds.toFixed(1),
    ]),
  );
  const m = corpus.manifest;
  const md = [
    '# instruments: hierarchical instrument activity on the rendered corpus',
    '',
    `Corpus: ${m.pieces.length} generated pieces (corpus seed ${m.config.seed}), ${m.seconds} s of audio at ${m.config.sampleRate} Hz, rendered with ${m.soundfont.name} (${m.soundfont.package} ${m.soundfont.version}) by ${m.synthesizer.package} ${m.synthesizer.version}; content hash ${m.contentHash.slice(0, 16)}. Split by piece: ${result.sizes.train} train (${result.sizes.trainFrames} frames; ${result.coarsePieces.length} of them labelled at family level only), ${result.sizes.validation} validation, ${result.sizes.test} test (${result.sizes.testFrames} frames).`,
    '',
    `Features: log(1 + 100 x) semitone spectrogram, 96 bands (A0-G#8), 25 frames/s, standardised; context +-${cfg.context} frames. Model: MLP ${(2 * cfg.context + 1) * 96} -> ${cfg.hidden} relu -> 18 logits, Adam ${cfg.learningRate}, batches of ${cfg.batch} frames, at most ${cfg.epochs} epochs (the validation pieces pick the epoch), training seed ${cfg.seed}, tfjs backend ${cfg.backend}.`,
    '',
    "Test pieces, threshold 0.5. F: frame-wise micro F over the level's classes. Mean gamma_c: over music and the 4 families (one value per strategy). hF: hierarchical F over families and instruments (music left out as the root), one value per strategy. AP: macro average precision over the level's classes.",
    '',
    table,
    '',
    detailTable,
    '',
    `Run time: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (the wall time on an idle machine is close to the CPU time; more under load) for ${result.details.length} strategies.`,
    '',
    'How the rendered corpus differs from recordings: one soundfont (one sampled instrument per class), no room acoustics (dry unless reverb is switched on), mechanical timing and dynamics (no expressive timing unless jitter is switched on), generated scores in one style, no percussion, labels from the score (release tails unlabelled).',
    '',
  ].join('\n');
  writeOut('instruments/results.md', md);
  writeJson('instruments.json', {
    config: cfg,
    corpus: {
      contentHash: m.contentHash,
      pieces: m.pieces.length,
      seconds: m.seconds,
      seed: m.config.seed,
    },
    sizes: result.sizes,
    coarsePieces: result.coarsePieces,
    rows: result.rows,
    details: result.details,
  });
  const series = (level: 'family' | 'instrument'): Series[] =>
    result.rows
      .filter((r) => r.level === level)
      .map((r) => ({ name: r.strategy, x: [r.gammaC], y: [r.f], points: true }));
  for (const level of ['family', 'instrument'] as const) {
    writeOut(
      `instruments/f-vs-consistency-${level}.svg`,
      lineChart(series(level), {
        title: `Rendered corpus: F (${level} level) vs mean consistency gamma_c`,
        xLabel: 'mean consistency gamma_c (test pieces)',
        yLabel: `F-measure, ${level} level`,
        width: 860,
      }),
    );
  }
  console.log(`\n${table}\n\n${detailTable}`);
  console.log(
    `\nwritten: out/instruments.json, out/instruments/results.md, f-vs-consistency-family.svg, f-vs-consistency-instrument.svg, ${figure}`,
  );
  return result;
}
