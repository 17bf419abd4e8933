import type { ItemKernel } from './kernel.js';

/** num / den with 0 / 0 = 0 (num = 0 is the only way the pipeline meets den = 0 with no answer). */
export function ratio(num: number, den: number): number {
  return num === 0 ? 0 : num / den;
}

/**
 * Error-to-signal ratio of one item (Wright & Välimäki, 2019; auraloss's `ESRLoss`):
 *   l = sum_i (t_i - x_i)^2 / (sum_i t_i^2 + eps),
 * gradient 2 (x - t) / (sum t^2 + eps). A silent target gives sum (x_i)^2 / eps.
 * In the scaled units of the pipeline the denominator is sum z^2 + eps s^2.
 */
export function esrKernel(eps: number): ItemKernel {
  return (y, z, L, s, h, out) => {
    let num = 0;
    let energy = 0;
    for (let i = 0; i < L; i++) {
      const d = z[i]! - y[i]!;
      num += d * d;
      energy += z[i]! * z[i]!;
      if (h) h[i] = -d;
    }
    const den = energy + eps * s * s;
    out.value = ratio(num, den);
    out.m = (2 * s) / den;
  };
}

/**
 * DC error of one item (Wright & Välimäki, 2019; auraloss's `DCLoss`):
 *   l = (mean_i (t_i - x_i))^2 / (mean_i t_i^2 + eps),
 * gradient -2 mean(t - x) / (L (mean t^2 + eps)) for every sample. eps is added to the mean square
 * (not to the energy as in ESR), as auraloss does.
 */
export function dcKernel(eps: number): ItemKernel {
  return (y, z, L, s, h, out) => {
    let diff = 0;
    let energy = 0;
    for (let i = 0; i < L; i++) {
      diff += z[i]! - y[i]!;
      energy += z[i]! * z[i]!;
    }
    const mu = diff / L;
    const den = energy / L + eps * s * s;
    out.value = ratio(mu * mu, den);
    if (h) h.fill(1, 0, L);
    out.m = mu === 0 ? 0 : (-2 * mu * s) / (L * den);
  };
}
