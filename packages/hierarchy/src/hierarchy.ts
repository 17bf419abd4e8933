import { LossInputError, show } from '@losses/tensor';

/**
 * A class hierarchy as a nested object: each key is a class, its value lists the children - an
 * object (child name -> its own subtree), an array of leaf names and/or such objects, or `null` /
 * `[]` / `{}` for a leaf.
 *
 * @example `{ singing: { female: ['soprano', 'mezzo-soprano', 'alto'], male: ['tenor', 'baritone', 'bass'] } }`
 */
export interface NestedHierarchy {
  readonly [name: string]: NestedHierarchy | readonly (string | NestedHierarchy)[] | null;
}

/** A `[parent, child]` edge between two class names. */
export type HierarchyEdge = readonly [parent: string, child: string];

/** What {@link defineHierarchy} accepts: a nested object (a tree) or a list of edges (a DAG). */
export type HierarchySpec = NestedHierarchy | readonly HierarchyEdge[];

/** Options of {@link defineHierarchy}. */
export interface HierarchyOptions {
  /**
   * The column order of every tensor: a permutation of all class names of the spec. Default: the
   * order in which the names first appear in the spec (depth-first for a nested object).
   */
  classes?: readonly string[];
}

/**
 * The index tables the loss kernels run on (all indices are class columns, 0-based). Built once by
 * {@link defineHierarchy}; read-only.
 */
export interface HierarchyTables {
  /** C, the number of classes. */
  readonly numClasses: number;
  /** Parent column of each edge, in the order of {@link Hierarchy.edges}. Length |E|. */
  readonly edgeParent: Int32Array;
  /** Child column of each edge. Length |E|. */
  readonly edgeChild: Int32Array;
  /** CSR offsets of the children of each class: children of c are `childIndex[childStart[c]..childStart[c+1]]`. Length C + 1. */
  readonly childStart: Int32Array;
  /** Children columns, grouped by parent. Length |E|. */
  readonly childIndex: Int32Array;
  /** Columns of the classes that have children (the set P), in column order. */
  readonly parentIndex: Int32Array;
  /** CSR offsets of the descendants of each class, the class itself included (first). Length C + 1. */
  readonly closureStart: Int32Array;
  /** Descendant columns (self first), grouped by class. */
  readonly closureIndex: Int32Array;
  /** Every column ordered by ascending level: each class comes after all of its descendants. */
  readonly bottomUpOrder: Int32Array;
  /** Level of each class (1 = leaf). */
  readonly level: Int32Array;
}

/**
 * A validated class hierarchy (a tree or a DAG). `classes` is the column order of every tensor the
 * losses take. Class arguments are names; an unknown name throws `INVALID_HIERARCHY`.
 */
export interface Hierarchy {
  /** Class names in column order. */
  readonly classes: readonly string[];
  /** Every `[parent, child]` edge (the set E), parents in column order, children in spec order. */
  readonly edges: readonly HierarchyEdge[];
  /** Classes that have at least one child (the set P), in column order. */
  readonly parentsWithChildren: readonly string[];
  /** Classes without children, in column order. */
  readonly leaves: readonly string[];
  /** Classes without parents, in column order. */
  readonly roots: readonly string[];
  /** Highest level (1 for a hierarchy of leaves only). */
  readonly depth: number;
  /** Precomputed index tables for the kernels. */
  readonly tables: HierarchyTables;
  /** Column of a class. */
  indexOf(name: string): number;
  /** Direct children of a class (spec order). */
  children(name: string): string[];
  /** Direct parents of a class (column order); several in a DAG. */
  parents(name: string): string[];
  /** Every class above a class (column order), itself excluded. */
  ancestors(name: string): string[];
  /** Every class below a class (column order), itself excluded. */
  descendants(name: string): string[];
  /** Level of a class: 1 for a leaf, else 1 + the highest level of its children. */
  level(name: string): number;
  /** Classes of a level (column order). */
  classesAtLevel(level: number): string[];
}

function fail(message: string): never {
  throw new LossInputError('INVALID_HIERARCHY', message, 'hierarchy');
}

