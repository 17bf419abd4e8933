/**
 * The instruments of the rendered corpus: General MIDI programs grouped by family, with the
 * registers the score generator writes for them, and the class hierarchy the `instruments` case
 * trains on (music > families > instruments).
 */
import { defineHierarchy, type Hierarchy } from '@losses/hierarchy';

/** An instrument family of the corpus. */
export type Family = 'strings' | 'woodwinds' | 'brass' | 'keyboard';

/** Which part an instrument usually plays in a generated piece. */
export type Role = 'high' | 'middle' | 'low' | 'keys';

/** One instrument of the corpus. */
export interface Instrument {
  /** Class name (a column of the hierarchy). */
  name: string;
  family: Family;
  /** General MIDI program, 0-based (GM 1 numbering minus 1: violin = 40). */
  program: number;
  /** Lowest and highest MIDI pitch the generator writes for it (sounding pitch). */
  low: number;
  high: number;
  role: Role;
}

/** The 13 instruments, in hierarchy column order within their family. */
export const INSTRUMENTS: readonly Instrument[] = Object.freeze([
  { name: 'violin', family: 'strings', program: 40, low: 55, high: 91, role: 'high' },
  { name: 'viola', family: 'strings', program: 41, low: 48, high: 81, role: 'middle' },
  { name: 'cello', family: 'strings', program: 42, low: 36, high: 69, role: 'low' },
  { name: 'contrabass', family: 'strings', program: 43, low: 28, high: 55, role: 'low' },
  { name: 'flute', family: 'woodwinds', program: 73, low: 60, high: 93, role: 'high' },
  { name: 'oboe', family: 'woodwinds', program: 68, low: 58, high: 86, role: 'high' },
  { name: 'clarinet', family: 'woodwinds', program: 71, low: 50, high: 86, role: 'middle' },
  { name: 'bassoon', family: 'woodwinds', program: 70, low: 34, high: 67, role: 'low' },
  { name: 'trumpet', family: 'brass', program: 56, low: 55, high: 82, role: 'high' },
  { name: 'horn', family: 'brass', program: 60, low: 41, high: 74, role: 'middle' },
  { name: 'trombone', family: 'brass', program: 57, low: 40, high: 70, role: 'low' },
  { name: 'tuba', family: 'brass', program: 58, low: 28, high: 55, role: 'low' },
  { name: 'piano', family: 'keyboard', program: 0, low: 28, high: 96, role: 'keys' },
] as const satisfies readonly Instrument[]);

/** The families in hierarchy order. */
export const FAMILIES: readonly Family[] = Object.freeze([
  'strings',
  'woodwinds',
  'brass',
  'keyboard',
]);

/** The instrument of a name. */
export function instrument(name: string): Instrument {
  const found = INSTRUMENTS.find((i) => i.name === name);
  if (!found) throw new Error(`unknown instrument '${name}'`);
  return found;
}

/**
 * The corpus hierarchy (18 classes, 3 levels): music > strings {violin, viola, cello, contrabass},
 * woodwinds {flute, oboe, clarinet, bassoon}, brass {trumpet, horn, trombone, tuba}, keyboard
 * {piano}.
 */
export const corpusHierarchy: Hierarchy = defineHierarchy({
  music: Object.fromEntries(
    FAMILIES.map((f) => [f, INSTRUMENTS.filter((i) => i.family === f).map((i) => i.name)]),
  ),
});
