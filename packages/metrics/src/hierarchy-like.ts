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
  if (!Array.isArray(classes) || classes.some((c) => typeof c !== 'string')) {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}.classes: expected an array of class names, got ${show(classes)}`,
      NAME,
    );
  }
  if (classes.length === 0) {
    throw new LossInputError('INVALID_HIERARCHY', `${NAME}.classes: is empty`, NAME);
  }
  if (typeof childrenOf !== 'function') {
    throw new LossInputError(
      'INVALID_HIERARCHY',
      `${NAME}.children: expected a function children(c) returning the children of class c, got ${show(childrenOf)}`,
      NAME,
    );
  }
  const index = new Map<string, number>();
  classes.forEach((c: string, j) => {
    if (index.has(c)) {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `${NAME}.classes: duplicate class name '${c}' (columns ${index.get(c)} and ${j})`,
        NAME,
      );
    }
    index.set(c, j);
  });
  const children = (classes as string[]).map((c, j) => {
    const raw = (childrenOf as (c: string) => unknown).call(h, c);
    if (raw === null || typeof raw !== 'object' || !(Symbol.iterator in raw)) {
      throw new LossInputError(
        'INVALID_HIERARCHY',
        `${NAME}.children('${c}'): expected a list of class names or indices, got ${show(raw)}`,
        NAME,
      );
    }
    const out: number[] = [];
    for (const child of raw as Iterable<unknown>) {
      let k: number | undefined;
      if (typeof child === 'string') k = index.get(child);
      else if (typeof child === 'number' && Number.isInteger(child) && child >= 0)
        k = child < classes.length ? child : undefined;
      if (k === undefined) {
        throw new LossInputError(
          'INVALID_HIERARCHY',
          `${NAME}.children('${c}'): unknown child ${show(child)}; known classes are ${classes.map((x: string) => `'${x}'`).join(', ')}`,
          NAME,
        );
      }
      if (k === j) {
        throw new LossInputError(
          'INVALID_HIERARCHY',
          `${NAME}.children('${c}'): '${c}' is listed as its own child`,
          NAME,
        );
      }
      if (!out.includes(k)) out.push(k);
    }
    return out;
  });
  return { classes: classes as string[], children };
}
