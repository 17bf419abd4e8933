import { checkKeys, LossInputError, show } from '@losses/tensor';

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
 * {@link defineHierarchy} in O(C + |E|) time and memory; read-only. The kernels walk `childStart` /
 * `childIndex` in `bottomUpOrder`, so every loss and operator costs O(C + |E|) per frame however
 * deep the hierarchy is.
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
  /**
   * CSR offsets of the descendants of each class, the class itself included (first). Length C + 1.
   * Built on first read (with `closureIndex`): its size is the sum of the descendant counts,
   * C (C + 1) / 2 for a chain of C levels. No kernel reads it.
   */
  readonly closureStart: Int32Array;
  /** Descendant columns (self first, then column order), grouped by class. Built on first read. */
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

/** Names for a message, quoted; long lists show their first `max` and the count. */
function nameList(names: readonly string[], max = 20): string {
  const shown = names.slice(0, max).map((n) => `'${n}'`);
  if (names.length > max) shown.push(`... (${names.length} classes in all)`);
  return shown.join(', ');
}

/** A spec path for a message, cut to its last characters when a deep spec makes it long. */
function where(path: string): string {
  return path.length > 120 ? `...${path.slice(-117)}` : path;
}

function checkName(v: unknown, place: () => string): string {
  if (typeof v !== 'string' || v.length === 0) {
    fail(`hierarchy: ${place()}: expected a non-empty class name, got ${show(v)}`);
  }
  return v;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v) && !ArrayBuffer.isView(v);
}

/** One level of the walk over a nested spec: the keys of an object or the items of an array. */
type SpecFrame =
  | {
      kind: 'object';
      parent: string | null;
      obj: Record<string, unknown>;
      keys: string[];
      i: number;
      piece: string;
    }
  | { kind: 'array'; parent: string; items: readonly unknown[]; i: number; piece: string };

/**
 * Edges and first-appearance order of a nested spec; refuses a name appearing twice. A
 * depth-first pre-order walk with an explicit stack (a spec may nest deeper than the call stack
 * allows); the stack's pieces spell the current path, built only for a message.
 */
function edgesFromNested(spec: Record<string, unknown>): {
  names: string[];
  edges: [string, string][];
} {
  const names: string[] = [];
  const seen = new Set<string>();
  const edges: [string, string][] = [];
  const stack: SpecFrame[] = [
    { kind: 'object', parent: null, obj: spec, keys: Object.keys(spec), i: 0, piece: '' },
  ];
  const pathOf = (extra = ''): string => where(stack.map((f) => f.piece).join('') + extra);
  const add = (name: string, parent: string | null, place: () => string): void => {
    if (seen.has(name)) {
      fail(
        `hierarchy: duplicate class name '${name}' (again at ${place()}); a nested hierarchy is a tree - give a DAG as [parent, child] edges`,
      );
    }
    seen.add(name);
    names.push(name);
    if (parent !== null) edges.push([parent, name]);
  };
  while (stack.length > 0) {
    const f = stack[stack.length - 1]!;
    if (f.kind === 'object') {
      if (f.i === f.keys.length) {
        stack.pop();
        continue;
      }
      const key = f.keys[f.i++]!;
      const name = checkName(key, () => pathOf() || 'top level');
      const piece = stack.length === 1 ? name : `.${name}`;
      add(name, f.parent, () => pathOf(piece));
      const value = f.obj[key];
      if (value === null || value === undefined) continue;
      if (Array.isArray(value)) {
        stack.push({ kind: 'array', parent: name, items: value, i: 0, piece });
      } else if (isPlainObject(value)) {
        stack.push({
          kind: 'object',
          parent: name,
          obj: value,
          keys: Object.keys(value),
          i: 0,
          piece,
        });
      } else {
        fail(
          `hierarchy: ${pathOf(piece)}: expected an object, an array of names or null for the children, got ${show(value)}`,
        );
      }
    } else {
      if (f.i === f.items.length) {
        stack.pop();
        continue;
      }
      const i = f.i++;
      const item = f.items[i];
      if (isPlainObject(item)) {
        const keys = Object.keys(item);
        stack.push({ kind: 'object', parent: f.parent, obj: item, keys, i: 0, piece: `[${i}]` });
      } else {
        const name = checkName(item, () => pathOf(`[${i}]`));
        add(name, f.parent, () => pathOf(`[${i}]`));
      }
    }
  }
  return { names, edges };
}

function edgesFromList(spec: readonly unknown[]): { names: string[]; edges: [string, string][] } {
  const names: string[] = [];
  const seen = new Set<string>();
  const edgeSet = new Set<string>();
  const edges: [string, string][] = [];
  for (let i = 0; i < spec.length; i++) {
    const e = spec[i];
    if (!Array.isArray(e) || e.length !== 2) {
      fail(`hierarchy: edge ${i}: expected a [parent, child] pair of names, got ${show(e)}`);
    }
    const parent = checkName(e[0], () => `edge ${i} parent`);
    const child = checkName(e[1], () => `edge ${i} child`);
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
  }
  return { names, edges };
}

/**
 * Depth-first search over the child lists with an explicit stack (a hierarchy may be deeper than
 * the call stack allows), roots tried in column order and children in spec order. Returns the
 * classes in post-order (every class after all of its descendants), or the first cycle met, as a
 * closed list of columns.
 */
