/**
 * The butterflies of the Stockham passes (see stockham.ts): one function per radix (2, 3, 4, 5,
 * 7, 8 written out, any other odd prime generic), each reading x and writing y for one pass of
 * radix r:
 *
 *   y[q + s (r p + u)] = w_L^(p u) * sum_t x[q + s (p + t m)] w_r^(t u),   p < m, q < s, u < r,
 *
 * with w_L = exp(-2 pi i / L), L = r m. In the last pass (m = 1) every twiddle w_L^(p u) is 1 and
 * the products are skipped.
 */

/** One pass of radix r over a current length L = r m with stride s. */
export interface Pass {
  r: number;
  m: number;
  s: number;
  /** w_L^(p u) for p < m, u = 1..r-1 at [p (r - 1) + u - 1]. */
  twRe: Float64Array;
  twIm: Float64Array;
  /** w_r^k, k < r (generic radix only). */
  rootRe: Float64Array;
  rootIm: Float64Array;
  /** Work memory of the generic butterfly (pair sums and differences), length (r + 1) / 2. */
  work: Float64Array[];
}

type Butterfly = (
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) => void;

/** The butterfly of radix r. */
export function butterflyOf(r: number): Butterfly {
  switch (r) {
    case 2:
      return radix2;
    case 3:
      return radix3;
    case 4:
      return radix4;
    case 5:
      return radix5;
    case 7:
      return radix7;
    case 8:
      return radix8;
    default:
      return radixGeneric;
  }
}

/** y[o] = v w, or v itself in a last pass (m = 1, where every twiddle w is 1). */
function put(
  yr: Float64Array,
  yi: Float64Array,
  o: number,
  vr: number,
  vi: number,
  wr: number,
  wi: number,
  last: boolean,
): void {
  if (last) {
    yr[o] = vr;
    yi[o] = vi;
  } else {
    yr[o] = vr * wr - vi * wi;
    yi[o] = vr * wi + vi * wr;
  }
}

function radix2(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[p]!;
    const w1i = twIm[p]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const i1 = i0 + sm;
      const ar = xr[i0]!;
      const ai = xi[i0]!;
      const br = xr[i1]!;
      const bi = xi[i1]!;
      const o = 2 * s * p + q;
      yr[o] = ar + br;
      yi[o] = ai + bi;
      put(yr, yi, o + s, ar - br, ai - bi, w1r, w1i, last);
    }
  }
}

function radix4(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[3 * p]!;
    const w1i = twIm[3 * p]!;
    const w2r = twRe[3 * p + 1]!;
    const w2i = twIm[3 * p + 1]!;
    const w3r = twRe[3 * p + 2]!;
    const w3i = twIm[3 * p + 2]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const t0r = xr[i0]! + xr[i2]!;
      const t0i = xi[i0]! + xi[i2]!;
      const t1r = xr[i0]! - xr[i2]!;
      const t1i = xi[i0]! - xi[i2]!;
      const t2r = xr[i1]! + xr[i3]!;
      const t2i = xi[i1]! + xi[i3]!;
      const t3r = xr[i1]! - xr[i3]!;
      const t3i = xi[i1]! - xi[i3]!;
      const o = 4 * s * p + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      // y1 = t1 - i t3, y2 = t0 - t2, y3 = t1 + i t3
      put(yr, yi, o + s, t1r + t3i, t1i - t3r, w1r, w1i, last);
      put(yr, yi, o + 2 * s, t0r - t2r, t0i - t2i, w2r, w2i, last);
      put(yr, yi, o + 3 * s, t1r - t3i, t1i + t3r, w3r, w3i, last);
    }
  }
}

const SIN60 = Math.sqrt(3) / 2;

function radix3(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[2 * p]!;
    const w1i = twIm[2 * p]!;
    const w2r = twRe[2 * p + 1]!;
    const w2i = twIm[2 * p + 1]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const br = xr[i1]! + xr[i2]!;
      const bi = xi[i1]! + xi[i2]!;
      const dr = xr[i1]! - xr[i2]!;
      const di = xi[i1]! - xi[i2]!;
      const cr = a0r - 0.5 * br;
      const ci = a0i - 0.5 * bi;
      const o = 3 * s * p + q;
      yr[o] = a0r + br;
      yi[o] = a0i + bi;
      // y1 = c - i sin60 d, y2 = c + i sin60 d
      put(yr, yi, o + s, cr + SIN60 * di, ci - SIN60 * dr, w1r, w1i, last);
      put(yr, yi, o + 2 * s, cr - SIN60 * di, ci + SIN60 * dr, w2r, w2i, last);
    }
  }
}

const C1 = Math.cos((2 * Math.PI) / 5);
const C2 = Math.cos((4 * Math.PI) / 5);
const S1 = Math.sin((2 * Math.PI) / 5);
const S2 = Math.sin((4 * Math.PI) / 5);

