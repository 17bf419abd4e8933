import { lcg32 } from '@losses/tensor/internal';
import fc from 'fast-check';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  createSpectralWassersteinLoss,
  type SpectralWassersteinOptions,
  spectralWassersteinLoss,
  spectralWassersteinLossValueAndGrad,
} from '../src/index.js';
import { positionsOf } from '../src/spectral-wasserstein.js';
import { WassersteinWork, wassersteinFrames } from '../src/wasserstein.js';
import { errorOf, relMaxError } from './helpers.js';
import { naiveWasserstein, sotGoldens } from './wasserstein-helpers.js';

const goldens = sotGoldens();

/** Positive random spectra [n] (no exact zeros, so no tied levels with probability 1). */
function positive(n: number, seed: number, scale = 1): Float64Array {
  const r = lcg32(seed);
  return Float64Array.from({ length: n }, () => scale * (0.05 + r()));
}

/** W_p^p of every frame of [F, K] spectra by the naive plan reference. */
function naiveFrames(
  est: ArrayLike<number>,
  tgt: ArrayLike<number>,
  F: number,
  K: number,
  p: number,
  x: ArrayLike<number>,
  eps = 1e-8,
): number[] {
  const out: number[] = [];
  for (let f = 0; f < F; f++) {
    const a = Array.prototype.slice.call(est, f * K, (f + 1) * K) as number[];
    const b = Array.prototype.slice.call(tgt, f * K, (f + 1) * K) as number[];
    out.push(naiveWasserstein(a, b, x, p, eps));
  }
  return out;
}

/** Largest |a - b| over max(1e-300, max |b|) for arrays. */
function close(a: ArrayLike<number>, b: ArrayLike<number>, tol: number): void {
  expect(a.length).toBe(b.length);
  expect(relMaxError(a, b)).toBeLessThanOrEqual(tol);
}

describe('spectral Wasserstein: golden vectors from sot-loss', () => {
  it('records the versions it was made with', () => {
    expect(goldens.versions['sot-loss commit']).toMatch(/^[0-9a-f]{40}$/);
    expect(goldens.versions.torch).toBeDefined();
  });

  it('bin positions equal torch.linspace(0, 1, K) bit for bit', () => {
    for (const [K, values] of Object.entries(goldens.linspace)) {
      expect(Array.from(positionsOf('normalized', Number(K)))).toEqual(values);
    }
  });

  for (const c of goldens.spectra) {
    it(`${c.name}: every frame's W_p^p and the mean as sot-loss${c.note ? ` (${c.note})` : ''}`, () => {
      const [B, F, K] = c.shape;
      const loss = createSpectralWassersteinLoss({ p: c.p, positions: c.positions });
      const est = ndarray(Float64Array.from(c.estimate), [B, F, K]);
      const tgt = ndarray(Float64Array.from(c.target), [B, F, K]);
      const perFrame = loss.perFrame(est, tgt).data;
      const scale = Math.max(...c.perFrame.map(Math.abs), 1e-300);
      for (let i = 0; i < perFrame.length; i++) {
        expect(Math.abs(perFrame[i]! - c.perFrame[i]!)).toBeLessThanOrEqual(1e-13 * scale);
      }
      expect(loss.value(est, tgt)).toBeCloseTo(c.value, 13);
    });
    if (c.gradExact) {
      it(`${c.name}: the gradient w.r.t. both spectra equals torch's autograd`, () => {
        const [B, F, K] = c.shape;
        const loss = createSpectralWassersteinLoss({ p: c.p, positions: c.positions });
        const { grad } = loss.valueAndGrad(
          ndarray(Float64Array.from(c.estimate), [B, F, K]),
          ndarray(Float64Array.from(c.target), [B, F, K]),
        );
        close(grad.data, c.grad, 1e-10);
        // W is symmetric: the target's gradient is the estimate's with the roles swapped.
        const swapped = loss.valueAndGrad(
          ndarray(Float64Array.from(c.target), [B, F, K]),
          ndarray(Float64Array.from(c.estimate), [B, F, K]),
        );
        close(swapped.grad.data, c.targetGrad, 1e-10);
      });
    }
  }

  for (const c of goldens.spectra.filter((g) => g.name.startsWith('silence'))) {
    it(`${c.name}: the gradient of every frame with mass equals torch's; silent frames get none`, () => {
      const [B, F, K] = c.shape;
      const loss = createSpectralWassersteinLoss({ p: c.p, positions: c.positions });
      const e = ndarray(Float64Array.from(c.estimate), [B, F, K]);
      const t = ndarray(Float64Array.from(c.target), [B, F, K]);
      const sides = [
        { grad: loss.valueAndGrad(e, t).grad.data, torch: c.grad, frames: c.estimate },
        { grad: loss.valueAndGrad(t, e).grad.data, torch: c.targetGrad, frames: c.target },
      ];
      let compared = 0;
      for (const side of sides) {
        for (let f = 0; f < B * F; f++) {
          const range = [f * K, (f + 1) * K] as const;
          const mine = side.grad.slice(...range);
          if (side.frames.slice(...range).every((v) => v === 0)) {
            expect(Array.from(mine).every((g) => g === 0)).toBe(true);
          } else {
            close(mine, side.torch.slice(...range), 1e-10);
            compared++;
          }
        }
      }
      expect(compared).toBe(4); // item 0: frames 0 and 2 of the estimate, 0 and 1 of the target
    });
  }

  it('the cases where torch credits a tied level are the ones marked so (zeros, equal levels)', () => {
    const inexact = goldens.spectra.filter((c) => !c.gradExact).map((c) => c.name);
    expect(inexact.every((n) => /silence|shifted|identical/.test(n))).toBe(true);
  });
});

