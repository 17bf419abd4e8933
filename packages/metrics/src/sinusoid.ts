import type { FloatArray } from '@losses/tensor';

/**
 * Writes the sinusoid x[n] = A sin(2 pi f t_n + phi), t_n = n / sampleRate, n = 0..T-1, into
 * `out` (length T) starting at `offset`. The phase is computed in float64 for every sample
 * (no recurrence), so the signal does not drift.
 */
export function writeSinusoid(
  out: FloatArray,
  offset: number,
  length: number,
  frequency: number,
  phase: number,
  amplitude: number,
  sampleRate: number,
): void {
  const w = (2 * Math.PI * frequency) / sampleRate;
  for (let n = 0; n < length; n++) out[offset + n] = amplitude * Math.sin(w * n + phase);
}

/**
 * dL/df of a sinusoid x[n] = A sin(2 pi f t_n + phi) by the chain rule through the signal:
 *
 *   dL/df = sum_n dL/dx[n] * 2 pi t_n * A cos(2 pi f t_n + phi),   t_n = n / sampleRate.
 *
 * `grad` is dL/dx (length T). Accumulated in float64.
 */
export function frequencyGradient(
  grad: FloatArray,
  frequency: number,
  phase: number,
  amplitude: number,
  sampleRate: number,
): number {
  const w = (2 * Math.PI * frequency) / sampleRate;
  const k = (2 * Math.PI * amplitude) / sampleRate;
  let sum = 0;
  for (let n = 0; n < grad.length; n++) sum += grad[n]! * n * Math.cos(w * n + phase);
  return k * sum;
}

/** The frequency `cents` cents above `hz` (below for negative cents): hz * 2^(cents / 1200). */
export function centsToHz(hz: number, cents: number): number {
  return hz * 2 ** (cents / 1200);
}
