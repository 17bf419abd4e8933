/**
 * Issue 17, item 2: the float32 adjoint (wasm/stft32-adjoint.wat, WasmStft32.adjointAt), the
 * gradient back through the float32 STFT and |.|, against a naive float64 adjoint written here:
 * dL/dx_j = sum over frames of w_j sum_k dmag_k Re(conj(X_k) / |X_k| exp(-2 pi i j k / n)), 0 where
 * |X_k| <= the floor. Each frame's gradient (hop = n: frames apart) must be within 1e-5 of that
 * frame's largest |gradient| (float32 rounding through log2(n) passes), a frame with nothing to pass
 * back exactly 0; also overlapping frames (hop n / 4), lanes past the last frame, float32 rows of
 * magnitudes and dL/d|X| (float32-rows.test.ts: the same bits as float64 rows), and a floor whose
 * float32 sqrt rounds up (magnitudes at the floor pass nothing, no NaN). (Frames of
 * float32-subnormal samples, below 1.2e-38, are out: their samples carry absolute errors of 2^-149,
 * as in the forward, see float32.test.ts.)
 */
import { readFileSync } from 'node:fs';
import { mulberry32 } from '@losses/tensor/internal';
import { describe, expect, it } from 'vitest';
import { assemble, moduleSource } from '../../../scripts/wasm.mjs';
import { Framer } from '../src/framing.js';
import { resolveStftOptions } from '../src/options.js';
import { type MagnitudeRows, WasmStft32, wasm32Supports } from '../src/wasm/kernel32.js';
import { WASM_BASE64 } from '../src/wasm/module32-adjoint.js';
import { naiveFrameAdjoint } from './float32-helpers.js';

const TOL = 1e-5;

interface Case {
  n: number;
  hop: number;
  /** Per frame: its amplitude (0: silent). */
  amps: number[];
  floor?: number;
  /** The width of the magnitude and dL/d|X| rows (default float64). */
  rows?: MagnitudeRows;
}

/** Runs analyzeAt + adjointAt on one item of frames, returning the float32 gradient and inputs. */
function run(c: Case, seed: number) {
  const { n, hop, amps } = c;
  const frames = amps.length;
  const length = (frames - 1) * hop + n;
  const cfg = resolveStftOptions({ size: n, hop, window: 'hann', center: false });
  const framer = new Framer(cfg);
  expect(framer.frameCount(length)).toBe(frames);
  const rand = mulberry32(seed);
  const x = new Float32Array(length);
  // Each frame's own samples (frames apart when hop = n), scaled by its amplitude.
  for (let i = 0; i < length; i++) {
    const f = Math.min(frames - 1, Math.floor(i / hop));
    x[i] = amps[f]! * (rand() - 0.5);
  }
  const k = new WasmStft32(n, hop, cfg.window);
  const bins = n / 2 + 1;
  const total = frames;
  const rows = c.rows ?? 'float64';
  const w = rows === 'float32' ? 4 : 8;
  const [sig, mag, spec, dmag, gp] = k.layout(
    4 * length,
    w * total * bins,
    k.specBytes(total),
    w * total * bins,
    4 * length,
  ) as [number, number, number, number, number];
  k.view32().set(x, sig / 4);
  const floor = c.floor ?? 0;
  k.analyzeAt(sig, frames, total, length, mag, spec, floor, rows);
  const d = new Float64Array(total * bins);
  for (let i = 0; i < d.length; i++) d[i] = rand() - 0.5;
  if (rows === 'float32') k.view32().set(d, dmag / 4);
  else k.view64().set(d, dmag / 8);
  k.view32().fill(0, gp / 4, gp / 4 + length);
  k.adjointAt(spec, mag, dmag, frames, total, length, floor, gp, rows);
  const g = k.view32().slice(gp / 4, gp / 4 + length);
  return { x, d, g, window: cfg.window, length, bins };
}