describe('spectral Wasserstein: against a naive transport plan', () => {
  for (const p of [1, 2] as const) {
    it(`p = ${p}: every frame of the golden spectra`, () => {
      for (const c of goldens.spectra.filter((g) => g.p === p)) {
        const [B, F, K] = c.shape;
        const x = positionsOf(c.positions, K);
        const ref = naiveFrames(c.estimate, c.target, B * F, K, p, x);
        const ours = createSpectralWassersteinLoss({ p, positions: c.positions }).perFrame(
          ndarray(Float64Array.from(c.estimate), [B, F, K]),
          ndarray(Float64Array.from(c.target), [B, F, K]),
        ).data;
        for (let i = 0; i < ref.length; i++) {
          expect(Math.abs(ours[i]! - ref[i]!)).toBeLessThanOrEqual(1e-12 * Math.max(1, ref[i]!));
        }
      }
    });

    it(`p = ${p}: seeded fuzz over sizes, sparsity, silence, masses and positions`, () => {
      const r = lcg32(7 + p);
      for (let trial = 0; trial < 300; trial++) {
        const K = 1 + Math.floor(r() * 40);
        const frame = (): number[] => {
          const kind = r();
          const level = 10 ** (-12 * r() * r());
          return Array.from({ length: K }, () => {
            if (kind < 0.1) return 0; // silent
            if (kind < 0.4 && r() < 0.6) return 0; // sparse
            if (kind < 0.5) return Math.round(r() * 3); // small integers: many tied levels
            return level * r();
          });
        };
        const a = frame();
        const b = frame();
        const pos = r() < 0.3 ? 'bins' : r() < 0.6 ? 'normalized' : randomPositions(K, r);
        const x = typeof pos === 'string' ? positionsOf(pos, K) : Float64Array.from(pos);
        const eps = r() < 0.8 ? 1e-8 : 10 ** (-20 * r());
        const ours = spectralWassersteinLoss(a, b, { p, positions: pos, eps });
        const ref = naiveWasserstein(a, b, x, p, eps);
        const span = (x[K - 1]! - x[0]!) ** p;
        expect(Math.abs(ours - ref)).toBeLessThanOrEqual(1e-12 * Math.max(span, 1e-300) + 1e-300);
      }
    });
  }

  it('p = 1: the CDF form equals the quantile form on the same frames', () => {
    // The quantile-form kernel is p = 2's; at p = 1 the naive plan is the quantile form.
    const r = lcg32(99);
    for (let trial = 0; trial < 100; trial++) {
      const K = 2 + Math.floor(r() * 30);
      const a = Array.from({ length: K }, () => (r() < 0.3 ? 0 : r()));
      const b = Array.from({ length: K }, () => (r() < 0.3 ? 0 : r()));
      const x = positionsOf('bins', K);
      expect(spectralWassersteinLoss(a, b, { p: 1, positions: 'bins' })).toBeCloseTo(
        naiveWasserstein(a, b, x, 1, 1e-8),
        11,
      );
    }
  });
});

