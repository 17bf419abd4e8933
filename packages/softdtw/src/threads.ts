/**
 * The items of a batched call spread over worker threads (the `threads` option): contiguous shares
 * of the items, balanced by their cells, each evaluated by the same engine (items.ts) on a worker
 * (src/worker.ts, through the pool of `@losses/tensor/internal`) or on the calling thread. Every
 * item is computed exactly as on one thread (the same kernels on the same numbers; the gradients
 * divided by the whole call's B), so the results are bit for bit the same.
 */
import {
  availableThreads,
  canRunSync,
  setWasmEnabled,
  type ThreadReply,
  type ThreadTask,
  threadPool,
  type WorkerEntry,
  wasmEnabled,
} from '@losses/tensor/internal';
import { evaluateItems, gradBuffers, type Items, type LossKind } from './items.js';
import type { Resolved } from './options.js';
import type { Pairs } from './sequences.js';

// The worker entry of this package (dist/worker.js). Browsers start it with the literal
// `new Worker(new URL('./worker.js', import.meta.url), { type: 'module' })` that bundlers look for;
// Node loads the URL through the pool's bootstrap (written with a variable, so that a bundler does
// not copy the file as an asset for it).
const WORKER_FILE = './worker.js';
const ENTRY: WorkerEntry = {
  url: new URL(WORKER_FILE, import.meta.url),
  web: () => new Worker(new URL('./worker.js', import.meta.url), { type: 'module' }),
};

/** Below this many cells per thread a batch stays on the calling thread (a worker's round trip). */
const MIN_CELLS_PER_THREAD = 1 << 16;

const knobs = { entry: ENTRY, minCells: MIN_CELLS_PER_THREAD, maxThreads: 0 };

/**
 * For the tests only: another worker entry (one that runs the TypeScript sources), another
 * minimum of cells per thread, another cap than {@link availableThreads} (0: that). Returns the
 * previous settings.
 */
export function setThreadKnobs(k: Partial<typeof knobs>): typeof knobs {
  const was = { ...knobs };
  Object.assign(knobs, k);
  return was;
}

/** How many threads a call uses: 1 when it should stay on the calling thread. */
function threadCount(kind: LossKind, pairs: Pairs, r: Resolved): number {
  if (r.threads <= 1 || typeof r.cost === 'object' || pairs.xs.length < 2) return 1;
  let cells = 0;
  for (let b = 0; b < pairs.Ns.length; b++) {
    const N = pairs.Ns[b]!;
    const M = pairs.Ms[b]!;
    cells += N * M + (kind === 'divergence' ? N * N + M * M : 0);
  }
  const cap = knobs.maxThreads > 0 ? knobs.maxThreads : availableThreads();
  return Math.max(1, Math.min(r.threads, cap, pairs.xs.length, Math.floor(cells / knobs.minCells)));
}

/** T contiguous ranges [from, to) of the items with about equal cells each (none empty). */
function shares(pairs: Pairs, T: number): [number, number][] {
  const B = pairs.xs.length;
  const cells = pairs.Ns.map((N, b) => N * pairs.Ms[b]!);
  const total = cells.reduce((a, c) => a + c, 0);
  const out: [number, number][] = [];
  let from = 0;
  let acc = 0;
  for (let t = 0; t < T; t++) {
    // Leave at least one item for each later share.
    const last = B - (T - t - 1);
    let to = from + 1;
    acc += cells[from]!;
    while (to < last && acc + cells[to]! / 2 <= (total * (t + 1)) / T) acc += cells[to++]!;
    if (t === T - 1) to = B;
    out.push([from, to]);
    from = to;
  }
  return out;
}

/** The items [from, to) of the call as the engine reads them. */
function itemsOf(pairs: Pairs, [from, to]: [number, number]): Items {
  return {
    layout: pairs.layout,
    D: pairs.D,
    xs: pairs.xs.slice(from, to),
    ys: pairs.ys.slice(from, to),
    Ns: pairs.Ns.slice(from, to),
    Ms: pairs.Ms.slice(from, to),
    first: from,
  };
}

/** What a worker gets: one share of the items, their frames copied into two buffers. */
interface ShareMessage {
  kind: LossKind;
  r: Resolved;
  layout: Pairs['layout'];
  D: number;
  first: number;
  B: number;
  Ns: number[];
  Ms: number[];
  x: Float64Array;
  y: Float64Array;
  wantX: boolean;
  wantY: boolean;
  /** The calling thread's WebAssembly switch (the same kernels on both sides). */
  wasm: boolean;
}

/** What a worker answers: the share's values and its items' gradients, concatenated. */
interface ShareResult {
  perItem: Float64Array;
  gx: Float64Array | null;
  gy: Float64Array | null;
}

