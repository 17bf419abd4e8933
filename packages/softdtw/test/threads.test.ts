import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LossInputError, type Tensor, tensor } from '@losses/tensor';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  type CostName,
  type SoftDtwDivergenceOptions,
  type SoftDtwValueAndGrad,
  sharpSoftDtw,
  sharpSoftDtwAsync,
  sharpSoftDtwValueAndGrad,
  sharpSoftDtwValueAndGradAsync,
  softDtw,
  softDtwAsync,
  softDtwDivergence,
  softDtwDivergenceAsync,
  softDtwDivergenceValueAndGrad,
  softDtwDivergenceValueAndGradAsync,
  softDtwValueAndGrad,
  softDtwValueAndGradAsync,
} from '../src/index.js';
import { setThreadKnobs } from '../src/threads.js';
import { onBothPaths } from './paths.js';
import { rng } from './reference.js';

// The workers run the TypeScript sources (test/worker-entry.mjs); every batch is threaded however
// small it is, with up to 4 threads on any machine.
const ENTRY = {
  url: new URL('./worker-entry.mjs', import.meta.url),
  web: () => {
    throw new Error('no Web Workers in Node');
  },
};
let was: ReturnType<typeof setThreadKnobs>;
beforeAll(() => {
  was = setThreadKnobs({ entry: ENTRY, minCells: 1, maxThreads: 4 });
});
afterAll(() => {
  setThreadKnobs(was);
});

function frames(n: number, D: number, r: () => number, cost: CostName, which: 'x' | 'y') {
  return Float64Array.from({ length: n * D }, () => {
    const u = r();
    if (cost === 'bce') return which === 'y' ? (u > 0.5 ? 1 : 0) : 0.02 + 0.96 * u;
    if (cost === 'bceLogits' && which === 'y') return u;
    return 4 * u - 2;
  });
}

function batch(B: number, n: number, D: number, seed: number, cost: CostName, which: 'x' | 'y') {
  return tensor(frames(B * n, D, rng(seed), cost, which), [B, n, D]);
}

/** A list of sequences of different lengths (the shares are balanced by cells). */
function list(lengths: number[], D: number, seed: number, cost: CostName, which: 'x' | 'y') {
  const r = rng(seed);
  return lengths.map((n) => tensor(frames(n, D, r, cost, which), [n, D]));
}

function same(a: number, b: number, what: string): void {
  if (!Object.is(a, b)) throw new Error(`${what}: ${a} vs ${b}`);
}

function sameGrads(a: Tensor | Tensor[], b: Tensor | Tensor[], what: string): void {
  const as = Array.isArray(a) ? a : [a];
  const bs = Array.isArray(b) ? b : [b];
  expect(as.length).toBe(bs.length);
  as.forEach((t, k) => {
    expect(t.shape).toEqual(bs[k]!.shape);
    expect(t.data.constructor).toBe(bs[k]!.data.constructor);
    for (let i = 0; i < t.data.length; i++)
      same(t.data[i]!, bs[k]!.data[i]!, `${what} [${k}][${i}]`);
  });
}

function sameResult(a: SoftDtwValueAndGrad, b: SoftDtwValueAndGrad, what: string): void {
  same(a.value, b.value, `${what} value`);
  expect(a.perItem.length).toBe(b.perItem.length);
  a.perItem.forEach((v, k) => {
    same(v, b.perItem[k]!, `${what} perItem[${k}]`);
  });
  sameGrads(a.grad, b.grad, `${what} grad`);
  expect(a.gradY === undefined).toBe(b.gradY === undefined);
  if (a.gradY !== undefined) sameGrads(a.gradY, b.gradY!, `${what} gradY`);
}

