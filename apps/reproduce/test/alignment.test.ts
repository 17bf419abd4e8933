import { describe, expect, it } from 'vitest';
import {
  ctcCharacters,
  deduplicate,
  frameF,
  makePiece,
  mixingMatrix,
  silentShare,
} from '../src/cases/alignment.js';
import { mulberry32 } from '../src/lib/random.js';
import { ctcCharacters as ctcCharactersOf } from '../src/train/alignment.js';

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

  it('ctcCharacters: the silent chord is the blank (index 0), each distinct chord one character, the notes as indices', () => {
    const p = makePiece(mulberry32(3), mixingMatrix(4));
    const { chars, count, labels } = ctcCharacters(p);
    expect(Array.from(chars.subarray(0, 12))).toEqual(new Array(12).fill(0));
    expect(labels.length).toBe(p.notes);
    expect(labels.every((k) => k >= 1 && k < count)).toBe(true);
    labels.forEach((k, n) => {
      expect(Array.from(chars.subarray(k * 12, (k + 1) * 12))).toEqual(
        Array.from(p.weak.subarray(n * 12, (n + 1) * 12)),
      );
    });
    // every character but the blank is used
    expect(new Set(labels).size).toBe(count - 1);
  });

  it('silentShare counts the frames with every pitch class below 0.5', () => {
    const pred = new Float32Array(36);
    pred[5] = 0.7; // frame 0 sounds
    pred[12 + 3] = 0.49; // frame 1 silent
    expect(silentShare(pred)).toBeCloseTo(2 / 3, 12);
  });
});

describe('multi-label CTC characters of a weak target with rests (the rendered corpus has them)', () => {
  it('leaves rests out of the labels and keeps equal chords on either side of a rest apart', () => {
    const K = 3;
    // chord A, rest, chord A, chord B
    const weak = Float32Array.from([1, 0, 0, 0, 0, 0, 1, 0, 0, 0, 1, 1]);
    const { chars, count, labels } = ctcCharactersOf(weak, 4, K);
    expect(count).toBe(3);
    expect(labels).toEqual([1, 1, 2]);
    expect(Array.from(chars)).toEqual([0, 0, 0, 1, 0, 0, 0, 1, 1]);
  });
});