function concat(parts: readonly Float64Array[]): Float64Array {
  const out = new Float64Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

function shareTask(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
  range: [number, number],
): ThreadTask {
  const [from, to] = range;
  const x = concat(pairs.xs.slice(from, to));
  const y = concat(pairs.ys.slice(from, to));
  const message: ShareMessage = {
    kind,
    r,
    layout: pairs.layout,
    D: pairs.D,
    first: from,
    B: pairs.xs.length,
    Ns: pairs.Ns.slice(from, to),
    Ms: pairs.Ms.slice(from, to),
    x,
    y,
    wantX,
    wantY,
    wasm: wasmEnabled(),
  };
  return { message, transfer: [x.buffer, y.buffer] };
}

/** Views of `buf` of the given lengths, one after the other. */
function split(buf: Float64Array, lengths: readonly number[]): Float64Array[] {
  const out: Float64Array[] = [];
  let at = 0;
  for (const n of lengths) {
    out.push(buf.subarray(at, at + n));
    at += n;
  }
  return out;
}

/** Evaluates one share on a worker and returns the answer with the buffers to transfer. */
export function runShare(message: unknown): ThreadReply {
  const m = message as ShareMessage;
  const was = setWasmEnabled(m.wasm);
  try {
    const D = m.D;
    const xLens = m.Ns.map((N) => N * D);
    const yLens = m.Ms.map((M) => M * D);
    const items: Items = {
      layout: m.layout,
      D,
      xs: split(m.x, xLens),
      ys: split(m.y, yLens),
      Ns: m.Ns,
      Ms: m.Ms,
      first: m.first,
    };
    const gx = m.wantX ? new Float64Array(m.x.length) : null;
    const gy = m.wantY ? new Float64Array(m.y.length) : null;
    const perItem = Float64Array.from(
      evaluateItems(
        m.kind,
        items,
        m.r,
        m.B,
        gx === null ? null : split(gx, xLens),
        gy === null ? null : split(gy, yLens),
      ),
    );
    const result: ShareResult = { perItem, gx, gy };
    const transfer: Transferable[] = [perItem.buffer];
    if (gx !== null) transfer.push(gx.buffer);
    if (gy !== null) transfer.push(gy.buffer);
    return { result, transfer };
  } finally {
    setWasmEnabled(was);
  }
}

/**
 * A share computed on the calling thread instead (its worker could not start): from the items
 * themselves, since the message's buffers were transferred.
 */
function shareHere(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
  task: ThreadTask,
): ShareResult {
  const m = task.message as ShareMessage;
  const range: [number, number] = [m.first, m.first + m.Ns.length];
  const gx = wantX ? pairs.Ns.slice(...range).map((N) => new Float64Array(N * pairs.D)) : null;
  const gy = wantY ? pairs.Ms.slice(...range).map((M) => new Float64Array(M * pairs.D)) : null;
  const perItem = evaluateItems(kind, itemsOf(pairs, range), r, pairs.xs.length, gx, gy);
  return {
    perItem: Float64Array.from(perItem),
    gx: gx === null ? null : concat(gx),
    gy: gy === null ? null : concat(gy),
  };
}

/** Values and float64 gradients of every item of a call, in order. */
export interface ItemResults {
  perItem: number[];
  gx: Float64Array[] | null;
  gy: Float64Array[] | null;
}

/** Copies the answers of the shares [from, to) into the items' values and gradient buffers. */
function gather(
  out: ItemResults,
  answers: readonly ShareResult[],
  ranges: readonly [number, number][],
): void {
  answers.forEach((a, k) => {
    const [from, to] = ranges[k]!;
    out.perItem.push(...a.perItem);
    for (const [grads, buf] of [
      [out.gx, a.gx],
      [out.gy, a.gy],
    ] as const) {
      if (grads === null || buf === null) continue;
      let at = 0;
      for (let b = from; b < to; b++) {
        const g = grads[b]!;
        g.set(buf.subarray(at, at + g.length));
        at += g.length;
      }
    }
  });
}

/**
 * The call's items on `threads` threads, synchronously: the first share on the calling thread, the
 * others on workers (Node). Null when the call should stay on one thread or synchronous workers are
 * unavailable here (browsers; Node < 20.16): the caller then evaluates every item itself.
 */
export function evaluateThreaded(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): ItemResults | null {
  const T = threadCount(kind, pairs, r);
  if (T <= 1 || !canRunSync()) return null;
  const ranges = shares(pairs, T);
  const tasks = ranges.slice(1).map((range) => shareTask(kind, pairs, r, wantX, wantY, range));
  const gx = wantX ? gradBuffers(pairs, 'x') : null;
  const gy = wantY ? gradBuffers(pairs, 'y') : null;
  const B = pairs.xs.length;
  const [from, to] = ranges[0]!;
  const out: ItemResults = { perItem: [], gx, gy };
  const answers = threadPool(knobs.entry).runSync<ShareResult>(
    tasks,
    () => {
      out.perItem = evaluateItems(
        kind,
        itemsOf(pairs, ranges[0]!),
        r,
        B,
        gx === null ? null : gx.slice(from, to),
        gy === null ? null : gy.slice(from, to),
      );
    },
    (task) => shareHere(kind, pairs, r, wantX, wantY, task),
  );
  if (answers === null) return null;
  gather(out, answers, ranges.slice(1));
  return out;
}

/**
 * The call's items on `threads` workers, the calling thread free meanwhile. Null when the call
 * should stay on one thread or no worker can start here: the caller then evaluates every item
 * itself.
 */
export async function evaluateThreadedAsync(
  kind: LossKind,
  pairs: Pairs,
  r: Resolved,
  wantX: boolean,
  wantY: boolean,
): Promise<ItemResults | null> {
  const T = threadCount(kind, pairs, r);
  if (T <= 1) return null;
  const ranges = shares(pairs, T);
  const tasks = ranges.map((range) => shareTask(kind, pairs, r, wantX, wantY, range));
  const answers = await threadPool(knobs.entry).run<ShareResult>(tasks, (task) =>
    shareHere(kind, pairs, r, wantX, wantY, task),
  );
  if (answers === null) return null;
  const out: ItemResults = {
    perItem: [],
    gx: wantX ? gradBuffers(pairs, 'x') : null,
    gy: wantY ? gradBuffers(pairs, 'y') : null,
  };
  gather(out, answers, ranges);
  return out;
}
