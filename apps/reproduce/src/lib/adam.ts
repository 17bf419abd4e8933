/**
 * Adam (Kingma & Ba, "Adam: A method for stochastic optimization", ICLR 2015) on a flat parameter
 * vector, as torch.optim.Adam and tf.train.adam step: m = b1 m + (1 - b1) g, v = b2 v + (1 - b2) g^2,
 * theta -= lr_i (m / (1 - b1^t)) / (sqrt(v / (1 - b2^t)) + eps). Each parameter has its own
 * learning rate (lr_i = rate(t) * scale_i), so parameters of different units (a pitch in semitones,
 * an amplitude) share one optimizer without one dictating the other's step; Adam being elementwise,
 * a batch of independent runs in one vector stays independent.
 */
export class Adam {
  private readonly m: Float64Array;
  private readonly v: Float64Array;
  private t = 0;

  /**
   * @param scales per-parameter multiplier of the learning rate (its length is the parameter count).
   * @param beta1 default 0.9; `beta2` default 0.999; `eps` default 1e-8 (torch's defaults).
   */
  constructor(
    private readonly scales: Float64Array,
    private readonly beta1 = 0.9,
    private readonly beta2 = 0.999,
    private readonly eps = 1e-8,
  ) {
    this.m = new Float64Array(scales.length);
    this.v = new Float64Array(scales.length);
  }

  /** One step on `theta` (in place) with gradient `grad` and base learning rate `rate`. */
  step(theta: Float64Array, grad: ArrayLike<number>, rate: number): void {
    this.t++;
    const c1 = 1 - this.beta1 ** this.t;
    const c2 = 1 - this.beta2 ** this.t;
    for (let i = 0; i < theta.length; i++) {
      const g = grad[i]!;
      this.m[i] = this.beta1 * this.m[i]! + (1 - this.beta1) * g;
      this.v[i] = this.beta2 * this.v[i]! + (1 - this.beta2) * g * g;
      const mh = this.m[i]! / c1;
      const vh = this.v[i]! / c2;
      theta[i]! -= (rate * this.scales[i]! * mh) / (Math.sqrt(vh) + this.eps);
    }
  }
}

/** The cosine schedule of `freq-estimation`: from `lr` at step 0 down to lr / 100 at the end. */
export function cosineRate(lr: number, step: number, steps: number): number {
  return lr * (0.01 + 0.99 * 0.5 * (1 + Math.cos((Math.PI * step) / steps)));
}
