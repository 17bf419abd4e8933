/**
 * `pnpm reproduce freq-estimation`: estimate a sinusoid's frequency by gradient descent. The
 * estimate sin(2 pi f^ (n - c) / rate), c = (length - 1) / 2, is synthesised in TensorFlow.js from
 * a trainable pitch p^ (in semitones, f^ = 440 * 2^((p^ - 69) / 12)); amplitude and phase equal the
 * target's (1, and 0 at the middle sample c), so the loss is 0 exactly at the target frequency (1000 Hz at 44.1 kHz). Adam (tf.train.adam) minimises
 * the multi-scale spectral loss through `@losses/mss/tfjs` from starting points 1 to 24 semitones
 * away (alternately above and below the target; `--both` runs every distance on both sides).
 * Every run is one item of a batch (the loss is the sum over items, so Adam, being elementwise,
 * treats the runs independently).
 *
 * Reports per preset the share of runs that end within 1 cent of the target and the median number
 * of steps to get there (the first step after which the run stays within 1 cent). Writes
 * out/freq-estimation/runs.csv, trajectories.svg and summary.md.
 *
 * Flags: --steps=N (default 200), --lr=X (Adam's initial learning rate in semitones, default 0.3,
 * cosine-decayed to lr / 100), --both (every distance above and below), --trials=N (N runs per
 * preset, their distances spread evenly over 1-24 semitones; default 24: every semitone),
 * --quick (distances 1, 9, 16, 24; 40 steps).
 */
import { mssLossWithTarget } from '@losses/mss/tfjs';
import * as tf from '@tensorflow/tfjs';
import { csv, markdownTable, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { lineChart, type Series } from '../lib/svg.js';
import { useCpuBackend } from '../lib/tfjs.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

const RATE = 44100;
const LENGTH = 4096;
const TARGET_HZ = 1000;
/** The target's pitch in semitones (MIDI numbers: 69 = 440 Hz). */
export const TARGET_PITCH = 69 + 12 * Math.log2(TARGET_HZ / 440);

/**
 * sin(2 pi f (n - c) / rate), c = (length - 1) / 2, for a batch of pitches [R] -> [R, length], in
 * tfjs (differentiable). The phase is pinned at the middle sample: a frequency error then makes the
 * phase drift symmetrically to both ends (at most pi * df * length / rate) instead of accumulating
 * over the whole signal, which keeps the smooth preset's landscape free of a plateau near the
 * target (with the phase pinned at n = 0 its runs stalled 5-50 cents away).
 */
export function synth(pitch: tf.Tensor1D, length = LENGTH, rate = RATE): tf.Tensor2D {
  return tf.tidy(() => {
    const freq = tf.mul(440, tf.pow(2, tf.div(tf.sub(pitch, 69), 12)));
    const n = tf.sub(tf.range(0, length, 1, 'float32'), (length - 1) / 2);
    const phase = tf.mul(
      tf.reshape(freq, [-1, 1]),
      tf.reshape(tf.mul(n, (2 * Math.PI) / rate), [1, -1]),
    );
    return tf.sin(phase) as tf.Tensor2D;
  });
}

/** The first step from which every later error is within `tol` (cents), or -1. */
export function stepsToConverge(errorsCents: readonly number[], tol = 1): number {
  let k = errorsCents.length;
  while (k > 0 && Math.abs(errorsCents[k - 1]!) <= tol) k--;
  return k === errorsCents.length ? -1 : k;
}

function median(v: number[]): number {
  if (v.length === 0) return Number.NaN;
  const s = [...v].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m]! : (s[m - 1]! + s[m]!) / 2;
}

/**
 * `n` starting distances in semitones spread evenly over 1 ... 24 (rounded to a semitone, or to
 * finer steps when n > 24): 24 gives 1, 2, ..., 24; 4 gives 1, 9, 16, 24.
 */
export function startDistances(n: number): number[] {
  if (n === 1) return [1];
  const raw = Array.from({ length: n }, (_, i) => 1 + (23 * i) / (n - 1));
  const unit = n > 24 ? 0.1 : 1;
  return raw.map((d) => Math.round(d / unit) * unit).map((d) => Number(d.toFixed(1)));
}

interface Run {
  preset: string;
  startSemitones: number;
  finalCents: number;
  steps: number;
}

async function estimate(
  preset: 'standard' | 'smooth',
  starts: readonly number[],
  steps: number,
  lr: number,
  progress: Progress,
): Promise<{ runs: Run[]; trajectories: number[][] }> {
  const target = tf.tidy(() => synth(tf.tensor1d([TARGET_PITCH])).reshape([LENGTH]));
  const loss = mssLossWithTarget(target, preset);
  target.dispose();
  const pitch = tf.variable(tf.tensor1d(starts.map((s) => TARGET_PITCH + s)));
  const items = starts.length;
  const opt = tf.train.adam(lr);
  // tfjs's AdamOptimizer reads its learning rate at every step; a cosine schedule from lr to lr / 100
  // lets the runs travel far early and settle within a cent late.
  const schedule = opt as unknown as { learningRate: number };
  const trajectories: number[][] = starts.map(() => []);
  for (let step = 0; step < steps; step++) {
    schedule.learningRate = lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * step) / steps)));
    // The batch loss is the mean over items: times the number of items, each run sees its own loss.
    opt.minimize(() => tf.mul(loss(synth(pitch as tf.Tensor1D)), items) as tf.Scalar, false, [
      pitch,
    ]);
    const p = pitch.dataSync();
    for (let r = 0; r < items; r++) trajectories[r]!.push(100 * (p[r]! - TARGET_PITCH));
    progress.tick();
  }
  opt.dispose();
  pitch.dispose();
  const runs = starts.map((s, r) => {
    const traj = trajectories[r]!;
    const finalCents = traj[traj.length - 1]!;
    return { preset, startSemitones: s, finalCents, steps: stepsToConverge(traj) + 1 };
  });
  return { runs, trajectories };
}