function randomPositions(K: number, r: () => number): number[] {
  let v = 100 * (r() - 0.5);
  return Array.from({ length: K }, () => {
    v += 0.01 + 10 * r();
    return v;
  });
}

describe('spectral Wasserstein: exact gradient', () => {
  const cases: { name: string; options: SpectralWassersteinOptions }[] = [
    { name: 'p = 1, normalized', options: { p: 1 } },
    { name: 'p = 2, normalized', options: { p: 2 } },
    {
      name: 'p = 1, bins, sum over frames',
      options: { p: 1, positions: 'bins', reduction: 'sum' },
    },
    { name: 'p = 2, uneven positions', options: { p: 2, positions: [0, 1, 3, 7, 8, 20, 21, 40] } },
  ];
  for (const { name, options } of cases) {
    it(`${name}: w.r.t. the estimate, against central differences (float64)`, () => {
      const [B, F, K] = [2, 3, 8];
      const est = positive(B * F * K, 11);
      const tgt = positive(B * F * K, 12);
      // One quiet frame (mass 1e-3): the normalisation's derivative matters more there.
      for (let k = 0; k < K; k++) est[K + k]! *= 1e-3;
      const loss = createSpectralWassersteinLoss(options);
      const shape = [B, F, K];
      const { value, grad } = loss.valueAndGrad(ndarray(est, shape), ndarray(tgt, shape));
      expect(value).toBeGreaterThan(0);
      const fd = new Float64Array(est.length);
      for (let i = 0; i < est.length; i++) {
        const h = 1e-7 * est[i]!;
        const up = Float64Array.from(est);
        const down = Float64Array.from(est);
        up[i]! += h;
        down[i]! -= h;
        fd[i] =
          (loss.value(ndarray(up, shape), ndarray(tgt, shape)) -
            loss.value(ndarray(down, shape), ndarray(tgt, shape))) /
          (2 * h);
      }
      close(grad.data, fd, 1e-6);
    });
  }

  it('the kernel gives the target gradient too (central differences, p = 1 and 2)', () => {
    const K = 10;
    const est = positive(2 * K, 21);
    const tgt = positive(2 * K, 22);
    for (const p of [1, 2] as const) {
      const spec = { p, positions: positionsOf('normalized', K), eps: 1e-8 };
      const work = new WassersteinWork();
      const g = new Float64Array(2 * K);
      wassersteinFrames(spec, est, 0, tgt, 0, 2, work, undefined, undefined, {
        data: g,
        offset: 0,
      });
      const total = (t: Float64Array) => wassersteinFrames(spec, est, 0, t, 0, 2, work);
      const fd = Array.from(tgt, (v, i) => {
        const h = 1e-7 * v;
        const up = Float64Array.from(tgt);
        const down = Float64Array.from(tgt);
        up[i]! += h;
        down[i]! -= h;
        return (total(up) - total(down)) / (2 * h);
      });
      close(g, fd, 1e-6);
    }
  });

  it('one work memory serves a large K, then a smaller K (as the scales of one MSS loss do)', () => {
    const K = 7;
    const est = positive(2 * K, 41);
    const tgt = positive(2 * K, 42);
    for (const p of [1, 2] as const) {
      const spec = { p, positions: positionsOf('normalized', K), eps: 1e-8 };
      const run = (work: WassersteinWork) => {
        const gE = new Float64Array(2 * K + 3);
        const gT = new Float64Array(2 * K + 3);
        const w = wassersteinFrames(
          spec,
          est,
          0,
          tgt,
          0,
          2,
          work,
          undefined,
          { data: gE, offset: 0 },
          { data: gT, offset: 0 },
        );
        return { w, gE: Array.from(gE), gT: Array.from(gT) };
      };
      const used = new WassersteinWork();
      const big = 5 * K;
      const spectrum = positive(big, 43);
      wassersteinFrames(
        { p, positions: positionsOf('bins', big), eps: 1e-8 },
        spectrum,
        0,
        positive(big, 44),
        0,
        1,
        used,
        undefined,
        { data: new Float64Array(big), offset: 0 },
        { data: new Float64Array(big), offset: 0 },
      );
      const fresh = run(new WassersteinWork());
      const again = run(used);
      expect(again).toEqual(fresh);
      // Nothing written past the frames.
      expect(fresh.gE.slice(2 * K)).toEqual([0, 0, 0]);
      expect(fresh.gT.slice(2 * K)).toEqual([0, 0, 0]);
    }
  });

  it('at a bin of zero mass: the one-sided derivative of adding mass there', () => {
    const a = [0.3, 0, 0, 0.5, 0.2, 0, 0.1];
    const b = [0.1, 0.2, 0.05, 0.3, 0, 0.25, 0.1];
    for (const p of [1, 2] as const) {
      const { grad } = spectralWassersteinLossValueAndGrad(a, b, { p, positions: 'bins' });
      const base = spectralWassersteinLoss(a, b, { p, positions: 'bins' });
      for (const j of [1, 2, 5]) {
        const h = 1e-7;
        const up = a.slice();
        up[j]! += h;
        const forward = (spectralWassersteinLoss(up, b, { p, positions: 'bins' }) - base) / h;
        expect(grad.data[j]!).toBeCloseTo(forward, 5);
      }
    }
  });

  it('the gradient of the mean over items is each item gradient / B', () => {
    const [F, K] = [2, 6];
    const a = positive(2 * F * K, 31);
    const b = positive(2 * F * K, 32);
    const both = spectralWassersteinLossValueAndGrad(ndarray(a, [2, F, K]), ndarray(b, [2, F, K]));
    const first = spectralWassersteinLossValueAndGrad(
      ndarray(a.subarray(0, F * K), [F, K]),
      ndarray(b.subarray(0, F * K), [F, K]),
    );
    for (let i = 0; i < F * K; i++)
      expect(both.grad.data[i]!).toBeCloseTo(first.grad.data[i]! / 2, 15);
  });

  it('float32 spectra give a float32 gradient close to the float64 one', () => {
    const a = positive(40, 41);
    const b = positive(40, 42);
    const g64 = spectralWassersteinLossValueAndGrad(ndarray(a, [4, 10]), ndarray(b, [4, 10]));
    const g32 = spectralWassersteinLossValueAndGrad(
      ndarray(Float32Array.from(a), [4, 10]),
      ndarray(Float32Array.from(b), [4, 10]),
    );
    expect(g32.grad.data).toBeInstanceOf(Float32Array);
    close(g32.grad.data, g64.grad.data, 1e-5);
    expect(g32.value).toBeCloseTo(g64.value, 6);
  });

  it('silent frames: a finite value, no gradient for the silent frame, zero between two', () => {
    const silent = new Float64Array(8);
    const tone = Float64Array.from([0, 0, 1, 0.5, 0, 0, 0, 0]);
    for (const p of [1, 2] as const) {
      const both = spectralWassersteinLossValueAndGrad(silent, silent, { p });
      expect(both.value).toBe(0);
      expect(both.grad.data.every((g) => g === 0)).toBe(true);
      const one = spectralWassersteinLossValueAndGrad(silent, tone, { p });
      expect(Number.isFinite(one.value)).toBe(true);
      expect(one.grad.data.every((g) => g === 0)).toBe(true);
      // The non-silent side's gradient: finite, and what the formula gives (central differences).
      const other = spectralWassersteinLossValueAndGrad(tone, silent, { p });
      expect(other.value).toBe(one.value);
      expect(other.grad.data.every(Number.isFinite)).toBe(true);
      const h = 1e-7;
      const up = Float64Array.from(tone);
      const down = Float64Array.from(tone);
      up[3]! += h;
      down[3]! -= h;
      const fd =
        (spectralWassersteinLoss(up, silent, { p }) -
          spectralWassersteinLoss(down, silent, { p })) /
        (2 * h);
      expect(other.grad.data[3]!).toBeCloseTo(fd, 6);
      // The silent frame is matched with the last position (1, normalized): the tone's mass moves
      // from bins 2 and 3 to bin 7.
      const x = (k: number) => k / 7;
      const m = 1.5 / (1.5 + 1e-8);
      const expected = (m / 1.5) * (1 * (1 - x(2)) ** p + 0.5 * (1 - x(3)) ** p);
      expect(one.value).toBeCloseTo(expected, 12);
    }
  });
});

