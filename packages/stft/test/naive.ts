/**
 * An independent STFT for the tests: framing as torch.stft documents it (reflect or constant
 * padding of floor(N / 2) with `center`, end zero padding with `padEnd`), every frame's one-sided
 * DFT summed by the definition with exactly reduced angles, |X| by Math.hypot (no overflow or
 * underflow), and the adjoint of |STFT| written out the same way. Slow (O(frames N^2)) and
 * deliberately plain.
 */

export interface NaiveOptions {
  size: number;
  hop: number;
  /** The window zero-padded to `size` (e.g. a plan's `window`). */
  window: Float64Array;
  center: boolean;
  padMode: 'reflect' | 'constant';
  padEnd: boolean;
}

/** One item's padded signal and its frame starts. */
function framesOf(x: ArrayLike<number>, o: NaiveOptions): { padded: number[]; starts: number[] } {
  const T = x.length;
  const n = o.size;
  const pad = o.center ? Math.floor(n / 2) : 0;
  const padded: number[] = [];
  for (let i = -pad; i < T + pad; i++) {
    if (i >= 0 && i < T) padded.push(x[i]!);
    else if (o.padMode === 'reflect' && o.center) padded.push(x[i < 0 ? -i : 2 * (T - 1) - i]!);
    else padded.push(0);
  }
  let frames: number;
  if (o.padEnd) {
    frames = Math.ceil(T / o.hop);
    while (padded.length < (frames - 1) * o.hop + n) padded.push(0);
  } else frames = padded.length < n ? 0 : 1 + Math.floor((padded.length - n) / o.hop);
  const starts = Array.from({ length: frames }, (_, f) => f * o.hop);
  return { padded, starts };
}

/** exp(-2 pi i m / n) as [cos, sin] tables indexed by m = (j k) mod n. */
function twiddles(n: number): { cos: Float64Array; sin: Float64Array } {
  const cos = new Float64Array(n);
  const sin = new Float64Array(n);
  for (let m = 0; m < n; m++) {
    cos[m] = Math.cos((2 * Math.PI * m) / n);
    sin[m] = Math.sin((2 * Math.PI * m) / n);
  }
  return { cos, sin };
}

/** The complex STFT of one item: frames x bins of [re, im], and each frame's sum_j |w_j x_j|. */
export function naiveStft(
  x: ArrayLike<number>,
  o: NaiveOptions,
): { spec: [number, number][][]; scale: number[] } {
  const n = o.size;
  const bins = Math.floor(n / 2) + 1;
  const { cos, sin } = twiddles(n);
  const { padded, starts } = framesOf(x, o);
  const spec: [number, number][][] = [];
  const scale: number[] = [];
  for (const s of starts) {
    const v = Array.from({ length: n }, (_, j) => o.window[j]! * padded[s + j]!);
    scale.push(v.reduce((a, b) => a + Math.abs(b), 0));
    const row: [number, number][] = [];
    for (let k = 0; k < bins; k++) {
      let re = 0;
      let im = 0;
      for (let j = 0; j < n; j++) {
        const m = (j * k) % n;
        re += v[j]! * cos[m]!;
        im -= v[j]! * sin[m]!;
      }
      row.push([re, im]);
    }
    spec.push(row);
  }
  return { spec, scale };
}

/** |X| (by hypot) of one item, frames x bins, floored as sqrt(max(|X|^2, eps)). */
export function naiveMagnitude(x: ArrayLike<number>, o: NaiveOptions, eps = 0): number[][] {
  return naiveStft(x, o).spec.map((row) =>
    row.map(([re, im]) => Math.max(Math.hypot(re, im), Math.sqrt(eps))),
  );
}

/**
 * dL/dx of one item given dL/d|X| (frames x bins): per frame G = dMag X / |X| (0 where |X| = 0 or
 * |X|^2 < eps), frame gradient w_j Re sum_k G_k exp(+2 pi i j k / n), overlap-added, and the
 * padding folded back. Also returns, per sample, the sum over the frames covering it of
 * |w_j| sum_k |G_k| (the size a rounding error of the sum is relative to).
 */
export function naiveVjp(
  x: ArrayLike<number>,
  o: NaiveOptions,
  dMag: number[][],
  eps = 0,
): { grad: Float64Array; scale: Float64Array } {
  const n = o.size;
  const T = x.length;
  const { cos, sin } = twiddles(n);
  const { spec } = naiveStft(x, o);
  const { padded, starts } = framesOf(x, o);
  const gp = new Float64Array(padded.length);
  const sp = new Float64Array(padded.length);
  spec.forEach((row, f) => {
    const G = row.map(([re, im], k): [number, number] => {
      const m = Math.hypot(re, im);
      if (!(m > 0) || re * re + im * im < eps) return [0, 0];
      return [dMag[f]![k]! * (re / m), dMag[f]![k]! * (im / m)];
    });
    const size = G.reduce((a, [re, im]) => a + Math.hypot(re, im), 0);
    for (let j = 0; j < n; j++) {
      let y = 0;
      G.forEach(([re, im], k) => {
        const m = (j * k) % n;
        y += re * cos[m]! - im * sin[m]!;
      });
      gp[starts[f]! + j]! += o.window[j]! * y;
      sp[starts[f]! + j]! += Math.abs(o.window[j]!) * size;
    }
  });
  const pad = o.center ? Math.floor(n / 2) : 0;
  const grad = new Float64Array(T);
  const scale = new Float64Array(T);
  for (let i = 0; i < padded.length; i++) {
    const t = i - pad;
    let src = t;
    if (t < 0 || t >= T) {
      if (!(o.center && o.padMode === 'reflect')) continue;
      src = t < 0 ? -t : 2 * (T - 1) - t;
    }
    grad[src]! += gp[i]!;
    scale[src]! += sp[i]!;
  }
  return { grad, scale };
}
