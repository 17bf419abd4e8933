import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { LossInputError, type Tensor, tensor } from '@losses/tensor';
import { setWasmEnabled } from '@losses/tensor/internal';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createMssLoss, type MssLoss, type MssOptions, mssPresets } from '../src/index.js';
import { createJsEngineLoss } from '../src/loss.js';
import { setThreadKnobs, workerConfig } from '../src/threads.js';
import { errorOf, signal } from './helpers.js';

// The workers run the TypeScript sources (test/worker-entry.mjs); every batch is threaded however
// small it is, with up to 4 threads on any machine (the pool itself keeps at most as many workers
// as the machine has cores, so shares beyond that queue on them).
const ENTRY = {
  url: new URL('./worker-entry.mjs', import.meta.url),
  web: () => {
    throw new Error('no Web Workers in Node');
  },
};
let was: ReturnType<typeof setThreadKnobs>;
beforeAll(() => {
  was = setThreadKnobs({ entry: ENTRY, minSamples: 1, maxThreads: 4 });
});
afterAll(() => {
  setThreadKnobs(was);
});

const B = 8;
const T = 3000;

/** B items of T samples; `silent` items are exact zeros. */
function batch(seed: number, silent: number[], f32: boolean): Tensor {
  const data = signal(T, seed, B);
  for (const b of silent) data.fill(0, b * T, (b + 1) * T);
  return tensor(f32 ? Float32Array.from(data) : data, [B, T]);
}

function same(a: number, b: number, what: string): void {
  if (!Object.is(a, b)) throw new Error(`${what}: ${a} vs ${b}`);
}

function sameData(a: Tensor, b: Tensor, what: string): void {
  expect(a.shape).toEqual(b.shape);
  expect(a.data.constructor).toBe(b.data.constructor);
  expect(a.data.length).toBe(b.data.length);
  for (let i = 0; i < a.data.length; i++) same(a.data[i]!, b.data[i]!, `${what}[${i}]`);
}

/** value, perItem and valueAndGrad of `threaded` are those of `one`, bit for bit. */
function sameCalls(one: MssLoss, threaded: MssLoss, est: Tensor, tgt: Tensor, what: string): void {
  const a = one.valueAndGrad(est, tgt);
  const b = threaded.valueAndGrad(est, tgt);
  same(b.value, a.value, `${what} value`);
  sameData(b.grad, a.grad, `${what} grad`);
  same(threaded.value(est, tgt), one.value(est, tgt), `${what} value()`);
  sameData(threaded.perItem(est, tgt), one.perItem(est, tgt), `${what} perItem`);
  // the comparison could fail: the gradient is not all zeros
  expect(a.grad.data.some((v) => v !== 0)).toBe(true);
}

// estimate items 2 and 5 silent, target items 5 and 6 silent (item 5: both)
const est64 = batch(1, [2, 5], false);
const tgt64 = batch(2, [5, 6], false);
const est32 = batch(1, [2, 5], true);
const tgt32 = batch(2, [5, 6], true);

