/**
 * Heatmaps of a matrix: one cell per entry on a sequential colour scale, axis ticks on both
 * indices, a colour bar with its own ticks, and an optional path drawn over the cells.
 */
import { sequential, sequentialStops } from './color.js';
import { linearScale, thinTicks } from './scale.js';
import { esc, FONT_FAMILY, num, textWidth, wrapText } from './text.js';

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  title: string;
  /** Label of the column index (x axis). */
  xLabel: string;
  /** Label of the row index (y axis, row 0 at the top). */
  yLabel: string;
  /** Overlay: a path of [row, column] cells (e.g. the hard DTW path). */
  path?: readonly (readonly [number, number])[];
  /** Cell size in px (default: about 400 px for the larger side, 2-16 px per cell). */
  cell?: number;
  /** Label of the colour bar (default `'value'`). */
  colorLabel?: string;
  /** Value range of the colour scale (default [min(0, data), max(data)]). */
  domain?: [number, number];
}

const FONT = 12;
const TITLE_FONT = 14;
const PAD = 10;
const TICK = 4;
const BAR = 14;

/** Integer tick positions 0 ... n-1 at a nice step whose labels fit `length` px. */
function indexTicks(n: number, pxPerIndex: number, labelSize: (v: number) => number): number[] {
  const all = Array.from({ length: n }, (_, i) => i);
  for (const step of [1, 2, 5, 10, 20, 25, 50, 100, 200, 250, 500, 1000, 2000, 5000]) {
    const ticks = all.filter((i) => i % step === 0);
    const ok = ticks.every(
      (v, k) =>
        k === 0 ||
        (v - ticks[k - 1]!) * pxPerIndex >= (labelSize(v) + labelSize(ticks[k - 1]!)) / 2 + 6,
    );
    if (ok) return ticks;
  }
  return [0];
}

