/**
 * A small bounded pool of worker threads for the batched kernels of the @losses packages (Node
 * `worker_threads`, Web Workers in browsers), and the worker side that serves it.
 *
 * Each package ships a worker entry (e.g. `dist/worker.js`) that imports its kernels and calls
 * {@link serveTasks} with a handler; the package's main code gets a pool for that entry with
 * {@link threadPool} and hands it tasks (structured-cloneable messages, typed arrays transferred).
 * Two ways to wait for the answers:
 *
 * - {@link ThreadPool.runSync}, synchronous (Node only): the calling thread posts the tasks,
 *   computes its own share meanwhile, then blocks in `Atomics.wait` on a small SharedArrayBuffer
 *   until each worker has answered, and reads each answer with `receiveMessageOnPort`. A
 *   synchronous loss (and a TensorFlow.js op, whose gradient must be synchronous) can then use
 *   every core. Browsers have no `receiveMessageOnPort`, and their main thread may not block: there
 *   `runSync` returns null and the caller runs single-threaded (same results).
 * - {@link ThreadPool.run}, a promise (Node and browsers, including a page's main thread): every
 *   task goes to a worker, the calling thread stays free.
 *
 * Workers are created on first use, at most {@link availableThreads} of them per entry, and kept
 * for later calls; in Node they are `unref`ed while idle, so they never keep a process alive.
 * Errors thrown by a handler come back as the same `LossInputError` (code, argument, message) or as
 * an `Error` with the worker's message. A worker whose entry fails to load is retired, and its
 * tasks go to the `fallback` of `runSync` (the calling thread) or reject `run`. A worker killed
 * from outside while a synchronous call waits for it (e.g. by the operating system's out-of-memory
 * killer) leaves that call waiting: the kernels catch their own allocation failures, so this needs
 * an outside kill.
 */
import { LossInputError, type LossInputErrorCode } from './errors.js';
import { show } from './options.js';

/** A task for a worker: a structured-cloneable message and the buffers to transfer with it. */
export interface ThreadTask {
  message: unknown;
  transfer?: Transferable[];
}

/** What a handler returns: the answer and the buffers to transfer back. */
export interface ThreadReply {
  result: unknown;
  transfer?: Transferable[];
}

/**
 * A package's worker entry: `url` for Node (loaded by the pool's bootstrap, which reports a load
 * failure), and `web()` for browsers, written in the package as
 * `() => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` so that bundlers
 * (webpack 5, Vite, Parcel, esbuild with a plugin) see the worker and emit it.
 */
export interface WorkerEntry {
  url: URL;
  web: () => Worker;
}

// --- the Node parts, reached without importing node:* (browsers and bundlers never see them) ---

interface NodePort {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (value: unknown) => void): void;
  unref?(): void;
  close(): void;
}

interface NodeWorker {
  postMessage(message: unknown, transfer?: readonly unknown[]): void;
  on(event: string, listener: (value: unknown) => void): void;
  ref(): void;
  unref(): void;
  terminate(): Promise<number>;
}

interface NodeWorkerThreads {
  Worker: new (
    code: string,
    options: { eval: true; workerData: unknown; transferList: unknown[] },
  ) => NodeWorker;
  MessageChannel: new () => { port1: NodePort; port2: NodePort };
  receiveMessageOnPort(port: NodePort): { message: unknown } | undefined;
  parentPort: NodePort | null;
  workerData: unknown;
  isMainThread: boolean;
}

type NodeProcess = { getBuiltinModule?: (id: string) => unknown; versions?: { node?: string } };

function nodeProcess(): NodeProcess | undefined {
  const p = (globalThis as { process?: NodeProcess }).process;
  return p?.versions?.node === undefined ? undefined : p;
}

/** node:worker_threads through process.getBuiltinModule (Node >= 20.16), else null. */
function workerThreads(): NodeWorkerThreads | null {
  const mod = nodeProcess()?.getBuiltinModule?.('node:worker_threads');
  return (mod as NodeWorkerThreads | undefined) ?? null;
}

/**
 * How many threads this machine runs at once: `os.availableParallelism()` in Node,
 * `navigator.hardwareConcurrency` in browsers, 1 where neither is known.
 */
export function availableThreads(): number {
  const os = nodeProcess()?.getBuiltinModule?.('node:os') as
    | { availableParallelism?: () => number; cpus(): unknown[] }
    | undefined;
  const n =
    os !== undefined
      ? (os.availableParallelism?.() ?? os.cpus().length)
      : (globalThis as { navigator?: { hardwareConcurrency?: number } }).navigator
          ?.hardwareConcurrency;
  return typeof n === 'number' && Number.isInteger(n) && n >= 1 ? n : 1;
}