describe('threads: the same results as one thread, bit for bit', () => {
  const cases: [string, SoftDtwDivergenceOptions][] = [
    ['sqeuclidean (the pair kernels)', {}],
    ['bce', { cost: 'bce', gamma: 0.5 }],
    ['cosine with gradY', { cost: 'cosine', gradY: true }],
    ['l1, band and prior', { cost: 'l1', bandwidth: 2, prior: { weight: 0.3 } }],
    [
      'euclidean, subsequence, normalize',
      { cost: 'euclidean', subsequence: true, normalize: 'n+m' },
    ],
    [
      'bceLogits, a step set',
      {
        cost: 'bceLogits',
        steps: [
          { di: 1, dj: 1 },
          { di: 1, dj: 2 },
          { di: 2, dj: 1 },
        ],
      },
    ],
  ];
  for (const [name, opts] of cases) {
    it(`softDtwValueAndGrad, ${name}: threads 2, 3, 4 and 'auto' against threads 1 (batch and list)`, () => {
      const cost = (opts.cost ?? 'sqeuclidean') as CostName;
      const x = batch(7, 13, 3, 1, cost, 'x');
      const y = batch(7, 11, 3, 2, cost, 'y');
      const xl = list([5, 17, 9, 30, 12], 3, 3, cost, 'x');
      const yl = list([8, 12, 20, 25, 7], 3, 4, cost, 'y');
      const one = softDtwValueAndGrad(x, y, opts);
      const oneList = softDtwValueAndGrad(xl, yl, opts);
      const value = softDtw(x, y, opts);
      for (const threads of [2, 3, 4, 'auto'] as const) {
        sameResult(softDtwValueAndGrad(x, y, { ...opts, threads }), one, `batch, ${threads}`);
        sameResult(softDtwValueAndGrad(xl, yl, { ...opts, threads }), oneList, `list, ${threads}`);
        same(softDtw(x, y, { ...opts, threads }), value, `value only, ${threads}`);
      }
    });
  }

  it('divergences (soft, sharp, mean-cost) and sharp soft-DTW, with gradY', () => {
    const x = batch(5, 9, 2, 5, 'sqeuclidean', 'x');
    const y = batch(5, 12, 2, 6, 'sqeuclidean', 'y');
    for (const variant of ['soft', 'sharp', 'mean-cost'] as const) {
      const opts = { variant, gradY: true, gamma: 0.4 };
      const one = softDtwDivergenceValueAndGrad(x, y, opts);
      sameResult(softDtwDivergenceValueAndGrad(x, y, { ...opts, threads: 3 }), one, variant);
      const value = softDtwDivergence(x, y, opts);
      same(softDtwDivergence(x, y, { ...opts, threads: 3 }), value, `${variant} value`);
    }
    const one = sharpSoftDtwValueAndGrad(x, y, { gradY: true });
    sameResult(sharpSoftDtwValueAndGrad(x, y, { gradY: true, threads: 2 }), one, 'sharp');
    same(sharpSoftDtw(x, y, { threads: 2 }), sharpSoftDtw(x, y), 'sharp value');
  });

  it('float32 input keeps float32 gradients', () => {
    const x = tensor(Float32Array.from(batch(4, 10, 3, 7, 'sqeuclidean', 'x').data), [4, 10, 3]);
    const y = tensor(Float32Array.from(batch(4, 8, 3, 8, 'sqeuclidean', 'y').data), [4, 8, 3]);
    const one = softDtwValueAndGrad(x, y, { gradY: true });
    const two = softDtwValueAndGrad(x, y, { gradY: true, threads: 2 });
    expect(two.grad).toHaveProperty('data');
    expect((two.grad as Tensor).data).toBeInstanceOf(Float32Array);
    sameResult(two, one, 'float32');
  });

  it('the JavaScript kernels (LOSSES_WASM=off) are used on the workers too, with the same results', () => {
    const x = batch(4, 15, 3, 9, 'bce', 'x');
    const y = batch(4, 14, 3, 10, 'bce', 'y');
    const { wasm, js } = onBothPaths(() => softDtwValueAndGrad(x, y, { cost: 'bce', threads: 2 }));
    sameResult(wasm, js, 'wasm vs js');
    sameResult(wasm, softDtwValueAndGrad(x, y, { cost: 'bce' }), 'threads vs one');
  });

  it('the async functions give the same results (every item on a worker)', async () => {
    const x = batch(6, 11, 2, 11, 'sqeuclidean', 'x');
    const y = batch(6, 10, 2, 12, 'sqeuclidean', 'y');
    const opts = { gradY: true, threads: 3 } as const;
    const one = { gradY: true } as const;
    sameResult(await softDtwValueAndGradAsync(x, y, opts), softDtwValueAndGrad(x, y, one), 'async');
    same(await softDtwAsync(x, y, opts), softDtw(x, y), 'softDtwAsync');
    const div = { ...opts, variant: 'sharp' } as const;
    sameResult(
      await softDtwDivergenceValueAndGradAsync(x, y, div),
      softDtwDivergenceValueAndGrad(x, y, { ...one, variant: 'sharp' }),
      'divergence async',
    );
    same(
      await softDtwDivergenceAsync(x, y, div),
      softDtwDivergence(x, y, { variant: 'sharp' }),
      'divergence',
    );
    sameResult(
      await sharpSoftDtwValueAndGradAsync(x, y, opts),
      sharpSoftDtwValueAndGrad(x, y, one),
      'sharp async',
    );
    same(await sharpSoftDtwAsync(x, y, opts), sharpSoftDtw(x, y), 'sharp');
    // threads 1: computed on the calling thread, the same numbers
    sameResult(await softDtwValueAndGradAsync(x, y), softDtwValueAndGrad(x, y), 'async, 1 thread');
  });
});