function depthFirst(children: readonly number[][]): { postOrder: number[] } | { cycle: number[] } {
  const C = children.length;
  const state = new Uint8Array(C); // 0 new, 1 on the stack, 2 done
  const path: number[] = []; // the classes on the stack, root first
  const next: number[] = []; // per stack entry: the next child to try
  const postOrder: number[] = [];
  for (let root = 0; root < C; root++) {
    if (state[root] !== 0) continue;
    state[root] = 1;
    path.push(root);
    next.push(0);
    while (path.length > 0) {
      const top = path.length - 1;
      const c = path[top]!;
      const list = children[c]!;
      const k = next[top]!;
      if (k === list.length) {
        state[c] = 2;
        postOrder.push(c);
        path.pop();
        next.pop();
        continue;
      }
      next[top] = k + 1;
      const d = list[k]!;
      if (state[d] === 1) return { cycle: [...path.slice(path.indexOf(d)), d] };
      if (state[d] === 0) {
        state[d] = 1;
        path.push(d);
        next.push(0);
      }
    }
  }
  return { postOrder };
}

/** The classes reachable from `c` along `lists` (c excluded), in column order. Iterative. */
function reachable(lists: readonly number[][], c: number): number[] {
  const seen = new Uint8Array(lists.length);
  const stack = [c];
  const out: number[] = [];
  seen[c] = 1;
  while (stack.length > 0) {
    for (const d of lists[stack.pop()!]!) {
      if (seen[d] === 0) {
        seen[d] = 1;
        out.push(d);
        stack.push(d);
      }
    }
  }
  return out.sort((a, b) => a - b);
}

/**
 * CSR descendant closures, each class first, then its descendants in column order. Memory is the
 * sum of the descendant counts (C(C + 1)/2 for a chain of C levels), so it is built only when
 * `tables.closureStart` / `tables.closureIndex` is first read; no kernel reads it.
 */
function closureTables(children: readonly number[][]): { start: Int32Array; index: Int32Array } {
  const C = children.length;
  const lists = Array.from({ length: C }, (_, c) => reachable(children, c));
  let total = 0;
  for (const l of lists) total += l.length + 1;
  const start = new Int32Array(C + 1);
  const index = new Int32Array(total);
  let k = 0;
  for (let c = 0; c < C; c++) {
    start[c] = k;
    index[k++] = c;
    for (const d of lists[c]!) index[k++] = d;
  }
  start[C] = k;
  return { start, index };
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
    const search = depthFirst(childLists);
    if ('cycle' in search) {
      const cycle = search.cycle.map((c) => `'${classes[c]}'`);
      const n = cycle.length - 1;
      const text =
        n <= 12
          ? cycle.join(' -> ')
          : [...cycle.slice(0, 6), '...', ...cycle.slice(-3)].join(' -> ');
      fail(`hierarchy: cycle ${text}${n > 12 ? ` (${n} classes)` : ''}`);
    }
    this.childLists = childLists;
    this.parentLists = parentLists;

    // Levels: a leaf is 1, a parent 1 + the highest level of its children; in post-order every
    // child comes before its parents.
    const level = new Int32Array(C);
    let depth = 0;
    for (const c of search.postOrder) {
      let l = 1;
      for (const d of childLists[c]!) l = Math.max(l, 1 + level[d]!);
      level[c] = l;
      if (l > depth) depth = l;
    }

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
    const order = Array.from({ length: C }, (_, i) => i).sort(
      (a, b) => level[a]! - level[b]! || a - b,
    );

    this.edges = Object.freeze(edges);
    this.parentsWithChildren = Object.freeze(parentCols.map((c) => classes[c]!));
    this.leaves = Object.freeze(classes.filter((_, c) => childLists[c]!.length === 0));
    this.roots = Object.freeze(classes.filter((_, c) => parentLists[c]!.length === 0));
    this.depth = depth;
    let closure: { start: Int32Array; index: Int32Array } | undefined;
    const lazyClosure = () => {
      closure ??= closureTables(childLists);
      return closure;
    };
    const tables = {
      numClasses: C,
      edgeParent,
      edgeChild,
      childStart,
      childIndex,
      parentIndex: Int32Array.from(parentCols),
      bottomUpOrder: Int32Array.from(order),
      level,
    } as HierarchyTables;
    Object.defineProperties(tables, {
      closureStart: { enumerable: true, get: () => lazyClosure().start },
      closureIndex: { enumerable: true, get: () => lazyClosure().index },
    });
    this.tables = Object.freeze(tables);
  }

  indexOf(name: string): number {
    const i = this.index.get(name);
    if (i === undefined) {
      fail(`hierarchy: unknown class ${show(name)}; known classes are ${nameList(this.classes)}`);
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
    return this.names(reachable(this.parentLists, this.indexOf(name)));
  }

  descendants(name: string): string[] {
    return this.names(reachable(this.childLists, this.indexOf(name)));
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
export function defineHierarchy(spec: HierarchySpec, options?: HierarchyOptions): Hierarchy {
  checkKeys(options, 'options', ['classes']);
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
  const order = options?.classes;
  if (order !== undefined) {
    if (!Array.isArray(order)) {
      fail(`hierarchy: options.classes: expected an array of names, got ${show(order)}`);
    }
    const given: string[] = [];
    for (let i = 0; i < order.length; i++) {
      given.push(checkName(order[i], () => `options.classes[${i}]`));
    }
    const seen = new Set<string>();
    for (const n of given) {
      if (seen.has(n)) fail(`hierarchy: options.classes: duplicate class name '${n}'`);
      seen.add(n);
    }
    const known = new Set(parsed.names);
    const unknown = given.filter((n) => !known.has(n));
    if (unknown.length > 0) {
      fail(
        `hierarchy: options.classes: unknown class name${unknown.length > 1 ? 's' : ''} ${nameList(unknown)} (not in the hierarchy)`,
      );
    }
    const missing = parsed.names.filter((n) => !seen.has(n));
    if (missing.length > 0) {
      fail(
        `hierarchy: options.classes: missing class name${missing.length > 1 ? 's' : ''} ${nameList(missing)}`,
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
