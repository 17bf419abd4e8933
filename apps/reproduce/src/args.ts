/**
 * The command line of the main job: `reproduce [case ...] [--quick] [--trials=N] [--seed=N]
 * [--out=DIR] [case flags]`. Every flag is checked before any case runs; an unknown flag, a flag
 * of a case that was not selected, a missing or malformed value is a `UsageError` that says what
 * was expected.
 */
import { resolve } from 'node:path';
import type { FlagSpec, ReproduceCase, ReproduceOptions } from './cases/types.js';

/** A command-line mistake; the CLI prints its message and exits with status 2. */
export class UsageError extends Error {
  override readonly name = 'UsageError';
}

/** The flags of every case. */
export const globalFlags: readonly FlagSpec[] = [
  {
    name: 'quick',
    kind: 'boolean',
    description: 'smoke run: every case small, about a minute in all',
  },
  {
    name: 'trials',
    kind: 'integer',
    min: 1,
    description: 'repetitions (what one is: see each case)',
  },
  { name: 'seed', kind: 'integer', min: 0, description: 'base seed of the random draws' },
  {
    name: 'out',
    kind: 'string',
    description: 'output directory (default: out/ at the repository root, or $LOSSES_OUT)',
  },
  { name: 'help', kind: 'boolean', description: 'this text' },
];

/** What the command line asks for. */
export type Parsed =
  | { kind: 'help' }
  | { kind: 'run'; cases: ReproduceCase[]; options: ReproduceOptions };

function parseValue(spec: FlagSpec, raw: string): number {
  const v = Number(raw);
  const ok =
    raw.trim() !== '' && Number.isFinite(v) && (spec.kind !== 'integer' || Number.isInteger(v));
  if (!ok) {
    throw new UsageError(
      `--${spec.name} expects ${spec.kind === 'integer' ? 'an integer' : 'a number'}, got '${raw}'`,
    );
  }
  if (spec.min !== undefined && v < spec.min) {
    throw new UsageError(`--${spec.name} must be at least ${spec.min}, got ${raw}`);
  }
  if (spec.name === 'seed' && v > 0xffffffff) {
    throw new UsageError(`--seed must be below 2^32, got ${raw}`);
  }
  return v;
}

/** Parses `argv` (without node and the script) against the known cases. */
export function parseArgs(
  argv: readonly string[],
  cases: readonly ReproduceCase[],
  defaultOut: string,
): Parsed {
  const names: string[] = [];
  const given = new Map<
    string,
    { spec: FlagSpec; value: number | boolean | string; owner: string | null }
  >();
  const caseFlags = new Map<string, { spec: FlagSpec; owners: string[] }>();
  for (const c of cases) {
    for (const f of c.flags ?? []) {
      const known = caseFlags.get(f.name);
      if (known) known.owners.push(c.name);
      else caseFlags.set(f.name, { spec: f, owners: [c.name] });
    }
  }
  const allFlags = () =>
    [...globalFlags.map((f) => f.name), ...caseFlags.keys()].map((n) => `--${n}`).join(', ');

  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') return { kind: 'help' };
    if (!arg.startsWith('--')) {
      if (arg.startsWith('-')) throw new UsageError(`unknown flag ${arg}; flags: ${allFlags()}`);
      names.push(arg);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq < 0 ? undefined : eq);
    const inline = eq < 0 ? undefined : arg.slice(eq + 1);
    const global = globalFlags.find((f) => f.name === name);
    const own = caseFlags.get(name);
    const spec = global ?? own?.spec;
    if (!spec) throw new UsageError(`unknown flag --${name}; flags: ${allFlags()}`);
    if (given.has(name)) throw new UsageError(`--${name} is given twice`);
    let value: number | boolean | string;
    if (spec.kind === 'boolean') {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value, got '${arg}'`);
      value = true;
    } else {
      let raw = inline;
      if (raw === undefined) {
        const next = argv[i + 1];
        if (next === undefined || next.startsWith('--')) {
          throw new UsageError(
            `--${name} needs a value (--${name}=${name === 'out' ? 'DIR' : 'N'})`,
          );
        }
        raw = next;
        i++;
      }
      value = spec.kind === 'string' ? raw : parseValue(spec, raw);
    }
    given.set(name, { spec, value, owner: global ? null : own!.owners.join(', ') });
  }
  if (given.has('help') || names.includes('help')) return { kind: 'help' };

  const unknown = names.filter((n) => !cases.some((c) => c.name === n));
  if (unknown.length > 0) {
    throw new UsageError(
      `unknown case(s): ${unknown.join(', ')}; known: ${cases.map((c) => c.name).join(', ')}`,
    );
  }
  const selected =
    names.length > 0
      ? cases.filter((c) => names.includes(c.name))
      : cases.filter((c) => !c.onDemand || given.has('quick'));
  for (const [name, g] of given) {
    if (g.owner === null) continue;
    const owners = caseFlags.get(name)!.owners;
    if (!selected.some((c) => owners.includes(c.name))) {
      throw new UsageError(`--${name} is a flag of ${owners.join(', ')}, which is not selected`);
    }
  }
  const flags: Record<string, number | boolean | string> = {};
  for (const [name, g] of given) {
    if (g.owner !== null) flags[name] = g.value;
  }
  const out = given.get('out');
  if (out && String(out.value).trim() === '') throw new UsageError('--out needs a directory');
  return {
    kind: 'run',
    cases: selected,
    options: {
      quick: given.has('quick'),
      trials: given.get('trials')?.value as number | undefined,
      seed: given.get('seed')?.value as number | undefined,
      out: resolve(out ? String(out.value) : defaultOut),
      flags,
    },
  };
}

/** The `--help` text. */
export function helpText(cases: readonly ReproduceCase[], defaultOut: string): string {
  const line = (f: FlagSpec) =>
    `  --${f.kind === 'boolean' ? f.name : `${f.name}=${{ integer: 'N', number: 'X', string: 'DIR' }[f.kind]}`}`.padEnd(
      22,
    ) + f.description;
  const lines = [
    'usage: pnpm reproduce [case ...] [--quick] [--trials=N] [--seed=N] [--out=DIR] [case flags]',
    '',
    'Reruns the case studies and writes tables, CSV data and SVG plots. With no case, runs all.',
    '',
    'flags:',
    ...globalFlags.map(line),
    '',
    'cases:',
  ];
  const indent = ' '.repeat(21);
  /** `text` after `first` in lines of at most 100 characters, continuation lines indented. */
  const wrap = (first: string, text: string) => {
    const out: string[] = [];
    let cur = first;
    for (const word of text.split(' ')) {
      if (cur.length + word.length + 1 > 100 && cur.trim() !== '') {
        out.push(cur);
        cur = indent;
      }
      cur += cur.trim() === '' ? word : ` ${word}`;
    }
    out.push(cur);
    return out;
  };
  for (const c of cases) {
    lines.push(
      ...wrap(`  ${c.name.padEnd(18)}`, c.onDemand ? `${c.summary} (only when named)` : c.summary),
    );
    lines.push(...wrap(indent, `trials: ${c.trials ?? '- (no repetitions)'}`));
    lines.push(...wrap(indent, `seed: ${c.seed ?? '- (nothing random)'}`));
    for (const f of c.flags ?? []) lines.push(`  ${line(f)}`);
  }
  lines.push('', `Results are written to ${defaultOut} unless --out is given.`);
  return lines.join('\n');
}
