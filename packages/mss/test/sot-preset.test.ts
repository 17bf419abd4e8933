import { getWindow } from '@losses/stft';
import { tensor } from '@losses/tensor';
import { describe, expect, it } from 'vitest';
import { createSpectralWassersteinLoss, sotPreset } from '../src/index.js';
import { relMaxError } from './helpers.js';
import { sotGoldens } from './wasserstein-helpers.js';

const goldens = sotGoldens();

/**
 * |STFT| of `x` [B, T] by a direct DFT per frame, as torch.stft computes it with the preset's
 * settings (centred frames, reflect padding, the window over the whole frame, one-sided), and the
 * adjoint of the magnitude (from dL/d|X| to dL/dx through the reflect padding). Naive on purpose: an
 * independent reference in which a frame of zeros is exactly zero.
 */
function naiveStft(x: Float64Array, B: number, T: number, size: number, hop: number) {
  const window = getWindow('flattop', size);
  const bins = size / 2 + 1;
  const frames = 1 + Math.floor(T / hop);
  const pad = size / 2;
  const source = (j: number) => {
    const n = j - pad; // reflect: x[-n] left of 0, x[2 (T - 1) - n] right of T - 1
    return n < 0 ? -n : n >= T ? 2 * (T - 1) - n : n;
  };
  const cos = Float64Array.from({ length: size }, (_, n) => Math.cos((2 * Math.PI * n) / size));
  const sin = Float64Array.from({ length: size }, (_, n) => Math.sin((2 * Math.PI * n) / size));
  const re = new Float64Array(B * frames * bins);
  const im = new Float64Array(B * frames * bins);
  const mag = new Float64Array(B * frames * bins);
  const y = new Float64Array(size);
  for (let b = 0; b < B; b++) {
    for (let f = 0; f < frames; f++) {
      for (let n = 0; n < size; n++) y[n] = window[n]! * x[b * T + source(f * hop + n)]!;
      for (let k = 0; k < bins; k++) {
        let r = 0;
        let i = 0;
        for (let n = 0; n < size; n++) {
          const t = (k * n) % size;
          r += y[n]! * cos[t]!;
          i -= y[n]! * sin[t]!;
        }
        const o = (b * frames + f) * bins + k;
        re[o] = r;
        im[o] = i;
        mag[o] = Math.hypot(r, i);
      }
    }
  }
  const vjp = (g: ArrayLike<number>): Float64Array => {
    const out = new Float64Array(B * T);
    for (let b = 0; b < B; b++) {
      for (let f = 0; f < frames; f++) {
        for (let n = 0; n < size; n++) {
          let s = 0;
          for (let k = 0; k < bins; k++) {
            const o = (b * frames + f) * bins + k;
            if (mag[o] === 0) continue; // d|X|/dX = 0 at |X| = 0 (torch's sgn(0) = 0)
            const t = (k * n) % size;
            s += (g[o]! * (re[o]! * cos[t]! - im[o]! * sin[t]!)) / mag[o]!;
          }
          out[b * T + source(f * hop + n)]! += window[n]! * s;
        }
      }
    }
    return out;
  };
  return { magnitude: tensor(mag, [B, frames, bins]), vjp };
}

/**
 * The `sot` preset as its description says: per scale the magnitudes of both signals, the spectral
 * Wasserstein loss over them (mean over frames and items), its gradient pulled back through the
 * STFT; the sum over scales. What the MSS engines will run once the distance is registered there.
 * Returns the value, each scale's per-item loss and the gradients w.r.t. both signals (the
 * target's by the symmetry of W).
 */
