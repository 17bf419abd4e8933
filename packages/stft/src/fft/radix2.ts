import FFT from 'fft.js';
import type { FftPlan } from './types.js';

/** A power-of-two plan (n >= 2) over fft.js's radix-4 transform. */
export class Radix2Plan implements FftPlan {
  readonly n: number;
  readonly algorithm = 'radix' as const;
  private readonly fft: FFT;

  constructor(n: number) {
    this.n = n;
    this.fft = new FFT(n);
  }

  transform(input: Float64Array, output: Float64Array): void {
    this.fft.transform(output as unknown as number[], input as unknown as number[]);
  }

  inverseTransform(input: Float64Array, output: Float64Array): void {
    this.fft.inverseTransform(output as unknown as number[], input as unknown as number[]);
  }
}
