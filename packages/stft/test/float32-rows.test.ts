/**
 * Issue 17: the float32 kernels' `analyzeAt` / `adjointAt` with float32 magnitude rows (`rows:
 * 'float32'`, for a float32 loss loop) against float64 rows (the default), on both kernels
 * (WasmStft32 at powers of two, WasmStft32Any by Bluestein elsewhere). float32 rows must hold
 * exactly the float32 values the float64 rows hold, the kept spectra must be the same bits, and
 * `adjointAt` must give the same gradient bits from float32 rows of dL/d|X| as from float64 rows
 * of the same (float32) values: the kernels round float64 dL/d|X| to float32 when they read it.
 * Inputs: noise, a silent item in the batch, a fade to silence, extreme amplitudes (1e-30, 1e30),
 * floors with bins at the floor (one whose float32 sqrt rounds up: a silent item there must get an
 * exactly 0 gradient, not NaN), odd lengths, and a seeded fuzz over sizes, hops, batches, floors.
 * (Accuracy against naive float64 references: float32-adjoint.test.ts, float32-any.test.ts.)
 */
import { mulberry32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { Framer } from '../src/framing.js';
import { resolveStftOptions } from '../src/options.js';
import { wasm32Supports } from '../src/wasm/kernel32.js';
import { createStft32 } from '../src/wasm/kernel32-any.js';

interface Run {
  n: number;
  hop: number;
  /** `[batch, length]` float32 signals. */
  x: Float32Array;
  batch: number;
  eps: number;
  seed: number;
  center?: boolean;
}

/** The bits of float32 values (exact comparison: tells -0 from +0, compares NaN bit patterns). */
function bits(v: Float32Array): Uint32Array {
  return new Uint32Array(v.buffer, v.byteOffset, v.length);
}

/**
 * analyzeAt and adjointAt of one kernel with float64 and float32 rows side by side in its memory.
 * dL/d|X| is float32 values (both widths hold the same) unless `dmag64` gives float64 values (the
 * float32 rows then get them rounded to float32).
 */
function both(r: Run, dmag64?: (i: number) => number) {
  const { n, hop, x, batch, eps } = r;
  const length = x.length / batch;
  const cfg = resolveStftOptions({ size: n, hop, window: 'hann', center: r.center ?? true });
  const framer = new Framer(cfg);
  const plen = framer.paddedLength(length);
  const frames = framer.frameCount(length);
  const total = batch * frames;
  const k = createStft32(n, hop, cfg.window)!;
  const bins = k.bins;
  const count = total * bins;
  const sb = k.specBytes(total, frames);
  const [sig, mag64, mag32, spec64, spec32, d64, d32, gp64, gp32] = k.layout(
    4 * batch * plen,
    8 * count,
    4 * count,
    sb,
    sb,
    8 * count,
    4 * count,
    4 * batch * plen,
    4 * batch * plen,
  ) as number[] as [number, number, number, number, number, number, number, number, number];
  // Stale memory must not matter: fill the outputs with NaN first.
  let f = k.view32();
  f.fill(Number.NaN, mag64 / 4, mag64 / 4 + 2 * count);
  f.fill(Number.NaN, mag32 / 4, mag32 / 4 + count);
  framer.padInto(x, batch, length, f.subarray(sig / 4, sig / 4 + batch * plen));
  k.analyzeAt(sig, frames, total, plen, mag64, spec64, eps);
  k.analyzeAt(sig, frames, total, plen, mag32, spec32, eps, 'float32');
  const rand = mulberry32(r.seed);
  const wide = new Float64Array(count);
  for (let i = 0; i < count; i++) wide[i] = dmag64 ? dmag64(i) : Math.fround(rand() - 0.5);
  k.view64().set(wide, d64 / 8);
  f = k.view32();
  f.set(Float32Array.from(wide), d32 / 4);
  f.fill(0, gp64 / 4, gp64 / 4 + batch * plen);
  f.fill(0, gp32 / 4, gp32 / 4 + batch * plen);
  k.adjointAt(spec64, mag64, d64, frames, total, plen, eps, gp64);
  k.adjointAt(spec32, mag32, d32, frames, total, plen, eps, gp32, 'float32');
  f = k.view32();
  const view = (at: number, len: number) => f.slice(at / 4, at / 4 + len);
  return {
    mag64: k.view64().slice(mag64 / 8, mag64 / 8 + count),
    mag32: view(mag32, count),
    spec64: view(spec64, sb / 4),
    spec32: view(spec32, sb / 4),
    gp64: view(gp64, batch * plen),
    gp32: view(gp32, batch * plen),
    plen,
    frames,
    bins,
    floor: Math.fround(Math.sqrt(eps)),
  };
}

/** Checks float32 rows against float64 rows for run `r`; returns the outputs. */
function expectSame(r: Run) {
  const o = both(r);
  // Every float64 magnitude is a float32 value, and the float32 rows hold exactly those.
  expect(bits(o.mag32)).toEqual(bits(Float32Array.from(o.mag64)));
  expect(Float64Array.from(o.mag32)).toEqual(o.mag64);
  for (const v of o.mag32) expect(v >= o.floor).toBe(true);
  expect(bits(o.spec32)).toEqual(bits(o.spec64));
  for (const v of o.gp64) expect(Number.isFinite(v)).toBe(true);
  expect(bits(o.gp32)).toEqual(bits(o.gp64));
  return o;
}

/** Four items of `length` samples: noise, silence, a fade to silence, noise times `amp`. */
function batchOf(length: number, seed: number, amp: number): Float32Array {
  const rand = mulberry32(seed);
  const x = new Float32Array(4 * length);
  for (let j = 0; j < length; j++) {
    const v = rand() - 0.5;
    x[j] = v;
    x[2 * length + j] = j < length / 2 ? v * (1 - (2 * j) / length) : 0;
    x[3 * length + j] = v * amp;
  }
  return x;
}

describe.runIf(wasm32Supports(8))(
  'float32 magnitude rows of analyzeAt / adjointAt (issue 17)',
  () => {
    const sizes: [number, number][] = [
      [8, 2],
      [64, 16],
      [256, 64],
      [9, 4],
      [67, 33],
      [509, 254],
      [2053, 1026],
    ];
    // eps 1e-6: sqrt is 1e-3, whose float32 rounds up (the magnitudes at the floor are above the
    // float64 sqrt); 1e-8: rounds down; 0.04: a floor above many bins of the noise.
    for (const [n, hop] of sizes) {
      for (const amp of [1e-30, 1e30]) {
        for (const eps of [0, 1e-8, 1e-6, 0.04]) {
          it(`the same numbers: n ${n}, hop ${hop}, amplitude ${amp}, eps ${eps}`, () => {
            const length = n + 5 * hop + 3;
            const o = expectSame({
              n,
              hop,
              x: batchOf(length, n, amp),
              batch: 4,
              eps,
              seed: n + 1,
            });
            // The silent item gets exactly 0 (no NaN from its bins at the floor).
            for (let j = 0; j < o.plen; j++) expect(o.gp32[o.plen + j]).toBe(0);
            // With a floor, the items at 1e-30 are all at the floor: exactly 0 too.
            if (eps > 0 && amp < 1) {
              for (let j = 0; j < o.plen; j++) expect(o.gp32[3 * o.plen + j]).toBe(0);
            }
            // Some bins sit at the floor (the silent item's), some pass (the noise's).
            let at = 0;
            let above = 0;
            for (const v of o.mag32) {
              if (v === o.floor) at++;
              else above++;
            }
            expect(at).toBeGreaterThan(0);
            expect(above).toBeGreaterThan(0);
          });
        }
      }
    }

    it('float64 dL/d|X| is read as its float32 rounding (float32 rows of the roundings: same bits)', () => {
      for (const [n, hop] of [
        [256, 64],
        [509, 254],
      ] as [number, number][]) {
        const length = 3 * n + 7;
        const x = batchOf(length, 3, 1);
        const rand = mulberry32(11);
        const d = Array.from({ length: 1 << 16 }, () => (rand() - 0.5) * 10 ** (rand() * 8 - 4));
        const o = both({ n, hop, x, batch: 4, eps: 1e-8, seed: 1 }, (i) => d[i % d.length]!);
        expect(bits(o.gp32)).toEqual(bits(o.gp64));
        let nonzero = 0;
        for (const v of o.gp32) if (v !== 0) nonzero++;
        expect(nonzero).toBeGreaterThan(0);
      }
    });

    it('the explicit float64 rows are the default rows', () => {
      const n = 67;
      const hop = 20;
      const length = 4 * n + 1;
      const x = batchOf(length, 5, 1);
      const cfg = resolveStftOptions({ size: n, hop, window: 'hann' });
      const framer = new Framer(cfg);
      const plen = framer.paddedLength(length);
      const frames = framer.frameCount(length);
      const total = 4 * frames;
      const k = createStft32(n, hop, cfg.window)!;
      const count = total * k.bins;
      const sb = k.specBytes(total, frames);
      const [sig, m1, m2, s1, s2, d, g1, g2] = k.layout(
        16 * plen,
        8 * count,
        8 * count,
        sb,
        sb,
        8 * count,
        16 * plen,
        16 * plen,
      ) as number[] as [number, number, number, number, number, number, number, number];
      framer.padInto(x, 4, length, k.view32().subarray(sig / 4, sig / 4 + 4 * plen));
      k.analyzeAt(sig, frames, total, plen, m1, s1, 1e-6);
      k.analyzeAt(sig, frames, total, plen, m2, s2, 1e-6, 'float64');
      const rand = mulberry32(2);
      k.view64().set(
        Float64Array.from({ length: count }, () => rand() - 0.5),
        d / 8,
      );
      k.view32().fill(0, g1 / 4, g1 / 4 + 4 * plen);
      k.view32().fill(0, g2 / 4, g2 / 4 + 4 * plen);
      k.adjointAt(s1, m1, d, frames, total, plen, 1e-6, g1);
      k.adjointAt(s2, m2, d, frames, total, plen, 1e-6, g2, 'float64');
      const v64 = k.view64();
      expect(v64.slice(m2 / 8, m2 / 8 + count)).toEqual(v64.slice(m1 / 8, m1 / 8 + count));
      const v = k.view32();
      expect(bits(v.slice(g2 / 4, g2 / 4 + 4 * plen))).toEqual(
        bits(v.slice(g1 / 4, g1 / 4 + 4 * plen)),
      );
    });

    it('agrees on 40 seeded random configurations (fuzz)', () => {
      const rand = mulberry32(2026);
      const pick = <T>(a: T[]) => a[Math.floor(rand() * a.length)]!;
      for (let t = 0; t < 40; t++) {
        const n = pick([8, 16, 32, 128, 512, 9, 10, 31, 67, 100, 127, 257, 1021]);
        const hop = 1 + Math.floor(rand() * n);
        const batch = 1 + Math.floor(rand() * 5);
        const center = rand() < 0.7;
        const length = (center ? Math.floor(n / 2) + 1 : n) + Math.floor(rand() * 4 * n);
        const x = new Float32Array(batch * length);
        for (let b = 0; b < batch; b++) {
          // Per item: silent, or noise of amplitude 10^[-35, 35], with a fade or not.
          const amp = rand() < 0.2 ? 0 : 10 ** (rand() * 70 - 35);
          const fade = rand() < 0.3;
          for (let j = 0; j < length; j++) {
            x[b * length + j] = amp * (rand() - 0.5) * (fade ? 1 - j / length : 1);
          }
        }
        const eps = pick([0, 0, 1e-12, 1e-8, 1e-6, 1e-3, 0.5]);
        expectSame({ n, hop, x, batch, eps, seed: t, center });
      }
    });
  },
);
