import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { instrumentsConfig, instrumentsReport, strategyKey } from '../src/cases/instruments.js';
import { METHODS, multipitchConfig, multipitchReport } from '../src/cases/multipitch.js';
import { notesConfig, notesReport } from '../src/cases/notes.js';
import { type CorpusConfig, corpusDefaults } from '../src/corpus/corpus.js';

// The test suite runs the corpus cases end to end on a few short pieces, writing to a temporary out/.
const out = mkdtempSync(join(tmpdir(), 'losses-out-'));
const previous = process.env.LOSSES_OUT;
beforeAll(() => {
  process.env.LOSSES_OUT = out;
});
afterAll(() => {
  if (previous === undefined) delete process.env.LOSSES_OUT;
  else process.env.LOSSES_OUT = previous;
  rmSync(out, { recursive: true, force: true });
});

const tiny: CorpusConfig = { ...corpusDefaults, seed: 3, pieces: 4, duration: 6 };
const json = (name: string) => JSON.parse(readFileSync(join(out, name), 'utf8'));

describe('instruments case on a tiny corpus', () => {
  it('writes out/instruments.json with a row per strategy and level, values in [0, 1]', async () => {
    const cfg = { ...instrumentsConfig.quick, corpus: tiny, epochs: 2, grid: [[1, 1]] as const };
    await instrumentsReport(cfg);
    expect(existsSync(join(out, 'corpus', 'manifest.json'))).toBe(true);
    const r = json('instruments.json');
    expect(
      r.rows.map((x: { strategy: string; level: string }) => `${x.strategy}/${x.level}`),
    ).toEqual([
      'A/family',
      'A/instrument',
      'B/family',
      'B/instrument',
      'D(1,1)/family',
      'D(1,1)/instrument',
      'MCLoss/family',
      'MCLoss/instrument',
    ]);
    for (const row of r.rows) {
      expect(Object.keys(row).sort()).toEqual(['ap', 'f', 'gammaC', 'hf', 'level', 'strategy']);
      for (const k of ['f', 'gammaC', 'hf', 'ap']) {
        expect(row[k]).toBeGreaterThanOrEqual(0);
        expect(row[k]).toBeLessThanOrEqual(1);
      }
    }
    // B predicts parents as the max of their children: consistent by construction.
    expect(r.rows[2].gammaC).toBe(1);
    expect(r.config.seed).toBe(instrumentsConfig.quick.seed);
    expect(r.sizes.test).toBe(1);
    expect(existsSync(join(out, 'instruments', 'results.md'))).toBe(true);
    expect(existsSync(join(out, 'instruments', 'f-vs-consistency-family.svg'))).toBe(true);
  }, 120_000);

  it('names the strategies as the output contract does', () => {
    expect(strategyKey({ name: 'D(4, 1)', kind: 'D', alpha: 4, beta: 1 })).toBe('D(4,1)');
    expect(strategyKey({ name: 'MCLoss + MCM', kind: 'MC' })).toBe('MCLoss');
  });
});

describe('multipitch case on a tiny corpus', () => {
  it('writes out/multipitch.json with the seven methods (ctc-weak among them) and F in [0, 1]', async () => {
    await multipitchReport({ ...multipitchConfig.quick, corpus: tiny, epochs: 2, excerpt: 60 });
    const r = json('multipitch.json');
    expect(r.rows.map((x: { method: string }) => x.method)).toEqual([
      'bce-strong',
      'bce-weak-stretched',
      'softdtw-weak',
      'softdtw-weak-annealed',
      'softdtw-weak-prior',
      'softdtw-weak-steps',
      'ctc-weak',
    ]);
    expect(Object.values(METHODS)).toEqual(r.rows.map((x: { method: string }) => x.method));
    for (const row of r.rows) {
      expect(row.f).toBeGreaterThanOrEqual(0);
      expect(row.f).toBeLessThanOrEqual(1);
    }
    expect(r.sizes.trainExcerpts).toBeGreaterThan(0);
    expect(existsSync(join(out, r.heatmaps[0].file))).toBe(true);
  }, 120_000);
});

describe('notes case, tiny', () => {
  it('writes landscape and GRA rows for the sinusoid, flute and violin', async () => {
    await notesReport({ ...notesConfig.quick, duration: 0.1, points: 6, trials: 2 });
    const r = json('notes.json');
    expect(r.landscape.map((x: { signal: string }) => x.signal)).toEqual([
      'sinusoid',
      'sinusoid',
      'flute',
      'flute',
      'violin',
      'violin',
    ]);
    expect(r.gra).toHaveLength(3 * 2 * 4);
    for (const g of r.gra) {
      expect([0, 0.5, 1]).toContain(g.gra);
      expect(g.ci[0]).toBeLessThanOrEqual(g.gra);
      expect(g.ci[1]).toBeGreaterThanOrEqual(g.gra);
    }
    expect(r.tuning[0].signal).toBe('sinusoid');
    expect(Math.abs(r.tuning[0].cents)).toBeLessThan(1);
  }, 120_000);
});
