/**
 * A naive reference of the extended multi-scale spectral loss of issue 14, for the tests: written
 * from the formulas, frame by frame, with dense filterbanks (the hand-written librosa references
 * of `librosa-reference.ts`), sharing no code with `src/` except the A-weighting taps and torch's
 * window formulas (each tested on its own against torch and auraloss). It proves the reading of
 * each reference end to end before the engines exist.
 *
 * Per item (mono signal x, target y; stereo items as (L + R, L - R), averaged):
 *   x -> A-weighting (conv1d, 101 taps, zero padding 50) -> padding (centred: N/2 with padMode;
 *   else `pad` with padMode) -> frames t_m = m hop -> window (zero-padded, centred) -> one-sided DFT
 *   by its definition -> q = re^2 + im^2, floored max(q, magnitudeEps) -> sqrt(q + offset) ->
 *   ^power -> dense filterbank W -> compressions p_c -> distances and spectral convergence.
 * The gradient w.r.t. the estimate is written out backwards through the same steps:
 *   dL/dS -> W^T -> d/d(re, im) -> per frame w_j sum_k (dRe_k cos - dIm_k sin)(2 pi j k / N) ->
 *   overlap-add -> padding folded back -> A-weighting adjoint -> (L, R) from (sum, difference).
 * O(frames N^2): keep signals short.
 */
import { getWindow, WINDOW_KINDS, type WindowKind } from '@losses/stft';
import { aWeightingFilter } from '@losses/tensor/internal';
import type { PerceptualMssOptions } from '../../src/perceptual-options.js';
import { type RandomWindowKind, torchWindow } from '../../src/random-resolution.js';
import { librosaChroma, librosaMel } from './librosa-reference.js';

/** A compression as the naive reads it. */
interface NaiveCompression {
  kind: 'linear' | 'log' | 'log10' | 'db' | 'log1p';
  eps: number;
  floor: 'add' | 'clamp';
  power: number;
  gamma: number;
  weight: number;
}

/** Every option the naive needs, explicit. */
export interface NaiveConfig {
  sizes: number[];
  hops: number[];
  windowLengths: number[];
  windows: Float64Array[];
  center: boolean;
  padMode: 'reflect' | 'constant';
  pad: number[];
  magnitudeEps: number | undefined;
  magnitudeOffset: number;
  power: 1 | 2;
  filterbanks: (number[][] | undefined)[];
  compressions: NaiveCompression[];
  distance: 'l1' | 'l2sq' | 'l2';
  reduction: 'mean' | 'sum';
  scaleReduction: 'mean' | 'sum';
  spectralConvergence: number;
  aWeighting: Float64Array | undefined;
  stereo: boolean;
}

const EPS_DEFAULT: Record<string, number> = { log: 1e-7, log10: 1e-7, db: 1e-7, safeLog: 1e-5 };

