import type { Tensor } from '@losses/tensor';
import { tensor } from '@losses/tensor';

/**
 * A deliberately simple spectral loss for the tests (no @losses/mss): the magnitude spectrum of
 * the whole Hann-windowed signal by a naive DFT, log(1 + |X|) compressed, mean absolute
 * difference of the compressed spectra.
 */
export function spectrum(x: ArrayLike<number>, offset = 0, length = x.length): Float64Array {
  const T = length;
  const bins = Math.floor(T / 2) + 1;
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < T; n++) {
      const w = 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / T);
      const a = (2 * Math.PI * k * n) / T;
      const v = w * x[offset + n]!;
      re += v * Math.cos(a);
      im -= v * Math.sin(a);
    }
    out[k] = Math.log1p(Math.hypot(re, im));
  }
  return out;
}

function distance(a: Float64Array, b: Float64Array): number {
  let s = 0;
  for (let i = 0; i < a.length; i++) s += Math.abs(a[i]! - b[i]!);
  return s / a.length;
}

/** The loss as a plain function. */
export function spectralLoss(estimate: Tensor, target: Tensor): number {
  return distance(spectrum(estimate.data), spectrum(target.data));
}

/** The same loss as a planned loss with withTarget; `perItem` optional, calls recorded. */
export function plannedSpectralLoss(withPerItem: boolean) {
  const calls = { value: 0, perItem: 0, batchShapes: [] as number[][] };
  return {
    calls,
    withTarget(target: Tensor) {
      const ref = spectrum(target.data);
      const bound: {
        value(est: Tensor): number;
        perItem?(est: Tensor): Tensor;
      } = {
        value(est: Tensor) {
          calls.value++;
          return distance(spectrum(est.data), ref);
        },
      };
      if (withPerItem) {
        bound.perItem = (est: Tensor) => {
          calls.perItem++;
          calls.batchShapes.push(est.shape.slice());
          const [B, T] = est.shape as [number, number];
          const out = new Float64Array(B);
          for (let b = 0; b < B; b++) out[b] = distance(spectrum(est.data, b * T, T), ref);
          return tensor(out, [B]);
        };
      }
      return bound;
    },
  };
}
