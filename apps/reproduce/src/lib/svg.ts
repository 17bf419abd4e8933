/** Small dependency-free SVG charts for the reproduce outputs: lines, scatter and heatmaps. */

/** One series of a line or scatter chart. */
export interface Series {
  name: string;
  x: ArrayLike<number>;
  y: ArrayLike<number>;
  /** Draw points instead of a line. */
  points?: boolean;
  color?: string;
  dashed?: boolean;
}

/** Options of {@link lineChart}. */
export interface ChartOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  logX?: boolean;
  logY?: boolean;
  width?: number;
  height?: number;
  /** Vertical marker lines at these x values (e.g. the target frequency). */
  xMarkers?: number[];
  yDomain?: [number, number];
}

const PALETTE = [
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
];

function esc(s: string): string {
  return s.replaceAll('&', '&amp;').replaceAll('<', '&lt;').replaceAll('>', '&gt;');
}

function niceTicks(lo: number, hi: number, count = 6): number[] {
  const span = hi - lo || Math.abs(hi) || 1;
  const step0 = span / count;
  const mag = 10 ** Math.floor(Math.log10(step0));
  const step = [1, 2, 5, 10].map((m) => m * mag).find((s) => s >= step0) ?? 10 * mag;
  const ticks: number[] = [];
  for (let v = Math.ceil(lo / step) * step; v <= hi + step * 1e-9; v += step)
    ticks.push(+v.toPrecision(12));
  return ticks;
}

function logTicks(lo: number, hi: number): number[] {
  const ticks: number[] = [];
  for (let e = Math.floor(Math.log10(lo)); e <= Math.ceil(Math.log10(hi)); e++) {
    for (const m of [1, 2, 5]) {
      const v = m * 10 ** e;
      if (v >= lo * (1 - 1e-9) && v <= hi * (1 + 1e-9)) ticks.push(v);
    }
  }
  return ticks;
}

function fmt(v: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e4 || a < 1e-3) return v.toExponential(0);
  return String(+v.toPrecision(4));
}

