/**
 * Case `notes`: case study 1 (multi-scale spectral loss; Schwaer & Mueller, IEEE SPL 2023) on real
 * instrument notes. The lecture's landscape and GRA use pure sinusoids; here the target is a
 * sampled General MIDI note - flute and violin of the corpus soundfont (FluidR3 Mono GM) - at the
 * piano key nearest 1000 Hz (B5, 987.77 Hz), beside a pure sinusoid at the same frequency.
 * Estimates at other frequencies are the same note bent by the pitch wheel from the nearest key
 * (`renderTone`), so across key boundaries the synthesizer switches samples, as a real
 * instrument's timbre changes with pitch.
 *
 * - Landscape: estimates swept over 250-4000 Hz (log spaced) against the target, the `standard`
 *   and `smooth` presets of @losses/mss; the share of neighbouring sweep points whose loss
 *   difference points towards the target, and the number of local minima.
 * - GRA, ranking reading (the `gra` case's protocol): offset c uniform in +-2400 cents, for each
 *   step s two estimates at c -+ s/2 cents, each with its own random phase (sinusoid: phase
 *   uniform in [0, 2 pi); note: onset delayed by a random fraction of one period); correct when
 *   the estimate nearer the target (in the frequencies asked of the synthesizer) has the lower
 *   loss. The same offsets and phases for every signal and preset; Wilson 95 % intervals.
 *
 * 44.1 kHz, 1 s, notes held for the whole second (attack included, no release). Writes
 * out/notes.json, out/notes/summary.md, out/notes/landscape-<signal>.svg and out/notes/gra.svg.
 */
import { wilsonInterval } from '@losses/metrics';
import { createMssLoss, type MssPresetName } from '@losses/mss';
import { createStft } from '@losses/stft';
import ndarray from 'ndarray';
import { instrument } from '../corpus/instruments.js';
import { loadSoundfont, renderTone } from '../corpus/synth.js';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { mulberry32 } from '../lib/random.js';
import { lineChart, type Series } from '../lib/svg.js';
import { localMinima, logSweep, normalise, towardsTargetShare } from './landscape.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

/** Settings of one run of the case. */
export interface NotesCaseConfig {
  /** MIDI key of the target (83 = B5, the key nearest 1000 Hz). */
  targetKey: number;
  sampleRate: number;
  /** Signal length in seconds. */
  duration: number;
  /** Points of the landscape sweep from 250 to 4000 Hz. */
  points: number;
  /** GRA trials per signal. */
  trials: number;
  /** GRA steps in cents. */
  steps: readonly number[];
  /** Range of the GRA offsets, +- cents. */
  rangeCents: number;
  presets: readonly MssPresetName[];
  /** The sampled instruments (corpus instrument names). */
  instruments: readonly string[];
  seed: number;
}

/** The configurations: `default` for `pnpm reproduce`, `quick` for `--quick`. */
export const notesConfig: { default: NotesCaseConfig; quick: NotesCaseConfig } = {
  default: {
    targetKey: 83,
    sampleRate: 44100,
    duration: 1,
    points: 300,
    trials: 100,
    steps: [0.3, 3, 30, 300],
    rangeCents: 2400,
    presets: ['standard', 'smooth'],
    instruments: ['flute', 'violin'],
    seed: 1,
  },
  quick: {
    targetKey: 83,
    sampleRate: 44100,
    duration: 0.5,
    points: 100,
    trials: 24,
    steps: [0.3, 3, 30, 300],
    rangeCents: 2400,
    presets: ['standard', 'smooth'],
    instruments: ['flute', 'violin'],
    seed: 1,
  },
};

/** A signal kind: the pure sinusoid or a sampled instrument. */
type SignalKind = 'sinusoid' | string;

/** The signal of `kind` at `freq` Hz with phase parameter u in [0, 1). */
function signalAt(kind: SignalKind, freq: number, u: number, cfg: NotesCaseConfig): Float64Array {
  const length = Math.round(cfg.duration * cfg.sampleRate);
  if (kind === 'sinusoid') {
    const w = (2 * Math.PI * freq) / cfg.sampleRate;
    const phi = 2 * Math.PI * u;
    return Float64Array.from({ length }, (_, n) => Math.sin(w * n + phi));
  }
  const { signal } = renderTone(instrument(kind).program, freq, {
    sampleRate: cfg.sampleRate,
    duration: cfg.duration,
    delay: (u * cfg.sampleRate) / freq,
  });
  return Float64Array.from(signal);
}

