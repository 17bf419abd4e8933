import { threadId } from 'node:worker_threads';
import { afterAll, describe, expect, it } from 'vitest';
import { LossInputError } from '../src/errors.js';
import {
  availableThreads,
  canRunSync,
  checkThreads,
  type ThreadTask,
  threadPool,
} from '../src/internal.js';

const web = () => {
  throw new Error('no Web Workers in Node');
};
const pool = threadPool({ url: new URL('./fixtures/pool-worker.mjs', import.meta.url), web });
const broken = threadPool({ url: new URL('./fixtures/no-such-worker.mjs', import.meta.url), web });
afterAll(() => {
  pool.close();
  broken.close();
});

const double = (values: number[]): ThreadTask => {
  const data = Float64Array.from(values);
  return { message: { op: 'double', data }, transfer: [data.buffer] };
};
type Doubled = { data: Float64Array; thread: number };

describe('@losses/tensor/internal: the worker pool', () => {
  it('knows the machine: availableThreads >= 1, synchronous waits in Node, the same pool per entry', () => {
    expect(availableThreads()).toBeGreaterThanOrEqual(1);
    expect(canRunSync()).toBe(true);
    expect(threadPool({ url: new URL('./fixtures/pool-worker.mjs', import.meta.url), web })).toBe(
      pool,
    );
  });

  it('runSync: answers in task order, tasks beyond the workers shared round robin, the calling thread computing meanwhile', () => {
    const tasks = Array.from({ length: 2 * pool.limit + 1 }, (_, k) => double([k, k + 0.5]));
    const sent = tasks.map((t) => (t.message as { data: Float64Array }).data);
    let here = 0;
    const got = pool.runSync<Doubled>(
      tasks,
      () => {
        here = threadId;
      },
      () => {
        throw new Error('no fallback expected');
      },
    )!;
    expect(here).toBe(threadId);
    expect(got.map((g) => Array.from(g.data))).toEqual(tasks.map((_, k) => [2 * k, 2 * k + 1]));
    // transferred both ways: the sent buffers are detached, the answers are new arrays
    expect(sent.every((d) => d.length === 0)).toBe(true);
    const threads = new Set(got.map((g) => g.thread));
    expect(threads.has(threadId)).toBe(false);
    expect(threads.size).toBe(Math.min(pool.limit, tasks.length));
    expect(pool.size).toBeLessThanOrEqual(pool.limit);
  });

  it('runSync: the workers start before the calling thread computes its share (they overlap)', () => {
    const shared = new SharedArrayBuffer(4);
    let seen = '';
    pool.runSync(
      [{ message: { op: 'handshake', shared } }],
      () => {
        // the worker's task runs while this share waits for it (10 s: only a deadlock fails)
        seen = Atomics.wait(new Int32Array(shared), 0, 0, 10_000);
      },
      () => null,
    );
    expect(seen).not.toBe('timed-out');
  });

  it('runSync: a LossInputError comes back as one (code, argument, message); the first in task order', () => {
    const tasks = [
      double([1]),
      { message: { op: 'lossError', k: 1 } },
      { message: { op: 'lossError', k: 2 } },
    ];
    let e: unknown;
    try {
      pool.runSync(
        tasks,
        () => {},
        () => null,
      );
    } catch (err) {
      e = err;
    }
    expect(e).toBeInstanceOf(LossInputError);
    expect(e).toMatchObject({
      code: 'SHAPE_MISMATCH',
      argument: 'x[1]',
      message: 'x[1]: a bad item',
    });
  });

  it("runSync: another error comes back with the worker's name and message; the calling thread's error first", () => {
    expect(() =>
      pool.runSync(
        [{ message: { op: 'nope' } }],
        () => {},
        () => null,
      ),
    ).toThrow(expect.objectContaining({ name: 'RangeError', message: 'no operation nope' }));
    expect(() =>
      pool.runSync(
        [{ message: { op: 'lossError', k: 0 } }],
        () => {
          throw new TypeError('here first');
        },
        () => null,
      ),
    ).toThrow('here first');
    // the pool still works afterwards
    expect(
      pool.runSync<Doubled | null>(
        [double([3])],
        () => {},
        () => null,
      )![0]!.data[0],
    ).toBe(6);
  });

  it('run: every task on a worker, answers in order; errors reject in task order', async () => {
    const got = await pool.run<Doubled>(
      Array.from({ length: 5 }, (_, k) => double([k])),
      () => {
        throw new Error('no fallback expected');
      },
    );
    expect(got!.map((g) => g.data[0])).toEqual([0, 2, 4, 6, 8]);
    expect(got!.every((g) => g.thread !== threadId)).toBe(true);
    await expect(
      pool.run([{ message: { op: 'lossError', k: 4 } }, { message: { op: 'nope' } }], () => null),
    ).rejects.toMatchObject({ name: 'LossInputError', code: 'SHAPE_MISMATCH', argument: 'x[4]' });
  });

  it('an entry that fails to load: runSync and run compute its tasks with the fallback', async () => {
    const fallback = (t: ThreadTask) => ({ fromFallback: (t.message as { k: number }).k });
    const tasks = [{ message: { k: 1 } }, { message: { k: 2 } }];
    expect(broken.runSync(tasks, () => {}, fallback)).toEqual([
      { fromFallback: 1 },
      { fromFallback: 2 },
    ]);
    expect(await broken.run(tasks, fallback)).toEqual([{ fromFallback: 1 }, { fromFallback: 2 }]);
  });

  it('close stops the workers; the next call starts new ones', () => {
    pool.runSync(
      [double([1])],
      () => {},
      () => null,
    );
    expect(pool.size).toBeGreaterThan(0);
    pool.close();
    expect(pool.size).toBe(0);
    expect(
      pool.runSync<Doubled | null>(
        [double([5])],
        () => {},
        () => null,
      )![0]!.data[0],
    ).toBe(10);
  });
});

describe('@losses/tensor/internal: checkThreads', () => {
  it("accepts integers >= 1 and 'auto' (the available threads); undefined gives the default", () => {
    expect(checkThreads(1, 'o.threads')).toBe(1);
    expect(checkThreads(7, 'o.threads')).toBe(7);
    expect(checkThreads('auto', 'o.threads')).toBe(availableThreads());
    expect(checkThreads(undefined, 'o.threads')).toBe(1);
    expect(checkThreads(undefined, 'o.threads', 3)).toBe(3);
  });

  it('refuses anything else with INVALID_OPTION naming the option', () => {
    for (const bad of [0, -2, 2.5, Number.NaN, Number.POSITIVE_INFINITY, '2', null, true, {}]) {
      let e: unknown;
      try {
        checkThreads(bad, 'o.threads');
      } catch (err) {
        e = err;
      }
      expect(e).toBeInstanceOf(LossInputError);
      expect(e).toMatchObject({ code: 'INVALID_OPTION', argument: 'o.threads' });
      expect((e as Error).message).toMatch(/^o\.threads: expected an integer >= 1 or 'auto', got /);
    }
  });
});
