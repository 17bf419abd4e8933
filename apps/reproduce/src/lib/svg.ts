/**
 * The SVG charts of the reproduce outputs. Kept as the entry point the cases import; the layer
 * itself lives in `./plot/` (line and scatter charts, heatmaps, legends, scales).
 */
export {
  type ChartOptions,
  type HeatmapOptions,
  heatmap,
  lineChart,
  type Marker,
  type Series,
} from './plot/index.js';
