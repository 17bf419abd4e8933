import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import { createMssLoss, type MssOptions } from '../src/index.js';
import { signal } from './helpers.js';

/** Central finite differences of loss.value at every sample (float64). */
function finiteDifferences(
  options: MssOptions,
  est: Float64Array,
  tgt: Float64Array,
  shape: number[],
) {
  const loss = createMssLoss(options);
  const fixed = loss.withTarget(ndarray(tgt, shape));
  const h = 1e-6;
  const out = new Float64Array(est.length);
  const x = est.slice();
  for (let i = 0; i < x.length; i++) {
    const v = x[i]!;
    x[i] = v + h;
    const up = fixed.value(ndarray(x, shape));
    x[i] = v - h;
    const down = fixed.value(ndarray(x, shape));
    x[i] = v;
    out[i] = (up - down) / (2 * h);
  }
  return out;
}

const cases: [string, MssOptions][] = [
  [
    'standard-like: Hann, x and log(x + eps), L1',
    { sizes: [16, 32], compressions: ['linear', { kind: 'log', eps: 1e-3 }] },
  ],
  [
    'smooth-like: flat-top, log1p, squared L2, odd sizes',
    {
      window: 'flattop',
      sizes: [17, 31],
      hops: (n) => Math.floor(n / 2),
      compressions: ['log1p'],
      distance: 'l2sq',
    },
  ],
  [
    'Frobenius L2 with dB and sum reduction',
    {
      window: 'hamming',
      sizes: [16, 24],
      compressions: [{ kind: 'db', eps: 1e-2 }],
      distance: 'l2',
      reduction: 'sum',
    },
  ],
  [
    'spectral convergence with a magnitude floor, centred reflect frames',
    {
      sizes: [16, 32],
      windowLengths: [12, 20],
      hops: [5, 7],
      compressions: [{ kind: 'log', eps: 0 }],
      spectralConvergence: 0.5,
      magnitudeEps: 1e-4,
      center: true,
      scaleReduction: 'mean',
    },
  ],
  [
    'safeLog with end padding, two items',
    { sizes: [16, 32], compressions: ['linear', 'safeLog'], padEnd: true },
  ],
];

describe('the gradient equals central finite differences (float64)', () => {
  for (const [name, options] of cases) {
    it(name, () => {
      const items = name.includes('two items') ? 2 : 1;
      const t = 70;
      const shape = items === 1 ? [t] : [items, t];
      const est = signal(t, 11, items);
      const tgt = signal(t, 23, items);
      const { grad } = createMssLoss(options).valueAndGrad(
        ndarray(est, shape),
        ndarray(tgt, shape),
      );
      const fd = finiteDifferences(options, est, tgt, shape);
      let err = 0;
      let scale = 0;
      for (let i = 0; i < fd.length; i++) {
        err = Math.max(err, Math.abs(grad.data[i]! - fd[i]!));
        scale = Math.max(scale, Math.abs(fd[i]!));
      }
      expect(scale).toBeGreaterThan(0);
      expect(err / scale).toBeLessThan(1e-6);
    });
  }
});
