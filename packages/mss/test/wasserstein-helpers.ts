import { readFileSync } from 'node:fs';

/** One case of `spectra` in fixtures/sot.json (made by fixtures/generate_sot.py with sot-loss). */
export interface SpectraCase {
  name: string;
  note: string;
  p: 1 | 2;
  positions: 'normalized' | 'bins';
  shape: [number, number, number];
  estimate: number[];
  target: number[];
  perFrame: number[];
  value: number;
  grad: number[];
  targetGrad: number[];
  gradExact: boolean;
}

/** One case of `multiResolution` in fixtures/sot.json. */
export interface MultiResolutionCase {
  name: string;
  p: 1 | 2;
  sampleRate: number;
  shape: [number, number];
  value: number;
  scales: { size: number; hop: number; frames: number; perItem: number[] }[];
  grad: number[];
  targetGrad: number[];
}

/** The golden vectors of spectral optimal transport. */
export interface SotGoldens {
  versions: Record<string, string>;
  spectra: SpectraCase[];
  signals: { estimate: number[]; target: number[]; shape: [number, number] };
  multiResolution: MultiResolutionCase[];
  float32Reference: { name: string; value: number };
  linspace: Record<string, number[]>;
}

/** fixtures/sot.json. */
export function sotGoldens(): SotGoldens {
  return JSON.parse(readFileSync(new URL('./fixtures/sot.json', import.meta.url), 'utf8'));
}

/**
 * W_p^p by the north-west corner rule on an explicit transport plan: an independent reference for
 * the kernel (no CDF merge, no quantile function). Each frame is divided by (sum + eps); when the
 * two masses differ (eps makes them < 1), the lighter frame gets the missing mass at the last
 * position, which is what clamping its quantile function to the last position means.
 */
export function naiveWasserstein(
  a: ArrayLike<number>,
  b: ArrayLike<number>,
  x: ArrayLike<number>,
  p: number,
  eps: number,
): number {
  const K = x.length;
  const sa = Array.from(a).reduce((s, v) => s + v, 0);
  const sb = Array.from(b).reduce((s, v) => s + v, 0);
  const wa = Array.from(a, (v) => v / (sa + eps));
  const wb = Array.from(b, (v) => v / (sb + eps));
  const ma = wa.reduce((s, v) => s + v, 0);
  const mb = wb.reduce((s, v) => s + v, 0);
  if (ma < mb) wa[K - 1]! += mb - ma;
  else wb[K - 1]! += ma - mb;
  // The plan: move min(remaining a at i, remaining b at j) from x_i to x_j, advance the exhausted one.
  const plan: number[][] = Array.from({ length: K }, () => new Array<number>(K).fill(0));
  let i = 0;
  let j = 0;
  let ra = wa[0]!;
  let rb = wb[0]!;
  while (i < K && j < K) {
    const m = Math.min(ra, rb);
    plan[i]![j]! += m;
    ra -= m;
    rb -= m;
    if (ra <= rb) {
      i++;
      ra = i < K ? wa[i]! : 0;
    } else {
      j++;
      rb = j < K ? wb[j]! : 0;
    }
  }
  let w = 0;
  for (let r = 0; r < K; r++) {
    for (let c = 0; c < K; c++) w += plan[r]![c]! * Math.abs(x[r]! - x[c]!) ** p;
  }
  return w;
}
