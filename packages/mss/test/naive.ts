/**
 * An independent multi-scale spectral loss for the tests, written from the formula, frame by frame
 * (Schwär & Müller, IEEE SPL 30, 2023): per scale, frames as torch.stft / tf.signal.stft(pad_end)
 * cut them, each frame's one-sided DFT by the definition (exactly reduced angles), |X| by
 * Math.hypot (floored as sqrt(max(|X|^2, eps))), the compressions, the distance, the spectral
 * convergence with norms scaled by their largest element, and the gradient w.r.t. the estimate
 * written out the same way (per frame G = dL/d|X| X / |X|, then w_j Re sum_k G_k
 * exp(+2 pi i j k / N), overlap-added, the padding folded back). O(frames N^2): keep T small.
 */
import { getWindow } from '@losses/stft';
import type { MssConfig } from '../src/index.js';

interface Frames {
  padded: Float64Array;
  starts: number[];
}

function framesOf(x: ArrayLike<number>, n: number, hop: number, c: MssConfig): Frames {
  const T = x.length;
  const pad = c.center ? Math.floor(n / 2) : 0;
  const frames = c.padEnd ? Math.ceil(T / hop) : 1 + Math.floor((T + 2 * pad - n) / hop);
  const length = Math.max(T + 2 * pad, (frames - 1) * hop + n);
  const padded = new Float64Array(length);
  for (let i = 0; i < length; i++) {
    const t = i - pad;
    if (t >= 0 && t < T) padded[i] = x[t]!;
    else if (c.center && c.padMode === 'reflect' && t < T + pad) {
      padded[i] = x[t < 0 ? -t : 2 * (T - 1) - t]!;
    }
  }
  return { padded, starts: Array.from({ length: frames }, (_, f) => f * hop) };
}

function windowOf(c: MssConfig, s: number): Float64Array {
  const n = c.sizes[s]!;
  const wl = c.windowLengths[s]!;
  const short = typeof c.window === 'string' ? getWindow(c.window, wl) : c.window[s]!;
  const w = new Float64Array(n);
  w.set(short, Math.floor((n - wl) / 2));
  return w;
}

/** cos and sin of 2 pi m / n, m < n. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = Math.sin((2 * Math.PI * m) / n);
  }
  return { cos, sin };
}

/** Spectra of every frame: re and im, [frames * bins]. */
function spectra(n: number, w: Float64Array, f: Frames): { re: Float64Array; im: Float64Array } {
  const bins = Math.floor(n / 2) + 1;
  const { cos, sin } = twiddles(n);
  const re = new Float64Array(f.starts.length * bins);
  const im = new Float64Array(f.starts.length * bins);
  const v = new Float64Array(n);
  f.starts.forEach((s, fr) => {
    for (let j = 0; j < n; j++) v[j] = w[j]! * f.padded[s + j]!;
    for (let k = 0; k < bins; k++) {
      let a = 0;
      let b = 0;
      for (let j = 0; j < n; j++) {
        const m = (j * k) % n;
        a += v[j]! * cos[m]!;
        b -= v[j]! * sin[m]!;
      }
      re[fr * bins + k] = a;
      im[fr * bins + k] = b;
    }
  });
  return { re, im };
}

/** p(x) and p'(x) of a compression. */
function compress(comp: MssConfig['compressions'][number], x: number): [number, number] {
  switch (comp.kind) {
    case 'linear':
      return [x, 1];
    case 'log':
      return [Math.log(x + comp.eps), 1 / (x + comp.eps)];
    case 'db':
      return [(20 / Math.LN10) * Math.log(x + comp.eps), 20 / Math.LN10 / (x + comp.eps)];
    case 'log1p':
      return [Math.log1p(comp.gamma * x), comp.gamma / (1 + comp.gamma * x)];
    case 'safeLog':
      return x > 0 ? [Math.log(x), 1 / x] : [Math.log(comp.eps), 0];
    case 'floorLog': {
      // g power ln(f(x)) / ln b, f(x) = x + eps or max(x, eps); 0 gradient below a clamp.
      const f = comp.form;
      const v = f.floor === 'add' ? x + f.eps : Math.max(x, f.eps);
      const g = ((f.kind === 'db' ? 20 : 1) * f.power) / (f.kind === 'log' ? 1 : Math.LN10);
      return [g * Math.log(v), f.floor === 'clamp' && x < f.eps ? 0 : g / v];
    }
  }
}

/** sqrt(sum d^2) without overflow. */
function norm(d: ArrayLike<number>): number {
  let m = 0;
  for (let i = 0; i < d.length; i++) m = Math.max(m, Math.abs(d[i]!));
  if (m === 0) return 0;
  let s = 0;
  for (let i = 0; i < d.length; i++) s += (d[i]! / m) ** 2;
  return m * Math.sqrt(s);
}