/** The naive's reading of an options object (JSON goldens or the presets of src/). */
export function naiveConfig(o: PerceptualMssOptions): NaiveConfig {
  const sizes = [...(o.sizes ?? [])];
  const hops = sizes.map((n, s) =>
    typeof o.hops === 'function' ? o.hops(n) : (o.hops?.[s] ?? Math.floor(n / 4)),
  );
  const windowLengths = sizes.map((n, s) => o.windowLengths?.[s] ?? n);
  const windows = sizes.map((_, s) => {
    const kind = o.window as string;
    const wl = windowLengths[s]!;
    if (kind === 'hann') {
      // 0.5 - 0.5 cos(2 pi n / L): periodic Hann.
      return Float64Array.from(
        { length: wl },
        (_, n) => 0.5 - 0.5 * Math.cos((2 * Math.PI * n) / wl),
      );
    }
    if ((WINDOW_KINDS as readonly string[]).includes(kind))
      return getWindow(kind as WindowKind, wl);
    return torchWindow(kind as RandomWindowKind, wl);
  });
  const center = o.center ?? false;
  const padOption = o.pad;
  const pad = sizes.map((n, s) =>
    padOption === undefined
      ? 0
      : typeof padOption === 'function'
        ? padOption(n, hops[s]!)
        : typeof padOption === 'number'
          ? padOption
          : padOption[s]!,
  );
  const rate = o.sampleRate!;
  const sc = o.scale;
  const pick = <T>(v: T | readonly T[] | undefined, s: number): T | undefined =>
    Array.isArray(v) ? (v as T[])[s] : (v as T | undefined);
  const filterbanks = sizes.map((n, s) => {
    if (sc === undefined) return undefined;
    if (sc.kind === 'mel') {
      return librosaMel(
        rate,
        n,
        pick(sc.bands, s)!,
        pick(sc.fmin, s) ?? 0,
        pick(sc.fmax, s) ?? rate / 2,
        sc.melScale === 'htk',
        sc.norm === undefined ? 'slaney' : sc.norm,
      );
    }
    if (sc.kind === 'chroma') {
      return librosaChroma(
        rate,
        n,
        sc.bands ?? 12,
        sc.tuning ?? 0,
        sc.ctroct ?? 5,
        sc.octwidth === undefined ? 2 : sc.octwidth,
        sc.norm === undefined ? 2 : sc.norm,
        sc.baseC ?? true,
      );
    }
    return sc.matrices[s] as number[][];
  });
  const compressions = (o.compressions ?? []).map((c): NaiveCompression => {
    const obj = (typeof c === 'string' ? { kind: c } : c) as Record<string, unknown> & {
      kind: NaiveCompression['kind'];
    };
    return {
      kind: obj.kind,
      eps: (obj.eps as number | undefined) ?? EPS_DEFAULT[obj.kind] ?? 0,
      floor: (obj.floor as 'add' | 'clamp' | undefined) ?? 'add',
      power: (obj.power as number | undefined) ?? 1,
      gamma: (obj.gamma as number | undefined) ?? 1,
      weight: (obj.weight as number | undefined) ?? 1,
    };
  });
  return {
    sizes,
    hops,
    windowLengths,
    windows,
    center,
    padMode: o.padMode ?? 'reflect',
    pad,
    magnitudeEps: o.magnitudeEps,
    magnitudeOffset: o.magnitudeOffset ?? 0,
    power: o.power ?? 1,
    filterbanks,
    compressions,
    // (This reference has the elementwise distances only; the Wasserstein one is tested apart.)
    distance:
      typeof o.distance === 'object' ? unsupported('options.distance') : (o.distance ?? 'l1'),
    reduction: o.reduction ?? 'mean',
    scaleReduction: o.scaleReduction ?? 'sum',
    spectralConvergence: o.spectralConvergence ?? 0,
    aWeighting: o.perceptualWeighting ? aWeightingFilter(rate, 101).weights : undefined,
    stereo: o.stereo === 'sum-difference',
  };
}

/** p(x) and p'(x). */
function compress(c: NaiveCompression, x: number): [number, number] {
  if (c.kind === 'linear') return [x, 1];
  if (c.kind === 'log1p') return [Math.log1p(c.gamma * x), c.gamma / (1 + c.gamma * x)];
  const k = c.kind === 'log' ? 1 : c.kind === 'log10' ? 1 / Math.LN10 : 20 / Math.LN10;
  if (c.floor === 'add') return [c.power * k * Math.log(x + c.eps), (c.power * k) / (x + c.eps)];
  if (x >= c.eps) return [c.power * k * Math.log(x), (c.power * k) / x];
  return [c.power * k * Math.log(c.eps), 0];
}

/** Index in x of padded position i (padding P each side), or -1 for a zero. */
function source(i: number, P: number, T: number, mode: 'reflect' | 'constant'): number {
  const t = i - P;
  if (t >= 0 && t < T) return t;
  if (mode === 'constant') return -1;
  return t < 0 ? -t : 2 * (T - 1) - t;
}

/** cos and sin of 2 pi m / n, m < n (angles reduced exactly: (j k) mod n). */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = Math.sin((2 * Math.PI * m) / n);
  }
  return { cos, sin };
}

interface Spectra {
  frames: number;
  bins: number;
  re: Float64Array;
  im: Float64Array;
}

function spectra(x: Float64Array, c: NaiveConfig, s: number): Spectra {
  const n = c.sizes[s]!;
  const hop = c.hops[s]!;
  const P = c.center ? Math.floor(n / 2) : c.pad[s]!;
  const T = x.length;
  const frames = 1 + Math.floor((T + 2 * P - n) / hop);
  const bins = Math.floor(n / 2) + 1;
  const w = new Float64Array(n);
  w.set(c.windows[s]!, Math.floor((n - c.windowLengths[s]!) / 2));
  const re = new Float64Array(frames * bins);
  const im = new Float64Array(frames * bins);
  const v = new Float64Array(n);
  const { cos, sin } = twiddles(n);
  for (let m = 0; m < frames; m++) {
    for (let j = 0; j < n; j++) {
      const src = source(m * hop + j, P, T, c.padMode);
      v[j] = src < 0 ? 0 : w[j]! * x[src]!;
    }
    for (let k = 0; k < bins; k++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < n; j++) {
        const r = (j * k) % n;
        a += v[j]! * cos[r]!;
        b -= v[j]! * sin[r]!;
      }
      re[m * bins + k] = a;
      im[m * bins + k] = b;
    }
  }
  return { frames, bins, re, im };
}