/** A line (or scatter) chart with axes, ticks and a legend, as SVG text. */
export function lineChart(series: readonly Series[], opts: ChartOptions): string {
  const W = opts.width ?? 720;
  const H = opts.height ?? 420;
  const m = { l: 70, r: 170, t: 40, b: 55 };
  const pw = W - m.l - m.r;
  const ph = H - m.t - m.b;
  const tx = (v: number) => (opts.logX ? Math.log10(v) : v);
  const ty = (v: number) => (opts.logY ? Math.log10(v) : v);
  let x0 = Infinity;
  let x1 = -Infinity;
  let y0 = Infinity;
  let y1 = -Infinity;
  for (const s of series) {
    for (let i = 0; i < s.x.length; i++) {
      const x = s.x[i]!;
      const y = s.y[i]!;
      if (!Number.isFinite(x) || !Number.isFinite(y)) continue;
      x0 = Math.min(x0, x);
      x1 = Math.max(x1, x);
      y0 = Math.min(y0, y);
      y1 = Math.max(y1, y);
    }
  }
  if (opts.yDomain) [y0, y1] = opts.yDomain;
  if (y0 === y1) {
    y0 -= 1;
    y1 += 1;
  }
  const X = (v: number) => m.l + ((tx(v) - tx(x0)) / (tx(x1) - tx(x0) || 1)) * pw;
  const Y = (v: number) => m.t + ph - ((ty(v) - ty(y0)) / (ty(y1) - ty(y0) || 1)) * ph;
  const out: string[] = [];
  out.push(
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${m.l + pw / 2}" y="22" text-anchor="middle" font-size="15">${esc(opts.title)}</text>`,
  );
  const xt = opts.logX ? logTicks(x0, x1) : niceTicks(x0, x1);
  const yt = opts.logY ? logTicks(y0, y1) : niceTicks(y0, y1);
  for (const v of xt) {
    out.push(
      `<line x1="${X(v)}" x2="${X(v)}" y1="${m.t}" y2="${m.t + ph}" stroke="#e5e5e5"/>`,
      `<text x="${X(v)}" y="${m.t + ph + 18}" text-anchor="middle">${fmt(v)}</text>`,
    );
  }
  for (const v of yt) {
    out.push(
      `<line x1="${m.l}" x2="${m.l + pw}" y1="${Y(v)}" y2="${Y(v)}" stroke="#e5e5e5"/>`,
      `<text x="${m.l - 6}" y="${Y(v) + 4}" text-anchor="end">${fmt(v)}</text>`,
    );
  }
  for (const v of opts.xMarkers ?? []) {
    out.push(
      `<line x1="${X(v)}" x2="${X(v)}" y1="${m.t}" y2="${m.t + ph}" stroke="#444" stroke-dasharray="3 3"/>`,
    );
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${pw}" height="${ph}" fill="none" stroke="#333"/>`,
    `<text x="${m.l + pw / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${m.t + ph / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
  );
  series.forEach((s, k) => {
    const color = s.color ?? PALETTE[k % PALETTE.length]!;
    if (s.points) {
      for (let i = 0; i < s.x.length; i++) {
        if (Number.isFinite(s.y[i]!)) {
          out.push(
            `<circle cx="${X(s.x[i]!).toFixed(2)}" cy="${Y(s.y[i]!).toFixed(2)}" r="4" fill="${color}"/>`,
          );
        }
      }
    } else {
      const pts: string[] = [];
      for (let i = 0; i < s.x.length; i++) {
        if (Number.isFinite(s.y[i]!)) pts.push(`${X(s.x[i]!).toFixed(2)},${Y(s.y[i]!).toFixed(2)}`);
      }
      out.push(
        `<polyline fill="none" stroke="${color}" stroke-width="1.5"${s.dashed ? ' stroke-dasharray="6 4"' : ''} points="${pts.join(' ')}"/>`,
      );
    }
    const ly = m.t + 10 + k * 18;
    out.push(
      `<line x1="${m.l + pw + 12}" x2="${m.l + pw + 32}" y1="${ly}" y2="${ly}" stroke="${color}" stroke-width="3"/>`,
      `<text x="${m.l + pw + 38}" y="${ly + 4}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}

/** Options of {@link heatmap}. */
export interface HeatmapOptions {
  title: string;
  xLabel: string;
  yLabel: string;
  /** Overlay: a path of [row, column] cells (e.g. the hard DTW path). */
  path?: readonly (readonly [number, number])[];
  cell?: number;
}

/** A heatmap of a row-major `rows x cols` matrix (darker = larger), as SVG text. */
export function heatmap(
  values: ArrayLike<number>,
  rows: number,
  cols: number,
  opts: HeatmapOptions,
): string {
  const cell = opts.cell ?? Math.max(2, Math.min(8, Math.floor(400 / Math.max(rows, cols))));
  const m = { l: 50, r: 20, t: 40, b: 45 };
  const W = m.l + cols * cell + m.r;
  const H = m.t + rows * cell + m.b;
  let max = 0;
  for (let i = 0; i < rows * cols; i++) max = Math.max(max, values[i]!);
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${W}" height="${H}" viewBox="0 0 ${W} ${H}" font-family="sans-serif" font-size="12">`,
    `<rect width="${W}" height="${H}" fill="white"/>`,
    `<text x="${W / 2}" y="22" text-anchor="middle" font-size="14">${esc(opts.title)}</text>`,
  ];
  for (let i = 0; i < rows; i++) {
    for (let j = 0; j < cols; j++) {
      const v = max > 0 ? values[i * cols + j]! / max : 0;
      if (v <= 0.002) continue;
      const g = Math.round(255 * (1 - v));
      out.push(
        `<rect x="${m.l + j * cell}" y="${m.t + i * cell}" width="${cell}" height="${cell}" fill="rgb(${g},${g},255)"/>`,
      );
    }
  }
  if (opts.path && opts.path.length > 0) {
    const pts = opts.path
      .map(([i, j]) => `${m.l + (j + 0.5) * cell},${m.t + (i + 0.5) * cell}`)
      .join(' ');
    out.push(`<polyline fill="none" stroke="#d62728" stroke-width="1.2" points="${pts}"/>`);
  }
  out.push(
    `<rect x="${m.l}" y="${m.t}" width="${cols * cell}" height="${rows * cell}" fill="none" stroke="#333"/>`,
    `<text x="${m.l + (cols * cell) / 2}" y="${H - 12}" text-anchor="middle">${esc(opts.xLabel)}</text>`,
    `<text transform="translate(16 ${m.t + (rows * cell) / 2}) rotate(-90)" text-anchor="middle">${esc(opts.yLabel)}</text>`,
    '</svg>',
  );
  return `${out.join('\n')}\n`;
}
