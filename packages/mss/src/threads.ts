/**
 * The items of a batched call spread over worker threads (the `threads` option of
 * `createMssLoss`): the calling thread and up to n - 1 workers (src/worker.ts, through the pool of
 * `@losses/tensor/internal`) take the B items a chunk at a time from a shared counter until none
 * are left, each evaluating its chunks with an {@link MssKernel} of the same configuration and the
 * whole call's item weight (1 / B). The items of a batch are independent in both engines (an
 * item's numbers are the same alone or in any batch), so every value, per-item loss and gradient
 * is the same, bit for bit, as on one thread, whichever thread took which item.
 *
 * Why chunks taken from a counter rather than fixed shares (issue 17): with fixed shares (B / n
 * contiguous items per thread, copied to each worker and its gradient copied back) the call lasted
 * as long as its slowest share, and on the 2-core machine a share was often slower than its twin:
 * a worker woken late, or a core taken for a while by another process, left the other thread
 * waiting (`standard`, B = 8, T = 16000, float32: 0.64-0.75x one thread at best, its threads
 * 4-7 ms of CPU above one thread's). Taken one item at a time, the items go to whichever thread is
 * free, and a thread's work memory per call is one item's (about 1.5 MB per scale for `standard`,
 * within a core's L2 cache) rather than four items'. The signals and gradients live in one
 * SharedArrayBuffer that every thread reads and writes in place (see {@link Shared}).
 *
 * This file is the whole of the package's part; the pool and its synchronous wait are shared with
 * @losses/softdtw in `@losses/tensor/internal`.
 */
import type { DType, FloatArray, Tensor } from '@losses/tensor';
import { checkKeys, dtypeOf, tensor } from '@losses/tensor';
import {
  availableThreads,
  canRunSync,
  checkThreads,
  setWasmEnabled,
  type ThreadReply,
  type ThreadTask,
  threadPool,
  type WorkerEntry,
  wasmEnabled,
} from '@losses/tensor/internal';
import { dataOf } from './engine.js';
import { type Engines, MssKernel } from './kernel.js';
import type { MssConfig } from './options.js';