/** Whether {@link ThreadPool.runSync} can use workers here (Node with worker_threads). */
export function canRunSync(): boolean {
  return workerThreads() !== null && typeof SharedArrayBuffer === 'function';
}

/**
 * Validates a `threads` option: an integer >= 1 or `'auto'` ({@link availableThreads}); absent
 * (undefined) gives `fallback`.
 *
 * @throws LossInputError `INVALID_OPTION` naming `name`.
 */
export function checkThreads(value: unknown, name: string, fallback = 1): number {
  if (value === undefined) return fallback;
  if (value === 'auto') return availableThreads();
  if (typeof value === 'number' && Number.isInteger(value) && value >= 1) return value;
  throw new LossInputError(
    'INVALID_OPTION',
    `${name}: expected an integer >= 1 or 'auto', got ${show(value)}`,
    name,
  );
}

// --- the messages between the pool and its workers ---

interface ErrorRecord {
  name: string;
  message: string;
  code?: LossInputErrorCode;
  argument?: string;
}

type Reply = { id: number; result: unknown } | { id: number; error: ErrorRecord };

function record(e: unknown): ErrorRecord {
  if (e instanceof LossInputError) {
    const r: ErrorRecord = { name: e.name, message: e.message, code: e.code };
    if (e.argument !== undefined) r.argument = e.argument;
    return r;
  }
  if (e instanceof Error) return { name: e.name, message: e.message };
  return { name: 'Error', message: String(e) };
}

/** The error of a worker's reply, rebuilt on the calling thread. */
function rebuild(r: ErrorRecord): Error {
  if (r.name === 'LossInputError' && r.code !== undefined) {
    return new LossInputError(r.code, r.message, r.argument);
  }
  const e = new Error(r.message);
  e.name = r.name;
  return e;
}

/**
 * What the bootstrap (below) shares with its worker: [0] the number of synchronous answers posted
 * since the pool last reset it, [1] 1 once the entry is loaded, -1 when it failed to load.
 */
const ANSWER = 0;
const STATE = 1;

// The Node bootstrap of a worker (CommonJS, eval): loads the package's entry and reports a load
// failure through the shared state, so that a synchronous wait never waits for a worker that
// will not come.
const BOOTSTRAP = `
const { workerData, parentPort } = require('node:worker_threads');
const s = new Int32Array(workerData.signal);
import(workerData.url).catch((e) => {
  Atomics.store(s, ${STATE}, -1);
  Atomics.notify(s, ${ANSWER});
  parentPort.postMessage({ id: -1, error: { name: 'Error', message: String((e && e.stack) || e) } });
});
`;

/**
 * Serves the tasks of a pool in a worker: `handler` receives each task's message and returns its
 * answer. Call it once, from the package's worker entry (in Node or in a Web Worker).
 */
export function serveTasks(handler: (message: unknown) => ThreadReply): void {
  const answer = (msg: { id: number; message: unknown }): { reply: Reply; transfer: unknown[] } => {
    try {
      const out = handler(msg.message);
      return { reply: { id: msg.id, result: out.result }, transfer: out.transfer ?? [] };
    } catch (e) {
      return { reply: { id: msg.id, error: record(e) }, transfer: [] };
    }
  };
  const wt = workerThreads();
  if (wt !== null && !wt.isMainThread && wt.parentPort !== null) {
    const parent = wt.parentPort;
    const data = wt.workerData as { signal: SharedArrayBuffer; port: NodePort };
    const signal = new Int32Array(data.signal);
    parent.on('message', (m) => {
      const msg = m as { id: number; sync: boolean; message: unknown };
      const { reply, transfer } = answer(msg);
      if (msg.sync) {
        // The answer is in the port's queue before the flag is set (postMessage enqueues
        // synchronously), so the waiting thread finds it there.
        data.port.postMessage(reply, transfer);
        Atomics.add(signal, ANSWER, 1);
        Atomics.notify(signal, ANSWER);
      } else {
        parent.postMessage(reply, transfer);
      }
    });
    Atomics.store(signal, STATE, 1);
    return;
  }
  const scope = globalThis as unknown as {
    onmessage: ((ev: { data: unknown }) => void) | null;
    postMessage(message: unknown, transfer: unknown[]): void;
  };
  scope.onmessage = (ev) => {
    const { reply, transfer } = answer(ev.data as { id: number; message: unknown });
    scope.postMessage(reply, transfer);
  };
}

