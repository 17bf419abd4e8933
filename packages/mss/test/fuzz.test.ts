/**
 * Seeded fuzz test (issue 12): random loss options (windows and window arrays, sizes, hops,
 * compressions with weights, distances, spectral convergence, reductions, magnitude floor,
 * framing) and random partly silent or extreme signals (silence, leading and trailing silence,
 * silent items, impulses, fades over 300 dB, amplitudes 1e-280 .. 1e300), against the naive
 * per-frame loss of test/naive.ts: every item's loss and the gradient. Small in CI (20 runs, both
 * engines: `pnpm test` runs it with and without WebAssembly); a longer run:
 * `FUZZ_RUNS=2000 pnpm --filter @losses/mss fuzz` (FUZZ_SEED picks another seed).
 */
import { LossInputError, tensor } from '@losses/tensor';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { type Compression, createMssLoss, type MssOptions } from '../src/index.js';
import { signal } from './helpers.js';
import { naiveMss } from './naive.js';

const RUNS = Number(process.env.FUZZ_RUNS ?? 20);
const SEED = Number(process.env.FUZZ_SEED ?? 20261203);

type Shape = 'noise' | 'silent' | 'leading' | 'trailing' | 'impulse' | 'fade';

function item(shape: Shape, length: number, amplitude: number, seed: number): Float64Array {
  const x = signal(length, seed);
  const cut = Math.floor(length * ((seed % 7) / 8 + 0.1));
  for (let t = 0; t < length; t++) {
    let v = x[t]!;
    if (shape === 'silent') v = 0;
    else if (shape === 'leading' && t < cut) v = 0;
    else if (shape === 'trailing' && t >= cut) v = 0;
    // (of a height that differs between estimate and target seeds: equal impulses give equal
    // magnitudes, where an l1 gradient's sign is decided by rounding)
    else if (shape === 'impulse') v = t === cut ? 1 + (seed % 7) / 10 : 0;
    else if (shape === 'fade') v *= 2 ** -Math.floor(50 * (1 - t / length)); // 301 dB
    x[t] = v * amplitude;
  }
  return x;
}

const compression = fc.oneof(
  fc.constant<Compression>('linear'),
  fc.record({ kind: fc.constant('log' as const), eps: fc.constantFrom(1e-7, 1e-3) }),
  fc.record({ kind: fc.constant('log1p' as const), gamma: fc.constantFrom(1, 3) }),
  fc.record({ kind: fc.constant('db' as const), eps: fc.constantFrom(1e-7, 1e-2) }),
  fc.record({ kind: fc.constant('safeLog' as const), eps: fc.constant(1e-5) }),
  fc.record({ kind: fc.constant('linear' as const), weight: fc.constantFrom(0, 0.5, 2) }),
);

const problem = fc
  .record({
    sizes: fc.array(fc.integer({ min: 2, max: 80 }), { minLength: 1, maxLength: 3 }),
    hopFraction: fc.double({ min: 0.1, max: 1.2, noNaN: true }),
    windowFraction: fc.double({ min: 0.4, max: 1, noNaN: true }),
    window: fc.constantFrom('hann', 'flattop', 'hamming', 'blackman', 'rectangular', 'arrays'),
    compressions: fc.array(compression, { minLength: 1, maxLength: 3 }),
    distance: fc.constantFrom('l1' as const, 'l2sq' as const, 'l2' as const),
    spectralConvergence: fc.constantFrom(0, 0, 0.7),
    reduction: fc.constantFrom('mean' as const, 'sum' as const),
    scaleReduction: fc.constantFrom('sum' as const, 'mean' as const),
    floor: fc.boolean(),
    framing: fc.constantFrom('plain', 'reflect', 'constant', 'padEnd'),
    batch: fc.integer({ min: 1, max: 3 }),
    oneTarget: fc.boolean(),
    extra: fc.integer({ min: 0, max: 150 }),
    shapes: fc.array(
      fc.constantFrom<Shape>('noise', 'silent', 'leading', 'trailing', 'impulse', 'fade'),
      {
        minLength: 6,
        maxLength: 6,
      },
    ),
    amplitude: fc.constantFrom(1, 1e-3, 1e-150, 1e150, 1e-280, 1e300),
    seed: fc.integer({ min: 1, max: 2 ** 30 }),
  })
  .map((p) => {
    const windowLengths = p.sizes.map((n) => Math.max(1, Math.round(n * p.windowFraction)));
    const options: MssOptions = {
      sizes: p.sizes,
      hops: p.sizes.map((n) => Math.max(1, Math.round(n * p.hopFraction))),
      windowLengths,
      window:
        p.window === 'arrays'
          ? windowLengths.map((l, i) => Array.from(signal(l, p.seed + i), (v) => 1 + 0.5 * v))
          : (p.window as MssOptions['window']),
      compressions: p.compressions,
      distance: p.distance,
      spectralConvergence: p.spectralConvergence,
      reduction: p.reduction,
      scaleReduction: p.scaleReduction,
      // A floor at 0.37 times the amplitude (not at a round value an impulse's |X| could hit:
      // there |X|^2 < eps is decided by rounding, in the reference as here).
      magnitudeEps:
        p.floor && p.amplitude >= 1e-150 && p.amplitude <= 1e150
          ? (0.37 * p.amplitude) ** 2
          : undefined,
      center: p.framing === 'reflect' || p.framing === 'constant',
      padMode: p.framing === 'constant' ? 'constant' : 'reflect',
      padEnd: p.framing === 'padEnd',
    };
    const max = Math.max(...p.sizes);
    const min = p.framing === 'reflect' ? Math.floor(max / 2) + 1 : p.framing === 'plain' ? max : 1;
    return { options, length: min + p.extra, ...p };
  });

