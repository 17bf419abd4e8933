/**
 * `pnpm reproduce landscape`: the loss landscapes of the lecture. A target sinusoid of 1000 Hz
 * (1 s, 44.1 kHz) against estimates swept over 250-4000 Hz on a log axis (same amplitude and phase):
 * the `standard` and `smooth` presets of @losses/mss next to an ideal convex reference
 * |log f^ - log f|, and the mel presets of issue 14 (`hifigan`, `dac`, `auralossMel`, each at the
 * sweep's sample rate), each normalised to [0, 1] over the sweep. A second plot repeats it at 16 kHz,
 * where 1000 Hz falls exactly on a bin of every power-of-two FFT size (a degenerate case worth its
 * own plot).
 *
 * Writes out/landscape/landscape-<rate>.svg and .csv, and prints for each curve the share of
 * neighbouring sweep points whose loss difference points towards the target (the sign a gradient
 * step would follow) and the number of local minima.
 *
 * Flags: --points=N (sweep points, default 1000), --quick (120 points, 0.25 s signals).
 */
import { createMssLoss, type MssOptions, type MssPresetName, mssPresets } from '@losses/mss';
import ndarray from 'ndarray';
import { csv, markdownTable, writeOut } from '../lib/output.js';
import { Progress } from '../lib/progress.js';
import { lineChart } from '../lib/svg.js';
import type { ReproduceCase, ReproduceOptions } from './types.js';

const TARGET_HZ = 1000;
const F_MIN = 250;
const F_MAX = 4000;
const PRESETS: readonly MssPresetName[] = ['standard', 'smooth', 'hifigan', 'dac', 'auralossMel'];

/** Issue 14: the mel presets, which carry their reference's sample rate. */
const MEL_PRESETS: readonly MssPresetName[] = ['hifigan', 'dac', 'auralossMel'];

/** The options of a curve's preset at the sweep's rate (the mel presets take `sampleRate`). */
export function presetAt(preset: MssPresetName, rate: number): MssOptions {
  return MEL_PRESETS.includes(preset)
    ? { ...mssPresets[preset], sampleRate: rate }
    : mssPresets[preset];
}

/** Curve colours (the mel presets in the GRA chart's colours). */
const COLORS: Readonly<Record<string, string>> = {
  standard: '#1f77b4',
  smooth: '#d62728',
  hifigan: '#aec7e8',
  dac: '#ff9896',
  auralossMel: '#98df8a',
};

/** A sinusoid sin(2 pi f n / rate) of `length` samples. */
export function sinusoid(
  freq: number,
  rate: number,
  length: number,
  out?: Float64Array,
): Float64Array {
  const x = out ?? new Float64Array(length);
  const w = (2 * Math.PI * freq) / rate;
  for (let n = 0; n < length; n++) x[n] = Math.sin(w * n);
  return x;
}

/** `points` frequencies spaced evenly on a log axis from `lo` to `hi`, both included. */
export function logSweep(lo: number, hi: number, points: number): Float64Array {
  const out = new Float64Array(points);
  for (let i = 0; i < points; i++) out[i] = lo * (hi / lo) ** (i / (points - 1));
  return out;
}

/** (v - min) / (max - min). */
export function normalise(v: ArrayLike<number>): Float64Array {
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < v.length; i++) {
    lo = Math.min(lo, v[i]!);
    hi = Math.max(hi, v[i]!);
  }
  return Float64Array.from(v, (x) => (hi > lo ? (x - lo) / (hi - lo) : 0));
}

/**
 * Share of neighbouring pairs (i, i + 1) of the sweep whose loss difference points towards the
 * target (below it the loss must fall with frequency, above it rise); pairs straddling the
 * target are skipped.
 */
export function towardsTargetShare(
  freqs: ArrayLike<number>,
  loss: ArrayLike<number>,
  target: number,
): number {
  let good = 0;
  let total = 0;
  for (let i = 0; i + 1 < freqs.length; i++) {
    const a = freqs[i]!;
    const b = freqs[i + 1]!;
    if (a < target && b > target) continue;
    total++;
    const d = loss[i + 1]! - loss[i]!;
    if ((b <= target && d < 0) || (a >= target && d > 0)) good++;
  }
  return total > 0 ? good / total : 0;
}

