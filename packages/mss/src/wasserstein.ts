/**
 * The kernel of spectral optimal transport (SOT): per frame, the 1-D Wasserstein distance along
 * frequency between two spectra normalised to unit mass, and its exact gradient.
 *
 * Torres, Peeters & Richard, "Unsupervised harmonic parameter estimation using differentiable DSP
 * and spectral optimal transport", ICASSP 2024 (arXiv:2312.14507); the numbers of their package
 * `sot-loss` (github.com/bernardo-torres/spectral-optimal-transport, `src/sot/losses.py`,
 * `Wasserstein1DLoss` with `normalize=True, balanced=True`, `wasserstein_1d`):
 *
 *   a~ = a / (sum a + eps),  b~ = b / (sum b + eps)      (eps = 1e-8 in sot-loss)
 *   A_k = sum_{j <= k} a~_j,  B_k = sum_{j <= k} b~_j     (the CDFs over the bin positions x_k)
 *   Q_a(r) = x_{min(k*, K-1)},  k* = the first k with A_k >= r  (the quantile function; levels above
 *            the mass of a, which eps makes < 1, map to the last position, as torch.searchsorted
 *            with the clamp of `quantile_function` does)
 *
 *   W_p^p = integral_0^{max(A_{K-1}, B_{K-1})} |Q_a(r) - Q_b(r)|^p dr          (p = 2, quantile form)
 *         = sum over the merged levels r_i of A and B of (r_i - r_{i-1}) |Q_a(r_i) - Q_b(r_i)|^p
 *   W_1   = sum_{k=0}^{K-2} |A_k - B_k| (x_{k+1} - x_k)                         (p = 1, CDF form)
 *
 * (the two forms are the same number for p = 1: the area between the two CDFs, read across or up;
 * Peyré & Cuturi, "Computational optimal transport", 2019, remark 2.30). What sot-loss returns is
 * W_p^p (its `apply_root=False` default), as here.
 *
 * The gradient is the derivative of the transport plan's cost, not a finite difference. The monotone
 * plan moves the mass between levels r_{i-1} and r_i from Q_a(r_i) to Q_b(r_i); raising the level
 * A_k by dr moves mass at that level from bin k+1 to bin k, so
 *
 *   dW/dA_k = c(x_k, y) - c(x_{k+1}, y),   y = Q_b at the level A_k,  c(x, y) = |x - y|^p,
 *
 * (x_K := x_{K-1}: the top level moves no mass), dW/da~_j = sum_{k >= j} dW/dA_k, and through the
 * normalisation dW/da_j = (dW/da~_j - sum_i dW/da~_i a~_i) / (sum a + eps). For p = 1 this is
 * sign(A_k - B_k) (x_{k+1} - x_k), the derivative of the CDF form. Two conventions where W has a
 * kink or a one-sided derivative:
 * - where a level A_k equals a level of B (then Q_b just below and just above A_k differ), the mean
 *   of the two one-sided derivatives, y = Q_b(A_k) and y = Q_b(A_k+); for p = 1 that is
 *   sign(0) = 0. Identical spectra so get a zero gradient.
 * - at a bin of zero mass the formula gives the limit of the gradient as its mass goes to 0 from
 *   above (the derivative of adding mass there). torch's autograd through `torch.sort` and
 *   `torch.searchsorted` differs at such bins (it credits one of the tied levels, chosen by the
 *   sort); everywhere else the two agree.
 *
 * A silent frame (sum = 0) has no mass, so its levels are all 0 and every level of the other frame
 * is matched with the last position (what sot-loss computes); two silent frames are at distance 0.
 * A silent frame gets a zero gradient (it has no distribution to move; the derivative of adding
 * mass to it would be of order 1 / eps, and torch's autograd credits one of its tied zero levels,
 * chosen by the sort). Through an STFT nothing changes: d|X|/dx = 0 at |X| = 0. The other frame's
 * gradient follows the formula (its levels are matched with the last position).
 *
 * Kernels here trust their input: non-negative finite spectra, increasing positions, eps > 0.
 */

