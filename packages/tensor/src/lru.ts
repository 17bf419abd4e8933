/**
 * A bounded cache: a least-recently-used map with a budget of bytes (or of any other cost, e.g. 1
 * per entry for a cap on their number). Shared by @losses/stft's plan caches and the kept kernels
 * and ops of @losses/waveform.
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
