import type { ItemKernel } from './kernel.js';

/**
 * L1 of one item: l = (1/L) sum_i |x_i - t_i| (torch.nn.functional.l1_loss, mean), gradient
 * sign(x_i - t_i) / L with sign(0) = 0 as torch's. No eps.
 */
export const l1Kernel: ItemKernel = (y, z, L, s, h, out) => {
  let sum = 0;
  for (let i = 0; i < L; i++) {
    const d = y[i]! - z[i]!;
    sum += Math.abs(d);
    if (h) h[i] = d > 0 ? 1 : d < 0 ? -1 : 0;
  }
  out.value = sum / L / s;
  out.m = 1 / L;
};

/**
 * MSE of one item: l = (1/L) sum_i (x_i - t_i)^2 (torch.nn.functional.mse_loss, mean), gradient
 * 2 (x_i - t_i) / L. No eps. The value is +Infinity only where the true mean square exceeds the
 * float64 range.
 */
export const mseKernel: ItemKernel = (y, z, L, s, h, out) => {
  let sum = 0;
  for (let i = 0; i < L; i++) {
    const d = y[i]! - z[i]!;
    sum += d * d;
    if (h) h[i] = d;
  }
  out.value = sum / L / s / s;
  out.m = 2 / L / s;
};

/** log(cosh(u) + eps) - u for u >= 1: -ln 2 + log1p(e^-2u + 2 eps e^-u), also for u = Infinity. */
function logCoshEpsMinusU(u: number, eps: number): number {
  const e1 = Math.exp(-u);
  return -Math.LN2 + Math.log1p(e1 * e1 + 2 * eps * e1);
}

/**
 * d/du log(cosh(u) + eps) = sinh(u) / (cosh(u) + eps) for u >= 0, written as
 * (1 - e^-2u) / (1 + e^-2u + 2 eps e^-u), which is exact for large u and uses expm1 for small u.
 */
function logCoshEpsSlope(u: number, eps: number): number {
  const e1 = Math.exp(-u);
  return -Math.expm1(-2 * u) / (1 + e1 * e1 + 2 * eps * e1);
}

/**
 * Log-cosh of one item (Chen et al., 2019; auraloss's `LogCoshLoss`):
 *   l = (1/L) sum_i (1/a) log(cosh(a (x_i - t_i)) + eps),
 * gradient sinh(a d_i) / (cosh(a d_i) + eps) / L. With eps > 0, l(x, x) = log(1 + eps) / a, as in
 * auraloss. Evaluated without overflow, with u = a |d|:
 *   u < 1:  log(cosh u + eps) = log1p(eps + 2 sinh^2(u/2))          (cosh u - 1 = 2 sinh^2(u/2))
 *   u >= 1: log(cosh u + eps) = u - ln 2 + log1p(e^-2u + 2 eps e^-u)
 * and the linear parts u summed apart in the pipeline's scaled units, so the value is finite
 * whenever the true mean is (auraloss's cosh overflows beyond |a d| = 710).
 */
export function logCoshKernel(a: number, eps: number): ItemKernel {
  return (y, z, L, s, h, out) => {
    let linear = 0; // sum of |y_i - z_i| over the samples with u >= 1 (scaled units)
    let rest = 0; // the other parts of sum_i log(cosh(u_i) + eps)
    for (let i = 0; i < L; i++) {
      const v = y[i]! - z[i]!;
      const u = (a * Math.abs(v)) / s;
      if (u < 1) {
        const sh = Math.sinh(u / 2);
        rest += Math.log1p(eps + 2 * sh * sh);
      } else {
        linear += Math.abs(v);
        rest += logCoshEpsMinusU(u, eps);
      }
      if (h) h[i] = v > 0 ? logCoshEpsSlope(u, eps) : v < 0 ? -logCoshEpsSlope(u, eps) : 0;
    }
    // (1/(a L)) (a linear / s + rest)
    out.value = linear / L / s + rest / a / L;
    out.m = 1 / L;
  };
}
