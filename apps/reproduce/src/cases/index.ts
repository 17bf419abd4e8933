import { alignmentCase } from './alignment.js';
import { freqEstimationCase } from './freq-estimation.js';
import { graCase } from './gra.js';
import { harmonicEstimationCase } from './harmonic-estimation.js';
import { hierarchyCase } from './hierarchy.js';
import { instrumentsCase } from './instruments.js';
import { landscapeCase } from './landscape.js';
import { leakageCase } from './leakage.js';
import { multipitchCase } from './multipitch.js';
import { notesCase } from './notes.js';
import { startDistanceCase } from './start-distance.js';
import type { ReproduceCase } from './types.js';

/** Every case of the main job, in the order `pnpm reproduce` runs them. */
export const cases: readonly ReproduceCase[] = [
  // Case study 1: multi-scale spectral loss.
  leakageCase,
  landscapeCase,
  freqEstimationCase,
  harmonicEstimationCase,
  startDistanceCase,
  graCase,
  notesCase,
  // Case study 2: hierarchical classification.
  hierarchyCase,
  instrumentsCase,
  // Case study 3: soft-DTW.
  alignmentCase,
  multipitchCase,
];
