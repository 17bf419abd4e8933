/**
 * Reproducible random numbers for the synthetic data of the cases: the repository's seeded
 * generators of @losses/tensor/internal (mulberry32 on [0, 1) for a 32-bit seed; a standard normal
 * draw by Box-Muller), so that a seed gives the same data as in the packages' tests.
 */
export { gaussian, mulberry32 } from '@losses/tensor/internal';
