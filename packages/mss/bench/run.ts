/**
 * `pnpm --filter @losses/mss bench`: value + gradient of the multi-scale spectral loss for
 * B = 4, T = 16000, float32, presets `standard`, `smooth` and `sot` (spectral optimal transport,
 * the JavaScript engine), with the two-argument form and with a fixed target (`withTarget`); and the
 * mel presets `hifigan` and `dac` (B = 4, 1 s at 22.05 and 44.1 kHz, two-argument form). Reports the median CPU time per call (process.cpuUsage, so other processes on a shared machine
 * disturb it less than wall time) and the ratios the issue sets as
 * targets: smooth / standard <= 1.5 and withTarget / two-argument <= 0.7. `--json` prints the times
 * (ms) as JSON on the last line, for `bench/torch_bench.py` (`pnpm bench:torch`), which compares them
 * with PyTorch. Then (not with `--json`) issue 17's rows: B = 8 with `threads: 'auto'` against one
 * thread (bench/threads.ts, on the compiled dist/).
 */
import { cpus } from 'node:os';
import { lcg32, medianCpuMs } from '@losses/tensor/internal';
import ndarray from 'ndarray';
import { createMssLoss } from '../src/index.js';
import { threadsRows } from './threads.js';

const B = 4;
const T = 16000;
const json = process.argv.includes('--json');

function signals(seed: number, freq: number): Float32Array {
  const out = new Float32Array(B * T);
  const rand = lcg32(seed);
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(freq * (i % T)) + 0.1 * (rand() - 0.5);
  return out;
}

/** B signals of `length` samples (the mel presets' 1 s at their rates). */
function melSignals(seed: number, freq: number, length: number): Float32Array {
  const out = new Float32Array(B * length);
  const rand = lcg32(seed);
  for (let i = 0; i < out.length; i++) {
    out[i] = Math.sin(freq * (i % length)) + 0.1 * (rand() - 0.5);
  }
  return out;
}

const est = ndarray(signals(1, 0.05), [B, T]);
const tgt = ndarray(signals(2, 0.051), [B, T]);
const ms: Record<string, number> = {};
for (const preset of ['standard', 'smooth', 'sot'] as const) {
  const loss = createMssLoss(preset);
  ms[preset] = medianCpuMs(() => loss.valueAndGrad(est, tgt));
  const fixed = loss.withTarget(tgt);
  ms[`${preset} withTarget`] = medianCpuMs(() => fixed.valueAndGrad(est));
}

// Issue 14: the mel presets, B = 4, 1 s at their sample rates (two-argument form).
for (const [preset, rate] of [
  ['hifigan', 22050],
  ['dac', 44100],
] as const) {
  const e = ndarray(melSignals(1, 0.05, rate), [B, rate]);
  const t = ndarray(melSignals(2, 0.051, rate), [B, rate]);
  const loss = createMssLoss(preset);
  ms[preset] = medianCpuMs(() => loss.valueAndGrad(e, t));
}

if (json) {
  console.log(JSON.stringify(ms));
} else {
  console.log(
    `@losses/mss bench: value + gradient, B = ${B}, T = ${T}, float32; node ${process.version}, ${cpus()[0]?.model ?? 'unknown CPU'}`,
  );
  for (const [k, v] of Object.entries(ms))
    console.log(`  ${k.padEnd(22)} ${v.toFixed(2).padStart(8)} ms`);
  const r = (a: string, b: string) => (ms[a]! / ms[b]!).toFixed(2);
  console.log(`  smooth / standard                 ${r('smooth', 'standard')}x (target <= 1.5)`);
  console.log(
    `  withTarget / two-argument, standard ${r('standard withTarget', 'standard')}x (target <= 0.7)`,
  );
  console.log(
    `  withTarget / two-argument, smooth   ${r('smooth withTarget', 'smooth')}x (target <= 0.7)`,
  );
  console.log('  (PyTorch comparison: pnpm --filter @losses/mss bench:torch)');
  await threadsRows();
}
