import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { csv, markdownTable, writeJson } from '../src/lib/output.js';
import { heatmap, lineChart } from '../src/lib/svg.js';

describe('output helpers', () => {
  it('markdownTable writes a header, a rule and one line per row', () => {
    expect(markdownTable(['a', 'b'], [[1, 'x']])).toBe('| a | b |\n| --- | --- |\n| 1 | x |');
  });

  it('csv writes full-precision numbers', () => {
    expect(csv(['x'], [[0.1 + 0.2]])).toBe('x\n0.30000000000000004\n');
  });

  it('writeJson writes under LOSSES_OUT', () => {
    const dir = mkdtempSync(join(tmpdir(), 'losses-out-'));
    process.env.LOSSES_OUT = dir;
    const path = writeJson('sub/a.json', { a: 1 });
    expect(path).toBe(join(dir, 'sub', 'a.json'));
    expect(JSON.parse(readFileSync(path, 'utf8'))).toEqual({ a: 1 });
    delete process.env.LOSSES_OUT;
  });
});

describe('svg charts', () => {
  it('lineChart draws one polyline per series with every finite point', () => {
    const svg = lineChart(
      [
        { name: 'a', x: [1, 2, 3], y: [1, 4, 9] },
        { name: 'b', x: [1, 2, 3], y: [1, Number.NaN, 3] },
      ],
      { title: 't', xLabel: 'x', yLabel: 'y' },
    );
    const lines = svg.match(/<polyline[^>]*points="([^"]*)"/g)!;
    expect(lines).toHaveLength(2);
    expect(lines[0]!.split(' ').filter((p) => p.includes(',')).length).toBe(3);
    expect(lines[1]!.split(' ').filter((p) => p.includes(',')).length).toBe(2);
    expect(svg).toContain('<text');
  });

  it('lineChart with a log axis places decades evenly', () => {
    const svg = lineChart([{ name: 'a', x: [1, 10, 100], y: [0, 1, 2] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      logX: true,
    });
    const pts = svg
      .match(/points="([^"]*)"/)![1]!
      .split(' ')
      .map((p) => Number(p.split(',')[0]));
    expect(pts[1]! - pts[0]!).toBeCloseTo(pts[2]! - pts[1]!, 6);
  });

  it('heatmap draws a cell per non-zero value and the path', () => {
    const svg = heatmap([0, 1, 0, 0.5], 2, 2, {
      title: 'E',
      xLabel: 'm',
      yLabel: 'n',
      path: [
        [0, 0],
        [1, 1],
      ],
    });
    // Inside the marks: the plot area's background (the colour of 0) and the two non-zero cells.
    const marks = svg.slice(svg.indexOf('<g data-role="marks">'), svg.indexOf('</g>'));
    expect(marks.match(/<rect x=/g)!.length).toBe(1 + 2);
    expect(marks).toContain('<polyline');
  });
});
