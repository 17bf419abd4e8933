import { LossInputError, show } from '@losses/tensor';

/**
 * What the metrics need of a class hierarchy: the class names in column order and the children
 * of a class (names, or column indices). A @losses/hierarchy `Hierarchy` fits, and so does a
 * plain object such as `{ classes: ['voice', 'female', 'male'], children: (c) => c === 'voice' ? ['female', 'male'] : [] }`.
 */
export interface HierarchyLike {
  /** Class names; column `j` of a prediction tensor belongs to `classes[j]`. */
  readonly classes: readonly string[];
  /** The direct children of class `c` (by name), as names or column indices. */
  children(c: string): Iterable<string | number>;
}

/** A hierarchy resolved to column indices: `children[j]` are the child columns of column j. */
export interface ResolvedHierarchy {
  classes: readonly string[];
  children: number[][];
}

const NAME = 'hierarchy';

/** Validates a {@link HierarchyLike} and resolves its children to column indices. */
export function resolveHierarchy(h: unknown): ResolvedHierarchy {
  if (typeof h !== 'object' || h === null) {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}: expected an object with classes and children(c), got ${show(h)}`,
      NAME,
    );
  }
  const { classes } = h as { classes?: unknown };
  const childrenOf = (h as { children?: unknown }).children;
  if (!Array.isArray(classes)) {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}.classes: expected an array of class names, got ${show(classes)}`,
      NAME,
    );
  }
  if (classes.length === 0) {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}.classes: expected at least one class name, got []`,
      NAME,
    );
  }
  if (typeof childrenOf !== 'function') {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}.children: expected a function children(c) returning the children of class c, got ${show(childrenOf)}`,
      NAME,
    );
  }
  const C = classes.length;
  const names: string[] = [];
  const index = new Map<string, number>();
  // Index loops throughout: forEach / some / map skip the holes of a sparse array.
  for (let j = 0; j < C; j++) {
    const c: unknown = classes[j];
    if (typeof c !== 'string') {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `${NAME}.classes[${j}]: expected a class name, got ${j in classes ? show(c) : 'an empty slot (sparse array)'}`,
        NAME,
      );
    }
    if (index.has(c)) {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `${NAME}.classes: duplicate class name '${c}' (columns ${index.get(c)} and ${j})`,
        NAME,
      );
    }
    index.set(c, j);
    names.push(c);
  }
  const known = () =>
    `${names
      .slice(0, 20)
      .map((x) => `'${x}'`)
      .join(', ')}${C > 20 ? `, ... (${C} classes)` : ''}`;
  const listed = new Int32Array(C).fill(-1);
  const children: number[][] = [];
  for (let j = 0; j < C; j++) {
    const c = names[j]!;
    const raw = (childrenOf as (c: string) => unknown).call(h, c);
    if (raw === null || typeof raw !== 'object' || !(Symbol.iterator in raw)) {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `${NAME}.children('${c}'): expected a list of class names or indices, got ${show(raw)}`,
        NAME,
      );
    }
    const out: number[] = [];
    let count = 0;
    for (const child of raw as Iterable<unknown>) {
      // A list longer than the number of classes repeats a class; an endless iterator would
      // never stop.
      if (++count > C) {
        throw new LossInputError(
          'INVALID_HIERARCHY',
          `${NAME}.children('${c}'): expected at most ${C} children (the number of classes), got more`,
          NAME,
        );
      }
      let k: number | undefined;
      if (typeof child === 'string') k = index.get(child);
      else if (typeof child === 'number' && Number.isInteger(child) && child >= 0)
        k = child < C ? child : undefined;
      if (k === undefined) {
        throw new LossInputError(
          'INVALID_HIERARCHY',
          `${NAME}.children('${c}'): expected known class names or column indices, got unknown child ${show(child)}; known classes are ${known()}`,
          NAME,
        );
      }
      if (k === j) {
        throw new LossInputError(
          'INVALID_HIERARCHY',
          `${NAME}.children('${c}'): expected the children of '${c}', got '${c}' itself (a class cannot be its own child)`,
          NAME,
        );
      }
      if (listed[k] !== j) {
        listed[k] = j;
        out.push(k);
      }
    }
    children.push(out);
  }
  return { classes: names, children };
}
