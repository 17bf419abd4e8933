/**
 * Line and scatter charts: margins computed from the tick labels, axis labels and title; a legend
 * beside the plot when it fits there, under it otherwise; domains that hold every point whole.
 */
import { PALETTE } from './color.js';
import { type LegendEntry, layoutLegend, type SwatchKind } from './legend.js';
import { makeScale, type ScaleKind, thinTicks } from './scale.js';
import { esc, FONT_FAMILY, num, textWidth, wrapText } from './text.js';

/** One series of a line or scatter chart. */
export interface Series {
  /** The legend label; an empty name (or `legend: false`) leaves the series out of the legend. */
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Draw points (dots) instead of a line. */
  points?: boolean;
  /** Default: the palette colour of the series' index. */
  color?: string;
  dashed?: boolean;
  /** Set false to leave the series out of the legend. Default: true when it has a name. */
  legend?: boolean;
  /** Opacity of the marks in (0, 1] (default 1), for many overlapping lines. */
  opacity?: number;
}

/** A vertical marker line, with an optional label drawn at the top of the plot. */
export interface Marker {
  x: number;
  label?: string;
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Shorthand for `xScale: 'log'`. */
  logX?: boolean;
  /** Shorthand for `yScale: 'log'`. */
  logY?: boolean;
  /** Default `'linear'` (or `'log'` with `logX`). */
  xScale?: ScaleKind;
  /** Default `'linear'` (or `'log'` with `logY`); `'symlog'` for signed errors over decades. */
  yScale?: ScaleKind;
  /** Total width in px (default 720); the plot area is what the margins and legend leave. */
  width?: number;
  /** Total height in px (default 420); grows when a legend under the plot needs the room. */
  height?: number;
  /** Vertical marker lines (e.g. the target), optionally labelled. */
  xMarkers?: readonly (number | Marker)[];
  /** The y range to show at least; data outside it widens it (nothing is drawn off the plot). */
  yDomain?: [number, number];
  /** The x range to show at least. */
  xDomain?: [number, number];
  /** Tick values of the x axis (default: chosen by the scale). */
  xTicks?: readonly number[];
  /** Tick values of the y axis. */
  yTicks?: readonly number[];
  /** Where the legend goes: `'auto'` (beside when it fits in a third of the width), `'right'`, `'bottom'`. */
  legend?: 'auto' | 'right' | 'bottom';
}

const FONT = 12;
const TITLE_FONT = 15;
const TICK = 5;
const PAD = 10;
const DOT_R = 4;

function extent(series: readonly Series[], axis: 'x' | 'y', positive: boolean): [number, number] {
  let lo = Number.POSITIVE_INFINITY;
  let hi = Number.NEGATIVE_INFINITY;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      const v = axis === 'x' ? x : y;
      if (positive && v <= 0) continue;
      lo = Math.min(lo, v);
      hi = Math.max(hi, v);
    }
  }
  return Number.isFinite(lo) ? [lo, hi] : positive ? [1, 10] : [0, 1];
}

const swatchOf = (s: Series): SwatchKind => (s.points ? 'dot' : s.dashed ? 'dashed' : 'line');