describe('fuzz: the loss against a naive per-frame loss (issue 12)', () => {
  it(`agrees on ${RUNS} random option sets and partly silent, extreme signals`, () => {
    fc.assert(
      fc.property(problem, (p) => {
        const T = p.length;
        let loss: ReturnType<typeof createMssLoss>;
        try {
          loss = createMssLoss(p.options);
        } catch (e) {
          // eps = 0 log types without a floor are refused by design; nothing else may be.
          expect((e as LossInputError).code).toBe('INVALID_OPTION');
          return;
        }
        const est = Array.from({ length: p.batch }, (_, b) =>
          item(p.shapes[b]!, T, p.amplitude, p.seed + b),
        );
        const tItems = p.oneTarget ? 1 : p.batch;
        const tgt = Array.from({ length: tItems }, (_, b) =>
          item(p.shapes[3 + b]!, T, p.amplitude, p.seed + 10 + b),
        );
        const e = tensor(Float64Array.from(est.flatMap((v) => Array.from(v))), [p.batch, T]);
        const t = tensor(Float64Array.from(tgt.flatMap((v) => Array.from(v))), [tItems, T]);
        const fixed = () => loss.withTarget(p.oneTarget ? t.pick(0, null) : t);
        const ref = naiveMss(est, tgt, loss.config);
        let prepared: ReturnType<typeof fixed>;
        try {
          prepared = fixed();
        } catch (x) {
          // One rule for silent targets: under the spectral convergence (no floor) a target
          // item whose spectrogram is 0 at some size is refused, naming it, alone or in a batch;
          // the reference has no finite value there either.
          expect(x).toBeInstanceOf(LossInputError);
          expect((x as LossInputError).message).toMatch(/target: item \d+ is silent/);
          expect(p.spectralConvergence > 0 && p.options.magnitudeEps === undefined).toBe(true);
          expect(Number.isFinite(ref.value)).toBe(false);
          return;
        }
        const { value, grad } = prepared.valueAndGrad(e);
        const perItem = prepared.perItem(e).data;
        // Never NaN; +Infinity only where the true loss exceeds float64 (squares of 1e300).
        expect(Number.isNaN(value)).toBe(false);
        ref.perItem.forEach((v, b) => {
          if (ref.valueUncertain[b]) return;
          if (v === Number.POSITIVE_INFINITY) expect(perItem[b]).toBe(v);
          else {
            const tol = 1e-9 * Math.abs(v) + ref.rounding[b]!;
            expect(Math.abs(perItem[b]! - v)).toBeLessThanOrEqual(tol);
          }
        });
        est.forEach((_, b) => {
          // Each sample within 1e-9 of its own scale (sum over its frames of |w| sum |G|), plus
          // what the rounding of the compressed differences can move it by.
          ref.grad[b]!.forEach((v, i) => {
            if (ref.uncertain[b]![i]) return;
            const err = Math.abs(grad.data[b * T + i]! - v);
            expect(err).toBeLessThanOrEqual(1e-9 * ref.scale[b]![i]! + ref.noise[b]![i]!);
          });
        });
        if (ref.valueUncertain.some((u) => u)) return;
        if (Number.isFinite(ref.value)) {
          const noise = ref.rounding.reduce((a, v) => a + v, 0) / p.batch;
          expect(Math.abs(value - ref.value)).toBeLessThanOrEqual(
            1e-9 * Math.abs(ref.value) + noise,
          );
        } else expect(value).toBe(ref.value);
      }),
      { numRuns: RUNS, seed: SEED },
    );
  });
});
