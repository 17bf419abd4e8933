/**
 * Bounded caches: the least-recently-used map of `@losses/tensor/internal` (re-exported), the byte
 * count of the typed memory an object holds, and the FFT plans' cache.
 */
import { LruCache } from '@losses/tensor/internal';

export { LruCache };

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
