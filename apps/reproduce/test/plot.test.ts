import { describe, expect, it } from 'vitest';
import {
  heatmap,
  layoutLegend,
  lineChart,
  logScale,
  PALETTE,
  sequential,
  symlogScale,
  textWidth,
  wrapText,
} from '../src/lib/plot/index.js';
import { thinTicks } from '../src/lib/plot/scale.js';

const attr = (svg: string, tag: string, name: string) =>
  [...svg.matchAll(new RegExp(`<${tag}[^>]*\\b${name}="([^"]*)"`, 'g'))].map((m) => m[1]!);
const legend = (svg: string) => svg.slice(svg.indexOf('data-role="legend"'));

describe('plot layer: text', () => {
  it('estimates wider text for more characters and wraps at spaces within the width', () => {
    expect(textWidth('standard+compression', 12)).toBeGreaterThan(textWidth('standard', 12));
    const lines = wrapText('one two three four five six', textWidth('one two three', 12), 12);
    expect(lines).toEqual(['one two three', 'four five six']);
  });
});

describe('plot layer: legend', () => {
  it('draws a dot for points, a dashed line for dashed series and a solid line otherwise', () => {
    const svg = lineChart(
      [
        { name: 'solid', x: [1, 2], y: [1, 2] },
        { name: 'dashed', x: [1, 2], y: [2, 1], dashed: true },
        { name: 'dots', x: [1, 2], y: [1, 1], points: true },
      ],
      { title: 't', xLabel: 'x', yLabel: 'y' },
    );
    expect(attr(legend(svg), 'g', 'data-swatch')).toEqual(['line', 'dashed', 'dot']);
    expect(legend(svg).match(/<circle/g)).toHaveLength(1);
    expect(legend(svg).match(/stroke-dasharray/g)).toHaveLength(1);
  });

  it('leaves unnamed series out and keeps the named one', () => {
    const series = Array.from({ length: 24 }, (_, k) => ({
      name: k === 0 ? 'standard' : '',
      x: [0, 1],
      y: [k, k],
      color: '#1f77b4',
    }));
    const svg = lineChart(series, { title: 't', xLabel: 'x', yLabel: 'y' });
    expect(legend(svg).match(/data-role="legend-entry"/g)).toHaveLength(1);
  });

  it('gives automatic colours that differ for as many series as the palette has', () => {
    const series = PALETTE.map((_, k) => ({ name: `s${k}`, x: [0, 1], y: [k, k] }));
    const colors = attr(
      lineChart(series, { title: 't', xLabel: 'x', yLabel: 'y' }),
      'polyline',
      'stroke',
    );
    expect(new Set(colors).size).toBe(PALETTE.length);
  });

  it('moves under the plot and wraps into columns when it does not fit beside it', () => {
    const entries = Array.from({ length: 20 }, (_, k) => ({
      label: `a long legend label number ${k}`,
      color: '#000',
      swatch: 'line' as const,
    }));
    const l = layoutLegend(entries, 600);
    expect(l.width).toBeLessThanOrEqual(600);
    expect(l.height).toBeLessThan(20 * 15);
    const svg = lineChart(
      entries.map((e, k) => ({ name: e.label, x: [0, 1], y: [k, k] })),
      { title: 't', xLabel: 'x', yLabel: 'y', width: 600, height: 300 },
    );
    const height = Number(svg.match(/height="([\d.]+)"/)![1]);
    expect(height).toBeGreaterThan(300);
  });
});

describe('plot layer: axes', () => {
  it('keeps every point of a scatter inside the plot area, even a single x value', () => {
    const svg = lineChart([{ name: 'a', x: [1, 1], y: [0.3, 0.9], points: true }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
    });
    const area = svg.match(
      /<rect x="([\d.]+)" y="([\d.]+)" width="([\d.]+)" height="([\d.]+)"[^>]*data-role="plot-area"/,
    )!;
    const [x, y, w, h] = area.slice(1).map(Number) as [number, number, number, number];
    const marks = svg.slice(svg.indexOf('data-role="marks"'), svg.indexOf('data-role="plot-area"'));
    const cx = attr(marks, 'circle', 'cx').map(Number);
    const cy = attr(marks, 'circle', 'cy').map(Number);
    expect(cx).toHaveLength(2);
    for (const v of cx) expect(v - 4 >= x && v + 4 <= x + w).toBe(true);
    for (const v of cy) expect(v - 4 >= y && v + 4 <= y + h).toBe(true);
  });

  it('widens a given y domain to the data instead of drawing off the plot', () => {
    const svg = lineChart([{ name: 'a', x: [0, 1], y: [0.2, 0.9] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      yDomain: [0.4, 1],
    });
    expect(svg).toContain('>0.2</text>');
  });

  it('labels markers', () => {
    const svg = lineChart([{ name: 'a', x: [0, 50], y: [0, 1] }], {
      title: 't',
      xLabel: 'x',
      yLabel: 'y',
      xMarkers: [{ x: 3.9, label: '1 bin' }, 20],
    });
    expect(svg.match(/data-role="marker"/g)).toHaveLength(2);
    expect(svg).toContain('>1 bin</text>');
  });

  it('puts symlog ticks at 0 and signed decades', () => {
    expect(symlogScale(-1500, 900).ticks()).toEqual([-1000, -100, -10, -1, 0, 1, 10, 100]);
  });

  it('keeps the decades of a log axis first when labels crowd', () => {
    const s = logScale(250, 4000);
    const kept = thinTicks(
      s.ticks(),
      (v) => s.unit(v) * 200,
      () => 30,
      6,
      s.priority,
    );
    expect(kept).toContain(1000);
    expect(kept.length).toBeGreaterThan(2);
  });
});

describe('plot layer: heatmap', () => {
  it('has ticks on both axes and a colour scale with ticks', () => {
    const svg = heatmap(
      Array.from({ length: 30 }, (_, i) => i / 29),
      3,
      10,
      { title: 'E', xLabel: 'frame', yLabel: 'note', colorLabel: 'E(n, m)' },
    );
    const scale = svg.slice(svg.indexOf('data-role="color-scale"'));
    expect(scale).toContain('linearGradient');
    expect(scale).toContain('>E(n, m)</text>');
    expect(scale.match(/<text/g)!.length).toBeGreaterThanOrEqual(3);
    const axes = svg.slice(svg.indexOf('data-role="axes"'), svg.indexOf('data-role="color-scale"'));
    expect(axes).toContain('>9</text>');
    expect(axes).toContain('>2</text>');
    expect(sequential(0)).not.toBe(sequential(1));
  });
});
