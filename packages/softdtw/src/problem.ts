/**
 * The per-size parts of a problem (the band's column limits and the grid of open begins and ends),
 * made once per size within a call, and the range check with the options' step set and penalties.
 */
import { LossInputError } from '@losses/tensor';
import { type BandLimits, type BandSpec, bandOf } from './band.js';
import { type Boundary, boundaryGrid, type Grid } from './grid.js';
import { checkElements, checkRange, MAX_ELEMENTS } from './limits.js';
import type { StepSet } from './steps.js';

/** Band limits and grid of each size met so far in one call (a batch has one size, the divergence three). */
export class ProblemCache {
  private readonly sizes: number[] = [];
  private readonly entries: { band: BandLimits; grid: Grid }[] = [];

  /** `name`: the options' name in messages (`'options'`, `'softDtw: options'`). */
  constructor(
    readonly band: BandSpec,
    readonly boundary: Boundary,
    private readonly name: string,
  ) {}

  /**
   * The band limits and grid of an N x M problem.
   *
   * @throws LossInputError `INVALID_OPTION` naming `band.slope` when an Itakura parallelogram
   *   leaves a row or a column of the N x M grid empty (no admissible path; tslearn refuses it too).
   */
  get(N: number, M: number): { band: BandLimits; grid: Grid } {
    for (let k = 0; k < this.entries.length; k++) {
      if (this.sizes[2 * k] === N && this.sizes[2 * k + 1] === M) return this.entries[k]!;
    }
    const band = bandOf(N, M, this.band);
    if (band === null) {
      const slope = (this.band as { slope: number }).slope;
      throw new LossInputError(
        'INVALID_OPTION',
        `${this.name}.band.slope: an Itakura parallelogram of slope ${slope} leaves a row or a column of the ${N} x ${M} grid empty, so no alignment fits; use a larger slope (tslearn refuses the same)`,
        `${this.name}.band.slope`,
      );
    }
    const entry = { band, grid: boundaryGrid(this.boundary, N, M) };
    this.sizes.push(N, M);
    this.entries.push(entry);
    return entry;
  }
}

/** {@link checkRange} for a pair under a step set, gamma and boundary. */
export function checkPairRange(
  N: number,
  M: number,
  costBound: number,
  steps: StepSet,
  gamma: number,
  boundary: Boundary,
  costArgument: string,
  gammaArgument: string,
): void {
  checkRange(
    {
      N,
      M,
      costBound,
      wMax: steps.wMax,
      gamma,
      penalties: boundary.beginPenalty + boundary.endPenalty,
    },
    costArgument,
    gammaArgument,
  );
}

/**
 * Refuses a pair whose soft-min weight store would exceed the size limit: N x M cells with the
 * three weights of the classic steps, or N x M x K / 3 cells' worth with K > 3 steps (the store
 * takes K float64 per cell). Same arguments as {@link checkElements}.
 */
export function checkCells(
  N: number,
  M: number,
  K: number,
  what: string,
  argument: string,
  code: 'INVALID_OPTION' | 'SHAPE_MISMATCH',
): void {
  if (K <= 3) {
    checkElements(N, M, what, argument, code);
    return;
  }
  checkElements(
    N,
    M,
    `${what} (with ${K} steps, ${K} weights per cell)`,
    argument,
    code,
    Math.floor((3 * MAX_ELEMENTS) / K),
  );
}