/** The order p of the Wasserstein distance (the cost |x - y|^p). */
export type WassersteinOrder = 1 | 2;

/** A validated Wasserstein distance between spectra of `positions.length` bins. */
export interface WassersteinSpec {
  /** The order p: 1 (CDF form) or 2 (quantile form). */
  readonly p: WassersteinOrder;
  /** The position of every bin along frequency, increasing (K values). */
  readonly positions: Float64Array;
  /** Added to each frame's mass before normalising (> 0). */
  readonly eps: number;
}

/** Reusable work memory of {@link wassersteinFrames} (4 K float64 values, grown on demand). */
export class WassersteinWork {
  private buf = new Float64Array(0);

  /** Four arrays of `n` values each (their contents are scratch). */
  get(n: number): [Float64Array, Float64Array, Float64Array, Float64Array] {
    if (this.buf.length < 4 * n) this.buf = new Float64Array(4 * n);
    const b = this.buf;
    return [
      b.subarray(0, n),
      b.subarray(n, 2 * n),
      b.subarray(2 * n, 3 * n),
      b.subarray(3 * n, 4 * n),
    ];
  }
}

/** Where {@link wassersteinFrames} adds `scale` dW/d(spectrum): an array and the offset of frame 0. */
export interface GradientSink {
  readonly data: Float64Array;
  readonly offset: number;
}

/**
 * W_p^p of `frames` pairs of frames, `est` and `tgt` laid out [frames, K] from their offsets (K =
 * `spec.positions.length`). Writes every frame's W_p^p into `perFrame` (when given) and returns their
 * sum; adds `scale` dW/d(est) into `gradEst` and `scale` dW/d(tgt) into `gradTgt` when given.
 */
export function wassersteinFrames(
  spec: WassersteinSpec,
  est: Float64Array,
  estOffset: number,
  tgt: Float64Array,
  tgtOffset: number,
  frames: number,
  work: WassersteinWork,
  perFrame?: Float64Array,
  gradEst?: GradientSink,
  gradTgt?: GradientSink,
  scale = 1,
): number {
  const K = spec.positions.length;
  const [A, B, gA, gB] = work.get(K);
  let total = 0;
  for (let f = 0; f < frames; f++) {
    const eo = estOffset + f * K;
    const to = tgtOffset + f * K;
    const ma = cumulate(est, eo, K, spec.eps, A);
    const mb = cumulate(tgt, to, K, spec.eps, B);
    const w = spec.p === 1 ? cdfForm(spec.positions, A, B) : quantileForm(spec.positions, A, B);
    if (perFrame) perFrame[f] = w;
    total += w;
    // A silent frame (no mass: sum + eps = eps) has no distribution to move: no gradient.
    if (gradEst && ma > spec.eps) {
      levelGradient(spec, A, B, gA);
      project(gA, est, eo, ma, scale, gradEst.data, gradEst.offset + f * K);
    }
    if (gradTgt && mb > spec.eps) {
      levelGradient(spec, B, A, gB);
      project(gB, tgt, to, mb, scale, gradTgt.data, gradTgt.offset + f * K);
    }
  }
  return total;
}

/**
 * The CDF of one frame normalised by (sum + eps) into `out`; returns sum + eps. (Cumulated as
 * torch.cumsum(a / (sum a + eps)) does: each term scaled, then summed in order; the scaling by the
 * reciprocal may differ from torch's division in the last bit.)
 */
function cumulate(s: Float64Array, off: number, K: number, eps: number, out: Float64Array) {
  let sum = 0;
  for (let k = 0; k < K; k++) sum += s[off + k]!;
  const m = sum + eps;
  const inv = 1 / m;
  let c = 0;
  for (let k = 0; k < K; k++) {
    c += s[off + k]! * inv;
    out[k] = c;
  }
  return m;
}

/** W_1 = sum_k |A_k - B_k| (x_{k+1} - x_k). */
function cdfForm(x: Float64Array, A: Float64Array, B: Float64Array): number {
  let w = 0;
  for (let k = 0; k + 1 < x.length; k++) w += Math.abs(A[k]! - B[k]!) * (x[k + 1]! - x[k]!);
  return w;
}

