/**
 * Axis scales of the plots: linear, log10 and symlog (sign(v) log10(1 + |v| / c), for errors that
 * span decades on both sides of 0), each with its tick values and tick labels.
 */

/** How an axis maps values. */
export type ScaleKind = 'linear' | 'log' | 'symlog';

/** A scale from data values to [0, 1] along its axis, with its ticks. */
export interface Scale {
  readonly kind: ScaleKind;
  /** The shown range of values, [lo, hi]. */
  readonly domain: readonly [number, number];
  /** Position of `v` along the axis: 0 at domain[0], 1 at domain[1]. */
  unit(v: number): number;
  /** Candidate tick values, inside the domain, ascending. */
  ticks(): number[];
  /** A tick label for `v`. */
  format(v: number): string;
  /** Which ticks to keep first when labels crowd (lower first); default: evenly thinned. */
  priority?(v: number): number;
}

/** Nice tick step (1, 2 or 5 times a power of ten) for about `count` ticks over `span`. */
export function niceStep(span: number, count: number): number {
  const raw = span / Math.max(1, count);
  const mag = 10 ** Math.floor(Math.log10(raw));
  return [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw * (1 - 1e-9)) ?? 10 * mag;
}

/** Multiples of `step` inside [lo, hi]. */
function multiples(lo: number, hi: number, step: number): number[] {
  const out: number[] = [];
  for (let k = Math.ceil(lo / step - 1e-9); k * step <= hi + step * 1e-9; k++) {
    out.push(Number((k * step).toPrecision(12)));
  }
  return out;
}

/** The number of decimals that shows every multiple of `step` exactly. */
function decimalsOf(step: number): number {
  for (let d = 0; d < 12; d++) {
    if (Math.abs(Math.round(step * 10 ** d) - step * 10 ** d) < 1e-6) return d;
  }
  return 12;
}

/** A compact label: fixed decimals in [1e-3, 1e5), else 1e-4 style. */
export function formatNumber(v: number, decimals?: number): string {
  if (v === 0) return '0';
  const a = Math.abs(v);
  if (a >= 1e5 || a < 1e-3) {
    const [m, e] = v.toExponential(2).split('e');
    const mant = String(Number(m));
    return `${mant === '1' ? '' : mant === '-1' ? '-' : `${mant}×`}1e${Number(e)}`;
  }
  if (decimals !== undefined) return v.toFixed(decimals);
  return String(Number(v.toPrecision(4)));
}

/**
 * A linear scale over [lo, hi]. With `nice`, the domain grows to the enclosing tick multiples (so
 * the frame sits on ticks).
 */
