import { hierarchies } from '@losses/hierarchy';
import { describe, expect, it } from 'vitest';
import {
  coarsen,
  defaultConfig,
  features,
  mixingMatrix,
  orchestraActivity,
  runHierarchyCase,
} from '../src/cases/hierarchy.js';
import { mulberry32 } from '../src/lib/random.js';

const h = hierarchies.orchestra;
const C = h.classes.length;

describe('hierarchy case: synthetic orchestra data', () => {
  const y = orchestraActivity(h, 2000, mulberry32(1));

  it('is consistent: a parent is active exactly when one of its children is', () => {
    for (let f = 0; f < 2000; f++) {
      for (const p of h.parentsWithChildren) {
        const any = h.children(p).some((c) => y[f * C + h.indexOf(c)] === 1);
        expect(y[f * C + h.indexOf(p)] === 1).toBe(any);
      }
    }
  });

  it('has persistent segments: an instrument changes state in few frames', () => {
    const c = h.indexOf('violin');
    let changes = 0;
    for (let f = 1; f < 2000; f++) if (y[f * C + c] !== y[(f - 1) * C + c]) changes++;
    expect(changes).toBeLessThan(100);
  });

  it('coarse labelling hides only instrument labels, in whole segments', () => {
    const labels = coarsen(h, y, 0.5, mulberry32(2));
    const leaves = new Set(h.leaves.map((l) => h.indexOf(l)));
    let hidden = 0;
    for (let i = 0; i < labels.length; i++) {
      if (Number.isNaN(labels[i]!)) {
        expect(leaves.has(i % C)).toBe(true);
        hidden++;
      } else expect(labels[i]).toBe(y[i]);
    }
    expect(hidden).toBeGreaterThan(0);
  });

  it('features are deterministic for a seed and have the configured width', () => {
    const A = mixingMatrix(h, defaultConfig, mulberry32(3));
    const a = features(h, y, A, defaultConfig, mulberry32(4));
    const b = features(h, y, A, defaultConfig, mulberry32(4));
    expect(a.length).toBe(2000 * defaultConfig.features);
    expect(a).toEqual(b);
  });
});

describe('hierarchy case: a tiny training run', () => {
  it('reports F-measures and consistency in [0, 1] per strategy; B is consistent by construction', async () => {
    const results = await runHierarchyCase({
      ...defaultConfig,
      trainFrames: 512,
      testFrames: 256,
      epochs: 1,
      grid: [[1, 1]],
    });
    expect(results.map((r) => r.kind)).toEqual(['A', 'B', 'D', 'MC']);
    for (const r of results) {
      expect(r.fByLevel).toHaveLength(3);
      for (const v of [...r.fByLevel, r.consistency]) {
        expect(v).toBeGreaterThanOrEqual(0);
        expect(v).toBeLessThanOrEqual(1);
      }
    }
    expect(results[1]!.consistency).toBe(1);
  }, 60_000);
});