/** The `freq-estimation` case. */
export const freqEstimationCase: ReproduceCase = {
  name: 'freq-estimation',
  summary:
    'frequency estimation by Adam through @losses/mss/tfjs: standard vs smooth, 1-24 semitones',
  trials:
    'one gradient-descent run per preset from a starting distance (default 24: 1, 2, ..., 24 semitones)',
  flags: [
    { name: 'steps', kind: 'integer', min: 1, description: 'Adam steps per run (default 200)' },
    {
      name: 'lr',
      kind: 'number',
      min: 1e-6,
      description: "Adam's initial learning rate in semitones (default 0.3)",
    },
    {
      name: 'both',
      kind: 'boolean',
      description: 'every distance both above and below the target',
    },
  ],
  async run(options: ReproduceOptions) {
    await useCpuBackend();
    const quick = options.quick;
    const steps = (options.flags.steps as number | undefined) ?? (quick ? 40 : 200);
    const lr = (options.flags.lr as number | undefined) ?? 0.3;
    const distances = startDistances(options.trials ?? (quick ? 4 : 24));
    // Default: one run per distance, alternately above and below the target; --both: both sides.
    const starts =
      options.flags.both === true
        ? [...distances, ...distances.map((d) => -d)]
        : distances.map((d, i) => (i % 2 === 0 ? d : -d));
    const presets = ['standard', 'smooth'] as const;
    const progress = new Progress('freq-estimation', presets.length * steps);
    const all: Run[] = [];
    const series: Series[] = [];
    for (const preset of presets) {
      const { runs, trajectories } = await estimate(preset, starts, steps, lr, progress);
      all.push(...runs);
      const x = Array.from({ length: steps }, (_, i) => i + 1);
      trajectories.forEach((t, r) => {
        series.push({
          name: r === 0 ? `${preset} (${starts.length} runs)` : '',
          x,
          y: t,
          color: preset === 'standard' ? '#1f77b4' : '#d62728',
          opacity: 0.7,
        });
      });
    }
    writeOut(
      'freq-estimation/runs.csv',
      csv(
        ['preset', 'start_semitones', 'final_error_cents', 'steps_to_1_cent'],
        all.map((r) => [r.preset, r.startSemitones, r.finalCents, r.steps > 0 ? r.steps : '']),
      ),
    );
    writeOut(
      'freq-estimation/trajectories.svg',
      lineChart(series, {
        title: `Adam on pitch (lr ${lr} semitones, cosine decay), target ${TARGET_HZ} Hz at ${RATE / 1000} kHz`,
        xLabel: 'Adam step',
        yLabel: 'estimate − target (cents, symlog axis)',
        yScale: 'symlog',
        width: 860,
      }),
    );
    const rows = presets.map((preset) => {
      const runs = all.filter((r) => r.preset === preset);
      const ok = runs.filter((r) => Math.abs(r.finalCents) <= 1 && r.steps > 0);
      const byDistance = (lo: number, hi: number) => {
        const sel = runs.filter(
          (r) => Math.abs(r.startSemitones) >= lo && Math.abs(r.startSemitones) <= hi,
        );
        return `${sel.filter((r) => Math.abs(r.finalCents) <= 1).length}/${sel.length}`;
      };
      const near = runs.filter((r) => Math.abs(r.finalCents) <= 25).length;
      return [
        preset,
        `${((100 * ok.length) / runs.length).toFixed(0)}% (${ok.length}/${runs.length})`,
        `${near}/${runs.length}`,
        ok.length > 0 ? median(ok.map((r) => r.steps)) : '-',
        byDistance(1, 6),
        byDistance(7, 12),
        byDistance(13, 24),
      ];
    });
    const md = markdownTable(
      [
        'preset',
        'within 1 cent',
        'within 25 cents',
        'median steps (1 cent)',
        'within 1 cent from 1-6 st',
        '7-12 st',
        '13-24 st',
      ],
      rows,
    );
    writeOut(
      'freq-estimation/summary.md',
      `# freq-estimation\n\nTarget ${TARGET_HZ} Hz sinusoid, ${LENGTH} samples at ${RATE} Hz; Adam (lr ${lr} semitones), ${steps} steps; starts ${starts.map((v) => (v > 0 ? `+${v}` : `${v}`)).join(', ')} semitones.\n\n${md}\n`,
    );
    console.log(md);
  },
};