/** Radix 5 with pairs b_t = a_t + a_(5-t), d_t = a_t - a_(5-t) (see {@link radix7}). */
function radix5(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[4 * p]!;
    const w1i = twIm[4 * p]!;
    const w2r = twRe[4 * p + 1]!;
    const w2i = twIm[4 * p + 1]!;
    const w3r = twRe[4 * p + 2]!;
    const w3i = twIm[4 * p + 2]!;
    const w4r = twRe[4 * p + 3]!;
    const w4i = twIm[4 * p + 3]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const i4 = i3 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const b1r = xr[i1]! + xr[i4]!;
      const b1i = xi[i1]! + xi[i4]!;
      const d1r = xr[i1]! - xr[i4]!;
      const d1i = xi[i1]! - xi[i4]!;
      const b2r = xr[i2]! + xr[i3]!;
      const b2i = xi[i2]! + xi[i3]!;
      const d2r = xr[i2]! - xr[i3]!;
      const d2i = xi[i2]! - xi[i3]!;
      const c1r = a0r + C1 * b1r + C2 * b2r;
      const c1i = a0i + C1 * b1i + C2 * b2i;
      const c2r = a0r + C2 * b1r + C1 * b2r;
      const c2i = a0i + C2 * b1i + C1 * b2i;
      // e1 = S1 d1 + S2 d2, e2 = S2 d1 - S1 d2; y1 = c1 - i e1, y4 = c1 + i e1, y2 = c2 - i e2, y3 = c2 + i e2
      const e1r = S1 * d1r + S2 * d2r;
      const e1i = S1 * d1i + S2 * d2i;
      const e2r = S2 * d1r - S1 * d2r;
      const e2i = S2 * d1i - S1 * d2i;
      const o = 5 * s * p + q;
      yr[o] = a0r + b1r + b2r;
      yi[o] = a0i + b1i + b2i;
      put(yr, yi, o + s, c1r + e1i, c1i - e1r, w1r, w1i, last);
      put(yr, yi, o + 2 * s, c2r + e2i, c2i - e2r, w2r, w2i, last);
      put(yr, yi, o + 3 * s, c2r - e2i, c2i + e2r, w3r, w3i, last);
      put(yr, yi, o + 4 * s, c1r - e1i, c1i + e1r, w4r, w4i, last);
    }
  }
}

const K1 = Math.cos((2 * Math.PI) / 7);
const K2 = Math.cos((4 * Math.PI) / 7);
const K3 = Math.cos((6 * Math.PI) / 7);
const L1 = Math.sin((2 * Math.PI) / 7);
const L2 = Math.sin((4 * Math.PI) / 7);
const L3 = Math.sin((6 * Math.PI) / 7);

/**
 * Radix 7 with pairs b_t = a_t + a_(7-t), d_t = a_t - a_(7-t) (t = 1..3):
 *   y_u = a_0 + sum_t b_t cos(2 pi t u / 7) - i sum_t d_t sin(2 pi t u / 7), y_(7-u) with +i,
 * the cosines and sines of t u mod 7 written out.
 */