describe('threads: errors', () => {
  /** A batch whose item `bad` is so large that the recursion would overflow (NON_FINITE). */
  function withHugeItem(bad: number) {
    const x = batch(4, 6, 2, 13, 'sqeuclidean', 'x');
    x.data.fill(1e160, bad * 12, (bad + 1) * 12);
    return { x, y: batch(4, 7, 2, 14, 'sqeuclidean', 'y') };
  }

  function thrown(f: () => unknown): LossInputError {
    try {
      f();
    } catch (e) {
      return e as LossInputError;
    }
    throw new Error('expected a throw');
  }

  it('an item that fails on a worker throws the same LossInputError as on one thread', () => {
    for (const bad of [0, 2, 3]) {
      const { x, y } = withHugeItem(bad);
      const one = thrown(() => softDtwValueAndGrad(x, y));
      const two = thrown(() => softDtwValueAndGrad(x, y, { threads: 2 }));
      const four = thrown(() => softDtwValueAndGrad(x, y, { threads: 4 }));
      for (const e of [two, four]) {
        expect(e).toBeInstanceOf(LossInputError);
        expect(e.code).toBe(one.code);
        expect(e.argument).toBe(`x[${bad}], y[${bad}]`);
        expect(e.message).toBe(one.message);
      }
    }
  });

  it('with bad items on several threads, the first bad item is reported (as on one thread)', () => {
    const x = batch(4, 6, 2, 15, 'sqeuclidean', 'x');
    x.data.fill(1e160, 1 * 12, 2 * 12);
    x.data.fill(1e160, 3 * 12, 4 * 12);
    const y = batch(4, 7, 2, 16, 'sqeuclidean', 'y');
    expect(thrown(() => softDtwValueAndGrad(x, y, { threads: 4 })).argument).toBe('x[1], y[1]');
    expect(thrown(() => softDtwValueAndGrad(x, y, { threads: 2 })).argument).toBe('x[1], y[1]');
  });

  it('the async functions reject with the same error', async () => {
    const { x, y } = withHugeItem(3);
    const one = thrown(() => softDtwValueAndGrad(x, y));
    await expect(softDtwValueAndGradAsync(x, y, { threads: 2 })).rejects.toMatchObject({
      name: 'LossInputError',
      code: one.code,
      argument: 'x[3], y[3]',
      message: one.message,
    });
    await expect(softDtwAsync(x, [[1]], { threads: 2 })).rejects.toBeInstanceOf(LossInputError);
  });

  it('the threads option: an integer >= 1 or auto, anything else refused naming it', () => {
    const x = [[0], [1]];
    for (const bad of [0, -1, 1.5, Number.NaN, Number.POSITIVE_INFINITY, '2', 'all', true, null]) {
      const e = thrown(() => softDtw(x, x, { threads: bad as never }));
      expect(e.code).toBe('INVALID_OPTION');
      expect(e.argument).toBe('softDtw: options.threads');
      // null gets the package-wide message (null never stands for the default)
      expect(e.message).toContain(bad === null ? 'null never stands' : "an integer >= 1 or 'auto'");
    }
    expect(Number.isFinite(softDtw(x, x, { threads: 'auto' }))).toBe(true);
  });

  it('a user cost runs on the calling thread (its functions cannot move to a worker)', () => {
    const r = rng(17);
    const calls: number[] = [];
    const cost = {
      matrix(a: Tensor, b: Tensor) {
        calls.push(a.shape[0]!);
        const [N, D] = a.shape as [number, number];
        const M = b.shape[0]!;
        const out = new Float64Array(N * M);
        for (let i = 0; i < N; i++)
          for (let j = 0; j < M; j++)
            for (let d = 0; d < D; d++) out[i * M + j] += (a.get(i, d) - b.get(j, d)) ** 2;
        return tensor(out, [N, M]);
      },
      vjp(a: Tensor) {
        return { x: tensor(new Float64Array(a.data.length), a.shape) };
      },
    };
    const x = tensor(Float64Array.from({ length: 3 * 4 * 2 }, r), [3, 4, 2]);
    const y = tensor(Float64Array.from({ length: 3 * 5 * 2 }, r), [3, 5, 2]);
    same(softDtw(x, y, { cost, threads: 3 }), softDtw(x, y), 'user cost');
    expect(calls).toEqual([4, 4, 4]);
  });
});

