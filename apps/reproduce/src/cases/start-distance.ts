/**
 * `pnpm reproduce start-distance`: how far from the target each MSS preset can start and still
 * converge, for a pure tone and a harmonic tone - the table of the MSS guide and of
 * packages/mss/README.md.
 *
 * The harmonic tone is harmonic-estimation's task (f0 log-uniform in 110-440 Hz, 4-8 harmonics,
 * 4096 samples at 16 kHz); the pure tone is the same draw with its fundamental only (one sine of
 * amplitude 0.5). The estimate, the optimiser and its settings are harmonic-estimation's (Adam,
 * lr 0.3 semitones for the pitch and 0.01 for the amplitudes, cosine decay, 200 steps, a flat
 * starting envelope). Losses: the MSS presets `standard`, `smooth`, `ddsp` of @losses/mss, and
 * spectral optimal transport with the `sot` preset's settings (harmonic-estimation's `sot`).
 * Starts are d semitones above and below the target, d = 0.3, 0.5, 1, 2, 3, 5, 7, 12.
 *
 * A run converges when its final error is within 25 cents (the right basin; `within1Cent` is also
 * recorded). The reach of a loss is the largest d such that every run from every start up to d
 * converges. Writes out/start-distance.json (`{ protocol, rows: [{ tone, loss, semitones,
 * within1Cent, within25Cents, runs }], reach: [{ tone, loss, semitones }] }`) and
 * out/start-distance/summary.md.
 *
 * Flags: --trials=N (targets, i.e. seeds, default 4), --seed=N (first seed, default 1),
 * --steps=N (default 200), --lr=X (the pitch's initial learning rate, default 0.3 semitones),
 * --quick (1 target, starts +-0.3 and +-3, 30 steps).
 */

