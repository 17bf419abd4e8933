/**
 * The alignment heatmap of the soft-DTW figures: one cell per entry of a matrix on a blue ramp
 * (with its legend), and an optional path on top (the hard DTW path, or any list of cells).
 */
import { ref } from 'vue';
import { loadPlot, type PlotModule, startFigure } from './figure';
import { loadSoftDtw } from './packages';

/** One entry of the matrix: row i, column j, value e. */
export interface Cell {
  i: number;
  j: number;
  e: number;
}

/** What {@link alignmentPlot} draws. */
export interface AlignmentPlotOptions {
  rows: number;
  cols: number;
  cells: Cell[];
  /** Cells of a path, drawn as a red line with dots. */
  path?: { i: number; j: number }[];
  xLabel: string;
  yLabel: string;
  colorLabel: string;
  /** Top of the colour ramp (default max(1, largest value)). */
  max?: number;
  /** Pixels per cell (default 28). */
  cell?: number;
}

/** The heatmap with its ramp legend; the legend gets margins of its own so its labels are whole. */
export function alignmentPlot(
  Plot: PlotModule,
  o: AlignmentPlotOptions,
): SVGSVGElement | HTMLElement {
  const cell = o.cell ?? 28;
  return Plot.plot({
    height: Math.max(200, cell * o.rows + 60),
    width: Math.max(260, cell * o.cols + 120),
    marginLeft: 45,
    marginBottom: 40,
    x: {
      label: o.xLabel,
      domain: Array.from({ length: o.cols }, (_, j) => j),
      tickSize: 0,
      ...(o.cols > 24
        ? { ticks: Array.from({ length: o.cols }, (_, j) => j).filter((j) => j % 5 === 0) }
        : {}),
    },
    y: { label: o.yLabel, domain: Array.from({ length: o.rows }, (_, i) => i), tickSize: 0 },
    color: {
      scheme: 'blues',
      legend: true,
      label: o.colorLabel,
      domain: [0, o.max ?? Math.max(1, ...o.cells.map((c) => c.e))],
      marginLeft: 16,
      marginRight: 16,
      width: 280,
      ticks: 5,
    },
    marks: [
      Plot.cell(o.cells, { x: 'j', y: 'i', fill: 'e', inset: 0.5 }),
      ...(o.path && o.path.length > 0
        ? [
            Plot.line(o.path, {
              x: 'j',
              y: 'i',
              stroke: '#e4572e',
              strokeWidth: 2.5,
              marker: 'dot',
            }),
          ]
        : []),
    ],
  });
}

/** Numbers separated by commas or spaces (NaN for a bad one). */
export function parseNumbers(s: string): number[] {
  return s
    .split(/[\s,;]+/)
    .filter((t) => t.length > 0)
    .map(Number);
}

/** A checksum of the cells, so that tests see when a figure changed. */
export function checksum(cells: Cell[], cols: number): number {
  let c = 0;
  for (const { i, j, e } of cells) c += e * (1 + i * cols + j);
  return c;
}

/**
 * The state of a soft-DTW figure, started with @losses/softdtw and Plot: `render(sd, Plot)` draws
 * and returns what the figure exposes as `data-state` (JSON), or undefined when the input is not
 * drawable (it sets `message` to say why). `draw()` re-renders; an error thrown while rendering is
 * shown as `message`, keeping the last picture.
 */
export function useSoftDtwFigure(
  // biome-ignore lint/suspicious/noExplicitAny: the package module is loaded at runtime
  render: (sd: any, Plot: PlotModule) => object | undefined,
) {
  const status = ref<'loading' | 'ready' | 'missing' | 'error'>('loading');
  const message = ref('');
  const state = ref('');
  // biome-ignore lint/suspicious/noExplicitAny: the package module is loaded at runtime
  let sd: any = null;
  let Plot: PlotModule | null = null;
  function draw(): void {
    if (!sd || !Plot) return;
    try {
      const shown = render(sd, Plot);
      if (shown === undefined) return;
      state.value = JSON.stringify(shown);
      status.value = 'ready';
    } catch (e) {
      message.value = String((e as Error).message ?? e);
      console.warn(e);
    }
  }
  startFigure(
    status,
    message,
    () => Promise.all([loadSoftDtw(), loadPlot()]),
    async (m, plot) => {
      sd = m;
      Plot = plot;
      draw();
    },
  );
  return { status, message, state, draw };
}
