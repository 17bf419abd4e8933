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
  const { cos, sin, win } = tables(T);
  const v = new Float64Array(T);
  for (let n = 0; n < T; n++) v[n] = win[n]! * x[offset + n]!;
  const out = new Float64Array(bins);
  for (let k = 0; k < bins; k++) {
    let re = 0;
    let im = 0;
    for (let n = 0; n < T; n++) {
      const j = (k * n) % T; // exact index of the angle 2 pi k n / T
      re += v[n]! * cos[j]!;
      im -= v[n]! * sin[j]!;
    }
    out[k] = Math.log1p(Math.hypot(re, im));
  }
  return out;
}

const cache = new Map<number, { cos: Float64Array; sin: Float64Array; win: Float64Array }>();

/** cos / sin of 2 pi j / T and the periodic Hann window of length T. */
function tables(T: number) {
  let t = cache.get(T);
  if (!t) {
    const cos = new Float64Array(T);
    const sin = new Float64Array(T);
    const win = new Float64Array(T);
    for (let j = 0; j < T; j++) {
      cos[j] = Math.cos((2 * Math.PI * j) / T);
      sin[j] = Math.sin((2 * Math.PI * j) / T);
      win[j] = 0.5 - 0.5 * cos[j]!;
    }
    t = { cos, sin, win };
    cache.set(T, t);
  }
  return t;
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
  const calls = { value: 0, perItem: 0, batchShapes: [] as number[][], dtypes: [] as string[] };
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
          calls.dtypes.push(est.data.constructor.name);
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
