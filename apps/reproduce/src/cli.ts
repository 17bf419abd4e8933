#!/usr/bin/env node
/**
 * The main job of @losses: `pnpm reproduce [case ...] [--quick] [--trials=N] [--seed=N]
 * [--out=DIR] [case flags]` reruns the case studies and writes Markdown/JSON tables, CSV data and
 * SVG plots to `out/` at the repository root (or DIR). With no case it runs them all, in order.
 * `--help` lists the cases, what `--trials` and `--seed` mean for each, and their own flags.
 */
import { helpText, parseArgs, UsageError } from './args.js';
import { cases } from './cases/index.js';
import { defaultOutDir, setOutDir } from './lib/output.js';

/**
 * Wall time since `t` and the process's CPU time since `cpu` (all threads: user + system), so a
 * run on a loaded machine still says what the work costs.
 */
function elapsed(t: number, cpu: NodeJS.CpuUsage): string {
  const used = process.cpuUsage(cpu);
  const wall = (Date.now() - t) / 1000;
  return `${wall.toFixed(1)} s (CPU ${((used.user + used.system) / 1e6).toFixed(1)} s)`;
}

async function main(argv: readonly string[]): Promise<number> {
  let parsed: ReturnType<typeof parseArgs>;
  try {
    parsed = parseArgs(argv, cases, defaultOutDir());
  } catch (e) {
    if (!(e instanceof UsageError)) throw e;
    console.error(`reproduce: ${e.message}\n(reproduce --help lists the cases and flags)`);
    return 2;
  }
  if (parsed.kind === 'help') {
    console.log(helpText(cases, defaultOutDir()));
    return 0;
  }
  const { options } = parsed;
  setOutDir(options.out);
  const t0 = Date.now();
  const cpu0 = process.cpuUsage();
  for (const c of parsed.cases) {
    const t = Date.now();
    const cpu = process.cpuUsage();
    console.log(`\n== ${c.name}: ${c.summary}${options.quick ? ' (--quick)' : ''}`);
    if (options.trials !== undefined && c.trials === undefined) {
      console.log(`   (--trials does not apply: ${c.name} has no repetitions)`);
    }
    if (options.seed !== undefined && c.seed === undefined) {
      console.log(`   (--seed does not apply: ${c.name} draws nothing at random)`);
    }
    await c.run(options);
    console.log(`== ${c.name} done in ${elapsed(t, cpu)}`);
  }
  console.log(`\nAll done in ${elapsed(t0, cpu0)}; results in ${options.out}`);
  return 0;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (err: unknown) => {
    console.error(err);
    process.exitCode = 1;
  },
);
