/**
 * `pnpm --filter @losses/mss bench:sot`: spectral optimal transport for B = 4, T = 16000, float32,
 * value + gradient w.r.t. the estimate, with the settings of `sotPreset` (sot-loss's
 * `MultiResolutionSOTLoss()` defaults):
 *
 * - `sot kernel`: the Wasserstein kernel alone (`createSpectralWassersteinLoss().valueAndGrad`) on
 *   the STFT magnitudes of the three scales, computed once beforehand;
 * - `sot`: the whole loss, `createMssLoss('sot').valueAndGrad` (the JavaScript engine: the STFT,
 *   the kernel per scale, the adjoint STFT).
 *
 * Reports the median CPU time per call (process.cpuUsage) and the share of the kernel. The
 * comparison with sot-loss itself is a row of `pnpm bench:torch` (bench/torch_bench.py).
 */
import { createStft } from '@losses/stft';
import type { Tensor } from '@losses/tensor';
import { lcg32, medianCpuMs } from '@losses/tensor/internal';
import ndarray from 'ndarray';
import { createMssLoss, createSpectralWassersteinLoss, sotPreset } from '../src/index.js';

const B = 4;
const T = 16000;
const json = process.argv.includes('--json');

function signals(seed: number, freq: number): Float32Array {
  const out = new Float32Array(B * T);
  const next = lcg32(seed);
  for (let i = 0; i < out.length; i++) out[i] = Math.sin(freq * (i % T)) + 0.1 * (next() - 0.5);
  return out;
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
ms['sot kernel'] = medianCpuMs(() => {
  for (let s = 0; s < plans.length; s++) w.valueAndGrad(estMags[s]!, tgtMags[s]!);
});
const loss = createMssLoss('sot');
ms.sot = medianCpuMs(() => {
  if (!Number.isFinite(loss.valueAndGrad(est, tgt).value)) throw new Error('non-finite loss');
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
  console.log(`  kernel / whole loss ${(ms['sot kernel']! / ms.sot!).toFixed(2)}`);
  console.log('  (sot-loss on the same workload: pnpm --filter @losses/mss bench:torch)');
}