describe('threads: workers that cannot start, and process exit', () => {
  it('a worker entry that fails to load: its share is computed on the calling thread, same results', () => {
    const broken = {
      url: new URL('./no-such-worker.mjs', import.meta.url),
      web: ENTRY.web,
    };
    const before = setThreadKnobs({ entry: broken });
    try {
      const x = batch(5, 9, 3, 21, 'sqeuclidean', 'x');
      const y = batch(5, 8, 3, 22, 'sqeuclidean', 'y');
      const one = softDtwValueAndGrad(x, y, { gradY: true });
      sameResult(softDtwValueAndGrad(x, y, { gradY: true, threads: 3 }), one, 'fallback');
      // and again: the retired workers are replaced by new ones, which fail the same way
      sameResult(softDtwValueAndGrad(x, y, { gradY: true, threads: 3 }), one, 'fallback again');
    } finally {
      setThreadKnobs({ entry: before.entry });
    }
  });

  it('the async functions compute the shares of workers that fail to load on the calling thread', async () => {
    const broken = { url: new URL('./no-such-worker.mjs', import.meta.url), web: ENTRY.web };
    const before = setThreadKnobs({ entry: broken });
    try {
      const x = batch(5, 9, 3, 23, 'sqeuclidean', 'x');
      const y = batch(5, 8, 3, 24, 'sqeuclidean', 'y');
      const one = softDtwValueAndGrad(x, y, { gradY: true });
      sameResult(await softDtwValueAndGradAsync(x, y, { gradY: true, threads: 3 }), one, 'async');
    } finally {
      setThreadKnobs({ entry: before.entry });
    }
  });

  it('a Node process with idle workers exits by itself', () => {
    const script = fileURLToPath(new URL('./threads-exit.fixture.mts', import.meta.url));
    const run = spawnSync(process.execPath, ['--import', 'tsx', script], {
      encoding: 'utf8',
      timeout: 60_000,
    });
    expect(run.error).toBeUndefined();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    expect(run.stdout.trim()).toBe('threaded ok');
  });
});