describe('threads: the same results as one thread, bit for bit', () => {
  it('every preset and the Wasserstein distance over mel bands can move to a worker', () => {
    // (main's perceptual config carried a function, padOf: no call was ever spread, and the
    // bit-for-bit comparisons below passed on one thread)
    const options: MssOptions[] = [
      ...Object.values(mssPresets),
      {
        sampleRate: 16000,
        scale: { kind: 'mel', bands: 20 },
        compressions: ['log1p'],
        distance: { kind: 'wasserstein', p: 2 },
        pad: (n: number, h: number) => (n - h) / 2,
        center: false,
      },
    ];
    for (const o of options) {
      const c = workerConfig(createMssLoss(o).config);
      expect(c).toBeDefined();
      expect(structuredClone(c)).toEqual(c);
    }
  });

  for (const preset of Object.keys(mssPresets) as (keyof typeof mssPresets)[]) {
    // 4 and 'auto' for one preset (the test's time on a shared machine)
    const counts = preset === 'standard' ? ([2, 3, 4, 'auto'] as const) : ([2, 3] as const);
    it(`${preset}: threads ${counts.join(', ')}, float32 and float64, silent items`, () => {
      const one = createMssLoss(preset);
      for (const threads of counts) {
        const many = createMssLoss(preset, { threads });
        sameCalls(one, many, est32, tgt32, `${preset} threads ${threads} float32`);
        sameCalls(one, many, est64, tgt64, `${preset} threads ${threads} float64`);
      }
    });
  }

  it('stereo (sum-difference) stays on the calling thread, with the same results', () => {
    const stereo = (t: Tensor) => tensor(t.data.slice(0, 4 * 2 * T), [4, 2, T]);
    const one = createMssLoss({ stereo: 'sum-difference' });
    const many = createMssLoss({ stereo: 'sum-difference' }, { threads: 2 });
    sameCalls(one, many, stereo(est64), stereo(tgt64), 'stereo threads 2');
  });

  it('options beyond the presets: centred reflect frames, spectral convergence, l2, custom windows, Wasserstein over mel bands', () => {
    const options: MssOptions[] = [
      { center: true, padMode: 'reflect', spectralConvergence: 1, distance: 'l2' },
      {
        sizes: [128, 512],
        window: [
          Float64Array.from({ length: 128 }, (_, k) => 1 + Math.sin(k)),
          Float64Array.from({ length: 512 }, (_, k) => 1 + Math.cos(k)),
        ],
        compressions: [{ kind: 'log1p', gamma: 3 }],
        padEnd: true,
      },
      // issue 16 with issue 14: the Wasserstein distance over the bands of a mel scale
      {
        sampleRate: 16000,
        sizes: [256, 512],
        scale: { kind: 'mel', bands: 20 },
        power: 2,
        compressions: ['log1p'],
        distance: { kind: 'wasserstein', p: 2 },
      },
    ];
    // spectral convergence is undefined for a silent target item: targets without one here
    const loud = batch(3, [], false);
    for (const [k, o] of options.entries()) {
      sameCalls(createMssLoss(o), createMssLoss(o, { threads: 3 }), est64, loud, `options ${k}`);
    }
  });

  it('the JavaScript engine and LOSSES_WASM=off are used on the workers too, same results', () => {
    sameCalls(
      createJsEngineLoss(mssPresets.standard),
      createJsEngineLoss(mssPresets.standard, { threads: 2 }),
      est32,
      tgt32,
      'js engine',
    );
    const before = setWasmEnabled(false);
    try {
      sameCalls(
        createMssLoss('smooth'),
        createMssLoss('smooth', { threads: 2 }),
        est64,
        tgt64,
        'wasm off',
      );
    } finally {
      setWasmEnabled(before);
    }
  });

  it('items taken one at a time or in chunks that do not divide the batch, and the shared memory reused across shapes and float types', () => {
    // chunks of 1 item (every thread takes items until none are left), then of 3 items (8 = 3 +
    // 3 + 2), then a call larger than the previous ones (the kept shared buffer grows) and a
    // smaller one (it is reused), float32 and float64 alternating
    const one = createMssLoss('standard');
    const many = createMssLoss('standard', { threads: 3 });
    const wide = (t: Tensor, items: number): Tensor => {
      const out =
        t.data instanceof Float32Array ? new Float32Array(items * T) : new Float64Array(items * T);
      for (let i = 0; i < out.length; i++) out[i] = t.data[i % t.data.length]!;
      return tensor(out, [items, T]);
    };
    for (const chunkSamples of [1, 3 * T]) {
      const before = setThreadKnobs({ chunkSamples });
      try {
        sameCalls(one, many, est32, tgt32, `chunks of ${chunkSamples} samples, float32`);
        sameCalls(one, many, est64, tgt64, `chunks of ${chunkSamples} samples, float64`);
        sameCalls(one, many, wide(est64, 13), wide(tgt64, 13), `13 items, float64`);
        sameCalls(one, many, wide(est32, 5), wide(tgt32, 5), `5 items, float32`);
        // a float32 estimate against a float64 target
        sameCalls(one, many, est32, tgt64, 'float32 estimate, float64 target');
      } finally {
        setThreadKnobs({ chunkSamples: before.chunkSamples });
      }
    }
  });

  it('one item and an odd item count', () => {
    const one = createMssLoss('standard');
    const many = createMssLoss('standard', { threads: 4 });
    const e1 = tensor(est64.data.slice(0, T), [T]);
    const t1 = tensor(tgt64.data.slice(0, T), [T]);
    const a = one.valueAndGrad(e1, t1);
    const b = many.valueAndGrad(e1, t1);
    same(b.value, a.value, 'one item');
    sameData(b.grad, a.grad, 'one item grad');
    const e3 = tensor(est64.data.slice(0, 3 * T), [3, T]);
    const t3 = tensor(tgt64.data.slice(0, 3 * T), [3, T]);
    sameCalls(one, many, e3, t3, 'three items');
  });
});

