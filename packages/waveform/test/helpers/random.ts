/** Signal helpers for the tests; `rng` is the repository's seeded generator (mulberry32). */
export { mulberry32 as rng } from '@losses/tensor/internal';

/** Standard normal draws (Box-Muller). */
export function randn(n: number, r: () => number, scale = 1): number[] {
  const out: number[] = [];
  while (out.length < n) {
    const u = 1 - r();
    const v = r();
    const m = Math.sqrt(-2 * Math.log(u));
    out.push(m * Math.cos(2 * Math.PI * v) * scale);
    if (out.length < n) out.push(m * Math.sin(2 * Math.PI * v) * scale);
  }
  return out;
}

/** A sinusoid with linear fade in and out over the first and last 30 %. */
export function fade(T: number, cyclesPerSample: number, amplitude = 1, phase = 0): number[] {
  return Array.from({ length: T }, (_, n) => {
    const env = Math.min(1, n / (0.3 * T), (T - 1 - n) / (0.3 * T));
    return amplitude * env * Math.sin(2 * Math.PI * cyclesPerSample * n + phase);
  });
}
