// Edge cases for the plotting layer (dist/lib/plot): the shapes of the reproduce plots, made
// harder - long labels, many series, unnamed series, single points on the frame, dots and dashes,
// markers close together, a symlog axis, heatmaps small and wide. plots.browser.mjs renders them.
import { heatmap, lineChart } from '../dist/lib/plot/index.js';

const range = (n, f) => Array.from({ length: n }, (_, i) => f(i));
const steps = [0.3, 3, 30, 300];

/** `[name, svg]` pairs. */
export function samples() {
  const out = [];
  // GRA-like: eight configurations and three dashed lecture rows, long names, log x, y domain.
  const names = [
    'standard',
    'modifiedHann',
    'smooth',
    'standard+window',
    'standard+sizes',
    'standard+compression',
    'standard+distance',
    'standard+hop',
  ];
  const gra = names.map((name, k) => ({
    name,
    x: steps,
    y: steps.map((_, i) => 0.5 + 0.05 * k + 0.02 * i),
  }));
  for (const k of [0, 1, 2]) {
    gra.push({
      name: `${names[k]} (lecture)`,
      x: steps,
      y: gra[k].y.map((v) => v - 0.03),
      dashed: true,
      color: '#123456',
    });
    gra[k].color = '#123456';
  }
  gra[3].color = undefined;
  out.push([
    'sample-gra',
    lineChart(
      gra.map((s, k) =>
        k < 3 || k >= 8 ? { ...s, color: ['#1f77b4', '#2ca02c', '#d62728'][(k % 8) % 3] } : s,
      ),
      {
        title:
          'GRA vs step (ranking reading, 1000 Hz target, 44.1 kHz, 1 s) with a long title that has to wrap somewhere',
        xLabel: 'step between the two estimates (cents, log scale)',
        yLabel: 'GRA',
        logX: true,
        xTicks: steps,
        yDomain: [0.4, 1],
      },
    ),
  ]);
  // Frequency estimation: 24 trajectories, two named, on a symlog axis in cents.
  const traj = [];
  for (const preset of ['standard', 'smooth']) {
    for (let r = 0; r < 24; r++) {
      const start = (r % 2 ? -1 : 1) * 100 * (r + 1);
      traj.push({
        name: r === 0 ? `${preset} (24 runs)` : '',
        x: range(120, (i) => i + 1),
        y: range(120, (i) => start * Math.exp(-i / (preset === 'smooth' ? 10 : 1e3))),
        color: preset === 'smooth' ? '#d62728' : '#1f77b4',
      });
    }
  }
  out.push([
    'sample-trajectories',
    lineChart(traj, {
      title: 'Adam on pitch',
      xLabel: 'step',
      yLabel: 'error (cents)',
      yScale: 'symlog',
      width: 860,
    }),
  ]);
  // Twenty unnamed-colour series: the palette runs out, colours repeat dashed; legend under the plot.
  out.push([
    'sample-many-series',
    lineChart(
      range(20, (k) => ({
        name: `series number ${k} with a longer name`,
        x: [0, 1, 2],
        y: [k, k + 1, k * 0.5],
      })),
      { title: 'many series', xLabel: 'x', yLabel: 'y', width: 640, height: 300 },
    ),
  ]);
  // Scatter: one point per series, two on the same extreme, consistency 1 (a single x value).
  out.push([
    'sample-scatter',
    lineChart(
      ['A (BCE)', 'B (aggregate)', 'D(1, 1)', 'D(4, 4)', 'MCLoss + MCM'].map((name, k) => ({
        name,
        x: [1],
        y: [0.8 + 0.02 * (k % 3)],
        points: true,
      })),
      {
        title: 'F vs consistency, all at 1',
        xLabel: 'mean consistency gamma_c',
        yLabel: 'F-measure',
        width: 860,
      },
    ),
  ]);
  // Leakage: markers close together with labels, a line per window.
  out.push([
    'sample-markers',
    lineChart(
      ['rectangular', 'hann', 'flattop'].map((name, k) => ({
        name,
        x: range(501, (i) => i * 0.1),
        y: range(501, (i) => Math.min(1, (i * 0.1) / (2 + 3 * k))),
      })),
      {
        title: 'Spectral distance to a 1000 Hz sinusoid',
        xLabel: 'frequency offset (Hz)',
        yLabel: 'distance (normalised to max)',
        xMarkers: [
          { x: 3.90625, label: '1 bin (1003.9 Hz)' },
          { x: 7.8125, label: '2 bins (1007.8 Hz)' },
          { x: 20, label: '1020 Hz' },
          { x: 50, label: 'far end of the axis' },
        ],
      },
    ),
  ]);
  // Heatmaps: a small one, a wide one with a path, a constant one.
  const small = range(12, (i) => (i % 5) / 4);
  out.push([
    'sample-heatmap-small',
    heatmap(small, 3, 4, { title: 'E', xLabel: 'j', yLabel: 'i', colorLabel: 'E(i, j)' }),
  ]);
  const K = 12;
  const N = 110;
  const wide = range(K * N, (t) => Math.exp(-((((t % N) / N) * K - Math.floor(t / N)) ** 2)));
  out.push([
    'sample-heatmap-wide',
    heatmap(wide, K, N, {
      title: 'Expected alignment E, gamma = 0.01 (red: DTW path)',
      xLabel: 'frame',
      yLabel: 'note',
      colorLabel: 'expected alignment',
      path: range(N, (n) => [Math.min(K - 1, Math.floor((n * K) / N)), n]),
      cell: 8,
    }),
  ]);
  out.push([
    'sample-heatmap-constant',
    heatmap(
      range(6, () => 0),
      2,
      3,
      { title: 'zeros', xLabel: 'j', yLabel: 'i' },
    ),
  ]);
  return out;
}
