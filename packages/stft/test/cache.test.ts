/**
 * Issue 12, defect 4: the FFT plan caches are bounded (least recently used, by bytes), and the
 * memory of plans beyond the bound returns.
 */
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { LruCache, PLAN_CACHE_BYTES, planCache, retainedBytes } from '../src/cache.js';
import { getFftPlan } from '../src/index.js';

describe('LruCache', () => {
  it('evicts the least recently used entries to stay within its budget', () => {
    const c = new LruCache<string, number>(10);
    c.set('a', 1, 4);
    c.set('b', 2, 4);
    expect(c.get('a')).toBe(1); // a is now the most recent
    c.set('c', 3, 4); // 12 > 10: b goes
    expect(c.get('b')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    expect(c.get('c')).toBe(3);
    expect(c.cost).toBe(8);
    expect(c.size).toBe(2);
  });

  it('does not keep an entry larger than the whole budget, and replaces a key', () => {
    const c = new LruCache<string, number>(10);
    c.set('a', 1, 4);
    c.set('big', 2, 11);
    expect(c.get('big')).toBeUndefined();
    expect(c.get('a')).toBe(1);
    c.set('a', 5, 6);
    expect(c.get('a')).toBe(5);
    expect(c.cost).toBe(6);
    c.delete('a');
    expect(c.cost).toBe(0);
  });
});

describe('retainedBytes', () => {
  it('counts each buffer reachable from an object once', () => {
    const a = new Float64Array(10);
    const shared = { a, again: a, view: new Float32Array(a.buffer, 0, 2) };
    expect(retainedBytes({ x: shared, y: [shared, new Uint8Array(3)] })).toBe(83);
  });
});

describe('the FFT plan cache (issue 12)', () => {
  it('keeps at most PLAN_CACHE_BYTES (64 MiB) of plans', () => {
    expect(PLAN_CACHE_BYTES).toBe(64 * 2 ** 20);
    for (let n = 1000; n < 1400; n++) getFftPlan(n);
    expect(planCache.cost).toBeLessThanOrEqual(PLAN_CACHE_BYTES);
    expect(planCache.size).toBeGreaterThan(100);
    expect(getFftPlan(1399)).toBe(getFftPlan(1399));
  });

  it('lets the memory of plans beyond the bound return (2..4100 kept 908 MB before)', () => {
    const script = fileURLToPath(new URL('memory/plans.ts', import.meta.url));
    const out = execFileSync(process.execPath, ['--expose-gc', '--import', 'tsx', script], {
      encoding: 'utf8',
    });
    const { before, after } = JSON.parse(out.trim().split('\n').pop()!) as {
      before: number;
      after: number;
    };
    expect(after - before).toBeLessThan(PLAN_CACHE_BYTES + 8 * 2 ** 20);
  });
});