import { harmonicTone, pitchOfHz } from '../lib/harmonic.js';
import { markdownTable, writeJson, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import {
  DEFAULTS,
  type EstimationSettings,
  estimate,
  type HarmonicTask,
  harmonicTask,
  type Method,
  mssMethod,
  sotMethod,
} from './harmonic-estimation.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

/** The two tones of the study. */
export type Tone = 'pure' | 'harmonic';

/** The pure-tone twin of harmonic-estimation's task of `seed`: its fundamental alone, amplitude 0.5. */
export function pureTask(seed: number, length = 4096, rate = 16000): HarmonicTask {
  const { f0 } = harmonicTask(seed, length, rate);
  const amplitudes = Float64Array.of(0.5);
  const target = new Float64Array(length);
  harmonicTone({ pitch: pitchOfHz(f0), amplitudes }, rate, target);
  return { seed, f0, amplitudes, rate, target, snr: undefined };
}

/** One row of out/start-distance.json. */
export interface StartDistanceRow {
  tone: Tone;
  loss: string;
  semitones: number;
  within1Cent: number;
  within25Cents: number;
  runs: number;
}

/** The largest start distance up to which every run of every distance converged (0: none). */
export function reachOf(rows: readonly StartDistanceRow[]): number {
  let reach = 0;
  for (const r of [...rows].sort((a, b) => a.semitones - b.semitones)) {
    if (r.within25Cents < 1) break;
    reach = r.semitones;
  }
  return reach;
}

/** The settings of the case: full and `--quick`. */
export const startDistanceConfig = {
  default: { seeds: 4, distances: [0.3, 0.5, 1, 2, 3, 5, 7, 12], steps: 200 },
  quick: { seeds: 1, distances: [0.3, 3], steps: 30 },
} as const;

/** The losses of the table, in order. */
export function startDistanceMethods(): Method[] {
  return [mssMethod('standard'), mssMethod('smooth'), mssMethod('ddsp'), sotMethod()];
}

async function run(options: ReproduceOptions): Promise<void> {
  const cfg = options.quick ? startDistanceConfig.quick : startDistanceConfig.default;
  const steps = (options.flags.steps as number | undefined) ?? cfg.steps;
  const first = options.seed ?? 1;
  const seeds = Array.from({ length: options.trials ?? cfg.seeds }, (_, i) => first + i);
  const starts = cfg.distances.flatMap((d) => [d, -d]);
  const lr = (options.flags.lr as number | undefined) ?? DEFAULTS.lr;
  const settings: EstimationSettings = { ...DEFAULTS, steps, lr };
  const ms = startDistanceMethods();
  const tones: Tone[] = ['pure', 'harmonic'];
  const progress = new Progress('start-distance', tones.length * ms.length * seeds.length * steps);
  const t0 = Date.now();
  const rows: StartDistanceRow[] = [];
  for (const tone of tones) {
    for (const method of ms) {
      const finals: { start: number; cents: number }[] = [];
      for (const seed of seeds) {
        const task = tone === 'pure' ? pureTask(seed) : harmonicTask(seed);
        const traj = estimate(method, task, starts, settings, () => progress.tick());
        traj.forEach((t, r) => {
          finals.push({ start: starts[r]!, cents: t[t.length - 1]! });
        });
      }
      for (const d of cfg.distances) {
        const sel = finals.filter((f) => Math.abs(f.start) === d);
        rows.push({
          tone,
          loss: method.name,
          semitones: d,
          within1Cent: sel.filter((f) => Math.abs(f.cents) <= 1).length / sel.length,
          within25Cents: sel.filter((f) => Math.abs(f.cents) <= 25).length / sel.length,
          runs: sel.length,
        });
      }
    }
  }
  const reach = tones.flatMap((tone) =>
    ms.map((m) => ({
      tone,
      loss: m.name,
      semitones: reachOf(rows.filter((r) => r.tone === tone && r.loss === m.name)),
    })),
  );
  const protocol = {
    seeds,
    steps,
    lr: settings.lr,
    lrAmplitude: settings.lrAmplitude,
    distances: cfg.distances,
    converged: 'final error within 25 cents',
    tasks: seeds.map((s) => {
      const t = harmonicTask(s);
      return { seed: s, f0: t.f0, harmonics: t.amplitudes.length };
    }),
  };
  writeJson('start-distance.json', { protocol, rows, reach });
  const fmt = (d: number) => (d === 0 ? 'none' : `${d} st`);
  const reachTable = markdownTable(
    ['loss', 'pure tone', 'harmonic tone'],
    ms.map((m) => [
      m.name,
      ...tones.map((tone) =>
        fmt(reach.find((r) => r.tone === tone && r.loss === m.name)!.semitones),
      ),
    ]),
  );
  const shares = tones.map((tone) =>
    markdownTable(
      ['loss', ...cfg.distances.map((d) => `+-${d} st`)],
      ms.map((m) => [
        m.name,
        ...cfg.distances.map((d) => {
          const r = rows.find((x) => x.tone === tone && x.loss === m.name && x.semitones === d)!;
          return `${(100 * r.within25Cents).toFixed(0)} / ${(100 * r.within1Cent).toFixed(0)}`;
        }),
      ]),
    ),
  );
  const md = [
    '# start-distance',
    '',
    `Targets: ${protocol.tasks.map((t) => `seed ${t.seed}: ${t.f0.toFixed(1)} Hz (${t.harmonics} harmonics in the harmonic tone)`).join('; ')}. Starts +-${cfg.distances.join(', +-')} semitones; ${steps} Adam steps (lr ${settings.lr} semitones, ${settings.lrAmplitude} for amplitudes, cosine decay). A run converges when it ends within 25 cents.`,
    '',
    'Largest start distance from which every run (both signs, every target) up to it converges:',
    '',
    reachTable,
    '',
    '## Pure tone: within 25 cents / within 1 cent (%)',
    '',
    shares[0]!,
    '',
    '## Harmonic tone: within 25 cents / within 1 cent (%)',
    '',
    shares[1]!,
    '',
    `Run time: ${((Date.now() - t0) / 1000).toFixed(1)} s.`,
    '',
  ].join('\n');
  writeOut('start-distance/summary.md', md);
  console.log(md);
}

/** `pnpm reproduce start-distance`. */
export const startDistanceCase: ReproduceCase = {
  name: 'start-distance',
  // About 20 minutes of CPU at the default trials: run by name (`pnpm reproduce start-distance`).
  onDemand: true,
  summary:
    'how far from the target each MSS preset (and sot) can start and converge: pure and harmonic tone',
  trials: 'targets (seeds), each from every start distance on both sides (default 4)',
  seed: 'the first target (default 1)',
  flags: [
    { name: 'steps', kind: 'integer', min: 1, description: 'Adam steps (default 200)' },
    {
      name: 'lr',
      kind: 'number',
      min: 0,
      description: "Adam's initial learning rate for the pitch, semitones (default 0.3)",
    },
  ],
  run,
};