/** Number of strict interior local minima. */
export function localMinima(loss: ArrayLike<number>): number {
  let n = 0;
  for (let i = 1; i + 1 < loss.length; i++) {
    if (loss[i]! < loss[i - 1]! && loss[i]! < loss[i + 1]!) n++;
  }
  return n;
}

async function landscape(
  rate: number,
  seconds: number,
  points: number,
): Promise<(string | number)[][]> {
  const length = Math.round(rate * seconds);
  const freqs = logSweep(F_MIN, F_MAX, points);
  const target = sinusoid(TARGET_HZ, rate, length);
  const curves: Record<string, Float64Array> = {};
  const batch = 8;
  const progress = new Progress(`landscape ${rate} Hz`, PRESETS.length * points);
  for (const preset of PRESETS) {
    const fixed = createMssLoss(presetAt(preset, rate)).withTarget(target);
    const values = new Float64Array(points);
    const est = new Float64Array(batch * length);
    for (let i = 0; i < points; i += batch) {
      const n = Math.min(batch, points - i);
      for (let k = 0; k < n; k++)
        sinusoid(freqs[i + k]!, rate, length, est.subarray(k * length, (k + 1) * length));
      const perItem = fixed.perItem(ndarray(est.subarray(0, n * length), [n, length]));
      for (let k = 0; k < n; k++) values[i + k] = perItem.data[k]!;
      progress.tick(n);
    }
    curves[preset] = values;
  }
  curves.ideal = Float64Array.from(freqs, (f) => Math.abs(Math.log(f) - Math.log(TARGET_HZ)));

  const names = [...PRESETS, 'ideal'];
  const norm = Object.fromEntries(names.map((k) => [k, normalise(curves[k]!)]));
  const rows = Array.from(freqs, (f, i) => [
    f,
    ...names.map((k) => norm[k]![i]!),
    ...PRESETS.map((k) => curves[k]![i]!),
  ]);
  const tag = `${rate}`;
  writeOut(
    `landscape/landscape-${tag}.csv`,
    csv(
      ['frequency_hz', ...names.map((k) => `${k}_normalised`), ...PRESETS.map((k) => `${k}_raw`)],
      rows,
    ),
  );
  const title =
    rate === 16000
      ? `MSS landscape, target ${TARGET_HZ} Hz at 16 kHz (on a bin of every power-of-two size)`
      : `MSS landscape, target ${TARGET_HZ} Hz at ${rate / 1000} kHz`;
  writeOut(
    `landscape/landscape-${tag}.svg`,
    lineChart(
      [
        ...PRESETS.map((k) => ({ name: k, x: freqs, y: norm[k]!, color: COLORS[k] })),
        { name: 'ideal |log f̂ − log f|', x: freqs, y: norm.ideal!, dashed: true },
      ],
      {
        title,
        xLabel: 'estimate frequency (Hz, log axis)',
        yLabel: 'loss, normalised to [0, 1]',
        logX: true,
        xMarkers: [{ x: TARGET_HZ, label: `target ${TARGET_HZ} Hz` }],
        width: 860,
      },
    ),
  );
  return names.map((k) => [
    `${rate / 1000} kHz`,
    k,
    towardsTargetShare(freqs, curves[k]!, TARGET_HZ).toFixed(3),
    localMinima(curves[k]!),
  ]);
}

/** The `landscape` case. */
export const landscapeCase: ReproduceCase = {
  name: 'landscape',
  summary:
    'MSS loss landscapes over frequency: standard vs smooth vs the mel presets vs ideal (44.1 kHz and 16 kHz)',
  flags: [{ name: 'points', kind: 'integer', min: 3, description: 'sweep points (default 1000)' }],
  async run(options: ReproduceOptions) {
    const quick = options.quick;
    const points = (options.flags.points as number | undefined) ?? (quick ? 120 : 1000);
    const seconds = quick ? 0.25 : 1;
    const table: (string | number)[][] = [];
    for (const rate of [44100, 16000]) table.push(...(await landscape(rate, seconds, points)));
    const md = markdownTable(['rate', 'curve', 'steps towards target', 'local minima'], table);
    writeOut(
      'landscape/summary.md',
      `# landscape\n\nTarget ${TARGET_HZ} Hz, ${seconds} s; ${points} estimates from ${F_MIN} to ${F_MAX} Hz (log spaced).\n\n${md}\n`,
    );
    console.log(md);
  },
};