/**
 * The frequency of the strongest spectral peak of `x` within +-1 semitone of `nominal` (Hann
 * window over the whole signal, zero-padded to 2^18 points, parabolic interpolation of the log
 * magnitude): where the note's fundamental really is.
 */
export function fundamentalNear(x: Float64Array, sampleRate: number, nominal: number): number {
  const size = 2 ** 18;
  const plan = createStft({ size, hop: size, center: false, window: 'rectangular' });
  const padded = new Float64Array(size);
  const n = Math.min(x.length, size);
  for (let i = 0; i < n; i++) padded[i] = x[i]! * (0.5 - 0.5 * Math.cos((2 * Math.PI * i) / n));
  const mag = plan.magnitude(ndarray(padded, [size])).data;
  const df = sampleRate / size;
  const lo = Math.floor((nominal * 2 ** (-1 / 12)) / df);
  const hi = Math.ceil((nominal * 2 ** (1 / 12)) / df);
  let k = lo;
  for (let j = lo; j <= hi; j++) if (mag[j]! > mag[k]!) k = j;
  const a = Math.log(mag[k - 1]! + 1e-30);
  const b = Math.log(mag[k]! + 1e-30);
  const c = Math.log(mag[k + 1]! + 1e-30);
  const delta = a - 2 * b + c !== 0 ? (0.5 * (a - c)) / (a - 2 * b + c) : 0;
  return (k + delta) * df;
}

/** One landscape row. */
export interface NotesLandscapeRow {
  signal: string;
  preset: string;
  towardsTarget: number;
  localMinima: number;
  /** Sweep estimates the synthesizer rendered as silence (the instrument has no sample there). */
  silentEstimates: number;
}

/** One GRA row. */
export interface NotesGraRow {
  signal: string;
  preset: string;
  step: number;
  gra: number;
  ci: [number, number];
}

function landscape(
  kind: SignalKind,
  cfg: NotesCaseConfig,
  target: Float64Array,
  targetHz: number,
  onPoint: () => void,
): { rows: NotesLandscapeRow[]; freqs: Float64Array; curves: Record<string, Float64Array> } {
  const freqs = logSweep(250, 4000, cfg.points);
  const length = target.length;
  const losses = cfg.presets.map((p) => createMssLoss(p).withTarget(target));
  const curves: Record<string, Float64Array> = Object.fromEntries(
    cfg.presets.map((p) => [p, new Float64Array(cfg.points)]),
  );
  const batch = 8;
  const est = new Float64Array(batch * length);
  let silent = 0;
  for (let i = 0; i < cfg.points; i += batch) {
    const n = Math.min(batch, cfg.points - i);
    for (let k = 0; k < n; k++) {
      const x = signalAt(kind, freqs[i + k]!, 0, cfg);
      if (x.every((v) => v === 0)) silent++;
      est.set(x, k * length);
      onPoint();
    }
    losses.forEach((loss, j) => {
      const values = loss.perItem(ndarray(est.subarray(0, n * length), [n, length]));
      for (let k = 0; k < n; k++) curves[cfg.presets[j]!]![i + k] = values.data[k]!;
    });
  }
  const rows = cfg.presets.map((p) => ({
    signal: kind,
    preset: p,
    towardsTarget: towardsTargetShare(freqs, curves[p]!, targetHz),
    localMinima: localMinima(curves[p]!),
    silentEstimates: silent,
  }));
  return { rows, freqs, curves };
}

