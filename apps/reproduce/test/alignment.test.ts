import { describe, expect, it } from 'vitest';
import { deduplicate, frameF, makePiece, mixingMatrix } from '../src/cases/alignment.js';
import { mulberry32 } from '../src/lib/random.js';

describe('alignment case: data and metric', () => {
  it('deduplicate removes consecutive repeats only', () => {
    const rows = Float32Array.from([1, 0, 1, 0, 0, 1, 1, 0]);
    const { data, n } = deduplicate(rows, 4, 2);
    expect(n).toBe(3);
    expect(Array.from(data)).toEqual([1, 0, 0, 1, 1, 0]);
  });

  it('makePiece gives consistent shapes and a weak target without consecutive repeats', () => {
    const p = makePiece(mulberry32(1), mixingMatrix(2));
    expect(p.features.length).toBe(p.frames * 24);
    expect(p.strong.length).toBe(p.frames * 12);
    expect(p.weak.length).toBe(p.notes * 12);
    for (let k = 1; k < p.notes; k++) {
      const same = Array.from(
        { length: 12 },
        (_, d) => p.weak[k * 12 + d] === p.weak[(k - 1) * 12 + d],
      );
      expect(same.every(Boolean)).toBe(false);
    }
  });

  it('frameF is 1 for a perfect prediction and counts precision and recall', () => {
    expect(frameF([1, 0, 1], [1, 0, 1]).f).toBe(1);
    const s = frameF([1, 1, 0, 0], [1, 0, 1, 0]);
    expect(s.precision).toBe(0.5);
    expect(s.recall).toBe(0.5);
  });
});