/** The naive float64 adjoint of the float32 signal x, frame by frame (per-frame contributions). */
function naive(c: Case, x: Float32Array, d: Float64Array, window: ArrayLike<number>) {
  return c.amps.map((_, f) => naiveFrameAdjoint(x, f * c.hop, window, c.n, d, f, c.floor ?? 0));
}

describe('float32 adjoint module', () => {
  it('is the assembly of wasm/stft32-adjoint.wat (run `pnpm wasm` in packages/stft after editing it)', async () => {
    const committed = readFileSync(
      new URL('../src/wasm/module32-adjoint.ts', import.meta.url),
      'utf8',
    );
    const wat = new URL('../wasm/stft32-adjoint.wat', import.meta.url);
    expect(committed).toBe(moduleSource(await assemble(wat.pathname), 'wasm/stft32-adjoint.wat'));
  });

  it('stays under 4 KiB', () => {
    expect(atob(WASM_BASE64).length).toBeLessThan(4096);
  });
});

describe.runIf(wasm32Supports(8))('float32 adjoint (issue 17)', () => {
  const cases: [string, Case][] = [
    ['n 8, frames apart, 5 frames (a lane past the end)', { n: 8, hop: 8, amps: [1, 1, 1, 1, 1] }],
    ['n 16, one silent frame', { n: 16, hop: 16, amps: [1, 0, 1, 2] }],
    ['n 64, extreme amplitudes', { n: 64, hop: 64, amps: [1e-30, 1e30, 1e-33, 3e37, 1, 0, 1e-20] }],
    ['n 256, a floor', { n: 256, hop: 256, amps: [1, 1e-3, 1e-9], floor: 1e-8 }],
    ['n 2048, 3 frames', { n: 2048, hop: 2048, amps: [1, 0.5, 1e-5] }],
    // sqrt(1e-6) = 1e-3 rounds up in float32: magnitudes at the floor pass no gradient (no NaN)
    [
      'n 64, a floor above its float64 sqrt',
      { n: 64, hop: 64, amps: [1, 0, 1e-6, 2], floor: 1e-6 },
    ],
    [
      'n 128, float32 rows, a floor, extreme amplitudes',
      { n: 128, hop: 128, amps: [1, 0, 1e-30, 1e30, 1e-4], floor: 1e-8, rows: 'float32' },
    ],
    [
      'n 8, float32 rows, a lane past the end',
      { n: 8, hop: 8, amps: [1, 2, 0, 1, 3], rows: 'float32' },
    ],
  ];
  for (const [name, c] of cases) {
    it(`each frame within ${TOL} of its largest gradient: ${name}`, () => {
      const { x, d, g, window } = run(c, 7);
      const want = naive(c, x, d, window);
      want.forEach((w, f) => {
        let peak = 0;
        for (const v of w) peak = Math.max(peak, Math.abs(v));
        for (let j = 0; j < c.n; j++) {
          const got = g[f * c.hop + j]!;
          expect(Number.isFinite(got)).toBe(true);
          if (peak === 0) expect(got).toBe(0);
          else expect(Math.abs(got - w[j]!)).toBeLessThanOrEqual(TOL * peak + 2 ** -149 * c.n);
        }
      });
    });
  }

  it('overlapping frames (hop n / 4) add up', () => {
    const c: Case = { n: 32, hop: 8, amps: [1, 1, 1, 1, 1, 1, 1] };
    const { x, d, g, window, length } = run(c, 3);
    const parts = naive(c, x, d, window);
    const want = new Float64Array(length);
    parts.forEach((p, f) => {
      for (let j = 0; j < c.n; j++) want[f * c.hop + j]! += p[j]!;
    });
    let peak = 0;
    for (const v of want) peak = Math.max(peak, Math.abs(v));
    for (let i = 0; i < length; i++) {
      expect(Math.abs(g[i]! - want[i]!)).toBeLessThanOrEqual(TOL * peak);
    }
  });
});
