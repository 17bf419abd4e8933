/**
 * The items of a batched call spread over worker threads (the `threads` option of
 * `createMssLoss`): contiguous shares of the B items, the first computed on the calling thread, the
 * others on workers (src/worker.ts, through the pool of `@losses/tensor/internal`), each by an
 * {@link MssKernel} of the same configuration with the same item weight (1 / B of the whole call).
 * The items of a batch are independent in both engines (the WebAssembly one already evaluates them
 * in chunks), so every value, per-item loss and gradient is the same, bit for bit, as on one thread.
 *
 * This file is the whole of the package's part; the pool and its synchronous wait are shared with
 * @losses/softdtw in `@losses/tensor/internal`.
 */
import type { FloatArray, Tensor } from '@losses/tensor';
import { arrayType, checkKeys, dtypeOf, tensor } from '@losses/tensor';
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
 * round trip (copying its share both ways, a message) must stay small against its share's work
 * (about 0.3 us per sample and scale for the presets).
 */
const MIN_SAMPLES_PER_THREAD = 1 << 14;

const knobs = { entry: ENTRY, minSamples: MIN_SAMPLES_PER_THREAD, maxThreads: 0 };

/**
 * For the tests only: another worker entry (one that runs the TypeScript sources), another minimum
 * of samples per thread, another cap than {@link availableThreads} (0: that). Returns the previous
 * settings.
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
   * parallelism), at most that many (and one item per thread at least). The items are spread over
   * worker threads (Node `worker_threads`) in contiguous shares, the first computed on the calling
   * thread, and the value, per-item losses and gradient are the same, bit for bit, as on one
   * thread. Synchronous workers need Node (>= 20.16); elsewhere (browsers) and for batches too small
   * to gain (under 16,384 samples per thread) the loss runs on the calling thread alone. Default 1
   * (no workers). See the package README, "Threads".
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

/** What a worker gets: one share of the items, its estimate and target rows copied. */
interface ShareMessage {
  id: number;
  config: MssConfig;
  engines: Engines;
  /** The calling thread's WebAssembly switch (the same kernels on both sides). */
  wasm: boolean;
  est: FloatArray;
  target: FloatArray;
  items: number;
  length: number;
  grad: boolean;
  itemWeight: number;
}

/** What a share answers: its items' losses and, when asked, their gradient rows. */
interface ShareResult {
  perItem: Float64Array;
  grad: FloatArray | null;
}

/** The loss of one share's items: the target prepared for this call, then the estimate evaluated. */
function evaluateShare(
  kernel: MssKernel,
  est: FloatArray,
  target: FloatArray,
  items: number,
  length: number,
  grad: boolean,
  itemWeight: number,
): ShareResult {
  const prepared = kernel.prepareTarget(tensor(target, [items, length]), false, true);
  const r = kernel.evaluate(tensor(est, [items, length]), prepared, grad, itemWeight);
  return { perItem: r.perItem, grad: r.grad === undefined ? null : dataOf(r.grad) };
}

/** A worker's kernels, by loss id and switch, the most recently used last (at most 2 kept). */
const kernels = new Map<string, MssKernel>();
const KEPT_KERNELS = 2;

/** Evaluates one share on a worker and returns the answer with the buffers to transfer. */
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
    const r = evaluateShare(kernel, m.est, m.target, m.items, m.length, m.grad, m.itemWeight);
    // Answers own their buffers (a gradient may be a view of a larger one).
    const perItem = r.perItem.slice();
    const grad = r.grad === null ? null : r.grad.slice();
    const transfer: Transferable[] = [perItem.buffer];
    if (grad !== null) transfer.push(grad.buffer);
    return { result: { perItem, grad } satisfies ShareResult, transfer };
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
  // n contiguous shares of about B / n items
  const bounds = Array.from({ length: n + 1 }, (_, k) => Math.floor((k * B) / n));
  const rows = (a: FloatArray, k: number) => a.subarray(bounds[k]! * T, bounds[k + 1]! * T);
  const here = (k: number): ShareResult =>
    evaluateShare(
      loss.kernel,
      rows(e, k),
      rows(t, k),
      bounds[k + 1]! - bounds[k]!,
      T,
      grad,
      itemWeight,
    );
  const tasks: ThreadTask[] = [];
  for (let k = 1; k < n; k++) {
    const message: ShareMessage = {
      id: loss.id,
      config,
      engines: loss.engines,
      wasm: wasmEnabled(),
      est: rows(e, k).slice(),
      target: rows(t, k).slice(),
      items: bounds[k + 1]! - bounds[k]!,
      length: T,
      grad,
      itemWeight,
    };
    tasks.push({ message, transfer: [message.est.buffer, message.target.buffer] });
  }
  let first: ShareResult | undefined;
  let answers: ShareResult[] | null;
  try {
    answers = threadPool(knobs.entry).runSync<ShareResult>(
      tasks,
      () => {
        first = here(0);
      },
      // a worker that could not start: its share here, from the caller's rows (the task's are gone)
      (task) => here(tasks.indexOf(task) + 1),
    );
  } catch {
    // A share failed (e.g. a silent target item under spectral convergence, whose message names
    // the item by its index in the share): the caller recomputes the call on one thread, which
    // throws the error a single thread throws, naming the item by its index in the call.
    return null;
  }
  if (answers === null) return null;
  const shares = [first!, ...answers];
  const perItem = new Float64Array(B);
  const g = grad ? new (arrayType(dtypeOf(e)))(B * T) : undefined;
  shares.forEach((s, k) => {
    perItem.set(s.perItem, bounds[k]!);
    if (g !== undefined) g.set(s.grad!, bounds[k]! * T);
  });
  return { perItem, grad: g === undefined ? undefined : tensor(g, [B, T]) };
}
