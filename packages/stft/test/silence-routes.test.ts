/**
 * Issue 12, defect 1, route by route: the JavaScript kernel's paired FFT (Stockham, Rader,
 * Bluestein) and direct real DFT, and the WebAssembly kernel's radix, direct and Bluestein
 * transforms each give silent frames exactly 0 and quiet frames next to loud ones (and quiet
 * gradients next to loud ones) exact relative to their own size.
 */

import { setWasmEnabled } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { isSmooth3 } from '../src/fft/number-theory.js';
import { JsStftKernel } from '../src/js-kernel.js';
import { createKernel } from '../src/kernel.js';
import { resolveStftOptions } from '../src/options.js';
import { setWasmMemoryLimit, type WasmAlgorithm, WasmStft } from '../src/wasm/kernel.js';
import { maxAbsDiff, noise } from './helpers.js';
import { naiveStft, naiveVjp } from './naive.js';

/** What a route computes: spectra + float64 magnitudes, and the padded-signal gradient. */
interface Route {
  name: string;
  analyze(padded: Float64Array, frames: number, total: number, plen: number): Analysis;
  backward(
    a: Analysis,
    dMag: Float64Array,
    frames: number,
    total: number,
    plen: number,
  ): Float64Array;
}
interface Analysis {
  spec: Float64Array;
  mag: Float64Array;
}

function jsRoute(n: number, direct: boolean, kernel: JsStftKernel): Route {
  return {
    name: `JavaScript ${direct ? 'direct real DFT' : 'paired FFT'}`,
    analyze: (padded, frames, total, plen) =>
      kernel.analyze(framedOf(padded, frames, total, plen, n), undefined),
    backward: (a, dMag, frames, total, plen) => {
      // The kernel's backward folds the padding back; with center: false there is none.
      return kernel.backward(
        framedOf(new Float64Array(0), frames, total, plen, n),
        a.spec,
        a.mag,
        dMag,
        undefined,
      );
    },
  };
}

function framedOf(padded: Float64Array, frames: number, total: number, plen: number, _n: number) {
  return { batch: total / frames, length: plen, frames, paddedLength: plen, left: 0, padded };
}

function wasmRoute(n: number, hop: number, window: Float64Array, algorithm: WasmAlgorithm): Route {
  const wasm = new WasmStft(n, hop, window, algorithm);
  const bins = Math.floor(n / 2) + 1;
  return {
    name: `WebAssembly ${algorithm}`,
    analyze: (padded, frames, total, plen) => {
      const spec = new Float64Array(2 * total * bins);
      const mag = new Float64Array(total * bins);
      wasm.magnitudes(padded, frames, total, plen, 0, mag, spec);
      return { spec, mag };
    },
    backward: (a, dMag, frames, total, plen) => {
      const gp = new Float64Array((total / frames) * plen);
      wasm.backward(a.spec, a.mag, dMag, frames, total, plen, 0, gp);
      return gp;
    },
  };
}

function routes(n: number, hop: number): Route[] {
  const cfg = resolveStftOptions({ size: n, hop, center: false });
  const out = [jsRoute(n, false, new JsStftKernel(cfg, undefined, false))];
  if (n % 2 === 1) out.push(jsRoute(n, true, new JsStftKernel(cfg, undefined, true)));
  if (isSmooth3(n)) out.push(wasmRoute(n, hop, cfg.window, 'radix'));
  else {
    out.push(wasmRoute(n, hop, cfg.window, 'bluestein'));
    if (n % 2 === 1 && n <= 131) out.push(wasmRoute(n, hop, cfg.window, 'direct'));
  }
  return out;
}