function graRows(
  kind: SignalKind,
  cfg: NotesCaseConfig,
  targetHz: number,
  onTrial: () => void,
): NotesGraRow[] {
  // The same random numbers for every signal: offsets and phases are shared.
  const r = mulberry32(cfg.seed);
  const S = cfg.steps.length;
  const correct = cfg.presets.map(() => new Array<number>(S).fill(0));
  const plans = cfg.presets.map((p) => createMssLoss(p));
  const length = Math.round(cfg.duration * cfg.sampleRate);
  const est = new Float64Array(2 * S * length);
  for (let t = 0; t < cfg.trials; t++) {
    const target = signalAt(kind, targetHz, r(), cfg);
    const c = (2 * r() - 1) * cfg.rangeCents;
    cfg.steps.forEach((s, k) => {
      for (const [j, sign] of [
        [0, -1],
        [1, 1],
      ] as const) {
        const cents = c + (sign * s) / 2;
        est.set(signalAt(kind, targetHz * 2 ** (cents / 1200), r(), cfg), (2 * k + j) * length);
      }
    });
    plans.forEach((plan, q) => {
      const values = plan.withTarget(target).perItem(ndarray(est, [2 * S, length])).data;
      cfg.steps.forEach((s, k) => {
        // Estimate 2k is at c - s/2, 2k + 1 at c + s/2: the one nearer 0 cents should be lower.
        const lower = Math.abs(c - s / 2) < Math.abs(c + s / 2) ? 2 * k : 2 * k + 1;
        const higher = lower === 2 * k ? 2 * k + 1 : 2 * k;
        if (values[lower]! < values[higher]!) correct[q]![k]!++;
      });
    });
    onTrial();
  }
  return cfg.presets.flatMap((p, q) =>
    cfg.steps.map((s, k) => ({
      signal: kind,
      preset: p,
      step: s,
      gra: correct[q]![k]! / cfg.trials,
      ci: wilsonInterval(correct[q]![k]!, cfg.trials),
    })),
  );
}

/** Runs the landscape and GRA for the sinusoid and each instrument (writes the landscape plots). */
export async function runNotesCase(
  cfg: NotesCaseConfig,
  onUnit: () => void = () => {},
): Promise<{
  landscape: NotesLandscapeRow[];
  gra: NotesGraRow[];
  targetHz: number;
  /** Per signal: the measured fundamental of the target and its deviation in cents. */
  tuning: { signal: string; fundamentalHz: number; cents: number }[];
}> {
  await loadSoundfont();
  const targetHz = 440 * 2 ** ((cfg.targetKey - 69) / 12);
  const kinds: SignalKind[] = ['sinusoid', ...cfg.instruments];
  const land: NotesLandscapeRow[] = [];
  const gra: NotesGraRow[] = [];
  const tuning: { signal: string; fundamentalHz: number; cents: number }[] = [];
  for (const kind of kinds) {
    const target = signalAt(kind, targetHz, 0, cfg);
    const f0 = fundamentalNear(target, cfg.sampleRate, targetHz);
    tuning.push({ signal: kind, fundamentalHz: f0, cents: 1200 * Math.log2(f0 / targetHz) });
    const l = landscape(kind, cfg, target, targetHz, onUnit);
    land.push(...l.rows);
    const ideal = Float64Array.from(l.freqs, (f) => Math.abs(Math.log(f / targetHz)));
    writeOut(
      `notes/landscape-${kind}.svg`,
      lineChart(
        [
          ...cfg.presets.map((p): Series => ({ name: p, x: l.freqs, y: normalise(l.curves[p]!) })),
          { name: '|log f^ - log f|', x: l.freqs, y: normalise(ideal), dashed: true },
        ],
        {
          title: `MSS landscape, target: ${kind} at ${targetHz.toFixed(2)} Hz (B5), ${cfg.sampleRate / 1000} kHz`,
          xLabel: 'estimate frequency (Hz, log axis)',
          yLabel: 'loss, normalised to [0, 1]',
          logX: true,
          xMarkers: [targetHz],
          width: 860,
        },
      ),
    );
    gra.push(...graRows(kind, cfg, targetHz, onUnit));
  }
  return { landscape: land, gra, targetHz, tuning };
}

/** The `notes` case (`pnpm reproduce notes`; `--quick`, `--seed`, `--trials`). */
export const notesCase: ReproduceCase = {
  name: 'notes',
  summary: 'MSS landscape and GRA on sampled flute and violin notes (B5) beside the pure sinusoid',
  seed: "the GRA trials' random draws (default 1)",
  trials: 'GRA trials per signal (default 100)',
  async run(options: ReproduceOptions) {
    const base = options.quick ? notesConfig.quick : notesConfig.default;
    await notesReport({
      ...base,
      seed: options.seed ?? base.seed,
      ...(options.trials === undefined ? {} : { trials: options.trials }),
    });
  },
};