// --- the pool ---

type Pending = { resolve: (v: unknown) => void; reject: (e: Error) => void };

/** Why a task sent with `run` got no answer: its worker failed to load, crashed or was closed. */
class WorkerLost extends Error {
  override name = 'WorkerLost';
}

/** One worker of a pool, with what the synchronous and the asynchronous paths need. */
class Slot {
  /** Tasks sent by `run` and not answered yet, by id. */
  readonly pending = new Map<number, Pending>();
  dead = false;

  constructor(
    readonly post: (message: unknown, transfer: Transferable[]) => void,
    readonly close: () => void,
    /** Node only: the shared flags and the port of synchronous answers. */
    readonly sync: { signal: Int32Array; port: NodePort; wt: NodeWorkerThreads } | null,
    private readonly ref: (on: boolean) => void,
  ) {}

  /** Called for every asynchronous answer. */
  settle(reply: Reply): void {
    if (reply.id === -1 && 'error' in reply) {
      // the bootstrap's report: the entry failed to load
      this.fail(new WorkerLost(reply.error.message));
      return;
    }
    const p = this.pending.get(reply.id);
    if (p === undefined) return;
    this.pending.delete(reply.id);
    if (this.pending.size === 0) this.ref(false);
    if ('error' in reply) p.reject(rebuild(reply.error));
    else p.resolve(reply.result);
  }

  /** The worker is gone: every pending task fails with `e`. */
  fail(e: Error): void {
    this.dead = true;
    for (const p of this.pending.values()) p.reject(e);
    this.pending.clear();
    this.ref(false);
  }

  /** Sends a task to be answered asynchronously. */
  send(id: number, task: ThreadTask): Promise<unknown> {
    return new Promise((resolve, reject) => {
      if (this.dead) {
        reject(new WorkerLost('@losses worker: the worker is no longer running'));
        return;
      }
      this.pending.set(id, { resolve, reject });
      this.ref(true);
      this.post({ id, sync: false, message: task.message }, task.transfer ?? []);
    });
  }
}

/**
 * A bounded pool of workers running one package's worker entry. Get one with {@link threadPool}.
 */
export class ThreadPool {
  private readonly slots: Slot[] = [];
  private nextId = 1;

  constructor(private readonly entry: WorkerEntry) {}

  /** Workers started so far (idle or busy). */
  get size(): number {
    return this.slots.filter((s) => !s.dead).length;
  }

  private spawn(): Slot | null {
    const wt = workerThreads();
    if (wt !== null) {
      const signal = new Int32Array(new SharedArrayBuffer(8));
      const { port1, port2 } = new wt.MessageChannel();
      port1.unref?.();
      const worker = new wt.Worker(BOOTSTRAP, {
        eval: true,
        workerData: { url: this.entry.url.href, signal: signal.buffer, port: port2 },
        transferList: [port2],
      });
      const slot = new Slot(
        (m, t) => worker.postMessage(m, t),
        () => {
          port1.close();
          void worker.terminate();
        },
        { signal, port: port1, wt },
        (on) => (on ? worker.ref() : worker.unref()),
      );
      worker.on('message', (m) => slot.settle(m as Reply));
      worker.on('error', (e) => slot.fail(new WorkerLost(`@losses worker: ${String(e)}`)));
      worker.on('exit', () => slot.fail(new WorkerLost('@losses worker: the worker exited')));
      // After the listeners: a 'message' listener added to an unref'ed worker refs it again
      // (Node 20), and the idle worker would keep the process alive.
      worker.unref();
      return slot;
    }
    if (typeof Worker !== 'function') return null;
    let worker: Worker;
    try {
      worker = this.entry.web();
    } catch {
      return null;
    }
    const slot = new Slot(
      (m, t) => worker.postMessage(m, t),
      () => worker.terminate(),
      null,
      () => {},
    );
    worker.onmessage = (ev: MessageEvent) => slot.settle(ev.data as Reply);
    worker.onerror = (ev: ErrorEvent) => {
      ev.preventDefault?.();
      slot.fail(new WorkerLost(`@losses worker: ${ev.message || 'the worker failed to load'}`));
    };
    return slot;
  }

  /** At most this many workers: {@link availableThreads}. */
  readonly limit = availableThreads();

  /** The first min(n, limit) live workers, starting as many as are missing (fewer where none can). */
  private take(n: number): Slot[] {
    for (let k = this.slots.length - 1; k >= 0; k--) {
      if (this.slots[k]!.dead) this.slots.splice(k, 1);
    }
    const want = Math.min(n, this.limit);
    while (this.slots.length < want) {
      const s = this.spawn();
      if (s === null) break;
      this.slots.push(s);
    }
    return this.slots.slice(0, want);
  }

