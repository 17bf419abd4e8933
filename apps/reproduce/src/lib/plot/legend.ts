/**
 * Legends: each entry's swatch draws the entry's mark (a solid or dashed line, a dot), and the
 * entries fit the space they get - one column beside the plot, or a grid of columns under it that
 * wraps onto as many rows as it needs. Labels too long for their column wrap onto more lines.
 */
import { esc, FONT_FAMILY, num, textWidth, wrapText } from './text.js';

/** How a legend entry's swatch is drawn: like its series. */
export type SwatchKind = 'line' | 'dashed' | 'dot';

/** One legend entry. */
export interface LegendEntry {
  label: string;
  color: string;
  swatch: SwatchKind;
  /** Identifies the entry's marks (`data-series` on both), so tests can compare them. */
  key?: string;
}

/** A legend laid out for a given width: its size and its SVG at a position. */
export interface LegendLayout {
  width: number;
  height: number;
  render(x: number, y: number): string;
}

const SWATCH = 26;
const GAP = 6;
const LINE = 15;
const ROW_GAP = 4;
const COL_GAP = 16;

/** The SVG of one swatch whose left edge is at x and vertical centre at y. */
export function swatch(kind: SwatchKind, color: string, x: number, y: number): string {
  if (kind === 'dot') {
    return `<circle cx="${num(x + SWATCH / 2)}" cy="${num(y)}" r="4" fill="${color}"/>`;
  }
  const dash = kind === 'dashed' ? ' stroke-dasharray="6 4"' : '';
  return `<line x1="${num(x)}" x2="${num(x + SWATCH)}" y1="${num(y)}" y2="${num(y)}" stroke="${color}" stroke-width="2.5"${dash}/>`;
}

/**
 * Lays out `entries` in columns of equal width within `maxWidth` px: as many columns as fit (at
 * most `maxColumns`), labels wrapped to the column.
 */
export function layoutLegend(
  entries: readonly LegendEntry[],
  maxWidth: number,
  opts: { fontSize?: number; maxColumns?: number } = {},
): LegendLayout {
  const fontSize = opts.fontSize ?? 12;
  if (entries.length === 0) return { width: 0, height: 0, render: () => '' };
  const widest = Math.max(...entries.map((e) => textWidth(e.label, fontSize)));
  const natural = SWATCH + GAP + widest;
  const columns = Math.max(
    1,
    Math.min(
      opts.maxColumns ?? entries.length,
      entries.length,
      Math.floor((maxWidth + COL_GAP) / (natural + COL_GAP)),
    ),
  );
  const colWidth = Math.min(natural, (maxWidth - (columns - 1) * COL_GAP) / columns);
  const labelWidth = Math.max(20, colWidth - SWATCH - GAP);
  const lines = entries.map((e) => wrapText(e.label, labelWidth, fontSize));
  // Row heights: the tallest entry of each row.
  const rows = Math.ceil(entries.length / columns);
  const rowHeights = Array.from({ length: rows }, (_, r) =>
    Math.max(...lines.slice(r * columns, (r + 1) * columns).map((l) => l.length * LINE)),
  );
  const height = rowHeights.reduce((a, b) => a + b, 0) + (rows - 1) * ROW_GAP;
  const width = columns * colWidth + (columns - 1) * COL_GAP;
  return {
    width,
    height,
    render(x0, y0) {
      const out = [`<g data-role="legend" font-family="${FONT_FAMILY}" font-size="${fontSize}">`];
      let y = y0;
      for (let r = 0; r < rows; r++) {
        for (let c = 0; c < columns; c++) {
          const i = r * columns + c;
          const e = entries[i];
          if (!e) continue;
          const x = x0 + c * (colWidth + COL_GAP);
          out.push(
            `<g data-role="legend-entry" data-swatch="${e.swatch}"${e.key === undefined ? '' : ` data-series="${esc(e.key)}"`}>`,
            swatch(e.swatch, e.color, x, y + LINE / 2),
          );
          lines[i]!.forEach((line, k) => {
            out.push(
              `<text x="${num(x + SWATCH + GAP)}" y="${num(y + LINE / 2 + k * LINE)}" dominant-baseline="central">${esc(line)}</text>`,
            );
          });
          out.push('</g>');
        }
        y += rowHeights[r]! + ROW_GAP;
      }
      out.push('</g>');
      return out.join('\n');
    },
  };
}