describe('spectral Wasserstein: laws', () => {
  const arbFrames = (K: number, F: number) =>
    fc.array(fc.double({ min: 0, max: 10, noNaN: true }), {
      minLength: K * F,
      maxLength: K * F,
    });
  const arbPositive = (n: number) =>
    fc.array(fc.double({ min: 1e-3, max: 10, noNaN: true }), { minLength: n, maxLength: n });

  it('zero on identical spectra, and a zero gradient where no bin is empty', () => {
    fc.assert(
      fc.property(arbFrames(12, 3), arbPositive(36), fc.constantFrom(1, 2), (x, y, p) => {
        const o = { p: p as 1 | 2 };
        expect(spectralWassersteinLoss(ndarray(x, [3, 12]), ndarray(x, [3, 12]), o)).toBe(0);
        const { value, grad } = spectralWassersteinLossValueAndGrad(
          ndarray(y, [3, 12]),
          ndarray(y.slice(), [3, 12]),
          o,
        );
        expect(value).toBe(0);
        expect(grad.data.every((g) => g === 0)).toBe(true);
      }),
      { numRuns: 60 },
    );
  });

  it('symmetric: W(a, b) = W(b, a) for p = 1 (and p = 2)', () => {
    fc.assert(
      fc.property(arbFrames(9, 2), arbFrames(9, 2), fc.constantFrom(1, 2), (a, b, p) => {
        const o = { p: p as 1 | 2 };
        const ab = spectralWassersteinLoss(ndarray(a, [2, 9]), ndarray(b, [2, 9]), o);
        const ba = spectralWassersteinLoss(ndarray(b, [2, 9]), ndarray(a, [2, 9]), o);
        expect(ab).toBe(ba);
      }),
      { numRuns: 100 },
    );
  });

  it('translating a single peak by k bins costs k in W_1 along bins (k^2 in W_2^2)', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 2, max: 300 }),
        fc.nat(),
        fc.nat(),
        fc.double({ min: 1e-3, max: 1e3, noNaN: true }),
        (K, i0, k0, s) => {
          const i = i0 % K;
          const k = k0 % (K - i);
          const a = new Float64Array(K);
          const b = new Float64Array(K);
          a[i] = s;
          b[i + k] = s;
          const m = s / (s + 1e-8); // the mass after normalising by (sum + eps)
          const w1 = spectralWassersteinLoss(a, b, { p: 1, positions: 'bins' });
          expect(Math.abs(w1 - k * m)).toBeLessThanOrEqual(1e-12 * Math.max(1, k));
          const w2 = spectralWassersteinLoss(a, b, { p: 2, positions: 'bins' });
          expect(Math.abs(w2 - k * k * m)).toBeLessThanOrEqual(1e-12 * Math.max(1, k * k));
        },
      ),
      { numRuns: 200 },
    );
  });

  it('W_1 obeys the triangle inequality (up to the eps of the normalisation)', () => {
    fc.assert(
      fc.property(arbPositive(10), arbPositive(10), arbPositive(10), (a, b, c) => {
        const o = { p: 1 as const, positions: 'bins' as const };
        const ac = spectralWassersteinLoss(a, c, o);
        const ab = spectralWassersteinLoss(a, b, o);
        const bc = spectralWassersteinLoss(b, c, o);
        expect(ac).toBeLessThanOrEqual(ab + bc + 1e-9);
      }),
      { numRuns: 100 },
    );
  });

  it('never negative, and blind to each frame`s scale (up to eps)', () => {
    fc.assert(
      fc.property(
        arbPositive(8),
        arbPositive(8),
        fc.double({ min: 1e-2, max: 1e2, noNaN: true }),
        fc.constantFrom(1, 2),
        (a, b, c, p) => {
          // eps = 1e-15: its share of a frame's mass (>= 8e-3 here) stays below 1e-12.
          const o = { p: p as 1 | 2, eps: 1e-15 };
          const w = spectralWassersteinLoss(a, b, o);
          expect(w).toBeGreaterThanOrEqual(0);
          const scaled = spectralWassersteinLoss(
            a.map((v) => v * c),
            b,
            o,
          );
          expect(Math.abs(scaled - w)).toBeLessThanOrEqual(1e-10);
        },
      ),
      { numRuns: 100 },
    );
  });

  it('never modifies its inputs; the sum reduction is F times the mean', () => {
    const a = positive(30, 51);
    const b = positive(30, 52);
    const a0 = Float64Array.from(a);
    const b0 = Float64Array.from(b);
    const mean = createSpectralWassersteinLoss();
    const sum = createSpectralWassersteinLoss({ reduction: 'sum' });
    const vm = mean.valueAndGrad(ndarray(a, [3, 10]), ndarray(b, [3, 10]));
    const vs = sum.valueAndGrad(ndarray(a, [3, 10]), ndarray(b, [3, 10]));
    expect(vs.value).toBeCloseTo(3 * vm.value, 14);
    for (let i = 0; i < 30; i++) expect(vs.grad.data[i]!).toBeCloseTo(3 * vm.grad.data[i]!, 14);
    expect(a).toEqual(a0);
    expect(b).toEqual(b0);
  });

  it('a [F, K] target is compared with every item of a [B, F, K] estimate', () => {
    const a = positive(24, 71);
    const b = positive(12, 72);
    const tiled = new Float64Array(24);
    tiled.set(b, 0);
    tiled.set(b, 12);
    for (const p of [1, 2] as const) {
      const loss = createSpectralWassersteinLoss({ p });
      const shared = loss.valueAndGrad(ndarray(a, [2, 3, 4]), ndarray(b, [3, 4]));
      const full = loss.valueAndGrad(ndarray(a, [2, 3, 4]), ndarray(tiled, [2, 3, 4]));
      expect(shared.value).toBe(full.value);
      expect(shared.grad.data).toEqual(full.grad.data);
      expect(loss.perItem(ndarray(a, [2, 3, 4]), ndarray(b, [3, 4])).data).toEqual(
        loss.perItem(ndarray(a, [2, 3, 4]), ndarray(tiled, [2, 3, 4])).data,
      );
    }
    // Only a whole item broadcasts: [K] against [F, K], or [F - 1, K] against [B, F, K], does not.
    expect(errorOf(() => spectralWassersteinLoss(ndarray(a, [6, 4]), b.subarray(0, 4)))?.code).toBe(
      'SHAPE_MISMATCH',
    );
    expect(
      errorOf(() =>
        spectralWassersteinLoss(ndarray(a, [2, 3, 4]), ndarray(b.subarray(0, 8), [2, 4])),
      )?.code,
    ).toBe('SHAPE_MISMATCH');
  });

  it('shapes: [K] is one frame, [F, K] one item, [B, F, K] a batch; perItem and perFrame', () => {
    const loss = createSpectralWassersteinLoss();
    const a = positive(24, 61);
    const b = positive(24, 62);
    expect(loss.perItem(ndarray(a, [2, 3, 4]), ndarray(b, [2, 3, 4])).shape).toEqual([2]);
    expect(loss.perFrame(ndarray(a, [2, 3, 4]), ndarray(b, [2, 3, 4])).shape).toEqual([2, 3]);
    expect(loss.perItem(ndarray(a, [6, 4]), ndarray(b, [6, 4])).shape).toEqual([1]);
    expect(loss.perFrame(a.subarray(0, 4), b.subarray(0, 4)).shape).toEqual([1, 1]);
    const items = loss.perItem(ndarray(a, [2, 3, 4]), ndarray(b, [2, 3, 4])).data;
    expect(loss.value(ndarray(a, [2, 3, 4]), ndarray(b, [2, 3, 4]))).toBeCloseTo(
      (items[0]! + items[1]!) / 2,
      15,
    );
  });
});

