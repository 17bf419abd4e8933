import { describe, expect, it } from 'vitest';
import { helpText, parseArgs, UsageError } from '../src/args.js';
import type { ReproduceCase } from '../src/cases/types.js';

const noop = async () => {};
const cases: ReproduceCase[] = [
  { name: 'one', summary: 'first', run: noop },
  {
    name: 'two',
    summary: 'second',
    trials: 'a trial',
    seed: 'the data',
    flags: [
      { name: 'points', kind: 'integer', min: 3, description: 'points' },
      { name: 'lr', kind: 'number', min: 0, description: 'rate' },
      { name: 'both', kind: 'boolean', description: 'both' },
    ],
    run: noop,
  },
];
const parse = (...argv: string[]) => parseArgs(argv, cases, '/tmp/out-default');
const run = (...argv: string[]) => {
  const p = parse(...argv);
  if (p.kind !== 'run') throw new Error('expected a run');
  return p;
};

describe('reproduce command line', () => {
  it('runs every case with the defaults when nothing is given', () => {
    const p = run();
    expect(p.cases.map((c) => c.name)).toEqual(['one', 'two']);
    expect(p.options).toEqual({
      quick: false,
      trials: undefined,
      seed: undefined,
      out: '/tmp/out-default',
      flags: {},
    });
  });

  it('leaves an on-demand case out unless it is named or --quick runs every case', () => {
    const withLong: ReproduceCase[] = [
      ...cases,
      { name: 'long', summary: 'long', onDemand: true, run: noop },
    ];
    const names = (...argv: string[]) => {
      const p = parseArgs(argv, withLong, '/tmp/out-default');
      if (p.kind !== 'run') throw new Error('expected a run');
      return p.cases.map((c) => c.name);
    };
    expect(names()).toEqual(['one', 'two']);
    expect(names('long')).toEqual(['long']);
    expect(names('--quick')).toEqual(['one', 'two', 'long']);
  });

  it('reads the global flags in both spellings and the case flags into one options object', () => {
    const p = run(
      'two',
      '--quick',
      '--trials=12',
      '--seed',
      '7',
      '--out',
      'rel/dir',
      '--points=5',
      '--both',
      '--lr',
      '0.5',
    );
    expect(p.cases.map((c) => c.name)).toEqual(['two']);
    expect(p.options.quick).toBe(true);
    expect(p.options.trials).toBe(12);
    expect(p.options.seed).toBe(7);
    expect(p.options.out.endsWith('/rel/dir')).toBe(true);
    expect(p.options.flags).toEqual({ points: 5, both: true, lr: 0.5 });
  });

  it('rejects unknown flags, naming the known ones', () => {
    expect(() => parse('--bogus')).toThrow(UsageError);
    expect(() => parse('--bogus')).toThrow(/unknown flag --bogus; flags: --quick, --trials/);
    expect(() => parse('-x')).toThrow(/unknown flag -x/);
  });

  it('rejects malformed and out-of-range values, and values on boolean flags', () => {
    expect(() => parse('--trials=abc')).toThrow(/--trials expects an integer, got 'abc'/);
    expect(() => parse('--trials=0')).toThrow(/--trials must be at least 1/);
    expect(() => parse('--trials=1.5')).toThrow(/an integer/);
    expect(() => parse('--seed')).toThrow(/--seed needs a value/);
    expect(() => parse('--seed=-1')).toThrow(/at least 0/);
    expect(() => parse('--seed=4294967296')).toThrow(/below 2\^32/);
    expect(() => parse('--quick=yes')).toThrow(/--quick takes no value/);
    expect(() => parse('two', '--points=2')).toThrow(/--points must be at least 3/);
    expect(() => parse('--trials=3', '--trials=4')).toThrow(/given twice/);
  });

  it('rejects a flag of a case that is not selected, and unknown cases', () => {
    expect(() => parse('one', '--points=5')).toThrow(
      /--points is a flag of two, which is not selected/,
    );
    expect(() => parse('three')).toThrow(/unknown case\(s\): three; known: one, two/);
  });

  it('answers --help, -h and help with the help text listing flags, cases and case flags', () => {
    expect(parse('--help').kind).toBe('help');
    expect(parse('-h').kind).toBe('help');
    expect(parse('help').kind).toBe('help');
    const text = helpText(cases, '/tmp/out-default');
    for (const s of [
      '--quick',
      '--trials=N',
      '--seed=N',
      '--out=DIR',
      '--points=N',
      '--lr=X',
      '--both',
      'a trial',
      'the data',
    ]) {
      expect(text).toContain(s);
    }
    expect(text).not.toContain('[--flags]');
  });
});
