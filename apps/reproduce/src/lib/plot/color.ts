/** Colours of the plots: a categorical palette for series and a sequential scale for heatmaps. */

/**
 * Twelve distinguishable colours (Tableau 10, then two darker ones); series get them in order, and
 * beyond twelve the palette repeats with the line dashed (see `lineChart`).
 */
export const PALETTE: readonly string[] = [
  '#1f77b4',
  '#d62728',
  '#2ca02c',
  '#ff7f0e',
  '#9467bd',
  '#8c564b',
  '#e377c2',
  '#7f7f7f',
  '#17becf',
  '#bcbd22',
  '#393b79',
  '#843c39',
];

// ColorBrewer's "Blues" (9 classes), light to dark.
const BLUES = [
  '#f7fbff',
  '#deebf7',
  '#c6dbef',
  '#9ecae1',
  '#6baed6',
  '#4292c6',
  '#2171b5',
  '#08519c',
  '#08306b',
];

function rgb(hex: string): [number, number, number] {
  const v = Number.parseInt(hex.slice(1), 16);
  return [(v >> 16) & 255, (v >> 8) & 255, v & 255];
}

/** The sequential colour of `t` in [0, 1] (clamped): near-white at 0, dark blue at 1. */
export function sequential(t: number): string {
  const x = Math.min(1, Math.max(0, Number.isFinite(t) ? t : 0)) * (BLUES.length - 1);
  const i = Math.min(BLUES.length - 2, Math.floor(x));
  const f = x - i;
  const a = rgb(BLUES[i]!);
  const b = rgb(BLUES[i + 1]!);
  const c = a.map((v, k) => Math.round(v + (b[k]! - v) * f));
  return `#${c.map((v) => v.toString(16).padStart(2, '0')).join('')}`;
}

/** Stops of the sequential scale for an SVG gradient, `[offset 0..1, colour]`. */
export function sequentialStops(): [number, string][] {
  return BLUES.map((c, i) => [i / (BLUES.length - 1), c]);
}
