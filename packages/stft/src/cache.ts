/**
 * Bounded caches: a least-recently-used map with a budget of bytes (or of any other cost), and the
 * byte count of the typed memory an object holds.
 */

/** A least-recently-used map whose entries' costs sum to at most `budget`. */
export class LruCache<K, V> {
  private readonly entries = new Map<K, { value: V; cost: number }>();
  private total = 0;

  /** @param budget The largest sum of costs kept (an entry costing more is not kept at all). */
  constructor(readonly budget: number) {}

  /** The value for `key` (now the most recently used), or undefined. */
  get(key: K): V | undefined {
    const e = this.entries.get(key);
    if (e === undefined) return undefined;
    this.entries.delete(key);
    this.entries.set(key, e);
    return e.value;
  }

  /** Keeps `value` under `key`, evicting the least recently used entries to stay in budget. */
  set(key: K, value: V, cost: number): void {
    this.delete(key);
    if (cost > this.budget) return;
    this.entries.set(key, { value, cost });
    this.total += cost;
    for (const [k, e] of this.entries) {
      if (this.total <= this.budget) break;
      this.entries.delete(k);
      this.total -= e.cost;
    }
  }

  /** Drops `key` if it is cached. */
  delete(key: K): void {
    const e = this.entries.get(key);
    if (e === undefined) return;
    this.entries.delete(key);
    this.total -= e.cost;
  }

  /** The sum of the kept entries' costs. */
  get cost(): number {
    return this.total;
  }

  /** The number of kept entries. */
  get size(): number {
    return this.entries.size;
  }
}

/**
 * Bytes of the typed arrays and WebAssembly memories reachable from `value` through its own
 * properties (each buffer counted once): the memory an FFT plan or a planned loss keeps alive.
 */
export function retainedBytes(value: unknown, seen = new Set<unknown>()): number {
  if (value === null || typeof value !== 'object' || seen.has(value)) return 0;
  seen.add(value);
  if (ArrayBuffer.isView(value)) return retainedBytes(value.buffer, seen);
  if (value instanceof ArrayBuffer) return value.byteLength;
  if (typeof WebAssembly !== 'undefined' && value instanceof WebAssembly.Memory) {
    return retainedBytes(value.buffer, seen);
  }
  let sum = 0;
  for (const v of Object.values(value)) sum += retainedBytes(v, seen);
  return sum;
}

/**
 * The most bytes the FFT plans cached by length (complex, split and real transforms together) may
 * hold: 64 MiB. A plan larger than that is made on every use instead of cached.
 */
export const PLAN_CACHE_BYTES = 64 * 2 ** 20;

/** The cache of FFT plans by kind and length (see {@link PLAN_CACHE_BYTES}). */
export const planCache = new LruCache<string, object>(PLAN_CACHE_BYTES);

/** The cached plan for `key`, made by `make` (and cached if it fits the budget) on a miss. */
export function cachedPlan<T extends object>(key: string, make: () => T): T {
  let plan = planCache.get(key) as T | undefined;
  if (plan === undefined) {
    plan = make();
    planCache.set(key, plan, retainedBytes(plan));
  }
  return plan;
}
