/**
 * The GRA protocol with partly silent inputs (issue 12): an MSS loss whose signals have leading and
 * trailing silence, a 300 dB fade-in, or a silent item beside them in the batch. Before the fix a
 * silent frame next to a loud one picked up its partner's rounding, and the gradient reading of
 * `ddsp` (safe_log) or `standard` (log(x + 1e-7)) was dominated by it (gradients of 1e15).
 */
import { createMssLoss, type MssPresetName } from '@losses/mss';
import type { Tensor } from '@losses/tensor';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { sinusoidGra } from '../src/index.js';
import { frequencyGradient, writeSinusoid } from '../src/sinusoid.js';

const SR = 8000;
const T = 2100;
const LEAD = 2300;
const TRAIL = 700;

type Envelope = 'silence' | 'fade';

/** The signal as the loss sees it: silence around it, or a fade-in over 300 dB (1e-15 to 1). */
function shaped(x: ArrayLike<number>, envelope: Envelope): Float64Array {
  if (envelope === 'fade') {
    return Float64Array.from(x, (v, n) => v * 10 ** (-15 * (1 - n / (x.length - 1))));
  }
  const out = new Float64Array(LEAD + x.length + TRAIL);
  out.set(Array.from(x), LEAD);
  return out;
}

/** dL/dx of the shaped signal, back to the signal's samples (the chain rule through `shaped`). */
function unshaped(g: ArrayLike<number>, envelope: Envelope): Float64Array {
  if (envelope === 'fade') {
    return Float64Array.from({ length: T }, (_, n) => g[n]! * 10 ** (-15 * (1 - n / (T - 1))));
  }
  return Float64Array.from({ length: T }, (_, n) => g[LEAD + n]!);
}

/** A loss of (estimate, target) [T] through the shaping: value and gradient w.r.t. the estimate. */
function shapedLoss(preset: MssPresetName, envelope: Envelope) {
  const loss = createMssLoss(preset);
  return (e: Tensor, t: Tensor) => {
    const r = loss.valueAndGrad(shaped(e.data, envelope), shaped(t.data, envelope));
    return { value: r.value, grad: tensor(unshaped(r.grad.data, envelope), [T]) };
  };
}

describe('sinusoidGra with partly silent inputs (issue 12)', () => {
  for (const preset of ['ddsp', 'standard', 'smooth'] as const) {
    for (const envelope of ['silence', 'fade'] as const) {
      it(`${preset}, ${envelope}: the gradient reading's dL/df equals a central difference in f`, () => {
        const L = shapedLoss(preset, envelope);
        const target = new Float64Array(T);
        writeSinusoid(target, 0, T, 1000, 0.4, 1, SR);
        for (const [f, phase] of [
          [950, 1.1],
          [1031.7, 2.5],
          [1210, 0.2],
        ] as const) {
          const at = (hz: number) => {
            const x = new Float64Array(T);
            writeSinusoid(x, 0, T, hz, phase, 1, SR);
            return L(tensor(x, [T]), tensor(target, [T]));
          };
          const analytic = frequencyGradient(at(f).grad.data, f, phase, 1, SR);
          // The l1 losses of log magnitudes are only piecewise smooth in f (a bin's |X^| crossing
          // the target's), and a pure sinusoid's deep sidelobes put rounding-level bins under their
          // logs: the central difference is good to about 2e-4 at h = 1e-5 Hz (before the fix the
          // gradient of ddsp was off by 1e15). smooth (squared L2 of log1p) is smooth.
          const h = 1e-5;
          const numeric = (at(f + h).value - at(f - h).value) / (2 * h);
          const tol = preset === 'smooth' ? 1e-5 : 1e-3;
          expect(Math.abs(analytic - numeric)).toBeLessThanOrEqual(tol * Math.abs(numeric));
        }
      });
    }
  }

  it('gives the same rows (and bit for bit the same losses) with a silent item in every batch', () => {
    const loss = createMssLoss('smooth');
    const seen: { plain: Float64Array; padded: Float64Array }[] = [];
    const withSilentNeighbour = {
      withTarget(t: Tensor) {
        const bound = loss.withTarget(t);
        return {
          value: (e: Tensor) => bound.value(e),
          perItem: (b: Tensor) => {
            const [rows, length] = b.shape as [number, number];
            const data = new Float64Array((rows + 1) * length);
            data.set(b.data.subarray(0, rows * length), length); // a silent first item
            const all = bound.perItem(tensor(data, [rows + 1, length])).data;
            const plain = Float64Array.from(bound.perItem(b).data);
            const padded = Float64Array.from(all.subarray(1));
            seen.push({ plain, padded });
            return tensor(padded, [rows]);
          },
        };
      },
    };
    const opts = { sampleRate: SR, duration: 0.3, rangeCents: 1200, trials: 4, seed: 3 } as const;
    const a = sinusoidGra({ ...opts, loss: withSilentNeighbour });
    const b = sinusoidGra({ ...opts, loss });
    expect(a).toEqual(b);
    for (const { plain, padded } of seen) {
      expect(Array.from(padded).every((v, i) => Object.is(v, plain[i]))).toBe(true);
    }
  });
});