/** Runs the case for `cfg` and writes out/notes.json, out/notes/summary.md and the plots. */
export async function notesReport(cfg: NotesCaseConfig): Promise<void> {
  const signals = 1 + cfg.instruments.length;
  const progress = new Progress('notes', signals * (cfg.points + cfg.trials));
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  const r = await runNotesCase(cfg, () => progress.tick());
  const seconds = (Date.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  const cpuSeconds = (cpu.user + cpu.system) / 1e6;
  const { info } = await loadSoundfont();
  const landTable = markdownTable(
    ['signal', 'preset', 'steps towards target', 'local minima', 'silent estimates'],
    r.landscape.map((x) => [
      x.signal,
      x.preset,
      x.towardsTarget.toFixed(3),
      x.localMinima,
      x.silentEstimates,
    ]),
  );
  const graTable = markdownTable(
    ['signal', 'preset', ...cfg.steps.map((s) => `${s} ct`)],
    r.landscape.map((x) => [
      x.signal,
      x.preset,
      ...cfg.steps.map((s) => {
        const g = r.gra.find(
          (y) => y.signal === x.signal && y.preset === x.preset && y.step === s,
        )!;
        return `${g.gra.toFixed(3)} [${g.ci[0].toFixed(2)}, ${g.ci[1].toFixed(2)}]`;
      }),
    ]),
  );
  const md = [
    '# notes: the MSS loss on sampled instrument notes',
    '',
    `Target: B5 (${r.targetHz.toFixed(2)} Hz, the piano key nearest 1000 Hz) as a pure sinusoid and as sampled notes (${cfg.instruments.join(', ')}) of ${info.soundfont.name} (${info.soundfont.package} ${info.soundfont.version}), rendered by ${info.synthesizer.package} ${info.synthesizer.version}; ${cfg.sampleRate} Hz, ${cfg.duration} s, notes held throughout (attack included). Other frequencies: the nearest key bent by the pitch wheel.`,
    '',
    `## Landscape (${cfg.points} estimates from 250 to 4000 Hz, log spaced)`,
    '',
    landTable,
    '',
    `## GRA, ranking reading (${cfg.trials} trials per cell, offsets uniform in +-${cfg.rangeCents} cents, seed ${cfg.seed}; GRA [Wilson 95 % interval])`,
    '',
    graTable,
    '',
    `The sampled notes are not pure tones: harmonics, an attack, vibrato where the sample has it, and sample tuning that can deviate from the nominal key. Measured fundamental of each target (strongest spectral peak within a semitone of B5): ${r.tuning.map((t) => `${t.signal} ${t.fundamentalHz.toFixed(2)} Hz (${t.cents >= 0 ? '+' : ''}${t.cents.toFixed(1)} cents)`).join(', ')}. "Nearer" is judged by the frequency asked of the synthesizer. Across key boundaries the synthesizer may switch samples, so the landscape can jump there; where an instrument has no sample (silent estimates) the loss is flat.`,
    '',
    `Run time: ${seconds.toFixed(1)} s wall, ${cpuSeconds.toFixed(1)} s CPU (the wall time on an idle machine is close to the CPU time; more under load).`,
    '',
  ].join('\n');
  writeOut('notes/summary.md', md);
  writeJson('notes.json', {
    config: cfg,
    targetHz: r.targetHz,
    ...info,
    tuning: r.tuning,
    landscape: r.landscape,
    gra: r.gra,
  });
  const series: Series[] = r.landscape.map((x) => ({
    name: `${x.signal} ${x.preset}`,
    x: [...cfg.steps],
    y: cfg.steps.map(
      (s) => r.gra.find((y) => y.signal === x.signal && y.preset === x.preset && y.step === s)!.gra,
    ),
    dashed: x.preset === 'standard',
  }));
  writeOut(
    'notes/gra.svg',
    lineChart(series, {
      title: `GRA vs step, target B5 (${r.targetHz.toFixed(0)} Hz): sinusoid and sampled notes`,
      xLabel: 'step between the two estimates (cents, log scale)',
      yLabel: 'GRA',
      logX: true,
      yDomain: [0.3, 1],
      width: 860,
    }),
  );
  console.log(`\n${landTable}\n\n${graTable}`);
  console.log('\nwritten: out/notes.json, out/notes/summary.md, landscape-*.svg, gra.svg');
}