function sotByComposition(
  est: Float64Array,
  tgt: Float64Array,
  shape: [number, number],
  p: 1 | 2,
  spectra: Map<number, { e: ReturnType<typeof naiveStft>; t: ReturnType<typeof naiveStft> }>,
): { value: number; perItem: number[][]; grad: Float64Array; targetGrad: Float64Array } {
  const d = sotPreset.distance;
  const loss = createSpectralWassersteinLoss({ p, positions: d.positions, eps: d.eps });
  const sizes = sotPreset.sizes;
  const hops = sotPreset.hops;
  expect(sotPreset.window).toBe('flattop');
  expect(sotPreset.center && sotPreset.padMode === 'reflect').toBe(true);
  const grad = new Float64Array(est.length);
  const targetGrad = new Float64Array(tgt.length);
  const perItem: number[][] = [];
  let value = 0;
  sizes.forEach((size, s) => {
    let pair = spectra.get(size);
    if (!pair) {
      pair = {
        e: naiveStft(est, shape[0], shape[1], size, hops[s]!),
        t: naiveStft(tgt, shape[0], shape[1], size, hops[s]!),
      };
      spectra.set(size, pair);
    }
    const { e, t } = pair;
    const r = loss.valueAndGrad(e.magnitude, t.magnitude);
    const rt = loss.valueAndGrad(t.magnitude, e.magnitude);
    value += r.value;
    perItem.push(Array.from(loss.perItem(e.magnitude, t.magnitude).data));
    const ge = e.vjp(r.grad.data);
    const gt = t.vjp(rt.grad.data);
    for (let i = 0; i < grad.length; i++) {
      grad[i]! += ge[i]!;
      targetGrad[i]! += gt[i]!;
    }
  });
  return { value, perItem, grad, targetGrad };
}

describe('the sot preset description', () => {
  it("is sot-loss's MultiResolutionSOTLoss() defaults", () => {
    expect(sotPreset).toEqual({
      window: 'flattop',
      sizes: [1024, 2048, 512],
      hops: [256, 512, 128],
      compressions: ['linear'],
      distance: { kind: 'wasserstein', p: 2, positions: 'normalized', eps: 1e-8 },
      reduction: 'mean',
      scaleReduction: 'sum',
      center: true,
      padMode: 'reflect',
    });
    expect(Object.isFrozen(sotPreset)).toBe(true);
    expect(Object.isFrozen(sotPreset.distance)).toBe(true);
    expect(Object.isFrozen(sotPreset.sizes)).toBe(true);
  });

  const { estimate, target, shape } = goldens.signals;
  const est = Float64Array.from(estimate);
  const tgt = Float64Array.from(target);
  const spectra = new Map();
  for (const c of goldens.multiResolution) {
    describe(`${c.name}: 4 items of ${shape[1]} samples at ${c.sampleRate} Hz (a tone a semitone off, noise fading in against noise fading out, a silent pair, a silent estimate against a tone)`, () => {
      const ours = sotByComposition(est, tgt, shape, c.p, spectra);

      it('each resolution, item by item, equals sot-loss', () => {
        c.scales.forEach((scale, s) => {
          expect(sotPreset.sizes[s]).toBe(scale.size);
          expect(sotPreset.hops[s]).toBe(scale.hop);
          expect(relMaxError(ours.perItem[s]!, scale.perItem)).toBeLessThan(1e-12);
        });
        // The silent pair is at distance 0 at every scale.
        for (const row of ours.perItem) expect(row[2]).toBe(0);
      });

      it('the value equals sot-loss', () => {
        expect(Math.abs(ours.value - c.value) / c.value).toBeLessThan(1e-13);
      });

      it("the gradient w.r.t. the estimate equals torch's autograd", () => {
        expect(relMaxError(ours.grad, c.grad)).toBeLessThan(1e-11);
        // The silent estimate (item 3) gets none: d|X|/dx = 0 at |X| = 0.
        const T = shape[1];
        expect(ours.grad.subarray(3 * T).every((g) => g === 0)).toBe(true);
      });

      it("the gradient w.r.t. the target equals torch's autograd", () => {
        expect(relMaxError(ours.targetGrad, c.targetGrad)).toBeLessThan(1e-11);
      });
    });
  }

  it('sot-loss as shipped (float32 window and positions, float32 signals) is within 1e-6', () => {
    const p2 = goldens.multiResolution.find((c) => c.p === 2)!;
    const f32 = goldens.float32Reference.value;
    expect(Math.abs(f32 - p2.value) / p2.value).toBeLessThan(1e-6);
  });
});