/** A heatmap of a row-major `rows x cols` matrix (darker = larger), as SVG text. */
export function heatmap(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: HeatmapOptions,
): string {
  const cell = opts.cell ?? Math.max(2, Math.min(16, Math.floor(400 / Math.max(rows, cols))));
  let lo = 0;
  let hi = Number.NEGATIVE_INFINITY;
  for (let i = 0; i < rows * cols; i++) {
    const v = values[i]!;
    if (!Number.isFinite(v)) continue;
    lo = Math.min(lo, v);
    hi = Math.max(hi, v);
  }
  if (!(hi > lo)) hi = lo + 1;
  const [d0, d1] = opts.domain ?? [lo, hi];
  const unit = (v: number) => (v - d0) / (d1 - d0 || 1);

  const pw = cols * cell;
  const ph = rows * cell;
  const colorLabel = opts.colorLabel ?? 'value';
  const cs = linearScale(d0, d1, { count: 5 });
  const barTicks = cs.ticks();
  const barTickWidth = Math.max(...barTicks.map((v) => textWidth(cs.format(v), FONT)));
  const yTicks = indexTicks(rows, cell, () => FONT + 2);
  const xTicks = indexTicks(cols, cell, (v) => textWidth(String(v), FONT));
  const yTickWidth = Math.max(...yTicks.map((v) => textWidth(String(v), FONT)));

  const left = PAD + FONT + 8 + yTickWidth + TICK + 3;
  const barBlock = 18 + BAR + TICK + 3 + barTickWidth + 8 + FONT + PAD;
  const minWidth = textWidth(opts.title, TITLE_FONT) + 2 * PAD;
  const W = Math.max(left + pw + barBlock, Math.min(minWidth, 900));
  const titleLines = wrapText(opts.title, W - 2 * PAD, TITLE_FONT);
  const top = PAD + titleLines.length * (TITLE_FONT + 4) + 10;
  const barHeight = Math.max(100, Math.min(ph, 240));
  const xAxisBlock = TICK + 4 + FONT + 8 + FONT + 6;
  const H = top + Math.max(ph + xAxisBlock, barHeight + 8) + PAD;
  const plot = { x: left, y: top, width: pw, height: ph };

  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${num(W)}" height="${num(H)}" viewBox="0 0 ${num(W)} ${num(H)}" font-family="${FONT_FAMILY}" font-size="${FONT}" data-plot="heatmap">`,
    `<rect width="${num(W)}" height="${num(H)}" fill="white"/>`,
  ];
  titleLines.forEach((line, i) => {
    out.push(
      `<text x="${num(W / 2)}" y="${num(PAD + (i + 1) * (TITLE_FONT + 4) - 4)}" text-anchor="middle" font-size="${TITLE_FONT}">${esc(line)}</text>`,
    );
  });
  // Cells: the plot area is filled with the colour of the domain's low end; only other cells drawn.
  const base = sequential(unit(d0));
  out.push('<g data-role="marks">');
  out.push(
    `<rect x="${num(plot.x)}" y="${num(plot.y)}" width="${num(pw)}" height="${num(ph)}" fill="${base}"/>`,
  );
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const fill = sequential(unit(values[i * cols + j]!));
      if (fill === base) continue;
      out.push(
        `<rect x="${num(plot.x + j * cell)}" y="${num(plot.y + i * cell)}" width="${num(cell)}" height="${num(cell)}" fill="${fill}"/>`,
      );
    }
  }
  if (opts.path && opts.path.length > 0) {
    const pts = opts.path
      .map(([i, j]) => `${num(plot.x + (j + 0.5) * cell)},${num(plot.y + (i + 0.5) * cell)}`)
      .join(' ');
    out.push(
      `<polyline fill="none" stroke="#d62728" stroke-width="1.5" stroke-linejoin="round" points="${pts}"/>`,
    );
  }
  out.push('</g>');
  out.push(
    `<rect x="${num(plot.x)}" y="${num(plot.y)}" width="${num(pw)}" height="${num(ph)}" fill="none" stroke="#333" data-role="plot-area"/>`,
  );
  // Axes: ticks at cell centres.
  out.push('<g data-role="axes">');
  for (const j of xTicks) {
    const x = num(plot.x + (j + 0.5) * cell);
    out.push(
      `<line x1="${x}" x2="${x}" y1="${num(plot.y + ph)}" y2="${num(plot.y + ph + TICK)}" stroke="#333"/>`,
      `<text x="${x}" y="${num(plot.y + ph + TICK + 3 + FONT * 0.8)}" text-anchor="middle">${j}</text>`,
    );
  }
  for (const i of yTicks) {
    const y = num(plot.y + (i + 0.5) * cell);
    out.push(
      `<line x1="${num(plot.x - TICK)}" x2="${num(plot.x)}" y1="${y}" y2="${y}" stroke="#333"/>`,
      `<text x="${num(plot.x - TICK - 3)}" y="${y}" text-anchor="end" dominant-baseline="central">${i}</text>`,
    );
  }
  out.push(
    `<text x="${num(plot.x + pw / 2)}" y="${num(plot.y + ph + TICK + 4 + FONT + 8 + FONT * 0.8)}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(${num(PAD + FONT * 0.8)} ${num(plot.y + ph / 2)}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    '</g>',
  );
  // Colour bar: value d1 at the top, d0 at the bottom.
  const bx = plot.x + pw + 18;
  const by = plot.y;
  const id = `scale-${Math.abs(hashOf(opts.title))}`;
  out.push(
    '<g data-role="color-scale">',
    `<defs><linearGradient id="${id}" x1="0" y1="1" x2="0" y2="0">${sequentialStops()
      .map(([o, c]) => `<stop offset="${o.toFixed(3)}" stop-color="${c}"/>`)
      .join('')}</linearGradient></defs>`,
    `<rect x="${num(bx)}" y="${num(by)}" width="${BAR}" height="${num(barHeight)}" fill="url(#${id})" stroke="#333"/>`,
  );
  const barY = (v: number) => by + barHeight - unit(v) * barHeight;
  for (const v of thinTicks(barTicks, barY, () => FONT + 2, 2)) {
    const y = num(barY(v));
    out.push(
      `<line x1="${num(bx + BAR)}" x2="${num(bx + BAR + TICK)}" y1="${y}" y2="${y}" stroke="#333"/>`,
      `<text x="${num(bx + BAR + TICK + 3)}" y="${y}" dominant-baseline="central">${esc(cs.format(v))}</text>`,
    );
  }
  out.push(
    `<text transform="translate(${num(bx + BAR + TICK + 3 + barTickWidth + 8 + FONT * 0.8)} ${num(by + barHeight / 2)}) rotate(90)" text-anchor="middle">${esc(colorLabel)}</text>`,
    '</g>',
  );
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** A small string hash for unique gradient ids when several heatmaps share a page. */
function hashOf(s: string): number {
  let h = 0;
  for (const ch of s) h = (Math.imul(h, 31) + ch.codePointAt(0)!) | 0;
  return h;
}
