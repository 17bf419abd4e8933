/**
 * A naive reference for every loss, written from the formulas of auraloss's time.py (and torch's
 * conv1d for the pre-emphasis filter), independently of the package's kernels: no scaling, no
 * rewriting for stability, one item at a time, float64.
 */
import { preEmphasisTaps } from '../../src/index.js';
import type { LossName } from './losses.js';

export type Options = Record<string, unknown>;

/** torch.nn.functional.conv1d(x, w, padding=p) for one channel. */
export function conv1d(x: number[], w: ArrayLike<number>, p: number): number[] {
  const K = w.length;
  const L = x.length + 2 * p - K + 1;
  const out: number[] = [];
  for (let m = 0; m < L; m++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const n = m + k - p;
      if (n >= 0 && n < x.length) s += w[k]! * x[n]!;
    }
    out.push(s);
  }
  return out;
}

function filter(x: number[], t: number[], o: Options): [number[], number[]] {
  const pre = o.preEmphasis as Parameters<typeof preEmphasisTaps>[0] | undefined;
  if (!pre) return [x, t];
  const { weights, padding } = preEmphasisTaps(pre);
  return [conv1d(x, weights, padding), conv1d(t, weights, padding)];
}

const sum = (v: number[]) => v.reduce((a, b) => a + b, 0);
const meanOf = (v: number[]) => sum(v) / v.length;
const centre = (v: number[]) => {
  const m = meanOf(v);
  return v.map((u) => u - m);
};
const dot = (a: number[], b: number[]) => sum(a.map((u, i) => u * b[i]!));

function sdr(kind: 'snr' | 'siSdr' | 'sdSdr', x0: number[], t0: number[], o: Options): number {
  const eps = (o.eps as number | undefined) ?? 1e-8;
  const zeroMean = (o.zeroMean as boolean | undefined) ?? true;
  const x = zeroMean ? centre(x0) : x0;
  const t = zeroMean ? centre(t0) : t0;
  let value: number;
  if (kind === 'snr') {
    const res = x.map((u, i) => u - t[i]!);
    value = -10 * Math.log10(dot(t, t) / (dot(res, res) + eps) + eps);
  } else {
    const alpha = dot(x, t) / (dot(t, t) + eps);
    const scaled = t.map((u) => u * alpha);
    const res = kind === 'siSdr' ? x.map((u, i) => u - scaled[i]!) : x.map((u, i) => u - t[i]!);
    value = -10 * Math.log10(dot(scaled, scaled) / (dot(res, res) + eps) + eps);
  }
  const clipMin = o.clipMin as number | undefined;
  return clipMin !== undefined ? Math.max(value, clipMin) : value;
}

/** One item's loss, straight from the formulas. */
export function referenceItem(name: LossName, x0: number[], t0: number[], o: Options = {}): number {
  const [x, t] = filter(x0, t0, o);
  const d = x.map((u, i) => u - t[i]!);
  switch (name) {
    case 'l1':
      return meanOf(d.map(Math.abs));
    case 'mse':
      return meanOf(d.map((u) => u * u));
    case 'esr':
      return dot(d, d) / (dot(t, t) + ((o.eps as number | undefined) ?? 1e-8));
    case 'dc': {
      const m = meanOf(d);
      return (m * m) / (meanOf(t.map((u) => u * u)) + ((o.eps as number | undefined) ?? 1e-8));
    }
    case 'logCosh': {
      const a = (o.a as number | undefined) ?? 1;
      const eps = (o.eps as number | undefined) ?? 1e-8;
      return meanOf(d.map((u) => Math.log(Math.cosh(a * u) + eps) / a));
    }
    default:
      return sdr(name, x, t, o);
  }
}

/** Mean over the rows of `x` and `t` ([B][T]) of {@link referenceItem}. */
export function reference(name: LossName, x: number[][], t: number[][], o: Options = {}): number {
  return meanOf(x.map((row, b) => referenceItem(name, row, t[b]!, o)));
}