  /**
   * Runs `tasks` on workers (task k on worker k mod n) and `here` on the calling thread at the same
   * time, and returns the tasks' answers in order, after `here` returned; synchronous (Node:
   * `Atomics.wait` on a SharedArrayBuffer). Null where this environment cannot (browsers, whose
   * main thread may not block and which lack the synchronous port read this needs; Node < 20.16):
   * then nothing ran and the caller computes everything itself.
   *
   * The tasks of a worker whose entry fails to load are computed by `fallback` on the calling
   * thread (it must not need the task's transferred buffers, which are gone). Errors are thrown after every worker has answered: `here`'s first, then the tasks' in
   * task order (so that a caller that splits its items in order throws the error of the first bad
   * item, as a single thread would).
   */
  runSync<R>(
    tasks: readonly ThreadTask[],
    here: () => void,
    fallback: (task: ThreadTask) => R,
  ): R[] | null {
    if (!canRunSync() || tasks.length === 0) return null;
    const slots = this.take(tasks.length);
    const n = slots.length;
    if (n === 0 || slots.some((s) => s.sync === null)) return null;
    for (const s of slots) Atomics.store(s.sync!.signal, ANSWER, 0);
    tasks.forEach((task, k) => {
      const msg = { id: this.nextId++, sync: true, message: task.message };
      slots[k % n]!.post(msg, task.transfer ?? []);
    });
    let hereError: unknown = null;
    try {
      here();
    } catch (e) {
      hereError = e;
    }
    const out: R[] = [];
    const errors: unknown[] = [];
    const got = new Array<number>(n).fill(0);
    tasks.forEach((task, k) => {
      const slot = slots[k % n]!;
      const { signal, port, wt } = slot.sync!;
      // A worker answers its tasks in the order they were sent.
      const seen = got[k % n]!;
      while (Atomics.load(signal, ANSWER) <= seen) {
        if (Atomics.load(signal, STATE) === -1) break;
        Atomics.wait(signal, ANSWER, seen, 50);
      }
      if (Atomics.load(signal, ANSWER) <= seen) {
        // The entry failed to load: retire the worker, compute its tasks here.
        if (!slot.dead) {
          slot.dead = true;
          slot.close();
        }
        try {
          out.push(fallback(task));
        } catch (e) {
          errors.push(e);
        }
        return;
      }
      got[k % n] = seen + 1;
      const reply = wt.receiveMessageOnPort(port)!.message as Reply;
      if ('error' in reply) errors.push(rebuild(reply.error));
      else out.push(reply.result as R);
    });
    if (hereError !== null) throw hereError;
    if (errors.length > 0) throw errors[0];
    return out;
  }

  /**
   * Runs every task on a worker (task k on worker k mod n) and resolves with their answers in
   * order; the calling thread stays free (a browser page's main thread). The tasks of a worker
   * that fails to load or dies are computed by `fallback` on the calling thread (pass tasks whose
   * buffers `fallback` does not need, or that are not transferred). Rejects with the first error in
   * task order. Null when no worker can start in this environment (then nothing ran).
   */
  async run<R>(
    tasks: readonly ThreadTask[],
    fallback: (task: ThreadTask) => R,
  ): Promise<R[] | null> {
    const slots = this.take(tasks.length);
    if (slots.length === 0) return null;
    const answers = tasks.map((task, k) =>
      slots[k % slots.length]!.send(this.nextId++, task).catch((e: unknown) => {
        if (e instanceof WorkerLost) return fallback(task);
        throw e;
      }),
    );
    const settled = await Promise.allSettled(answers);
    const bad = settled.find((s) => s.status === 'rejected');
    if (bad !== undefined) throw (bad as PromiseRejectedResult).reason;
    return settled.map((s) => (s as PromiseFulfilledResult<unknown>).value as R);
  }

  /** Stops every worker (the pool starts new ones on its next use). */
  close(): void {
    for (const s of this.slots) {
      s.fail(new WorkerLost('@losses worker: the pool was closed'));
      s.close();
    }
    this.slots.length = 0;
  }
}

const pools = new Map<string, ThreadPool>();

/** The pool of a worker entry (one per entry URL, made on first use). */
export function threadPool(entry: WorkerEntry): ThreadPool {
  const key = entry.url.href;
  let pool = pools.get(key);
  if (pool === undefined) {
    pool = new ThreadPool(entry);
    pools.set(key, pool);
  }
  return pool;
}