/**
 * W_2^2 by a merge of the two sorted level lists. Over the interval (prev, q] up to the next level
 * q = min(A_i, B_j), Q_a is x_i and Q_b is x_j (the first levels not yet passed); a level equal to
 * prev (a bin of zero mass, or a level both lists share) gives an interval of length 0. Once one
 * list is used up, its quantile is the last position.
 */
function quantileForm(x: Float64Array, A: Float64Array, B: Float64Array): number {
  const K = x.length;
  const last = x[K - 1]!;
  let i = 0;
  let j = 0;
  let prev = 0;
  let w = 0;
  while (i < K && j < K) {
    const a = A[i]!;
    const b = B[j]!;
    const d = x[i]! - x[j]!;
    if (a < b) {
      w += (a - prev) * d * d;
      prev = a;
      i++;
    } else {
      w += (b - prev) * d * d;
      prev = b;
      j++;
      if (a === b) i++;
    }
  }
  for (; i < K; i++) {
    const d = x[i]! - last;
    w += (A[i]! - prev) * d * d;
    prev = A[i]!;
  }
  for (; j < K; j++) {
    const d = last - x[j]!;
    w += (B[j]! - prev) * d * d;
    prev = B[j]!;
  }
  return w;
}

/**
 * dW/dA_k for every level of `L` against the other frame's levels `M` (the same rule serves the
 * target with the roles swapped), then the suffix sums: `out[j]` = dW/d(normalised mass of bin j).
 */
function levelGradient(spec: WassersteinSpec, L: Float64Array, M: Float64Array, out: Float64Array) {
  const x = spec.positions;
  const K = x.length;
  if (spec.p === 1) {
    // sign(L_k - M_k) (x_{k+1} - x_k), sign(0) = 0; the top level moves nothing.
    let g = 0;
    out[K - 1] = 0;
    for (let k = K - 2; k >= 0; k--) {
      const d = L[k]! - M[k]!;
      const dx = x[k + 1]! - x[k]!;
      g += d > 0 ? dx : d < 0 ? -dx : 0;
      out[k] = g;
    }
    return;
  }
  // p = 2: y- = Q_M(L_k) (first j with M_j >= L_k), y+ = Q_M(L_k+) (first j with M_j > L_k).
  const last = x[K - 1]!;
  let jm = 0;
  let jp = 0;
  for (let k = 0; k < K; k++) {
    const level = L[k]!;
    while (jm < K && M[jm]! < level) jm++;
    if (jp < jm) jp = jm;
    while (jp < K && M[jp]! <= level) jp++;
    const xk = x[k]!;
    const xn = k + 1 < K ? x[k + 1]! : last;
    const ym = jm < K ? x[jm]! : last;
    let dm = xk - ym;
    let dn = xn - ym;
    let g = dm * dm - dn * dn;
    if (jp !== jm) {
      const yp = jp < K ? x[jp]! : last;
      dm = xk - yp;
      dn = xn - yp;
      g = 0.5 * (g + dm * dm - dn * dn);
    }
    out[k] = g;
  }
  let s = 0;
  for (let k = K - 1; k >= 0; k--) {
    s += out[k]!;
    out[k] = s;
  }
}

/**
 * Through the normalisation a~ = a / m (m = sum a + eps): dW/da_j = (G_j - sum_i G_i a~_i) / m for
 * the frame `s` from `off`; adds `scale` times it into `sink` from `sinkOff`.
 */
function project(
  G: Float64Array,
  s: Float64Array,
  off: number,
  m: number,
  scale: number,
  sink: Float64Array,
  sinkOff: number,
): void {
  const K = G.length;
  let dot = 0;
  for (let i = 0; i < K; i++) dot += G[i]! * s[off + i]!;
  dot /= m;
  const f = scale / m;
  for (let j = 0; j < K; j++) sink[sinkOff + j]! += f * (G[j]! - dot);
}
