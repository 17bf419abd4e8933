import { sinusoidGra } from '@losses/metrics';
import { createMssLoss, mssPresets } from '@losses/mss';
import ndarray from 'ndarray';
import { describe, expect, it } from 'vitest';
import {
  configurations,
  LECTURE,
  melPresets,
  mustHold,
  orderedJson,
  rivals,
  runCells,
  STEPS,
  variants,
} from '../src/cases/gra.js';

describe('gra case: configurations', () => {
  it('has standard, modifiedHann and smooth as the lecture names them', () => {
    const c = configurations();
    expect(c.slice(0, 3).map((x) => x.name)).toEqual(['standard', 'modifiedHann', 'smooth']);
    expect(c[0]!.options).toBe(mssPresets.standard);
    expect(c[2]!.options).toBe(mssPresets.smooth);
    expect(c[1]!.options).toEqual({ ...mssPresets.smooth, window: 'hann' });
  });

  it('switches exactly one axis of standard to smooth in each single-axis variant', () => {
    const std = mssPresets.standard as Record<string, unknown>;
    const smooth = mssPresets.smooth as Record<string, unknown>;
    const singles = configurations().filter((c) => c.name.startsWith('standard+'));
    expect(singles.map((c) => c.name)).toEqual([
      'standard+window',
      'standard+sizes',
      'standard+compression',
      'standard+distance',
      'standard+hop',
    ]);
    for (const c of singles) {
      const o = c.options as Record<string, unknown>;
      const changed = Object.keys(o).filter((k) => o[k] !== std[k]);
      expect(changed).toHaveLength(1);
      expect(o[changed[0]!]).toBe(smooth[changed[0]!]);
    }
  });

  it('gives every variant of the sensitivity table a valid loss', () => {
    for (const v of variants()) {
      expect(() => createMssLoss({ ...mssPresets.smooth, ...v.loss })).not.toThrow();
    }
  });
});

describe('gra case: the rivals of issue 16', () => {
  it('adds sot, sotPitch and a time-domain mse, each a loss sinusoidGra takes (batched perItem)', () => {
    const r = rivals();
    expect(r.map((c) => c.name)).toEqual(['sot', 'sotPitch', 'mse']);
    for (const c of r) {
      const loss = c.make ? c.make() : createMssLoss(c.options!);
      const rows = sinusoidGra({ loss, trials: 2, seed: 3, duration: 0.2 });
      expect(rows.map((x) => x.trials)).toEqual([2, 2, 2, 2]);
    }
  }, 60_000);

  it('the mse row is the mean squared error of each estimate against the target', () => {
    const loss = rivals()[2]!.make!();
    const target = ndarray(Float64Array.from([1, 2, 3, 4]), [4]);
    const bound = loss.withTarget(target);
    const est = ndarray(Float64Array.from([1, 2, 3, 5, 0, 0, 0, 0]), [2, 4]);
    const items = bound.perItem!(est) as { data: ArrayLike<number> };
    expect(Array.from(items.data)).toEqual([0.25, 7.5]);
    expect(bound.value(ndarray(Float64Array.from([1, 2, 3, 5]), [4]))).toBe(0.25);
  });
});

describe('gra case: must-hold checks', () => {
  it('passes the lecture-like figures of the PyTorch experiments', () => {
    const checks = mustHold({
      standard: [0.51, 0.54, 0.56, 0.79],
      modifiedHann: [0.65, 0.68, 0.79, 0.95],
      smooth: [0.86, 0.94, 1.0, 1.0],
    });
    expect(checks.map((c) => c.pass)).toEqual([true, true, true, true]);
  });

  it('fails each check on figures that break it', () => {
    const ok = {
      standard: [...LECTURE.standard],
      modifiedHann: [0.7, 0.7, 0.8, 0.9],
      smooth: [0.9, 0.95, 1, 1],
    };
    expect(mustHold({ ...ok, standard: [0.52, 0.53, 0.64, 0.78] })[0]!.pass).toBe(false);
    expect(mustHold({ ...ok, standard: [0.61, 0.53, 0.57, 0.78] })[1]!.pass).toBe(false);
    expect(mustHold({ ...ok, smooth: [0.79, 0.95, 1, 1] })[2]!.pass).toBe(false);
    expect(mustHold({ ...ok, modifiedHann: [0.5, 0.7, 0.8, 0.9] })[3]!.pass).toBe(false);
  });
});

describe('gra case: chunked runs', () => {
  it('gives the same figures as one sinusoidGra run, whatever the chunking', async () => {
    const cells = await runCells([{ configuration: 'smooth', variant: 'baseline' }], {
      trials: 3,
      seed: 11,
      workers: 1,
      chunk: 2,
      label: 'test',
    });
    const direct = sinusoidGra({
      loss: createMssLoss('smooth'),
      steps: [...STEPS],
      trials: 3,
      seed: 11,
    });
    expect(cells[0]!.rows).toEqual(direct);
  }, 60_000);
});

describe('orderedJson', () => {
  it('keeps the order of Map keys, "0.3" before "3"', () => {
    const text = orderedJson({
      gra: new Map([
        ['0.3', 0.5],
        ['3', 0.6],
      ]),
      ci: [0.1, 0.2],
    });
    expect(text.indexOf('"0.3"')).toBeLessThan(text.indexOf('"3"'));
    expect(JSON.parse(text)).toEqual({ gra: { '0.3': 0.5, '3': 0.6 }, ci: [0.1, 0.2] });
  });
});

describe('gra case: the mel presets of issue 14', () => {
  it('adds hifigan, dac and auralossMel at 44.1 kHz, each a loss sinusoidGra takes', () => {
    const r = melPresets();
    expect(r.map((c) => c.name)).toEqual(['hifigan', 'dac', 'auralossMel']);
    for (const c of r) {
      expect(c.options!.sampleRate).toBe(44100);
      const rows = sinusoidGra({
        loss: createMssLoss(c.options!),
        trials: 2,
        seed: 3,
        duration: 0.2,
      });
      expect(rows.map((x) => x.trials)).toEqual([2, 2, 2, 2]);
      for (const x of rows) expect(x.gra >= 0 && x.gra <= 1).toBe(true);
    }
  }, 60_000);
});