describe('every transform route (issue 12)', () => {
  for (const n of [8, 12, 64, 96, 67, 17, 100, 127, 257, 243]) {
    const hop = Math.max(1, n >> 1);
    for (const route of routes(n, hop)) {
      it(`size ${n}, ${route.name}: silent frames 0, quiet frames and gradients exact as if alone`, () => {
        // One item of frames at these amplitudes (hop n/2: frames straddle the changes).
        const amps = [0, 1, 0, 1e-14, 5, 1e-250, 1e250, 0, 0, 3];
        const plen = n * amps.length;
        const x = noise(plen, n + 1);
        amps.forEach((a, f) => {
          for (let j = 0; j < n; j++) x[f * n + j]! *= a;
        });
        const cfg = resolveStftOptions({ size: n, hop, center: false });
        const o = {
          size: n,
          hop,
          window: cfg.window,
          center: false,
          padMode: 'reflect',
          padEnd: false,
        } as const;
        const ref = naiveStft(x, o);
        const frames = ref.spec.length;
        const bins = Math.floor(n / 2) + 1;
        const a = route.analyze(x, frames, frames, plen);
        ref.spec.forEach((row, f) => {
          const s = ref.scale[f]!;
          row.forEach(([re, im], k) => {
            const i = f * bins + k;
            const got = [a.spec[2 * i]!, a.spec[2 * i + 1]!, a.mag[i]!];
            if (s === 0) expect(got.every((v) => v === 0)).toBe(true);
            else {
              const want = [re, im, Math.hypot(re, im)];
              expect(maxAbsDiff(got, want)).toBeLessThanOrEqual(1e-14 * s);
            }
          });
        });
        // dL/d|X| of very different sizes per frame (0 for some).
        const weights = [1, 1e-200, 3, 0, 1e200, 1e-12, 1, 2, 1, 1e-300];
        const dMag = new Float64Array(frames * bins);
        for (let f = 0; f < frames; f++) {
          const d = noise(bins, f + 3);
          for (let k = 0; k < bins; k++) dMag[f * bins + k] = weights[f % weights.length]! * d[k]!;
        }
        const g = route.backward(a, dMag, frames, frames, plen);
        const dm = Array.from({ length: frames }, (_, f) =>
          Array.from(dMag.subarray(f * bins, (f + 1) * bins)),
        );
        const r = naiveVjp(x, o, dm);
        for (let t = 0; t < plen; t++) {
          if (r.scale[t] === 0) expect(g[t] === 0).toBe(true);
          else expect(Math.abs(g[t]! - r.grad[t]!)).toBeLessThanOrEqual(1e-13 * r.scale[t]!);
        }
      });
    }
  }
});

describe('WebAssembly memory limit (issue 12, defect 5)', () => {
  it('runs in JavaScript, with the same numbers, what does not fit in the WebAssembly memory', () => {
    const was = setWasmEnabled(true);
    const cfg = resolveStftOptions({ size: 256, hop: 64 });
    const small = createKernel(cfg);
    const js = new JsStftKernel(cfg);
    const T = 3000;
    const x = noise(4 * T, 5);
    const limit = setWasmMemoryLimit(2 ** 18);
    const same = (a: Float64Array, b: Float64Array) =>
      a.length === b.length && a.every((v, i) => Object.is(v, b[i]));
    try {
      const f = small.framer.frame(x, 4, T);
      const a = small.analyze(f, undefined);
      const b = js.analyze(js.framer.frame(x, 4, T), undefined);
      // Too large for 256 KiB: the JavaScript kernel's numbers, bit for bit.
      expect(same(a.spec, b.spec)).toBe(true);
      expect(same(a.mag, b.mag)).toBe(true);
      const d = noise(a.mag.length, 2);
      const ga = small.backward(f, a.spec, a.mag, d, undefined);
      const gb = js.backward(js.framer.frame(x, 4, T), b.spec, b.mag, d, undefined);
      expect(same(ga, gb)).toBe(true);
      // Within the limit again: WebAssembly, equal to rounding.
      setWasmMemoryLimit(limit);
      const c = small.analyze(small.framer.frame(x, 4, T), undefined);
      expect(same(c.spec, b.spec)).toBe(false);
      expect(maxAbsDiff(c.spec, b.spec)).toBeLessThan(1e-12);
    } finally {
      setWasmMemoryLimit(limit);
      setWasmEnabled(was);
    }
  });

  it('plans in JavaScript a size whose tables do not fit', () => {
    const limit = setWasmMemoryLimit(2 ** 20);
    try {
      expect(WasmStft.create(65536, 16384, new Float64Array(65536))).toBeNull();
      expect(WasmStft.create(4096, 1024, new Float64Array(4096))).not.toBeNull();
    } finally {
      setWasmMemoryLimit(limit);
    }
  });
});