// The worker entry of this package (dist/worker.js). Browsers start it with the literal
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` that bundlers look for;
// Node loads the URL through the pool's bootstrap (written with a variable, so that a bundler does
// not copy the file as an asset for it).
const WORKER_FILE = './worker.js';
const ENTRY: WorkerEntry = {
  url: new URL(WORKER_FILE, import.meta.url),
  web: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
};

/**
 * Below this many estimate samples per thread a batch stays on the calling thread: a worker's
 * round trip (a message, the signals copied once into shared memory, the wake-ups) must stay small
 * against its share's work (about 0.3 us per sample and scale for the presets).
 */
const MIN_SAMPLES_PER_THREAD = 1 << 14;

/**
 * Threads take the items of a call this many samples at a time at least (one item of 16,000
 * samples for the bench's batch): small enough that a slow thread holds the call back by at most
 * one chunk, large enough that a chunk's fixed cost (a kernel call per scale) stays small.
 */
const CHUNK_SAMPLES = 1 << 13;

const knobs = {
  entry: ENTRY,
  minSamples: MIN_SAMPLES_PER_THREAD,
  maxThreads: 0,
  chunkSamples: CHUNK_SAMPLES,
};

/**
 * For the tests only: another worker entry (one that runs the TypeScript sources), another minimum
 * of samples per thread, another cap than {@link availableThreads} (0: that), another chunk size.
 * Returns the previous settings.
 */
export function setThreadKnobs(k: Partial<typeof knobs>): typeof knobs {
  const was = { ...knobs };
  Object.assign(knobs, k);
  return was;
}

/**
 * How a loss runs (the second argument of `createMssLoss`), apart from what it computes (its
 * options and presets).
 */
export interface MssRunOptions {
  /**
   * Threads for a batch `[B, T]`: an integer >= 1 or `'auto'` (the machine's available
   * parallelism), at most that many (and one item per thread at least). The calling thread and
   * worker threads (Node `worker_threads`) take the items a few at a time until none are left,
   * and the value, per-item losses and gradient are the same, bit for bit, as on one thread.
   * Synchronous workers need Node (>= 20.16); elsewhere (browsers) and for batches too small to
   * gain (under 16,384 samples per thread) the loss runs on the calling thread alone. Default 1 (no
   * workers). See the package README, "Threads".
   */
  threads?: number | 'auto';
}

/**
 * Validates the run options of `createMssLoss`.
 *
 * @throws LossInputError `INVALID_OPTION` naming `run` (not an object, an unknown key) or
 *   `run.threads`.
 */
export function resolveRunOptions(run: MssRunOptions | undefined): { threads: number } {
  checkKeys(run, 'run', ['threads']);
  return { threads: checkThreads(run?.threads, 'run.threads') };
}

/** A loss's identity for the workers: they keep a kernel per loss between calls. */
export interface ThreadedLoss {
  readonly config: MssConfig;
  readonly kernel: MssKernel;
  readonly engines: Engines;
  /** The `threads` option (1: never threaded). */
  readonly threads: number;
  /** Unique in this process (a worker's kernel cache key). */
  readonly id: number;
}

let lastId = 0;

/** A fresh {@link ThreadedLoss.id}. */
export function nextLossId(): number {
  return ++lastId;
}

/**
 * The configuration a worker gets: the loss's own, without `perceptual.padOf` (a function, used only
 * to draw resolutions, which stay on the calling thread; every fixed-resolution step reads
 * `perceptual.pad`). Undefined when it cannot be structured-cloned.
 */
const workerConfigs = new WeakMap<MssConfig, MssConfig | null>();
/** @internal Exported for tests. */
export function workerConfig(config: MssConfig): MssConfig | undefined {
  let out = workerConfigs.get(config);
  if (out === undefined) {
    const { padOf: _drawnOnly, ...perceptual } = config.perceptual;
    const candidate = { ...config, perceptual } as unknown as MssConfig;
    try {
      structuredClone(candidate);
      out = candidate;
    } catch {
      out = null;
    }
    workerConfigs.set(config, out);
  }
  return out ?? undefined;
}

/**
 * The memory a threaded call shares with its workers (one SharedArrayBuffer): every item's loss,
 * the counter of items handed out, the estimate and target rows, and the gradient rows. Threads
 * take the items a chunk at a time from the counter (`Atomics.add`), so a thread that runs slower
 * (a worker that starts late, a core taken by another process) takes fewer items and the call
 * ends when the items run out, not when a fixed share of a slow thread does; each thread writes
 * its items' losses and gradient rows in place, so nothing is copied back.
 */
interface Shared {
  /** [B] float64: item b's loss, written by the thread that took it. */
  perItem: Float64Array;
  /** [1]: the first item not handed out yet. */
  next: Int32Array;
  est: FloatArray;
  target: FloatArray;
  /** [B, T] in the estimate's float type (with a gradient). */
  grad: FloatArray | null;
}

/** The byte size of a {@link Shared} layout, and the offsets of its parts. */
function sharedLayout(
  B: number,
  T: number,
  estBytes: number,
  targetBytes: number,
  grad: boolean,
): { bytes: number; next: number; est: number; target: number; grad: number } {
  const align = (b: number) => Math.ceil(b / 8) * 8;
  const next = 8 * B;
  const est = align(next + 4);
  const target = align(est + estBytes * B * T);
  const g = align(target + targetBytes * B * T);
  return { bytes: g + (grad ? estBytes * B * T : 0), next, est, target, grad: g };
}

const bytesOf = (dtype: DType) => (dtype === 'float32' ? 4 : 8);

/** Typed views of a {@link Shared} buffer. */
function sharedViews(
  buffer: SharedArrayBuffer,
  B: number,
  T: number,
  estType: DType,
  targetType: DType,
  grad: boolean,
): Shared {
  const view = (dtype: DType, offset: number): FloatArray =>
    dtype === 'float32'
      ? new Float32Array(buffer, offset, B * T)
      : new Float64Array(buffer, offset, B * T);
  const at = sharedLayout(B, T, bytesOf(estType), bytesOf(targetType), grad);
  return {
    perItem: new Float64Array(buffer, 0, B),
    next: new Int32Array(buffer, at.next, 1),
    est: view(estType, at.est),
    target: view(targetType, at.target),
    grad: grad ? view(estType, at.grad) : null,
  };
}

/**
 * One shared buffer kept between calls (calls of a thread never overlap: the calling thread
 * waits for its workers), up to {@link KEPT_SHARED_BYTES}; larger calls get their own.
 */
let keptShared: SharedArrayBuffer | undefined;
const KEPT_SHARED_BYTES = 1 << 24;

function sharedBuffer(bytes: number): SharedArrayBuffer {
  if (bytes > KEPT_SHARED_BYTES) return new SharedArrayBuffer(bytes);
  if (keptShared === undefined || keptShared.byteLength < bytes) {
    keptShared = new SharedArrayBuffer(Math.max(bytes, keptShared?.byteLength ?? 0));
  }
  return keptShared;
}

/** What a worker gets: the call's shared memory and how to read it. */
interface ShareMessage {
  id: number;
  config: MssConfig;
  engines: Engines;
  /** The calling thread's WebAssembly switch (the same kernels on both sides). */
  wasm: boolean;
  buffer: SharedArrayBuffer;
  estType: DType;
  targetType: DType;
  items: number;
  length: number;
  /** Items taken at a time. */
  chunk: number;
  grad: boolean;
  itemWeight: number;
}

/** The loss of some items: the target prepared for this call, then the estimate evaluated. */
function evaluateItems(
  kernel: MssKernel,
  est: FloatArray,
  target: FloatArray,
  items: number,
  length: number,
  grad: boolean,
  itemWeight: number,
): { perItem: Float64Array; grad: FloatArray | null } {
  const prepared = kernel.prepareTarget(tensor(target, [items, length]), false, true);
  const r = kernel.evaluate(tensor(est, [items, length]), prepared, grad, itemWeight);
  return { perItem: r.perItem, grad: r.grad === undefined ? null : dataOf(r.grad) };
}

/**
 * Takes chunks of items from the shared counter until none are left, evaluating each with
 * `kernel` from the rows `est` and `target` (the shared ones, or the caller's own, which hold the
 * same numbers) and writing its losses and gradient rows into `out`. A thread whose chunk throws
 * hands out the rest of the items (to nobody) before it rethrows, so that the others stop soon:
 * the caller then recomputes the call on one thread.
 */
function takeItems(
  kernel: MssKernel,
  out: Shared,
  est: FloatArray,
  target: FloatArray,
  items: number,
  length: number,
  chunk: number,
  grad: boolean,
  itemWeight: number,
): void {
  for (;;) {
    const b0 = Atomics.add(out.next, 0, chunk);
    if (b0 >= items) return;
    const b1 = Math.min(items, b0 + chunk);
    try {
      const r = evaluateItems(
        kernel,
        est.subarray(b0 * length, b1 * length),
        target.subarray(b0 * length, b1 * length),
        b1 - b0,
        length,
        grad,
        itemWeight,
      );
      out.perItem.set(r.perItem, b0);
      if (r.grad !== null) out.grad!.set(r.grad, b0 * length);
    } catch (e) {
      Atomics.store(out.next, 0, items);
      throw e;
    }
  }
}

/** A worker's kernels, by loss id and switch, the most recently used last (at most 2 kept). */
const kernels = new Map<string, MssKernel>();
const KEPT_KERNELS = 2;

/** Serves one call on a worker: takes items until none are left (the answer is empty). */
export function runShare(message: unknown): ThreadReply {
  const m = message as ShareMessage;
  const was = setWasmEnabled(m.wasm);
  try {
    const key = `${m.id}:${m.engines}:${m.wasm}`;
    let kernel = kernels.get(key);
    if (kernel === undefined) kernel = new MssKernel(m.config, m.engines);
    else kernels.delete(key);
    kernels.set(key, kernel);
    while (kernels.size > KEPT_KERNELS) kernels.delete(kernels.keys().next().value!);
    const out = sharedViews(m.buffer, m.items, m.length, m.estType, m.targetType, m.grad);
    takeItems(kernel, out, out.est, out.target, m.items, m.length, m.chunk, m.grad, m.itemWeight);
    return { result: null };
  } finally {
    setWasmEnabled(was);
  }
}

/** What a threaded call returns: every item's loss, and the gradient rows when asked. */
export interface ThreadedEvaluation {
  perItem: Float64Array;
  grad: Tensor | undefined;
}

/**
 * The loss of every item of `est` against `target` (both validated, `[B, T]`, the same shape) on
 * up to `loss.threads` threads, synchronously: the first share on the calling thread, the others on
 * workers (Node). With `grad`, the gradient of sum_b itemWeight * L_b w.r.t. `est`, in its float
 * type. Null when the call should stay on one thread (threads 1, a single item, a small batch, a
 * configuration that cannot be cloned), when synchronous workers are unavailable here (browsers,
 * Node < 20.16), or when a share threw: the caller then evaluates every item itself, with the same
 * results or the same error as one thread.
 */
export function evaluateThreaded(
  loss: ThreadedLoss,
  est: Tensor,
  target: Tensor,
  grad: boolean,
  itemWeight: number,
): ThreadedEvaluation | null {
  if (loss.threads <= 1) return null;
  const [B, T] = est.shape as [number, number];
  const cap = knobs.maxThreads > 0 ? knobs.maxThreads : availableThreads();
  const n = Math.min(loss.threads, cap, B, Math.floor((B * T) / knobs.minSamples));
  const config = n > 1 && canRunSync() ? workerConfig(loss.config) : undefined;
  if (config === undefined) return null;
  const e = dataOf(est);
  const t = dataOf(target);
  const estType = dtypeOf(e);
  const targetType = dtypeOf(t);
  const bytes = sharedLayout(B, T, bytesOf(estType), bytesOf(targetType), grad).bytes;
  let buffer: SharedArrayBuffer;
  try {
    buffer = sharedBuffer(bytes);
  } catch {
    // no memory for the shared copy: one thread, which needs none
    return null;
  }
  const shared = sharedViews(buffer, B, T, estType, targetType, grad);
  shared.est.set(e);
  shared.target.set(t);
  Atomics.store(shared.next, 0, 0);
  const chunk = Math.max(1, Math.min(Math.ceil(knobs.chunkSamples / T), Math.floor(B / n)));
  const message: ShareMessage = {
    id: loss.id,
    config,
    engines: loss.engines,
    wasm: wasmEnabled(),
    buffer,
    estType,
    targetType,
    items: B,
    length: T,
    chunk,
    grad,
    itemWeight,
  };
  // The calling thread reads its items from the caller's rows (the same numbers as the shared ones).
  const here = () => takeItems(loss.kernel, shared, e, t, B, T, chunk, grad, itemWeight);
  const tasks: ThreadTask[] = Array.from({ length: n - 1 }, () => ({ message }));
  let answers: unknown[] | null;
  try {
    // A worker that could not start took no item: the items left (none once `here` returned,
    // which takes items until none are left) are taken here.
    answers = threadPool(knobs.entry).runSync<void>(tasks, here, here);
  } catch {
    // A chunk failed (e.g. a silent target item under spectral convergence, whose message names
    // the item by its index in the chunk): the caller recomputes the call on one thread, which
    // throws the error a single thread throws, naming the item by its index in the call.
    return null;
  }
  if (answers === null) return null;
  const perItem = shared.perItem.slice();
  // (slices of the shared views: arrays of their own, not shared)
  const g = grad ? tensor(shared.grad!.slice(), [B, T]) : undefined;
  return { perItem, grad: g };
}