function radix7(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[6 * p]!;
    const w1i = twIm[6 * p]!;
    const w2r = twRe[6 * p + 1]!;
    const w2i = twIm[6 * p + 1]!;
    const w3r = twRe[6 * p + 2]!;
    const w3i = twIm[6 * p + 2]!;
    const w4r = twRe[6 * p + 3]!;
    const w4i = twIm[6 * p + 3]!;
    const w5r = twRe[6 * p + 4]!;
    const w5i = twIm[6 * p + 4]!;
    const w6r = twRe[6 * p + 5]!;
    const w6i = twIm[6 * p + 5]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const i1 = i0 + sm;
      const i2 = i1 + sm;
      const i3 = i2 + sm;
      const i4 = i3 + sm;
      const i5 = i4 + sm;
      const i6 = i5 + sm;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const b1r = xr[i1]! + xr[i6]!;
      const b1i = xi[i1]! + xi[i6]!;
      const d1r = xr[i1]! - xr[i6]!;
      const d1i = xi[i1]! - xi[i6]!;
      const b2r = xr[i2]! + xr[i5]!;
      const b2i = xi[i2]! + xi[i5]!;
      const d2r = xr[i2]! - xr[i5]!;
      const d2i = xi[i2]! - xi[i5]!;
      const b3r = xr[i3]! + xr[i4]!;
      const b3i = xi[i3]! + xi[i4]!;
      const d3r = xr[i3]! - xr[i4]!;
      const d3i = xi[i3]! - xi[i4]!;
      const c1r = a0r + K1 * b1r + K2 * b2r + K3 * b3r;
      const c1i = a0i + K1 * b1i + K2 * b2i + K3 * b3i;
      const c2r = a0r + K2 * b1r + K3 * b2r + K1 * b3r;
      const c2i = a0i + K2 * b1i + K3 * b2i + K1 * b3i;
      const c3r = a0r + K3 * b1r + K1 * b2r + K2 * b3r;
      const c3i = a0i + K3 * b1i + K1 * b2i + K2 * b3i;
      const e1r = L1 * d1r + L2 * d2r + L3 * d3r;
      const e1i = L1 * d1i + L2 * d2i + L3 * d3i;
      const e2r = L2 * d1r - L3 * d2r - L1 * d3r;
      const e2i = L2 * d1i - L3 * d2i - L1 * d3i;
      const e3r = L3 * d1r - L1 * d2r + L2 * d3r;
      const e3i = L3 * d1i - L1 * d2i + L2 * d3i;
      const o = 7 * s * p + q;
      yr[o] = a0r + b1r + b2r + b3r;
      yi[o] = a0i + b1i + b2i + b3i;
      // y_u = c_u - i e_u, y_(7-u) = c_u + i e_u
      put(yr, yi, o + s, c1r + e1i, c1i - e1r, w1r, w1i, last);
      put(yr, yi, o + 2 * s, c2r + e2i, c2i - e2r, w2r, w2i, last);
      put(yr, yi, o + 3 * s, c3r + e3i, c3i - e3r, w3r, w3i, last);
      put(yr, yi, o + 4 * s, c3r - e3i, c3i + e3r, w4r, w4i, last);
      put(yr, yi, o + 5 * s, c2r - e2i, c2i + e2r, w5r, w5i, last);
      put(yr, yi, o + 6 * s, c1r - e1i, c1i + e1r, w6r, w6i, last);
    }
  }
}

const SQRT1_2 = Math.SQRT1_2;

/**
 * Radix 8 as 2 x 4: b_t = a_t + a_(t+4), c_t = a_t - a_(t+4) (t < 4); the even outputs are the
 * 4-point DFT of b, the odd ones that of c_t w8^t (w8 = exp(-i pi / 4)).
 */
function radix8(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
) {
  const { m, s, twRe, twIm } = pass;
  const sm = s * m;
  const last = m === 1;
  for (let p = 0; p < m; p++) {
    const w1r = twRe[7 * p]!;
    const w1i = twIm[7 * p]!;
    const w2r = twRe[7 * p + 1]!;
    const w2i = twIm[7 * p + 1]!;
    const w3r = twRe[7 * p + 2]!;
    const w3i = twIm[7 * p + 2]!;
    const w4r = twRe[7 * p + 3]!;
    const w4i = twIm[7 * p + 3]!;
    const w5r = twRe[7 * p + 4]!;
    const w5i = twIm[7 * p + 4]!;
    const w6r = twRe[7 * p + 5]!;
    const w6i = twIm[7 * p + 5]!;
    const w7r = twRe[7 * p + 6]!;
    const w7i = twIm[7 * p + 6]!;
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      const a1r = xr[i0 + sm]!;
      const a1i = xi[i0 + sm]!;
      const a2r = xr[i0 + 2 * sm]!;
      const a2i = xi[i0 + 2 * sm]!;
      const a3r = xr[i0 + 3 * sm]!;
      const a3i = xi[i0 + 3 * sm]!;
      const a4r = xr[i0 + 4 * sm]!;
      const a4i = xi[i0 + 4 * sm]!;
      const a5r = xr[i0 + 5 * sm]!;
      const a5i = xi[i0 + 5 * sm]!;
      const a6r = xr[i0 + 6 * sm]!;
      const a6i = xi[i0 + 6 * sm]!;
      const a7r = xr[i0 + 7 * sm]!;
      const a7i = xi[i0 + 7 * sm]!;
      const b0r = a0r + a4r;
      const b0i = a0i + a4i;
      const b1r = a1r + a5r;
      const b1i = a1i + a5i;
      const b2r = a2r + a6r;
      const b2i = a2i + a6i;
      const b3r = a3r + a7r;
      const b3i = a3i + a7i;
      const c0r = a0r - a4r;
      const c0i = a0i - a4i;
      const c1r = a1r - a5r;
      const c1i = a1i - a5i;
      // d2 = -i (a2 - a6), d1 = w8 (a1 - a5), d3 = w8^3 (a3 - a7), w8 = (1 - i) / sqrt 2
      const d2r = a2i - a6i;
      const d2i = a6r - a2r;
      const c3r = a3r - a7r;
      const c3i = a3i - a7i;
      const d1r = SQRT1_2 * (c1r + c1i);
      const d1i = SQRT1_2 * (c1i - c1r);
      const d3r = SQRT1_2 * (c3i - c3r);
      const d3i = -SQRT1_2 * (c3r + c3i);
      const t0r = b0r + b2r;
      const t0i = b0i + b2i;
      const t1r = b0r - b2r;
      const t1i = b0i - b2i;
      const t2r = b1r + b3r;
      const t2i = b1i + b3i;
      const t3r = b1r - b3r;
      const t3i = b1i - b3i;
      const u0r = c0r + d2r;
      const u0i = c0i + d2i;
      const u1r = c0r - d2r;
      const u1i = c0i - d2i;
      const u2r = d1r + d3r;
      const u2i = d1i + d3i;
      const u3r = d1r - d3r;
      const u3i = d1i - d3i;
      const o = 8 * s * p + q;
      yr[o] = t0r + t2r;
      yi[o] = t0i + t2i;
      // y_2u from t, y_2u+1 from u (z - i w = (zr + wi, zi - wr))
      put(yr, yi, o + s, u0r + u2r, u0i + u2i, w1r, w1i, last);
      put(yr, yi, o + 2 * s, t1r + t3i, t1i - t3r, w2r, w2i, last);
      put(yr, yi, o + 3 * s, u1r + u3i, u1i - u3r, w3r, w3i, last);
      put(yr, yi, o + 4 * s, t0r - t2r, t0i - t2i, w4r, w4i, last);
      put(yr, yi, o + 5 * s, u0r - u2r, u0i - u2i, w5r, w5i, last);
      put(yr, yi, o + 6 * s, t1r - t3i, t1i + t3r, w6r, w6i, last);
      put(yr, yi, o + 7 * s, u1r - u3i, u1i + u3r, w7r, w7i, last);
    }
  }
}