/** S (after magnitude form, power and filterbank) [frames][bands], and what the gradient needs. */
function scaled(sp: Spectra, c: NaiveConfig, s: number) {
  const { frames, bins, re, im } = sp;
  // v = S before the filterbank, dv = dv/dre / re (so that dv/dre = dv * re, dv/dim = dv * im).
  const v = new Float64Array(frames * bins);
  const dv = new Float64Array(frames * bins);
  for (let i = 0; i < frames * bins; i++) {
    const p = re[i]! * re[i]! + im[i]! * im[i]!;
    const floored = c.magnitudeEps !== undefined && p < c.magnitudeEps;
    const q = floored ? c.magnitudeEps! : p;
    const m = Math.sqrt(q + c.magnitudeOffset);
    // d m / d re = re / m where the floor does not bind (0 at m = 0: torch's abs).
    const dm = floored || m === 0 ? 0 : 1 / m;
    if (c.power === 1) {
      v[i] = m;
      dv[i] = dm;
    } else {
      v[i] = m * m;
      dv[i] = floored ? 0 : 2;
    }
  }
  const fb = c.filterbanks[s];
  const bands = fb ? fb.length : bins;
  const y = new Float64Array(frames * bands);
  for (let f = 0; f < frames; f++) {
    for (let b = 0; b < bands; b++) {
      if (!fb) {
        y[f * bands + b] = v[f * bins + b]!;
        continue;
      }
      let acc = 0;
      for (let k = 0; k < bins; k++) acc += fb[b]![k]! * v[f * bins + k]!;
      y[f * bands + b] = acc;
    }
  }
  return { y, dv, bands };
}

function frobenius(d: ArrayLike<number>): number {
  let s = 0;
  for (let i = 0; i < d.length; i++) s += d[i]! * d[i]!;
  return Math.sqrt(s);
}

/** The loss of one mono item and its gradient w.r.t. x. */
function monoItem(x: Float64Array, y: Float64Array, c: NaiveConfig): [number, Float64Array] {
  const T = x.length;
  const grad = new Float64Array(T);
  let loss = 0;
  const S = c.sizes.length;
  const scaleWeight = c.scaleReduction === 'mean' ? 1 / S : 1;
  for (let s = 0; s < S; s++) {
    const n = c.sizes[s]!;
    const hop = c.hops[s]!;
    const spE = spectra(x, c, s);
    const spT = spectra(y, c, s);
    const e = scaled(spE, c, s);
    const t = scaled(spT, c, s);
    const M = e.y.length;
    const dY = new Float64Array(M);
    let scaleLoss = 0;
    for (const comp of c.compressions) {
      const d = new Float64Array(M);
      const pd = new Float64Array(M);
      for (let i = 0; i < M; i++) {
        const [pe, dpe] = compress(comp, e.y[i]!);
        d[i] = pe - compress(comp, t.y[i]!)[0];
        pd[i] = dpe;
      }
      let value: number;
      const g = new Float64Array(M);
      if (c.distance === 'l1') {
        value = d.reduce((a, b) => a + Math.abs(b), 0);
        for (let i = 0; i < M; i++) g[i] = Math.sign(d[i]!);
        if (c.reduction === 'mean') value /= M;
        if (c.reduction === 'mean') for (let i = 0; i < M; i++) g[i]! /= M;
      } else if (c.distance === 'l2sq') {
        value = d.reduce((a, b) => a + b * b, 0);
        for (let i = 0; i < M; i++) g[i] = 2 * d[i]!;
        if (c.reduction === 'mean') value /= M;
        if (c.reduction === 'mean') for (let i = 0; i < M; i++) g[i]! /= M;
      } else {
        const r = frobenius(d);
        const k = c.reduction === 'mean' ? 1 / Math.sqrt(M) : 1;
        value = r * k;
        for (let i = 0; i < M; i++) g[i] = r > 0 ? (k * d[i]!) / r : 0;
      }
      scaleLoss += comp.weight * value;
      for (let i = 0; i < M; i++) dY[i]! += comp.weight * g[i]! * pd[i]!;
    }
    if (c.spectralConvergence > 0) {
      const diff = t.y.map((v, i) => v - e.y[i]!);
      const r = frobenius(diff);
      const nt = frobenius(t.y);
      scaleLoss += (c.spectralConvergence * r) / nt;
      if (r > 0)
        for (let i = 0; i < M; i++) dY[i]! += (c.spectralConvergence * -diff[i]!) / (r * nt);
    }
    loss += scaleWeight * scaleLoss;
    // Backwards: dY -> dv (W^T) -> d(re, im) -> frames -> padded signal -> x.
    const { frames, bins, re, im } = spE;
    const fb = c.filterbanks[s];
    const bands = e.bands;
    const dRe = new Float64Array(frames * bins);
    const dIm = new Float64Array(frames * bins);
    for (let f = 0; f < frames; f++) {
      for (let k = 0; k < bins; k++) {
        let acc = 0;
        if (fb) for (let b = 0; b < bands; b++) acc += fb[b]![k]! * dY[f * bands + b]!;
        else acc = dY[f * bins + k]!;
        const i = f * bins + k;
        dRe[i] = scaleWeight * acc * e.dv[i]! * re[i]!;
        dIm[i] = scaleWeight * acc * e.dv[i]! * im[i]!;
      }
    }
    const P = c.center ? Math.floor(n / 2) : c.pad[s]!;
    const w = new Float64Array(n);
    w.set(c.windows[s]!, Math.floor((n - c.windowLengths[s]!) / 2));
    const { cos, sin } = twiddles(n);
    for (let m = 0; m < frames; m++) {
      for (let j = 0; j < n; j++) {
        let acc = 0;
        for (let k = 0; k < bins; k++) {
          const r = (j * k) % n;
          acc += dRe[m * bins + k]! * cos[r]! - dIm[m * bins + k]! * sin[r]!;
        }
        const src = source(m * hop + j, P, T, c.padMode);
        if (src >= 0) grad[src]! += w[j]! * acc;
      }
    }
  }
  return [loss, grad];
}