describe('threads: options and errors', () => {
  it('run.threads: an integer >= 1 or auto, anything else refused naming it', () => {
    for (const bad of [0, -1, 1.5, '2', null, Number.NaN]) {
      const e = errorOf(() => createMssLoss('standard', { threads: bad as never }));
      expect(e?.code).toBe('INVALID_OPTION');
      expect(e?.argument).toBe('run.threads');
    }
    const e = errorOf(() => createMssLoss('standard', { thread: 2 } as never));
    expect(e?.code).toBe('INVALID_OPTION');
    expect(e?.message).toMatch(/thread/);
    expect(errorOf(() => createMssLoss('standard', 'fast' as never))?.code).toBe('INVALID_OPTION');
  });

  it('bad inputs throw the one-thread errors before any work is handed out', () => {
    const many = createMssLoss('standard', { threads: 2 });
    const one = createMssLoss('standard');
    const bad = Float64Array.from(est64.data);
    bad[5 * T + 7] = Number.NaN;
    const nan = tensor(bad, [B, T]);
    const short = tensor(new Float64Array(B * 100), [B, 100]);
    for (const [e, t] of [
      [nan, tgt64],
      [est64, nan],
      [short, short],
      [est64, tensor(tgt64.data.slice(0, 4 * T), [4, T])],
    ] as const) {
      const a = errorOf(() => one.valueAndGrad(e, t));
      const b = errorOf(() => many.valueAndGrad(e, t));
      expect(a).toBeInstanceOf(LossInputError);
      expect(b?.code).toBe(a!.code);
      expect(b?.message).toBe(a!.message);
    }
  });

  it('an error found while computing (a silent target item under spectral convergence) names the item of the call, as one thread does', () => {
    const o: MssOptions = { spectralConvergence: 1 };
    // target items 5 and 6 are silent; on 3 threads (shares 0-1, 2-4, 5-7) item 5 is the first
    // of the last share
    const a = errorOf(() => createMssLoss(o).valueAndGrad(est64, tgt64));
    const b = errorOf(() => createMssLoss(o, { threads: 3 }).valueAndGrad(est64, tgt64));
    expect(a?.message).toMatch(/item 5 /);
    expect(b?.code).toBe(a!.code);
    expect(b?.message).toBe(a!.message);
  });
});

describe('threads: workers that cannot start, and process exit', () => {
  it('a worker entry that fails to load: its shares are computed on the calling thread, same results', () => {
    const broken = { url: new URL('./no-such-worker.mjs', import.meta.url), web: ENTRY.web };
    const before = setThreadKnobs({ entry: broken });
    try {
      const one = createMssLoss('smooth');
      const many = createMssLoss('smooth', { threads: 3 });
      sameCalls(one, many, est32, tgt32, 'fallback');
      // and again: the retired workers are replaced by new ones, which fail the same way
      sameCalls(one, many, est32, tgt32, 'fallback again');
    } finally {
      setThreadKnobs({ entry: before.entry });
    }
  });

  it('a Node process whose synchronous threaded call left idle workers exits by itself', () => {
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