/**
 * Any odd prime radix r >= 11, pairing t with r - t: with b_t = a_t + a_(r-t), d_t = a_t - a_(r-t),
 *   y_u = a_0 + sum_t b_t cos(2 pi t u / r) - i sum_t d_t sin(2 pi t u / r),  t = 1..(r-1)/2,
 * and y_(r-u) the same with +i, so each pair of outputs costs (r - 1) / 2 real-coefficient terms.
 * (Its twiddles are applied in the last pass too, where they are 1.)
 */
function radixGeneric(
  pass: Pass,
  xr: Float64Array,
  xi: Float64Array,
  yr: Float64Array,
  yi: Float64Array,
): void {
  const { r, m, s, twRe, twIm, rootRe, rootIm } = pass;
  const h = (r - 1) / 2;
  const sm = s * m;
  const [br, bi, dr, di] = pass.work as [Float64Array, Float64Array, Float64Array, Float64Array];
  for (let p = 0; p < m; p++) {
    const tw = p * (r - 1);
    for (let q = 0; q < s; q++) {
      const i0 = s * p + q;
      const o = r * s * p + q;
      const a0r = xr[i0]!;
      const a0i = xi[i0]!;
      let y0r = a0r;
      let y0i = a0i;
      for (let t = 1; t <= h; t++) {
        const j1 = i0 + t * sm;
        const j2 = i0 + (r - t) * sm;
        const ur = xr[j1]!;
        const ui = xi[j1]!;
        const vr = xr[j2]!;
        const vi = xi[j2]!;
        br[t] = ur + vr;
        bi[t] = ui + vi;
        dr[t] = ur - vr;
        di[t] = ui - vi;
        y0r += ur + vr;
        y0i += ui + vi;
      }
      yr[o] = y0r;
      yi[o] = y0i;
      for (let u = 1; u <= h; u++) {
        let ar = a0r;
        let ai = a0i;
        let sr = 0;
        let si = 0;
        let k = 0;
        for (let t = 1; t <= h; t++) {
          k += u;
          if (k >= r) k -= r;
          const c = rootRe[k]!;
          const sn = rootIm[k]!;
          ar += br[t]! * c;
          ai += bi[t]! * c;
          sr += dr[t]! * sn;
          si += di[t]! * sn;
        }
        // rootIm holds -sin, so A + S' with S' = -i sum d sin gives y_u; y_(r-u) = A - S'.
        const pr = ar - si;
        const pi = ai + sr;
        const qr = ar + si;
        const qi = ai - sr;
        const w1r = twRe[tw + u - 1]!;
        const w1i = twIm[tw + u - 1]!;
        const w2r = twRe[tw + r - u - 1]!;
        const w2i = twIm[tw + r - u - 1]!;
        yr[o + u * s] = pr * w1r - pi * w1i;
        yi[o + u * s] = pr * w1i + pi * w1r;
        yr[o + (r - u) * s] = qr * w2r - qi * w2i;
        yi[o + (r - u) * s] = qr * w2i + qi * w2r;
      }
    }
  }
}