function checkName(v: unknown, where: string): string {
  if (typeof v !== 'string' || v.length === 0) {
    fail(`hierarchy: ${where}: expected a non-empty class name, got ${show(v)}`);
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** Edges and first-appearance order of a nested spec; refuses a name appearing twice. */
function edgesFromNested(spec: Record<string, unknown>): {
  names: string[];
  edges: [string, string][];
} {
  const names: string[] = [];
  const seen = new Set<string>();
  const edges: [string, string][] = [];
  const add = (name: string, path: string): void => {
    if (seen.has(name)) {
      fail(
        `hierarchy: duplicate class name '${name}' (again at ${path}); a nested hierarchy is a tree - give a DAG as [parent, child] edges`,
      );
    }
    seen.add(name);
    names.push(name);
  };
  const walkChildren = (parent: string | null, value: unknown, path: string): void => {
    if (value === null || value === undefined) return;
    if (Array.isArray(value)) {
      value.forEach((item, i) => {
        if (isPlainObject(item)) walkObject(parent, item, `${path}[${i}]`);
        else {
          const name = checkName(item, `${path}[${i}]`);
          add(name, `${path}[${i}]`);
          if (parent !== null) edges.push([parent, name]);
        }
      });
      return;
    }
    if (isPlainObject(value)) {
      walkObject(parent, value, path);
      return;
    }
    fail(
      `hierarchy: ${path}: expected an object, an array of names or null for the children, got ${show(value)}`,
    );
  };
  const walkObject = (parent: string | null, obj: Record<string, unknown>, path: string): void => {
    for (const key of Object.keys(obj)) {
      const name = checkName(key, path || 'top level');
      const here = path ? `${path}.${name}` : name;
      add(name, here);
      if (parent !== null) edges.push([parent, name]);
      walkChildren(name, obj[key], here);
    }
  };
  walkObject(null, spec, '');
  return { names, edges };
}

function edgesFromList(spec: readonly unknown[]): { names: string[]; edges: [string, string][] } {
  const names: string[] = [];
  const seen = new Set<string>();
  const edgeSet = new Set<string>();
  const edges: [string, string][] = [];
  spec.forEach((e, i) => {
    if (!Array.isArray(e) || e.length !== 2) {
      fail(`hierarchy: edge ${i}: expected a [parent, child] pair of names, got ${show(e)}`);
    }
    const parent = checkName(e[0], `edge ${i} parent`);
    const child = checkName(e[1], `edge ${i} child`);
    if (parent === child) fail(`hierarchy: edge ${i}: self-loop '${parent}' -> '${child}'`);
    const key = JSON.stringify([parent, child]);
    if (edgeSet.has(key)) fail(`hierarchy: duplicate edge '${parent}' -> '${child}' (edge ${i})`);
    edgeSet.add(key);
    for (const n of [parent, child]) {
      if (!seen.has(n)) {
        seen.add(n);
        names.push(n);
      }
    }
    edges.push([parent, child]);
  });
  return { names, edges };
}

/** Finds a cycle (as a closed list of names) in the child lists, or null. */
function findCycle(children: readonly number[][], names: readonly string[]): string[] | null {
  const C = names.length;
  const state = new Uint8Array(C); // 0 new, 1 on stack, 2 done
  const stack: number[] = [];
  const visit = (c: number): number[] | null => {
    state[c] = 1;
    stack.push(c);
    for (const d of children[c]!) {
      if (state[d] === 1) return [...stack.slice(stack.indexOf(d)), d];
      if (state[d] === 0) {
        const found = visit(d);
        if (found) return found;
      }
    }
    stack.pop();
    state[c] = 2;
    return null;
  };
  for (let c = 0; c < C; c++) {
    if (state[c] === 0) {
      const found = visit(c);
      if (found) return found.map((i) => names[i]!);
    }
  }
  return null;
}

class ClassHierarchy implements Hierarchy {
  readonly classes: readonly string[];
  readonly edges: readonly HierarchyEdge[];
  readonly parentsWithChildren: readonly string[];
  readonly leaves: readonly string[];
  readonly roots: readonly string[];
  readonly depth: number;
  readonly tables: HierarchyTables;
  private readonly index: Map<string, number>;
  private readonly childLists: number[][];
  private readonly parentLists: number[][];
  private readonly closures: number[][];

  constructor(classes: string[], edgeNames: [string, string][]) {
    const C = classes.length;
    this.classes = Object.freeze(classes.slice());
    this.index = new Map(classes.map((n, i) => [n, i]));
    const childLists: number[][] = classes.map(() => []);
    const parentLists: number[][] = classes.map(() => []);
    for (const [p, c] of edgeNames) {
      childLists[this.index.get(p)!]!.push(this.index.get(c)!);
      parentLists[this.index.get(c)!]!.push(this.index.get(p)!);
    }
    for (const list of parentLists) list.sort((a, b) => a - b);
    const cycle = findCycle(childLists, classes);
    if (cycle) fail(`hierarchy: cycle ${cycle.map((n) => `'${n}'`).join(' -> ')}`);
    this.childLists = childLists;
    this.parentLists = parentLists;

    // Levels: a leaf is 1, a parent 1 + the highest level of its children (memoised DFS; acyclic).
    const level = new Int32Array(C);
    const levelOf = (c: number): number => {
      if (level[c]! > 0) return level[c]!;
      let l = 1;
      for (const d of childLists[c]!) l = Math.max(l, 1 + levelOf(d));
      level[c] = l;
      return l;
    };
    for (let c = 0; c < C; c++) levelOf(c);

    // Descendant closures (self excluded), column order.
    const closures: number[][] = new Array(C);
    const closureOf = (c: number): number[] => {
      if (closures[c]) return closures[c]!;
      const set = new Set<number>();
      for (const d of childLists[c]!) {
        set.add(d);
        for (const e of closureOf(d)) set.add(e);
      }
      closures[c] = [...set].sort((a, b) => a - b);
      return closures[c]!;
    };
    for (let c = 0; c < C; c++) closureOf(c);
    this.closures = closures;

    const edges: HierarchyEdge[] = [];
    const E = edgeNames.length;
    const edgeParent = new Int32Array(E);
    const edgeChild = new Int32Array(E);
    const childStart = new Int32Array(C + 1);
    const childIndex = new Int32Array(E);
    let k = 0;
    for (let c = 0; c < C; c++) {
      childStart[c] = k;
      for (const d of childLists[c]!) {
        edgeParent[k] = c;
        edgeChild[k] = d;
        childIndex[k] = d;
        edges.push(Object.freeze([classes[c]!, classes[d]!] as const));
        k++;
      }
    }
    childStart[C] = k;
    const parentCols: number[] = [];
    for (let c = 0; c < C; c++) if (childLists[c]!.length > 0) parentCols.push(c);
    const closureStart = new Int32Array(C + 1);
    const closureIndex = new Int32Array(closures.reduce((s, l) => s + l.length + 1, 0));
    k = 0;
    for (let c = 0; c < C; c++) {
      closureStart[c] = k;
      closureIndex[k++] = c;
      for (const d of closures[c]!) closureIndex[k++] = d;
    }
    closureStart[C] = k;
    const order = Array.from({ length: C }, (_, i) => i).sort(
      (a, b) => level[a]! - level[b]! || a - b,
    );

    this.edges = Object.freeze(edges);
    this.parentsWithChildren = Object.freeze(parentCols.map((c) => classes[c]!));
    this.leaves = Object.freeze(classes.filter((_, c) => childLists[c]!.length === 0));
    this.roots = Object.freeze(classes.filter((_, c) => parentLists[c]!.length === 0));
    this.depth = C > 0 ? Math.max(...level) : 0;
    this.tables = Object.freeze({
      numClasses: C,
      edgeParent,
      edgeChild,
      childStart,
      childIndex,
      parentIndex: Int32Array.from(parentCols),
      closureStart,
      closureIndex,
      bottomUpOrder: Int32Array.from(order),
      level,
    });
  }

  indexOf(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) {
      fail(
        `hierarchy: unknown class ${show(name)}; known classes are ${this.classes.map((c) => `'${c}'`).join(', ')}`,
      );
    }
    return i;
  }

  private names(cols: readonly number[]): string[] {
    return cols.map((c) => this.classes[c]!);
  }

  children(name: string): string[] {
    return this.names(this.childLists[this.indexOf(name)]!);
  }

  parents(name: string): string[] {
    return this.names(this.parentLists[this.indexOf(name)]!);
  }

  ancestors(name: string): string[] {
    const c = this.indexOf(name);
    const out: number[] = [];
    for (let a = 0; a < this.classes.length; a++) if (this.closures[a]!.includes(c)) out.push(a);
    return this.names(out);
  }

  descendants(name: string): string[] {
    return this.names(this.closures[this.indexOf(name)]!);
  }

  level(name: string): number {
    return this.tables.level[this.indexOf(name)]!;
  }

  classesAtLevel(level: number): string[] {
    return this.classes.filter((_, c) => this.tables.level[c] === level);
  }
}

/**
 * Builds a validated {@link Hierarchy} from a nested object (a tree) or a list of
 * `[parent, child]` edges (a class may have several parents: a DAG).
 *
 * Levels follow the convention of Krause & Muller (ICASSP 2022; IEEE/ACM TASLP 31, 2023): 1 for
 * the leaves, a parent is 1 + the highest level of its children.
 *
 * @param spec A nested object (`{ singing: { female: ['soprano', ...], male: [...] } }`) or edges
 *   (`[['singing', 'female'], ['female', 'soprano'], ...]`).
 * @param options `classes`: the column order (default: order of first appearance in `spec`).
 * @throws LossInputError `INVALID_HIERARCHY` for an empty hierarchy, a duplicate name or edge, a
 *   self-loop, a cycle (named in the message), a malformed spec, or `options.classes` that is not
 *   a permutation of the spec's names (unknown or missing names).
 */
export function defineHierarchy(spec: HierarchySpec, options: HierarchyOptions = {}): Hierarchy {
  if (isPlainObject(options) === false) {
    throw new LossInputError(
      'INVALID_OPTION',
      `options: expected an options object, got ${show(options)}`,
      'options',
    );
  }
  const unknownKeys = Object.keys(options).filter((k) => k !== 'classes');
  if (unknownKeys.length > 0) {
    throw new LossInputError(
      'INVALID_OPTION',
      `options: unknown option ${unknownKeys.map((k) => `'${k}'`).join(', ')}; known options are 'classes'`,
      'options',
    );
  }
  let parsed: { names: string[]; edges: [string, string][] };
  if (Array.isArray(spec)) parsed = edgesFromList(spec);
  else if (isPlainObject(spec)) parsed = edgesFromNested(spec);
  else {
    fail(
      `hierarchy: expected a nested object or a list of [parent, child] edges, got ${show(spec)}`,
    );
  }
  if (parsed.names.length === 0) fail('hierarchy: is empty (no classes)');
  let classes = parsed.names;
  if (options.classes !== undefined) {
    if (!Array.isArray(options.classes)) {
      fail(`hierarchy: options.classes: expected an array of names, got ${show(options.classes)}`);
    }
    const given = options.classes.map((n, i) => checkName(n, `options.classes[${i}]`));
    const seen = new Set<string>();
    for (const n of given) {
      if (seen.has(n)) fail(`hierarchy: options.classes: duplicate class name '${n}'`);
      seen.add(n);
    }
    const known = new Set(parsed.names);
    const unknown = given.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      fail(
        `hierarchy: options.classes: unknown class name${unknown.length > 1 ? 's' : ''} ${unknown.map((n) => `'${n}'`).join(', ')} (not in the hierarchy)`,
      );
    }
    const missing = parsed.names.filter((n) => !seen.has(n));
    if (missing.length > 0) {
      fail(
        `hierarchy: options.classes: missing class name${missing.length > 1 ? 's' : ''} ${missing.map((n) => `'${n}'`).join(', ')}`,
      );
    }
    classes = given;
  }
  return new ClassHierarchy(classes, parsed.edges);
}

/** True when `h` is a hierarchy made by {@link defineHierarchy}. */
export function isHierarchy(h: unknown): h is Hierarchy {
  return h instanceof ClassHierarchy;
}

/** Refuses anything but a {@link Hierarchy}. */
export function checkHierarchy(h: unknown, name = 'hierarchy'): Hierarchy {
  if (!isHierarchy(h)) {
    throw new LossInputError(
      'INVALID_TYPE',
      `${name}: expected a Hierarchy made by defineHierarchy(spec), got ${show(h)}`,
      name,
    );
  }
  return h;
}
