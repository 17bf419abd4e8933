import { defineHierarchy, type Hierarchy, type NestedHierarchy } from './hierarchy.js';

/** The singing-voice hierarchy of Krause & Muller (ICASSP 2022): 9 classes, 3 levels. */
const singing: NestedHierarchy = {
  singing: {
    female: ['soprano', 'mezzo-soprano', 'alto'],
    male: ['tenor', 'baritone', 'bass'],
  },
};

/** An orchestra example: 5 families of 13 instruments/voices under `music` (19 classes, 3 levels). */
const orchestra: NestedHierarchy = {
  music: {
    woodwinds: ['flute', 'oboe', 'clarinet', 'bassoon'],
    brass: ['horn', 'trumpet'],
    percussion: ['timpani'],
    voice: ['female', 'male'],
    strings: ['violin', 'viola', 'cello', 'double bass'],
  },
};

/** The specs of the ready-made hierarchies (plain data; pass one to `defineHierarchy`). */
export const hierarchySpecs: Readonly<Record<'singing' | 'orchestra', NestedHierarchy>> =
  Object.freeze({ singing, orchestra });

/**
 * Ready-made hierarchies.
 *
 * - `singing` (9 classes): singing > female {soprano, mezzo-soprano, alto}, male {tenor, baritone,
 *   bass}.
 * - `orchestra` (19 classes): music > woodwinds {flute, oboe, clarinet, bassoon}, brass {horn,
 *   trumpet}, percussion {timpani}, voice {female, male}, strings {violin, viola, cello,
 *   double bass}.
 *
 * Columns follow the depth-first order of the specs in {@link hierarchySpecs}.
 */
export const hierarchies: Readonly<{ singing: Hierarchy; orchestra: Hierarchy }> = Object.freeze({
  singing: defineHierarchy(singing),
  orchestra: defineHierarchy(orchestra),
});
