/**
 * The plotting layer of the main job: small dependency-free SVG charts whose margins come from
 * their labels, whose legends fit or wrap and draw each series' own mark, and whose heatmaps carry
 * axis ticks and a colour scale. `test/plots.browser.mjs` renders every chart in Chromium and
 * checks that no text leaves the picture and no mark leaves its plot area.
 */
export { PALETTE, sequential } from './color.js';
export { type HeatmapOptions, heatmap } from './heatmap.js';
export { type LegendEntry, type LegendLayout, layoutLegend, type SwatchKind } from './legend.js';
export { type ChartOptions, lineChart, type Marker, type Series } from './line-chart.js';
export {
  formatNumber,
  linearScale,
  logScale,
  makeScale,
  type Scale,
  type ScaleKind,
  symlogScale,
} from './scale.js';
export { textWidth, wrapText } from './text.js';