/** A line (or scatter) chart with axes, ticks and a legend, as SVG text. */
export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const W = opts.width ?? 720;
  const xKind: ScaleKind = opts.xScale ?? (opts.logX ? 'log' : 'linear');
  const yKind: ScaleKind = opts.yScale ?? (opts.logY ? 'log' : 'linear');
  const colors = series.map((s, k) => s.color ?? PALETTE[k % PALETTE.length]!);
  // Beyond the palette, auto-coloured lines repeat colours dashed, so no two look alike.
  const dashed = series.map(
    (s, k) => s.dashed === true || (s.color === undefined && k >= PALETTE.length && !s.points),
  );
  const hasPoints = series.some((s) => s.points);

  let [x0, x1] = extent(series, 'x', xKind === 'log');
  let [y0, y1] = extent(series, 'y', yKind === 'log');
  if (opts.xDomain) [x0, x1] = [Math.min(x0, opts.xDomain[0]), Math.max(x1, opts.xDomain[1])];
  if (opts.yDomain) [y0, y1] = [Math.min(y0, opts.yDomain[0]), Math.max(y1, opts.yDomain[1])];
  const markers = (opts.xMarkers ?? []).map((m) => (typeof m === 'number' ? { x: m } : m));
  for (const m of markers) [x0, x1] = [Math.min(x0, m.x), Math.max(x1, m.x)];
  const xs = makeScale(xKind, x0, x1, !opts.xDomain);
  const ys = makeScale(yKind, y0, y1, !opts.yDomain);

  // Legend entries, in series order.
  const entries: LegendEntry[] = [];
  series.forEach((s, k) => {
    if (s.legend === false || s.name === '') return;
    const sw = swatchOf({ ...s, dashed: dashed[k] });
    entries.push({ label: s.name, color: colors[k]!, swatch: sw, key: String(k) });
  });

  // Margins from the labels.
  const titleLines = wrapText(opts.title, W - 2 * PAD, TITLE_FONT);
  const top = PAD + titleLines.length * (TITLE_FONT + 4) + 8;
  const yTicksAll = (opts.yTicks ?? ys.ticks()).filter(
    (v) => v >= ys.domain[0] - 1e-12 && v <= ys.domain[1] + 1e-12,
  );
  const yTickWidth = Math.max(0, ...yTicksAll.map((v) => textWidth(ys.format(v), FONT)));
  const left = PAD + FONT + 8 + yTickWidth + TICK + 3;
  const xTicksAll = (opts.xTicks ?? xs.ticks()).filter(
    (v) => v >= xs.domain[0] * (1 - 1e-12) - 1e-12 && v <= xs.domain[1] * (1 + 1e-12) + 1e-12,
  );
  const lastXLabel = xTicksAll.length ? textWidth(xs.format(xTicksAll.at(-1)!), FONT) : 0;

  const legendPlace =
    opts.legend === 'right' || opts.legend === 'bottom'
      ? opts.legend
      : entries.length === 0
        ? 'none'
        : layoutLegend(entries, W, { maxColumns: 1 }).width <= W / 3 && entries.length <= 16
          ? 'right'
          : 'bottom';
  const rightLegend =
    legendPlace === 'right' ? layoutLegend(entries, W / 3, { maxColumns: 1 }) : null;
  const right = rightLegend ? rightLegend.width + 2 * PAD + 6 : PAD + lastXLabel / 2;
  const plotWidth = W - left - right;
  const bottomLegend = legendPlace === 'bottom' ? layoutLegend(entries, W - 2 * PAD) : null;
  const xAxisBlock = TICK + 4 + FONT + 8 + FONT + 6;
  const bottom = PAD + xAxisBlock + (bottomLegend ? bottomLegend.height + 14 : 0);
  const minPlotHeight = Math.max(160, (rightLegend?.height ?? 0) + 4);
  const H = Math.max(opts.height ?? 420, top + bottom + minPlotHeight);
  const plotHeight = H - top - bottom;
  const plot = { x: left, y: top, width: plotWidth, height: plotHeight };
  // Dots keep a margin inside the frame so that none is cut by it.
  const inset = hasPoints ? DOT_R + 4 : 0;
  const X = (v: number) => plot.x + inset + xs.unit(v) * (plot.width - 2 * inset);
  const Y = (v: number) => plot.y + plot.height - inset - ys.unit(v) * (plot.height - 2 * inset);

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(W)}" height="${num(H)}" viewBox="0 0 ${num(W)} ${num(H)}" font-family="${FONT_FAMILY}" font-size="${FONT}" data-plot="line">`,
    `<rect width="${num(W)}" height="${num(H)}" fill="white"/>`,
  ];
  titleLines.forEach((line, i) => {
    out.push(
      `<text x="${num(W / 2)}" y="${num(PAD + (i + 1) * (TITLE_FONT + 4) - 4)}" text-anchor="middle" font-size="${TITLE_FONT}">${esc(line)}</text>`,
    );
  });
  // Grid and ticks.
  const xTicks = thinTicks(xTicksAll, X, (v) => textWidth(xs.format(v), FONT), 10, xs.priority);
  const yTicks = thinTicks(yTicksAll, Y, () => FONT + 2, 4, ys.priority);
  out.push('<g data-role="axes">');
  for (const v of xTicks) {
    const x = num(X(v));
    out.push(
      `<line x1="${x}" x2="${x}" y1="${num(plot.y)}" y2="${num(plot.y + plot.height)}" stroke="#e6e6e6"/>`,
      `<line x1="${x}" x2="${x}" y1="${num(plot.y + plot.height)}" y2="${num(plot.y + plot.height + TICK)}" stroke="#333"/>`,
      `<text x="${x}" y="${num(plot.y + plot.height + TICK + 3 + FONT * 0.8)}" text-anchor="middle">${esc(xs.format(v))}</text>`,
    );
  }
  for (const v of yTicks) {
    const y = num(Y(v));
    out.push(
      `<line x1="${num(plot.x)}" x2="${num(plot.x + plot.width)}" y1="${y}" y2="${y}" stroke="#e6e6e6"/>`,
      `<line x1="${num(plot.x - TICK)}" x2="${num(plot.x)}" y1="${y}" y2="${y}" stroke="#333"/>`,
      `<text x="${num(plot.x - TICK - 3)}" y="${y}" text-anchor="end" dominant-baseline="central">${esc(ys.format(v))}</text>`,
    );
  }
  out.push(
    `<text x="${num(plot.x + plot.width / 2)}" y="${num(plot.y + plot.height + xAxisBlock - 4)}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(${num(PAD + FONT * 0.8)} ${num(plot.y + plot.height / 2)}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    '</g>',
  );
  // Markers (lines first, then labels over them), the labels stacked in rows where they collide.
  for (const m of markers) {
    const x = num(X(m.x));
    out.push(
      `<line x1="${x}" x2="${x}" y1="${num(plot.y)}" y2="${num(plot.y + plot.height)}" stroke="#555" stroke-dasharray="3 3" data-role="marker"/>`,
    );
  }
  // Marks.
  out.push('<g data-role="marks">');
  series.forEach((s, k) => {
    const color = colors[k]!;
    const alpha = s.opacity !== undefined && s.opacity < 1 ? ` opacity="${s.opacity}"` : '';
    if (s.points) {
      for (let i = 0; i < s.x.length; i++) {
        if (!Number.isFinite(s.x[i]!) || !Number.isFinite(s.y[i]!)) continue;
        out.push(
          `<circle cx="${num(X(s.x[i]!))}" cy="${num(Y(s.y[i]!))}" r="${DOT_R}" fill="${color}" stroke="white" stroke-width="0.8"${alpha} data-series="${k}"/>`,
        );
      }
      return;
    }
    const pts: string[] = [];
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      if ((xKind === 'log' && x <= 0) || (yKind === 'log' && y <= 0)) continue;
      pts.push(`${num(X(x))},${num(Y(y))}`);
    }
    out.push(
      `<polyline fill="none" stroke="${color}" stroke-width="1.6"${dashed[k] ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"${alpha} data-series="${k}"/>`,
    );
  });
  out.push('</g>');
  const rowsEnd: number[] = [];
  for (const m of markers) {
    if (!m.label) continue;
    const x = X(m.x);
    const w = textWidth(m.label, FONT - 1);
    const leftSide = x + 4 + w > plot.x + plot.width - 2;
    const start = leftSide ? x - 4 - w : x + 4;
    let row = rowsEnd.findIndex((end) => end < start - 4);
    if (row < 0) row = rowsEnd.push(0) - 1;
    rowsEnd[row] = start + w;
    const y = plot.y + 4 + (row + 0.5) * (FONT + 3);
    out.push(
      `<rect x="${num(start - 2)}" y="${num(y - FONT / 2 - 1)}" width="${num(w + 4)}" height="${num(FONT + 2)}" fill="white" fill-opacity="0.85"/>`,
      `<text x="${num(start)}" y="${num(y)}" dominant-baseline="central" font-size="${FONT - 1}" fill="#333">${esc(m.label)}</text>`,
    );
  }
  out.push(
    `<rect x="${num(plot.x)}" y="${num(plot.y)}" width="${num(plot.width)}" height="${num(plot.height)}" fill="none" stroke="#333" data-role="plot-area"/>`,
  );
  if (rightLegend) out.push(rightLegend.render(plot.x + plot.width + PAD + 6, plot.y + 2));
  if (bottomLegend) {
    out.push(bottomLegend.render((W - bottomLegend.width) / 2, H - PAD - bottomLegend.height));
  }
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
