import { alignmentCase } from './alignment.js';
import { freqEstimationCase } from './freq-estimation.js';
import { graCase } from './gra.js';
import { hierarchyCase } from './hierarchy.js';
import { landscapeCase } from './landscape.js';
import { leakageCase } from './leakage.js';
import type { ReproduceCase } from './types.js';

/** Every case of the main job, in the order `pnpm reproduce` runs them. */
export const cases: readonly ReproduceCase[] = [
  leakageCase,
  graCase,
  hierarchyCase,
  landscapeCase,
  freqEstimationCase,
  alignmentCase,
];