export function linearScale(lo: number, hi: number, opts: { nice?: boolean; count?: number } = {}) {
  let [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  if (a === b) {
    const d = a === 0 ? 1 : Math.abs(a) * 0.1;
    a -= d;
    b += d;
  }
  const count = opts.count ?? 6;
  let step = niceStep(b - a, count);
  if (opts.nice) {
    a = Math.floor(a / step + 1e-9) * step;
    b = Math.ceil(b / step - 1e-9) * step;
    step = niceStep(b - a, count);
  }
  const decimals = decimalsOf(step);
  const scale: Scale = {
    kind: 'linear',
    domain: [a, b],
    unit: (v) => (v - a) / (b - a),
    ticks: () => multiples(a, b, step),
    format: (v) => formatNumber(v, Math.abs(v) >= 1e-3 && Math.abs(v) < 1e5 ? decimals : undefined),
  };
  return scale;
}

/** A log10 scale over [lo, hi] (both > 0); ticks at 1, 2, 5 x 10^k, or decades when those crowd. */
export function logScale(lo: number, hi: number): Scale {
  let [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  if (!(a > 0)) throw new Error(`a log axis needs positive values, got ${a}`);
  if (a === b) {
    a /= 2;
    b *= 2;
  }
  const la = Math.log10(a);
  const lb = Math.log10(b);
  const ticks = (mantissas: readonly number[]) => {
    const out: number[] = [];
    for (let e = Math.floor(la); e <= Math.ceil(lb); e++) {
      for (const m of mantissas) {
        const v = Number((m * 10 ** e).toPrecision(12));
        if (v >= a * (1 - 1e-9) && v <= b * (1 + 1e-9)) out.push(v);
      }
    }
    return out;
  };
  return {
    kind: 'log',
    domain: [a, b],
    unit: (v) => (Math.log10(v) - la) / (lb - la),
    ticks: () => {
      const dense = ticks([1, 2, 5]);
      if (dense.length >= 4 && dense.length <= 12) return dense;
      if (dense.length < 4) return ticks([1, 2, 3, 4, 5, 6, 7, 8, 9]);
      const decades = ticks([1]);
      return decades.length >= 2 ? decades : dense;
    },
    priority: (v) => {
      const m = Number((v / 10 ** Math.floor(Math.log10(v) + 1e-9)).toPrecision(6));
      return m === 1 ? 0 : m === 2 || m === 5 ? 1 : 2;
    },
    format: (v) => formatNumber(v),
  };
}

/**
 * A symlog scale: t(v) = sign(v) log10(1 + |v| / c). Linear near 0 (within about c), logarithmic
 * beyond; ticks at 0 and +-c 10^k.
 */
export function symlogScale(lo: number, hi: number, c = 1): Scale {
  const t = (v: number) => Math.sign(v) * Math.log10(1 + Math.abs(v) / c);
  let [a, b] = lo <= hi ? [lo, hi] : [hi, lo];
  if (a === b) {
    a -= c;
    b += c;
  }
  const ta = t(a);
  const tb = t(b);
  return {
    kind: 'symlog',
    domain: [a, b],
    unit: (v) => (t(v) - ta) / (tb - ta),
    ticks: () => {
      const out = [0];
      for (let e = 0; c * 10 ** e <= Math.max(Math.abs(a), Math.abs(b)) * (1 + 1e-9); e++) {
        out.push(c * 10 ** e, -c * 10 ** e);
      }
      return out.filter((v) => v >= a - 1e-9 && v <= b + 1e-9).sort((x, y) => x - y);
    },
    format: (v) => formatNumber(v),
  };
}

/** A scale of the given kind over the data extent [lo, hi]. */
export function makeScale(kind: ScaleKind, lo: number, hi: number, nice: boolean): Scale {
  if (kind === 'log') return logScale(lo, hi);
  if (kind === 'symlog') return symlogScale(lo, hi);
  return linearScale(lo, hi, { nice });
}

/**
 * Keeps ticks whose labels do not collide: labels `size(v)` px long along the axis, at least `gap`
 * px apart. Without `priority`, drops every second tick (then every third, ...) until they fit,
 * always keeping the first; with it, accepts ticks greedily in priority order (e.g. decades of a
 * log axis before 2 and 5, before the rest).
 */
export function thinTicks(
  ticks: readonly number[],
  position: (v: number) => number,
  size: (v: number) => number,
  gap = 6,
  priority?: (v: number) => number,
): number[] {
  const fits = (a: number, b: number) =>
    Math.abs(position(a) - position(b)) >= (size(a) + size(b)) / 2 + gap;
  if (priority) {
    const order = [...ticks].sort((a, b) => priority(a) - priority(b) || a - b);
    const kept: number[] = [];
    for (const v of order) if (kept.every((k) => fits(k, v))) kept.push(v);
    return kept.sort((a, b) => a - b);
  }
  let keep = [...ticks];
  for (let stride = 2; keep.length > 1; stride++) {
    if (keep.every((v, i) => i === 0 || fits(keep[i - 1]!, v))) return keep;
    keep = ticks.filter((_, i) => i % stride === 0);
  }
  return keep;
}