describe('spectral Wasserstein: bad input', () => {
  const a = [0.1, 0.2, 0.3];
  const cases: [string, () => unknown, string, RegExp][] = [
    [
      'unknown option',
      () => createSpectralWassersteinLoss({ q: 2 } as never),
      'INVALID_OPTION',
      /unknown option 'q'/,
    ],
    [
      'p = 3',
      () => createSpectralWassersteinLoss({ p: 3 as never }),
      'INVALID_OPTION',
      /options\.p: expected 1 or 2, got 3/,
    ],
    ['eps = 0', () => createSpectralWassersteinLoss({ eps: 0 }), 'INVALID_OPTION', /options\.eps/],
    ['eps < 0', () => createSpectralWassersteinLoss({ eps: -1 }), 'INVALID_OPTION', /options\.eps/],
    [
      'eps NaN',
      () => createSpectralWassersteinLoss({ eps: Number.NaN }),
      'INVALID_OPTION',
      /options\.eps/,
    ],
    [
      'reduction',
      () => createSpectralWassersteinLoss({ reduction: 'max' as never }),
      'INVALID_OPTION',
      /options\.reduction/,
    ],
    [
      'positions name',
      () => createSpectralWassersteinLoss({ positions: 'hz' as never }),
      'INVALID_OPTION',
      /options\.positions/,
    ],
    [
      'positions type',
      () => createSpectralWassersteinLoss({ positions: 3 as never }),
      'INVALID_OPTION',
      /options\.positions/,
    ],
    [
      'positions empty',
      () => createSpectralWassersteinLoss({ positions: [] }),
      'EMPTY',
      /options\.positions/,
    ],
    [
      'positions not increasing',
      () => createSpectralWassersteinLoss({ positions: [0, 2, 2] }),
      'INVALID_OPTION',
      /strictly increasing/,
    ],
    [
      'positions NaN',
      () => createSpectralWassersteinLoss({ positions: [0, Number.NaN] }),
      'INVALID_OPTION',
      /positions\[1\]/,
    ],
    [
      'null option',
      () => createSpectralWassersteinLoss({ p: null as never }),
      'INVALID_OPTION',
      /options\.p/,
    ],
    [
      'positions length',
      () => spectralWassersteinLoss(a, a, { positions: [0, 1] }),
      'SHAPE_MISMATCH',
      /expected 2 bins/,
    ],
    [
      'shape mismatch',
      () => spectralWassersteinLoss(a, [0.1, 0.2], {}),
      'SHAPE_MISMATCH',
      /estimate|target/,
    ],
    [
      'rank 4',
      () =>
        spectralWassersteinLoss(
          ndarray(new Float64Array(2), [1, 1, 1, 2]),
          ndarray(new Float64Array(2), [1, 1, 1, 2]),
        ),
      'SHAPE_MISMATCH',
      /estimate/,
    ],
    ['negative', () => spectralWassersteinLoss([0.1, -0.2, 0.3], a), 'INVALID_OPTION', /estimate/],
    ['NaN', () => spectralWassersteinLoss(a, [0.1, Number.NaN, 0.3]), 'NON_FINITE', /target/],
    [
      'infinity',
      () => spectralWassersteinLoss([0.1, Number.POSITIVE_INFINITY, 0.3], a),
      'NON_FINITE',
      /estimate/,
    ],
    ['empty', () => spectralWassersteinLoss([], []), 'EMPTY', /estimate/],
  ];
  for (const [name, f, code, message] of cases) {
    it(`${name}: ${code}`, () => {
      const e = errorOf(f);
      expect(e?.code).toBe(code);
      expect(e?.message).toMatch(message);
    });
  }
});