/**
 * The loss of each item of `est` (B rows of T) against `tgt` (1 or B rows) and the gradient of
 * their mean w.r.t. `est`.
 */
export function naiveMss(
  est: Float64Array[],
  tgt: Float64Array[],
  c: MssConfig,
): {
  perItem: number[];
  value: number;
  grad: Float64Array[];
  uncertain: Uint8Array[];
  rounding: number[];
  scale: Float64Array[];
  noise: Float64Array[];
  valueUncertain: boolean[];
} {
  const B = est.length;
  const T = est[0]!.length;
  const perItem = new Array<number>(B).fill(0);
  const grad = est.map(() => new Float64Array(T));
  // Samples under a frame with a bin whose |X| is (nearly) rounding noise (0 < |X| < 1e-6 of the
  // frame: e.g. an impulse and its reflection cancelling): its phase X / |X|, so its gradient, is
  // uncertain beyond 1e-9 (to arbitrary) here as in any float64 implementation.
  const uncertain = est.map(() => new Uint8Array(T));
  // Per sample: sum over the frames covering it of |w_j| sum_k |G_k|, the size its gradient's
  // rounding is relative to (a sum of large terms may cancel to a small gradient).
  const scale = est.map(() => new Float64Array(T));
  // Per sample: what the rounding of the compressed differences can move its gradient by.
  const noise = est.map(() => new Float64Array(T));
  // Per item: the loss's rounding noise from the compressed values (8 ulp of each), for
  // comparisons of losses that cancel to nearly 0.
  const rounding = new Array<number>(B).fill(0);
  const valueUncertain = new Array<boolean>(B).fill(false);
  const wScale = c.scaleReduction === 'mean' ? 1 / c.sizes.length : 1;
  const root = Math.sqrt(c.magnitudeEps ?? 0);
  c.sizes.forEach((n, s) => {
    const hop = c.hops[s]!;
    const w = windowOf(c, s);
    const bins = Math.floor(n / 2) + 1;
    const { cos, sin } = twiddles(n);
    for (let b = 0; b < B; b++) {
      const fe = framesOf(est[b]!, n, hop, c);
      const Xe = spectra(n, w, fe);
      const Xt = spectra(n, w, framesOf(tgt[tgt.length === 1 ? 0 : b]!, n, hop, c));
      const M = Xe.re.length;
      const me = new Float64Array(M);
      const mt = new Float64Array(M);
      for (let i = 0; i < M; i++) {
        me[i] = Math.max(Math.hypot(Xe.re[i]!, Xe.im[i]!), root);
        mt[i] = Math.max(Math.hypot(Xt.re[i]!, Xt.im[i]!), root);
      }
      const red = c.reduction === 'mean' ? 1 / M : 1;
      const dMag = new Float64Array(M);
      const dMagNoise = new Float64Array(M);
      // Frames with an l1 difference within rounding of 0 (its sign, so its gradient, arbitrary),
      // or a bin of the estimate or the target at rounding level (0 <= |X| < 1e-6 of a frame
      // that is not silent: e.g. an impulse and its reflection cancelling), whose phase, and
      // under a log-type compression whose value, are as arbitrary as rounding.
      const unsureFrame = new Uint8Array(M / bins);
      const logType = c.compressions.some((comp) => comp.kind !== 'linear' && comp.weight > 0);
      const ft = framesOf(tgt[tgt.length === 1 ? 0 : b]!, n, hop, c);
      for (const [X, fr] of [
        [Xe, fe],
        [Xt, ft],
      ] as const) {
        fr.starts.forEach((start, f) => {
          let size = 0;
          for (let j = 0; j < n; j++) size += Math.abs(w[j]! * fr.padded[start + j]!);
          for (let k = 0; k < bins; k++) {
            const m = Math.hypot(X.re[f * bins + k]!, X.im[f * bins + k]!);
            if (size > 0 && m < 1e-6 * size) {
              unsureFrame[f] = 1;
              if (logType) valueUncertain[b] = true;
            }
          }
        });
      }
      let loss = 0;
      for (const comp of c.compressions) {
        if (comp.weight === 0) continue; // no term (not 0 times an overflowed sum)
        const d = new Float64Array(M);
        const dNoise = new Float64Array(M);
        for (let i = 0; i < M; i++) {
          const pe = compress(comp, me[i]!)[0];
          const pt = compress(comp, mt[i]!)[0];
          d[i] = pe - pt;
          // The rounding of d (8 ulp of each compressed value), and what it does to the term
          // and to dL/d|X| (a difference of two logs of nearly equal magnitudes is all rounding).
          const noise = 8 * Number.EPSILON * (Math.abs(pe) + Math.abs(pt));
          if (c.distance === 'l1' && d[i] !== 0 && Math.abs(d[i]!) <= noise) {
            unsureFrame[Math.floor(i / bins)] = 1;
          }
          dNoise[i] = noise;
          const a = Math.abs(d[i]!);
          const termNoise = c.distance === 'l2sq' ? (2 * a + noise) * noise : noise;
          rounding[b]! += wScale * comp.weight * red * termNoise;
        }
        const r = c.distance === 'l2' ? norm(d) : 0;
        const rr = c.reduction === 'mean' ? 1 / Math.sqrt(M) : 1;
        // dL/dd per unit of d: how d's rounding moves the gradient (l1: sign flips, flagged).
        const slope = c.distance === 'l2sq' ? 2 * red : c.distance === 'l2' && r > 0 ? rr / r : 0;
        for (let i = 0; i < M; i++) {
          dMagNoise[i]! += comp.weight * slope * dNoise[i]! * Math.abs(compress(comp, me[i]!)[1]);
        }
        let term = 0;
        for (let i = 0; i < M; i++) {
          let dd: number;
          if (c.distance === 'l1') {
            term += Math.abs(d[i]!) * red;
            dd = Math.sign(d[i]!) * red;
          } else if (c.distance === 'l2sq') {
            term += d[i]! * d[i]! * red;
            dd = 2 * d[i]! * red;
          } else dd = r > 0 ? (d[i]! / r) * rr : 0;
          dMag[i]! += comp.weight * dd * compress(comp, me[i]!)[1];
        }
        if (c.distance === 'l2') term = r * rr;
        loss += comp.weight * term;
      }
      if (c.spectralConvergence > 0) {
        const diff = me.map((v, i) => v - mt[i]!);
        const r = norm(diff);
        const nt = norm(mt);
        loss += c.spectralConvergence * (r / nt);
        for (let i = 0; r > 0 && i < M; i++) {
          dMag[i]! += (c.spectralConvergence * (diff[i]! / r)) / nt;
        }
      }
      perItem[b]! += wScale * loss;
      // The adjoint, frame by frame.
      const gp = new Float64Array(fe.padded.length);
      const sp = new Float64Array(fe.padded.length);
      const np = new Float64Array(fe.padded.length);
      const gr = new Float64Array(bins);
      const gi = new Float64Array(bins);
      fe.starts.forEach((start, f) => {
        const unsure = unsureFrame[f] === 1;
        for (let j = 0; unsure && j < n; j++) {
          let t = start + j - (c.center ? Math.floor(n / 2) : 0);
          if (t < 0) t = -t;
          if (t >= T) t = 2 * (T - 1) - t;
          if (t >= 0 && t < T) uncertain[b]![t] = 1;
        }
        for (let k = 0; k < bins; k++) {
          const i = f * bins + k;
          const m = Math.hypot(Xe.re[i]!, Xe.im[i]!);
          const g = m > 0 && m >= root ? (wScale * dMag[i]!) / B : 0;
          gr[k] = g === 0 ? 0 : g * (Xe.re[i]! / m);
          gi[k] = g === 0 ? 0 : g * (Xe.im[i]! / m);
        }
        let sumG = 0;
        let sumNoise = 0;
        for (let k = 0; k < bins; k++) {
          sumG += Math.hypot(gr[k]!, gi[k]!);
          sumNoise += (wScale * dMagNoise[f * bins + k]!) / B;
        }
        for (let j = 0; j < n; j++) {
          let y = 0;
          for (let k = 0; k < bins; k++) {
            const m = (j * k) % n;
            y += gr[k]! * cos[m]! - gi[k]! * sin[m]!;
          }
          gp[start + j]! += w[j]! * y;
          sp[start + j]! += Math.abs(w[j]!) * sumG;
          np[start + j]! += Math.abs(w[j]!) * sumNoise;
        }
      });
      const pad = c.center ? Math.floor(n / 2) : 0;
      for (let i = 0; i < gp.length; i++) {
        let t = i - pad;
        if (t < 0 || t >= T) {
          if (!(c.center && c.padMode === 'reflect') || t >= T + pad) continue;
          t = t < 0 ? -t : 2 * (T - 1) - t;
        }
        grad[b]![t]! += gp[i]!;
        scale[b]![t]! += sp[i]!;
        noise[b]![t]! += np[i]!;
      }
    }
  });
  return {
    perItem,
    value: perItem.reduce((a, v) => a + v, 0) / B,
    grad,
    uncertain,
    rounding,
    scale,
    noise,
    valueUncertain,
  };
}
