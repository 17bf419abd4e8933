import { describe, expect, it } from 'vitest';
import { createRng, xoshiro128ss } from '../src/prng.js';

describe('xoshiro128**', () => {
  it('gives the reference outputs of state [1, 2, 3, 4]', () => {
    // From the reference C code (checked with an independent Python transcription): rotl(s1 * 5, 7) * 9, then the state update.
    const rng = xoshiro128ss([1, 2, 3, 4]);
    expect(rng.uint32()).toBe(11520);
    expect(rng.uint32()).toBe(0);
    expect(rng.uint32()).toBe(5927040);
  });

  it('gives the same sequence for the same seed', () => {
    const a = createRng(12345);
    const b = createRng(12345);
    for (let i = 0; i < 100; i++) expect(a.float()).toBe(b.float());
  });

  it('gives different sequences for different seeds, including seeds beyond 32 bits', () => {
    const seqs = [0, 1, 2 ** 32, 2 ** 40 + 1].map((s) => {
      const r = createRng(s);
      return [r.uint32(), r.uint32()].join(',');
    });
    expect(new Set(seqs).size).toBe(4);
  });

  it('gives every stream of a seed its own sequence', () => {
    const firsts = new Set<number>();
    for (let stream = 0; stream < 1000; stream++) firsts.add(createRng(9, stream).uint32());
    expect(firsts.size).toBe(1000);
    expect(createRng(9, 3).float()).toBe(createRng(9, 3).float());
  });

  it('draws floats in [0, 1) with mean near 1/2', () => {
    const r = createRng(7);
    let sum = 0;
    let outside = 0;
    for (let i = 0; i < 100000; i++) {
      const u = r.float();
      if (!(u >= 0 && u < 1)) outside++;
      sum += u;
    }
    expect(outside).toBe(0);
    expect(Math.abs(sum / 100000 - 0.5)).toBeLessThan(0.005);
  });

  it('draws uniform values in [lo, hi)', () => {
    const r = createRng(3);
    let outside = 0;
    for (let i = 0; i < 1000; i++) {
      const v = r.uniform(-2400, 2400);
      if (!(v >= -2400 && v < 2400)) outside++;
    }
    expect(outside).toBe(0);
  });
});