/** conv1d(x, w, padding=50) and its adjoint. */
function aWeight(x: Float64Array, w: Float64Array): Float64Array {
  const K = w.length;
  const P = (K - 1) / 2;
  const y = new Float64Array(x.length);
  for (let m = 0; m < x.length; m++) {
    let s = 0;
    for (let k = 0; k < K; k++) {
      const i = m + k - P;
      if (i >= 0 && i < x.length) s += w[k]! * x[i]!;
    }
    y[m] = s;
  }
  return y;
}

function aWeightAdjoint(g: Float64Array, w: Float64Array): Float64Array {
  const K = w.length;
  const P = (K - 1) / 2;
  const out = new Float64Array(g.length);
  for (let m = 0; m < g.length; m++) {
    for (let k = 0; k < K; k++) {
      const i = m + k - P;
      if (i >= 0 && i < g.length) out[i]! += w[k]! * g[m]!;
    }
  }
  return out;
}

function weighted(x: Float64Array, y: Float64Array, c: NaiveConfig): [number, Float64Array] {
  if (!c.aWeighting) return monoItem(x, y, c);
  const [v, g] = monoItem(aWeight(x, c.aWeighting), aWeight(y, c.aWeighting), c);
  return [v, aWeightAdjoint(g, c.aWeighting)];
}

/**
 * The loss of each item (mono: rows of T samples; stereo: [left, right] pairs) and the gradient
 * of their mean w.r.t. the estimate.
 */
export function naiveLoss(
  est: Float64Array[][],
  tgt: Float64Array[][],
  c: NaiveConfig,
): { perItem: number[]; value: number; grad: Float64Array[][] } {
  const B = est.length;
  const perItem: number[] = [];
  const grad: Float64Array[][] = [];
  for (let b = 0; b < B; b++) {
    const e = est[b]!;
    const t = tgt[b]!;
    if (!c.stereo) {
      const [v, g] = weighted(e[0]!, t[0]!, c);
      perItem.push(v);
      grad.push([g.map((x) => x / B)]);
      continue;
    }
    const split = (z: Float64Array[]) => [
      z[0]!.map((l, i) => l + z[1]![i]!),
      z[0]!.map((l, i) => l - z[1]![i]!),
    ];
    const [es, ed] = split(e);
    const [ts, td] = split(t);
    const [vs, gs] = weighted(es!, ts!, c);
    const [vd, gd] = weighted(ed!, td!, c);
    perItem.push((vs + vd) / 2);
    grad.push([gs.map((g, i) => (g + gd[i]!) / 2 / B), gs.map((g, i) => (g - gd[i]!) / 2 / B)]);
  }
  const value = perItem.reduce((a, b) => a + b, 0) / B;
  return { perItem, value, grad };
}

function unsupported(name: string): never {
  throw new Error(`the naive perceptual reference does not support this ${name}`);
}
