/**
 * `pnpm --filter @losses/mss bench:sot`: spectral optimal transport for B = 4, T = 16000, float32,
 * value + gradient w.r.t. the estimate, with the settings of `sotPreset` (sot-loss's
 * `MultiResolutionSOTLoss()` defaults):
 *
 * - `sot kernel`: the Wasserstein kernel alone (`createSpectralWassersteinLoss().valueAndGrad`) on
 *   the STFT magnitudes of the three scales, computed once beforehand;
 * - `sot composed`: the whole loss as the engines will run it after registration (phase B), composed
 *   here from @losses/stft (magnitudes and their vector-Jacobian product) and the kernel.
 *
 * Reports the median CPU time per call (process.cpuUsage). `--json` prints the times (ms) as JSON
 * on the last line, for `bench/sot_torch.py` (`pnpm --filter @losses/mss bench:sot-torch`), which
 * measures sot-loss on the same workloads and prints the ratios.
 */
import { createStft } from '@losses/stft';
import type { Tensor } from '@losses/tensor';
import ndarray from 'ndarray';
import { createSpectralWassersteinLoss, sotPreset } from '../src/index.js';

const B = 4;
const T = 16000;
const json = process.argv.includes('--json');

function signals(seed: number, freq: number): Float32Array {
  const out = new Float32Array(B * T);
  let s = seed;
  for (let i = 0; i < out.length; i++) {
    s = (Math.imul(s, 1664525) + 1013904223) >>> 0;
    out[i] = Math.sin(freq * (i % T)) + 0.1 * (s / 4294967296 - 0.5);
  }
  return out;
}

function cpuMs(): number {
  const u = process.cpuUsage();
  return (u.user + u.system) / 1000;
}

/** Median CPU time of `f` in ms over at least `minRuns` calls and `minMs` milliseconds. */
function median(f: () => void, minRuns = 15, minMs = 2000): number {
  for (let i = 0; i < 3; i++) f();
  const times: number[] = [];
  const start = cpuMs();
  while (times.length < minRuns || cpuMs() - start < minMs) {
    const t0 = cpuMs();
    f();
    times.push(cpuMs() - t0);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)]!;
}

const est = ndarray(signals(1, 0.05), [B, T]);
const tgt = ndarray(signals(2, 0.051), [B, T]);
const d = sotPreset.distance;
const w = createSpectralWassersteinLoss({ p: d.p, positions: d.positions, eps: d.eps });
const plans = sotPreset.sizes.map((size, s) =>
  createStft({
    size,
    hop: sotPreset.hops[s]!,
    window: 'flattop',
    center: sotPreset.center,
    padMode: sotPreset.padMode,
  }),
);
const estMags: Tensor[] = plans.map((p) => p.magnitude(est));
const tgtMags: Tensor[] = plans.map((p) => p.magnitude(tgt));

const ms: Record<string, number> = {};
ms['sot kernel'] = median(() => {
  for (let s = 0; s < plans.length; s++) w.valueAndGrad(estMags[s]!, tgtMags[s]!);
});
ms['sot composed'] = median(() => {
  const grad = new Float64Array(B * T);
  let value = 0;
  plans.forEach((plan) => {
    const e = plan.magnitudeWithVjp(est);
    const t = plan.magnitude(tgt);
    const r = w.valueAndGrad(e.magnitude, t);
    value += r.value;
    const g = e.vjp(r.grad).data;
    for (let i = 0; i < grad.length; i++) grad[i]! += g[i]!;
  });
  if (!Number.isFinite(value)) throw new Error('non-finite loss');
});

if (json) {
  console.log(JSON.stringify(ms));
} else {
  const bins = estMags.reduce((n, m) => n + m.data.length, 0);
  console.log(
    `@losses/mss sot bench: value + gradient, B = ${B}, T = ${T}, float32, sizes ${sotPreset.sizes.join('/')} (${bins} bins per call); node ${process.version}`,
  );
  for (const [k, v] of Object.entries(ms))
    console.log(`  ${k.padEnd(14)} ${v.toFixed(2).padStart(8)} ms`);
  console.log('  (sot-loss on the same workloads: pnpm --filter @losses/mss bench:sot-torch)');
}
